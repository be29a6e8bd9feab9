#!/usr/bin/env bash
# tests/http/auth.sh: identity and access over HTTP against the real stack:
# every kind of credential accepted and each way it is refused (API keys,
# the identity cache, HS256 tokens), and, last, that no secret used by this
# part or the parts run before it ever shows in a response or a log line.
#
# Its parts share tests/http/lib/auth.sh (the helpers, the users and their
# keys, the leak check): auth-accounts.sh (roles, blocked users, users, API
# keys, the audit log), auth-input.sh (registration, the password policy,
# every bad field), auth-rates.sh (rate limits), auth-sessions.sh (profile,
# sessions, the last admin, refresh tokens), whose responses and secrets
# this part's leak check reads, and auth-oidc.sh (OIDC tokens, with a leak
# check of its own).
SUITE=http-auth
. "$(dirname "$0")/../lib.sh"
. "$STACK_SRC/tools/stack.sh"
. "$STACK_SRC/tests/tools/jwt.sh"
. "$STACK_SRC/tests/tools/apikey.sh"
# The stack's configuration: stratusctl reads it, and the tests need its JWT
# secret (to mint HS256 tokens) and its OIDC issuer and audience.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/auth.sh
. "$(dirname "$0")/lib/auth.sh"

test_expect_success 'stratusctl bootstraps an admin, a developer and a readonly user with keys' '
	test -n "$ADM_ID" && test -n "$DEV_ID" && test -n "$RO_ID" &&
	apikey_valid "$ADM_KEY" && apikey_valid "$DEV_KEY" && apikey_valid "$RO_KEY" &&
	test "$(stack_sql -N stratus -e "SELECT role FROM users WHERE id = $DEV_ID")" = developer
'

test_expect_success 'stratusctl apikey list shows prefixes, never the key' '
	"$STRATUSCTL" apikey list --user "$(email adm)" >"$TEST_TMP/list" &&
	grep -qF "${ADM_KEY:0:10}" "$TEST_TMP/list" &&
	! grep -qF "$ADM_KEY" "$TEST_TMP/list" &&
	! grep -qF "${DEV_KEY:0:10}" "$TEST_TMP/list"
'

# ------------------------------------------------------------------ accepted credentials

test_expect_success 'a database API key is accepted: /auth/me names the owner, the key and the method' '
	http GET /auth/me -H "$ADM" &&
	expect_status 200 &&
	json_num .id "$ADM_ID" && json_is .email "$(email adm)" && json_is .username "$(lname adm)" &&
	json_is .role admin && json_is .status active && json_is .type human &&
	json_is .auth_method api_key && expect_json ".key_id | type == \"number\"" &&
	expect_json "has(\"password_hash\") | not" &&
	expect_header X-RateLimit-Limit "^[0-9]+$" && expect_header X-RateLimit-Remaining "^[0-9]+$" &&
	expect_header X-RateLimit-Reset "^[0-9]{10}$"
'

test_expect_success 'each key carries its role: developer and readonly' '
	http GET /auth/me -H "$DEV" && expect_status 200 && json_is .role developer && json_num .id "$DEV_ID" &&
	http GET /auth/me -H "$RO" && expect_status 200 && json_is .role readonly && json_num .id "$RO_ID"
'

test_expect_success 'POST /token (JSON) issues a bearer token of 1800 s that /auth/me accepts' '
	jreq POST /token "$(jobj username "$(lname adm)" password "$PW_ADM")" &&
	expect_status 200 &&
	json_is .token_type bearer && json_num .expires_in 1800 &&
	t=$(jq -r .access_token "$BODY") && secret access-token "$t" "$LAST_RESPONSE" &&
	jwt_payload "$t" | jq -e --arg iss "$JWT_ISS" --arg sub "$ADM_ID" \
		".iss == \$iss and .sub == \$sub and .exp - .iat == 1800 and (.jti | length > 0)" >/dev/null &&
	http GET /auth/me -H "$(bearer "$t")" &&
	expect_status 200 && json_is .auth_method jwt && json_num .id "$ADM_ID" && json_is .role admin
'

test_expect_success 'POST /token takes form-encoded credentials, as OAuth2 clients send them' '
	http POST /token -H "Content-Type: application/x-www-form-urlencoded" \
		--data-urlencode "username=$(lname adm)" --data-urlencode "password=$PW_ADM" \
		--data-urlencode "grant_type=password" &&
	expect_status 200 && json_is .token_type bearer &&
	t=$(jq -r .access_token "$BODY") && secret access-token "$t" "$LAST_RESPONSE" &&
	http GET /auth/me -H "$(bearer "$t")" && expect_status 200 && json_num .id "$ADM_ID"
'

