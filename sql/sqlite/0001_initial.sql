-- roomkeys schema, SQLite. Ids compare as exact bytes (SQLite's default BINARY collation).

-- One row per user who ever had a backup: the last version id handed out, so ids are never
-- reused, not even after every version was deleted or the user's data purged.
CREATE TABLE rk_users (
  user_id TEXT NOT NULL PRIMARY KEY,
  last_version INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Backup versions. etag and key_count change in the same transaction as the keys, so reads
-- never count rows.
CREATE TABLE rk_versions (
  user_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  algorithm TEXT NOT NULL,
  auth_data TEXT NOT NULL,
  etag INTEGER NOT NULL DEFAULT 0,
  key_count INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, version)
) WITHOUT ROWID;

CREATE TABLE rk_keys (
  user_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  room_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  first_message_index INTEGER NOT NULL,
  forwarded_count INTEGER NOT NULL,
  is_verified INTEGER NOT NULL,
  session_data TEXT NOT NULL,
  PRIMARY KEY (user_id, version, room_id, session_id)
) WITHOUT ROWID;

-- Operator purges of one room across all users.
CREATE INDEX rk_keys_by_room ON rk_keys (room_id);
