/* health.c: the service's own endpoints: index, health, readiness, status. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "lib/log.h"
#include "db/health.h"
#include "db/runs.h"
#include "fcgi/http.h"
#include "handlers/health.h"

/*
 * GET / : name, version and where to go next. Links carry SCRIPT_NAME so
 * they work when the API is mounted under a prefix (/api, /cgi-bin/...):
 * the docs pages (Swagger UI, ReDoc: static files the web server serves
 * beside the API, www/) and the OpenAPI document are under the same prefix.
 */
int h_root(struct req *rq)
{
	struct json_object *o = json_object_new_object(), *links = json_object_new_object();
	static const struct {
		const char *name, *path;
	} names[] = {
		{ "health", "health" }, { "ready", "ready" }, { "status", "status" },
		{ "docs", "docs" },     { "redoc", "redoc" }, { "openapi", "openapi.json" },
	};

	if (o == NULL || links == NULL) {
		json_object_put(o);
		json_object_put(links);
		return api_error(rq, E_INTERNAL, "out of memory");
	}
	json_object_object_add(o, "name", json_object_new_string("Stratus"));
	json_object_object_add(o, "service", json_object_new_string(PACKAGE));
	json_object_object_add(o, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "description",
	                       json_object_new_string("Cloud-infrastructure orchestration API"));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		json_object_object_add(links, names[i].name,
		                       json_object_new_string(rq_printf(
		                               rq, "%s/%s", rq->script_name, names[i].path)));
	json_object_object_add(o, "links", links);
	return api_reply(rq, 200, o);
}

/* GET /health : liveness. Touches no database, so it says the process is up. */
int h_health(struct req *rq)
{
	/* Constant, so written once at compile time (PACKAGE and PACKAGE_VERSION
	 * need no JSON escaping): a liveness probe costs no allocation. */
	static const char body[] = "{\"status\":\"healthy\",\"service\":\"" PACKAGE
	                           "\",\"version\":\"" PACKAGE_VERSION "\"}";

	return api_reply_text(rq, 200, "application/json", body, sizeof(body) - 1);
}

/*
 * GET /ready and GET /health/db : 200 {"database":true,"overall":true} when
 * MariaDB answers; 503 with the error schema's fields and false otherwise.
 * The server's own error text goes to the log, never to the client.
 */
