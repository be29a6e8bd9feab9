#!/usr/bin/env bash
# tests/http/auth-bodies.sh: the declared bodies of the identity routes
# (handlers/auth.c, users.c, apikeys.c: their ROUTE rows name them with
# .body). Each failing body's 400 is pinned whole: the message, and every
# {field, message} of details.errors in order, as the routes answered before
# the bodies were declared; and the rules across fields (the login's
# identifier-or-email, the password policy, "nothing to change") keep their
# place in that order. Also: a login stores its refresh token with the login
# record (db_user_login, one transaction).
# shellcheck disable=SC2016,SC2034
SUITE=http-auth-bodies
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# shellcheck disable=SC1091
. "$STACK/dev.env"
FIX_DOMAIN=auth-bodies.test FIX_NAME=Bodies
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

POLICY="must be at least 12 characters and contain an upper-case letter, a digit and a symbol"

# expect_400 ERRORS: a 400 whose details are exactly {"errors": ...} with
# ERRORS ([[field, message], ...], JSON) in order, and whose message is the
# first failure, followed by " (and N more)" when there are others.
expect_400() {
	expect_error 400 ValidationError VALIDATION_ERROR &&
		jq -e --argjson w "$1" '
			(.details | keys) == ["errors"] and
			[.details.errors[] | [.field, .message]] == $w and
			.message == ($w[0][0] + ": " + $w[0][1] +
				(if ($w | length) > 1 then " (and \(($w | length) - 1) more)" else "" end))' \
			"$BODY" >/dev/null ||
		{ echo "got $(jq -c '[.message, .details]' "$BODY")"; return 1; }
}

test_expect_success 'seed: an admin and a developer with keys and passwords' '
	PW="Pw$(hex 12)-9!" &&
	user_create adm admin && user_create dev developer "$PW" &&
	K_ADM=$(newkey bodies-adm adm) && K_DEV=$(newkey bodies-dev dev) &&
	test -n "$K_ADM" && test -n "$K_DEV" &&
	put K_ADM "$K_ADM" && put K_DEV "$K_DEV" && put PW "$PW" && put DEV_ID "$(uid dev)"
'

# ------------------------------------------------------------------ POST /token

test_expect_success 'POST /token: empty strings, each named' '
	jreq POST /token "{\"username\":\"\",\"password\":\"\"}" &&
	expect_400 "[[\"username\",\"must not be empty\"],[\"password\",\"must not be empty\"]]"
'

test_expect_success 'POST /token: a form without the username' '
	http POST /token -H "Content-Type: application/x-www-form-urlencoded" --data "password=x" &&
	expect_400 "[[\"username\",\"is required\"]]"
'

# ------------------------------------------------------------------ POST /auth/login

test_expect_success 'POST /auth/login: a valid identifier wins; the email is not even read' '
	jreq POST /auth/login "{\"identifier\":\"nobody-$RUN\",\"email\":5,\"password\":\"x\"}" &&
	expect_error 401 Unauthorized UNAUTHORIZED && json_is .message "Incorrect username or password"
'

test_expect_success 'POST /auth/login: an invalid identifier, then the email, then the password' '
	jreq POST /auth/login "{\"identifier\":5,\"email\":5,\"password\":\"\"}" &&
	expect_400 "[[\"identifier\",\"must be a string\"],[\"email\",\"must be a string\"],[\"password\",\"must not be empty\"]]"
'

test_expect_success 'POST /auth/login: a given email that fails says why, and nothing about the identifier' '
	jreq POST /auth/login "{\"email\":\"\",\"password\":5}" &&
	expect_400 "[[\"email\",\"must not be empty\"],[\"password\",\"must be a string\"]]"
'

test_expect_success 'POST /auth/login: neither identifier nor email comes last' '
	jreq POST /auth/login "{}" &&
	expect_400 "[[\"password\",\"is required\"],[\"identifier\",\"is required (or email)\"]]" &&
	jreq POST /auth/login "{\"password\":\"x\"}" &&
	expect_400 "[[\"identifier\",\"is required (or email)\"]]"
'

test_expect_success 'POST /auth/login: a null identifier (and email) is not given: 400' '
	jreq POST /auth/login "{\"identifier\":null,\"password\":\"x\"}" &&
	expect_400 "[[\"identifier\",\"is required (or email)\"]]" &&
	jreq POST /auth/login "{\"identifier\":null,\"email\":null,\"password\":\"x\"}" &&
	expect_400 "[[\"identifier\",\"is required (or email)\"]]"
'

test_expect_success 'POST /auth/login: the email alone logs in; login time and refresh token are stored' '
	jreq POST /auth/login "$(jobj email "$(email dev)" password "$(get PW)")" &&
	expect_status 200 && json_num .user.id "$(get DEV_ID)" &&
	expect_json ".refresh_token | startswith(\"srt_\")" &&
	test "$(stack_sql -N stratus -e "SELECT COUNT(*) FROM refresh_tokens WHERE user_id = $(get DEV_ID)")" = 1 &&
	test "$(stack_sql -N stratus -e "SELECT last_login_at IS NOT NULL FROM users WHERE id = $(get DEV_ID)")" = 1 &&
	jreq POST /auth/token "$(jobj refresh_token "$(jq -r .refresh_token "$BODY")")" && expect_status 200
'

# ------------------------------------------------------------------ POST /auth/token

test_expect_success 'POST /auth/token: empty and too long refresh tokens' '
	jreq POST /auth/token "{\"refresh_token\":\"\"}" &&
	expect_400 "[[\"refresh_token\",\"must not be empty\"]]" &&
	jreq POST /auth/token "$(jobj refresh_token "$(printf "%0201d" 0)")" &&
	expect_400 "[[\"refresh_token\",\"must be 1 to 200 characters\"]]"
