#!/usr/bin/env bash
# tests/http/auth-oidc.sh: the auth suite's part on OIDC (split from auth.sh,
# which it shares tests/http/lib/auth.sh with): RS256 tokens of an external
# issuer checked against its JWKS, key rotation and refetching, and the
# claims refused; then the same leak check as auth.sh on this part's
# responses and logs.
#
# It starts a stand-in OIDC issuer (lighttpd serving a JWKS with key pairs
# made here) on 127.0.0.1:$OIDC_PORT, the STRATUS_OIDC_ISSUER of dev.env.
SUITE=http-auth-oidc
. "$(dirname "$0")/../lib.sh"
. "$STACK_SRC/tools/stack.sh"
. "$STACK_SRC/tests/tools/jwt.sh"
. "$STACK_SRC/tests/tools/apikey.sh"
# The stack's configuration: stratusctl reads it, and the tests need its JWT
# secret (to mint HS256 tokens) and its OIDC issuer and audience.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# This part checks its own responses for leaks, apart from the other parts'.
LEAK=$TEST_TMP/leak
# shellcheck source=tests/http/lib/auth.sh
. "$(dirname "$0")/lib/auth.sh"

# ------------------------------------------------------------------ OIDC (RS256, JWKS)

OIDC=$TEST_TMP/oidc
mkdir -p "$OIDC/www/.well-known"
KA=$OIDC/a.pem KB=$OIDC/b.pem KC=$OIDC/c.pem KD=$OIDC/d.pem
KID_A=a-$RUN KID_C=c-$RUN KID_D=d-$RUN
rsa_keypair "$KA" "$OIDC/a.pub" && rsa_keypair "$KB" && rsa_keypair "$KC" && rsa_keypair "$KD"
jwks() { # KEY KID ...: writes the issuer's JWKS
	local list=()
	while [ $# -ge 2 ]; do list+=("$(jwk_rsa "$1" "$2")"); shift 2; done
	printf '%s\n' "${list[@]}" | jq -cs '{keys: .}' >"$OIDC/www/.well-known/jwks.json.new" &&
		mv "$OIDC/www/.well-known/jwks.json.new" "$OIDC/www/.well-known/jwks.json"
}
jwks "$KA" "$KID_A"
cat >"$OIDC/lighttpd.conf" <<EOF
server.bind          = "127.0.0.1"
server.port          = $OIDC_PORT
server.document-root = "$OIDC/www"
server.errorlog      = "$OIDC/error.log"
mimetype.assign      = ( ".json" => "application/json" )
# Stat every request: a JWKS rewritten mid-run must be served at once.
server.stat-cache-engine = "disable"
EOF
if [ -n "$OIDC_PORT" ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$OIDC_PORT") 2>/dev/null; then
	lighttpd -D -f "$OIDC/lighttpd.conf" >"$OIDC/out" 2>&1 &
	OIDC_PID=$!
	stack_wait_http "http://127.0.0.1:$OIDC_PORT/.well-known/jwks.json" 10
fi

test_expect_success 'the stand-in OIDC issuer serves its JWKS on the configured loopback issuer' '
	test -n "${STRATUS_OIDC_ISSUER:-}" ||
		{ echo "STRATUS_OIDC_ISSUER is not set in $STACK/dev.env"; false; } &&
	test "$ISSUER" = "http://127.0.0.1:$OIDC_PORT" &&
	{ test -n "$OIDC_PID" || { echo "port $OIDC_PORT was already taken"; false; }; } &&
	curl -sf "$ISSUER/.well-known/jwks.json" | jq -e --arg k "$KID_A" ".keys[0].kid == \$k" >/dev/null
'

test_expect_success 'an RS256 token with group Administrators is an admin, upserted, auth_method oidc' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "adm-$RUN" ".[\"cognito:groups\"] = [\"Administrators\"]")")" &&
	expect_status 200 && json_is .auth_method oidc && json_is .role admin &&
	json_is .email "adm-$RUN@oidc.test" && id=$(jq -r .id "$BODY") &&
	http GET /users -H "$(bearer "$(oidc_token "$KA" "$KID_A" "adm-$RUN" ".[\"cognito:groups\"] = [\"Administrators\"]")")" &&
	expect_status 200 &&
	http GET "/users/$id" -H "$ADM" && expect_status 200 && json_is .email "adm-$RUN@oidc.test" &&
	json_is .role admin && json_is .status active
'

test_expect_success 'group Developers maps to developer' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "dev-$RUN" ".[\"cognito:groups\"] = [\"Developers\"]")")" &&
	expect_status 200 && json_is .auth_method oidc && json_is .role developer
