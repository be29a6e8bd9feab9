#!/usr/bin/env bash
# tests/http/provision-hooks.sh: the provision suite's part on what runs
# around a provisioning run (split from provision.sh, which it shares
# tests/http/lib/provision.sh with): the Airflow executor, the completion
# webhooks, and Idempotency-Key on POST /provision.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-provision-hooks
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# The reconciler and stratusctl read the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/provision.sh
. "$(dirname "$0")/lib/provision.sh"

# ------------------------------------------------------------------ the airflow executor

# A stand-in of Airflow's stable REST API on loopback (tests/tools/airflow_api.py).
AF_PORT=$(stack_free_port $((20000 + RANDOM % 20000)))
/usr/bin/python3 "$STACK_SRC/tests/tools/airflow_api.py" "$AF_PORT" af-user "af-pass-$RUN" \
	>"$WORK/airflow-api-provision.out" 2>&1 &
AF_PID=$!
trap 'kill "$AF_PID" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
stack_wait_http "http://127.0.0.1:$AF_PORT/_requests" 10 || say "the Airflow stand-in did not start"

# af_reconcile [AIRFLOW_PASSWORD]: one pass of a reconciler that knows Airflow.
af_reconcile() {
	AIRFLOW_URL="http://127.0.0.1:$AF_PORT" AIRFLOW_USERNAME=af-user \
		AIRFLOW_PASSWORD="${1:-af-pass-$RUN}" AIRFLOW_POLL_SECONDS=1 \
		"$STRATUS_RECONCILE" --once >>"$RLOG" 2>&1
}
# af_request PREFIX: a request carried out by Airflow (what STRATUS_EXECUTOR=airflow
# makes at creation; the test stack's responders use terraform).
af_request() {
	local rid
	rid=$(provision "$(aws "$1" 2)") &&
		stack_sql stratus -e "UPDATE runs r JOIN tasks t ON t.run_id = r.id SET r.executor = 'airflow',
			t.executor = 'airflow' WHERE r.uuid = '$rid'" && echo "$rid"
}
# af_settle RID: passes, a second apart, until the request is no longer in progress.
af_settle() {
	local i
	for ((i = 0; i < 40; i++)); do
		af_reconcile || return 1
		http GET "/status/$1" -H "$RO" || return 1
		[ "$(jq -r .status "$BODY")" != in_progress ] && return 0
		sleep 1.1
	done
	echo "request $1 still in progress"
	return 1
}

