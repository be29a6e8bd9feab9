/* router.c: matching PATH_INFO against the route table. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fcgi/router.h"

/*
 * Matches one pattern; returns the number of literal segments (>= 0) or -1.
 * Works on the path in place: no allocation, no copies.
 */
static int match_one(const char *pat, const char *path, size_t plen, struct route_match *m)
{
	int literal = 0;
	size_t np = 0;
	const char *p = path, *end = path + plen;

	while (*pat == '/' && p < end && *p == '/') {
		const char *ps = ++pat, *pe = strchr(ps, '/');
		const char *ss = ++p, *se;
		size_t pl = pe ? (size_t)(pe - ps) : strlen(ps);

		se = memchr(ss, '/', (size_t)(end - ss));
		if (se == NULL)
			se = end;
		if (pl >= 2 && ps[0] == '{' && ps[pl - 1] == '}') {
			if (se == ss || np == RQ_MAX_PARAMS)
				return -1;
			m->params[np].name = ps + 1;
			m->params[np].name_len = pl - 2;
			m->params[np].value = ss;
			m->params[np].value_len = (size_t)(se - ss);
			np++;
		} else {
			if ((size_t)(se - ss) != pl || memcmp(ss, ps, pl) != 0)
				return -1;
			if (pl > 0)
				literal++;
		}
		pat = ps + pl;
		p = se;
	}
	if (*pat != '\0' || p != end)
		return -1;
	m->nparams = np;
	return literal;
}

enum route_result router_match(const struct route *table, size_t n, enum http_method method,
                               const char *path, struct route_match *m)
{
	size_t plen = strlen(path);
	int best = -1;
	struct route_match tmp;

	memset(m, 0, sizeof(*m));
	/* "/projects/" is "/projects"; "/" stays "/". */
	if (plen > 1 && path[plen - 1] == '/')
		plen--;
	for (size_t i = 0; i < n; i++) {
		int lit = match_one(table[i].pattern, path, plen, &tmp);

		if (lit < 0)
			continue;
		m->allow |= 1u << table[i].method;
		if (table[i].method == M_GET)
			m->allow |= 1u << M_HEAD;
		if (table[i].method == method || (method == M_HEAD && table[i].method == M_GET)) {
			/* An exact HEAD route would beat GET; ties keep table order. */
			if (lit > best) {
				best = lit;
				tmp.route = &table[i];
				tmp.allow = 0;
				memcpy(m->params, tmp.params, sizeof(tmp.params));
				m->nparams = tmp.nparams;
				m->route = &table[i];
			}
		}
	}
	if (m->allow == 0)
		return ROUTE_NOT_FOUND;
	m->allow |= 1u << M_OPTIONS;
	return m->route != NULL ? ROUTE_FOUND : ROUTE_WRONG_METHOD;
}

char *router_allow(unsigned allow, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < M__MAX; i++) {
		if (allow & (1u << i)) {
			int w = snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
			                 http_method_name((enum http_method)i));

			if (w < 0 || (size_t)w >= len - o)
				break;
			o += (size_t)w;
		}
	}
	return buf;
}
