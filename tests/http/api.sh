#!/usr/bin/env bash
# tests/http/api.sh: every endpoint of the foundation and its bad inputs,
# through the default front end (nginx) and the responder pool, against the
# real MariaDB.
SUITE=http-api
. "$(dirname "$0")/../lib.sh"
# shellcheck disable=SC1091
. "$STACK/dev.env"
# An account for the tests that need a credential.
STATUS_USER=api-status-$$@example.com
printf 'Api-Status-Passw0rd!\n' | "$STRATUSCTL" user create --email "$STATUS_USER" \
	--name "API status" --password-stdin >/dev/null

test_expect_success 'GET / names the service and links to health' '
	http GET / &&
	expect_status 200 &&
	expect_json ".name == \"Stratus\" and .service == \"stratus\" and (.version | test(\"^[0-9]+\\\\.[0-9]+\"))" &&
	expect_json ".links.health == \"/health\" and .links.ready == \"/ready\" and .links.status == \"/status\""
'

# The docs pages are the web server's files (tests/browser loads them through
# lighttpd, tests/smoke through every front end); through the default front
# end, the clients' /api/docs and /api/redoc lead to them. The web server's
# answers, not the API's: kept out of the contract check (CONTRACT_DIR=).
test_expect_success '/api/docs and /api/redoc (and /docs/) redirect to /docs and /redoc' '
	for p in docs redoc; do
		for from in "/api/$p" "/api/$p/" "/$p/"; do
			CONTRACT_DIR= http GET "$from" && expect_status 301 && expect_header Location "/$p\$" ||
				{ echo "for $from"; return 1; }
		done
	done
'

test_expect_success 'GET /health is 200 healthy with service and version' '
	http GET /health &&
	expect_status 200 &&
	expect_json ".status == \"healthy\" and .service == \"stratus\" and (.version | length > 0)" &&
	expect_header Content-Type "^application/json"
'

test_expect_success 'a trailing slash reaches the same route' '
	http GET /health/ &&
	expect_status 200 &&
	expect_json ".status == \"healthy\""
'

test_expect_success 'HEAD /health answers 200 with headers and no body' '
	raw_head /health &&
	expect_status 200 &&
	expect_header Content-Length "^[1-9][0-9]*$" &&
	test ! -s "$BODY"
'

test_expect_success 'GET /ready reports the database' '
	http GET /ready &&
	expect_status 200 &&
	expect_json ".database == true and .overall == true"
'

test_expect_success 'GET /health/db is the same check' '
	http GET /health/db &&
	expect_status 200 &&
	expect_json ".database == true and .overall == true"
'

test_expect_success 'GET /status lists api-local and the database, without its version for anonymous callers' '
	http GET /status &&
	expect_status 200 &&
	expect_json ".overall_status == \"healthy\"" &&
	expect_json ".timestamp | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z$\")" &&
	expect_json "[.components[] | select(.name == \"api-local\" and .status == \"healthy\" and .details == \"OK\")] | length == 1" &&
	expect_json "[.components[] | select(.name == \"database\" and .status == \"healthy\" and .details == \"MariaDB\")] | length == 1" &&
	! grep -Eq "MariaDB [0-9]|10\\.[0-9]+\\.[0-9]" "$BODY"
'

test_expect_success 'GET /status shows the MariaDB version to an authenticated caller, and refuses bad credentials' '
	k=$("$STRATUSCTL" apikey create --name status-$$ --user "$STATUS_USER") &&
	http GET /status -H "X-API-Key: $k" &&
	expect_status 200 &&
	expect_json "[.components[] | select(.name == \"database\" and .status == \"healthy\" and (.details | test(\"^MariaDB 10\\\\.\")))] | length == 1" &&
	http GET /status -H "X-API-Key: stk_not-a-key" &&
	expect_error 401 Unauthorized UNAUTHORIZED
'

test_expect_success 'an unknown path is 404 in the error schema' '
	http GET /no/such/thing &&
	expect_error 404 NotFound NOT_FOUND &&
	expect_json ".message | contains(\"/no/such/thing\")"
'

test_expect_success 'a known path with the wrong method is 405 with Allow' '
	http DELETE /health &&
	expect_error 405 MethodNotAllowed METHOD_NOT_ALLOWED &&
	expect_header Allow "^GET, HEAD, OPTIONS$"
'

test_expect_success 'POST to a GET route is 405, not 404' '
	http POST /status -H "Content-Type: application/json" --data "{}" &&
	expect_error 405 MethodNotAllowed METHOD_NOT_ALLOWED
'

test_expect_success 'OPTIONS answers the CORS preflight' '
	http OPTIONS /debug/echo -H "Origin: https://dash.example" \
		-H "Access-Control-Request-Method: POST" &&
	expect_status 204 &&
	expect_header Access-Control-Allow-Origin "^\\*$" &&
	expect_header Access-Control-Allow-Methods "POST" &&
	expect_header Access-Control-Allow-Headers "X-API-Key" &&
	expect_header Access-Control-Allow-Headers "Idempotency-Key" &&
	expect_header Allow "^POST, OPTIONS$"
'

test_expect_success 'a cross-origin answer lets scripts read the rate-limit and request headers' '
	http GET /health -H "Origin: https://dash.example" &&
	for h in X-Request-ID Retry-After X-RateLimit-Limit X-RateLimit-Remaining X-RateLimit-Reset Idempotent-Replayed; do
		expect_header Access-Control-Expose-Headers "(^|, )$h(,|$)" || exit 1
	done
'

