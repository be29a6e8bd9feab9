/* fuzz_path.c: the router and the query/form decoder on arbitrary paths and queries. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fcgi/router.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf = malloc(size + 1), *q;
	struct route_match m;
	struct app app;
	struct req rq;
	char allow[96];

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* "path?query": the router sees the path, the decoder the query. */
	q = strchr(buf, '?');
	if (q != NULL)
		*q++ = '\0';
	for (int method = 0; method < M__MAX; method++) {
		enum route_result r =
		        router_match(routes, nroutes, (enum http_method)method, buf, &m);

		if (r == ROUTE_FOUND && (m.route == NULL || m.nparams > RQ_MAX_PARAMS))
			abort();
		router_allow(m.allow, allow, sizeof(allow));
	}
	memset(&app, 0, sizeof(app));
	memset(&rq, 0, sizeof(rq));
	rq.app = &app;
	rq.arena = arena_new(4096);
	rq.query = q ? q : "";
	rq_query(&rq, "limit");
	rq_query(&rq, "");
	rq_form_value(&rq, buf, "a");
	arena_free(rq.arena);
	free(buf);
	return 0;
}
