/* pipeline.h: one request from the CGI environment to the written response. */
#ifndef STRATUS_PIPELINE_H
#define STRATUS_PIPELINE_H

#include "fcgi/http.h"

/*
 * Serves one request: rq has app, arena, envp and fcgx (NULL for plain
 * CGI) set and everything else zeroed. Parses, routes, runs the generic
 * checks, the handler, writes the response and the access-log line. Never
 * fails: every outcome is an HTTP response.
 */
void pipeline_run(struct req *rq);

#endif
