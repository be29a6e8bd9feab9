/* routes.c: the route table, the only place routes exist. */
#include "config.h"

#include "fcgi/router.h"
#include "handlers/apikeys.h"
#include "handlers/auth.h"
#include "handlers/builds.h"
#include "handlers/dashboard.h"
#include "handlers/debug.h"
#include "handlers/generate.h"
#include "handlers/health.h"
#include "handlers/provision.h"
#include "handlers/reference.h"
#include "handlers/runs.h"
#include "handlers/users.h"

/*
 * {method, pattern, handler, role, rate-limit class, flags}. The pipeline
 * checks role, rate limit and flags before the handler runs; HEAD and
 * OPTIONS are derived, never listed.
 */
const struct route routes[] = {
	{ M_GET, "/", h_root, ROLE_PUBLIC, RL_NONE, 0 },
	{ M_GET, "/health", h_health, ROLE_PUBLIC, RL_NONE, 0 },
	{ M_GET, "/health/db", h_ready, ROLE_PUBLIC, RL_NONE, 0 },
	{ M_GET, "/ready", h_ready, ROLE_PUBLIC, RL_NONE, 0 },
	{ M_GET, "/status", h_status, ROLE_PUBLIC, RL_NONE, F_IDENTIFY },
	{ M_POST, "/token", h_token, ROLE_PUBLIC, RL_AUTH, F_JSON | F_FORM },
	{ M_POST, "/auth/register", h_auth_register, ROLE_PUBLIC, RL_AUTH, F_JSON | F_IDENTIFY },
	{ M_POST, "/auth/login", h_auth_login, ROLE_PUBLIC, RL_AUTH, F_JSON },
	{ M_POST, "/auth/token", h_auth_refresh, ROLE_PUBLIC, RL_AUTH, F_JSON },
	{ M_GET, "/auth/me", h_auth_me, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_GET, "/users/profile", h_profile_get, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_PUT, "/users/profile", h_profile_put, ROLE_READONLY, RL_GENERAL, F_JSON | F_IDENTITY },
	{ M_DELETE, "/users/profile", h_profile_delete, ROLE_READONLY, RL_GENERAL, F_JSON | F_JSON_OPT | F_IDENTITY },
	{ M_GET, "/users", h_users_list, ROLE_ADMIN, RL_GENERAL, 0 },
	{ M_POST, "/users", h_users_create, ROLE_ADMIN, RL_GENERAL, F_JSON },
	{ M_GET, "/users/{id}", h_users_get, ROLE_ADMIN, RL_GENERAL, 0 },
	{ M_PATCH, "/users/{id}", h_users_patch, ROLE_ADMIN, RL_GENERAL, F_JSON | F_IDENTITY },
	{ M_DELETE, "/users/{id}", h_users_delete, ROLE_ADMIN, RL_GENERAL, F_IDENTITY },
	{ M_POST, "/api-keys", h_apikeys_create, ROLE_READONLY, RL_GENERAL, F_JSON },
	{ M_GET, "/api-keys", h_apikeys_list, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_DELETE, "/api-keys/{id}", h_apikeys_delete, ROLE_READONLY, RL_GENERAL, F_IDENTITY },
	{ M_GET, "/audit", h_audit_list, ROLE_ADMIN, RL_GENERAL, 0 },
	{ M_GET, "/states", h_states_list, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_GET, "/platforms", h_platforms_list, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_POST, "/platforms", h_platforms_create, ROLE_ADMIN, RL_GENERAL, F_JSON },
	{ M_GET, "/os-versions", h_os_versions_list, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_POST, "/os-versions", h_os_versions_create, ROLE_ADMIN, RL_GENERAL, F_JSON },
	{ M_GET, "/image-types", h_image_types_list, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_POST, "/image-types", h_image_types_create, ROLE_ADMIN, RL_GENERAL, F_JSON },
	{ M_POST, "/builds", h_builds_create, ROLE_DEVELOPER, RL_GENERAL, F_JSON },
	{ M_GET, "/builds", h_builds_list, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_GET, "/builds/{uuid}", h_builds_get, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_GET, "/builds/{uuid}/state", h_builds_state_get, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_POST, "/builds/{uuid}/state", h_builds_state_post, ROLE_DEVELOPER, RL_GENERAL, F_JSON | F_BUILD },
	{ M_POST, "/builds/{uuid}/failure", h_builds_failure, ROLE_DEVELOPER, RL_GENERAL, F_JSON | F_BUILD },
	{ M_POST, "/builds/{uuid}/heartbeat", h_builds_heartbeat, ROLE_DEVELOPER, RL_GENERAL, F_BUILD },
	{ M_GET, "/dashboard/summary", h_dashboard_summary, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_GET, "/dashboard/recent", h_dashboard_recent, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_GET, "/dashboard/platform/{platform}", h_dashboard_platform, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_POST, "/generate", h_generate, ROLE_DEVELOPER, RL_GENERAL, F_JSON },
	{ M_POST, "/provision", h_provision_create, ROLE_DEVELOPER, RL_GENERAL, F_JSON },
	{ M_GET, "/provision", h_provision_list, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_POST, "/provision/{request_id}/destroy", h_provision_destroy, ROLE_DEVELOPER, RL_GENERAL, 0 },
	{ M_GET, "/status/{request_id}", h_provision_status, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_GET, "/runs/{id}", h_runs_get, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_GET, "/runs/{id}/events", h_runs_events, ROLE_READONLY, RL_GENERAL, 0 },
	{ M_POST, "/runs/{id}/cancel", h_runs_cancel, ROLE_DEVELOPER, RL_GENERAL, 0 },
	{ M_POST, "/debug/echo", h_debug_echo, ROLE_PUBLIC, RL_NONE, F_JSON | F_DEV_ONLY },
};

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
