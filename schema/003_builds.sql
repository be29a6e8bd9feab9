-- 003_builds.sql: the Build State API: reference data, numeric states,
-- builds, their state history and failures.

CREATE TABLE IF NOT EXISTS platforms (
    id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(64)  CHARACTER SET ascii NOT NULL,
    display_name VARCHAR(128) NOT NULL DEFAULT '',
    created_at   DATETIME(6)  NOT NULL,
    UNIQUE KEY platforms_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Short names pipelines already send ("aws" for aws-commercial).
CREATE TABLE IF NOT EXISTS platform_aliases (
    alias       VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,
    platform_id INT UNSIGNED NOT NULL,
    CONSTRAINT platform_aliases_fk FOREIGN KEY (platform_id) REFERENCES platforms (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS os_versions (
    id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(64)  CHARACTER SET ascii NOT NULL,
    display_name VARCHAR(128) NOT NULL DEFAULT '',
    created_at   DATETIME(6)  NOT NULL,
    UNIQUE KEY os_versions_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS image_types (
    id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(64)  CHARACTER SET ascii NOT NULL,
    display_name VARCHAR(128) NOT NULL DEFAULT '',
    created_at   DATETIME(6)  NOT NULL,
    UNIQUE KEY image_types_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The stable table of state codes (docs/BUILD_STATES in the README).
CREATE TABLE IF NOT EXISTS build_states (
    code        SMALLINT UNSIGNED NOT NULL PRIMARY KEY,
    name        VARCHAR(64)  CHARACTER SET ascii NOT NULL,
    terminal    BOOLEAN      NOT NULL,
    description VARCHAR(255) NOT NULL,
    UNIQUE KEY build_states_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS builds (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    uuid              CHAR(36) CHARACTER SET ascii NOT NULL,
    build_id          VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    platform_id       INT UNSIGNED NOT NULL,
    os_version_id     INT UNSIGNED NOT NULL,
    image_type_id     INT UNSIGNED NOT NULL,
    pipeline_url      VARCHAR(2048) NULL,
    commit_hash       VARCHAR(64) CHARACTER SET ascii NULL,
    current_state     SMALLINT UNSIGNED NOT NULL,
    current_message   VARCHAR(1000) NULL,
    created_by        VARCHAR(254) NULL,
    created_at        DATETIME(6) NOT NULL,
    updated_at        DATETIME(6) NOT NULL,
    last_heartbeat_at DATETIME(6) NULL,
    -- the later of updated_at and last_heartbeat_at, kept by the triggers
    -- below: stale builds are a range of (current_state, last_activity_at)
    last_activity_at  DATETIME(6) NULL,
    finished_at       DATETIME(6) NULL,
    UNIQUE KEY builds_uuid (uuid),
    UNIQUE KEY builds_build_id (build_id),
    KEY builds_created (created_at),
    KEY builds_state_created (current_state, created_at),
    KEY builds_state_activity (current_state, last_activity_at, platform_id),
    KEY builds_platform_created (platform_id, created_at),
    KEY builds_os_created (os_version_id, created_at),
    KEY builds_image_created (image_type_id, created_at),
    CONSTRAINT builds_platform_fk FOREIGN KEY (platform_id) REFERENCES platforms (id),
    CONSTRAINT builds_os_fk FOREIGN KEY (os_version_id) REFERENCES os_versions (id),
    CONSTRAINT builds_image_fk FOREIGN KEY (image_type_id) REFERENCES image_types (id),
    CONSTRAINT builds_state_fk FOREIGN KEY (current_state) REFERENCES build_states (code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS build_state_history (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    build_id   BIGINT UNSIGNED NOT NULL,
    state_code SMALLINT UNSIGNED NOT NULL,
    message    VARCHAR(1000) NULL,
    created_by VARCHAR(254) NULL,
    created_at DATETIME(6) NOT NULL,
    KEY build_state_history_build (build_id, id),
    CONSTRAINT build_state_history_fk FOREIGN KEY (build_id) REFERENCES builds (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS build_failures (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    build_id      BIGINT UNSIGNED NOT NULL,
    error_message VARCHAR(4000) NOT NULL,
    error_code    VARCHAR(128) NULL,
    component     VARCHAR(128) NULL,
    details       TEXT NULL, -- a JSON object, validated by the API
    created_by    VARCHAR(254) NULL,
    created_at    DATETIME(6) NOT NULL,
    KEY build_failures_build (build_id, id),
    KEY build_failures_code (error_code),
    CONSTRAINT build_failures_fk FOREIGN KEY (build_id) REFERENCES builds (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Dashboard counters: builds per platform and state, and the summed
-- duration of finished ones, kept by triggers so that every writer (the
-- API, seed data, an operator's SQL) keeps them true. Spread over 8 shards
-- by build id, so that concurrent state changes of one platform's builds
-- rarely wait for the same counter row. The dashboards add up at most
-- platforms x states x 8 rows instead of scanning builds.
CREATE TABLE IF NOT EXISTS build_counts (
    platform_id INT UNSIGNED      NOT NULL,
    state_code  SMALLINT UNSIGNED NOT NULL,
    shard       TINYINT UNSIGNED  NOT NULL,
    builds      BIGINT            NOT NULL,
    finished_us BIGINT            NOT NULL,
    PRIMARY KEY (platform_id, state_code, shard)
) ENGINE = InnoDB;

CREATE OR REPLACE TRIGGER builds_bi BEFORE INSERT ON builds FOR EACH ROW
    SET NEW.last_activity_at = GREATEST(NEW.updated_at, COALESCE(NEW.last_heartbeat_at, NEW.updated_at));

CREATE OR REPLACE TRIGGER builds_bu BEFORE UPDATE ON builds FOR EACH ROW
    SET NEW.last_activity_at = GREATEST(NEW.updated_at, COALESCE(NEW.last_heartbeat_at, NEW.updated_at));

CREATE OR REPLACE TRIGGER builds_ai AFTER INSERT ON builds FOR EACH ROW
    INSERT INTO build_counts (platform_id, state_code, shard, builds, finished_us)
    VALUES (NEW.platform_id, NEW.current_state, NEW.id % 8, 1,
            COALESCE(TIMESTAMPDIFF(MICROSECOND, NEW.created_at, NEW.finished_at), 0))
    ON DUPLICATE KEY UPDATE builds = builds + 1, finished_us = finished_us + VALUES(finished_us);

CREATE OR REPLACE TRIGGER builds_au AFTER UPDATE ON builds FOR EACH ROW
BEGIN
    IF OLD.current_state <> NEW.current_state OR OLD.platform_id <> NEW.platform_id
       OR NOT (OLD.finished_at <=> NEW.finished_at) OR OLD.created_at <> NEW.created_at THEN
        UPDATE build_counts SET builds = builds - 1,
               finished_us = finished_us - COALESCE(TIMESTAMPDIFF(MICROSECOND, OLD.created_at, OLD.finished_at), 0)
         WHERE platform_id = OLD.platform_id AND state_code = OLD.current_state AND shard = OLD.id % 8;
        INSERT INTO build_counts (platform_id, state_code, shard, builds, finished_us)
        VALUES (NEW.platform_id, NEW.current_state, NEW.id % 8, 1,
                COALESCE(TIMESTAMPDIFF(MICROSECOND, NEW.created_at, NEW.finished_at), 0))
        ON DUPLICATE KEY UPDATE builds = builds + 1, finished_us = finished_us + VALUES(finished_us);
    END IF;
END;

INSERT IGNORE INTO build_states (code, name, terminal, description) VALUES
    (0,  'queued',                     FALSE, 'recorded, not started'),
    (10, 'started',                    FALSE, 'the pipeline started the build'),
    (20, 'packer_validation_complete', FALSE, 'packer validate passed'),
    (25, 'packer_build_complete',      FALSE, 'packer build finished: an image exists'),
    (30, 'testing',                    FALSE, 'the image is being tested'),
    (40, 'publishing',                 FALSE, 'the image is being published'),
    (50, 'succeeded',                  TRUE,  'published; the build is done'),
    (90, 'failed',                     TRUE,  'the build failed'),
    (95, 'cancelled',                  TRUE,  'the build was cancelled');

INSERT IGNORE INTO platforms (name, display_name, created_at) VALUES
    ('aws-commercial', 'AWS (commercial)', UTC_TIMESTAMP(6)),
    ('aws-govcloud',   'AWS GovCloud',     UTC_TIMESTAMP(6)),
    ('azure',          'Microsoft Azure',  UTC_TIMESTAMP(6)),
    ('azure-gov',      'Azure Government', UTC_TIMESTAMP(6)),
    ('gcp',            'Google Cloud',     UTC_TIMESTAMP(6)),
    ('oci',            'Oracle Cloud',     UTC_TIMESTAMP(6));
INSERT IGNORE INTO platform_aliases (alias, platform_id)
    SELECT 'aws', id FROM platforms WHERE name = 'aws-commercial';

INSERT IGNORE INTO os_versions (name, display_name, created_at) VALUES
    ('rhel-8.8',     'Red Hat Enterprise Linux 8.8', UTC_TIMESTAMP(6)),
    ('rhel-9.2',     'Red Hat Enterprise Linux 9.2', UTC_TIMESTAMP(6)),
    ('ubuntu-22.04', 'Ubuntu 22.04 LTS',             UTC_TIMESTAMP(6)),
    ('sles-15-sp5',  'SUSE Linux Enterprise 15 SP5', UTC_TIMESTAMP(6));

INSERT IGNORE INTO image_types (name, display_name, created_at) VALUES
    ('base',       'Base image',  UTC_TIMESTAMP(6)),
    ('sap-hana',   'SAP HANA',    UTC_TIMESTAMP(6)),
    ('web-server', 'Web server',  UTC_TIMESTAMP(6)),
    ('database',   'Database',    UTC_TIMESTAMP(6));
