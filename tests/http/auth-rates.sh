#!/usr/bin/env bash
# tests/http/auth-rates.sh: the auth suite's part on rate limits (split from
# auth.sh; the parts share tests/http/lib/auth.sh): login attempts per
# identifier, Basic alike, a key's own limit, the window's end, one count
# shared by the responders, and the MariaDB store. Its responses and secrets
# join the leak check of auth.sh.
SUITE=http-auth-rates
. "$(dirname "$0")/../lib.sh"
. "$STACK_SRC/tools/stack.sh"
. "$STACK_SRC/tests/tools/jwt.sh"
. "$STACK_SRC/tests/tools/apikey.sh"
# The stack's configuration: stratusctl reads it, and the tests need its JWT
# secret (to mint HS256 tokens).
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/auth.sh
. "$(dirname "$0")/lib/auth.sh"

# ------------------------------------------------------------------ rate limits

PW_RL=$(newpw) PW_BL=$(newpw)
mkuser rl readonly "$PW_RL"
mkuser bl readonly "$PW_BL"
jreq POST /api-keys "$(jobj name throttled role readonly user_id "json:$RO_ID" rate_limit_per_minute json:3)" -H "$ADM"
RL_KEY=$(jq -r '.key // empty' "$BODY")
secret api-key "$RL_KEY" "$LAST_RESPONSE"

# Both limits are hit in one window, so that one wait covers both recoveries.
test_expect_success 'login attempts are limited per identifier: the 6th is 429 even with the right password' '
	wait_window 8 &&
	for i in 1 2 3 4 5; do
		jreq POST /token "$(jobj username "$(lname rl)" password "wrong-$i-$PW_RL")" &&
		expect_401 "Incorrect username or password" &&
		expect_header X-RateLimit-Limit "^5$" && expect_header X-RateLimit-Remaining "^$((5 - i))$" || exit 1
	done &&
	jreq POST /token "$(jobj username "$(lname rl)" password "$PW_RL")" &&
	expect_error 429 RateLimited RATE_LIMITED &&
	expect_header Retry-After "^[0-9]+$" &&
	test "$(header Retry-After)" -ge 1 && test "$(header Retry-After)" -le "$WINDOW" &&
	expect_header X-RateLimit-Limit "^5$" && expect_header X-RateLimit-Remaining "^0$" &&
	expect_header X-RateLimit-Reset "^[0-9]{10}$" &&
	test "$(header X-RateLimit-Reset)" -gt "$(date +%s)" &&
	! grep -qi "access_token" "$BODY" &&
	cp "$HDRS" "$TEST_TMP/rl-429" &&
	jreq POST /auth/login "$(jobj identifier "$(lname RL)" password "$PW_RL")" &&
	expect_error 429 RateLimited RATE_LIMITED
'

test_expect_success 'the limit is per identifier: another user logs in meanwhile' '
	http GET /auth/me -H "$(bearer "$(token_for "$(lname ro)" "$PW_RO")")" && expect_status 200
'

test_expect_success 'Basic is no way around it: after 5 failures the right password is 429 too' '
	wait_window 3 &&
	for i in 1 2 3 4 5; do
		http GET /auth/me -H "$(basic "$(lname bl)" "wrong-$i-$PW_BL")" && expect_401 || exit 1
	done &&
	http GET /auth/me -H "$(basic "$(lname bl)" "$PW_BL")" &&
	expect_error 429 RateLimited RATE_LIMITED && expect_header Retry-After "^[0-9]+$" &&
	cp "$HDRS" "$TEST_TMP/bl-429"
'

test_expect_success 'a key with rate_limit_per_minute 3 gets 429 on the 4th request of a window' '
	test -n "$RL_KEY" &&
	wait_window 3 &&
	for i in 1 2 3; do
		http GET /auth/me -H "$(key "$RL_KEY")" && expect_status 200 &&
		expect_header X-RateLimit-Limit "^3$" && expect_header X-RateLimit-Remaining "^$((3 - i))$" || exit 1
	done &&
	http GET /auth/me -H "$(key "$RL_KEY")" &&
	expect_error 429 RateLimited RATE_LIMITED &&
	expect_header Retry-After "^[0-9]+$" && expect_header X-RateLimit-Limit "^3$" &&
	expect_header X-RateLimit-Remaining "^0$" && expect_header X-RateLimit-Reset "^[0-9]{10}$" &&
	cp "$HDRS" "$TEST_TMP/key-429" &&
	http GET /users/profile -H "$(key "$RL_KEY")" && expect_status 429 &&
	http GET /auth/me -H "$RO" && expect_status 200 && json_num .id "$RO_ID"
'

test_expect_success 'after the window the right password works again' '
	cp "$TEST_TMP/rl-429" "$HDRS" && wait_reset &&
	jreq POST /token "$(jobj username "$(lname rl)" password "$PW_RL")" && expect_status 200 &&
	secret access-token "$(jq -r .access_token "$BODY")" "$LAST_RESPONSE" &&
	expect_header X-RateLimit-Remaining "^4$"
'

