-- 005_build_perf.sql: the build-state write path without deadlocks, and the
-- dashboards without scans of builds or build_failures (issue 7,
-- bench/RESULTS.md "Optimisations"). Safe to run again: MariaDB commits
-- around DDL, so every step is IF NOT EXISTS, CREATE OR REPLACE (which
-- swaps a trigger in one step: no moment without it for a concurrent
-- writer to slip through uncounted) or an upsert that sets the true value.

-- Failures per error code and platform, kept by the triggers below as
-- build_counts is kept: GET /dashboard/summary's top failure codes add up
-- at most codes x platforms x 8 rows instead of grouping every failure and
-- joining each back to builds for its platform (1.3 s at 150,000 failures).
-- Sharded by build id like build_counts. error_code has build_failures'
-- collation, so codes group here exactly as GROUP BY error_code grouped them.
CREATE TABLE IF NOT EXISTS build_failure_counts (
    platform_id INT UNSIGNED     NOT NULL,
    error_code  VARCHAR(128)     NOT NULL,
    shard       TINYINT UNSIGNED NOT NULL,
    failures    BIGINT           NOT NULL,
    PRIMARY KEY (platform_id, error_code, shard)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- builds_au, again, with one change: the two build_counts rows a change
-- touches (old and new platform/state, same shard) are locked in ascending
-- key order. 003's trigger took the old row first, so two transactions
-- moving builds of one shard in opposite directions (10 -> 20 and 20 -> 10)
-- each held the row the other wanted: an InnoDB deadlock. It also moves the
-- failure-code counters when a build changes platform (never done by the
-- API; an operator's SQL may).
CREATE OR REPLACE TRIGGER builds_au AFTER UPDATE ON builds FOR EACH ROW
BEGIN
    IF OLD.current_state <> NEW.current_state OR OLD.platform_id <> NEW.platform_id
       OR NOT (OLD.finished_at <=> NEW.finished_at) OR OLD.created_at <> NEW.created_at THEN
        IF (OLD.platform_id, OLD.current_state) <= (NEW.platform_id, NEW.current_state) THEN
            UPDATE build_counts SET builds = builds - 1,
                   finished_us = finished_us - COALESCE(TIMESTAMPDIFF(MICROSECOND, OLD.created_at, OLD.finished_at), 0)
             WHERE platform_id = OLD.platform_id AND state_code = OLD.current_state AND shard = OLD.id % 8;
            INSERT INTO build_counts (platform_id, state_code, shard, builds, finished_us)
            VALUES (NEW.platform_id, NEW.current_state, NEW.id % 8, 1,
                    COALESCE(TIMESTAMPDIFF(MICROSECOND, NEW.created_at, NEW.finished_at), 0))
            ON DUPLICATE KEY UPDATE builds = builds + 1, finished_us = finished_us + VALUES(finished_us);
        ELSE
            INSERT INTO build_counts (platform_id, state_code, shard, builds, finished_us)
            VALUES (NEW.platform_id, NEW.current_state, NEW.id % 8, 1,
                    COALESCE(TIMESTAMPDIFF(MICROSECOND, NEW.created_at, NEW.finished_at), 0))
            ON DUPLICATE KEY UPDATE builds = builds + 1, finished_us = finished_us + VALUES(finished_us);
            UPDATE build_counts SET builds = builds - 1,
                   finished_us = finished_us - COALESCE(TIMESTAMPDIFF(MICROSECOND, OLD.created_at, OLD.finished_at), 0)
             WHERE platform_id = OLD.platform_id AND state_code = OLD.current_state AND shard = OLD.id % 8;
        END IF;
    END IF;
    IF OLD.platform_id <> NEW.platform_id THEN
        UPDATE build_failure_counts c
          JOIN (SELECT error_code, COUNT(*) AS n FROM build_failures
                 WHERE build_id = OLD.id AND error_code IS NOT NULL GROUP BY error_code) x
            ON c.error_code = x.error_code
           SET c.failures = c.failures - x.n
         WHERE c.platform_id = OLD.platform_id AND c.shard = OLD.id % 8;
        INSERT INTO build_failure_counts (platform_id, error_code, shard, failures)
        SELECT NEW.platform_id, error_code, NEW.id % 8, COUNT(*) FROM build_failures
         WHERE build_id = NEW.id AND error_code IS NOT NULL GROUP BY error_code
        ON DUPLICATE KEY UPDATE failures = failures + VALUES(failures);
    END IF;
END;

CREATE OR REPLACE TRIGGER build_failures_ai AFTER INSERT ON build_failures FOR EACH ROW
    IF NEW.error_code IS NOT NULL THEN
        INSERT INTO build_failure_counts (platform_id, error_code, shard, failures)
        SELECT platform_id, NEW.error_code, NEW.build_id % 8, 1 FROM builds WHERE id = NEW.build_id
        ON DUPLICATE KEY UPDATE failures = failures + 1;
    END IF;

CREATE OR REPLACE TRIGGER build_failures_ad AFTER DELETE ON build_failures FOR EACH ROW
    IF OLD.error_code IS NOT NULL THEN
        UPDATE build_failure_counts c JOIN builds b ON b.id = OLD.build_id
           SET c.failures = c.failures - 1
         WHERE c.platform_id = b.platform_id AND c.error_code = OLD.error_code
           AND c.shard = OLD.build_id % 8;
    END IF;

CREATE OR REPLACE TRIGGER build_failures_au AFTER UPDATE ON build_failures FOR EACH ROW
    IF NOT (OLD.error_code <=> NEW.error_code) OR OLD.build_id <> NEW.build_id THEN
        IF OLD.error_code IS NOT NULL THEN
            UPDATE build_failure_counts c JOIN builds b ON b.id = OLD.build_id
               SET c.failures = c.failures - 1
             WHERE c.platform_id = b.platform_id AND c.error_code = OLD.error_code
               AND c.shard = OLD.build_id % 8;
        END IF;
        IF NEW.error_code IS NOT NULL THEN
            INSERT INTO build_failure_counts (platform_id, error_code, shard, failures)
            SELECT platform_id, NEW.error_code, NEW.build_id % 8, 1 FROM builds WHERE id = NEW.build_id
            ON DUPLICATE KEY UPDATE failures = failures + 1;
        END IF;
    END IF;

-- The counters of the failures recorded before this migration. An upsert
-- to the true figure, so running it again (after a half-done run, or with
-- the triggers above already counting) leaves the right values.
INSERT INTO build_failure_counts (platform_id, error_code, shard, failures)
SELECT b.platform_id, f.error_code, f.build_id % 8, COUNT(*)
  FROM build_failures f JOIN builds b ON b.id = f.build_id
 WHERE f.error_code IS NOT NULL
 GROUP BY b.platform_id, f.error_code, f.build_id % 8
ON DUPLICATE KEY UPDATE failures = VALUES(failures);
