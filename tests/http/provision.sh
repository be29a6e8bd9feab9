#!/usr/bin/env bash
# tests/http/provision.sh: provisioning runs end to end against the real
# stack: POST /provision, the reconciler (stratus-reconcile --once, run here
# as cron would run it) driving the stand-in terraform of tests/tools,
# GET /status/{request_id}, retries, failures, the step time limit, the run
# log with its cursor, every bad input, roles, lists and filters.
#
# The stand-in is told what to do by files in the request's working
# directory ($STRATUS_WORKDIR/<request_id>/), which a test may create before
# the first pass: .fail-apply holding N fails the next N applies.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-provision
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# The reconciler and stratusctl read the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
FIX_DOMAIN=provision.test FIX_LOGIN=prov- FIX_NAME=Provision
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

: "${STRATUS_RECONCILE:?STRATUS_RECONCILE must name the stratus-reconcile binary}"
RLOG=$WORK/reconcile-provision.log
STEPS='["prepare_terraform_vars","terraform_init","terraform_apply"]'

# ------------------------------------------------------------------ helpers


# reconcile: one pass, as cron runs it; its log lines are kept for the
# sanitizer scan.
reconcile() {
	"$STRATUS_RECONCILE" --once --jobs 4 >>"$RLOG" 2>&1
}

# settle RID [TRIES]: passes until the request is no longer in progress
# (retries are 1 s apart in the tests).
settle() {
	local i
	for ((i = 0; i < ${2:-30}; i++)); do
		reconcile || { echo "stratus-reconcile failed; see $RLOG"; tail -5 "$RLOG"; return 1; }
		http GET "/status/$1" -H "$RO" || return 1
		[ "$(jq -r .status "$BODY")" != in_progress ] && return 0
		sleep 0.5
	done
	echo "request $1 still in progress after ${2:-30} passes"
	return 1
}

wd() { printf '%s/%s' "$STRATUS_WORKDIR" "$1"; }
# hanging RID: the stand-in's apply of RID is in its hang (its sleep is
# alive: running or sleeping, not a zombie waiting to be reaped).
hanging() {
	local p st
	p=$(cat "$(wd "$1")/.hang.pid" 2>/dev/null) && [ -n "$p" ] &&
		st=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | cut -d" " -f1) &&
		[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
# wait_hanging RID: up to 10 s for the apply of RID to start hanging.
wait_hanging() {
	local i
	for ((i = 0; i < 100; i++)); do
		hanging "$1" && return 0
		sleep 0.1
	done
	echo "the apply of $1 never hung"
	return 1
}
applies() { [ -f "$(wd "$1")/apply.log" ] && wc -l <"$(wd "$1")/apply.log" || echo 0; }

AWS_CFG='{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345",
	"security_group_ids":["sg-12345","sg-67890"],"ami_id":"ami-12345"}'
OCI_CFG='{"region":"us-ashburn-1","compartment_id":"ocid1.compartment.oc1..aaaa",
	"availability_domain":"Uocm:PHX-AD-1","shape":"VM.Standard2.1",
	"image_id":"ocid1.image.oc1.iad.bbbb","subnet_id":"ocid1.subnet.oc1.iad.cccc"}'
# aws PREFIX COUNT: a valid AWS request body.
aws() { jobj cloud_provider aws provider_config "json:$AWS_CFG" instance_name_prefix "$1" count "json:$2"; }
oci() { jobj cloud_provider oci provider_config "json:$OCI_CFG" instance_name_prefix "$1" count "json:$2"; }

# bad BODY FIELD...: POST /provision as the developer is 400 naming FIELDs.
bad() {
	local body=$1
	shift
	jreq POST /provision "$body" -H "$DEV" && expect_fields "$@" ||
		{ echo "body: $body"; return 1; }
}
# a_with FILTER [jq options...]: the valid AWS body changed by FILTER.
a_with() {
	local f=$1
	shift
	jq -c "$@" "$f" <<<"$(aws "x-$RUN" 1)"
}
o_with() { jq -c "$1" <<<"$(oci "x-$RUN" 1)"; }

# field_msg FIELD TEXT: the 400 names FIELD with a message containing TEXT.
field_msg() {
	jq -e --arg f "$1" --arg t "$2" 'any(.details.errors[]; .field == $f and (.message | contains($t)))' \
		"$BODY" >/dev/null || { echo "no $1 error containing \"$2\": $(jq -c .details "$BODY")"; return 1; }
}

# provision BODY: POST as the developer, expects 202, prints the request id.
provision() {
	jreq POST /provision "$1" -H "$DEV" &&
		{ expect_status 202 >&2 || { head -c 600 "$BODY" >&2; return 1; }; } &&
		jq -r .request_id "$BODY"
}

# ------------------------------------------------------------------ bootstrap

mkuser dev developer
mkuser ro readonly
# Another developer and an admin: runs belong to their creator, whom admins may overrule.
mkuser other developer
mkuser adm admin
DEV_KEY=$("$STRATUSCTL" apikey create --name "prov-dev-$RUN" --user "$(email dev)")
RO_KEY=$("$STRATUSCTL" apikey create --name "prov-ro-$RUN" --user "$(email ro)")
OTHER_KEY=$("$STRATUSCTL" apikey create --name "prov-other-$RUN" --user "$(email other)")
ADM_KEY=$("$STRATUSCTL" apikey create --name "prov-adm-$RUN" --user "$(email adm)")
DEV=$(key "$DEV_KEY") RO=$(key "$RO_KEY") OTHER=$(key "$OTHER_KEY") ADM=$(key "$ADM_KEY")
DEV_ID=$(curl -sS -H "$DEV" "$BASE_URL/auth/me" | jq -r .id)

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

test_expect_success 'developer, readonly and admin keys; the stand-in terraform is configured' '
	test -n "$DEV_KEY" && test -n "$RO_KEY" && test -n "$OTHER_KEY" && test -n "$ADM_KEY" &&
	test "$DEV_ID" -gt 0 &&
	test -x "$TERRAFORM_BIN" && test -x "$STRATUS_RECONCILE" &&
	"$TERRAFORM_BIN" version | grep -q "stand-in"
'

# ------------------------------------------------------------------ the whole flow

test_expect_success 'POST /provision answers 202 with the request id, in_progress and no instances' '
	jreq POST /provision "$(aws "web-$RUN" 2)" -H "$DEV" &&
	expect_status 202 &&
	jt ".request_id | test(\$re)" --arg re "$UUID_RE" &&
	jt ".status == \"in_progress\" and .message == \"Request received and DAG triggered\"" &&
	jt ".instances == null" &&
	jt ".actions | (.is_cancelable | type == \"boolean\") and (.is_retryable | type == \"boolean\") and (.is_destroyable | type == \"boolean\")" &&
	expect_header Location "/status/[0-9a-f-]{36}$" &&
	put flow "$(jq -r .request_id "$BODY")"
