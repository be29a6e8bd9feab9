/* routes.c: the route table, the only place routes exist. */
#include "config.h"

#include "fcgi/router.h"
#include "handlers/debug.h"
#include "handlers/health.h"

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
	{ M_GET, "/status", h_status, ROLE_PUBLIC, RL_NONE, 0 },
	{ M_POST, "/debug/echo", h_debug_echo, ROLE_PUBLIC, RL_STANDARD, F_JSON | F_DEV_ONLY },
};

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
