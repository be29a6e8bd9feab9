#!/usr/bin/env bash
# tests/http/auth-accounts.sh: the auth suite's part on accounts and what
# admins do with them (split from auth.sh; the parts share
# tests/http/lib/auth.sh): the role each route needs and role changes,
# blocked and inactive users, users made, read, listed and deleted by an
# admin, API keys made, listed and revoked, and the audit log of it all.
# Its responses and secrets join the leak check of auth.sh.
SUITE=http-auth-accounts
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

# ------------------------------------------------------------------ audit

# Besides this part's own actions, the audit tests find a failed and a good
# login of the user rl and the reuse of a spent refresh token, made here as
# auth-rates.sh and auth-sessions.sh make them.
PW_RL=$(newpw) PW_RF=$(newpw)
mkuser rl readonly "$PW_RL"
mkuser rf readonly "$PW_RF"
jreq POST /token "$(jobj username "$(lname rl)" password "wrong-$PW_RL")"
token_for "$(lname rl)" "$PW_RL" >/dev/null
jreq POST /auth/login "$(jobj identifier "$(lname rf)" password "$PW_RF")"
RF1=$(jq -r .refresh_token "$BODY")
secret refresh-token "$RF1" "$LAST_RESPONSE"
secret access-token "$(jq -r .access_token "$BODY")" "$LAST_RESPONSE"
jreq POST /auth/token "$(jobj refresh_token "$RF1")"
secret refresh-token "$(jq -r .refresh_token "$BODY")" "$LAST_RESPONSE"
secret access-token "$(jq -r .access_token "$BODY")" "$LAST_RESPONSE"
jreq POST /auth/token "$(jobj refresh_token "$RF1")" -H "X-Request-ID: reuse-$RUN"

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

# The leak check of auth.sh reads the hashes of this part's users too.
collect_hashes

test_done
