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
-- A trigger of its own, beside 005's builds_au (the counters). Safe to run
-- again: ADD COLUMN IF NOT EXISTS, and CREATE OR REPLACE swaps the trigger
-- in one step.
ALTER TABLE builds
    ADD COLUMN IF NOT EXISTS updated_by VARCHAR(254) NULL AFTER updated_at,
    ADD COLUMN IF NOT EXISTS state_seq INT UNSIGNED NOT NULL DEFAULT 0 AFTER updated_by;

CREATE OR REPLACE TRIGGER builds_au_history AFTER UPDATE ON builds FOR EACH ROW
BEGIN
    IF OLD.state_seq <> NEW.state_seq THEN
        INSERT INTO build_state_history (build_id, state_code, message, created_by, created_at)
        VALUES (NEW.id, NEW.current_state, NEW.current_message, NEW.updated_by, NEW.updated_at);
    ELSEIF OLD.current_state <> NEW.current_state THEN
        INSERT INTO build_state_history (build_id, state_code, message, created_by, created_at)
        VALUES (NEW.id, NEW.current_state, NEW.current_message, NULL, UTC_TIMESTAMP(6));
    END IF;
END;
