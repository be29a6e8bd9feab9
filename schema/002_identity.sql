-- 002_identity.sql: users, API keys, refresh tokens, the audit log and the
-- rate-limit counters. Secrets are never stored: passwords as Argon2id
-- strings, API keys and refresh tokens as keyed BLAKE2b-256 hex digests.

CREATE TABLE IF NOT EXISTS users (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    -- utf8mb4_unicode_ci compares case-insensitively: the unique index makes
    -- emails unique regardless of case. NULL for keys-only service accounts.
    email               VARCHAR(254) NULL,
    username            VARCHAR(254) NOT NULL,
    name                VARCHAR(200) NOT NULL DEFAULT '',
    type                ENUM('human', 'api') NOT NULL DEFAULT 'human',
    role                ENUM('readonly', 'developer', 'admin') NOT NULL DEFAULT 'readonly',
    status              ENUM('active', 'inactive', 'blocked', 'deleted') NOT NULL DEFAULT 'active',
    verification_status ENUM('unverified', 'verified') NOT NULL DEFAULT 'unverified',
    password_hash       VARCHAR(255) NULL,
    -- users of an external OIDC / Cognito issuer, upserted by (issuer, sub)
    external_issuer     VARCHAR(255) NULL,
    external_sub        VARCHAR(255) NULL,
    created_at          DATETIME(6) NOT NULL,
    updated_at          DATETIME(6) NOT NULL,
    last_login_at       DATETIME(6) NULL,
    UNIQUE KEY users_email (email),
    UNIQUE KEY users_username (username),
    UNIQUE KEY users_external (external_issuer, external_sub),
    KEY users_role_status (role, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS api_keys (
    id                    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id               BIGINT UNSIGNED NOT NULL,
    name                  VARCHAR(100) NOT NULL,
    key_hash              CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    display_prefix        CHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    role                  ENUM('readonly', 'developer', 'admin') NOT NULL,
    scopes                VARCHAR(1000) NULL,
    rate_limit_per_minute INT UNSIGNED NULL, -- NULL: the class limit; 0: unlimited
    expires_at            DATETIME(6) NULL,
    last_used_at          DATETIME(6) NULL,
    last_used_ip          VARCHAR(45) NULL,
    revoked_at            DATETIME(6) NULL,
    created_at            DATETIME(6) NOT NULL,
    UNIQUE KEY api_keys_hash (key_hash),
    KEY api_keys_user (user_id),
    CONSTRAINT api_keys_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS refresh_tokens (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     BIGINT UNSIGNED NOT NULL,
    family      CHAR(36) CHARACTER SET ascii NOT NULL, -- one login's chain of rotations
    token_hash  CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    expires_at  DATETIME(6) NOT NULL,
    used_at     DATETIME(6) NULL,
    revoked_at  DATETIME(6) NULL,
    created_at  DATETIME(6) NOT NULL,
    UNIQUE KEY refresh_tokens_hash (token_hash),
    KEY refresh_tokens_family (family),
    KEY refresh_tokens_user (user_id),
    CONSTRAINT refresh_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS audit_log (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at          DATETIME(6) NOT NULL,
    principal   VARCHAR(255) NULL,
    action      VARCHAR(64)  NOT NULL,
    target      VARCHAR(255) NULL,
    client_addr VARCHAR(45)  NULL,
    request_id  VARCHAR(64)  NULL,
    KEY audit_log_at (at),
    KEY audit_log_action (action, at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Fixed one-minute windows shared by every responder of every host using
-- this database. MEMORY on purpose: a counter needs no durability, and an
-- InnoDB commit would cost a log flush on every limited request.
CREATE TABLE IF NOT EXISTS rate_limits (
    bucket       BINARY(16) NOT NULL, -- BLAKE2b-128 of "class:key"
    window_start BIGINT     NOT NULL, -- unix seconds, a multiple of 60
    hits         INT UNSIGNED NOT NULL,
    PRIMARY KEY (bucket, window_start)
) ENGINE = MEMORY;
