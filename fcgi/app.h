/* app.h: the long-lived state of one responder process. */
#ifndef STRATUS_APP_H
#define STRATUS_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/config.h"

struct db;

/*
 * Set up once per process in main() and torn down at exit: configuration,
 * the MariaDB connection with its prepared statements, counters. Requests
 * reach it through rq->app and never keep pointers into themselves here.
 */
struct app {
	struct config cfg;
	struct db *db;
	bool cgi;            /* serving one plain-CGI request */
	int64_t started_us;  /* monotonic */
	uint64_t requests;   /* served by this process */
	uint64_t errors[16]; /* per api_err code, for metrics */
};

#endif