test_expect_success 'the airflow executor: Stratus triggers the DAG run and follows it to completed' '
	rid=$(af_request "af-$RUN") &&
	reconcile &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".tasks[0].status == \"ready\" and .tasks[0].attempts == 0" &&
	af_reconcile &&
	http GET "/runs/$rid/events" -H "$RO" &&
	jt "any(.items[]; .message == \"Airflow DAG run stratus-\(\$r) of stratus_provision triggered\")" --arg r "$rid" &&
	af_settle "$rid" &&
	jt ".status == \"completed\" and .run_status == \"succeeded\"" &&
	jt ".instances == [{\"instance_id\":\"i-af000000000000000\",\"private_ip\":\"10.1.0.4\",\"public_ip\":\"198.51.100.10\"},
		{\"instance_id\":\"i-af000000000000001\",\"private_ip\":\"10.1.0.5\",\"public_ip\":\"198.51.100.11\"}]" &&
	jt "all(.tasks[]; .status == \"succeeded\" and .attempts == 1)" &&
	test ! -e "$(wd "$rid")" &&
	put af "$rid"
'

test_expect_success 'the DAG run got the request as its conf, with basic auth' '
	rid=$(get af) &&
	curl -sf "http://127.0.0.1:$AF_PORT/_requests" >"$BODY" &&
	jt "[.[] | select(.method == \"POST\" and .body.dag_run_id == \"stratus-\(\$r)\")] | length == 1" --arg r "$rid" &&
	jt ".[] | select(.method == \"POST\" and .body.dag_run_id == \"stratus-\(\$r)\") | .path == \"/api/v1/dags/stratus_provision/dagRuns\"
		and .body.conf.request_id == \$r and .body.conf.cloud_provider == \"aws\" and .body.conf.count == 2
		and .body.conf.provider_config.ami_id == \"ami-12345\"" --arg r "$rid"
'

test_expect_success 'the airflow executor: a task Airflow failed for good fails the run at once' '
	rid=$(af_request "fail-af-$RUN") &&
	af_settle "$rid" &&
	jt ".status == \"failed\"" &&
	jt ".tasks[2] | .status == \"failed\" and .attempts == 1 and (.last_error | contains(\"the Airflow task terraform_apply is failed (try 4)\"))" &&
	jt ".message | contains(\"terraform_apply failed after 1 attempts\")"
'

test_expect_success 'the airflow executor: Airflow refusing the credentials is a failed, retried attempt' '
	rid=$(af_request "afauth-$RUN") &&
	af_reconcile wrong-password &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".tasks[0].status == \"retrying\" and .tasks[0].attempts == 1 and (.tasks[0].last_error | contains(\"HTTP 401\"))" &&
	! grep -q "wrong-password" "$RLOG" &&
	sleep 1.1 && af_settle "$rid" && jt ".status == \"completed\" and .tasks[0].attempts == 2"
'

test_expect_success 'requests carried out by Airflow are not destroyed here (409)' '
	http GET "/status/$(get af)" -H "$RO" && jt ".actions.is_destroyable == false" &&
	http POST "/provision/$(get af)/destroy" -H "$DEV" --data-binary "" &&
	expect_error 409 Conflict CONFLICT && jt ".message | contains(\"airflow\")"
'

# ------------------------------------------------------------------ completion webhooks

WH_PORT=$(stack_free_port $((20000 + RANDOM % 20000)))
WH_LOG=$TEST_TMP/webhooks.jsonl
: >"$WH_LOG"
/usr/bin/python3 "$STACK_SRC/tests/tools/webhook_receiver.py" "$WH_PORT" "$WH_LOG" \
	>"$WORK/webhook-receiver-provision.out" 2>&1 &
WH_PID=$!
trap 'kill "$AF_PID" "$WH_PID" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
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

# ------------------------------------------------------------------ Idempotency-Key

test_expect_success 'Idempotency-Key: the same key and body replays the first answer' '
	k="idem-$RUN-1" && body=$(aws "idem-$RUN" 1) &&
	jreq POST /provision "$body" -H "$DEV" -H "Idempotency-Key: $k" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)" &&
	cp "$BODY" "$TEST_TMP/idem-first" &&
	jreq POST /provision "$body" -H "$DEV" -H "Idempotency-Key: $k" &&
	expect_status 202 && expect_header Idempotent-Replayed "^true$" &&
	cmp "$BODY" "$TEST_TMP/idem-first" &&
	test "$(stack_sql -N stratus -e "SELECT COUNT(*) FROM runs WHERE idempotency_key = '"'"'$k'"'"'")" = 1 &&
	put idem "$(jq -r .request_id "$BODY")"
'

test_expect_success 'Idempotency-Key: still replayed after the run completed' '
	settle "$(get idem)" && jt ".status == \"completed\"" &&
	jreq POST /provision "$(aws "idem-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: idem-$RUN-1" &&
	expect_status 202 && expect_header Idempotent-Replayed "^true$" &&
	jt ".request_id == \$r and .status == \"in_progress\" and .instances == null" --arg r "$(get idem)"
'

test_expect_success 'Idempotency-Key: the same key with another body is 422' '
	jreq POST /provision "$(aws "idem-$RUN" 2)" -H "$DEV" -H "Idempotency-Key: idem-$RUN-1" &&
	expect_error 422 UnprocessableEntity UNPROCESSABLE_ENTITY &&
	jt ".message | contains(\"different request body\")" &&
	test -z "$(header Idempotent-Replayed)"
