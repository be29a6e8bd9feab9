#!/usr/bin/env bash
# tests/openapi/suite.sh MODE DOC: the OpenAPI suites of ./dev test, MODE one of
#
#   lint      redocly lint of DOC with redocly.yaml: no error (warnings listed)
#   contract  every exchange the HTTP suites recorded (tests/lib.sh, under
#             $CONTRACT_DIR) against DOC (contract.js), and the proof that
#             the check bites: a deliberately wrong document (fixtures/wrong.json)
#             fails on recorded exchanges that the good fixture passes
#   negative  bad inputs generated from DOC against $BASE_URL (negative.js)
#   drift     roles and body bounds of DOC against $BASE_URL (drift.js)
#
# DOC is the built document ($WORK/build/openapi.json); when it is missing
# the suite prints one "not ok", never a silent pass. NODE_PATH must reach
# the packages of tests/openapi/package.json (./dev installs them).
# Test bodies are single-quoted strings that lib.sh evaluates: SC2016.
# shellcheck disable=SC2016
MODE=${1:?usage: suite.sh lint|contract|negative|drift DOC}
DOC=${2:?usage: suite.sh MODE DOC}
SUITE=openapi-$MODE
BASE_URL=${BASE_URL:-unused}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"

if [ ! -s "$DOC" ]; then
	echo "not ok 1 - the OpenAPI document $DOC exists (stratusctl openapi writes it at build time)"
	exit 1
fi

# node_bin NAME: the executable of an npm package found through NODE_PATH.
node_bin() {
	local d
	for d in ${NODE_PATH//:/ } "$HERE/node_modules"; do
		[ -x "$d/.bin/$1" ] && { echo "$d/.bin/$1"; return 0; }
	done
	return 1
}

# keys: an admin, a readonly, a developer and a throw-away user's API keys (fixtures.sh).
keys() {
	. "$STACK_SRC/tools/stack.sh"
	# shellcheck disable=SC1091
	. "$STACK/dev.env"
	# shellcheck source=tests/http/fixtures.sh
	FIX_DOMAIN=openapi.test FIX_NAME=OpenAPI . "$HERE/../http/fixtures.sh"
	mkuser admin admin && mkuser ro readonly && mkuser dev developer &&
		mkuser prof readonly || return 1
	STRATUS_KEY_ADMIN=$(newkey openapi-admin admin) &&
		STRATUS_KEY_READONLY=$(newkey openapi-ro ro) &&
		STRATUS_KEY_DEVELOPER=$(newkey openapi-dev dev) &&
		STRATUS_KEY_PROFILE=$(newkey openapi-prof prof) || return 1
	export STRATUS_KEY_ADMIN STRATUS_KEY_READONLY STRATUS_KEY_DEVELOPER STRATUS_KEY_PROFILE
}

case $MODE in
lint)
	redocly=$(node_bin redocly) || { echo "not ok 1 - @redocly/cli is installed"; exit 1; }
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 \
		"$redocly" lint --config "$HERE/redocly.yaml" --format stylish "$DOC" >"$TEST_TMP/lint.out" 2>&1
	rc=$?
	errors=$(grep -cE '(^|[[:space:]])error[[:space:]]' "$TEST_TMP/lint.out")
	warnings=$(grep -cE '(^|[[:space:]])warning[[:space:]]' "$TEST_TMP/lint.out")
	grep -E '(error|warning)[[:space:]]' "$TEST_TMP/lint.out" | sed 's/^/# /' | head -200
	if [ "$rc" -eq 0 ]; then
		echo "ok 1 - redocly lint: no error in $(basename "$DOC") ($warnings warnings, listed above)"
	else
		[ "$errors" -gt 0 ] || tail -20 "$TEST_TMP/lint.out" | sed 's/^/#   /'
		echo "not ok 1 - redocly lint: $errors errors, $warnings warnings in $DOC"
	fi
	[ "$rc" -eq 0 ]
	;;
