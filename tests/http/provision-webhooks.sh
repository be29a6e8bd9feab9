#!/usr/bin/env bash
# tests/http/provision-webhooks.sh: the provision suite's part on completion
# webhooks (split from provision.sh; the parts share
# tests/http/lib/provision.sh): a run with a callback_url POSTs its final
# status, signed, to a receiver on loopback; retries, a receiver that stays
# down, and the allow list checked when the request is made and again when
# the webhook is sent.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-provision-webhooks
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# The reconciler and stratusctl read the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/provision.sh
. "$(dirname "$0")/lib/provision.sh"

# cgi_post PATH BODY [VAR=value...]: POST BODY as the developer to the
# responder binary run as plain CGI, with the stack's configuration file and
# the VARs (the environment wins over the file: VAR= unsets a setting), for
# what the stack's own responders are configured otherwise; sets $STATUS,
# $HDRS and $BODY like http.
cgi_post() {
	local path=$1 raw=$TEST_TMP/cgi-raw
	printf '%s' "$2" >"$TEST_TMP/cgi-in"
	shift 2
	env -i PATH="$PATH" ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		STRATUS_CONFIG="$STRATUS_CONFIG_FILE" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=POST \
		PATH_INFO="$path" CONTENT_TYPE=application/json \
		CONTENT_LENGTH="$(wc -c <"$TEST_TMP/cgi-in")" HTTP_X_API_KEY="$DEV_KEY" "$@" \
		"$STRATUS_BIN" <"$TEST_TMP/cgi-in" >"$raw" 2>>"$WORK/cgi-provision.err"
	awk 'BEGIN { RS = "\r\n" } /^$/ { exit } { print }' "$raw" >"$HDRS"
	awk 'BEGIN { RS = "\r\n\r\n" } NR > 1 { printf "%s", $0 }' "$raw" >"$BODY"
	STATUS=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$HDRS")
}

# ------------------------------------------------------------------ completion webhooks

WH_PORT=$(stack_free_port $((20000 + RANDOM % 20000)))
WH_LOG=$TEST_TMP/webhooks.jsonl
: >"$WH_LOG"
/usr/bin/python3 "$STACK_SRC/tests/tools/webhook_receiver.py" "$WH_PORT" "$WH_LOG" \
	>"$WORK/webhook-receiver-provision.out" 2>&1 &
WH_PID=$!
trap 'kill "$WH_PID" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
stack_wait_http "http://127.0.0.1:$WH_PORT/" 10 || say "the webhook receiver did not start"
WH=http://127.0.0.1:$WH_PORT

# posts PATH: how many webhooks the receiver got on PATH.
posts() { jq -s --arg p "$1" '[.[] | select(.path == $p)] | length' "$WH_LOG"; }
# until_posts PATH N: passes until the receiver got N posts on PATH.
until_posts() {
	local i
	for ((i = 0; i < 30; i++)); do
		[ "$(posts "$1")" -ge "$2" ] && return 0
		reconcile && sleep 0.7
	done
	echo "the receiver got $(posts "$1") posts on $1, expected $2"
	return 1
}

