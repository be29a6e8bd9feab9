#!/usr/bin/env bash
# tests/http/auth.sh: identity and access over HTTP against the real stack:
# every kind of credential accepted and each way it is refused, roles, users,
# API keys, refresh rotation, registration, rate limits, the audit log, and,
# last, that no secret used here ever shows in a response or a log line.
# Its part auth-oidc.sh has the OIDC (RS256, JWKS) tokens, with a leak check
# of its own; both share tests/http/lib/auth.sh.
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

# ------------------------------------------------------------------ roles

test_expect_success 'readonly may not create users (403)' '
	jreq POST /users "$(jobj email "$(email x403)" name X role readonly type api)" -H "$RO" &&
	expect_403 "this requires the admin role; the caller is readonly" &&
	test -z "$(uid x403)"
'

test_expect_success 'developer may not read the audit log, list or change users (403)' '
	http GET /audit -H "$DEV" && expect_403 "this requires the admin role; the caller is developer" &&
	http GET /users -H "$DEV" && expect_403 &&
	jreq PATCH "/users/$RO_ID" "{\"role\":\"admin\"}" -H "$DEV" && expect_403 &&
	http DELETE "/users/$RO_ID" -H "$DEV" && expect_403 &&
	http GET "/users/$RO_ID" -H "$DEV" && expect_403
'

test_expect_success 'readonly may not create a developer key, developer not an admin key (403)' '
	jreq POST /api-keys "$(jobj name up role developer)" -H "$RO" && expect_403 &&
	jreq POST /api-keys "$(jobj name up role admin)" -H "$DEV" && expect_403 &&
	jreq POST /api-keys "$(jobj name up role admin)" -H "$(basic "$(lname ro)" "$PW_RO")" && expect_403
'

test_expect_success 'a key at or below the caller'"'"'s role is allowed; the default is the caller'"'"'s role' '
	jreq POST /api-keys "$(jobj name same role readonly)" -H "$RO" && expect_status 201 &&
	secret api-key "$(jq -r .key "$BODY")" "$LAST_RESPONSE" && json_is .role readonly &&
	jreq POST /api-keys "$(jobj name dflt)" -H "$DEV" && expect_status 201 &&
	secret api-key "$(jq -r .key "$BODY")" "$LAST_RESPONSE" && json_is .role developer &&
	jreq POST /api-keys "$(jobj name down role readonly)" -H "$DEV" && expect_status 201 &&
	secret api-key "$(jq -r .key "$BODY")" "$LAST_RESPONSE" && json_is .role readonly
'

test_expect_success 'only admins set user_id, or an unlimited rate_limit_per_minute, on a key (403)' '
	jreq POST /api-keys "$(jobj name fast rate_limit_per_minute json:0)" -H "$DEV" && expect_403 &&
	jreq POST /api-keys "$(jobj name theirs user_id "json:$RO_ID")" -H "$DEV" && expect_403
'

test_expect_success 'an admin may not give a key a role above its owner'"'"'s (403)' '
	jreq POST /api-keys "$(jobj name over role admin user_id "json:$RO_ID")" -H "$ADM" && expect_403
'

PW_PROM=$(newpw)
mkuser prom readonly "$PW_PROM"
PROM_ID=$(uid prom)
TOK_PROM=$(token_for "$(lname prom)" "$PW_PROM")

test_expect_success 'a role change applies at once: existing tokens end, a new login has the new role' '
	http GET /users -H "$(bearer "$TOK_PROM")" && expect_403 &&
	jreq PATCH "/users/$PROM_ID" "{\"role\":\"admin\"}" -H "$ADM" -H "X-Request-ID: promote-$RUN" &&
	expect_status 200 && json_is .role admin &&
	http GET /users -H "$(bearer "$TOK_PROM")" && expect_401 "session has ended" &&
	t=$(token_for "$(lname prom)" "$PW_PROM") && put tok-prom "$t" &&
	http GET /users -H "$(bearer "$t")" && expect_status 200
'

test_expect_success 'a demoted owner'"'"'s admin key is capped at the owner'"'"'s new role' '
	jreq POST /api-keys "$(jobj name prom-admin role admin user_id "json:$PROM_ID")" -H "$ADM" &&
	expect_status 201 && k=$(jq -r .key "$BODY") && secret api-key "$k" "$LAST_RESPONSE" &&
	json_is .role admin && json_num .user_id "$PROM_ID" &&
	http GET /users -H "$(key "$k")" && expect_status 200 &&
	jreq PATCH "/users/$PROM_ID" "{\"role\":\"readonly\"}" -H "$ADM" && expect_status 200 &&
	http GET /users -H "$(key "$k")" && expect_403 &&
	http GET /auth/me -H "$(key "$k")" && json_is .role readonly &&
	http GET /users -H "$(bearer "$(get tok-prom)")" && expect_401 &&
	http GET /users -H "$(bearer "$(token_for "$(lname prom)" "$PW_PROM")")" && expect_403
'

# ------------------------------------------------------------------ blocked users

PW_BLK=$(newpw)
mkuser blk developer "$PW_BLK"
BLK_ID=$(uid blk)
BLK_KEY=$(mkkey blk-key blk)
TOK_BLK=$(token_for "$(lname blk)" "$PW_BLK")