test_expect_success 'after the window Basic with the right password works again' '
	cp "$TEST_TMP/bl-429" "$HDRS" && wait_reset &&
	http GET /auth/me -H "$(basic "$(lname bl)" "$PW_BL")" && expect_status 200 && json_is .auth_method basic
'

test_expect_success 'after the window the throttled key works again' '
	cp "$TEST_TMP/key-429" "$HDRS" && wait_reset &&
	http GET /auth/me -H "$(key "$RL_KEY")" && expect_status 200 && expect_header X-RateLimit-Remaining "^2$"
'

# Every responder counts in one table in shared memory (STRATUS_RATE_STORE
# shm, the default): parallel requests spread over the responders are
# counted exactly, and nothing is written to MariaDB for it.
jreq POST /api-keys "$(jobj name shared-limit role readonly user_id "json:$RO_ID" rate_limit_per_minute json:20)" -H "$ADM"
SHARED_KEY=$(jq -r '.key // empty' "$BODY")
secret api-key "$SHARED_KEY" "$LAST_RESPONSE"

test_expect_success 'the responders share one count: 30 parallel requests of a 20-a-minute key, exactly 20 pass' '
	test -n "$SHARED_KEY" && wait_window 6 &&
	seq 30 | xargs -P 10 -I{} curl -s -o /dev/null -w "%{http_code}\n" \
		-H "X-API-Key: $SHARED_KEY" "$BASE_URL/auth/me" >"$TEST_TMP/shared" &&
	test "$(grep -c "^200$" "$TEST_TMP/shared")" = 20 &&
	test "$(grep -c "^429$" "$TEST_TMP/shared")" = 10
'

test_expect_success 'with the shared-memory store no request wrote rate_limits' '
	test -s "$STACK/host.shm" &&
	test "$(stack_sql -N stratus -e "SELECT COUNT(*) FROM rate_limits")" = 0
'

# cgi_me KEY STORE [FILE]: GET /auth/me as one plain-CGI process with
# STRATUS_RATE_STORE=STORE (and STRATUS_SHM_FILE=FILE); prints the status.
cgi_me() {
	env -i PATH="$PATH" ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		STRATUS_CONFIG="$STRATUS_CONFIG_FILE" STRATUS_RATE_STORE="$2" ${3:+STRATUS_SHM_FILE="$3"} \
		GATEWAY_INTERFACE=CGI/1.1 \
		REQUEST_METHOD=GET PATH_INFO=/auth/me HTTP_X_API_KEY="$1" REMOTE_ADDR=127.0.0.1 \
		"$STRATUS_BIN" 2>>"$TEST_TMP/cgi-stderr" | sed -n "s/^Status: \([0-9]*\).*/\1/p"
}

test_expect_success 'STRATUS_RATE_STORE=database counts in MariaDB, for hosts that must share limits' '
	jreq POST /api-keys "$(jobj name db-limit role readonly user_id "json:$RO_ID" rate_limit_per_minute json:2)" -H "$ADM" &&
	expect_status 201 && k=$(jq -r .key "$BODY") && secret api-key "$k" "$LAST_RESPONSE" &&
	wait_window 4 &&
	test "$(cgi_me "$k" database)" = 200 && test "$(cgi_me "$k" database)" = 200 &&
	test "$(cgi_me "$k" database)" = 429 &&
	test "$(stack_sql -N stratus -e "SELECT MAX(hits) FROM rate_limits")" = 3
'

test_expect_success 'a bad STRATUS_RATE_STORE or STRATUS_SHM_FILE stops the responder with a clear message' '
	out=$(env -i PATH="$PATH" STRATUS_CONFIG="$STRATUS_CONFIG_FILE" STRATUS_RATE_STORE=redis \
		GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/health "$STRATUS_BIN" 2>&1 || true) &&
	grep -q "STRATUS_RATE_STORE must be shm or database" <<<"$out" &&
	out=$(env -i PATH="$PATH" STRATUS_CONFIG="$STRATUS_CONFIG_FILE" STRATUS_SHM_FILE=relative/path \
		GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/health "$STRATUS_BIN" 2>&1 || true) &&
	grep -q "STRATUS_SHM_FILE must be an absolute path" <<<"$out"
'

test_expect_success 'counters that cannot be opened fall back to MariaDB, with a warning' '
	jreq POST /api-keys "$(jobj name fallback-limit role readonly user_id "json:$RO_ID" rate_limit_per_minute json:1)" -H "$ADM" &&
	expect_status 201 && k=$(jq -r .key "$BODY") && secret api-key "$k" "$LAST_RESPONSE" &&
	wait_window 4 && : >"$TEST_TMP/cgi-stderr" &&
	test "$(cgi_me "$k" shm /nonexistent/dir/counters)" = 200 &&
	test "$(cgi_me "$k" shm /nonexistent/dir/counters)" = 429 &&
	grep -q "rate limits are counted in MariaDB, identities and builds not cached: cannot open /nonexistent/dir/counters" "$TEST_TMP/cgi-stderr"
'

# The leak check of auth.sh reads the hashes of this part's users too.
collect_hashes

test_done
