-- 009_runs_owner.sql: who made a run (so that only they, or an admin, may
-- cancel it or destroy what it provisioned), and Idempotency-Key compared
-- byte for byte (CaseKey-1 and CASEKEY-1 are two keys).
-- MariaDB commits around DDL, so every step can run again: ADD COLUMN IF
-- NOT EXISTS, an UPDATE that only fills what is still empty, and a MODIFY
-- that leaves a column already so as it is.

-- The user id of the creator; NULL for the keys of API_KEYS / OUMI_API_KEY,
-- which have no account (only admins may change those runs).
ALTER TABLE runs
    ADD COLUMN IF NOT EXISTS created_by_user_id BIGINT UNSIGNED NULL AFTER created_by;

-- Runs made before this migration recorded their creator by username (or
-- "user:<id>" for an account without one): give them their user. A
-- username an account has since given up (it follows the email while it
-- equals it) and another taken may hand an old run to the wrong account;
-- admins can change any run either way.
UPDATE runs r JOIN users u ON u.username = r.created_by
    SET r.created_by_user_id = u.id
    WHERE r.created_by_user_id IS NULL AND r.created_by <> 'env-key';
UPDATE runs r JOIN users u ON r.created_by = CONCAT('user:', u.id)
    SET r.created_by_user_id = u.id
    WHERE r.created_by_user_id IS NULL;

-- Idempotency keys are opaque bytes (printable ASCII, checked by the API):
-- a binary collation, so that the key of one request never replays another's.
-- UNIQUE (created_by, idempotency_key) follows the column.
ALTER TABLE runs
    MODIFY idempotency_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;