'

test_expect_success 'no group (and group ReadOnly) map to readonly' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro-$RUN")")" &&
	expect_status 200 && json_is .auth_method oidc && json_is .role readonly &&
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro2-$RUN" ".[\"cognito:groups\"] = [\"ReadOnly\"]")")" &&
	expect_status 200 && json_is .role readonly &&
	http GET /users -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro-$RUN")")" &&
	expect_403 "this requires the admin role; the caller is readonly"
'

test_expect_success 'the highest group wins' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "multi-$RUN" ".[\"cognito:groups\"] = [\"ReadOnly\",\"Administrators\",\"Developers\"]")")" &&
	expect_status 200 && json_is .role admin
'

test_expect_success 'the same subject is the same user on every sign-in' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "dev-$RUN" ".[\"cognito:groups\"] = [\"Developers\"]")")" &&
	a=$(jq -r .id "$BODY") &&
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "dev-$RUN" ".[\"cognito:groups\"] = [\"Developers\"]")")" &&
	test "$(jq -r .id "$BODY")" = "$a" &&
	test "$(stack_sql -N stratus -e "SELECT COUNT(*) FROM users WHERE external_sub = '"'"'dev-$RUN'"'"'")" = 1
'

test_expect_success 'a blocked OIDC user'"'"'s tokens are refused until reactivated' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "blk-$RUN")")" &&
	expect_status 200 && id=$(jq -r .id "$BODY") &&
	jreq PATCH "/users/$id" "{\"status\":\"blocked\"}" -H "$ADM" && expect_status 200 &&
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "blk-$RUN")")" && expect_401 blocked &&
	http GET "/users/$id" -H "$ADM" && json_is .status blocked &&
	jreq PATCH "/users/$id" "{\"status\":\"active\"}" -H "$ADM" && expect_status 200 &&
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "blk-$RUN")")" && expect_status 200 &&
	json_num .id "$id"
'

test_expect_success 'a Cognito access token (token_use access, client_id) is accepted' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "acc-$RUN" "del(.aud) | .token_use = \"access\" | .client_id = \"$AUD\"")")" &&
	expect_status 200 && json_is .auth_method oidc
'

test_expect_success 'an OIDC token whose email is a local account'"'"'s does not sign in as that account' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "squat-$RUN" ".email = \"$(email ro)\"")")" &&
	if [ "$STATUS" = 200 ]; then
		test "$(jq -r .id "$BODY")" != "$RO_ID" ||
			{ echo "the external subject signed in as local user $RO_ID"; false; }
	else
		expect_401
	fi &&
	http GET "/users/$RO_ID" -H "$ADM" && expect_status 200 &&
	json_is .role readonly && json_is .username "$(lname ro)" &&
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "squat2-$RUN" ".email = \"$(email dev)\" | .[\"cognito:groups\"] = [\"Administrators\"]")")" &&
	if [ "$STATUS" = 200 ]; then test "$(jq -r .id "$BODY")" != "$DEV_ID"; fi &&
	http GET "/users/$DEV_ID" -H "$ADM" && json_is .role developer ||
		{ stack_sql stratus -e "UPDATE users SET role = '"'"'readonly'"'"' WHERE id = $RO_ID; UPDATE users SET role = '"'"'developer'"'"' WHERE id = $DEV_ID"; false; }
'

test_expect_success 'an expired OIDC token is refused' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro-$RUN" ".iat -= 7200 | .exp = .iat + 3600")")" &&
	expect_401 expired
'

