/* routes.c: the route table, the only place routes exist (the composition root). */
#include "config.h"

#include "fcgi/router.h"
#include "handlers/apikeys.h"
#include "handlers/audit.h"
#include "handlers/auth.h"
#include "handlers/builds.h"
#include "handlers/dashboard.h"
#include "handlers/debug.h"
#include "handlers/generate.h"
#include "handlers/health.h"
#include "handlers/openapi.h"
#include "handlers/provision.h"
#include "handlers/reference.h"
#include "handlers/runs.h"
#include "handlers/users.h"

/*
 * ROUTE(method, pattern, handler, role, rate-limit class, flags[, .changes =
 * "param"]) (fcgi/router.h). The pipeline checks role, rate limit and flags
 * before the handler runs; HEAD and OPTIONS are derived, never listed. Rows
 * are grouped by resource; a new resource adds a banner and its rows.
 */
/* clang-format off */
const struct route routes[] = {
	/* ----------------------------------------------------- service */
	ROUTE(GET, "/", h_root, PUBLIC, NONE, 0),
	ROUTE(GET, "/health", h_health, PUBLIC, NONE, 0),
	ROUTE(GET, "/health/db", h_ready, PUBLIC, NONE, 0),
	ROUTE(GET, "/ready", h_ready, PUBLIC, NONE, 0),
	ROUTE(GET, "/status", h_status, PUBLIC, NONE, F_IDENTIFY),
	ROUTE(GET, "/openapi.json", h_openapi, PUBLIC, NONE, 0),
	ROUTE(GET, "/api/openapi.json", h_openapi, PUBLIC, NONE, 0),

	/* ----------------- identity: tokens, accounts, API keys, audit */
	ROUTE(POST, "/token", h_token, PUBLIC, AUTH, F_JSON | F_FORM, .body = &auth_token_body),
	ROUTE(POST, "/auth/register", h_auth_register, PUBLIC, AUTH, F_JSON | F_IDENTIFY, .body = &auth_register_body),
	ROUTE(POST, "/auth/login", h_auth_login, PUBLIC, AUTH, F_JSON, .body = &auth_login_body),
	ROUTE(POST, "/auth/token", h_auth_refresh, PUBLIC, AUTH, F_JSON, .body = &auth_refresh_body),
	ROUTE(GET, "/auth/me", h_auth_me, READONLY, GENERAL, 0),
	ROUTE(GET, "/users/profile", h_profile_get, READONLY, GENERAL, 0),
	ROUTE(PUT, "/users/profile", h_profile_put, READONLY, GENERAL, F_JSON | F_IDENTITY, .body = &profile_put_body),
	ROUTE(DELETE, "/users/profile", h_profile_delete, READONLY, GENERAL, F_JSON | F_JSON_OPT | F_IDENTITY, .body = &profile_delete_body),
	ROUTE(GET, "/users", h_users_list, ADMIN, GENERAL, 0),
	ROUTE(POST, "/users", h_users_create, ADMIN, GENERAL, F_JSON, .body = &users_create_body),
	ROUTE(GET, "/users/{id}", h_users_get, ADMIN, GENERAL, 0),
	ROUTE(PATCH, "/users/{id}", h_users_patch, ADMIN, GENERAL, F_JSON | F_IDENTITY, .body = &users_patch_body),
	ROUTE(DELETE, "/users/{id}", h_users_delete, ADMIN, GENERAL, F_IDENTITY),
	ROUTE(POST, "/api-keys", h_apikeys_create, READONLY, GENERAL, F_JSON, .body = &apikeys_create_body),
	ROUTE(GET, "/api-keys", h_apikeys_list, READONLY, GENERAL, 0),
	ROUTE(DELETE, "/api-keys/{id}", h_apikeys_delete, READONLY, GENERAL, F_IDENTITY),
	ROUTE(GET, "/audit", h_audit_list, ADMIN, GENERAL, 0),

	/* ---------------------------------------------- reference data */
	ROUTE(GET, "/states", h_states_list, READONLY, GENERAL, 0),
	ROUTE(GET, "/platforms", h_platforms_list, READONLY, GENERAL, 0),
	ROUTE(POST, "/platforms", h_platforms_create, ADMIN, GENERAL, F_JSON, .body = &platform_body),
	ROUTE(GET, "/os-versions", h_os_versions_list, READONLY, GENERAL, 0),
	ROUTE(POST, "/os-versions", h_os_versions_create, ADMIN, GENERAL, F_JSON, .body = &reference_body),
	ROUTE(GET, "/image-types", h_image_types_list, READONLY, GENERAL, 0),
	ROUTE(POST, "/image-types", h_image_types_create, ADMIN, GENERAL, F_JSON, .body = &reference_body),

	/* --------------------------------- builds and their dashboards */
	ROUTE(POST, "/builds", h_builds_create, DEVELOPER, GENERAL, F_JSON, .body = &build_body),
	ROUTE(GET, "/builds", h_builds_list, READONLY, GENERAL, 0),
	ROUTE(GET, "/builds/{uuid}", h_builds_get, READONLY, GENERAL, 0),
	ROUTE(GET, "/builds/{uuid}/state", h_builds_state_get, READONLY, GENERAL, 0),
	ROUTE(POST, "/builds/{uuid}/state", h_builds_state_post, DEVELOPER, GENERAL, F_JSON, .changes = "uuid", .body = &build_state_body),
	ROUTE(POST, "/builds/{uuid}/failure", h_builds_failure, DEVELOPER, GENERAL, F_JSON, .changes = "uuid", .body = &build_failure_body),
	ROUTE(POST, "/builds/{uuid}/heartbeat", h_builds_heartbeat, DEVELOPER, GENERAL, 0, .changes = "uuid"),
	ROUTE(GET, "/dashboard/summary", h_dashboard_summary, READONLY, GENERAL, 0),
	ROUTE(GET, "/dashboard/recent", h_dashboard_recent, READONLY, GENERAL, 0),
	ROUTE(GET, "/dashboard/platform/{platform}", h_dashboard_platform, READONLY, GENERAL, 0),

	/* ----------------------------------------- infrastructure code */
	ROUTE(POST, "/generate", h_generate, DEVELOPER, GENERAL, F_JSON, .body = &generate_body),

	/* --------------------------------------- provisioning and runs */
	ROUTE(POST, "/provision", h_provision_create, DEVELOPER, GENERAL, F_JSON, .body = &provision_body),
	ROUTE(GET, "/provision", h_provision_list, READONLY, GENERAL, 0),
	ROUTE(POST, "/provision/{request_id}/destroy", h_provision_destroy, DEVELOPER, GENERAL, 0),
	ROUTE(GET, "/status/{request_id}", h_provision_status, READONLY, GENERAL, 0),
	ROUTE(GET, "/runs", h_runs_list, READONLY, GENERAL, 0),
	ROUTE(GET, "/runs/{id}", h_runs_get, READONLY, GENERAL, 0),
	ROUTE(GET, "/runs/{id}/events", h_runs_events, READONLY, GENERAL, 0),
	ROUTE(POST, "/runs/{id}/cancel", h_runs_cancel, DEVELOPER, GENERAL, 0),

	/* -------------------------------------------- development only */
	ROUTE(POST, "/debug/echo", h_debug_echo, PUBLIC, NONE, F_JSON | F_DEV_ONLY),
	ROUTE(GET, "/debug/projects/{project}", h_debug_project, READONLY, GENERAL, F_PROJECT | F_DEV_ONLY),
};
/* clang-format on */

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