blk_all() { # blk_all STATUS [TOKEN]: key, token and Basic each give STATUS
	http GET /auth/me -H "$(key "$BLK_KEY")" && expect_status "$1" &&
		http GET /auth/me -H "$(bearer "${2:-$TOK_BLK}")" && expect_status "$1" &&
		http GET /auth/me -H "$(basic "$(lname blk)" "$PW_BLK")" && expect_status "$1"
}

test_expect_success 'before blocking: key, token and Basic all work' '
	test -n "$TOK_BLK" && blk_all 200
'

test_expect_success 'an admin blocks the user (PATCH status blocked)' '
	jreq PATCH "/users/$BLK_ID" "{\"status\":\"blocked\"}" -H "$ADM" -H "X-Request-ID: block-$RUN" &&
	expect_status 200 && json_is .status blocked && json_num .id "$BLK_ID"
'

test_expect_success 'a blocked user'"'"'s key, token and Basic are all refused at once' '
	http GET /auth/me -H "$(key "$BLK_KEY")" && expect_401 "the owner of this API key is blocked" &&
	http GET /auth/me -H "$(bearer "$TOK_BLK")" && expect_401 blocked &&
	http GET /auth/me -H "$(basic "$(lname blk)" "$PW_BLK")" && expect_401 &&
	http GET /api-keys -H "$(key "$BLK_KEY")" && expect_401
'

test_expect_success 'a blocked user cannot log in for a new token' '
	jreq POST /token "$(jobj username "$(lname blk)" password "$PW_BLK")" && expect_401
'

test_expect_success 'GET /users?status=blocked lists the blocked user' '
	http GET "/users?status=blocked&limit=100" -H "$ADM" && expect_status 200 &&
	expect_json "all(.items[]; .status == \"blocked\")" &&
	expect_json "any(.items[]; .id == $BLK_ID)"
'

test_expect_success 'reactivation restores the key and Basic; tokens issued before the block stay ended' '
	jreq PATCH "/users/$BLK_ID" "{\"status\":\"active\"}" -H "$ADM" && expect_status 200 &&
	json_is .status active &&
	http GET /auth/me -H "$(bearer "$TOK_BLK")" && expect_401 "session has ended" &&
	t=$(token_for "$(lname blk)" "$PW_BLK") && put tok-blk "$t" && blk_all 200 "$t"
'

test_expect_success 'an inactive user is refused the same way' '
	t=$(get tok-blk) &&
	jreq PATCH "/users/$BLK_ID" "{\"status\":\"inactive\"}" -H "$ADM" && expect_status 200 &&
	blk_all 401 "$t" &&
	jreq PATCH "/users/$BLK_ID" "{\"status\":\"active\"}" -H "$ADM" && expect_status 200 &&
	t=$(token_for "$(lname blk)" "$PW_BLK") && blk_all 200 "$t"
'

# ------------------------------------------------------------------ users (admin)

test_expect_success 'POST /users creates a user (201, no secret in the answer); 409 on a taken email' '
	pw=$(newpw) && secret password "$pw" &&
	jreq POST /users "$(jobj email "$(email made)" name Made role developer password "$pw")" -H "$ADM" &&
	expect_status 201 && json_is .email "$(email made)" && json_is .role developer &&
	json_is .type human && json_is .status active &&
	expect_json "has(\"password_hash\") or has(\"password\") | not" &&
	jreq POST /users "$(jobj email "$(email made | tr a-z A-Z)" name Again password "$pw")" -H "$ADM" &&
	expect_error 409 Conflict CONFLICT
'

test_expect_success 'POST /users makes an api-type user without a password' '
	jreq POST /users "$(jobj email "$(email svc)" name Svc type api)" -H "$ADM" &&
	expect_status 201 && json_is .type api && json_is .role readonly
'

test_expect_success 'GET /users/{id}; an unknown id is 404' '
	http GET "/users/$DEV_ID" -H "$ADM" && expect_status 200 && json_is .email "$(email dev)" &&
	expect_json "has(\"password_hash\") | not" &&
	http GET /users/999999999 -H "$ADM" && expect_error 404 NotFound NOT_FOUND &&
	http GET /users/abc -H "$ADM" && expect_error 404 NotFound NOT_FOUND
'

test_expect_success 'GET /users filters by role and status and pages with limit, offset, total' '
	http GET "/users?role=developer&limit=100" -H "$ADM" && expect_status 200 &&
	expect_json ".items | length >= 2" && expect_json "all(.items[]; .role == \"developer\")" &&
	expect_json "any(.items[]; .id == $DEV_ID)" &&
	expect_json "[.items[] | has(\"password_hash\")] | any | not" &&
	n=$(jq .total "$BODY") &&
	http GET "/users?role=developer&limit=1&offset=1" -H "$ADM" && expect_status 200 &&
	json_num .total "$n" && json_num .limit 1 && json_num .offset 1 && expect_json ".items | length == 1" &&
	http GET "/users?role=admin&status=active&limit=100" -H "$ADM" &&
	expect_json "any(.items[]; .id == $ADM_ID)" &&
	expect_json "all(.items[]; .role == \"admin\" and .status == \"active\")" &&
	http GET "/users?offset=100000" -H "$ADM" && expect_status 200 && expect_json ".items == [] and .total > 0"
'

