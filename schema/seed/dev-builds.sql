-- schema/seed/dev-builds.sql: sample builds for ENVIRONMENT=development
-- (stratusctl seed-dev). Fixed uuids and build_ids, INSERT IGNORE: loading
-- it twice changes nothing. Never loaded in production.

INSERT IGNORE INTO builds (uuid, build_id, platform_id, os_version_id, image_type_id,
                           pipeline_url, commit_hash, current_state, current_message,
                           created_by, created_at, updated_at, finished_at)
SELECT s.uuid, s.build_id, p.id, o.id, i.id, s.url, s.hash, s.state, s.message, 'seed',
       UTC_TIMESTAMP(6) - INTERVAL s.age_min MINUTE,
       UTC_TIMESTAMP(6) - INTERVAL s.age_min MINUTE + INTERVAL s.dur_min MINUTE,
       IF(s.state IN (50, 90, 95), UTC_TIMESTAMP(6) - INTERVAL s.age_min MINUTE + INTERVAL s.dur_min MINUTE, NULL)
FROM (
    SELECT 'a0000000-0000-4000-8000-000000000001' AS uuid, 'sample-001' AS build_id, 'aws-commercial' AS platform, 'rhel-8.8' AS os, 'base' AS image, 50 AS state, 'published ami-0a1b2c3d' AS message, 'https://concourse.example.com/pipelines/rhel8/1' AS url, 'abc123def456' AS hash, 600 AS age_min, 42 AS dur_min
    UNION ALL SELECT 'a0000000-0000-4000-8000-000000000002', 'sample-002', 'aws-commercial', 'rhel-9.2', 'sap-hana', 90, 'Packer build failed: AMI creation timeout', 'https://concourse.example.com/pipelines/rhel9/7', 'bcd234ef5678', 540, 61
    UNION ALL SELECT 'a0000000-0000-4000-8000-000000000003', 'sample-003', 'aws-govcloud', 'rhel-8.8', 'web-server', 30, 'running goss tests', NULL, NULL, 30, 25
    UNION ALL SELECT 'a0000000-0000-4000-8000-000000000004', 'sample-004', 'azure', 'ubuntu-22.04', 'base', 50, 'published image version 1.0.4', 'https://concourse.example.com/pipelines/ubuntu/4', 'cde345f6789a', 480, 35
    UNION ALL SELECT 'a0000000-0000-4000-8000-000000000005', 'sample-005', 'azure', 'sles-15-sp5', 'sap-hana', 95, 'cancelled by operator', NULL, 'def456a789bc', 420, 12
    UNION ALL SELECT 'a0000000-0000-4000-8000-000000000006', 'sample-006', 'azure-gov', 'rhel-9.2', 'database', 25, 'Packer build complete', NULL, NULL, 20, 18
    UNION ALL SELECT 'a0000000-0000-4000-8000-000000000007', 'sample-007', 'gcp', 'ubuntu-22.04', 'web-server', 50, 'published to the image family', 'https://concourse.example.com/pipelines/gcp/3', 'ef567b89acde', 360, 28
    UNION ALL SELECT 'a0000000-0000-4000-8000-000000000008', 'sample-008', 'gcp', 'rhel-8.8', 'base', 90, 'goss test failed: sshd_config', NULL, 'f6789c0abcde', 300, 47
    UNION ALL SELECT 'a0000000-0000-4000-8000-000000000009', 'sample-009', 'gcp', 'sles-15-sp5', 'database', 10, 'started', NULL, NULL, 5, 4
    UNION ALL SELECT 'a0000000-0000-4000-8000-000000000010', 'sample-010', 'aws-commercial', 'ubuntu-22.04', 'web-server', 40, 'publishing to 3 regions', 'https://concourse.example.com/pipelines/ubuntu/9', '0789abcdef01', 15, 14
    UNION ALL SELECT 'a0000000-0000-4000-8000-000000000011', 'sample-011', 'oci', 'rhel-9.2', 'base', 50, 'published', NULL, NULL, 240, 33
) AS s
JOIN platforms p ON p.name = s.platform
JOIN os_versions o ON o.name = s.os
JOIN image_types i ON i.name = s.image;

-- Each sample build's history: queued, then its current state. The insert
-- trigger (schema/006) wrote one row per new build, in its current state at
-- its creation: add the current state at updated_at, then make the first
-- row the queued one. Each step only where it has not been done, so loading
-- the file twice changes nothing.
INSERT INTO build_state_history (build_id, state_code, message, created_by, created_at)
SELECT b.id, b.current_state, b.current_message, 'seed', b.updated_at FROM builds b
WHERE b.build_id LIKE 'sample-0%'
  AND NOT EXISTS (SELECT 1 FROM build_state_history h WHERE h.build_id = b.id AND h.created_at = b.updated_at);
UPDATE build_state_history h JOIN builds b ON b.id = h.build_id
   SET h.state_code = 0, h.message = NULL
 WHERE b.build_id LIKE 'sample-0%' AND h.created_at = b.created_at AND h.state_code <> 0;

INSERT INTO build_failures (build_id, error_message, error_code, component, details, created_by, created_at)
SELECT b.id, f.msg, f.code, f.component, f.details, 'seed', b.updated_at
FROM (
    SELECT 'sample-002' AS build_id, 'Packer build failed: AMI creation timeout' AS msg, 'PACKER_TIMEOUT' AS code, 'packer' AS component, '{"timeout_seconds":3600,"attempt":1}' AS details
    UNION ALL SELECT 'sample-008', 'goss test failed: sshd_config', 'TEST_FAILED', 'goss', '{"failed":["sshd_config"]}'
) AS f
JOIN builds b ON b.build_id = f.build_id
WHERE NOT EXISTS (SELECT 1 FROM build_failures x WHERE x.build_id = b.id);
