-- 004_runs.sql: the run engine: runs (a graph of tasks), their tasks, the
-- log the API serves (run_events) and the reconcilers' own heartbeats.
-- Safe to run again: every statement is IF NOT EXISTS.

-- One asynchronous job (a provisioning request, later a deployment).
-- status: queued -> running -> succeeded | failed | canceled.
CREATE TABLE IF NOT EXISTS runs (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    uuid            CHAR(36) CHARACTER SET ascii NOT NULL,
    kind            VARCHAR(32) CHARACTER SET ascii NOT NULL,
    subject         VARCHAR(255) NULL,
    executor        VARCHAR(16) CHARACTER SET ascii NOT NULL,
    status          VARCHAR(16) CHARACTER SET ascii NOT NULL,
    input           MEDIUMTEXT NOT NULL,  -- JSON, validated by the API
    output          MEDIUMTEXT NULL,      -- JSON object merged from the tasks' outputs
    message         VARCHAR(2000) NULL,
    created_by      VARCHAR(254) NOT NULL,
    -- Idempotency-Key of the request that made it, unique per creator, with
    -- the SHA-256 of the request body it came with.
    idempotency_key VARCHAR(255) NULL,
    request_hash    CHAR(64) CHARACTER SET ascii NULL,
    -- where to POST the final status (one webhook row when the run ends)
    callback_url    VARCHAR(2048) NULL,
    created_at      DATETIME(6) NOT NULL,
    updated_at      DATETIME(6) NOT NULL,
    started_at      DATETIME(6) NULL,
    finished_at     DATETIME(6) NULL,
    UNIQUE KEY runs_uuid (uuid),
    UNIQUE KEY runs_idempotency (created_by, idempotency_key),
    KEY runs_kind_created (kind, created_at),
    KEY runs_kind_status_created (kind, status, created_at),
    -- a destroy run's subject is the request it destroys
    KEY runs_kind_subject (kind, subject)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The steps of a run. status: pending -> ready -> running -> succeeded |
-- failed | canceled, with retrying between attempts. depends_on is a
-- comma-separated list of task names of the same run.
CREATE TABLE IF NOT EXISTS tasks (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    run_id           BIGINT UNSIGNED NOT NULL,
    seq              SMALLINT UNSIGNED NOT NULL,
    name             VARCHAR(64) CHARACTER SET ascii NOT NULL,
    depends_on       VARCHAR(512) CHARACTER SET ascii NOT NULL DEFAULT '',
    executor         VARCHAR(16) CHARACTER SET ascii NOT NULL, -- the run's: who may lease it
    status           VARCHAR(16) CHARACTER SET ascii NOT NULL,
    attempts         INT UNSIGNED NOT NULL DEFAULT 0,
    max_attempts     INT UNSIGNED NOT NULL,
    retry_delay_s    INT UNSIGNED NOT NULL,
    retry_backoff    BOOLEAN NOT NULL DEFAULT FALSE,
    timeout_s        INT UNSIGNED NOT NULL,
    next_attempt_at  DATETIME(6) NULL,
    lease_owner      VARCHAR(128) NULL,
    lease_expires_at DATETIME(6) NULL,
    last_error       VARCHAR(2000) NULL,
    output           MEDIUMTEXT NULL,
    created_at       DATETIME(6) NOT NULL,
    updated_at       DATETIME(6) NOT NULL,
    started_at       DATETIME(6) NULL,
    finished_at      DATETIME(6) NULL,
    UNIQUE KEY tasks_run_name (run_id, name),
    -- the leasing query: due tasks in order
    KEY tasks_due (status, next_attempt_at),
    -- expired-lease recovery
    KEY tasks_lease (status, lease_expires_at),
    -- GET /status: tasks that failed for good lately
    KEY tasks_finished (status, finished_at),
    CONSTRAINT tasks_run_fk FOREIGN KEY (run_id) REFERENCES runs (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The log of a run, read incrementally by id (the cursor).
-- level: 0 debug, 1 info, 2 warning, 3 error.
CREATE TABLE IF NOT EXISTS run_events (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    run_id     BIGINT UNSIGNED NOT NULL,
    task_id    BIGINT UNSIGNED NULL,
    attempt    INT UNSIGNED NULL,
    level      TINYINT UNSIGNED NOT NULL,
    stream     VARCHAR(8) CHARACTER SET ascii NULL, -- stdout, stderr, or NULL
    message    VARCHAR(4000) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    KEY run_events_run (run_id, id),
    CONSTRAINT run_events_run_fk FOREIGN KEY (run_id) REFERENCES runs (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Completion webhooks: one per finished run that had a callback_url,
-- delivered by the reconcilers (signed, retried with backoff); a failure is
-- recorded here and in the run's log, and never touches the run.
-- status: pending -> delivered | failed.
CREATE TABLE IF NOT EXISTS webhooks (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    run_id          BIGINT UNSIGNED NOT NULL,
    url             VARCHAR(2048) NOT NULL,
    status          VARCHAR(16) CHARACTER SET ascii NOT NULL,
    attempts        INT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NULL,
    last_status     INT NULL,      -- the receiver's HTTP status, NULL when none came
    last_error      VARCHAR(1000) NULL,
    created_at      DATETIME(6) NOT NULL,
    delivered_at    DATETIME(6) NULL,
    UNIQUE KEY webhooks_run (run_id),
    KEY webhooks_due (status, next_attempt_at),
    CONSTRAINT webhooks_run_fk FOREIGN KEY (run_id) REFERENCES runs (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per reconciler (owner = host:pid), written at the end of each pass.
CREATE TABLE IF NOT EXISTS reconcilers (
    owner         VARCHAR(128) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    host          VARCHAR(255) NOT NULL,
    pid           INT UNSIGNED NOT NULL,
    started_at    DATETIME(6) NOT NULL,
    last_pass_at  DATETIME(6) NOT NULL,
    passes        BIGINT UNSIGNED NOT NULL DEFAULT 0,
    tasks_run     BIGINT UNSIGNED NOT NULL DEFAULT 0,
    KEY reconcilers_last_pass (last_pass_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
