/* main.c: stratus.fcgi: set up once, then serve requests until told to stop. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <fcgiapp.h>
#include <mysql.h>
#include <sodium.h>

#include "lib/log.h"
#include "lib/shmcount.h"
#include "lib/password.h"
#include "db/db.h"
#include "db/projects.h"
#include "fcgi/auth.h"
#include "fcgi/http.h"
#include "fcgi/memo.h"
#include "fcgi/pipeline.h"
#include "fcgi/project.h"

extern char **environ;

/* First chunk of request memory; most requests never need a second. */
#define ARENA_FIRST (64 * 1024)

/* SIGTERM while a request is in hand finishes that request first. */
static volatile sig_atomic_t in_request, stop_requested;

static void on_term(int sig)
{
	(void)sig;
	if (!in_request)
		_exit(0);
	stop_requested = 1;
}

/*
 * A process that cannot start says why in one line. In plain-CGI mode the
 * web server would turn silence into a bare 500, so answer 503 in the one
 * error schema too (without the reason, which may name a secret's setting).
 */
static int refuse_to_start(bool cgi, const char *why)
{
	fprintf(stderr, "stratus.fcgi: cannot start: %s\n", why);
	if (cgi) {
		char now[ISO8601_LEN + 1];

		util_now_iso8601(now);
		printf("Status: 503 Service Unavailable\r\nContent-Type: application/json\r\n\r\n"
		       "{\"error\":\"ServiceUnavailable\",\"message\":\"service misconfigured\","
		       "\"detail\":\"service "
		       "misconfigured\",\"error_code\":\"SERVICE_UNAVAILABLE\","
		       "\"status_code\":503,\"request_id\":\"startup\",\"timestamp\":\"%s\"}",
		       now);
	}
	return 1;
}

/*
 * A CGI program that answers (413, 404, ...) without reading the body must
 * still consume it: Apache writes the whole body before it reads the answer
 * and turns the broken pipe into an empty reply. FastCGI needs no such
 * thing: FCGX_Finish_r skips unread input itself.
 */
static void drain_cgi_body(const struct req *rq)
{
	const char *cl = rq_env(rq, "CONTENT_LENGTH");
	int64_t left;
	char buf[16384];

	if (cl == NULL || util_parse_int64(cl, 1, INT64_MAX, &left) < 0)
		return;
	left -= (int64_t)rq->body_len;
	while (left > 0) {
		size_t n = fread(buf, 1, left < (int64_t)sizeof(buf) ? (size_t)left : sizeof(buf),
		                 stdin);

		if (n == 0)
			break;
		left -= (int64_t)n;
	}
}

static void serve_one(struct app *app, struct arena *arena, FCGX_Request *fr, char **envp)
{
	struct req rq;

	memset(&rq, 0, sizeof(rq));
	rq.app = app;
	rq.arena = arena;
	rq.fcgx = fr;
	rq.envp = envp;
	pipeline_run(&rq);
	if (fr == NULL)
		drain_cgi_body(&rq);
}

/* The project step's lookup (fcgi/project.h), from db/projects. */
static int project_lookup(struct app *app, const char *slug, int64_t user_id, int64_t *id,
                          int *role)
{
	struct project_member m;

	switch (db_project_member(app->db, slug, user_id, &m)) {
	case DB_OK: break;
	case DB_NOT_FOUND: return PROJECT_NONE;
	case DB_UNAVAILABLE: return PROJECT_UNAVAILABLE;
	default: return PROJECT_FAILED;
	}
	*id = m.project_id;
	*role = (int)role_parse(m.role);
	return *role < ROLE__MAX ? PROJECT_MEMBER : PROJECT_FAILED;
}

int main(int argc, char **argv)
{
	struct app app;
	struct arena *arena;
	char err[512];
	bool cgi = FCGX_IsCGI();
	int rc = 0;

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("stratus.fcgi %s\n", PACKAGE_VERSION);
		return 0;
	}
	memset(&app, 0, sizeof(app));
	app.cgi = cgi;
	app.started_us = util_monotonic_us();
	app.project_lookup = project_lookup;
	if (sodium_init() < 0)
		return refuse_to_start(cgi, "libsodium failed to initialise");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return refuse_to_start(cgi, "libcurl failed to initialise");
	if (config_load(&app.cfg, err, sizeof(err)) < 0)
		return refuse_to_start(cgi, err);
	log_init(app.cfg.log_level, "stratus.fcgi");
	password_set_cost(app.cfg.pwhash_ops, app.cfg.pwhash_mem);
	if ((app.db = db_new(&app.cfg.db, false)) == NULL ||
	    (arena = arena_new(ARENA_FIRST)) == NULL) {
		config_free(&app.cfg);
		return refuse_to_start(cgi, "out of memory");
	}
	/* Connect now so the first request does not pay for it; if MariaDB is
	 * down we still serve /health and answer 503 on what needs it. */
	if (db_connect(app.db) != DB_OK)
		log_msg(LOG_WARNING, NULL, "database not reachable at start: %s",
		        db_last_error(app.db));

	if (cgi) {
		serve_one(&app, arena, NULL, environ);
	} else {
		FCGX_Request fr;

		signal(SIGPIPE, SIG_IGN);
		signal(SIGTERM, on_term);
		signal(SIGINT, on_term);
		if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
			log_msg(LOG_ERROR, NULL, "FastCGI initialisation failed");
			rc = 1;
		} else {
			log_msg(LOG_INFO, NULL, "responder %ld ready", (long)getpid());
			while (!stop_requested && FCGX_Accept_r(&fr) >= 0) {
				in_request = 1;
				serve_one(&app, arena, &fr, fr.envp);
				FCGX_Finish_r(&fr);
				arena_reset(arena);
				in_request = 0;
			}
			FCGX_Free(&fr, 1);
		}
	}
	arena_free(arena);
	auth_forget_jwks(&app);
	auth_forget_identities(&app);
	memo_forget_all(&app);
	free(app.openapi); /* the API description h_openapi rendered */
	shmcount_close(app.shm);
	db_free(app.db);
	config_free(&app.cfg);
	db_library_end();
	curl_global_cleanup();
	return rc;
}