'

test_expect_success 'before any pass GET /status shows the three steps, the first one ready' '
	rid=$(get flow) &&
	http GET "/status/$rid" -H "$RO" &&
	expect_status 200 &&
	jt ".request_id == \$r and .status == \"in_progress\" and .run_status == \"queued\"" --arg r "$rid" &&
	jt ".message == \"Request received and DAG triggered\" and .instances == null" &&
	jt "[.tasks[].name] == $STEPS" &&
	jt "[.tasks[].status] == [\"ready\",\"pending\",\"pending\"]" &&
	jt "all(.tasks[]; .attempts == 0 and .max_attempts == 3 and .last_error == null)" &&
	jt ".tasks[1].depends_on == [\"prepare_terraform_vars\"] and .tasks[2].depends_on == [\"terraform_init\"]" &&
	jt ".cloud_provider == \"aws\" and .count == 2 and .instance_name_prefix == \$p" --arg p "web-$RUN" &&
	jt "(.created_at | test(\$ts)) and .started_at == null and .finished_at == null" --arg ts "$TS_RE"
'

test_expect_success 'stratus-reconcile --once carries the request to completed with its instances' '
	rid=$(get flow) &&
	settle "$rid" &&
	jt ".status == \"completed\" and .run_status == \"succeeded\"" &&
	jt ".message == \"Instance provisioning completed successfully\"" &&
	jt ".instances | length == 2" &&
	jt "all(.instances[]; (.instance_id | test(\"^i-[0-9a-f]{17}$\")) and (.private_ip | test(\"^10[.]\")) and (.public_ip | type == \"string\"))" &&
	jt "[.instances[].instance_id] | unique | length == 2" &&
	jt "all(.tasks[]; .status == \"succeeded\" and .attempts == 1)" &&
	jt "(.started_at | test(\$ts)) and (.finished_at | test(\$ts))" --arg ts "$TS_RE" &&
	jt ".actions.is_cancelable == false"
'