test_expect_success 'an admin cannot change or delete themselves (409)' '
	jreq PATCH "/users/$ADM_ID" "{\"role\":\"readonly\"}" -H "$ADM" && expect_error 409 Conflict CONFLICT &&
	jreq PATCH "/users/$ADM_ID" "{\"status\":\"blocked\"}" -H "$ADM" && expect_error 409 Conflict CONFLICT &&
	http DELETE "/users/$ADM_ID" -H "$ADM" && expect_error 409 Conflict CONFLICT &&
	http GET /auth/me -H "$ADM" && json_is .role admin
'

test_expect_success 'DELETE /users/{id} marks the user deleted and its keys and logins stop' '
	pw=$(newpw) && mkuser gone readonly "$pw" && id=$(uid gone) && k=$(mkkey gone-key gone) &&
	http GET /auth/me -H "$(key "$k")" && expect_status 200 &&
	http DELETE "/users/$id" -H "$ADM" && expect_status 204 && test ! -s "$BODY" &&
	http GET "/users/$id" -H "$ADM" && expect_status 200 && json_is .status deleted &&
	http GET /auth/me -H "$(key "$k")" && expect_401 &&
	http GET /auth/me -H "$(basic "$(lname gone)" "$pw")" && expect_401 &&
	jreq PATCH "/users/$id" "{\"status\":\"active\"}" -H "$ADM" && expect_error 409 Conflict CONFLICT &&
	http DELETE /users/999999999 -H "$ADM" && expect_error 404 NotFound NOT_FOUND
'

# ------------------------------------------------------------------ API keys

test_expect_success 'POST /api-keys shows the key once, with id, prefix, role, expiry and active' '
	jreq POST /api-keys "$(jobj name "ci pipeline" role readonly expires_in_days json:7)" -H "$DEV" -H "X-Request-ID: keymade-$RUN" &&
	expect_status 201 && k=$(jq -r .key "$BODY") && secret api-key "$k" "$LAST_RESPONSE" &&
	[[ $k =~ ^stk_[0-9A-Za-z]{46}$ ]] && apikey_valid "$k" &&
	json_is .prefix "${k:0:10}" && json_is .name "ci pipeline" && json_is .role readonly &&
	json_num .user_id "$DEV_ID" && expect_json ".active == true and .revoked_at == null" &&
	expect_json "(.expires_at | sub(\"\\\\.[0-9]+Z$\"; \"Z\") | fromdateiso8601) - now | . > 7*86400 - 300 and . < 7*86400 + 300" &&
	expect_json "has(\"key_hash\") or has(\"hash\") | not" &&
	echo "$k" >"$TEST_TMP/ci-key" && jq -r .id "$BODY" >"$TEST_TMP/ci-key-id" &&
	http GET /auth/me -H "$(key "$k")" && expect_status 200 &&
	json_is .role readonly && json_num .id "$DEV_ID" && json_num .key_id "$(cat "$TEST_TMP/ci-key-id")"
'

test_expect_success 'GET /api-keys lists the caller'"'"'s own keys, never a secret or a hash' '
	id=$(cat "$TEST_TMP/ci-key-id") && k=$(cat "$TEST_TMP/ci-key") &&
	http GET "/api-keys?limit=100" -H "$DEV" && expect_status 200 &&
	expect_json ".items | type == \"array\" and length >= 2" &&
	expect_json "all(.items[]; .user_id == $DEV_ID)" &&
	expect_json "any(.items[]; .id == $id and .prefix == \"${k:0:10}\")" &&
	expect_json "[.items[] | has(\"key\") or has(\"key_hash\") or has(\"hash\")] | any | not" &&
	! grep -Eq "stk_[0-9A-Za-z]{46}" "$BODY" &&
	expect_json ".total >= 2 and .limit == 100 and .offset == 0"
'

test_expect_success 'a non-admin cannot list another user'"'"'s keys; an admin can, or all' '
	http GET "/api-keys?user_id=$ADM_ID" -H "$DEV" &&
	if [ "$STATUS" = 200 ]; then expect_json "all(.items[]; .user_id == $DEV_ID)"; else expect_403; fi &&
	http GET "/api-keys?user_id=$DEV_ID&limit=100" -H "$ADM" && expect_status 200 &&
	expect_json ".items | length >= 2" && expect_json "all(.items[]; .user_id == $DEV_ID)" &&
	http GET "/api-keys?limit=100" -H "$ADM" && expect_status 200 &&
	expect_json "[.items[].user_id] | unique | length >= 2" &&
	! grep -Eq "stk_[0-9A-Za-z]{46}" "$BODY"
'

test_expect_success 'DELETE /api-keys/{id}: someone else'"'"'s is 404, own is 204, again 409' '
	id=$(cat "$TEST_TMP/ci-key-id") && k=$(cat "$TEST_TMP/ci-key") &&
	http DELETE "/api-keys/$id" -H "$RO" && expect_error 404 NotFound NOT_FOUND &&
	http GET /auth/me -H "$(key "$k")" && expect_status 200 &&
	http DELETE "/api-keys/$id" -H "$DEV" -H "X-Request-ID: keyrevoked-$RUN" && expect_status 204 &&
	http DELETE "/api-keys/$id" -H "$DEV" && expect_error 409 Conflict CONFLICT &&
	http GET /auth/me -H "$(key "$k")" && expect_401 "this API key has been revoked" &&
	http GET "/api-keys?limit=100" -H "$DEV" &&
	expect_json "any(.items[]; .id == $id and .active == false and .revoked_at != null)" &&
	http DELETE /api-keys/999999999 -H "$DEV" && expect_error 404 NotFound NOT_FOUND