'

# ------------------------------------------------------------------ POST /auth/register

test_expect_success 'POST /auth/register: every field fails in order, the policy last' '
	jreq POST /auth/register "{\"name\":\"\",\"email\":\"bad\",\"username\":\"a@b\",\"password\":\"short\"}" \
		-H "$(key "$(get K_ADM)")" &&
	expect_400 "[[\"name\",\"must not be empty\"],[\"email\",\"must be an email address\"],[\"username\",\"may contain only letters, digits, '"'"'.'"'"', '"'"'_'"'"' and '"'"'-'"'"'\"],[\"password\",\"$POLICY\"]]" &&
	jreq POST /auth/register "{}" -H "$(key "$(get K_ADM)")" &&
	expect_400 "[[\"name\",\"is required\"],[\"email\",\"is required\"],[\"password\",\"is required\"]]"
'

# ------------------------------------------------------------------ /users/profile

test_expect_success 'PUT /users/profile: field failures, then the policy, then current_password' '
	jreq PUT /users/profile "{\"password\":\"weak\",\"current_password\":5}" -H "$(key "$(get K_DEV)")" &&
	expect_400 "[[\"current_password\",\"must be a string\"],[\"password\",\"$POLICY\"],[\"current_password\",\"is required to change the password\"]]"
'

test_expect_success 'PUT /users/profile: nothing to change, only when nothing else failed' '
	jreq PUT /users/profile "{}" -H "$(key "$(get K_DEV)")" &&
	expect_400 "[[\"name\",\"nothing to change: give name, email or password\"]]" &&
	jreq PUT /users/profile "{\"name\":5,\"email\":\"x\"}" -H "$(key "$(get K_DEV)")" &&
	expect_400 "[[\"name\",\"must be a string\"],[\"email\",\"must be 3 to 254 characters\"]]" &&
	jreq PUT /users/profile "{\"password\":\"Str0ng-Passw0rd!\"}" -H "$(key "$(get K_DEV)")" &&
	expect_400 "[[\"current_password\",\"is required to change the password\"]]"
'

test_expect_success 'DELETE /users/profile: an empty current_password is 400 (the account stays)' '
	jreq DELETE /users/profile "{\"current_password\":\"\"}" -H "$(key "$(get K_DEV)")" &&
	expect_400 "[[\"current_password\",\"must not be empty\"]]" &&
	http GET /users/profile -H "$(key "$(get K_DEV)")" && expect_status 200
'

# ------------------------------------------------------------------ /users (admin)

test_expect_success 'POST /users: a bad type and password, then the human needs one' '
	jreq POST /users "{\"email\":\"x-$RUN@y.test\",\"name\":\"N\",\"type\":\"robot\",\"password\":5}" \
		-H "$(key "$(get K_ADM)")" &&
	expect_400 "[[\"type\",\"must be one of: human, api\"],[\"password\",\"must be a string\"],[\"password\",\"is required for a human user\"]]"
'

test_expect_success 'POST /users: an api user needs no password, but a given one meets the policy' '
	jreq POST /users "{\"type\":\"api\"}" -H "$(key "$(get K_ADM)")" &&
	expect_400 "[[\"email\",\"is required\"],[\"name\",\"is required\"]]" &&
	jreq POST /users "{\"email\":\"x-$RUN@y.test\",\"name\":\"N\",\"type\":\"api\",\"password\":\"weak\"}" \
		-H "$(key "$(get K_ADM)")" &&
	expect_400 "[[\"password\",\"$POLICY\"]]"
'

test_expect_success 'PATCH /users/{id}: nothing to change, and bad enums' '
	jreq PATCH "/users/$(get DEV_ID)" "{}" -H "$(key "$(get K_ADM)")" &&
	expect_400 "[[\"role\",\"nothing to change: give role or status\"]]" &&
	jreq PATCH "/users/$(get DEV_ID)" "{\"role\":\"boss\",\"status\":\"deleted\"}" -H "$(key "$(get K_ADM)")" &&
	expect_400 "[[\"role\",\"must be one of: readonly, developer, admin\"],[\"status\",\"must be one of: active, inactive, blocked\"]]"
'

# ------------------------------------------------------------------ POST /api-keys

test_expect_success 'POST /api-keys: every field out of bounds, in order' '
	jreq POST /api-keys "{\"name\":\"\",\"role\":\"x\",\"scopes\":\"\",\"expires_in_days\":0,\"rate_limit_per_minute\":-1,\"user_id\":0}" \
		-H "$(key "$(get K_DEV)")" &&
	expect_400 "[[\"name\",\"must not be empty\"],[\"role\",\"must be one of: readonly, developer, admin\"],[\"scopes\",\"must not be empty\"],[\"expires_in_days\",\"must be from 1 to 3650\"],[\"rate_limit_per_minute\",\"must be from 0 to 1000000\"],[\"user_id\",\"must be from 1 to 9223372036854775807\"]]" &&
	jreq POST /api-keys "{\"name\":\"k\",\"user_id\":\"1\"}" -H "$(key "$(get K_DEV)")" &&
	expect_400 "[[\"user_id\",\"must be an integer\"]]"
'

test_expect_success 'POST /api-keys: left-out fields take their defaults (own key, owner role, no expiry, general limit)' '
	jreq POST /api-keys "$(jobj name "bodies-$RUN")" -H "$(key "$(get K_DEV)")" &&
	expect_status 201 && json_num .user_id "$(get DEV_ID)" && json_is .role developer &&
	expect_json ".expires_at == null and .rate_limit_per_minute == null and .scopes == null and .active"
'

test_done