test_expect_success 'a reconciler pass forgets build_hours older than two days, keeps the rest' '
	stack_sql stratus -e "INSERT INTO build_hours (hour, platform_id, shard, builds) VALUES
		(DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL 3 DAY, \"%Y-%m-%d %H:00:00\"), 4000000000, 0, 7),
		(DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL 1 DAY, \"%Y-%m-%d %H:00:00\"), 4000000000, 0, 5)" &&
	reconcile &&
	x=$(stack_sql -N stratus -e "SELECT GROUP_CONCAT(builds) FROM build_hours WHERE platform_id = 4000000000" || true) &&
	stack_sql stratus -e "DELETE FROM build_hours WHERE platform_id = 4000000000" &&
	{ [ "$x" = 5 ] || { echo "rows left: $x, expected 5"; return 1; }; }
'

test_expect_success 'the working directory holds the module and the variables of the request' '
	d=$(wd "$(get flow)") &&
	cmp "$d/main.tf" "$STRATUS_MODULES_DIR/aws/main.tf" &&
	jq -e --arg p "web-$RUN" ".instance_count == 2 and .instance_name_prefix == \$p and .region == \"us-east-2\"
		and .security_group_ids == [\"sg-12345\",\"sg-67890\"] and .ami_id == \"ami-12345\"
		and .subnet_id == \"subnet-12345\" and .instance_type == \"t2.micro\"" "$d/terraform.tfvars.json" &&
	test -d "$d/.terraform" && test -f "$d/terraform.tfstate" &&
	test "$(applies "$(get flow)")" = 1
'

test_expect_success 'terraform got a clean environment: the AWS credentials, none of Stratus'"'"'s secrets' '
	d=$(wd "$(get flow)") &&
	grep -qx AWS_ACCESS_KEY_ID "$d/.env-names" &&
	grep -qx AWS_SECRET_ACCESS_KEY "$d/.env-names" &&
	grep -qx TF_IN_AUTOMATION "$d/.env-names" &&
	! grep -Eqx "DATABASE_URL|JWT_SECRET_KEY|STRATUS_KEY_PEPPER|STRATUS_CONFIG|LD_PRELOAD|ASAN_OPTIONS" "$d/.env-names"
'

test_expect_success 'another pass changes nothing: no second apply' '
	rid=$(get flow) &&
	reconcile &&
	test "$(applies "$rid")" = 1 &&
	http GET "/status/$rid" -H "$RO" && jt ".status == \"completed\" and all(.tasks[]; .attempts == 1)"
'

test_expect_success 'an OCI request completes with OCI instance ids' '
	rid=$(provision "$(oci "db-$RUN" 3)") &&
	settle "$rid" &&
	jt ".status == \"completed\" and (.instances | length == 3)" &&
	jt "all(.instances[]; .instance_id | startswith(\"ocid1.instance.\"))" &&
	cmp "$(wd "$rid")/main.tf" "$STRATUS_MODULES_DIR/oci/main.tf" &&
	jq -e ".compartment_id == \"ocid1.compartment.oc1..aaaa\" and .shape == \"VM.Standard2.1\" and .instance_count == 3" \
		"$(wd "$rid")/terraform.tfvars.json"
'

# ------------------------------------------------------------------ retries and failures

test_expect_success 'an apply that fails twice then succeeds ends completed after 3 attempts' '
	rid=$(provision "$(aws "retry-$RUN" 1)") &&
	mkdir -p "$(wd "$rid")" && echo 2 >"$(wd "$rid")/.fail-apply" &&
	settle "$rid" &&
	jt ".status == \"completed\" and (.instances | length == 1)" &&
	jt ".tasks[2] | .name == \"terraform_apply\" and .status == \"succeeded\" and .attempts == 3" &&
	jt ".tasks[2].last_error | contains(\"simulated apply failure\")" &&
	jt ".tasks[0].attempts == 1 and .tasks[1].attempts == 1" &&
	test "$(applies "$rid")" = 1 &&
	put retry "$rid"
'

test_expect_success 'between attempts the request says it will retry, with the error' '
	rid=$(provision "$(aws "between-$RUN" 1)") &&
	mkdir -p "$(wd "$rid")" && echo 1 >"$(wd "$rid")/.fail-apply" &&
	reconcile &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".status == \"in_progress\" and .run_status == \"running\"" &&
	jt ".tasks[2].status == \"retrying\" and .tasks[2].attempts == 1 and (.tasks[2].next_attempt_at | type == \"string\")" &&
	jt ".message | contains(\"terraform_apply failed (attempt 1 of 3)\") and contains(\"simulated apply failure\")" &&
	settle "$rid" && jt ".status == \"completed\""
'

test_expect_success 'an apply that always fails ends failed after 3 attempts with the error in status' '
	rid=$(provision "$(aws "fail-$RUN" 1)") &&
	mkdir -p "$(wd "$rid")" && echo 99 >"$(wd "$rid")/.fail-apply" &&
	settle "$rid" &&
	jt ".status == \"failed\" and .run_status == \"failed\" and .instances == null" &&
	jt ".tasks[2] | .status == \"failed\" and .attempts == 3 and (.last_error | contains(\"simulated apply failure\"))" &&
	jt ".message | startswith(\"Instance provisioning failed: terraform_apply failed after 3 attempts\")" &&
	jt ".message | contains(\"simulated apply failure\")" &&
	jt ".finished_at | test(\$ts)" --arg ts "$TS_RE" &&
	test "$(applies "$rid")" = 0 &&
	put failed "$rid"
'

test_expect_success 'a step that fails for good cancels the steps after it' '
	rid=$(provision "$(aws "initfail-$RUN" 1)") &&
	mkdir -p "$(wd "$rid")" && echo 99 >"$(wd "$rid")/.fail-init" &&
	settle "$rid" &&
	jt ".status == \"failed\"" &&
	jt "[.tasks[].status] == [\"succeeded\",\"failed\",\"canceled\"]" &&
	jt ".tasks[2].attempts == 0" &&
	jt ".message | contains(\"terraform_init failed after 3 attempts\")"
'

test_expect_success 'a step past its time limit is stopped with its process group, then retried' '
	rid=$(provision "$(aws "hang-$RUN" 1)") &&
	secs=$((3000 + RANDOM % 500)) &&
	mkdir -p "$(wd "$rid")" && echo "$secs" >"$(wd "$rid")/.hang-apply" &&
	stack_sql stratus -e "UPDATE tasks t JOIN runs r ON r.id = t.run_id SET t.timeout_s = 2
		WHERE r.uuid = '"'"'$rid'"'"'" &&
	reconcile &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".tasks[2].status == \"retrying\" and (.tasks[2].last_error | contains(\"timed out after 2s\"))" &&
	! hanging "$rid" &&
	rm "$(wd "$rid")/.hang-apply" &&
	settle "$rid" && jt ".status == \"completed\" and .tasks[2].attempts == 2"
'

# ------------------------------------------------------------------ runs and their log

test_expect_success 'GET /runs/{id} shows the run: kind, input, output, tasks, actions' '
	rid=$(get flow) &&
	http GET "/runs/$rid" -H "$RO" &&
	expect_status 200 &&
	jt ".id == \$r and .kind == \"provision\" and .status == \"succeeded\" and .executor == \"terraform\"" --arg r "$rid" &&
	jt ".input.cloud_provider == \"aws\" and .input.count == 2 and .input.request_id == \$r" --arg r "$rid" &&
	jt ".input.provider_config.security_group_ids == [\"sg-12345\",\"sg-67890\"]" &&
	jt ".output.instances | length == 2" &&
	jt "[.tasks[].name] == $STEPS" &&
	jt "(.created_by | startswith(\"prov-dev-\")) and (.created_at | test(\$ts))" --arg ts "$TS_RE" &&
	jt ".actions | has(\"is_cancelable\") and has(\"is_retryable\") and has(\"is_destroyable\")"
'

test_expect_success 'GET /runs/{id}/events is the log: steps, terraform output, oldest first' '
	rid=$(get flow) &&
	http GET "/runs/$rid/events" -H "$RO" &&
	expect_status 200 &&
	jt ".run_id == \$r and .run_status == \"succeeded\"" --arg r "$rid" &&
	jt "[.items[].id] | . == sort and length > 5" &&
	jt ".next_after == .items[-1].id" &&
	jt "all(.items[]; (.time | test(\$ts)) and (.level | IN(\"debug\",\"info\",\"warning\",\"error\")) and (.message | type == \"string\"))" --arg ts "$TS_RE" &&
	jt "any(.items[]; .message == \"run created with 3 tasks (executor terraform)\")" &&
	jt "any(.items[]; .task == \"terraform_apply\" and .stream == \"stdout\" and (.message | startswith(\"Apply complete!\")))" &&
	jt "any(.items[]; .task == \"terraform_init\" and .attempt == 1 and (.message | contains(\"successfully initialized\")))" &&
	jt "any(.items[]; .message == \"run is succeeded\")"
'

test_expect_success 'the events cursor: ?after= returns only later events, and limit pages' '
	rid=$(get flow) &&
	http GET "/runs/$rid/events?limit=3" -H "$RO" &&
	jt ".items | length == 3" &&
	c=$(jq .next_after "$BODY") && first=$(jq -c "[.items[].id]" "$BODY") &&
	http GET "/runs/$rid/events?after=$c&limit=1000" -H "$RO" &&
	jt "all(.items[]; .id > $c) and (.items | length > 0)" &&
	last=$(jq .next_after "$BODY") &&
	http GET "/runs/$rid/events?after=$last" -H "$RO" &&
	jt ".items == [] and .next_after == $last"
'

test_expect_success 'the events filter: ?level=warning shows only warnings and errors' '
	rid=$(get failed) &&
	http GET "/runs/$rid/events?level=warning&limit=1000" -H "$RO" &&
	expect_status 200 &&
	jt ".items | length > 0" &&
	jt "all(.items[]; .level == \"warning\" or .level == \"error\")" &&
	jt "any(.items[]; .level == \"error\" and (.message | contains(\"failed after 3 attempts\")))" &&
	jt "any(.items[]; .stream == \"stderr\" and (.message | contains(\"simulated apply failure\")))" &&
	http GET "/runs/$rid/events?level=error" -H "$RO" &&
	jt "all(.items[]; .level == \"error\")"
'

test_expect_success 'events limit: 1 and 1000 are the bounds' '
	rid=$(get flow) &&
	http GET "/runs/$rid/events?limit=1" -H "$RO" && expect_status 200 &&
	jt ".items | length == 1" &&
	http GET "/runs/$rid/events?limit=1000" -H "$RO" && expect_status 200 &&
	jt ".items | length > 1"
'

test_expect_success 'bad event queries are 400 naming the parameter' '
	rid=$(get flow) &&
	http GET "/runs/$rid/events?level=loud" -H "$RO" && expect_fields level &&
	http GET "/runs/$rid/events?after=-1" -H "$RO" && expect_fields after &&
	http GET "/runs/$rid/events?after=x" -H "$RO" && expect_fields after &&
	http GET "/runs/$rid/events?limit=0" -H "$RO" && expect_fields limit &&
	http GET "/runs/$rid/events?limit=1001" -H "$RO" && expect_fields limit
'

test_expect_success 'secrets terraform prints are masked in the log' '
	rid=$(provision "$(aws "secret-$RUN" 1)") &&
	mkdir -p "$(wd "$rid")" && : >"$(wd "$rid")/.print-secret" &&
	settle "$rid" && jt ".status == \"completed\"" &&
	http GET "/runs/$rid/events?limit=1000" -H "$RO" &&
	jt "any(.items[]; .message == \"debug: the secret key is ****\")" &&
	! grep -qF "$AWS_SECRET_ACCESS_KEY" "$BODY"
'

# ------------------------------------------------------------------ cancel

test_expect_success 'POST /runs/{id}/cancel of a queued run cancels every task; passes leave it alone' '
	rid=$(provision "$(aws "cq-$RUN" 1)") &&
	http GET "/status/$rid" -H "$RO" && jt ".actions.is_cancelable == true" &&
	http POST "/runs/$rid/cancel" -H "$DEV" --data-binary "" &&
	expect_status 200 &&
	jt ".id == \$r and .status == \"canceled\" and .actions.is_cancelable == false" --arg r "$rid" &&
	jt "all(.tasks[]; .status == \"canceled\" and .attempts == 0)" &&
	jt ".finished_at | type == \"string\"" &&
	reconcile &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".status == \"canceled\" and .message == \"Provisioning canceled\" and .instances == null" &&
	jt "all(.tasks[]; .attempts == 0)" &&
	test ! -e "$(wd "$rid")/main.tf" &&
	http GET "/runs/$rid/events" -H "$RO" &&
	jt "any(.items[]; .level == \"warning\" and (.message | startswith(\"canceled by prov-dev-\")))"
'

test_expect_success 'cancel of a hanging apply ends its process group and the run is canceled' '
	rid=$(provision "$(aws "ch-$RUN" 1)") &&
	secs=$((3500 + RANDOM % 90)) &&
	mkdir -p "$(wd "$rid")" && echo "$secs" >"$(wd "$rid")/.hang-apply" &&
	{ "$STRATUS_RECONCILE" --once >>"$RLOG" 2>&1 & } &&
	pid=$! &&
	wait_hanging "$rid" &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".tasks[2].status == \"running\" and .actions.is_cancelable == true" &&
	http POST "/runs/$rid/cancel" -H "$DEV" --data-binary "" &&
	expect_status 200 && jt ".status == \"canceled\"" &&
	for i in $(seq 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done &&
	! kill -0 "$pid" 2>/dev/null &&
	wait "$pid" &&
	! hanging "$rid" &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".status == \"canceled\" and .tasks[2].status == \"canceled\" and .tasks[2].attempts == 1" &&
	test "$(applies "$rid")" = 0 &&
	http GET "/runs/$rid/events?limit=1000" -H "$RO" &&
	jt "any(.items[]; .message | contains(\"the step was stopped\"))"
'

test_expect_success 'cancel of a finished run is 409; unknown 404; readonly 403; no key 401' '
	http POST "/runs/$(get flow)/cancel" -H "$DEV" --data-binary "" &&
	expect_error 409 Conflict CONFLICT &&
	http POST "/runs/$(cat /proc/sys/kernel/random/uuid)/cancel" -H "$DEV" --data-binary "" && expect_404 &&
	http POST "/runs/nope/cancel" -H "$DEV" --data-binary "" && expect_404 &&
	http POST "/runs/$(get flow)/cancel" -H "$RO" --data-binary "" && expect_error 403 Forbidden FORBIDDEN &&
	http POST "/runs/$(get flow)/cancel" --data-binary "" && expect_error 401 Unauthorized UNAUTHORIZED
'

# ------------------------------------------------------------------ who may change a run

test_expect_success 'every run answer names its creator: created_by and created_by_user_id' '
	jreq POST /provision "$(aws "own-$RUN" 1)" -H "$DEV" &&
	expect_status 202 &&
	jt ".created_by == \$u and .created_by_user_id == $DEV_ID" --arg u "prov-dev-$RUN" &&
	rid=$(jq -r .request_id "$BODY") && put own "$rid" &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".created_by == \$u and .created_by_user_id == $DEV_ID" --arg u "prov-dev-$RUN" &&
	http GET "/runs/$rid" -H "$RO" &&
	jt ".created_by == \$u and .created_by_user_id == $DEV_ID" --arg u "prov-dev-$RUN" &&
	http GET "/provision?limit=100" -H "$RO" &&
	jt ".items[] | select(.request_id == \$r) | .created_by == \$u and .created_by_user_id == $DEV_ID" \
		--arg r "$rid" --arg u "prov-dev-$RUN" &&
	jt "all(.items[]; has(\"created_by\") and has(\"created_by_user_id\"))"
'

test_expect_success 'another developer may not cancel a run (403 naming its creator); it goes on' '
	rid=$(get own) &&
	http POST "/runs/$rid/cancel" -H "$OTHER" --data-binary "" &&
	expect_error 403 Forbidden FORBIDDEN &&
	msg_has "only the creator of $rid (prov-dev-$RUN) or an admin may cancel it" &&
	http GET "/runs/$rid" -H "$OTHER" &&
	jt ".status == \"queued\" and .actions.is_cancelable == true" &&
	http GET "/runs/$rid/events" -H "$RO" &&
	jt "all(.items[]; .message | startswith(\"canceled by\") | not)"
'

test_expect_success 'its creator may cancel it, and the answer still names the creator' '
	rid=$(provision "$(aws "own2-$RUN" 1)") &&
	http POST "/runs/$rid/cancel" -H "$DEV" --data-binary "" &&
	expect_status 200 &&
	jt ".status == \"canceled\" and .created_by == \$u and .created_by_user_id == $DEV_ID" --arg u "prov-dev-$RUN"
'

test_expect_success 'an admin may cancel a developer'"'"'s run' '
	rid=$(get own) &&
	http POST "/runs/$rid/cancel" -H "$ADM" --data-binary "" &&
	expect_status 200 &&
	jt ".status == \"canceled\" and .created_by_user_id == $DEV_ID" &&
	http GET "/runs/$rid/events" -H "$RO" &&
	jt "any(.items[]; .message == \"canceled by prov-adm-\(\$run)\")" --arg run "$RUN"
'

test_expect_success 'readonly callers are refused by their role, before any run is looked at' '
	http POST "/runs/$(get flow)/cancel" -H "$RO" --data-binary "" &&
	expect_error 403 Forbidden FORBIDDEN &&
	! msg_has "creator" &&
	http POST "/runs/$(cat /proc/sys/kernel/random/uuid)/cancel" -H "$RO" --data-binary "" &&
	expect_error 403 Forbidden FORBIDDEN
'

# ------------------------------------------------------------------ lost reconcilers, races

test_expect_success 'a reconciler killed mid-apply: after the lease expires the next pass applies exactly once more' '
	rid=$(provision "$(aws "kill-$RUN" 2)") &&
	secs=$((3600 + RANDOM % 90)) &&
	mkdir -p "$(wd "$rid")" && echo "$secs" >"$(wd "$rid")/.hang-apply" &&
	{ "$STRATUS_RECONCILE" --once >>"$RLOG" 2>&1 & } &&
	pid=$! &&
	wait_hanging "$rid" &&
	hang=$(cat "$(wd "$rid")/.hang.pid") &&
	kill -KILL "$pid" && { wait "$pid" 2>/dev/null || true; } &&
	{ kill "$hang" 2>/dev/null || true; } &&
	test "$(applies "$rid")" = 0 &&
	rm "$(wd "$rid")/.hang-apply" &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".tasks[2].status == \"running\" and .tasks[2].attempts == 1" &&
	reconcile &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".tasks[2].status == \"running\"" &&
	sleep 6.5 &&
	settle "$rid" &&
	jt ".status == \"completed\" and (.instances | length == 2)" &&
	jt ".tasks[2].attempts == 2 and (.tasks[2].last_error | contains(\"lease expired\"))" &&
	test "$(applies "$rid")" = 1 &&
	jq -e "[.resources[].instances[]] | length == 2" "$(wd "$rid")/terraform.tfstate"
'

test_expect_success 'MariaDB stops during a pass: the outcome is recorded when it is back, no run lost' '
	rid=$(provision "$(aws "outage-$RUN" 1)") &&
	secs=3.$((10000 + RANDOM)) &&
	mkdir -p "$(wd "$rid")" && echo "$secs" >"$(wd "$rid")/.hang-apply" &&
	{ "$STRATUS_RECONCILE" --once >>"$RLOG" 2>&1 & } && pid=$! &&
	wait_hanging "$rid" &&
	stack_db_stop &&
	sleep 5 &&
	stack_db_start &&
	for i in $(seq 400); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done &&
	! kill -0 "$pid" 2>/dev/null && { wait "$pid" || true; } &&
	settle "$rid" &&
	jt ".status == \"completed\" and .tasks[2].attempts == 1 and (.instances | length == 1)" &&
	test "$(applies "$rid")" = 1
'

# ------------------------------------------------------------------ destroy

test_expect_success 'POST /provision/{id}/destroy runs terraform destroy in the same directory' '
	rid=$(get flow) &&
	http GET "/status/$rid" -H "$RO" && jt ".actions.is_destroyable == true and .destroy == null" &&
	http POST "/provision/$rid/destroy" -H "$DEV" --data-binary "" &&
	expect_status 202 &&
	jt ".request_id == \$r and .status == \"in_progress\" and (.destroy_run_id | test(\$re))" --arg r "$rid" --arg re "$UUID_RE" &&
	did=$(jq -r .destroy_run_id "$BODY") && expect_header Location "/runs/$did$" &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".destroy == {\"run_id\": \$d, \"status\": \"in_progress\"} and .actions.is_destroyable == false" --arg d "$did" &&
	reconcile &&
	http GET "/runs/$did" -H "$RO" &&
	jt ".kind == \"destroy\" and .status == \"succeeded\" and .subject == \$r" --arg r "$rid" &&
	jt "[.tasks[] | {name, status, attempts}] == [{\"name\":\"terraform_destroy\",\"status\":\"succeeded\",\"attempts\":1}]" &&
	test "$(wc -l <"$(wd "$rid")/destroy.log")" = 1 &&
	jq -e ".resources == []" "$(wd "$rid")/terraform.tfstate" &&
	http GET "/status/$rid" -H "$RO" &&
	jt ".status == \"completed\" and .destroy.status == \"completed\" and .actions.is_destroyable == false" &&
	http GET "/runs/$did/events" -H "$RO" &&
	jt "any(.items[]; .stream == \"stdout\" and (.message | startswith(\"Destroy complete!\")))"
'

test_expect_success 'a destroyed request cannot be destroyed again (409)' '
	http POST "/provision/$(get flow)/destroy" -H "$DEV" --data-binary "" &&
	expect_error 409 Conflict CONFLICT
'

test_expect_success 'a failed request can be destroyed: nothing was applied, nothing to destroy' '
	rid=$(get failed) &&
	http POST "/provision/$rid/destroy" -H "$DEV" --data-binary "" && expect_status 202 &&
	did=$(jq -r .destroy_run_id "$BODY") &&
	reconcile &&
	http GET "/runs/$did/events" -H "$RO" &&
	jt ".run_status == \"succeeded\"" &&
	jt "any(.items[]; .message == \"nothing was applied: nothing to destroy\")"
'

test_expect_success 'destroy of a request in progress is 409; unknown 404; readonly 403' '
	rid=$(provision "$(aws "dq-$RUN" 1)") &&
	http POST "/provision/$rid/destroy" -H "$DEV" --data-binary "" && expect_error 409 Conflict CONFLICT &&
	http POST "/runs/$rid/cancel" -H "$DEV" --data-binary "" && expect_status 200 &&
	http POST "/provision/$rid/destroy" -H "$DEV" --data-binary "" && expect_error 409 Conflict CONFLICT &&
	http POST "/provision/$(cat /proc/sys/kernel/random/uuid)/destroy" -H "$DEV" --data-binary "" && expect_404 &&
	http POST "/provision/$(get flow)/destroy" -H "$RO" --data-binary "" && expect_error 403 Forbidden FORBIDDEN
'

test_expect_success 'another developer may not destroy a request (403); an admin may' '
	rid=$(provision "$(aws "owndestroy-$RUN" 1)") &&
	settle "$rid" && jt ".status == \"completed\" and .actions.is_destroyable == true" &&
	http POST "/provision/$rid/destroy" -H "$OTHER" --data-binary "" &&
	expect_error 403 Forbidden FORBIDDEN &&
	msg_has "only the creator of $rid (prov-dev-$RUN) or an admin may destroy it" &&
	http GET "/status/$rid" -H "$RO" && jt ".destroy == null and .actions.is_destroyable == true" &&
	test ! -e "$(wd "$rid")/destroy.log" &&
	http POST "/provision/$rid/destroy" -H "$ADM" --data-binary "" &&
	expect_status 202 &&
	jt ".created_by == \$u and (.created_by_user_id | type == \"number\") and .created_by_user_id != $DEV_ID" --arg u "prov-adm-$RUN" &&
	did=$(jq -r .destroy_run_id "$BODY") &&
	reconcile &&
	http GET "/runs/$did" -H "$RO" &&
	jt ".status == \"succeeded\" and .created_by == \$u" --arg u "prov-adm-$RUN"
'

test_expect_success 'a destroy run is not a provisioning request: /status of its id is 404' '
	http GET "/status/$(get flow)" -H "$RO" &&
	did=$(jq -r .destroy.run_id "$BODY") &&
	http GET "/status/$did" -H "$RO" && expect_404 &&
	http POST "/provision/$did/destroy" -H "$DEV" --data-binary "" && expect_404
'

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

# ------------------------------------------------------------------ lists

test_expect_success 'GET /provision lists requests newest first with items, total, limit, offset' '
	http GET "/provision?limit=2" -H "$RO" &&
	expect_status 200 &&
	jt ".limit == 2 and .offset == 0 and (.items | length == 2) and .total >= 8" &&
	jt "all(.items[]; (.request_id | test(\$re)) and (.status | IN(\"in_progress\",\"completed\",\"failed\",\"canceled\")) and has(\"actions\") and has(\"instances\"))" --arg re "$UUID_RE" &&
	jt "[.items[].created_at] | . == (sort | reverse)" &&
	t=$(jq .total "$BODY") &&
	http GET "/provision?limit=2&offset=2" -H "$RO" &&
	jt ".offset == 2 and .total == $t"
'

test_expect_success 'GET /provision?status= filters by the public status' '
	http GET "/provision?status=failed&limit=100" -H "$RO" &&
	expect_status 200 &&
	jt "(.items | length > 0) and all(.items[]; .status == \"failed\")" &&
	jt "any(.items[]; .request_id == \$r)" --arg r "$(get failed)" &&
	http GET "/provision?status=completed&limit=100" -H "$RO" &&
	jt "all(.items[]; .status == \"completed\" and (.instances | type == \"array\"))" &&
	jt "any(.items[]; .request_id == \$r)" --arg r "$(get flow)" &&
	http GET "/provision?status=in_progress" -H "$RO" && expect_status 200 &&
	jt "all(.items[]; .status == \"in_progress\")"
'

test_expect_success 'bad list queries are 400 naming the parameter' '
	http GET "/provision?status=succeeded" -H "$RO" && expect_fields status &&
	http GET "/provision?limit=0" -H "$RO" && expect_fields limit &&
	http GET "/provision?offset=-1" -H "$RO" && expect_fields offset
'

# ------------------------------------------------------------------ bad input


test_expect_success 'an empty object names every required field' '
	bad "{}" cloud_provider provider_config instance_name_prefix count
'

test_expect_success 'cloud_provider must be aws or oci' '
	bad "$(a_with ".cloud_provider = \"gcp\"")" cloud_provider &&
	bad "$(a_with ".cloud_provider = 1")" cloud_provider &&
	bad "$(a_with ".cloud_provider = \"AWS\"")" cloud_provider &&
	bad "$(a_with "del(.cloud_provider)")" cloud_provider
'

test_expect_success 'provider_config must be an object with every field of the provider' '
	bad "$(a_with ".provider_config = \"x\"")" provider_config &&
	bad "$(a_with ".provider_config = []")" provider_config &&
	bad "$(a_with ".provider_config = {}")" provider_config.region provider_config.instance_type \
		provider_config.subnet_id provider_config.ami_id provider_config.security_group_ids &&
	bad "$(o_with ".provider_config = {}")" provider_config.region provider_config.compartment_id \
		provider_config.availability_domain provider_config.shape provider_config.image_id provider_config.subnet_id &&
	bad "$(o_with ".provider_config = $AWS_CFG")" provider_config.compartment_id \
		provider_config.availability_domain provider_config.shape provider_config.image_id provider_config.subnet_id
'

test_expect_success 'aws provider_config values are checked' '
	bad "$(a_with ".provider_config.ami_id = \"12345\"")" provider_config.ami_id &&
	bad "$(a_with ".provider_config.subnet_id = \"sg-1\"")" provider_config.subnet_id &&
	bad "$(a_with ".provider_config.region = \"us east\"")" provider_config.region &&
	bad "$(a_with ".provider_config.region = \"\"")" provider_config.region &&
	bad "$(a_with ".provider_config.instance_type = 3")" provider_config.instance_type &&
	bad "$(a_with ".provider_config.instance_type = \"t2.micro\\\"; rm -rf /\"")" provider_config.instance_type &&
	bad "$(a_with ".provider_config.region = (\"a\" * 256)")" provider_config.region &&
	bad "$(a_with ".provider_config.security_group_ids = \"sg-1\"")" provider_config.security_group_ids &&
	bad "$(a_with ".provider_config.security_group_ids = []")" provider_config.security_group_ids &&
	bad "$(a_with ".provider_config.security_group_ids = [1]")" provider_config.security_group_ids &&
	bad "$(a_with ".provider_config.security_group_ids = [\"web\"]")" provider_config.security_group_ids &&
	bad "$(a_with ".provider_config.security_group_ids = [range(17) | \"sg-\(.)\"]")" provider_config.security_group_ids
