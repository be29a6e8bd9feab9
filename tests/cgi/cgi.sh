#!/usr/bin/env bash
# tests/cgi/cgi.sh: the binary as a plain CGI program, driven directly with
# REQUEST_METHOD, PATH_INFO, CONTENT_LENGTH and stdin (no web server), for
# the edges of request parsing and start-up.
SUITE=cgi
BASE_URL=unused
. "$(dirname "$0")/../lib.sh"

# cgi [VAR=value...] [< body]: runs one request; splits the output into
# $HDRS and $BODY and sets $STATUS; stderr goes to $TEST_TMP/stderr.
cgi() {
	env -i PATH="$PATH" ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		STRATUS_CONFIG="$STRATUS_CONFIG_FILE" GATEWAY_INTERFACE=CGI/1.1 "$@" \
		"$STRATUS_BIN" >"$TEST_TMP/raw" 2>"$TEST_TMP/stderr"
	CGI_RC=$?
	awk 'BEGIN { RS = "\r\n" } /^$/ { exit } { print }' "$TEST_TMP/raw" >"$HDRS"
	awk 'BEGIN { RS = "\r\n\r\n" } NR > 1 { printf "%s", $0 }' "$TEST_TMP/raw" >"$BODY"
	STATUS=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$HDRS")
	return 0
}

test_expect_success 'GET /health as CGI' '
	cgi REQUEST_METHOD=GET PATH_INFO=/health </dev/null &&
	test "$CGI_RC" -eq 0 &&
	expect_status 200 &&
	expect_json ".status == \"healthy\"" &&
	expect_header X-Request-ID
'

test_expect_success 'no PATH_INFO is the index, and links use SCRIPT_NAME' '
	cgi REQUEST_METHOD=GET SCRIPT_NAME=/cgi-bin/stratus.fcgi </dev/null &&
	expect_status 200 &&
	expect_json ".links.health == \"/cgi-bin/stratus.fcgi/health\""
'

# No web server in front to refuse them first (Apache passes some on).
test_expect_success 'a query value or name that is not text is 400 naming it, never read as absent' '
	cgi REQUEST_METHOD=GET PATH_INFO=/health QUERY_STRING="limit=%00" </dev/null &&
	expect_status 400 && expect_json ".details.errors == [{\"field\":\"limit\",\"message\":\"must be text: valid UTF-8 without control characters\"}]" &&
	cgi REQUEST_METHOD=GET PATH_INFO=/health QUERY_STRING="a=ok&action=a%FFb&b=%0a&c%01=1" </dev/null &&
	expect_status 400 &&
	expect_json "[.details.errors[].field] == [\"action\",\"b\",\"c%01\"]" &&
	cgi REQUEST_METHOD=GET PATH_INFO=/health QUERY_STRING="q=caf%C3%A9+%E2%82%AC&t=%09" </dev/null &&
	expect_status 400 && expect_json "[.details.errors[].field] == [\"t\"]" &&
	cgi REQUEST_METHOD=GET PATH_INFO=/health QUERY_STRING="q=caf%C3%A9+%E2%82%AC" </dev/null &&
	expect_status 200
'

test_expect_success 'GET /ready reaches MariaDB as CGI' '
	cgi REQUEST_METHOD=GET PATH_INFO=/ready </dev/null &&
	expect_status 200 &&
	expect_json ".database == true"
'

test_expect_success 'a body read from stdin' '
	printf "{\"k\":\"v\"}" >"$TEST_TMP/in" &&
	cgi REQUEST_METHOD=POST PATH_INFO=/debug/echo CONTENT_TYPE=application/json \
		CONTENT_LENGTH=9 <"$TEST_TMP/in" &&
	expect_status 200 &&
	expect_json ".received.k == \"v\" and .bytes == 9"
'

