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

# ---- the web server's own error pages (issue 16) ------------------------------
# What a front end answers itself (a malformed request, a URI, headers or body
# too large, a path outside the application, the responders down) must be the
# application's one error schema too, never an HTML page. The shipped
# configurations make these pages (lighttpd/json-errors.lua, the
# ErrorDocuments of apache/*, the error_page of nginx/stratus.conf); names,
# codes and messages are the same in all three, and here.
declare -A SERVER_ERRORS=(
	[400]='ValidationError VALIDATION_ERROR the web server could not parse the request'
	[404]='NotFound NOT_FOUND no such resource'
	[411]='LengthRequired LENGTH_REQUIRED a POST needs Content-Length, even without a body: send Content-Length: 0'
	[413]='PayloadTooLarge PAYLOAD_TOO_LARGE the request body is too large'
	[414]='URITooLong URI_TOO_LONG the request URI is too long'
	[431]='RequestHeaderFieldsTooLarge REQUEST_HEADER_FIELDS_TOO_LARGE the request headers are too large'
	[500]='InternalServerError INTERNAL_SERVER_ERROR the web server could not complete the request'
	[502]='BadGateway BAD_GATEWAY the application did not answer'
	[503]='ServiceUnavailable SERVICE_UNAVAILABLE the application is not available'
	[504]='GatewayTimeout GATEWAY_TIMEOUT the application did not answer in time'
)

