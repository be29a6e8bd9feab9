#!/usr/bin/env bash
# tests/smoke/suite.sh: the smoke suite every front end must pass.
#
# The same checks run unchanged through lighttpd, Apache (mod_fcgid,
# mod_proxy_fcgi, plain CGI) and nginx; tests/smoke/frontends.sh starts each
# of them and calls this script. It can also be pointed at any running
# deployment:
#
#   FRONTEND=lighttpd BASE_URL=http://127.0.0.1:18081/api bash tests/smoke/suite.sh
#   FRONTEND=cgi BASE_URL=http://127.0.0.1:18085/cgi-bin/stratus.fcgi bash tests/smoke/suite.sh
#
# BASE_URL is the URL that maps to PATH_INFO "" (so $BASE_URL/health is
# GET /health for the app). FRONTEND only names the tests. Needs curl and jq.
# Output: TAP on stdout (see tests/lib.sh); exit status non-zero on failure.

# shellcheck disable=SC2016 # test bodies and sh -c scripts are single-quoted on purpose
FRONTEND=${FRONTEND:-direct}
SUITE="smoke[$FRONTEND]" # read by test_done in lib.sh
export SUITE
. "$(dirname "$0")/../lib.sh"

# t DESCRIPTION BODY: test_expect_success with the front end in the name.
t() {
	test_expect_success "$FRONTEND: $1" "$2"
}

# expect_any_error STATUS: the body follows the error schema (see
# expect_error in lib.sh) for STATUS, whatever its error name and code.
expect_any_error() {
	local err code
	err=$(jq -r '.error // empty' "$BODY" 2>/dev/null)
	code=$(jq -r '.error_code // empty' "$BODY" 2>/dev/null)
	expect_error "$1" "$err" "$code" &&
		expect_json '(.error | test("^[A-Za-z]+$"))
			and (.error_code | test("^[A-Z][A-Z0-9_]*$"))'
}

# ---- service endpoints -------------------------------------------------------

t 'GET /health answers 200 with the service identity' '
	http GET /health &&
	expect_status 200 &&
	expect_header Content-Type "^application/json" &&
	expect_json ".status == \"healthy\" and .service == \"stratus\"
		and (.version | type == \"string\" and length > 0)"
'

t 'GET /ready answers 200 with the database up' '
	http GET /ready &&
	expect_status 200 &&
	expect_json ".database == true and .overall == true"
'

t 'HEAD /health answers 200 with headers and no body' '
	raw_head /health &&
	expect_status 200 &&
	expect_header Content-Type "^application/json" &&
	if [ -s "$BODY" ]; then
		echo "HEAD answer carries $(wc -c <"$BODY") body bytes"
		false
	fi
'

# ---- errors --------------------------------------------------------------------

t 'unknown path answers 404 in the error schema' '
	http GET /no/such/route &&
	expect_error 404 NotFound NOT_FOUND
'

t 'DELETE /health answers 405 with an Allow header' '
	http DELETE /health &&
	expect_any_error 405 &&
	expect_header Allow "GET"
'

t 'a 2 MiB body is refused with 413 by the app, before routing' '
	head -c 2097152 /dev/zero | tr "\0" "x" >"$TEST_TMP/big" &&
	http POST /health -H "Content-Type: application/json" \
		--data-binary @"$TEST_TMP/big" &&
	expect_any_error 413
'

# ---- request ids -----------------------------------------------------------------

t 'a sane client X-Request-ID comes back unchanged' '
	http GET /health -H "X-Request-ID: smoke-123" &&
	expect_status 200 &&
	expect_header X-Request-ID "^smoke-123$"
'

t 'without X-Request-ID the app makes one per request' '
	http GET /health &&
	expect_header X-Request-ID "^[!-~]{8,}$" &&
	first=$(header X-Request-ID) &&
	http GET /health &&
	second=$(header X-Request-ID) &&
	if [ "$first" = "$second" ]; then
		echo "two requests got the same id $first"
		false
	fi
'

t 'an error body carries the request id of its X-Request-ID header' '
	http GET /no/such/route &&
	expect_status 404 &&
	[ "$(header X-Request-ID)" = "$(jq -r .request_id "$BODY")" ] &&
	http GET /no/such/route -H "X-Request-ID: smoke-404" &&
	expect_json ".request_id == \"smoke-404\""
'

# ---- Authorization pass-through ------------------------------------------------
# Every front end must hand the Authorization header to the app (Apache:
# CGIPassAuth On; nginx: HTTP_AUTHORIZATION; lighttpd passes it as is).
# The caller provides an account (SMOKE_USER, SMOKE_PASSWORD) and an access
# token for it (SMOKE_TOKEN), made through the main stack.
t 'Authorization: Basic reaches the app' '
	http GET /auth/me -u "$SMOKE_USER:$SMOKE_PASSWORD" &&
	expect_status 200 &&
	expect_json ".auth_method == \"basic\" and .username == \"$SMOKE_USER\""
'

t 'Authorization: Bearer reaches the app' '
	http GET /auth/me -H "Authorization: Bearer $SMOKE_TOKEN" &&
	expect_status 200 &&
	expect_json ".auth_method == \"jwt\" and .username == \"$SMOKE_USER\""
'

t 'a bad Authorization is refused with WWW-Authenticate' '
	http GET /auth/me -H "Authorization: Bearer smoke.not.a.token" &&
	expect_error 401 Unauthorized UNAUTHORIZED &&
	expect_header WWW-Authenticate
'

# A header named with "_" never reaches the app: CGI would fold X_API_Key
# into X-API-Key's HTTP_X_API_KEY (nginx and Apache drop such names; the
# shipped lighttpd configuration drops them with mod_magnet).
t 'X-API-Key reaches the app, X_API_Key (an underscore) does not' '
	http GET /auth/me -H "X-API-Key: $SMOKE_KEY" &&
	expect_status 200 && expect_json ".auth_method == \"api_key\"" &&
	for h in X_API_Key X-API_Key x_api_key; do
		http GET /auth/me -H "$h: $SMOKE_KEY" &&
		expect_error 401 Unauthorized UNAUTHORIZED || exit 1
	done
'

# The server software's version is nobody's business. Plain CGI runs under
# the hosting provider's server configuration, which the shipped .htaccess
# cannot change.
t 'responses name no server version' '
	http GET /health && expect_status 200 &&
	if [ "$FRONTEND" != cgi ] && grep -i "^Server:" "$HDRS" | grep -q "[0-9]"; then
		echo "$(grep -i "^Server:" "$HDRS")"
		false
	fi &&
	http GET /no/such/route && expect_status 404 &&
	if [ "$FRONTEND" != cgi ] && grep -i "^Server:" "$HDRS" | grep -q "[0-9]"; then
		echo "$(grep -i "^Server:" "$HDRS")"
		false
	fi
'

test_done
