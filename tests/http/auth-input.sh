#!/usr/bin/env bash
# tests/http/auth-input.sh: the auth suite's part on what the identity
# routes accept (split from auth.sh; the parts share tests/http/lib/auth.sh):
# self-registration and the password policy, and every missing, mistyped or
# bad field and query parameter named in the 400. Its responses and secrets
# join the leak check of auth.sh.
SUITE=http-auth-input
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

# The leak check of auth.sh reads the hashes of this part's users too.
collect_hashes

test_done
