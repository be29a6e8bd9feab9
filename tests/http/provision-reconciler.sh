#!/usr/bin/env bash
# tests/http/provision-reconciler.sh: the provision suite's part on the
# reconciler itself (split from provision.sh; the parts share
# tests/http/lib/provision.sh): a reconciler killed mid-apply, MariaDB
# stopping during a pass, the reconciler component of GET /status, its
# arguments and signals, and two reconcilers racing over many requests.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-provision-reconciler
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# The reconciler and stratusctl read the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/provision.sh
. "$(dirname "$0")/lib/provision.sh"

# The reconciler component of GET /status counts the tasks failed in the last
# 24 hours (two at least, below): two requests whose init always fails, as
# provision.sh makes them, so that this part has its own. Their passes also
# carry out what earlier parts left queued, before a test counts on a quiet
# queue.
FAILS=
for t in 1 2; do
	rid=$(provision "$(aws "rfail$t-$RUN" 1)") && mkdir -p "$(wd "$rid")" &&
		echo 99 >"$(wd "$rid")/.fail-init" && FAILS="$FAILS $rid"
done
for rid in $FAILS; do settle "$rid" >/dev/null || say "request $rid did not settle"; done

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

# Last: it adds many requests.
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
