-- 013_projects.sql: projects (tenants) and who belongs to them, with a role
-- per member. Routes flagged F_PROJECT resolve {project} (the slug) and the
-- caller's membership in the pipeline (fcgi/project.c); every tenant-scoped
-- query then takes the project id.
CREATE TABLE IF NOT EXISTS projects (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    slug       VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name       VARCHAR(200) NOT NULL DEFAULT '',
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY uq_projects_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS project_members (
    project_id BIGINT UNSIGNED NOT NULL,
    user_id    BIGINT UNSIGNED NOT NULL,
    role       ENUM('readonly', 'developer', 'admin') NOT NULL DEFAULT 'readonly',
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (project_id, user_id),
    KEY ix_project_members_user (user_id),
    CONSTRAINT fk_project_members_project FOREIGN KEY (project_id)
        REFERENCES projects (id) ON DELETE CASCADE,
    CONSTRAINT fk_project_members_user FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
