#!/usr/bin/env bash
# tests/routes.sh: every route of the table (handlers/routes.c ROUTE rows) was
# requested by at least one test of this run. ./dev test runs it last: it
# reads the responders' JSON access-log lines ("type":"access", with method
# and path) that every stack of the run left under $WORK, whichever suite
# started it, and matches them against the route patterns ({name} is one
# path segment). One test per route, so that a failure names the route.
#
# HEAD counts as GET (the router answers HEAD with the GET route). A request
# counts whatever its answer (a 401 or a 400 still reached the route).
#
# ROUTES_C and ACCESS_LOGS override the table and the directory read.
# Test bodies are single-quoted strings that lib.sh evaluates: SC2016.
# shellcheck disable=SC2016
SUITE=routes
BASE_URL=${BASE_URL:-unused}
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

ROUTES_C=${ROUTES_C:-$STACK_SRC/handlers/routes.c}
ACCESS_LOGS=${ACCESS_LOGS:-${WORK:?WORK must be set (run through ./dev test)}}

# routes FILE: "METHOD PATTERN" per ROUTE row (as tests/http/unicode.sh reads them).
routes() {
	sed -n 's/^[[:space:]]*ROUTE(\([A-Z]*\), "\([^"]*\)".*/\1 \2/p' "$1"
}

# requests DIR: "METHOD PATH" of every access-log line under DIR, once each.
requests() {
	grep -rhF '"type":"access"' --include='*.out' --include='*.log' "$1" 2>/dev/null |
		jq -Rr 'fromjson? | select(.type == "access") | "\(.method) \(.path)"' | sort -u
}

# unrequested ROUTES REQUESTS: the routes (lines of ROUTES) that no line of
# REQUESTS matches.
unrequested() {
	awk '
	FNR == NR {
		m[NR] = $1; p[NR] = $2; n = NR
		re = $2
		gsub(/[.+?()|^$]/, "\\\\&", re)
		gsub(/\{[^}\/]*\}/, "[^/]+", re)
		r[NR] = "^" re "$"
		next
	}
	{
		meth = ($1 == "HEAD") ? "GET" : $1
		path = $2
		sub(/\?.*/, "", path)
		if (path != "/") sub(/\/$/, "", path)
		for (i = 1; i <= n; i++)
			if (!hit[i] && m[i] == meth && path ~ r[i]) hit[i] = 1
	}
	END { for (i = 1; i <= n; i++) if (!hit[i]) print m[i] " " p[i] }
	' "$1" "$2"
}

routes "$ROUTES_C" >"$TEST_TMP/routes"
requests "$ACCESS_LOGS" >"$TEST_TMP/requests"
unrequested "$TEST_TMP/routes" "$TEST_TMP/requests" >"$TEST_TMP/missing"

test_expect_success 'the route table and the access logs were read' '
	test "$(wc -l <"$TEST_TMP/routes")" -gt 40 &&
	test -s "$TEST_TMP/requests" ||
		{ echo "$(wc -l <"$TEST_TMP/routes") routes, $(wc -l <"$TEST_TMP/requests") requests under $ACCESS_LOGS"; exit 1; }
'

test_expect_success 'the check reports a route that no test requested' '
	{ cat "$TEST_TMP/routes"; echo "GET /no-test/{id}/asks"; } >"$TEST_TMP/fake" &&
	{ cat "$TEST_TMP/requests"; echo "GET /no-test/1"; echo "POST /no-test/1/asks"; } >"$TEST_TMP/fake-req" &&
	unrequested "$TEST_TMP/fake" "$TEST_TMP/fake-req" | grep -qx "GET /no-test/{id}/asks" &&
	{ echo "GET /no-test/7/asks/"; cat "$TEST_TMP/fake-req"; } >"$TEST_TMP/fake-req2" &&
	! unrequested "$TEST_TMP/fake" "$TEST_TMP/fake-req2" | grep -q "/no-test/"
'

while read -r method pattern; do
	[ -n "$method" ] || continue
	test_expect_success "$method $pattern is requested by a test" '
		! grep -qxF "$method $pattern" "$TEST_TMP/missing" ||
			{ echo "no test of this run sent $method to $pattern"; exit 1; }
	'
done <"$TEST_TMP/routes"

test_done