'

test_expect_success 'oci provider_config values are checked' '
	bad "$(o_with ".provider_config.compartment_id = \"compartment\"")" provider_config.compartment_id &&
	bad "$(o_with ".provider_config.image_id = \"ami-1\"")" provider_config.image_id &&
	bad "$(o_with ".provider_config.shape = \"VM Standard\"")" provider_config.shape &&
	bad "$(o_with ".provider_config.availability_domain = null")" provider_config.availability_domain
'

test_expect_success 'count must be an integer from 1 to 20' '
	for c in 0 21 -1 1.5 "\"2\"" true null 9007199254740993; do
		bad "$(a_with ".count = $c")" count || exit 1
	done &&
	bad "$(a_with "del(.count)")" count
'

# edge FILTER: POST the valid AWS body changed by FILTER (prefix edge-...) as the
# developer, expect 202, and cancel the run at once (nothing of it is carried out).
edge() {
	local rid
	jreq POST /provision "$(jq -c "$1" <<<"$(aws "edge-$RUN" 1)")" -H "$DEV" &&
		{ expect_status 202 || { echo "filter: $1"; return 1; }; } &&
		rid=$(jq -r .request_id "$BODY") &&
		http POST "/runs/$rid/cancel" -H "$DEV" --data-binary "" && expect_status 200
}

