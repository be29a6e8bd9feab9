-- 006_build_history.sql: a build's first history row is written with the
-- build, by its insert trigger, so that creating a build is one statement
-- (one round trip, atomic on its own) instead of a transaction of two
-- inserts (issue 7, bench/RESULTS.md). The row records the state the build
-- was created in (queued for the API) at its creation time, by its
-- creator. Safe to run again: CREATE OR REPLACE swaps the trigger in one
-- step, so no concurrent insert slips through uncounted.
CREATE OR REPLACE TRIGGER builds_ai AFTER INSERT ON builds FOR EACH ROW
BEGIN
    INSERT INTO build_counts (platform_id, state_code, shard, builds, finished_us)
    VALUES (NEW.platform_id, NEW.current_state, NEW.id % 8, 1,
            COALESCE(TIMESTAMPDIFF(MICROSECOND, NEW.created_at, NEW.finished_at), 0))
    ON DUPLICATE KEY UPDATE builds = builds + 1, finished_us = finished_us + VALUES(finished_us);
    INSERT INTO build_state_history (build_id, state_code, message, created_by, created_at)
    VALUES (NEW.id, NEW.current_state, NEW.current_message, NEW.created_by, NEW.created_at);
END;
