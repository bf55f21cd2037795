-- roomkeys schema, MariaDB / MySQL (InnoDB).
-- Ids are VARBINARY: compared as exact bytes, so "!abc:x" and "!ABC:x" differ and no collation
-- pads or folds them (utf8mb4_bin is a PAD SPACE collation in MariaDB). roomkeys only ever
-- stores valid UTF-8 in them. JSON kept verbatim is LONGBLOB for the same reason.

-- One row per user who ever had a backup: the last version id handed out, so ids are never
-- reused; its row lock serialises the writes of one user.
CREATE TABLE rk_users (
  user_id VARBINARY(255) NOT NULL PRIMARY KEY,
  last_version BIGINT NOT NULL DEFAULT 0
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Backup versions. etag and key_count change in the same transaction as the keys.
CREATE TABLE rk_versions (
  user_id VARBINARY(255) NOT NULL,
  version BIGINT NOT NULL,
  algorithm LONGBLOB NOT NULL,
  auth_data LONGBLOB NOT NULL,
  etag BIGINT NOT NULL DEFAULT 0,
  key_count BIGINT NOT NULL DEFAULT 0,
  deleted TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE rk_keys (
  user_id VARBINARY(255) NOT NULL,
  version BIGINT NOT NULL,
  room_id VARBINARY(255) NOT NULL,
  session_id VARBINARY(255) NOT NULL,
  first_message_index BIGINT NOT NULL,
  forwarded_count BIGINT NOT NULL,
  is_verified TINYINT NOT NULL,
  session_data LONGBLOB NOT NULL,
  PRIMARY KEY (user_id, version, room_id, session_id),
  KEY rk_keys_by_room (room_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
