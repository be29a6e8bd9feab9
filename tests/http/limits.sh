#!/usr/bin/env bash
# tests/http/limits.sh: the limits on credentials with the small numbers that
# prove them. The suite's own stack runs with loose limits (./dev test sets
# STRATUS_RATE_GENERAL and STRATUS_RATE_AUTH_ADDRESS to 100000, so that the
# other suites never trip over them); here the same responders run behind
# two lighttpds of their own:
#
#   LIM   small limits: 3 login failures per account and address, 6 per
#         address, 8 requests per user, 3 active keys per user;
#   FLOOD no login limits at all and one password check at a time on the
#         host, so that every wrong password reaches Argon2id.
#
# Each test that counts per address sends from an address of its own
# (curl --interface 127.0.0.N: all of 127/8 is this host), so that no test
# waits for a window to pass.
SUITE=http-limits
. "$(dirname "$0")/../lib.sh"
. "$STACK_SRC/tools/stack.sh"
# shellcheck disable=SC1091
. "$STACK/dev.env"
FIX_DOMAIN=limits.test FIX_PREFIX=lim- FIX_NAME=Limits
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"


# ------------------------------------------------------------------ the two stacks

LIM_PORT=$(stack_free_port $((HTTP_PORT + 70)))
FLOOD_PORT=$(stack_free_port $((LIM_PORT + 1)))
LIM_RUN=$STACK/run-limits-$$
FLOOD_RUN=$STACK/run-flood-$$
# settings FILE KEY=VALUE...: dev.env with these settings last (the last wins).
settings() {
	local f=$1
	shift
	{ cat "$STACK/dev.env"; printf 'export %s\n' "$@"; } >"$f"
	chmod 600 "$f"
}
settings "$STACK/limits.env" STRATUS_RATE_AUTH=3 STRATUS_RATE_AUTH_ADDRESS=6 \
	STRATUS_RATE_GENERAL=8 STRATUS_MAX_KEYS_PER_USER=3 "STRATUS_SHM_FILE=$LIM_RUN.shm"
settings "$STACK/flood.env" STRATUS_RATE_AUTH=0 STRATUS_RATE_AUTH_ADDRESS=0 \
	STRATUS_RATE_GENERAL=0 STRATUS_PWHASH_CONCURRENCY=1 STRATUS_AUTH_CACHE_MS=0 \
	"STRATUS_SHM_FILE=$FLOOD_RUN.shm"
HTTP_PORT=$LIM_PORT RUNDIR=$LIM_RUN DOCROOT=$LIM_RUN/www STRATUS_CONFIG_FILE=$STACK/limits.env \
	stack_lighttpd_start
HTTP_PORT=$FLOOD_PORT RUNDIR=$FLOOD_RUN DOCROOT=$FLOOD_RUN/www PROCS=4 \
	STRATUS_CONFIG_FILE=$STACK/flood.env stack_lighttpd_start
trap 'RUNDIR=$LIM_RUN stack_lighttpd_stop; RUNDIR=$FLOOD_RUN stack_lighttpd_stop; rm -rf "$TEST_TMP"' EXIT
LIM=http://127.0.0.1:$LIM_PORT
FLOOD=http://127.0.0.1:$FLOOD_PORT
BASE_URL=$LIM

# ------------------------------------------------------------------ helpers

# A fresh source address per test: 127.0.0.2, 127.0.0.3, ...
NEXT_ADDR=$TEST_TMP/next-addr
echo 1 >"$NEXT_ADDR"
new_addr() {
	local n
	n=$(($(cat "$NEXT_ADDR") + 1))
	echo "$n" >"$NEXT_ADDR"
	printf '127.0.%d.%d' $((n / 250)) $((n % 250 + 2))
}
# token LOGIN PASSWORD [ADDR]: an access token through POST /token.
token() {
	jreq POST /token "$(jobj username "$1" password "$2")" --interface "${3:-127.0.0.1}" &&
		[ "$STATUS" = 200 ] && jq -r .access_token "$BODY"
}