test_expect_success 'Basic with the username and with the email is accepted' '
	http GET /auth/me -H "$(basic "$(lname adm)" "$PW_ADM")" &&
	expect_status 200 && json_is .auth_method basic && json_num .id "$ADM_ID" &&
	http GET /auth/me -H "$(basic "$(email adm)" "$PW_ADM")" &&
	expect_status 200 && json_is .auth_method basic && json_num .id "$ADM_ID"
'

test_expect_success 'POST /auth/login by identifier returns access and refresh tokens and the user' '
	jreq POST /auth/login "$(jobj identifier "$(lname dev)" password "$PW_DEV")" &&
	expect_status 200 &&
	secret access-token "$(jq -r .access_token "$BODY")" "$LAST_RESPONSE" &&
	secret refresh-token "$(jq -r .refresh_token "$BODY")" "$LAST_RESPONSE" &&
	json_is .token_type bearer && json_num .expires_in 1800 &&
	expect_json "(.access_token | length > 20) and (.refresh_token | length > 20) and .refresh_expires_in > 0" &&
	json_num .user.id "$DEV_ID" && json_is .user.role developer &&
	expect_json ".user | has(\"password_hash\") | not" &&
	http GET /auth/me -H "$(bearer "$(jq -r .access_token "$BODY")")" &&
	expect_status 200 && json_is .auth_method jwt && json_is .role developer
'

test_expect_success 'POST /auth/login by email (any case) is accepted too' '
	jreq POST /auth/login "$(jobj email "$(email dev | tr a-z A-Z)" password "$PW_DEV")" &&
	expect_status 200 &&
	secret access-token "$(jq -r .access_token "$BODY")" "$LAST_RESPONSE" &&
	secret refresh-token "$(jq -r .refresh_token "$BODY")" "$LAST_RESPONSE" &&
	json_num .user.id "$DEV_ID"
'

test_expect_success 'X-API-Key comes first: a valid key wins over a bad bearer, a bad key over a good one' '
	t=$(hs_token "$ADM_ID") &&
	http GET /auth/me -H "$RO" -H "Authorization: Bearer garbage" &&
	expect_status 200 && json_is .auth_method api_key && json_num .id "$RO_ID" &&
	http GET /auth/me -H "X-API-Key: nonsense" -H "$(bearer "$t")" &&
	expect_401 && msg_is "$BAD_KEY_MSG"
'

# ------------------------------------------------------------------ refused: keys

test_expect_success 'no credentials on a protected route: 401 with the seed message and WWW-Authenticate' '
	for r in "GET /auth/me" "GET /users" "GET /api-keys" "GET /audit" "GET /users/profile"; do
		http ${r% *} "${r#* }" && expect_401 && msg_is "$BAD_KEY_MSG" || exit 1
	done &&
	jreq POST /api-keys "{\"name\":\"x\"}" && expect_401 && msg_is "$BAD_KEY_MSG"
'

test_expect_success 'malformed keys are refused with the seed message' '
	for k in garbage stk_ "stk_short" "${ADM_KEY}x" "${ADM_KEY:0:49}" "STK_${ADM_KEY:4}" \
		"${ADM_KEY:0:20}!${ADM_KEY:21}" "$(head -c 300 /dev/zero | tr "\\0" a)"; do
		http GET /auth/me -H "X-API-Key: $k" && expect_401 && msg_is "$BAD_KEY_MSG" || exit 1
	done &&
	http GET /auth/me -H "X-API-Key;" && expect_401 && msg_is "$BAD_KEY_MSG"
'

test_expect_success 'a key with one character changed (checksum wrong) is refused' '
	c=${ADM_KEY:20:1} && if [ "$c" = A ]; then d=B; else d=A; fi &&
	http GET /auth/me -H "X-API-Key: ${ADM_KEY:0:20}$d${ADM_KEY:21}" &&
	expect_401 && msg_is "$BAD_KEY_MSG"
'

test_expect_success 'a well-formed key (right checksum) that was never issued is refused' '
	k=$(apikey_forge) && apikey_valid "$k" &&
	http GET /auth/me -H "X-API-Key: $k" && expect_401 && msg_is "$BAD_KEY_MSG"
'

test_expect_success 'issued keys follow the format: stk_, 40 base62, a CRC-32 checksum' '
	for k in "$ADM_KEY" "$DEV_KEY" "$RO_KEY"; do apikey_valid "$k" || exit 1; done
'

test_expect_success 'a key revoked through the API is refused: "this API key has been revoked"' '
	jreq POST /api-keys "$(jobj name "to-revoke")" -H "$RO" &&
	expect_status 201 && k=$(jq -r .key "$BODY") && id=$(jq -r .id "$BODY") &&
	secret api-key "$k" "$LAST_RESPONSE" &&
	http GET /auth/me -H "$(key "$k")" && expect_status 200 &&
	http DELETE "/api-keys/$id" -H "$RO" && expect_status 204 &&
	http GET /auth/me -H "$(key "$k")" && expect_401 && msg_is "this API key has been revoked"