'

test_expect_success 'an admin revokes anyone'"'"'s key and creates keys for another user' '
	jreq POST /api-keys "$(jobj name for-ro user_id "json:$RO_ID")" -H "$ADM" && expect_status 201 &&
	k=$(jq -r .key "$BODY") && id=$(jq -r .id "$BODY") && secret api-key "$k" "$LAST_RESPONSE" &&
	json_num .user_id "$RO_ID" && json_is .role readonly &&
	http GET /auth/me -H "$(key "$k")" && json_num .id "$RO_ID" &&
	http DELETE "/api-keys/$id" -H "$ADM" && expect_status 204 &&
	http GET /auth/me -H "$(key "$k")" && expect_401
'

# ------------------------------------------------------------------ profile

PW_PROF=$(newpw) PW_PROF2=$(newpw)
secret password "$PW_PROF2"
mkuser prof readonly "$PW_PROF"
PROF_ID=$(uid prof)
PROF_KEY=$(mkkey prof-key prof)
jreq POST /auth/login "$(jobj identifier "$(lname prof)" password "$PW_PROF")"
TOK_PROF=$(jq -r .access_token "$BODY") REF_PROF=$(jq -r .refresh_token "$BODY")
secret access-token "$TOK_PROF" "$LAST_RESPONSE"
secret refresh-token "$REF_PROF" "$LAST_RESPONSE"

test_expect_success 'GET /users/profile is the caller'"'"'s own account' '
	http GET /users/profile -H "$(key "$PROF_KEY")" && expect_status 200 &&
	json_num .id "$PROF_ID" && json_is .email "$(email prof)" && expect_json "has(\"password_hash\") | not" &&
	http GET /users/profile -H "$(bearer "$TOK_PROF")" && json_num .id "$PROF_ID"
'

test_expect_success 'PUT /users/profile changes the name; a taken email is 409' '
	jreq PUT /users/profile "$(jobj name "New Name")" -H "$(bearer "$TOK_PROF")" &&
	expect_status 200 && json_is .name "New Name" && json_num .id "$PROF_ID" &&
	jreq PUT /users/profile "$(jobj email "$(email ro)")" -H "$(bearer "$TOK_PROF")" &&
	expect_error 409 Conflict CONFLICT &&
	http GET /users/profile -H "$(bearer "$TOK_PROF")" && json_is .email "$(email prof)"
'

test_expect_success 'a password change needs the right current password' '
	jreq PUT /users/profile "$(jobj password "$PW_PROF2")" -H "$(bearer "$TOK_PROF")" &&
	expect_fields current_password &&
	jreq PUT /users/profile "$(jobj password "$PW_PROF2" current_password "wrong-$PW_PROF")" -H "$(bearer "$TOK_PROF")" &&
	expect_401 &&
	http GET /auth/me -H "$(basic "$(lname prof)" "$PW_PROF")" && expect_status 200
'

test_expect_success 'after a password change the old one fails and the new one works' '
	jreq PUT /users/profile "$(jobj password "$PW_PROF2" current_password "$PW_PROF")" -H "$(bearer "$TOK_PROF")" &&
	expect_status 200 && json_num .sessions_revoked true && json_num .active_api_keys 1 &&
	jreq POST /token "$(jobj username "$(lname prof)" password "$PW_PROF")" && expect_401 "Incorrect username or password" &&
	http GET /auth/me -H "$(basic "$(lname prof)" "$PW_PROF2")" && expect_status 200
'

test_expect_success 'a password change ends every session: older access and refresh tokens are refused, API keys stay' '
	http GET /auth/me -H "$(bearer "$TOK_PROF")" && expect_401 "session has ended" &&
	jreq POST /auth/token "$(jobj refresh_token "$REF_PROF")" && expect_401 "revoked" &&
	http GET /auth/me -H "$(key "$PROF_KEY")" && expect_status 200 && json_num .id "$PROF_ID" &&
	t=$(token_for "$(lname prof)" "$PW_PROF2") && put tok-prof2 "$t" &&
	http GET /auth/me -H "$(bearer "$t")" && expect_status 200
'

test_expect_success 'DELETE /users/profile (204) ends the account'"'"'s keys, tokens, refresh tokens and Basic' '
	t=$(get tok-prof2) &&
	http DELETE /users/profile -H "$(bearer "$t")" && expect_status 204 &&
	http GET /auth/me -H "$(key "$PROF_KEY")" && expect_401 &&
	http GET /auth/me -H "$(bearer "$t")" && expect_401 &&
	http GET /auth/me -H "$(bearer "$TOK_PROF")" && expect_401 &&
	http GET /auth/me -H "$(basic "$(lname prof)" "$PW_PROF2")" && expect_401 &&
	jreq POST /auth/token "$(jobj refresh_token "$REF_PROF")" && expect_401 &&
	http GET "/users/$PROF_ID" -H "$ADM" && json_is .status deleted
'

# ------------------------------------------------------------------ sessions end with a change

PW_SV=$(newpw)
mkuser sv readonly "$PW_SV"
SV_ID=$(uid sv)

