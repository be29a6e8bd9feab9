-- 008_build_hours.sql: builds created per hour, so that the dashboards'
-- count of the last 24 hours adds up at most a day of hour rows and reads
-- builds_created for one hour only (the hour the day starts in), instead
-- of an index entry per build of the day (issue 7, bench/RESULTS.md).
-- Kept by triggers, so every writer (the API, seed data, an operator's SQL)
-- keeps it true; sharded by build id like build_counts, so that concurrent
-- inserts rarely wait for the same row. Only the hours of the last two
-- days are kept (the dashboards read 25 hours at most): the triggers leave
-- older hours alone, so loading old builds never touches the table, and
-- the reconciler deletes the hours that age out (db_build_hours_prune).
-- Safe to run again: the triggers are swapped in one step, and the backfill
-- sets the true figures.

CREATE TABLE IF NOT EXISTS build_hours (
    hour        DATETIME         NOT NULL, -- created_at down to the hour
    platform_id INT UNSIGNED     NOT NULL,
    shard       TINYINT UNSIGNED NOT NULL,
    builds      BIGINT           NOT NULL,
    PRIMARY KEY (hour, platform_id, shard)
) ENGINE = InnoDB;

CREATE OR REPLACE TRIGGER builds_ai_hours AFTER INSERT ON builds FOR EACH ROW
    IF NEW.created_at >= DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL 2 DAY, '%Y-%m-%d %H:00:00') THEN
        INSERT INTO build_hours (hour, platform_id, shard, builds)
        VALUES (DATE_FORMAT(NEW.created_at, '%Y-%m-%d %H:00:00'), NEW.platform_id, NEW.id % 8, 1)
        ON DUPLICATE KEY UPDATE builds = builds + 1;
    END IF;

-- A move to another hour or platform (only ever by SQL): the two rows in
-- key order, so that opposite moves cannot deadlock; an hour older than
-- two days is left alone.
CREATE OR REPLACE TRIGGER builds_au_hours AFTER UPDATE ON builds FOR EACH ROW
BEGIN
    DECLARE kept DATETIME DEFAULT DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL 2 DAY, '%Y-%m-%d %H:00:00');
    DECLARE old_hour DATETIME DEFAULT DATE_FORMAT(OLD.created_at, '%Y-%m-%d %H:00:00');
    DECLARE new_hour DATETIME DEFAULT DATE_FORMAT(NEW.created_at, '%Y-%m-%d %H:00:00');

    IF old_hour <> new_hour OR OLD.platform_id <> NEW.platform_id THEN
        IF (old_hour, OLD.platform_id) <= (new_hour, NEW.platform_id) AND old_hour >= kept THEN
            UPDATE build_hours SET builds = builds - 1
             WHERE hour = old_hour AND platform_id = OLD.platform_id AND shard = OLD.id % 8;
        END IF;
        IF new_hour >= kept THEN
            INSERT INTO build_hours (hour, platform_id, shard, builds)
            VALUES (new_hour, NEW.platform_id, NEW.id % 8, 1)
            ON DUPLICATE KEY UPDATE builds = builds + 1;
        END IF;
        IF (old_hour, OLD.platform_id) > (new_hour, NEW.platform_id) AND old_hour >= kept THEN
            UPDATE build_hours SET builds = builds - 1
             WHERE hour = old_hour AND platform_id = OLD.platform_id AND shard = OLD.id % 8;
        END IF;
    END IF;
END;

-- The hours kept, from the builds already there: an upsert to the true figure.
INSERT INTO build_hours (hour, platform_id, shard, builds)
SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:00:00'), platform_id, id % 8, COUNT(*)
  FROM builds FORCE INDEX (builds_created)
 WHERE created_at >= DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL 2 DAY, '%Y-%m-%d %H:00:00')
 GROUP BY 1, 2, 3
ON DUPLICATE KEY UPDATE builds = VALUES(builds);