PW_A='Limits-Alpha-Passw0rd!' PW_B='Limits-Beta-Passw0rd!' PW_G='Limits-Gamma-Passw0rd!'
mkuser alpha readonly "$PW_A"
mkuser beta developer "$PW_B"
mkuser gamma developer "$PW_G"
A=$(lname alpha)

# ------------------------------------------------------------------ login identifiers

test_expect_success 'login: every spelling of an account counts against it (the 4th failure is 429, right password or not)' '
	a=$(new_addr) && wait_window 8 &&
	i=0 && for who in "$A" "${A^^}" "$(email alpha)"; do
		i=$((i + 1)) &&
		jreq POST /token "$(jobj username "$who" password "wrong-$i")" --interface "$a" &&
		expect_error 401 Unauthorized UNAUTHORIZED || exit 1
	done &&
	jreq POST /token "$(jobj username "$(lname ALPHA)" password "$PW_A")" --interface "$a" &&
	expect_error 429 RateLimited RATE_LIMITED && expect_header Retry-After "^[0-9]+$"
'

test_expect_success 'login: a padded spelling names no account, even with the right password; case does not matter' '
	a=$(new_addr) && wait_window 5 &&
	for who in "$A " " $A" "$A   "; do
		jreq POST /token "$(jobj username "$who" password "$PW_A")" --interface "$a" &&
		expect_error 401 Unauthorized UNAUTHORIZED || exit 1
	done &&
	a=$(new_addr) &&
	jreq POST /token "$(jobj username "${A^^}" password "$PW_A")" --interface "$a" &&
	expect_status 200 && jt ".access_token | length > 20"
'

test_expect_success 'Basic: failures count per account whatever the spelling; then even the right password is 429' '
	a=$(new_addr) && wait_window 8 &&
	i=0 && for who in "$A" "${A^^}" "$A  "; do
		i=$((i + 1)) &&
		http GET /auth/me -H "$(basic "$who" "wrong-$i")" --interface "$a" &&
		expect_error 401 Unauthorized UNAUTHORIZED || exit 1
	done &&
	http GET /auth/me -H "$(basic "$A" "$PW_A")" --interface "$a" &&
	expect_error 429 RateLimited RATE_LIMITED &&
	http GET /auth/me -H "$(basic "$A  " "$PW_A")" --interface "$(new_addr)" &&
	expect_error 401 Unauthorized UNAUTHORIZED
'

# ------------------------------------------------------------------ per address

test_expect_success 'Basic: 6 failures per address across identifiers (STRATUS_RATE_AUTH_ADDRESS), then 429 for anyone from it' '
	a=$(new_addr) && wait_window 8 &&
	for i in 1 2 3 4 5 6; do
		http GET /auth/me -H "$(basic "nobody-$i-$RUN" "wrong")" --interface "$a" &&
		expect_error 401 Unauthorized UNAUTHORIZED || exit 1
	done &&
	http GET /auth/me -H "$(basic "nobody-7-$RUN" "wrong")" --interface "$a" &&
	expect_error 429 RateLimited RATE_LIMITED &&
	http GET /auth/me -H "$(basic "$(lname beta)" "$PW_B")" --interface "$a" &&
	expect_error 429 RateLimited RATE_LIMITED &&
	http GET /auth/me -H "$(basic "$(lname beta)" "$PW_B")" --interface "$(new_addr)" &&
	expect_status 200 && jt ".auth_method == \"basic\""
'

test_expect_success 'login: 6 attempts per address across identifiers, the 7th is 429' '
	a=$(new_addr) && wait_window 8 &&
	for i in 1 2 3 4 5 6; do
		jreq POST /token "$(jobj username "nobody-$i-$RUN" password wrong)" --interface "$a" &&
		expect_error 401 Unauthorized UNAUTHORIZED || exit 1
	done &&
	jreq POST /token "$(jobj username "$(lname beta)" password "$PW_B")" --interface "$a" &&
	expect_error 429 RateLimited RATE_LIMITED &&
	jreq POST /auth/login "$(jobj identifier "nobody-8-$RUN" password wrong)" --interface "$a" &&
	expect_error 429 RateLimited RATE_LIMITED
'

