-- 001_init.sql: the migrations ledger.
-- Every later file in this folder is recorded here once applied, with the
-- SHA-256 of its text; stratusctl migrate refuses a database whose record
-- differs from the file. Conventions for every table: InnoDB, utf8mb4,
-- timestamps as DATETIME(6) in UTC (each connection sets time_zone '+00:00').

CREATE TABLE IF NOT EXISTS schema_migrations (
    version    VARCHAR(255) NOT NULL PRIMARY KEY,
    checksum   CHAR(64)     NOT NULL,
    applied_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