test_expect_success 'an admin'"'"'s role change ends the user'"'"'s sessions; the answer says so and counts the keys' '
	t=$(token_for "$(lname sv)" "$PW_SV") &&
	jreq POST /auth/login "$(jobj identifier "$(lname sv)" password "$PW_SV")" && r=$(jq -r .refresh_token "$BODY") &&
	secret refresh-token "$r" "$LAST_RESPONSE" &&
	http GET /auth/me -H "$(bearer "$t")" && expect_status 200 &&
	jreq PATCH "/users/$SV_ID" "$(jobj role developer)" -H "$ADM" && expect_status 200 &&
	json_num .sessions_revoked true && json_num .active_api_keys 0 &&
	http GET /auth/me -H "$(bearer "$t")" && expect_401 "session has ended" &&
	jreq POST /auth/token "$(jobj refresh_token "$r")" && expect_401 &&
	t2=$(token_for "$(lname sv)" "$PW_SV") &&
	http GET /auth/me -H "$(bearer "$t2")" && expect_status 200 && json_is .role developer &&
	put tok-sv "$t2"
'

test_expect_success 'a block ends the sessions for good: the token stays refused after reactivation' '
	t=$(get tok-sv) &&
	jreq PATCH "/users/$SV_ID" "$(jobj status blocked)" -H "$ADM" && expect_status 200 &&
	json_num .sessions_revoked true &&
	jreq PATCH "/users/$SV_ID" "$(jobj status active)" -H "$ADM" && expect_status 200 &&
	http GET /auth/me -H "$(bearer "$t")" && expect_401 "session has ended" &&
	jreq PATCH "/users/$SV_ID" "$(jobj status active)" -H "$ADM" && expect_status 200 &&
	json_num ".sessions_revoked // false" false &&
	t3=$(token_for "$(lname sv)" "$PW_SV") &&
	http GET /auth/me -H "$(bearer "$t3")" && expect_status 200
'

# ------------------------------------------------------------------ what a weak credential may not do

PW_BOSS=$(newpw)
mkuser boss admin "$PW_BOSS"
BOSS_ID=$(uid boss)
BOSS_RO=$(mkkey boss-ro boss --role readonly)
BOSS_AK=$(mkkey boss-admin boss)
BOSS_AK_ID=$(stack_sql -N stratus -e "SELECT id FROM api_keys WHERE user_id = $BOSS_ID AND name = 'boss-admin'")

test_expect_success 'a read-only key of an admin cannot delete the account, nor change its email, without current_password' '
	http DELETE /users/profile -H "$(key "$BOSS_RO")" && expect_403 &&
	msg_has "current_password" &&
	jreq DELETE /users/profile "$(jobj current_password "wrong-$PW_BOSS")" -H "$(key "$BOSS_RO")" && expect_401 &&
	jreq PUT /users/profile "$(jobj email "$(email boss2)")" -H "$(key "$BOSS_RO")" && expect_403 &&
	jreq PUT /users/profile "$(jobj name "Boss by key")" -H "$(key "$BOSS_RO")" && expect_status 200 &&
	http GET /auth/me -H "$(key "$BOSS_AK")" && expect_status 200 && json_is .email "$(email boss)" &&
	json_is .status active
'

test_expect_success 'with the account'"'"'s password the same key may change the email' '
	jreq PUT /users/profile "$(jobj email "$(email boss2)" current_password "$PW_BOSS")" -H "$(key "$BOSS_RO")" &&
	expect_status 200 && json_is .email "$(email boss2)" &&
	jreq PUT /users/profile "$(jobj email "$(email boss)" current_password "$PW_BOSS")" -H "$(key "$BOSS_AK")" &&
	expect_status 200 && json_is .email "$(email boss)"
'

test_expect_success 'a key never revokes a key of a higher role than its own, nor creates one' '
	http DELETE "/api-keys/$BOSS_AK_ID" -H "$(key "$BOSS_RO")" && expect_403 &&
	msg_has "cannot revoke a key of the admin role" &&
	http GET /auth/me -H "$(key "$BOSS_AK")" && expect_status 200 &&
	jreq POST /api-keys "$(jobj name up role admin)" -H "$(key "$BOSS_RO")" && expect_403 &&
	jreq POST /api-keys "$(jobj name side role readonly)" -H "$(key "$BOSS_RO")" && expect_status 201 &&
	k=$(jq -r .key "$BODY") && id=$(jq -r .id "$BODY") && secret api-key "$k" "$LAST_RESPONSE" &&
	http DELETE "/api-keys/$id" -H "$(key "$BOSS_RO")" && expect_status 204
'

test_expect_success 'a credential of the account'"'"'s role deletes it without a password' '
	PW_C=$(newpw) && mkuser casual readonly "$PW_C" && k=$(mkkey casual-key casual) &&
	http DELETE /users/profile -H "$(key "$k")" && expect_status 204 &&
	http GET "/users/$(uid casual)" -H "$ADM" && json_is .status deleted
'

# other_admins: the ids of the active admins but LAST, one per line.
other_admins() {
	stack_sql -N stratus -e "SELECT id FROM users WHERE role = 'admin' AND status = 'active' AND id <> $1"
}

PW_LAST=$(newpw) PW_DUO=$(newpw)
mkuser last admin "$PW_LAST"
mkuser duo admin "$PW_DUO"
LAST_ID=$(uid last) DUO_ID=$(uid duo)

