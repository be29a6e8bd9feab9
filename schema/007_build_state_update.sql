-- 007_build_state_update.sql: a state change is one UPDATE of builds (one
-- round trip, atomic on its own) instead of a transaction of five round
-- trips (lock, history insert, update, begin, commit; issue 7,
-- bench/RESULTS.md). The update trigger writes the history row.
--
-- state_seq counts the state changes the API made: its UPDATE adds one, and
-- that is what tells the trigger that a state was set (even the same state
-- again), where a heartbeat or an operator's backdating of updated_at is
-- not a state change. updated_by is who set it. A change of current_state
-- by an operator's SQL is recorded too, by nobody (NULL), at the time it
-- was made.
--
-- Safe to run again: ADD COLUMN IF NOT EXISTS, and CREATE OR REPLACE swaps
-- the trigger in one step. The body is 005's builds_au with the history
-- insert at its end.
ALTER TABLE builds
    ADD COLUMN IF NOT EXISTS updated_by VARCHAR(254) NULL AFTER updated_at,
    ADD COLUMN IF NOT EXISTS state_seq INT UNSIGNED NOT NULL DEFAULT 0 AFTER updated_by;

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
    IF OLD.state_seq <> NEW.state_seq THEN
        INSERT INTO build_state_history (build_id, state_code, message, created_by, created_at)
        VALUES (NEW.id, NEW.current_state, NEW.current_message, NEW.updated_by, NEW.updated_at);
    ELSEIF OLD.current_state <> NEW.current_state THEN
        INSERT INTO build_state_history (build_id, state_code, message, created_by, created_at)
        VALUES (NEW.id, NEW.current_state, NEW.current_message, NULL, UTC_TIMESTAMP(6));
    END IF;
END;
