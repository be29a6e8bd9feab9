# shellcheck shell=bash
# tests/http/lib/auth.sh: what the parts of the auth suite (auth.sh,
# auth-accounts.sh, auth-input.sh, auth-oidc.sh, auth-rates.sh,
# auth-sessions.sh) share: the run's names, the captured responses and the
# secrets of the leak check, the helpers, the three users with their keys,
# and the leak check itself. Sourced after tests/lib.sh, tools/stack.sh,
# tests/tools/jwt.sh, tests/tools/apikey.sh and $STACK/dev.env.
# shellcheck disable=SC2016,SC2034,SC2153
FIX_DOMAIN=auth.test
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

WINDOW=${STRATUS_RATE_WINDOW:-60}
# How long a responder may serve a cached identity after a change made by SQL.
CACHE_S=$(awk -v ms="${STRATUS_AUTH_CACHE_MS:-1000}" 'BEGIN { printf "%.1f", ms / 1000 + 0.2 }')
JWT_ISS=${STRATUS_JWT_ISSUER:-stratus}
OIDC_PORT=${OIDC_PORT:-${STRATUS_OIDC_ISSUER##*:}}
ISSUER=${STRATUS_OIDC_ISSUER:-http://127.0.0.1:$OIDC_PORT}
AUD=${STRATUS_OIDC_AUDIENCE:-stratus-tests}

# Every response (headers and body) is kept, and every secret listed, for the
# leak check. The parts put theirs in one place under $WORK, and auth.sh,
# which ./dev runs after the other parts (in C order auth-*.sh comes before
# auth.sh), checks them all at its end; auth-oidc.sh sets LEAK to a place of
# its own and checks its own. A part run alone (ONLY=http-auth-rates) is not
# checked.
LEAK=${LEAK:-${WORK:+$WORK/auth-leak}}
LEAK=${LEAK:-$TEST_TMP/leak}
BODIES=$LEAK/responses
SECRETS=$LEAK/secrets
mkdir -p "$BODIES"
touch "$SECRETS"
eval "lib_$(declare -f http)"
http() {
	lib_http "$@"
	LAST_RESPONSE=$(mktemp "$BODIES/r.XXXXXX")
	cat "$HDRS" "$BODY" >"$LAST_RESPONSE"
}

# secret KIND VALUE [RESPONSE]: VALUE must never be in a log line, nor in any
# response but RESPONSE (the one that handed it out, if any).
secret() {
	[ -n "$2" ] && printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >>"$SECRETS"
	return 0
}
secret server-secret "$JWT_SECRET_KEY"
secret server-secret "$STRATUS_KEY_PEPPER"

OIDC_PID=
trap '[ -n "$OIDC_PID" ] && kill "$OIDC_PID" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT

# ------------------------------------------------------------------ helpers



newpw() { printf 'Pw%s-9!' "$(head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 14)"; }

# mkuser TAG ROLE PASSWORD: a user through stratusctl, as an operator would.
mkuser() {
	secret password "$3"
	user_create "$@"
}

# mkkey NAME TAG [stratusctl options]: prints a new key of TAG's user.
mkkey() {
	local k n=$1 u=$2
	shift 2
	k=$(newkey "$n" "$u" "$@") || return 1
	secret api-key "$k"
	printf '%s' "$k"
}

# token_for LOGIN PASSWORD: an access token from POST /token.
token_for() {
	jreq POST /token "$(jobj username "$1" password "$2")"
	[ "$STATUS" = 200 ] || return 1
	secret access-token "$(jq -r .access_token "$BODY")" "$LAST_RESPONSE"
	jq -r .access_token "$BODY"
}

# expect_401 [MESSAGE-FRAGMENT]: 401 in the error schema with WWW-Authenticate.
expect_401() {
	expect_error 401 Unauthorized UNAUTHORIZED && expect_header WWW-Authenticate &&
		if [ -n "${1:-}" ]; then msg_has "$1"; fi
}
BAD_KEY_MSG="Invalid API key. Please provide a valid X-API-Key header."
msg_is() { json_is .message "$1"; }
expect_403() {
	expect_error 403 Forbidden FORBIDDEN && if [ -n "${1:-}" ]; then msg_is "$1"; fi
}

# field_lacks FIELD FRAGMENT: the error of FIELD does not say FRAGMENT
# (field_msg, of fixtures.sh, is the other way round).
field_lacks() {
	! jq -e --arg f "$1" --arg m "$2" 'any(.details.errors[]; .field == $f and (.message | contains($m)))' \
		"$BODY" >/dev/null || { echo "the error for $1 wrongly says \"$2\""; return 1; }
}

# HS256 tokens as Stratus issues them, minted here with the stack's secret.
hs_claims() { # SUB [JQ-FILTER]
	jq -cn --arg sub "$1" --arg iss "$JWT_ISS" --argjson now "$(date +%s)" \
		'{iss: $iss, sub: $sub, role: "admin", iat: $now, exp: ($now + 600), jti: "t-\($now)"}' |
		jq -c "${2:-.}"
}
HS_HEADER='{"alg":"HS256","typ":"JWT"}'
hs_token() { # SUB [JQ-FILTER [SECRET]]
	local t
	t=$(jwt_hs256 "$HS_HEADER" "$(hs_claims "$1" "${2:-.}")" "${3:-$JWT_SECRET_KEY}")
	secret minted-token "$t"
	printf '%s' "$t"
}

# RS256 tokens of the stand-in OIDC issuer.
oidc_claims() { # SUB [JQ-FILTER]
	jq -cn --arg sub "$1" --arg iss "$ISSUER" --arg aud "$AUD" --argjson now "$(date +%s)" \
		'{iss: $iss, aud: $aud, sub: $sub, token_use: "id", iat: $now, exp: ($now + 600),
		  email: "\($sub)@oidc.test", name: "OIDC \($sub)"}' | jq -c "${2:-.}"
}
oidc_token() { # KEY.pem KID SUB [JQ-FILTER]
	local t
	t=$(jwt_rs256 "$(jobj alg RS256 typ JWT kid "$2")" "$(oidc_claims "$3" "${4:-.}")" "$1")
	secret minted-token "$t"
	printf '%s' "$t"
}

# wait_reset: sleeps until X-RateLimit-Reset of the last response has passed,
# failing if that is more than 12 seconds away.
wait_reset() {
	local reset now
	reset=$(header X-RateLimit-Reset)
	now=$(date +%s)
	[ -n "$reset" ] && [ "$((reset - now))" -le 12 ] ||
		{ echo "X-RateLimit-Reset '$reset' is not within 12 s of $now"; return 1; }
	while [ "$(date +%s)" -lt "$reset" ]; do sleep 0.2; done
}

# ------------------------------------------------------------------ bootstrap

# Side by side: every part makes its own, and hashing a password is slow.
PW_ADM=$(newpw) PW_DEV=$(newpw) PW_RO=$(newpw)
mkuser adm admin "$PW_ADM" & mkuser ro readonly "$PW_RO" &
mkuser dev readonly "$PW_DEV" &&
	"$STRATUSCTL" user set-role --email "$(email dev)" --role developer >/dev/null &
wait
ADM_ID=$(uid adm) DEV_ID=$(uid dev) RO_ID=$(uid ro)
mkkey boot adm >"$TEST_TMP/key.adm" & mkkey ci dev >"$TEST_TMP/key.dev" & mkkey viewer ro >"$TEST_TMP/key.ro" &
wait
ADM_KEY=$(cat "$TEST_TMP/key.adm") DEV_KEY=$(cat "$TEST_TMP/key.dev") RO_KEY=$(cat "$TEST_TMP/key.ro")
ADM=$(key "$ADM_KEY") DEV=$(key "$DEV_KEY") RO=$(key "$RO_KEY")

# collect_hashes: the hashes of this run's users, keys and refresh tokens,
# straight from the database, become secrets of the leak check.
collect_hashes() {
	run_users="SELECT id FROM users WHERE email LIKE '%-$RUN@auth.test'"
	stack_sql -N stratus -e "
		SELECT password_hash FROM users WHERE id IN ($run_users) AND password_hash IS NOT NULL;
		SELECT key_hash FROM api_keys WHERE user_id IN ($run_users);
		SELECT token_hash FROM refresh_tokens WHERE user_id IN ($run_users);" >"$TEST_TMP/hashes"
	while read -r h; do
		secret hash "$h"
		# The Argon2id digest alone, without its parameters.
		case $h in \$argon2*) secret hash "${h##*\$}" ;; esac
	done <"$TEST_TMP/hashes"
}

# leak_tests: no secret of this part in a response (but where it was issued),
# in a file under $RUNDIR, or in the clear in the database.
leak_tests() {
	test_expect_success 'no response contains a password, hash or secret, except where it was issued' '
		leaks=0
		while IFS="	" read -r kind value allowed; do
			for f in $(grep -rlF -- "$value" "$BODIES"); do
				if [ "$f" != "$allowed" ]; then
					echo "a $kind is in the response $(head -1 "$f")"
					leaks=$((leaks + 1))
				fi
			done
		done <"$SECRETS"
		test "$leaks" -eq 0
	'

	test_expect_success 'no file under $RUNDIR (logs included) contains any of them' '
		leaks=0
		while IFS="	" read -r kind value allowed; do
			if files=$(grep -rlsF -D skip -- "$value" "$RUNDIR"); then
				echo "a $kind is in $files"
				leaks=$((leaks + 1))
			fi
		done <"$SECRETS"
		test "$leaks" -eq 0 && test -s "$RUNDIR/stratus.out"
	'

	test_expect_success 'the database holds no password, key or refresh token in the clear' '
		mariadb-dump --no-defaults --socket="$STACK/mysql/mysql.sock" -uroot --skip-extended-insert stratus \
			>"$TEST_TMP/dump.sql" 2>/dev/null && test -s "$TEST_TMP/dump.sql" &&
		leaks=0
		while IFS="	" read -r kind value allowed; do
			case $kind in password | weak-password | api-key | refresh-token) ;; *) continue ;; esac
			if grep -qF -- "$value" "$TEST_TMP/dump.sql"; then
				echo "a $kind is stored in the clear"
				leaks=$((leaks + 1))
			fi
		done <"$SECRETS"
		test "$leaks" -eq 0
	'
}