test_expect_success 'a body shorter than CONTENT_LENGTH is 400, not a hang' '
	printf "{}" >"$TEST_TMP/in" &&
	cgi REQUEST_METHOD=POST PATH_INFO=/debug/echo CONTENT_TYPE=application/json \
		CONTENT_LENGTH=50 <"$TEST_TMP/in" &&
	expect_error 400 ValidationError VALIDATION_ERROR &&
	expect_json ".message | contains(\"ended after 2 of 50\")"
'

# cgi_body BODY: POST BODY (printf format, written as is) to the development echo.
cgi_body() {
	printf "$1" >"$TEST_TMP/in" &&
		cgi REQUEST_METHOD=POST PATH_INFO=/debug/echo CONTENT_TYPE=application/json \
			CONTENT_LENGTH="$(wc -c <"$TEST_TMP/in")" <"$TEST_TMP/in"
}

test_expect_success 'RFC 8259: a raw control character inside a string or key is 400' '
	for b in "{\"a\":\"x\ny\"}" "{\"a\":\"x\ty\"}" "{\"a\\001\":1}" "[\"\\037\"]" "{\"a\":\"\r\"}"; do
		cgi_body "$b" && expect_error 400 ValidationError VALIDATION_ERROR &&
		expect_json ".message | contains(\"control character\")" || { echo "body: $b"; exit 1; }
	done
'

test_expect_success 'an escaped NUL (\u0000) in a string or a key is 400, not a cut value' '
	for b in "{\"a\":\"x\\\\u0000y\"}" "{\"a\\\\u0000b\":1}" "[[\"\\\\u0000\"]]"; do
		cgi_body "$b" && expect_error 400 ValidationError VALIDATION_ERROR &&
		expect_json ".message | contains(\"\\\\u0000\")" || { echo "body: $b"; exit 1; }
	done
'

test_expect_success 'escaped control characters and a literal backslash-u0000 are JSON: echoed intact' '
	cgi_body "{\"a\":\"x\\\\ny\\\\u0001\",\"b\":\"\\\\\\\\u0000\"}" &&
	expect_status 200 &&
	expect_json ".received.a == \"x\\ny\\u0001\" and .received.b == \"\\\\u0000\""
'

for cl in abc -5 1e3 99999999999999999999999; do
	test_expect_success "CONTENT_LENGTH=$cl is 400" "
		cgi REQUEST_METHOD=POST PATH_INFO=/debug/echo CONTENT_TYPE=application/json \
			CONTENT_LENGTH=$cl </dev/null &&
		expect_error 400 ValidationError VALIDATION_ERROR
	"
done

test_expect_success 'a huge CONTENT_LENGTH is 413 before any read' '
	cgi REQUEST_METHOD=POST PATH_INFO=/health CONTENT_LENGTH=9000000000 </dev/null &&
	expect_error 413 PayloadTooLarge PAYLOAD_TOO_LARGE
'

test_expect_success 'an unknown method is 405' '
	cgi REQUEST_METHOD=BREW PATH_INFO=/health </dev/null &&
	expect_error 405 MethodNotAllowed METHOD_NOT_ALLOWED
'

test_expect_success 'HEAD writes headers only' '
	cgi REQUEST_METHOD=HEAD PATH_INFO=/health </dev/null &&
	expect_status 200 &&
	test ! -s "$BODY"
'

test_expect_success 'the development echo is 404 outside development' '
	printf "%s\nENVIRONMENT=production\n" "$(grep -E "DATABASE_URL|JWT_SECRET_KEY|STRATUS_KEY_PEPPER" "$STRATUS_CONFIG_FILE")" >"$TEST_TMP/prod.env" &&
	STRATUS_CONFIG_FILE=$TEST_TMP/prod.env cgi REQUEST_METHOD=POST PATH_INFO=/debug/echo \
		CONTENT_TYPE=application/json CONTENT_LENGTH=2 <<<"{}" &&
	expect_error 404 NotFound NOT_FOUND
'