test_expect_success 'the bounds themselves are accepted: count 1 and 20, prefix of 63, values of 255, 16 groups' '
	edge ".count = 1" && edge ".count = 20" &&
	edge ".instance_name_prefix = (\"e\" + \"a\" * 62)" &&
	edge ".instance_name_prefix = \"e\"" &&
	edge ".provider_config.region = (\"r\" * 255)" &&
	edge ".provider_config.ami_id = (\"ami-\" + \"a\" * 251)" &&
	edge ".provider_config.security_group_ids = [range(16) | \"sg-\(.)\"]" &&
	edge ".provider_config.security_group_ids = [\"sg-\" + \"a\" * 252]" &&
	http GET "/provision?limit=100" -H "$RO" && expect_status 200 &&
	jt "[.items[] | select(.instance_name_prefix | startswith(\"e\"))] | map(.count) | index(20) != null" &&
	jt ".items | length <= 100"
'

test_expect_success 'one past each bound is 400: count 0 and 21, prefix of 64, values of 256, 17 groups' '
	bad "$(a_with ".count = 0")" count && bad "$(a_with ".count = 21")" count &&
	bad "$(a_with ".instance_name_prefix = (\"e\" + \"a\" * 63)")" instance_name_prefix &&
	bad "$(a_with ".provider_config.region = (\"r\" * 256)")" provider_config.region &&
	bad "$(a_with ".provider_config.ami_id = (\"ami-\" + \"a\" * 252)")" provider_config.ami_id &&
	bad "$(a_with ".provider_config.security_group_ids = [range(17) | \"sg-\(.)\"]")" provider_config.security_group_ids &&
	bad "$(a_with ".provider_config.security_group_ids = [\"sg-\" + \"a\" * 253]")" provider_config.security_group_ids &&
	http GET "/provision?limit=101" -H "$RO" && expect_fields limit