# cgi_basic ADDR USER PASSWORD: GET /auth/me as one plain-CGI process from
# REMOTE_ADDR=ADDR with 2 failures allowed per address; prints the status.
CGI_SHM=$TEST_TMP/cgi.shm
cgi_basic() {
	env -i PATH="$PATH" ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		STRATUS_CONFIG="$STACK/limits.env" STRATUS_RATE_AUTH_ADDRESS=2 STRATUS_SHM_FILE="$CGI_SHM" \
		GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/auth/me REMOTE_ADDR="$1" \
		HTTP_AUTHORIZATION="Basic $(printf '%s:%s' "$2" "$3" | base64 -w0)" \
		"$STRATUS_BIN" 2>>"$TEST_TMP/cgi-stderr" | sed -n "s/^Status: \([0-9]*\).*/\1/p"
}

test_expect_success 'IPv6 clients are counted by their /64, IPv4-mapped ones as IPv4' '
	wait_window 8 &&
	test "$(cgi_basic 2001:db8:1:2::1 "nobody-a-$RUN" wrong)" = 401 &&
	test "$(cgi_basic 2001:db8:1:2:aaaa::2 "nobody-b-$RUN" wrong)" = 401 &&
	test "$(cgi_basic 2001:db8:1:2:ffff:ffff:ffff:fff0 "nobody-c-$RUN" wrong)" = 429 &&
	test "$(cgi_basic 2001:db8:1:3::1 "nobody-d-$RUN" wrong)" = 401 &&
	test "$(cgi_basic 192.0.2.7 "nobody-e-$RUN" wrong)" = 401 &&
	test "$(cgi_basic ::ffff:192.0.2.7 "nobody-f-$RUN" wrong)" = 401 &&
	test "$(cgi_basic 192.0.2.7 "nobody-g-$RUN" wrong)" = 429
'

# ------------------------------------------------------------------ password work

# cpu_ticks: CPU time (user + system, clock ticks) of FLOOD's responders so far.
cpu_ticks() {
	local pid t=0
	for pid in $(pgrep -P "$(cat "$FLOOD_RUN/lighttpd.pid")"); do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
	done
	echo "$t"
}
# basic_cpu USER PASSWORD: the responders' CPU ticks for 4 failed Basic requests.
basic_cpu() {
	local t0 i
	t0=$(cpu_ticks)
	for i in 1 2 3 4; do
		curl -s -o /dev/null --max-time 20 -H "$(basic "$1" "$2-$i")" "$FLOOD/auth/me"
	done
	echo $(($(cpu_ticks) - t0))
}

test_expect_success 'an unknown user costs as much password work as a wrong password (no enumeration by timing)' '
	known=$(basic_cpu "$(lname beta)" wrong) && unknown=$(basic_cpu "nobody-$RUN" wrong) &&
	echo "responder CPU ticks for 4 failures: known user $known, unknown user $unknown" |
		tee "$TEST_TMP/cpu-report" &&
	test "$known" -ge 8 && test $((unknown * 2)) -ge "$known"
'

# p50_ms KEY: the median of 40 sequential key-authenticated GET /auth/me at FLOOD.
p50_ms() {
	curl -s -o /dev/null -w "%{time_total}\n" -H "$(key "$1")" "$FLOOD/auth/me?[1-40]" |
		sort -n | awk '{ t[NR] = $1 } END { printf "%.2f", t[int((NR + 1) / 2)] * 1000 }'
}
FK=$("$STRATUSCTL" apikey create --name flood --user "$(email gamma)")