test_expect_success 'a bad setting stops the process with one clear line and a 503' '
	printf "DATABASE_URL=postgres://x:y@h/db\n" >"$TEST_TMP/bad.env" &&
	STRATUS_CONFIG_FILE=$TEST_TMP/bad.env cgi REQUEST_METHOD=GET PATH_INFO=/health </dev/null &&
	test "$CGI_RC" -ne 0 &&
	test "$(wc -l <"$TEST_TMP/stderr")" -eq 1 &&
	grep -q "cannot start: DATABASE_URL must start with mysql://" "$TEST_TMP/stderr" &&
	expect_error 503 ServiceUnavailable SERVICE_UNAVAILABLE
'

test_expect_success 'a missing DATABASE_URL is named' '
	: >"$TEST_TMP/empty.env" &&
	STRATUS_CONFIG_FILE=$TEST_TMP/empty.env cgi REQUEST_METHOD=GET PATH_INFO=/health </dev/null &&
	grep -q "DATABASE_URL is not set" "$TEST_TMP/stderr"
'

test_expect_success 'a missing STRATUS_KEY_PEPPER is named' '
	grep -v STRATUS_KEY_PEPPER "$STRATUS_CONFIG_FILE" >"$TEST_TMP/nopepper.env" &&
	STRATUS_CONFIG_FILE=$TEST_TMP/nopepper.env cgi REQUEST_METHOD=GET PATH_INFO=/health </dev/null &&
	test "$CGI_RC" -ne 0 &&
	grep -q "STRATUS_KEY_PEPPER must be set" "$TEST_TMP/stderr"
'

test_expect_success 'API_KEYS from the environment are admin keys' '
	cgi REQUEST_METHOD=GET PATH_INFO=/auth/me API_KEYS=env-key-one-123456,env-key-two-123456 \
		HTTP_X_API_KEY=env-key-two-123456 REMOTE_ADDR=127.0.0.9 </dev/null &&
	expect_status 200 &&
	expect_json ".auth_method == \"env_key\" and .role == \"admin\" and .id == null"
'

test_expect_success 'OUMI_API_KEY is accepted too; any other key is 401 with the original message' '
	cgi REQUEST_METHOD=GET PATH_INFO=/auth/me OUMI_API_KEY=oumi-key-abcdef123456 \
		HTTP_X_API_KEY=oumi-key-abcdef123456 </dev/null &&
	expect_status 200 &&
	cgi REQUEST_METHOD=GET PATH_INFO=/auth/me OUMI_API_KEY=oumi-key-abcdef123456 \
		HTTP_X_API_KEY=oumi-key-abcdef12345X </dev/null &&
	expect_error 401 Unauthorized UNAUTHORIZED &&
	expect_json ".message == \"Invalid API key. Please provide a valid X-API-Key header.\""
'

test_expect_success 'the environment overrides the STRATUS_CONFIG file' '
	cgi REQUEST_METHOD=GET PATH_INFO=/health LOG_LEVEL=nonsense </dev/null &&
	grep -q "LOG_LEVEL must be" "$TEST_TMP/stderr"
'

test_expect_success 'STRATUS_PEERS are checked: one up, one down makes degraded' '
	printf "%s\nSTRATUS_PEERS=api01=http://127.0.0.1:%s,api02=http://127.0.0.1:1\nSTRATUS_PEER_TIMEOUT_MS=1500\n" \
		"$(cat "$STRATUS_CONFIG_FILE")" "$PEER_PORT" >"$TEST_TMP/peers.env" &&
	STRATUS_CONFIG_FILE=$TEST_TMP/peers.env cgi REQUEST_METHOD=GET PATH_INFO=/status </dev/null &&
	expect_status 200 &&
	expect_json ".overall_status == \"degraded\"" &&
	expect_json "[.components[] | select(.name == \"api01\" and .status == \"healthy\" and .details == \"HTTP 200\")] | length == 1" &&
	expect_json "[.components[] | select(.name == \"api02\" and .status == \"unhealthy\")] | length == 1"
'

test_done
