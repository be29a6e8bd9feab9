#!/usr/bin/env bash
# tests/http/auth-sessions.sh: the auth suite's part on one's own account
# and sessions (split from auth.sh; the parts share tests/http/lib/auth.sh):
# the profile and password changes, sessions ended by a change, what a weak
# credential may not do, the last active admin, and refresh-token rotation
# and reuse. Its responses and secrets join the leak check of auth.sh.
SUITE=http-auth-sessions
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

# The leak check of auth.sh reads the hashes of this part's users too.
collect_hashes

test_done