# expect_server_error STATUS [early]: the answer is the web server's page for
# STATUS: Content-Type application/json, exactly the fields of api_error_body
# (no "details"), the name, code and message of the table above, a request
# id and an ISO 8601 time. "early": a refusal before the request is read;
# Apache has no request id then (mod_unique_id has not run): "" is allowed.
expect_server_error() {
	local e=${SERVER_ERRORS[$1]} name code msg rid='length > 0'
	[ "${2:-}" = early ] && [ "$APACHE" = 1 ] && rid='length >= 0'
	name=${e%% *}
	e=${e#* }
	code=${e%% *}
	msg=${e#* }
	expect_status "$1" &&
		expect_header Content-Type '^application/json' &&
		expect_json "(keys | sort) == [\"detail\",\"error\",\"error_code\",\"message\",\"request_id\",\"status_code\",\"timestamp\"]
			and .error == \"$name\" and .error_code == \"$code\" and .status_code == $1
			and .message == \"$msg\" and .detail == .message
			and (.request_id | type == \"string\" and $rid)
			and (.timestamp | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$\"))"
}

# raw_request TEXT: send TEXT (printf escapes: \r\n) over a bare TCP
# connection to BASE_URL's host and keep the answer, split like lib.sh's http
# into $STATUS, $HDRS and $BODY. For what curl refuses to send.
raw_request() {
	local rest hostport raw=$TEST_TMP/raw hlen
	rest=${BASE_URL#http://}
	hostport=${rest%%/*}
	timeout "${HTTP_TIMEOUT:-20}" bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf "$3" >&3
		cat <&3' raw_request "${hostport%:*}" "${hostport##*:}" "$1" >"$raw" || return 1
	hlen=$(LC_ALL=C awk '{ n += length($0) + 1 } /^\r?$/ { print n; exit }' "$raw")
	[ -n "$hlen" ] || { echo "no end of headers in the answer: $(head -c 300 "$raw")"; return 1; }
	head -c "$hlen" "$raw" >"$HDRS"
	tail -c +"$((hlen + 1))" "$raw" >"$BODY"
	STATUS=$(head -n 1 "$raw" | awk '{ print $2 }')
}

# The origin of BASE_URL (http://host:port), for URLs outside the application.
ORIGIN=${BASE_URL#http://}
ORIGIN=http://${ORIGIN%%/*}
export ORIGIN
# Apache (every flavour here) refuses headers too large with 400, not 431;
# lighttpd 1.4 counts the request line with the headers: a URI too long is
# its 431 (it never sends 414).
APACHE=0 URI_TOO_LONG=414 HEADERS_TOO_LARGE=431
case $FRONTEND in
fcgid | proxy-fcgi | cgi) APACHE=1 HEADERS_TOO_LARGE=400 ;;
lighttpd) URI_TOO_LONG=431 ;;
esac
export APACHE URI_TOO_LONG HEADERS_TOO_LARGE
pad() { head -c "$1" /dev/zero | tr '\0' a; }
NO_RUN=00000000-0000-4000-8000-000000000000

# With the responders stopped (tests/smoke/frontends.sh does it and says
# which status the front end answers then), only this runs.
if [ -n "${SMOKE_BACKEND_DOWN:-}" ]; then
	# mod_fcgid counts the killed responders until its next scan and may
	# retry the spawn: its first answer took over 20 s once.
	HTTP_TIMEOUT=90
	# SMOKE_BACKEND_DOWN may list several statuses ("500 503"): the page
	# must be the one of whichever the front end answered, if it is listed.
	down_status() {
		case " $SMOKE_BACKEND_DOWN " in
		*" $STATUS "*) echo "$STATUS" ;;
		*) echo "${SMOKE_BACKEND_DOWN%% *}" ;;
		esac
	}
	t "with the responders down, GET /health answers ${SMOKE_BACKEND_DOWN// / or } in the error schema" '
		http GET /health &&
		expect_server_error "$(down_status)"
	'
	t "with the responders down, a POST answers ${SMOKE_BACKEND_DOWN// / or } in the error schema" '
		http POST /builds -H "Content-Type: application/json" --data "{}" &&
		expect_server_error "$(down_status)"
	'
	test_done
	exit
fi

# ---- the docs pages (issue 16) --------------------------------------------------
# Static files of the web server, beside the API (not with plain CGI).
if [ "$FRONTEND" != cgi ] && [ "$FRONTEND" != direct ]; then
	t 'GET /docs and /redoc are the docs pages, files with a Content-Security-Policy' '
		http GET /docs && expect_status 200 && expect_header Content-Type "^text/html" &&
		expect_header Content-Security-Policy "^default-src .self.;" &&
		grep -q "swagger-ui-bundle.js" "$BODY" &&
		http GET /redoc && expect_status 200 && expect_header Content-Type "^text/html" &&
		expect_header Content-Security-Policy "style-src .self. .unsafe-inline." &&
		http GET /docs/assets/swagger-ui-bundle.js && expect_status 200 &&
		expect_header Content-Type "javascript" && test "$(wc -c <"$BODY")" -gt 100000
	'
fi

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

# ---- POST without a body --------------------------------------------------------
# curl -X POST without -d sends neither a body nor Content-Length, as the
# orchestration clients do to deploy, refresh and trigger. Valid HTTP/1.1
# (RFC 9112 6.3: no Content-Length, no Transfer-Encoding: no body).
# The handler's 404 (no such run) with a developer's key (frontends.sh makes
# one); the role check's 403 with the readonly smoke key: the app either way.
DEV_KEY=${SMOKE_DEV_KEY:-$SMOKE_KEY}
export DEV_KEY
app_answered() {
	if [ -z "${SMOKE_DEV_KEY:-}" ] && [ "$STATUS" = 403 ]; then
		expect_error 403 Forbidden FORBIDDEN
	else
		expect_error 404 NotFound NOT_FOUND && msg_has "no such run"
	fi
}

t 'a POST with Content-Length: 0 reaches the app' '
	http POST "/runs/$NO_RUN/cancel" -H "X-API-Key: $DEV_KEY" --data-binary "" &&
	app_answered
'

if [ "$FRONTEND" = lighttpd ]; then
	# lighttpd 1.4 (src/request.c, http_request_parse: 1.4.69 here, and still
	# so in 1.4.85)
	# answers 411 before any module or setting sees the request; no
	# server.http-parseopts lifts it. Its 411 at least says what to send.
	t 'a POST without Content-Length is refused with 411 in the error schema (lighttpd 1.4 cannot be set to accept it)' '
		http POST "/runs/$NO_RUN/cancel" -H "X-API-Key: $DEV_KEY" &&
		expect_server_error 411
	'
else
	t 'a POST without a body or Content-Length reaches the app' '
		http POST "/runs/$NO_RUN/cancel" -H "X-API-Key: $DEV_KEY" &&
		app_answered
	'
fi

# ---- the web server's own error pages -----------------------------------------

if [ "$FRONTEND" = cgi ]; then
	# The .htaccess governs its own directory: a missing program beside
	# stratus.fcgi is its 404. Everything outside is the host's.
	t 'a 404 beside the program (the web server'"'"'s) is in the error schema' '
		BASE_URL=${BASE_URL%/*} http GET /no-such-program &&
		expect_server_error 404
	'
else
	t 'a 404 outside the application (the web server'"'"'s) is in the error schema' '
		BASE_URL=$ORIGIN http GET /stratus-smoke/no-such-page &&
		expect_server_error 404
	'

	# lighttpd and nginx keep a sane client id as the app does; Apache's
	# pages carry mod_unique_id's.
	if [ "$APACHE" = 0 ]; then
		t 'the web server'"'"'s error page carries the client'"'"'s X-Request-ID' '
			BASE_URL=$ORIGIN http GET /stratus-smoke/no-such-page -H "X-Request-ID: smoke-outside" &&
			expect_server_error 404 &&
			expect_json ".request_id == \"smoke-outside\"" &&
			expect_header X-Request-ID "^smoke-outside$"
		'
	fi
fi

t 'a body over the web server'"'"'s limit (5 MiB) is refused with 413 in the error schema' '
	head -c 5242880 /dev/zero | tr "\0" "x" >"$TEST_TMP/huge" &&
	http POST /health -H "Content-Type: application/json" --data-binary @"$TEST_TMP/huge" &&
	expect_server_error 413
'

if [ "$FRONTEND" = cgi ]; then
	say "cgi: a malformed request, a URI or headers too large are refused before Apache reads any .htaccess: the host's pages, not apache/htaccess's"
else
	t "a 20 KB URI is refused with $URI_TOO_LONG in the error schema" '
		http GET "/health?pad=$(pad 20000)" &&
		expect_server_error "$URI_TOO_LONG" early
	'

	t "a 20 KB header is refused with $HEADERS_TOO_LARGE in the error schema" '
		http GET /health -H "X-Smoke-Pad: $(pad 20000)" &&
		expect_server_error "$HEADERS_TOO_LARGE" early
	'

	t 'a malformed request line is refused with 400 in the error schema' '
		raw_request "GET no-slash HTTP/1.1\r\nHost: smoke\r\nConnection: close\r\n\r\n" &&
		expect_server_error 400 early
	'
fi

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
