# tests/lib.sh: a small test library for HTTP integration tests, in the style of
# git's t/test-lib.sh. Source it, set BASE_URL, write test_expect_success
# blocks, end with test_done. Output is TAP ("ok N - ...", "not ok N - ...");
# ./dev test adds up those lines across every suite.
#
#   test_expect_success 'GET /health answers 200' '
#       http GET /health &&
#       expect_status 200 &&
#       expect_json ".status == \"healthy\""
#   '
#
# http METHOD PATH [curl args...] sends one request to $BASE_URL$PATH and
# leaves the status in $STATUS, the headers in $HDRS and the body in $BODY.

: "${BASE_URL:?BASE_URL must be set}"
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/stratus-t.XXXXXX")
HDRS=$TEST_TMP/headers
BODY=$TEST_TMP/body
STATUS=
test_count=0
test_failed=0
trap 'rm -rf "$TEST_TMP"' EXIT

say() { printf '# %s\n' "$*"; }

# test_expect_success DESCRIPTION BODY: BODY is evaluated in a subshell with
# errexit; the test passes when it exits 0.
test_expect_success() {
	test_count=$((test_count + 1))
	local out=$TEST_TMP/out
	local rc
	# A plain command, not an `if` or `||` operand: bash ignores errexit in
	# those contexts, subshells included, and `set -e` must hold in the body.
	(eval "set -e; $2") >"$out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		printf 'ok %d - %s\n' "$test_count" "$1"
	else
		test_failed=$((test_failed + 1))
		printf 'not ok %d - %s\n' "$test_count" "$1"
		sed 's/^/#   /' "$out" | head -40
		if [ -s "$BODY" ]; then
			printf '#   last status %s, body: ' "$STATUS"
			head -c 600 "$BODY" | tr '\n' ' '
			echo
		fi
	fi
}

test_done() {
	printf '1..%d\n' "$test_count"
	printf '# %s: %d passed, %d failed\n' "${SUITE:-$0}" \
		$((test_count - test_failed)) "$test_failed"
	[ "$test_failed" -eq 0 ]
}

http() {
	local method=$1 path=$2
	shift 2
	: >"$HDRS"
	: >"$BODY"
	STATUS=$(curl -sS -o "$BODY" -D "$HDRS" -w '%{http_code}' \
		--max-time "${HTTP_TIMEOUT:-20}" -X "$method" "$@" "$BASE_URL$path")
	contract_record "$method" "$path"
	return 0
}

