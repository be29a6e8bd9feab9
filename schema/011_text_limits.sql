-- 011_text_limits.sql: a build's message holds any failure's message whole.
-- POST /builds/{uuid}/failure moves the build to failed with the failure's
-- error_message (up to 4,000 characters, build_failures.error_message) as
-- the state's message, which builds.current_message and
-- build_state_history.message (VARCHAR(1000)) could not hold: strict mode
-- refused the UPDATE and the failure answered 500. Both now hold 4,000
-- characters; POST /builds/{uuid}/state still accepts messages of 1,000
-- (README.md, "Free-text fields and their maximums").
--
-- Widening a VARCHAR whose length already takes two bytes (over 255 bytes:
-- 1,000 utf8mb4 characters are up to 4,000) changes no row: MariaDB does
-- it in place, without copying the table. Safe to run again: MODIFY to the
-- same type changes nothing.
ALTER TABLE builds MODIFY current_message VARCHAR(4000) NULL;
ALTER TABLE build_state_history MODIFY message VARCHAR(4000) NULL;