'

test_expect_success 'instance_name_prefix must be a safe name' '
	for p in "\"\"" "\"1web\"" "\"has space\"" "\"a/b\"" "\"-web\"" "\"web;rm\"" "(\"a\" * 64)" 5 null; do
		bad "$(a_with ".instance_name_prefix = $p")" instance_name_prefix || exit 1
	done
'

test_expect_success 'callback_url must be https (or allowed by STRATUS_WEBHOOK_ALLOW)' '
	for u in "\"http://hooks.example.com/x\"" "\"ftp://x/y\"" "\"https://\"" "\"https:///x\"" \
		"\"https:/x\"" "\"https://a b/\"" "\"http://127.0.0.2:8080/\"" 5 "[]" \
		"(\"https://h/\" + \"a\" * 2048)"; do
		bad "$(a_with ".callback_url = $u")" callback_url || exit 1
	done
'

test_expect_success 'callback_url: user information is refused, not read as a host (http://127.0.0.1:80@evil.example/)' '
	for u in "http://127.0.0.1:80@evil.example/" "https://127.0.0.1:80@evil.example/" \
		"http://127.0.0.1:@evil.example/" "https://user@hooks.example/" "https://evil.example\\@127.0.0.1/"; do
		bad "$(a_with ".callback_url = \$u" --arg u "$u")" callback_url &&
		field_msg callback_url "must not contain user information" || exit 1
	done
