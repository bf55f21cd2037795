-- Keys move from a table clustered on (user_id, version, room_id, session_id) to a rowid table
-- with that key as a unique index. Clients upload keys in the order they received them, across
-- rooms, so in the clustered layout every insert landed on a cold ~16 KiB leaf somewhere in a
-- table of ~1.3 GB per million keys: uploads slowed down as the backup grew. Now rows are
-- appended (their pages are hot), and only the small index (~100 bytes a key) takes random
-- inserts; it stays in the writer's page cache. Reads in key order go through the index. The
-- index by room goes: a purge of a room seeks it in each version through the key index instead
-- (an operator's rare call), and every upload maintains one random-order index, not two.
CREATE TABLE rk_keys_by_arrival (
  user_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  room_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  first_message_index INTEGER NOT NULL,
  forwarded_count INTEGER NOT NULL,
  is_verified INTEGER NOT NULL,
  session_data TEXT NOT NULL
);

INSERT INTO rk_keys_by_arrival (user_id, version, room_id, session_id, first_message_index,
  forwarded_count, is_verified, session_data)
SELECT user_id, version, room_id, session_id, first_message_index, forwarded_count, is_verified,
  session_data FROM rk_keys ORDER BY user_id, version, room_id, session_id;

DROP TABLE rk_keys;

ALTER TABLE rk_keys_by_arrival RENAME TO rk_keys;

CREATE UNIQUE INDEX rk_keys_key ON rk_keys (user_id, version, room_id, session_id);
