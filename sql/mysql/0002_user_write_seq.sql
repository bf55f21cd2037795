-- Every write of a user bumps write_seq on the user's row (SqlDialect::lock_user). On one server
-- that row's lock already serialised a user's writes; on a Galera cluster a lock is local to one
-- node, and an upsert that changes nothing replicates nothing, so writers of one user on two
-- nodes were never compared. A row that really changes is in every write set: Galera certifies
-- such writers against each other and one of them is re-run (ER_LOCK_DEADLOCK).
-- An instant change in MariaDB 10.3+: no table copy.
ALTER TABLE rk_users ADD COLUMN write_seq BIGINT NOT NULL DEFAULT 0;
