-- Keys were clustered on (user_id, version, room_id, session_id). Clients upload keys in the order
-- they received them, across rooms, with random session ids, so every insert landed on a cold
-- 16 KiB page somewhere in ~1.3 GB per million keys: uploads fell from 16k to 3.4k keys/s once
-- the table outgrew the buffer pool. Now rows are clustered by room in arrival order (seq): an
-- upload appends at the end of each of its rooms, one hot page per room. The key stays unique
-- through rk_keys_key (~150 bytes a key, small enough to stay cached), through which lookups of
-- given keys go. A restore still reads one room after another, sequentially, in (room_id, seq)
-- order; sessions within a room are a JSON object, whose order means nothing.
-- Rebuilds the table (an added AUTO_INCREMENT column is a copy): minutes per million keys.
ALTER TABLE rk_keys
  ADD COLUMN seq BIGINT NOT NULL AUTO_INCREMENT,
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (user_id, version, room_id, seq),
  ADD UNIQUE KEY rk_keys_key (user_id, version, room_id, session_id),
  ADD KEY rk_keys_arrival (seq);
