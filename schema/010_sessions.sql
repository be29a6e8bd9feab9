-- 010_sessions.sql: a session generation per user. Access tokens carry the
-- value it had when they were issued (claim "sv"); a password change, a
-- block or a role change adds one, and every token issued before it is
-- refused from then on (refresh tokens are revoked in the same
-- transaction). API keys are separate credentials and stay.
ALTER TABLE users ADD COLUMN IF NOT EXISTS
    session_version INT UNSIGNED NOT NULL DEFAULT 0 AFTER password_hash;