# These tests make one admin the last active one for a moment (the others
# inactive by SQL) and always give the others back, whatever happened.
test_expect_success 'the last active admin cannot be deleted, demoted or blocked (409)' '
	other_admins "$LAST_ID" >"$TEST_TMP/admins" && test -s "$TEST_TMP/admins" &&
	t=$(token_for "$(lname last)" "$PW_LAST") &&
	ids=$(paste -sd, "$TEST_TMP/admins") && set +e &&
	stack_sql stratus -e "UPDATE users SET status = '"'"'inactive'"'"' WHERE id IN ($ids)" && sleep "$CACHE_S" &&
	http DELETE /users/profile -H "$(bearer "$t")" && expect_error 409 Conflict CONFLICT &&
	msg_has "last active admin" &&
	! "$STRATUSCTL" user set-role --email "$(email last)" --role developer 2>"$TEST_TMP/err" &&
	grep -q "the last active admin cannot be demoted" "$TEST_TMP/err" &&
	test "$(stack_sql -N stratus -e "SELECT CONCAT(role, status) FROM users WHERE id = $LAST_ID")" = adminactive
	rc=$?
	stack_sql stratus -e "UPDATE users SET status = '"'"'active'"'"' WHERE id IN ($(paste -sd, "$TEST_TMP/admins"))"
	sleep "$CACHE_S"
	exit $rc
'

test_expect_success 'two admins demoting each other at once: one of them stays admin' '
	grep -v "^$DUO_ID$" "$TEST_TMP/admins" >"$TEST_TMP/others" &&
	ids=$(paste -sd, "$TEST_TMP/others") &&
	tl=$(token_for "$(lname last)" "$PW_LAST") && td=$(token_for "$(lname duo)" "$PW_DUO") && set +e &&
	stack_sql stratus -e "UPDATE users SET status = '"'"'inactive'"'"' WHERE id IN ($ids)" && sleep "$CACHE_S" &&
	{ curl -s -o /dev/null -w "%{http_code}\n" -X PATCH -H "Authorization: Bearer $tl" -H "Content-Type: application/json" \
		--data "{\"role\":\"developer\"}" "$BASE_URL/users/$DUO_ID" >"$TEST_TMP/d1" &
	  curl -s -o /dev/null -w "%{http_code}\n" -X PATCH -H "Authorization: Bearer $td" -H "Content-Type: application/json" \
		--data "{\"role\":\"developer\"}" "$BASE_URL/users/$LAST_ID" >"$TEST_TMP/d2"; wait; } &&
	n=$(stack_sql -N stratus -e "SELECT COUNT(*) FROM users WHERE id IN ($LAST_ID, $DUO_ID) AND role = '"'"'admin'"'"' AND status = '"'"'active'"'"'") &&
	echo "answers $(cat "$TEST_TMP/d1") $(cat "$TEST_TMP/d2"); admins left of the two: $n"
	rc=$?
	stack_sql stratus -e "UPDATE users SET status = '"'"'active'"'"' WHERE id IN ($ids)"
	sleep "$CACHE_S"
	[ "$rc" = 0 ] && [ "$n" -ge 1 ]
'

# ------------------------------------------------------------------ refresh tokens

PW_RF=$(newpw)
mkuser rf readonly "$PW_RF"

test_expect_success 'refresh rotation: each refresh token gives a new pair and works once' '
	jreq POST /auth/login "$(jobj identifier "$(lname rf)" password "$PW_RF")" && expect_status 200 &&
	r1=$(jq -r .refresh_token "$BODY") && secret refresh-token "$r1" "$LAST_RESPONSE" &&
	secret access-token "$(jq -r .access_token "$BODY")" "$LAST_RESPONSE" &&
	jreq POST /auth/token "$(jobj refresh_token "$r1")" && expect_status 200 &&
	r2=$(jq -r .refresh_token "$BODY") && a2=$(jq -r .access_token "$BODY") &&
	secret refresh-token "$r2" "$LAST_RESPONSE" && secret access-token "$a2" "$LAST_RESPONSE" &&
	test "$r2" != "$r1" && json_is .token_type bearer && expect_json ".expires_in == 1800 and .refresh_expires_in > 0" &&
	http GET /auth/me -H "$(bearer "$a2")" && expect_status 200 && json_is .email "$(email rf)" &&
	jreq POST /auth/token "$(jobj refresh_token "$r2")" && expect_status 200 &&
	r3=$(jq -r .refresh_token "$BODY") && secret refresh-token "$r3" "$LAST_RESPONSE" &&
	secret access-token "$(jq -r .access_token "$BODY")" "$LAST_RESPONSE" &&
	echo "$r1" >"$TEST_TMP/r1" && echo "$r3" >"$TEST_TMP/r3"
'

test_expect_success 'reusing a spent refresh token is 401 and revokes the family, newest included' '
	r1=$(cat "$TEST_TMP/r1") && r3=$(cat "$TEST_TMP/r3") &&
	jreq POST /auth/token "$(jobj refresh_token "$r1")" -H "X-Request-ID: reuse-$RUN" && expect_401 &&
	jreq POST /auth/token "$(jobj refresh_token "$r3")" && expect_401
'