'

test_expect_success 'a key revoked with stratusctl is refused' '
	k=$(mkkey cli-revoke ro) &&
	http GET /auth/me -H "$(key "$k")" && expect_status 200 && id=$(jq -r .key_id "$BODY") &&
	"$STRATUSCTL" apikey revoke "$id" >/dev/null &&
	http GET /auth/me -H "$(key "$k")" && expect_401 && msg_is "this API key has been revoked"
'

test_expect_success 'an expired key is refused: "this API key has expired"' '
	k=$(mkkey old ro --expires-days 1) &&
	http GET /auth/me -H "$(key "$k")" && expect_status 200 &&
	stack_sql stratus -e "UPDATE api_keys SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 DAY WHERE display_prefix = '"'"'${k:0:10}'"'"'" &&
	sleep "$CACHE_S" &&
	http GET /auth/me -H "$(key "$k")" && expect_401 && msg_is "this API key has expired"
'

# The identity cache (fcgi/auth.c): a responder remembers an accepted key or
# token user for STRATUS_AUTH_CACHE_MS; a change made through Stratus voids
# every responder's cache at once. "all_status N STATUS HEADER [PATH]": N
# parallel GETs of PATH (/auth/me), spread over the responders and warming
# each one's cache, all answer STATUS.
all_status() {
	seq "$1" | xargs -P 6 -I{} curl -s -o /dev/null -w "%{http_code}\n" -H "$3" \
		"$BASE_URL${4:-/auth/me}" >"$TEST_TMP/all" &&
	sort -u "$TEST_TMP/all" >"$TEST_TMP/all.u" &&
	test "$(cat "$TEST_TMP/all.u")" = "$2" ||
		{ echo "wanted all $2, got: $(sort "$TEST_TMP/all" | uniq -c | tr '\n' ' ')"; false; }
}

test_expect_success 'the identity cache: a key every responder cached, revoked with stratusctl, is refused by all at once' '
	k=$(mkkey cached-revoke ro) && all_status 24 200 "$(key "$k")" &&
	http GET /auth/me -H "$(key "$k")" && id=$(jq -r .key_id "$BODY") &&
	"$STRATUSCTL" apikey revoke "$id" >/dev/null &&
	all_status 24 401 "$(key "$k")"
'

test_expect_success 'the identity cache: a demotion or deactivation through the API applies to the next request everywhere' '
	PW_DEMO=$(newpw) && mkuser demo readonly "$PW_DEMO" && demo_id=$(uid demo) &&
	jreq PATCH "/users/$demo_id" "{\"role\":\"admin\"}" -H "$ADM" && expect_status 200 &&
	k=$(mkkey demo-key demo) && t=$(token_for "$(lname demo)" "$PW_DEMO") &&
	all_status 24 200 "$(key "$k")" /audit && all_status 24 200 "$(bearer "$t")" /audit &&
	jreq PATCH "/users/$demo_id" "{\"role\":\"readonly\"}" -H "$ADM" && expect_status 200 &&
	all_status 24 403 "$(key "$k")" /audit && all_status 24 401 "$(bearer "$t")" /audit &&
	all_status 24 200 "$(key "$k")" && all_status 24 401 "$(bearer "$t")" &&
	t=$(token_for "$(lname demo)" "$PW_DEMO") && all_status 24 200 "$(bearer "$t")" &&
	all_status 24 403 "$(bearer "$t")" /audit &&
	jreq PATCH "/users/$demo_id" "{\"status\":\"inactive\"}" -H "$ADM" && expect_status 200 &&
	all_status 24 401 "$(key "$k")" && all_status 24 401 "$(bearer "$t")"
'

test_expect_success 'the identity cache saves the lookup: 200 reads of a build state cost about one statement each' '
	jreq POST /builds "$(jobj platform aws-commercial os_version rhel-8.8 image_type base build_id "cache-$RUN")" -H "$DEV" &&
	expect_status 201 && u=$(jq -r .uuid "$BODY") &&
	seq 12 | xargs -P 6 -I{} curl -s -o /dev/null -H "$DEV" "$BASE_URL/builds/$u/state" &&
	before=$(stack_sql -N -e "SHOW GLOBAL STATUS LIKE '"'"'Com_stmt_execute'"'"'" | cut -f2) &&
	seq 200 | xargs -P 6 -I{} curl -s -o /dev/null -H "$DEV" "$BASE_URL/builds/$u/state" &&
	after=$(stack_sql -N -e "SHOW GLOBAL STATUS LIKE '"'"'Com_stmt_execute'"'"'" | cut -f2) &&
	echo "statements for 200 requests: $((after - before))" &&
	test "$((after - before))" -lt 300