contract)
	node "$HERE/contract.js" "$DOC" "${CONTRACT_DIR:?CONTRACT_DIR must be set (./dev test records there)}"
	rc=$?
	# The check bites: the same recorded exchanges pass the good fixture and
	# fail the deliberately wrong one (a wrong schema, an undocumented status,
	# a missing required header).
	node "$HERE/contract.js" "$HERE/fixtures/good.json" "$HERE/fixtures/exchanges" >"$TEST_TMP/good.tap" 2>&1
	good=$?
	node "$HERE/contract.js" "$HERE/fixtures/wrong.json" "$HERE/fixtures/exchanges" >"$TEST_TMP/wrong.tap" 2>&1
	wrong=$?
	if [ "$good" -eq 0 ] && [ "$wrong" -ne 0 ] &&
		grep -q 'GET /health -> 200: the required header X-Health-Token is missing' "$TEST_TMP/wrong.tap" &&
		grep -q 'GET /health -> 200: .*the body does not match .*/status must be integer' "$TEST_TMP/wrong.tap" &&
		grep -q 'status 404 is not documented for GET /users/{id}' "$TEST_TMP/wrong.tap" &&
		grep -q 'GET /users/1 -> 200: the body does not match .*/id must be string' "$TEST_TMP/wrong.tap"; then
		echo "ok - the deliberately wrong fixture fails the contract check (a wrong schema, an undocumented status, a missing required header)"
	else
		sed 's/^/#   good: /' "$TEST_TMP/good.tap" | grep -v ': 0 responses'
		sed 's/^/#   wrong: /' "$TEST_TMP/wrong.tap" | grep -v ': 0 responses'
		echo "not ok - the deliberately wrong fixture fails the contract check"
		rc=1
	fi
	# ... and on a response of this run: its first GET /health.
	mkdir -p "$TEST_TMP/live"
	awk -F'\t' '$2 == "GET" && $3 == "/health" && $4 == 200 { print; exit }' \
		"$CONTRACT_DIR/exchanges.tsv" >"$TEST_TMP/live/exchanges.tsv" 2>/dev/null
	f=$(cut -f7 "$TEST_TMP/live/exchanges.tsv")
	if [ -n "$f" ] && cp "$CONTRACT_DIR/$f" "$TEST_TMP/live/" &&
		! node "$HERE/contract.js" "$HERE/fixtures/wrong.json" "$TEST_TMP/live" >"$TEST_TMP/live.tap" 2>&1 &&
		grep -q '/status must be integer' "$TEST_TMP/live.tap" &&
		node "$HERE/contract.js" "$HERE/fixtures/good.json" "$TEST_TMP/live" >/dev/null 2>&1; then
		echo "ok - a GET /health of this run fails the wrong fixture and passes the good one"
	else
		sed 's/^/#   /' "$TEST_TMP/live.tap" 2>/dev/null | head -10
		echo "not ok - a GET /health of this run fails the wrong fixture and passes the good one"
		rc=1
	fi
	exit "$rc"
	;;
negative | drift)
	keys >"$TEST_TMP/keys.out" 2>&1 || { sed 's/^/# /' "$TEST_TMP/keys.out"; echo "not ok 1 - users and API keys for the $MODE suite"; exit 1; }
	node "$HERE/$MODE.js" "$DOC"
	rc=$?
	[ "$MODE" = drift ] || exit "$rc"
	# The check bites: the deliberately wrong fixture (GET /health said to
	# need an admin, a password maxLength of 128 where the validator's is
	# 1024) fails against the same server.
	node "$HERE/drift.js" "$HERE/fixtures/wrong.json" >"$TEST_TMP/wrong.tap" 2>&1
	if grep -q 'GET /health: without credentials answered 200; the document says credentials are required' "$TEST_TMP/wrong.tap" &&
		grep -q 'password one past its maxLength (129) was not refused by name' "$TEST_TMP/wrong.tap"; then
		echo "ok - the deliberately wrong fixture fails the drift checks (a role, a bound)"
	else
		sed 's/^/#   wrong: /' "$TEST_TMP/wrong.tap" | head -30
		echo "not ok - the deliberately wrong fixture fails the drift checks (a role, a bound)"
		rc=1
	fi
	exit "$rc"
	;;
*)
	echo "not ok 1 - suite.sh: no mode $MODE"
	exit 2
	;;
esac