'

test_expect_success 'callback_url: an https host that is or resolves to a non-public address is 400' '
	for c in "https://169.254.169.254/latest/meta-data/|link-local" "https://10.0.0.1/hook|private" \
		"https://10.255.1.2:8443/|private" "https://172.16.0.1/|private" "https://192.168.1.1/|private" \
		"https://100.64.0.1/|CGNAT" "https://[::1]/hook|loopback" "https://[fd00::1]/|unique-local" \
		"https://[fe80::1]/|link-local" "https://[::ffff:169.254.169.254]/|link-local" \
		"https://0xa9fea9fe/|link-local" "https://0251.0376.0251.0376/|link-local" \
		"https://0.0.0.0/|this network" "https://224.0.0.1/|multicast" "https://255.255.255.255/|broadcast"; do
		bad "$(a_with ".callback_url = \$u" --arg u "${c%|*}")" callback_url &&
		field_msg callback_url "${c#*|}" && field_msg callback_url "only public addresses" || exit 1
	done &&
	bad "$(a_with ".callback_url = \"http://8.8.8.8/hook\"")" callback_url &&
	field_msg callback_url "must be an https:// URL"
'


test_expect_success 'several bad fields are all named at once' '
	bad "$(a_with ".count = 0 | .instance_name_prefix = \"\" | .provider_config.ami_id = \"x\"")" \
		count instance_name_prefix provider_config.ami_id
'

test_expect_success 'a body that is not a JSON object is 400; another content type is 415' '
	jreq POST /provision "[1]" -H "$DEV" && expect_error 400 ValidationError VALIDATION_ERROR &&
	jreq POST /provision "{\"cloud_provider\":" -H "$DEV" && expect_error 400 ValidationError VALIDATION_ERROR &&
	http POST /provision -H "$DEV" -H "Content-Type: text/plain" --data-binary "$(aws x 1)" &&
	expect_error 415 UnsupportedMediaType UNSUPPORTED_MEDIA_TYPE
'

test_expect_success 'refused requests create no run' '
	n=$(stack_sql -N stratus -e "SELECT COUNT(*) FROM runs WHERE input LIKE '"'"'%x-$RUN%'"'"'") &&
	test "$n" = 0
'

# ------------------------------------------------------------------ roles and unknown ids

test_expect_success 'POST /provision needs credentials (401) and the developer role (403)' '
	jreq POST /provision "$(aws "nokey-$RUN" 1)" && expect_error 401 Unauthorized UNAUTHORIZED &&
	jreq POST /provision "$(aws "ro-$RUN" 1)" -H "$RO" && expect_error 403 Forbidden FORBIDDEN
'

test_expect_success 'reads need credentials (401); readonly may read' '
	rid=$(get flow) &&
	for p in "/status/$rid" /provision "/runs/$rid" "/runs/$rid/events"; do
		http GET "$p" && expect_error 401 Unauthorized UNAUTHORIZED &&
		http GET "$p" -H "$RO" && expect_status 200 || exit 1
	done
'