test_expect_success 'an OIDC token signed by another key under a known kid is refused: bad signature' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KB" "$KID_A" "adm-$RUN" ".[\"cognito:groups\"] = [\"Administrators\"]")")" &&
	expect_401 signature
'

test_expect_success 'an OIDC token from another issuer is refused' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro-$RUN" ".iss = \"https://evil.example\"")")" &&
	expect_401 issuer &&
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro-$RUN" ".iss = \"$JWT_ISS\"")")" &&
	expect_401
'

test_expect_success 'an OIDC token for another audience is refused' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro-$RUN" ".aud = \"someone-else\"")")" &&
	expect_401 audience &&
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro-$RUN" "del(.aud)")")" &&
	expect_401 audience &&
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro-$RUN" "del(.aud) | .token_use = \"access\" | .client_id = \"someone-else\"")")" &&
	expect_401 audience
'

test_expect_success 'token_use "refresh" (or none) is refused' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro-$RUN" ".token_use = \"refresh\"")")" &&
	expect_401 use &&
	http GET /auth/me -H "$(bearer "$(oidc_token "$KA" "$KID_A" "ro-$RUN" "del(.token_use)")")" &&
	expect_401 use
'

test_expect_success 'an unknown kid (a key pair not in the JWKS) is refused' '
	http GET /auth/me -H "$(bearer "$(oidc_token "$KC" "$KID_C" "adm-$RUN" ".[\"cognito:groups\"] = [\"Administrators\"]")")" &&
	expect_401 &&
	t=$(jwt_rs256 "{\"alg\":\"RS256\",\"typ\":\"JWT\"}" "$(oidc_claims "ro-$RUN")" "$KA") &&
	http GET /auth/me -H "$(bearer "$t")" && expect_401
'

# A process refetches the JWKS on an unknown kid, but not more often than
# every few seconds (made-up kids must not hammer the issuer): poll.
test_expect_success 'a key added to the JWKS is taken up without a restart' '
	jwks "$KA" "$KID_A" "$KD" "$KID_D" &&
	end=$(($(date +%s) + 8)) ok=0 &&
	while [ "$ok" -lt 4 ] && [ "$(date +%s)" -le "$end" ]; do
		http GET /auth/me -H "$(bearer "$(oidc_token "$KD" "$KID_D" "dev-$RUN" ".[\"cognito:groups\"] = [\"Developers\"]")")"
		if [ "$STATUS" = 200 ]; then ok=$((ok + 1)); else ok=0 && expect_401 && sleep 0.5; fi
	done &&
	expect_status 200 && json_is .role developer && json_is .auth_method oidc
'

test_expect_success 'HS256 signed with the issuer'"'"'s RSA public key (key confusion) is refused' '
	h=$(jobj alg HS256 typ JWT kid "$KID_A") &&
	for c in "$(oidc_claims "adm-$RUN" ".[\"cognito:groups\"] = [\"Administrators\"]")" "$(hs_claims "$ADM_ID")"; do
		t=$(jwt_hs256_keyfile "$h" "$c" "$OIDC/a.pub") && secret minted-token "$t" &&
		http GET /auth/me -H "$(bearer "$t")" && expect_401 || exit 1
		t=$(jwt_hs256_keyfile "$HS_HEADER" "$c" "$OIDC/a.pub") &&
		http GET /auth/me -H "$(bearer "$t")" && expect_401 || exit 1
	done
'

test_expect_success 'RS256 alg "none" and an RS256 token with the signature stripped are refused' '
	t=$(jwt_unsigned "$(jobj alg none typ JWT kid "$KID_A")" "$(oidc_claims "adm-$RUN")") &&
	http GET /auth/me -H "$(bearer "$t")" && expect_401 &&
	t=$(oidc_token "$KA" "$KID_A" "adm-$RUN" ".[\"cognito:groups\"] = [\"Administrators\"]") &&
	http GET /auth/me -H "$(bearer "${t%.*}.")" && expect_401
'

# ------------------------------------------------------------------ no secret leaks

collect_hashes
leak_tests

test_done