'

test_expect_success 'other Authorization schemes and garbage bearers are 401' '
	http GET /auth/me -H "Authorization: Digest username=x" && expect_401 &&
	http GET /auth/me -H "Authorization: Bearer not.a.jwt" && expect_401 &&
	http GET /auth/me -H "Authorization: Bearer " && expect_401 &&
	http GET /auth/me -H "Authorization: Basic !!!notbase64" && expect_401 &&
	http GET /auth/me -H "$(basic "$(lname adm)" "wrong-$PW_ADM")" && expect_401 &&
	http GET /auth/me -H "$(basic "nobody-$RUN" "$PW_ADM")" && expect_401
'

# ------------------------------------------------------------------ refused: HS256 tokens

test_expect_success 'a token minted with the server secret is accepted (control for what follows)' '
	http GET /auth/me -H "$(bearer "$(hs_token "$ADM_ID")")" &&
	expect_status 200 && json_is .auth_method jwt && json_num .id "$ADM_ID"
'

test_expect_success 'an expired token is refused' '
	http GET /auth/me -H "$(bearer "$(hs_token "$ADM_ID" ".iat -= 7200 | .exp = .iat + 1800")")" &&
	expect_401 expired
'

test_expect_success 'a token without exp is refused' '
	http GET /auth/me -H "$(bearer "$(hs_token "$ADM_ID" "del(.exp)")")" && expect_401
'

test_expect_success 'a token signed with another secret is refused: bad signature' '
	http GET /auth/me -H "$(bearer "$(hs_token "$ADM_ID" . "another-secret-of-at-least-32-characters!")")" &&
	expect_401 signature
'

test_expect_success 'a token whose payload was changed after signing is refused' '
	t=$(token_for "$(lname ro)" "$PW_RO") &&
	forged=$(hs_claims "$ADM_ID" | b64url) &&
	http GET /auth/me -H "$(bearer "${t%%.*}.$forged.${t##*.}")" && expect_401 signature
'

test_expect_success 'alg "none" is refused, whatever its spelling, with or without a signature' '
	for alg in none None NONE; do
		h=$(jobj alg "$alg" typ JWT) &&
		t=$(jwt_unsigned "$h" "$(hs_claims "$ADM_ID")") &&
		http GET /auth/me -H "$(bearer "$t")" && expect_401 algorithm || exit 1
	done &&
	t=$(jwt_hs256 "{\"alg\":\"none\",\"typ\":\"JWT\"}" "$(hs_claims "$ADM_ID")" "$JWT_SECRET_KEY") &&
	http GET /auth/me -H "$(bearer "$t")" && expect_401 algorithm &&
	t=$(jwt_unsigned "$HS_HEADER" "$(hs_claims "$ADM_ID")") &&
	http GET /auth/me -H "$(bearer "$t")" && expect_401
'

test_expect_success 'other algorithms (HS512, hs256) are refused even with the right secret' '
	i=$(jwt_signing_input "{\"alg\":\"HS512\",\"typ\":\"JWT\"}" "$(hs_claims "$ADM_ID")") &&
	s=$(printf "%s" "$i" | openssl dgst -sha512 -mac HMAC -macopt "hexkey:$(printf "%s" "$JWT_SECRET_KEY" | hexof)" -binary | b64url) &&
	http GET /auth/me -H "$(bearer "$i.$s")" && expect_401 algorithm &&
	t=$(jwt_hs256 "{\"alg\":\"hs256\",\"typ\":\"JWT\"}" "$(hs_claims "$ADM_ID")" "$JWT_SECRET_KEY") &&
	http GET /auth/me -H "$(bearer "$t")" && expect_401 algorithm
'

test_expect_success 'a Stratus token with the wrong issuer is refused' '
	http GET /auth/me -H "$(bearer "$(hs_token "$ADM_ID" ".iss = \"not-stratus\"")")" && expect_401 issuer
'

test_expect_success 'a token for a user that does not exist is refused' '
	http GET /auth/me -H "$(bearer "$(hs_token 999999999)")" && expect_401
'

# ------------------------------------------------------------------ no secret leaks

collect_hashes

test_expect_success 'the leak check has material: hashes, secrets and captured responses' '
	test "$(grep -c "^hash" "$SECRETS")" -ge 20 &&
	test "$(grep -c "^password" "$SECRETS")" -ge 8 &&
	test "$(grep -c "^refresh-token" "$SECRETS")" -ge 5 &&
	test "$(ls "$BODIES" | wc -l)" -ge 150 &&
	issued=$(grep "^api-key.*/r\." "$SECRETS" | head -1) &&
	grep -qF -- "$(printf "%s" "$issued" | cut -f2)" "$(printf "%s" "$issued" | cut -f3)"
'

leak_tests

test_done
