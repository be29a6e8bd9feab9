#!/usr/bin/env bash
# tests/http/provision-airflow.sh: the provision suite's part on the Airflow
# executor (split from provision.sh; the parts share
# tests/http/lib/provision.sh): Stratus triggers a DAG run on a stand-in of
# Airflow's REST API and follows it to its end; a failed task, refused
# credentials, and no destroy here of what Airflow carried out.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-provision-airflow
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

test_done