'

test_expect_success 'Idempotency-Key: keys belong to their creator' '
	mkuser dev2 developer &&
	k2=$("$STRATUSCTL" apikey create --name "prov-dev2-$RUN" --user "$(email dev2)") &&
	jreq POST /provision "$(aws "idem-$RUN" 1)" -H "$(key "$k2")" -H "Idempotency-Key: idem-$RUN-1" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)" &&
	jt ".request_id != \$r" --arg r "$(get idem)"
'

test_expect_success 'Idempotency-Key is compared byte for byte: CaseKey and CASEKEY are two keys' '
	body=$(aws "idemcase-$RUN" 1) &&
	jreq POST /provision "$body" -H "$DEV" -H "Idempotency-Key: CaseKey-$RUN" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)" &&
	first=$(jq -r .request_id "$BODY") &&
	jreq POST /provision "$body" -H "$DEV" -H "Idempotency-Key: CASEKEY-$RUN" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)" &&
	jt ".request_id != \$r" --arg r "$first" &&
	second=$(jq -r .request_id "$BODY") &&
	jreq POST /provision "$(aws "idemcase-$RUN" 2)" -H "$DEV" -H "Idempotency-Key: casekey-$RUN" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)" &&
	jreq POST /provision "$body" -H "$DEV" -H "Idempotency-Key: CASEKEY-$RUN" &&
	expect_status 202 && expect_header Idempotent-Replayed "^true$" &&
	jt ".request_id == \$r" --arg r "$second"
'

test_expect_success 'Idempotency-Key: a key whose first request is still being processed is 409' '
	k="idem-$RUN-busy" &&
	{ stack_sql stratus -e "BEGIN; INSERT INTO runs (uuid, kind, executor, status, input, created_by,
		idempotency_key, request_hash, created_at, updated_at) VALUES (UUID(), '"'"'provision'"'"',
		'"'"'terraform'"'"', '"'"'queued'"'"', '"'"'{}'"'"', '"'"'prov-dev-$RUN'"'"', '"'"'$k'"'"', '"'"'x'"'"',
		UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)); SELECT SLEEP(4); ROLLBACK;" >/dev/null & } &&
	holder=$! && sleep 1 &&
	jreq POST /provision "$(aws "busy-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: $k" &&
	expect_error 409 Conflict CONFLICT && expect_header Retry-After "^1$" &&
	jt ".message | contains(\"still being processed\")" &&
	wait "$holder" &&
	jreq POST /provision "$(aws "busy-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: $k" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)"
'

test_expect_success 'Idempotency-Key: a key beyond printable ASCII or over 255 characters is 400' '
	jreq POST /provision "$(aws "idem-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: caf$(printf "\303\251")" &&
	expect_fields Idempotency-Key &&
	jreq POST /provision "$(aws "idem-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: $(printf "k%.0s" $(seq 256))" &&
	expect_fields Idempotency-Key
'

test_expect_success 'Idempotency-Key: 1 and 255 characters are accepted (the bounds)' '
	k255="$(printf "k%.0s" $(seq 250))$(printf "%05d" $((RANDOM % 100000)))" &&
	jreq POST /provision "$(aws "idemedge-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: $k255" &&
	expect_status 202 && a=$(jq -r .request_id "$BODY") &&
	test "$(stack_sql -N stratus -e "SELECT LENGTH(idempotency_key) FROM runs WHERE uuid = '"'"'$a'"'"'")" = 255 &&
	jreq POST /provision "$(aws "idemedge-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: $k255" &&
	expect_status 202 && expect_header Idempotent-Replayed "^true$" &&
	jreq POST /provision "$(aws "idemedge-$RUN" 1)" -H "$OTHER" -H "Idempotency-Key: ~" &&
	expect_status 202 && b=$(jq -r .request_id "$BODY") &&
	for r in "$a" "$b"; do http POST "/runs/$r/cancel" -H "$ADM" --data-binary "" && expect_status 200 || exit 1; done
'


test_done
