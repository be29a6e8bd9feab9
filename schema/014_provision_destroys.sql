-- 014_provision_destroys.sql: which provisioning request a destroy run tears
-- down, as a relation of its own. A run is the generic backbone (provision,
-- destroy, later deployments, unit executions, workflow runs); what only one
-- kind knows lives in a table of that kind joined by run_id, never in runs.
-- Until now a destroy run found its request through runs.subject (the
-- request's uuid); the backfill below keeps every existing destroy.
-- Safe to run again: IF NOT EXISTS and INSERT IGNORE.
CREATE TABLE IF NOT EXISTS provision_destroys (
    run_id        BIGINT UNSIGNED NOT NULL PRIMARY KEY, -- the destroy run
    target_run_id BIGINT UNSIGNED NOT NULL,             -- the provisioning run it tears down
    created_at    DATETIME(6) NOT NULL,
    -- the latest destroy of a request: WHERE target_run_id = ? ORDER BY run_id DESC
    KEY provision_destroys_target (target_run_id, run_id),
    CONSTRAINT provision_destroys_run_fk FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT provision_destroys_target_fk FOREIGN KEY (target_run_id) REFERENCES runs (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT IGNORE INTO provision_destroys (run_id, target_run_id, created_at)
SELECT d.id, t.id, d.created_at
FROM runs d
JOIN runs t ON t.uuid = d.subject AND t.kind = 'provision'
WHERE d.kind = 'destroy';