test_expect_success 'a cross-origin GET carries Access-Control-Allow-Origin' '
	http GET /health -H "Origin: https://dash.example" &&
	expect_status 200 &&
	expect_header Access-Control-Allow-Origin "^\\*$"
'

test_expect_success 'X-Request-ID is echoed when sane' '
	http GET /health -H "X-Request-ID: ci-run-42.step:1" &&
	expect_header X-Request-ID "^ci-run-42\\.step:1$"
'

test_expect_success 'X-Request-ID is generated when absent and in error bodies' '
	http GET /nope &&
	expect_header X-Request-ID "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" &&
	rid=$(header X-Request-ID) &&
	expect_json ".request_id == \"$rid\""
'

test_expect_success 'an unsafe X-Request-ID is replaced, never echoed' '
	http GET /health -H "X-Request-ID: <script>alert(1)</script>" &&
	expect_header X-Request-ID "^[0-9a-f-]{36}$"
'

# ------------------------------------------------------------ request bodies
big=$TEST_TMP/big.json
{ printf "{\"a\":\""; head -c 1048576 /dev/zero | tr "\\0" x; printf "\"}"; } >"$big"

test_expect_success 'a body over STRATUS_MAX_BODY is 413' '
	http POST /debug/echo -H "Content-Type: application/json" --data-binary "@$big" &&
	expect_error 413 PayloadTooLarge PAYLOAD_TOO_LARGE &&
	expect_json ".message | contains(\"1048576\")"
'

test_expect_success 'a JSON route given another Content-Type is 415' '
	http POST /debug/echo -H "Content-Type: text/plain" --data "{\"a\":1}" &&
	expect_error 415 UnsupportedMediaType UNSUPPORTED_MEDIA_TYPE
'

test_expect_success 'a JSON route without Content-Type is 415' '
	http POST /debug/echo -H "Content-Type:" --data-binary "{\"a\":1}" &&
	expect_error 415 UnsupportedMediaType UNSUPPORTED_MEDIA_TYPE
'

test_expect_success 'a valid JSON body is parsed (development echo)' '
	http POST /debug/echo -H "Content-Type: application/json; charset=utf-8" \
		--data "{\"name\":\"caf\\u00e9\",\"n\":[1,2.5,true,null]}" &&
	expect_status 200 &&
	expect_json ".received.name == \"café\" and .received.n[1] == 2.5 and .bytes > 0"
'

bad_body() { # bad_body DESCRIPTION FILE-OR-DATA MESSAGE-FRAGMENT
	test_expect_success "$1 is 400" "
		http POST /debug/echo -H 'Content-Type: application/json' --data-binary '$2' &&
		expect_error 400 ValidationError VALIDATION_ERROR &&
		expect_json '.message | contains(\"$3\")'
	"
}
printf '{"a":1' >"$TEST_TMP/trunc.json"
printf '{"a":"\xff\xfe"}' >"$TEST_TMP/latin.json"
printf '{"a":"x\0y"}' >"$TEST_TMP/nul.json"
printf '{"n":123456789012345678901234567890}' >"$TEST_TMP/bign.json"
printf '{"n":9007199254740993}' >"$TEST_TMP/unsafe.json"
printf '[1,2]' >"$TEST_TMP/array.json"
printf '%0.s[' $(seq 40) >"$TEST_TMP/deep.json"
printf "{'a':1}" >"$TEST_TMP/single.json"
printf '{"a":1} trailing' >"$TEST_TMP/trailing.json"
bad_body 'malformed JSON' "@$TEST_TMP/trunc.json" 'not valid JSON'
bad_body 'invalid UTF-8' "@$TEST_TMP/latin.json" 'UTF-8'
bad_body 'a NUL byte' "@$TEST_TMP/nul.json" 'NUL'
bad_body 'a number out of range' "@$TEST_TMP/bign.json" 'out of range'
bad_body 'an integer beyond 2^53' "@$TEST_TMP/unsafe.json" 'out of range'
bad_body 'a top-level array' "@$TEST_TMP/array.json" 'must be a JSON object'
bad_body 'nesting 40 deep' "@$TEST_TMP/deep.json" 'nested too deeply'
bad_body 'single-quoted strings' "@$TEST_TMP/single.json" 'double quotes'
bad_body 'data after the value' "@$TEST_TMP/trailing.json" 'not valid JSON'

test_expect_success 'an empty body on a JSON route is 400' '
	http POST /debug/echo -H "Content-Type: application/json" --data-binary "" &&
	expect_error 400 ValidationError VALIDATION_ERROR &&
	expect_json ".message | contains(\"required\")"
'

test_expect_success 'after all that the responders still answer' '
	for i in 1 2 3 4 5 6; do
		http GET /health && expect_status 200 || return 1
	done
'

# ------------------------------------------------------------ access log
test_expect_success 'each request leaves one JSON access-log line' '
	rid=access-$$-$RANDOM &&
	http GET /nope -H "X-Request-ID: $rid" &&
	sleep 0.2 &&
	line=$(cat "$RUNDIR"/*.log "$RUNDIR"/*.out 2>/dev/null | grep -h "\"request_id\":\"$rid\"" | grep "\"type\":\"access\"") &&
	test "$(printf "%s\n" "$line" | wc -l)" -eq 1 &&
	printf "%s" "$line" | jq -e ".method == \"GET\" and .path == \"/nope\" and .status == 404 and .duration_us >= 0 and .bytes > 0 and (.time | endswith(\"Z\"))" >/dev/null
'

test_done