test_expect_success 'another login of the same user is another family, unaffected' '
	jreq POST /auth/login "$(jobj identifier "$(lname rf)" password "$PW_RF")" && expect_status 200 &&
	r=$(jq -r .refresh_token "$BODY") && secret refresh-token "$r" "$LAST_RESPONSE" &&
	secret access-token "$(jq -r .access_token "$BODY")" "$LAST_RESPONSE" &&
	jreq POST /auth/token "$(jobj refresh_token "$r")" && expect_status 200 &&
	secret refresh-token "$(jq -r .refresh_token "$BODY")" "$LAST_RESPONSE" &&
	secret access-token "$(jq -r .access_token "$BODY")" "$LAST_RESPONSE"
'

test_expect_success 'an unknown or made-up refresh token is 401' '
	jreq POST /auth/token "$(jobj refresh_token "srt_$(head -c 32 /dev/urandom | b64url)")" && expect_401 &&
	jreq POST /auth/token "$(jobj refresh_token "not-a-refresh-token")" && expect_401
'

# ------------------------------------------------------------------ registration

PW_REG=$(newpw)
secret password "$PW_REG"

test_expect_success 'POST /auth/register creates a readonly user (201) who can log in' '
	jreq POST /auth/register "$(jobj name "Reg User" email "$(email reg)" password "$PW_REG" username "$(lname reg)")" &&
	expect_status 201 && json_is .email "$(email reg)" && json_is .username "$(lname reg)" &&
	json_is .role readonly && json_is .status active &&
	expect_json "has(\"password_hash\") or has(\"password\") | not" &&
	http GET /auth/me -H "$(basic "$(email reg)" "$PW_REG")" && expect_status 200 && json_is .role readonly
'

test_expect_success 'registering a taken email (in any case) is 409' '
	jreq POST /auth/register "$(jobj name Dup email "$(email reg | tr a-z A-Z)" password "$PW_REG")" &&
	expect_error 409 Conflict CONFLICT
'

test_expect_success 'a chosen username may not contain "@", so it never equals an email' '
	jreq POST /auth/register "$(jobj name At email "$(email at)" password "$PW_REG" username "$(email reg)")" &&
	expect_fields username &&
	jreq POST /users "$(jobj name At email "$(email at)" password "$PW_REG" username "x@y.example")" -H "$ADM" &&
	expect_fields username
'

test_expect_success 'login by email finds the account with that email first' '
	jreq POST /auth/login "$(jobj email "$(email reg)" password "$PW_REG")" &&
	expect_status 200 && json_is .user.email "$(email reg)"
'

weak() { # weak PASSWORD: register with it; 400 naming the password
	secret weak-password "$1"
	jreq POST /auth/register "$(jobj name Weak email "$(email weak)" password "$1")" &&
		expect_fields password
}

test_expect_success 'the password policy: too short is refused and says so' '
	weak "Sh0rt!" && field_msg password "at least 12 characters" &&
	field_lacks password "upper-case" && field_lacks password "digit"
'

test_expect_success 'the password policy names each missing class' '
	weak "alllowercaseletters" &&
	field_msg password "an upper-case letter" && field_msg password "a digit" &&
	field_msg password "a symbol" && field_lacks password "lower-case" && field_lacks password "12" &&
	weak "ALLUPPER12345!!" && field_msg password "a lower-case letter" && field_lacks password "upper-case" &&
	field_lacks password "digit" && field_lacks password "symbol" &&
	weak "NoDigitsHere!!x" && field_msg password "a digit" && field_lacks password "symbol" &&
	weak "NoSymbols12345x" && field_msg password "a symbol" && field_lacks password "a digit" &&
	weak "qxvzq" && field_msg password "at least 12 characters" && field_msg password "an upper-case letter" &&
	test -z "$(uid weak)"
'

# ------------------------------------------------------------------ validation

test_expect_success 'POST /token: missing and mistyped fields are listed' '
	jreq POST /token "{}" && expect_fields username password &&
	jreq POST /token "{\"username\":5,\"password\":true}" && expect_fields username password &&
	field_msg username "string" &&
	jreq POST /token "$(jobj username "$(lname ro)")" && expect_fields password &&
	http POST /token -H "Content-Type: application/x-www-form-urlencoded" --data "username=x" &&
	expect_fields password
'

test_expect_success 'POST /auth/login: missing and mistyped fields are listed' '
	jreq POST /auth/login "{}" && expect_fields identifier password &&
	jreq POST /auth/login "$(jobj identifier "$(lname ro)")" && expect_fields password &&
	jreq POST /auth/login "$(jobj password x)" && expect_fields identifier &&
	jreq POST /auth/login "{\"identifier\":[1],\"password\":{}}" && expect_fields identifier password
'

test_expect_success 'POST /auth/token: a missing or mistyped refresh_token is 400' '
	jreq POST /auth/token "{}" && expect_fields refresh_token &&
	jreq POST /auth/token "{\"refresh_token\":12}" && expect_fields refresh_token
'

test_expect_success 'POST /auth/register: every failing field is listed' '
	jreq POST /auth/register "{}" && expect_fields name email password &&
	jreq POST /auth/register "$(jobj name "" email not-an-email password "$PW_REG" username ab)" &&
	expect_fields name email username && field_msg email "email" &&
	jreq POST /auth/register "$(jobj name "$(printf "n%.0s" $(seq 201))" email "$(email long)" password "$PW_REG")" &&
	expect_fields name &&
	jreq POST /auth/register "{\"name\":7,\"email\":false,\"password\":null}" && expect_fields name email password &&
	test -z "$(uid long)"
'