test_expect_success 'unknown request ids are 404 everywhere' '
	u=$(cat /proc/sys/kernel/random/uuid) &&
	http GET "/status/$u" -H "$RO" && expect_404 &&
	http GET "/runs/$u" -H "$RO" && expect_404 &&
	http GET "/runs/$u/events" -H "$RO" && expect_404 &&
	http GET /status/not-a-uuid -H "$RO" && expect_404 &&
	http GET "/runs/..%2F..%2Fetc" -H "$RO" && expect_404 &&
	http GET "/status/$(echo "$u" | tr a-f A-F)" -H "$RO" && expect_404
'

test_expect_success 'wrong methods are 405 with Allow' '
	http DELETE /provision -H "$DEV" && expect_error 405 MethodNotAllowed METHOD_NOT_ALLOWED &&
	expect_header Allow "GET" && expect_header Allow "POST" &&
	http POST "/status/$(get flow)" -H "$DEV" --data-binary "" && expect_status 405
'

# ------------------------------------------------------------------ the reconciler itself

test_expect_success 'stratus-reconcile records its passes in the reconcilers table' '
	n=$(stack_sql -N stratus -e "SELECT COUNT(*) FROM reconcilers WHERE last_pass_at > UTC_TIMESTAMP() - INTERVAL 10 MINUTE AND passes > 0") &&
	test "$n" -ge 1
'

test_expect_success 'GET /status has a reconciler component: last pass, queue depth, failures in 24 h' '
	reconcile &&
	http GET /status &&
	expect_status 200 &&
	jt "[.components[] | select(.name == \"reconciler\")] | length == 1" &&
	jt ".components[] | select(.name == \"reconciler\") | .status == \"healthy\"
		and (.last_pass_at | test(\$ts)) and .queue_depth == 0 and .oldest_ready_age_s == 0
		and (.failed_24h | . >= 2) and (.running | type == \"number\")
		and (.details | startswith(\"last pass \"))" --arg ts "$TS_RE"
'

test_expect_success 'GET /status is degraded when work is due and no pass ran for 3 minutes' '
	stack_sql stratus -e "UPDATE reconcilers SET last_pass_at = last_pass_at - INTERVAL 1 HOUR" &&
	http GET /status &&
	jt ".components[] | select(.name == \"reconciler\") | .status == \"healthy\"" &&
	rid=$(provision "$(aws "stale-$RUN" 1)") &&
	http GET /status &&
	jt ".overall_status == \"degraded\"" &&
	jt ".components[] | select(.name == \"reconciler\") | .status == \"degraded\" and .queue_depth >= 1" &&
	settle "$rid" &&
	http GET /status &&
	jt ".components[] | select(.name == \"reconciler\") | .status == \"healthy\" and .queue_depth == 0"
'

test_expect_success 'stratus-reconcile with the database unreachable exits non-zero and says so' '
	rc=0 &&
	DATABASE_URL="mysql://stratus:nope@127.0.0.1:1/stratus" STRATUS_CONFIG= \
		"$STRATUS_RECONCILE" --once >"$TEST_TMP/unreach" 2>&1 || rc=$? &&
	test "$rc" -ne 0 &&
	grep -q "the database is unreachable" "$TEST_TMP/unreach" &&
	! grep -q nope "$TEST_TMP/unreach"
'

test_expect_success 'stratus-reconcile refuses bad arguments with its usage (exit 2)' '
	rc=0 && "$STRATUS_RECONCILE" >"$TEST_TMP/usage" 2>&1 || rc=$? &&
	test "$rc" = 2 && grep -q "usage: stratus-reconcile" "$TEST_TMP/usage" &&
	rc=0 && "$STRATUS_RECONCILE" --once --loop >/dev/null 2>&1 || rc=$? && test "$rc" = 2 &&
	rc=0 && "$STRATUS_RECONCILE" --once --jobs 0 >/dev/null 2>&1 || rc=$? && test "$rc" = 2
'

test_expect_success 'stratus-reconcile --loop stops on SIGTERM after its pass' '
	"$STRATUS_RECONCILE" --loop --interval 1 >>"$RLOG" 2>&1 &
	pid=$! &&
	sleep 1.5 && kill -TERM "$pid" &&
	rc=0 && wait "$pid" || rc=$? &&
	test "$rc" = 0
'

# Last: it adds many requests, which would push earlier ones off the lists above.
RACE_N=${RACE_N:-200}
test_expect_success "two reconcilers racing over $RACE_N queued requests run every task exactly once" '
	for i in $(seq "$RACE_N"); do
		jreq POST /provision "$(aws "race-$RUN" 1)" -H "$DEV" && expect_status 202 || exit 1
	done &&
	ids="SELECT id FROM runs WHERE subject = '"'"'aws race-$RUN x1'"'"'" &&
	test "$(stack_sql -N stratus -e "SELECT COUNT(*) FROM ($ids) x")" = "$RACE_N" &&
	{ "$STRATUS_RECONCILE" --once --jobs 4 >>"$RLOG" 2>&1 & } && a=$! &&
	{ "$STRATUS_RECONCILE" --once --jobs 4 >>"$RLOG" 2>&1 & } && b=$! &&
	wait "$a" && wait "$b" &&
	q="SELECT COUNT(*) FROM tasks WHERE run_id IN ($ids)" &&
	test "$(stack_sql -N stratus -e "$q")" = $((RACE_N * 3)) &&
	test "$(stack_sql -N stratus -e "$q AND status = '"'"'succeeded'"'"' AND attempts = 1")" = $((RACE_N * 3)) &&
	test "$(stack_sql -N stratus -e "SELECT COUNT(*) FROM runs WHERE id IN ($ids) AND status = '"'"'succeeded'"'"'")" = "$RACE_N" &&
	starts="SELECT COUNT(*) FROM run_events WHERE run_id IN ($ids) AND message LIKE '"'"'task % started %'"'"'" &&
	test "$(stack_sql -N stratus -e "$starts")" = $((RACE_N * 3)) &&
	owners=$(stack_sql -N stratus -e "SELECT COUNT(DISTINCT SUBSTRING_INDEX(SUBSTRING_INDEX(message, '"'"' on '"'"', -1), '"'"' '"'"', 1)) FROM run_events WHERE run_id IN ($ids) AND message LIKE '"'"'task % started %'"'"'") &&
	{ test "$owners" = 2 || echo "# note: only $owners reconciler(s) took tasks"; } &&
	for r in $(stack_sql -N stratus -e "SELECT uuid FROM runs WHERE id IN ($ids)"); do
		test "$(applies "$r")" = 1 || { echo "$r applied $(applies "$r") times"; exit 1; }
	done
'

test_done