test_expect_success 'password checks over STRATUS_PWHASH_CONCURRENCY are 429 at once, with Retry-After: 1' '
	curl -s -o /dev/null --parallel --parallel-max 8 -w "%{http_code} %header{retry-after}\n" \
		-H "$(basic "nobody-$RUN" wrong)" "$FLOOD/auth/me?[1-16]" >"$TEST_TMP/burst" &&
	sort "$TEST_TMP/burst" | uniq -c | sed "s/^/# /" &&
	grep -q "^401 " "$TEST_TMP/burst" && grep -q "^429 1$" "$TEST_TMP/burst" &&
	! grep -Ev "^(401 |429 1$)" "$TEST_TMP/burst" &&
	curl -s --parallel --parallel-max 8 -H "$(basic "nobody-$RUN" wrong)" "$FLOOD/auth/me?[1-8]" |
		jq -s -e "any(.[]; .status_code == 429 and .error_code == \"RATE_LIMITED\" and
			(.message | contains(\"password checks\")))" >/dev/null
'

# The flood: 8 clients, each sending wrong Basic passwords for a real user
# one after the other, at most 15 a second each (curl --rate): enough to keep
# every responder busy with Argon2id without the bound (each attempt costs
# tens of milliseconds of a core), and about what a guessing script does.
# FLOOD has no login limits, so every attempt asks for a password check.
# Each client sends 45 (3 s at that rate, when the server keeps up); the
# measurement starts half a second in, and the clients are waited for.
flood_start() {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		curl -s -o /dev/null --rate 15/s -w "%{http_code}\n" --max-time 120 \
			-H "$(basic "$(lname beta)" "wrong-$i")" "$FLOOD/auth/me?[1-45]" >"$TEST_TMP/flood.$i" &
	done
}
flood_wait() {
	wait
	cat "$TEST_TMP"/flood.? >"$TEST_TMP/flood"
}

test_expect_success 'a flood of wrong Basic passwords leaves key-authenticated requests their speed (p50 within 2x)' '
	test -n "$FK" && ok=0 &&
	for try in 1 2 3; do
		quiet=$(p50_ms "$FK") && flood_start && sleep 0.5 &&
		loud=$(p50_ms "$FK") && flood_wait &&
		n429=$(grep -c "^429$" "$TEST_TMP/flood" || true) &&
		echo "try $try: p50 quiet $quiet ms, under the flood $loud ms; the flood got $n429 answers 429 of $(wc -l <"$TEST_TMP/flood")" |
			tee -a "$TEST_TMP/flood-report" &&
		if awk -v q="$quiet" -v l="$loud" "BEGIN { exit !(l <= 2 * q) }" && [ "$n429" -gt 0 ]; then
			ok=1 && break
		fi
	done &&
	test "$ok" = 1
'
# The figures, for the log whatever the outcome.
cat "$TEST_TMP/cpu-report" "$TEST_TMP/flood-report" 2>/dev/null | sed "s/^/# /"

# ------------------------------------------------------------------ per user

test_expect_success 'the general limit is the user'"'"'s: two keys and a token share 8 requests a window' '
	G_K1=$("$STRATUSCTL" apikey create --name g1 --user "$(email gamma)") &&
	G_K2=$("$STRATUSCTL" apikey create --name g2 --user "$(email gamma)") &&
	t=$(token "$(lname gamma)" "$PW_G" "$(new_addr)") && wait_window 6 &&
	for i in 1 2 3; do
		http GET /auth/me -H "$(key "$G_K1")" && expect_status 200 &&
		http GET /auth/me -H "$(key "$G_K2")" && expect_status 200 || exit 1
	done &&
	http GET /auth/me -H "Authorization: Bearer $t" && expect_status 200 &&
	expect_header X-RateLimit-Limit "^8$" && expect_header X-RateLimit-Remaining "^1$" &&
	http GET /auth/me -H "$(key "$G_K2")" && expect_status 200 &&
	http GET /auth/me -H "$(key "$G_K1")" && expect_error 429 RateLimited RATE_LIMITED &&
	http GET /auth/me -H "$(key "$G_K2")" && expect_error 429 RateLimited RATE_LIMITED &&
	http GET /auth/me -H "Authorization: Bearer $t" && expect_error 429 RateLimited RATE_LIMITED
'

test_expect_success 'a user may give a key a lower limit, which counts on top of the user'"'"'s' '
	t=$(token "$(lname beta)" "$PW_B" "$(new_addr)") && wait_window 8 &&
	jreq POST /api-keys "$(jobj name slow rate_limit_per_minute json:2)" -H "Authorization: Bearer $t" &&
	expect_status 201 && json_num .rate_limit_per_minute 2 && slow=$(jq -r .key "$BODY") &&
	http GET /auth/me -H "$(key "$slow")" && expect_status 200 &&
	http GET /auth/me -H "$(key "$slow")" && expect_status 200 &&
	http GET /auth/me -H "$(key "$slow")" && expect_error 429 RateLimited RATE_LIMITED &&
	http GET /auth/me -H "Authorization: Bearer $t" && expect_status 200
'

test_expect_success 'only admins set rate_limit_per_minute 0 (unlimited) or above the general limit; the default itself is allowed' '
	t=$(token "$(lname beta)" "$PW_B" "$(new_addr)") &&
	jreq POST /api-keys "$(jobj name unl rate_limit_per_minute json:0)" -H "Authorization: Bearer $t" &&
	expect_error 403 Forbidden FORBIDDEN && msg_has "only admins" &&
	jreq POST /api-keys "$(jobj name over rate_limit_per_minute json:9)" -H "Authorization: Bearer $t" &&
	expect_error 403 Forbidden FORBIDDEN &&
	jreq POST /api-keys "$(jobj name at rate_limit_per_minute json:8)" -H "Authorization: Bearer $t" &&
	expect_status 201 && json_num .rate_limit_per_minute 8 &&
	"$STRATUSCTL" apikey revoke "$(jq -r .id "$BODY")" >/dev/null
'

test_expect_success 'a key an admin made unlimited is not held to its user'"'"'s limit' '
	mkuser admin1 admin "Limits-Admin1-Passw0rd!" &&
	t=$(token "$(lname admin1)" "Limits-Admin1-Passw0rd!" "$(new_addr)") &&
	jreq POST /api-keys "$(jobj name fast user_id "json:$(uid beta)" rate_limit_per_minute json:0)" \
		-H "Authorization: Bearer $t" && expect_status 201 && json_num .rate_limit_per_minute 0 &&
	fast=$(jq -r .key "$BODY") && fid=$(jq -r .id "$BODY") && wait_window 6 &&
	for i in $(seq 10); do
		http GET /auth/me -H "$(key "$fast")" && expect_status 200 || exit 1
	done &&
	"$STRATUSCTL" apikey revoke "$fid" >/dev/null
'

# ------------------------------------------------------------------ keys per user

test_expect_success 'at most STRATUS_MAX_KEYS_PER_USER (3) active keys per user: the 4th is 409; a revocation makes room' '
	mkuser delta readonly "Limits-Delta-Passw0rd!" &&
	t=$(token "$(lname delta)" "Limits-Delta-Passw0rd!" "$(new_addr)") &&
	for i in 1 2 3; do
		jreq POST /api-keys "$(jobj name "d$i")" -H "Authorization: Bearer $t" && expect_status 201 || exit 1
	done &&
	id3=$(jq -r .id "$BODY") &&
	jreq POST /api-keys "$(jobj name d4)" -H "Authorization: Bearer $t" &&
	expect_error 409 Conflict CONFLICT && msg_has "STRATUS_MAX_KEYS_PER_USER" &&
	http DELETE "/api-keys/$id3" -H "Authorization: Bearer $t" && expect_status 204 &&
	jreq POST /api-keys "$(jobj name d5)" -H "Authorization: Bearer $t" && expect_status 201
'

test_expect_success 'concurrent creations cannot pass the limit together: 8 at once, exactly 3 keys' '
	mkuser eps readonly "Limits-Eps-Passw0rd!" &&
	t=$(token "$(lname eps)" "Limits-Eps-Passw0rd!" "$(new_addr)") &&
	seq 8 | xargs -P 8 -I{} curl -s -o /dev/null -w "%{http_code}\n" -H "Authorization: Bearer $t" \
		-H "Content-Type: application/json" --data "{\"name\":\"e{}\"}" "$LIM/api-keys" >"$TEST_TMP/par" &&
	test "$(grep -c "^201$" "$TEST_TMP/par")" = 3 && test "$(grep -c "^409$" "$TEST_TMP/par")" = 5 &&
	test "$(stack_sql -N stratus -e "SELECT COUNT(*) FROM api_keys WHERE user_id = $(uid eps) AND revoked_at IS NULL")" = 3
'

test_done