int h_ready(struct req *rq)
{
	enum db_rc rc = db_health_ping(rq->app->db);
	struct json_object *o;

	if (rc != DB_OK) {
		log_msg(LOG_WARNING, rq->request_id, "readiness: database check failed: %s",
		        db_last_error(rq->app->db));
		api_error(rq, E_UNAVAILABLE, "database unavailable");
		json_object_object_add(rq->resp, "database", json_object_new_boolean(0));
		json_object_object_add(rq->resp, "overall", json_object_new_boolean(0));
		api_header(rq, "Retry-After", "5");
		return -1;
	}
	if ((o = json_object_new_object()) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	json_object_object_add(o, "database", json_object_new_boolean(1));
	json_object_object_add(o, "overall", json_object_new_boolean(1));
	return api_reply(rq, 200, o);
}

/* ------------------------------------------------------------------ /status */

static struct json_object *component(const char *name, const char *status, const char *details)
{
	struct json_object *c = json_object_new_object();

	if (c == NULL)
		return NULL;
	json_object_object_add(c, "name", json_object_new_string(name));
	json_object_object_add(c, "status", json_object_new_string(status));
	json_object_object_add(c, "details", json_object_new_string(details));
	return c;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

/*
 * Checks every STRATUS_PEERS node's /health at once with curl multi, each
 * bounded by STRATUS_PEER_TIMEOUT_MS, and appends one component per peer.
 * Returns the number of unhealthy peers.
 */
static int check_peers(struct req *rq, struct json_object *components)
{
	const struct config *cfg = &rq->app->cfg;
	CURLM *multi;
	CURL **easy;
	CURLcode *results;
	int running = 0, bad = 0;

	if (cfg->npeers == 0)
		return 0;
	if ((multi = curl_multi_init()) == NULL ||
	    (easy = rq_alloc(rq, cfg->npeers * sizeof(*easy))) == NULL ||
	    (results = rq_alloc(rq, cfg->npeers * sizeof(*results))) == NULL) {
		if (multi != NULL)
			curl_multi_cleanup(multi);
		for (size_t i = 0; i < cfg->npeers; i++)
			json_object_array_add(components, component(cfg->peers[i].name, "unhealthy",
			                                            "out of memory"));
		return (int)cfg->npeers;
	}
	for (size_t i = 0; i < cfg->npeers; i++) {
		const char *url = cfg->peers[i].url;
		size_t ul = strlen(url);

		results[i] = CURLE_FAILED_INIT;
		easy[i] = curl_easy_init();
		if (easy[i] == NULL)
			continue;
		curl_easy_setopt(easy[i], CURLOPT_URL,
		                 rq_printf(rq, "%s%s", url,
		                           ul && url[ul - 1] == '/' ? "health" : "/health"));
		curl_easy_setopt(easy[i], CURLOPT_TIMEOUT_MS, cfg->peer_timeout_ms);
		curl_easy_setopt(easy[i], CURLOPT_CONNECTTIMEOUT_MS, cfg->peer_timeout_ms);
		curl_easy_setopt(easy[i], CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(easy[i], CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, NULL);
		curl_multi_add_handle(multi, easy[i]);
	}
	do {
		if (curl_multi_perform(multi, &running) != CURLM_OK)
			break;
		if (running > 0)
			curl_multi_poll(multi, NULL, 0, 100, NULL);
	} while (running > 0);

	/* Collect each transfer's outcome; a handle never reported failed to start. */
	{
		CURLMsg *msg;
		int left;

		while ((msg = curl_multi_info_read(multi, &left)) != NULL)
			for (size_t j = 0; j < cfg->npeers; j++)
				if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy[j])
					results[j] = msg->data.result;
	}
	for (size_t i = 0; i < cfg->npeers; i++) {
		long code = 0;
		bool ok;
		const char *details = "out of memory";

		if (easy[i] != NULL) {
			curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &code);
			details = results[i] == CURLE_OK ? rq_printf(rq, "HTTP %ld", code)
			                                 : curl_easy_strerror(results[i]);
			curl_multi_remove_handle(multi, easy[i]);
			curl_easy_cleanup(easy[i]);
		}
		ok = easy[i] != NULL && results[i] == CURLE_OK && code == 200;
		bad += !ok;
		json_object_array_add(components,
		                      component(cfg->peers[i].name, ok ? "healthy" : "unhealthy",
		                                details ? details : "error"));
	}
	curl_multi_cleanup(multi);
	return bad;
}

/* A reconciler pass at least this often while work is due, or /status is degraded. */
#define RECONCILER_STALE_S 180

/*
 * Appends the reconciler component: its last pass, the tasks due and how
 * long the oldest has waited, the tasks running, those that exhausted their
 * attempts in the last 24 h. Returns false when it is unhealthy: work is
 * due and no pass ran for RECONCILER_STALE_S seconds.
 */
static bool reconciler(struct req *rq, struct json_object *components)
{
	struct reconciler_health h;
	struct json_object *c;
	bool ok;

	if (db_reconciler_health(rq->app->db, &h) != DB_OK) {
		log_msg(LOG_WARNING, rq->request_id, "status: reconciler check failed: %s",
		        db_last_error(rq->app->db));
		json_object_array_add(components,
		                      component("reconciler", "unknown", "could not be read"));
		return true;
	}
	ok = h.queue_depth == 0 || (h.ever && h.last_pass_age_s <= RECONCILER_STALE_S);
	c = component(
	        "reconciler", ok ? "healthy" : "degraded",
	        !h.ever ? rq_printf(rq, "no pass yet; %lld task(s) due", (long long)h.queue_depth)
	                : rq_printf(rq, "last pass %llds ago; %lld task(s) due",
	                            (long long)h.last_pass_age_s, (long long)h.queue_depth));
	json_object_object_add(c, "last_pass_at",
	                       h.ever ? json_object_new_string(h.last_pass_at) : NULL);
	json_object_object_add(c, "queue_depth", json_object_new_int64(h.queue_depth));
	json_object_object_add(c, "oldest_ready_age_s", json_object_new_int64(h.oldest_due_s));
	json_object_object_add(c, "running", json_object_new_int64(h.running));
	json_object_object_add(c, "failed_24h", json_object_new_int64(h.failed_24h));
	json_object_array_add(components, c);
	return ok;
}

/*
 * GET /status : every component's health. overall_status is "unhealthy"
 * when the database is down, "degraded" when only a peer or the reconciler
 * is (work due and no pass for 3 minutes), else "healthy". Always 200: the
 * body says what is wrong (/ready is the probe). The database's version is
 * shown to authenticated callers only (the route reads credentials when
 * sent: bad ones are 401).
 */
int h_status(struct req *rq)
{
	struct json_object *o = json_object_new_object(), *components = json_object_new_array();
	char now[ISO8601_LEN + 1];
	const char *overall = "healthy";
	enum db_rc rc;

	if (o == NULL || components == NULL) {
		json_object_put(o);
		json_object_put(components);
		return api_error(rq, E_INTERNAL, "out of memory");
	}
	util_now_iso8601(now);
	json_object_array_add(components, component("api-local", "healthy", "OK"));
	if ((rc = db_health_ping(rq->app->db)) == DB_OK) {
		/* The server's version helps an attacker more than an anonymous
		 * monitor: only authenticated callers see it. */
		const char *v = rq->who != NULL ? db_server_version(rq->app->db) : NULL;
		size_t n = v ? strcspn(v, "-") : 0;

		json_object_array_add(
		        components,
		        component("database", "healthy",
		                  v ? rq_printf(rq, "MariaDB %.*s", (int)n, v) : "MariaDB"));
	} else {
		log_msg(LOG_WARNING, rq->request_id, "status: database check failed: %s",
		        db_last_error(rq->app->db));
		json_object_array_add(components,
		                      component("database", "unhealthy", "unreachable"));
		overall = "unhealthy";
	}
	if (rc == DB_OK && !reconciler(rq, components) && strcmp(overall, "healthy") == 0)
		overall = "degraded";
	if (check_peers(rq, components) > 0 && strcmp(overall, "healthy") == 0)
		overall = "degraded";
	json_object_object_add(o, "overall_status", json_object_new_string(overall));
	json_object_object_add(o, "timestamp", json_object_new_string(now));
	json_object_object_add(o, "components", components);
	return api_reply(rq, 200, o);
}