# contract_record METHOD PATH: when CONTRACT_DIR is set (./dev test sets it),
# keeps this exchange for tests/openapi/contract.js, which checks every
# answer against the OpenAPI document: one line of exchanges.tsv (suite,
# method, path, status, Content-Type, Allow, body file), the body and the
# headers (the body file's name + .h).
contract_record() {
	[ -n "${CONTRACT_DIR:-}" ] && [ -n "$STATUS" ] && [ "$STATUS" != 000 ] || return 0
	# Test bodies run in subshells: $BASHPID and $RANDOM name the body apart.
	local f=body.$BASHPID.$RANDOM$RANDOM p=${2//[$'\t\n']/ } ct
	cp "$BODY" "$CONTRACT_DIR/$f" 2>/dev/null && cp "$HDRS" "$CONTRACT_DIR/$f.h" 2>/dev/null || return 0
	ct=$(awk -F': *' 'BEGIN { OFS = "\t" }
		{ sub(/\r$/, ""); k = tolower($1); v = $0; sub(/^[^:]*: */, "", v); gsub(/\t/, " ", v) }
		k == "content-type" && !t { t = v } k == "allow" && !a { a = v }
		END { print t, a }' "$HDRS")
	# One short write per line (O_APPEND): suites never interleave a line.
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${SUITE:-$(basename "$0" .sh)}" "$1" "$p" "$STATUS" \
		"$ct" "$f" >>"$CONTRACT_DIR/exchanges.tsv"
}

# raw_head PATH: send "HEAD $BASE_URL$PATH" over a bare TCP connection and
# keep every byte the server sends, so that a body sent by mistake is seen
# (curl never reads a body after HEAD). Sets $STATUS, $HDRS and $BODY like
# lib.sh's http. Only for http:// URLs.
raw_head() {
	local rest hostport host port path raw=$TEST_TMP/raw hlen
	rest=${BASE_URL#http://}
	hostport=${rest%%/*}
	path=/${rest#*/}
	[ "$rest" = "$hostport" ] && path=/
	path=${path%/}$1
	host=${hostport%:*}
	port=${hostport##*:}
	[ "$port" = "$hostport" ] && port=80
	# HTTP/1.0 so that the server closes the connection after the answer.
	timeout "${HTTP_TIMEOUT:-20}" bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf "HEAD %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n" "$3" "$4" >&3
		cat <&3' raw_head "$host" "$port" "$path" "$hostport" >"$raw" || return 1
	# Header length in bytes, up to and including the blank line.
	hlen=$(LC_ALL=C awk '{ n += length($0) + 1 } /^\r?$/ { print n; exit }' "$raw")
	[ -n "$hlen" ] || { echo "no end of headers in the answer"; return 1; }
	head -c "$hlen" "$raw" >"$HDRS"
	tail -c +"$((hlen + 1))" "$raw" >"$BODY"
	STATUS=$(head -n 1 "$raw" | awk '{ print $2 }')
	contract_record HEAD "$1"
}

# jobj KEY VALUE ...: a JSON object of strings; a value "json:X" is the JSON X.
jobj() {
	local args=() f='{}' i=0
	while [ $# -ge 2 ]; do
		case $2 in
		json:*) args+=(--arg "k$i" "$1" --argjson "v$i" "${2#json:}") ;;
		*) args+=(--arg "k$i" "$1" --arg "v$i" "$2") ;;
		esac
		f="$f + {(\$k$i): \$v$i}"
		shift 2
		i=$((i + 1))
	done
	jq -cn "${args[@]}" "$f"
}

# jreq METHOD PATH JSON [curl args...]: a JSON request (JSON may be @FILE).
jreq() {
	local m=$1 p=$2 d=$3
	shift 3
	http "$m" "$p" -H "Content-Type: application/json" --data-binary "$d" "$@"
}

# expect_status CODE
expect_status() {
	if [ "$STATUS" != "$1" ]; then
		echo "expected status $1, got $STATUS"
		return 1
	fi
}

# expect_json JQ_EXPR: the body is JSON and the jq expression is true.
expect_json() {
	if ! jq -e "$1" "$BODY" >/dev/null 2>&1; then
		echo "jq expression failed: $1"
		return 1
	fi
}

# header NAME: prints the value of response header NAME (case-insensitive).
header() {
	awk -v n="$(printf '%s' "$1" | tr 'A-Z' 'a-z')" -F': ' '
		{ sub(/\r$/, ""); k = tolower($1) }
		k == n { sub(/^[^:]*: */, ""); print; exit }' "$HDRS"
}

# expect_header NAME [VALUE_REGEX]
expect_header() {
	local v
	v=$(header "$1")
	if [ -z "$v" ]; then
		echo "missing header $1"
		return 1
	fi
	if [ $# -ge 2 ] && ! printf '%s' "$v" | grep -Eq -- "$2"; then
		echo "header $1 is '$v', expected /$2/"
		return 1
	fi
}

# expect_error STATUS ERROR ERROR_CODE: the body follows the one error schema.
expect_error() {
	expect_status "$1" &&
		expect_json "
		.error == \"$2\" and .error_code == \"$3\" and .status_code == $1
		and (.message | type == \"string\" and length > 0)
		and .detail == .message
		and (.request_id | type == \"string\" and length > 0)
		and (.timestamp | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$\"))"
}

# wait_window SECONDS: makes sure SECONDS are left in the current rate-limit
# window (fixed windows of STRATUS_RATE_WINDOW seconds, aligned to the epoch).
wait_window() {
	local w=${STRATUS_RATE_WINDOW:-60} now left
	now=$(date +%s)
	left=$((w - now % w))
	if [ "$left" -lt "$1" ]; then sleep "$left.2"; fi
}

# put NAME VALUE / get NAME: values that later tests need (test bodies run
# in subshells, so variables set in them are lost).
put() { printf '%s' "$2" >"$TEST_TMP/v.$1"; }
get() {
	cat "$TEST_TMP/v.$1" 2>/dev/null ||
		{ echo "no saved $1 (an earlier test failed)" >&2; return 1; }
}

# jt FILTER [jq options...]: FILTER is true of the body.
jt() {
	local f=$1
	shift
	jq -e "$@" "$f" "$BODY" >/dev/null 2>&1 ||
		{ echo "jq filter failed: $f ($*)"; return 1; }
}
# json_is FILTER STRING / json_num FILTER JSON: the body's FILTER is that string / that JSON value.
json_is() {
	jq -e --arg v "$2" "($1) == \$v" "$BODY" >/dev/null 2>&1 ||
		{ echo "$1 is $(jq -c "$1" "$BODY" 2>/dev/null), expected \"$2\""; return 1; }
}
json_num() {
	jq -e --argjson v "$2" "($1) == \$v" "$BODY" >/dev/null 2>&1 ||
		{ echo "$1 is $(jq -c "$1" "$BODY" 2>/dev/null), expected $2"; return 1; }
}
# msg_has TEXT: the error's message contains TEXT (any case).
msg_has() {
	jq -e --arg v "$1" '.message | ascii_downcase | contains($v | ascii_downcase)' "$BODY" >/dev/null ||
		{ echo "message $(jq -c .message "$BODY") does not contain \"$1\""; return 1; }
}

# expect_fields FIELD...: 400 whose details.errors name each FIELD (and only
# fields among them).
expect_fields() {
	local want
	want=$(printf '%s\n' "$@" | jq -R . | jq -sc 'sort')
	expect_error 400 ValidationError VALIDATION_ERROR &&
		expect_json '.details.errors | type == "array" and length > 0' &&
		expect_json 'all(.details.errors[]; (.field | type == "string") and (.message | type == "string" and length > 0))' &&
		if ! jq -e --argjson w "$want" '[.details.errors[].field] | unique == $w' "$BODY" >/dev/null; then
			echo "details.errors name $(jq -c '[.details.errors[].field] | unique' "$BODY"), expected $want"
			return 1
		fi
}