test_expect_success 'POST /users: every failing field is listed' '
	jreq POST /users "{}" -H "$ADM" && expect_fields email name password &&
	jreq POST /users "$(jobj email "a@b" name N role root type human password "$PW_REG")" -H "$ADM" &&
	expect_fields email role &&
	jreq POST /users "$(jobj email "$(email v1)" name "$(printf "n%.0s" $(seq 201))" type robot)" -H "$ADM" &&
	expect_fields name type password
'

test_expect_success 'PATCH /users/{id}: nothing to change, or bad values, are 400 naming the fields' '
	jreq PATCH "/users/$RO_ID" "{}" -H "$ADM" && expect_error 400 ValidationError VALIDATION_ERROR &&
	expect_json ".details.errors | length > 0" &&
	jreq PATCH "/users/$RO_ID" "{\"role\":\"root\",\"status\":\"gone\"}" -H "$ADM" && expect_fields role status &&
	jreq PATCH "/users/$RO_ID" "{\"status\":\"deleted\"}" -H "$ADM" && expect_fields status &&
	jreq PATCH "/users/$RO_ID" "{\"role\":1}" -H "$ADM" && expect_fields role &&
	http GET "/users/$RO_ID" -H "$ADM" && json_is .role readonly && json_is .status active
'

test_expect_success 'POST /api-keys: every failing field is listed' '
	jreq POST /api-keys "{}" -H "$ADM" && expect_fields name &&
	jreq POST /api-keys "{\"name\":\"\",\"role\":\"root\",\"expires_in_days\":\"7\",\"rate_limit_per_minute\":-1,\"user_id\":\"x\"}" -H "$ADM" &&
	expect_fields name role expires_in_days rate_limit_per_minute user_id &&
	jreq POST /api-keys "$(jobj name "$(printf "k%.0s" $(seq 101))" expires_in_days json:0)" -H "$ADM" &&
	expect_fields name expires_in_days &&
	jreq POST /api-keys "$(jobj name x expires_in_days json:1.5)" -H "$RO" && expect_fields expires_in_days
'

test_expect_success 'PUT /users/profile: bad values are listed' '
	jreq PUT /users/profile "{}" -H "$RO" && expect_error 400 ValidationError VALIDATION_ERROR &&
	jreq PUT /users/profile "$(jobj name "" email bad)" -H "$RO" && expect_fields name email &&
	jreq PUT /users/profile "$(jobj password weak)" -H "$RO" && expect_fields password current_password &&
	http GET /users/profile -H "$RO" && json_is .email "$(email ro)"
'

test_expect_success 'query parameters: bad limit, offset, role, status, user_id are 400 naming them' '
	http GET "/users?limit=0" -H "$ADM" && expect_fields limit &&
	http GET "/users?offset=-1" -H "$ADM" && expect_fields offset &&
	http GET "/users?role=root" -H "$ADM" && expect_fields role &&
	http GET "/users?status=gone" -H "$ADM" && expect_fields status &&
	http GET "/audit?limit=101" -H "$ADM" && expect_fields limit &&
	http GET "/api-keys?user_id=abc" -H "$ADM" && expect_fields user_id
'

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

# ------------------------------------------------------------------ audit

# audit_has ACTION JQ-CONDITION: GET /audit?action=ACTION has an item meeting it.
audit_has() {
	http GET "/audit?action=$1&limit=100" -H "$ADM" && expect_status 200 &&
		expect_json "all(.items[]; .action == \"$1\")" &&
		expect_json "any(.items[]; $2)"
}

test_expect_success 'the audit log is admin-only and paginated with the documented fields' '
	http GET "/audit?limit=2" -H "$ADM" && expect_status 200 &&
	expect_json ".items | length == 2" && expect_json ".total >= 2 and .limit == 2 and .offset == 0" &&
	expect_json "all(.items[]; has(\"id\") and has(\"at\") and has(\"principal\") and has(\"action\") and has(\"target\") and has(\"client_addr\") and has(\"request_id\"))" &&
	http GET /audit -H "$RO" && expect_403
'

test_expect_success 'audit: login failures, with the identifier and the address' '
	audit_has login.failure ".target == \"$(lname rl)\" and .client_addr == \"127.0.0.1\"" &&
	audit_has login.success ".target == \"$(lname rl)\""
'

test_expect_success 'audit: key creation and revocation, with the principal and the request id' '
	http GET /auth/me -H "$DEV" && dk=$(jq -r .key_id "$BODY") &&
	audit_has apikey.created ".request_id == \"keymade-$RUN\" and .principal == \"key:$dk\" and (.target | contains(\"stk_\"))" &&
	audit_has apikey.revoked ".request_id == \"keyrevoked-$RUN\" and .principal == \"key:$dk\" and (.target | contains(\"$(cat "$TEST_TMP/ci-key-id")\"))"
'

test_expect_success 'audit: role change, block and refresh-token reuse' '
	audit_has user.role_changed ".request_id == \"promote-$RUN\" and (.target | contains(\"$(lname prom)\"))" &&
	audit_has user.blocked ".request_id == \"block-$RUN\" and (.target | contains(\"$(lname blk)\"))" &&
	audit_has refresh.reuse ".request_id == \"reuse-$RUN\""
'

test_expect_success 'audit: user creation' '
	audit_has user.created "(.target | contains(\"$(email made)\"))"
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