test_expect_success 'a run with a callback_url POSTs its final status once, signed with HMAC-SHA256' '
	p="/ok/$RUN" &&
	rid=$(provision "$(aws "hook-$RUN" 2 | jq -c --arg u "$WH$p" ".callback_url = \$u")") &&
	settle "$rid" && jt ".status == \"completed\"" &&
	until_posts "$p" 1 &&
	reconcile && test "$(posts "$p")" = 1 &&
	jq -s --arg p "$p" "[.[] | select(.path == \$p)][0]" "$WH_LOG" >"$TEST_TMP/hook" &&
	body=$(jq -r .body "$TEST_TMP/hook") &&
	printf "%s" "$body" | jq -e --arg r "$rid" ".event == \"run.finished\" and .request_id == \$r
		and .kind == \"provision\" and .status == \"completed\" and .run_status == \"succeeded\"
		and (.instances | length == 2) and (.delivery_id | type == \"number\") and (.finished_at | type == \"string\")" &&
	sig=$(jq -r ".headers[\"X-Stratus-Signature\"]" "$TEST_TMP/hook") &&
	t=$(printf "%s" "$sig" | sed -n "s/^t=\([0-9]*\),v1=[0-9a-f]\{64\}$/\1/p") && test -n "$t" &&
	want=$(printf "%s.%s" "$t" "$body" | openssl dgst -sha256 -hmac "$STRATUS_WEBHOOK_SECRET" | sed "s/^.*= //") &&
	test "$sig" = "t=$t,v1=$want" &&
	now=$(date +%s) && test $((now - t)) -lt 120 &&
	jq -e ".headers[\"X-Stratus-Event\"] == \"run.finished\" and (.headers[\"X-Stratus-Delivery\"] | test(\"^[0-9]+$\"))
		and .headers[\"Content-Type\"] == \"application/json\"" "$TEST_TMP/hook" &&
	http GET "/runs/$rid/events?limit=1000" -H "$RO" &&
	jt "any(.items[]; .level == \"info\" and (.message | startswith(\"webhook delivered to $WH$p (HTTP 200, attempt 1)\")))"
'

test_expect_success 'a failing receiver is retried with backoff; a failed run reports failed' '
	p="/fail-2/$RUN" &&
	rid=$(provision "$(aws "hookf-$RUN" 1 | jq -c --arg u "$WH$p" ".callback_url = \$u")") &&
	mkdir -p "$(wd "$rid")" && echo 99 >"$(wd "$rid")/.fail-init" &&
	settle "$rid" && jt ".status == \"failed\"" &&
	until_posts "$p" 3 &&
	reconcile && test "$(posts "$p")" = 3 &&
	jq -s --arg p "$p" "[.[] | select(.path == \$p) | .headers[\"X-Stratus-Delivery\"]] | unique | length == 1" "$WH_LOG" &&
	jq -s --arg p "$p" "[.[] | select(.path == \$p) | .body | fromjson | .status] == [\"failed\",\"failed\",\"failed\"]" "$WH_LOG" &&
	test "$(stack_sql -N stratus -e "SELECT CONCAT(w.status, \" \", w.attempts, \" \", w.last_status) FROM webhooks w
		JOIN runs r ON r.id = w.run_id WHERE r.uuid = '"'"'$rid'"'"'")" = "delivered 3 200" &&
	http GET "/runs/$rid/events?level=warning&limit=1000" -H "$RO" &&
	jt "[.items[] | select(.message | startswith(\"webhook to $WH$p failed (attempt\"))] | length == 2" &&
	jt "any(.items[]; .message | contains(\"the receiver answered HTTP 500\"))"
'

test_expect_success 'a receiver that stays down: the webhook fails after its attempts, the run is untouched' '
	p="/down/$RUN" &&
	rid=$(provision "$(aws "hookd-$RUN" 1 | jq -c --arg u "$WH$p" ".callback_url = \$u")") &&
	for i in $(seq 30); do
		STRATUS_WEBHOOK_ATTEMPTS=2 "$STRATUS_RECONCILE" --once >>"$RLOG" 2>&1 &&
		[ "$(posts "$p")" -ge 2 ] && break
		sleep 0.7
	done &&
	STRATUS_WEBHOOK_ATTEMPTS=2 "$STRATUS_RECONCILE" --once >>"$RLOG" 2>&1 &&
	test "$(posts "$p")" = 2 &&
	test "$(stack_sql -N stratus -e "SELECT CONCAT(w.status, \" \", w.attempts) FROM webhooks w
		JOIN runs r ON r.id = w.run_id WHERE r.uuid = '"'"'$rid'"'"'")" = "failed 2" &&
	http GET "/status/$rid" -H "$RO" && jt ".status == \"completed\"" &&
	http GET "/runs/$rid/events?level=error" -H "$RO" &&
	jt "any(.items[]; .message | startswith(\"webhook to $WH$p failed after 2 attempts\"))"
'

# wh_state RID: "<status> <attempts>" of the webhook of request RID.
wh_state() {
	stack_sql -N stratus -e "SELECT CONCAT(w.status, ' ', w.attempts) FROM webhooks w
		JOIN runs r ON r.id = w.run_id WHERE r.uuid = '$1'"
}

test_expect_success 'a responder with no allow list (production) refuses loopback callbacks, localhost too' '
	for u in "https://localhost/hook" "https://127.0.0.1/hook" "http://127.0.0.1:$WH_PORT/ok" \
		"https://[::ffff:127.0.0.1]/" "https://2130706433/" "https://0x7f.1/" "https://127.1/"; do
		cgi_post /provision "$(a_with ".callback_url = \$u" --arg u "$u")" \
			STRATUS_WEBHOOK_ALLOW= STRATUS_CALLBACK_ALLOW= &&
		expect_fields callback_url && field_msg callback_url "loopback" || { echo "$u"; exit 1; }
	done &&
	field_msg callback_url "points at 127.0.0.1" &&
	cgi_post /provision "$(a_with ".callback_url = \"https://localhost/hook\"")" \
		STRATUS_WEBHOOK_ALLOW= STRATUS_CALLBACK_ALLOW= &&
	field_msg callback_url "has a host that resolves to 127.0.0.1, a loopback address"
'

test_expect_success 'the deprecated STRATUS_CALLBACK_ALLOW is parsed, not matched as a prefix' '
	cgi_post /provision "$(a_with ".callback_url = \"http://127.0.0.1:80@evil.example/\"")" \
		STRATUS_WEBHOOK_ALLOW= STRATUS_CALLBACK_ALLOW=http://127.0.0.1: &&
	expect_fields callback_url && field_msg callback_url "user information" &&
	cgi_post /provision "$(a_with ".callback_url = \"http://127.0.0.10:8080/\"")" \
		STRATUS_WEBHOOK_ALLOW= STRATUS_CALLBACK_ALLOW=http://127.0.0.1: &&
	expect_fields callback_url &&
	p="/ok/legacy/$RUN" &&
	cgi_post /provision "$(aws "hooklegacy-$RUN" 1 | jq -c --arg u "$WH$p" ".callback_url = \$u")" \
		STRATUS_WEBHOOK_ALLOW= STRATUS_CALLBACK_ALLOW=http://127.0.0.1: &&
	expect_status 202 && rid=$(jq -r .request_id "$BODY") &&
	http POST "/runs/$rid/cancel" -H "$DEV" --data-binary "" && expect_status 200 &&
	STRATUS_WEBHOOK_ALLOW= STRATUS_CALLBACK_ALLOW=http://127.0.0.1: "$STRATUS_RECONCILE" --once >>"$RLOG" 2>&1 &&
	test "$(posts "$p")" = 1 && test "$(wh_state "$rid")" = "delivered 1"
'

test_expect_success 'delivery checks the URL again: a name allowed when the request was made, refused when it is sent, is never sent' '
	p="/ok/late/$RUN" &&
	cgi_post /provision "$(aws "hooklate-$RUN" 1 | jq -c --arg u "http://localhost:$WH_PORT$p" ".callback_url = \$u")" \
		STRATUS_WEBHOOK_ALLOW=http://localhost &&
	expect_status 202 && rid=$(jq -r .request_id "$BODY") &&
	http POST "/runs/$rid/cancel" -H "$DEV" --data-binary "" && expect_status 200 &&
	test "$(wh_state "$rid")" = "pending 0" &&
	STRATUS_WEBHOOK_ALLOW= STRATUS_CALLBACK_ALLOW= "$STRATUS_RECONCILE" --once >>"$RLOG" 2>&1 &&
	test "$(wh_state "$rid")" = "failed 1" &&
	reconcile && test "$(wh_state "$rid")" = "failed 1" &&
	test "$(posts "$p")" = 0 &&
	http GET "/runs/$rid/events?level=error" -H "$RO" &&
	jt "any(.items[]; (.message | startswith(\"webhook to http://localhost:\(\$port)\(\$p) refused, not sent: the URL has a host that resolves to \"))
		and (.message | contains(\"a loopback address\")))" --arg port "$WH_PORT" --arg p "$p" &&
	http GET /status/"$rid" -H "$RO" && jt ".status == \"canceled\""
'

test_expect_success 'a name the allow list admits is resolved once and delivered to the checked address' '
	p="/ok/name/$RUN" &&
	cgi_post /provision "$(aws "hookname-$RUN" 1 | jq -c --arg u "http://localhost:$WH_PORT$p" ".callback_url = \$u")" \
		STRATUS_WEBHOOK_ALLOW=http://localhost &&
	expect_status 202 && rid=$(jq -r .request_id "$BODY") &&
	http POST "/runs/$rid/cancel" -H "$DEV" --data-binary "" && expect_status 200 &&
	STRATUS_WEBHOOK_ALLOW="http://localhost:$WH_PORT" STRATUS_CALLBACK_ALLOW= "$STRATUS_RECONCILE" --once >>"$RLOG" 2>&1 &&
	test "$(posts "$p")" = 1 && test "$(wh_state "$rid")" = "delivered 1" &&
	jq -s --arg p "$p" "[.[] | select(.path == \$p)][0].headers.Host" "$WH_LOG" | grep -q "localhost:$WH_PORT"
'

test_expect_success 'a bad STRATUS_WEBHOOK_ALLOW stops the reconciler at start, naming the entry' '
	rc=0 && STRATUS_WEBHOOK_ALLOW="10.0.0.5/8" "$STRATUS_RECONCILE" --once >"$TEST_TMP/badallow" 2>&1 || rc=$? &&
	test "$rc" = 1 &&
	grep -q "STRATUS_WEBHOOK_ALLOW: entry .10.0.0.5/8. has bits set past its prefix length" "$TEST_TMP/badallow" &&
	rc=0 && STRATUS_WEBHOOK_ALLOW= STRATUS_CALLBACK_ALLOW="127.0.0.1" "$STRATUS_RECONCILE" --once >"$TEST_TMP/badallow" 2>&1 || rc=$? &&
	test "$rc" = 1 && grep -q "STRATUS_CALLBACK_ALLOW: entry .127.0.0.1. must start with http://" "$TEST_TMP/badallow"
'

test_done
