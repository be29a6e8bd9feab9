#!/usr/bin/env bash
# tests/http/builds-cache.sh: the builds suite's part on the read cache
# (fcgi/memo.c; split from builds.sh, the parts share tests/http/lib/builds.sh):
# a write through the API shows on every responder at once, a change by SQL
# within STRATUS_BUILD_CACHE_MS, what 200 reads cost MariaDB, and the
# dashboards remembered for STRATUS_DASHBOARD_CACHE_MS behind a lighttpd of
# this part's own.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-builds-cache
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# stratusctl reads the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/builds.sh
. "$(dirname "$0")/lib/builds.sh"

# This run's platform: the dashboard memo is read on it.
mkreference >/dev/null || say "could not make this run's reference data"

# ------------------------------------------------------------------ the read cache

# all_read N PATH FILTER WANT: N parallel GETs of PATH as readonly, spread
# over the responders (so that each one answers some, from memory when it
# can), all have jq FILTER == WANT.
all_read() {
	seq "$1" | xargs -P 6 -I{} sh -c 'curl -s -H "$0" "$1" | jq -c "$2"' "$RO" "$BASE_URL$2" "$3" \
		>"$TEST_TMP/reads" &&
		sort -u "$TEST_TMP/reads" >"$TEST_TMP/reads.u" &&
		test "$(cat "$TEST_TMP/reads.u")" = "$4" ||
		{ echo "GET $2: wanted all $3 == $4, got: $(sort "$TEST_TMP/reads" | uniq -c | tr '\n' ' ')"; false; }
}
# executed: MariaDB's count of prepared statements run so far.
executed() { stack_sql -N -e "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'" | cut -f2; }
# reads_cost BASE PATH: statements MariaDB ran for 200 parallel GETs of PATH at BASE.
reads_cost() {
	local before after
	seq 12 | xargs -P 6 -I{} curl -s -o /dev/null -H "$RO" "$1$2" &&
		before=$(executed) &&
		seq 200 | xargs -P 6 -I{} curl -s -o /dev/null -H "$RO" "$1$2" &&
		after=$(executed) && echo $((after - before))
}

test_expect_success 'the read cache: a state change, heartbeat or failure through the API shows on every responder at once' '
	u=$(newbuild "memo-$RUN" aws-commercial rhel-9.2 base) &&
	all_read 24 "/builds/$u" .current_state 0 && all_read 24 "/builds/$u/state" .current_state 0 &&
	to_state "$u" 20 &&
	all_read 24 "/builds/$u" "[.current_state, (.states | length)]" "[20,2]" &&
	all_read 24 "/builds/$u/state" .current_state 20 &&
	all_read 24 "/builds/$u" ".last_heartbeat_at == null" true &&
	beat "/builds/$u/heartbeat" -H "$DEV" && expect_status 200 &&
	all_read 24 "/builds/$u" ".last_heartbeat_at != null" true &&
	jreq POST "/builds/$u/failure" "$(jobj error_message "memo failure")" -H "$DEV" && expect_status 201 &&
	all_read 24 "/builds/$u" "[.current_state, .terminal, (.failures | length)]" "[90,true,1]" &&
	all_read 24 "/builds/$u/state" .current_state_name "\"failed\""
'

test_expect_success 'the read cache: a uuid in capitals is the same build, voided by a write in either case' '
	u=$(newbuild "memo-case-$RUN" aws-commercial rhel-9.2 base) && U=$(tr a-f A-F <<<"$u") &&
	all_read 24 "/builds/$U" .current_state 0 && all_read 24 "/builds/$U/state" .current_state 0 &&
	to_state "$u" 30 &&
	all_read 24 "/builds/$U" .current_state 30 && all_read 24 "/builds/$U/state" .current_state 30 &&
	all_read 24 "/builds/$u" .current_state 30 &&
	to_state "$U" 40 &&
	all_read 24 "/builds/$u" .current_state 40 && all_read 24 "/builds/$U" .current_state 40
'

test_expect_success 'the read cache: 200 reads of a build cost MariaDB a handful of statements, not 200' '
	u=$(newbuild "memo-cost-$RUN" aws-commercial rhel-9.2 base) &&
	n=$(reads_cost "$BASE_URL" "/builds/$u") && echo "statements for 200 reads: $n" &&
	test "$n" -lt 100 &&
	n=$(reads_cost "$BASE_URL" "/builds/$u/state") && echo "statements for 200 state reads: $n" &&
	test "$n" -lt 100
'

test_expect_success 'the read cache: a 404 is not remembered; a change by SQL shows within STRATUS_BUILD_CACHE_MS' '
	u=$(cat /proc/sys/kernel/random/uuid) && q="'"'"'" &&
	all_read 24 "/builds/$u" .error_code "\"NOT_FOUND\"" &&
	stack_sql stratus -e "INSERT INTO builds (uuid, build_id, platform_id, os_version_id, image_type_id,
		current_state, created_by, created_at, updated_at) SELECT $q$u$q, ${q}memo-sql-$RUN$q, platform_id,
		os_version_id, image_type_id, 0, ${q}operator$q, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM builds LIMIT 1" &&
	all_read 24 "/builds/$u" .build_id "\"memo-sql-$RUN\"" &&
	all_read 24 "/builds/$u/state" .current_state 0 &&
	build_sql "UPDATE builds SET current_state = 25 WHERE uuid = $q$u$q" &&
	all_read 24 "/builds/$u" "[.current_state, .states[-1].state_code]" "[25,25]" &&
	all_read 24 "/builds/$u/state" .current_state 25
'

# The same responders behind a lighttpd of their own, with the memo the
# other way round: STRATUS_BUILD_CACHE_MS=0 (every build read asks MariaDB)
# and the dashboards remembered for DASH_MS (the suite's own stack computes
# them on every request: ./dev test sets STRATUS_DASHBOARD_CACHE_MS=0).
DASH_MS=1500
DASH_S=$(awk -v ms="$DASH_MS" 'BEGIN { printf "%.1f", ms / 1000 + 0.2 }')
NOMEMO_PORT=$(stack_free_port $((HTTP_PORT + 60)))
NOMEMO_RUN=$STACK/run-nomemo-$$
{ cat "$STACK/dev.env"; echo "export STRATUS_BUILD_CACHE_MS=0"
  echo "export STRATUS_DASHBOARD_CACHE_MS=$DASH_MS"; } >"$STACK/nomemo.env"
chmod 600 "$STACK/nomemo.env"
HTTP_PORT=$NOMEMO_PORT RUNDIR=$NOMEMO_RUN DOCROOT=$NOMEMO_RUN/www STRATUS_CONFIG_FILE=$STACK/nomemo.env \
	stack_lighttpd_start
trap 'RUNDIR=$NOMEMO_RUN stack_lighttpd_stop; rm -rf "$TEST_TMP"' EXIT

test_expect_success 'STRATUS_BUILD_CACHE_MS=0: every read asks MariaDB, and sees a change by SQL at once' '
	u=$(newbuild "memo-off-$RUN" aws-commercial rhel-9.2 base) && q="'"'"'" &&
	n=$(reads_cost "http://127.0.0.1:$NOMEMO_PORT" "/builds/$u") && echo "statements for 200 reads: $n" &&
	test "$n" -ge 200 &&
	stack_sql stratus -e "UPDATE builds SET current_state = 10 WHERE uuid = $q$u$q" &&
	BASE_URL=http://127.0.0.1:$NOMEMO_PORT all_read 24 "/builds/$u/state" .current_state 10
'

test_expect_success 'STRATUS_DASHBOARD_CACHE_MS: 200 reads of a dashboard cost a handful of statements, not 800' '
	n=$(reads_cost "http://127.0.0.1:$NOMEMO_PORT" /dashboard/summary) && echo "statements: $n" &&
	test "$n" -lt 100 &&
	n=$(reads_cost "http://127.0.0.1:$NOMEMO_PORT" "/dashboard/platform/$PLAT") && echo "statements: $n" &&
	test "$n" -lt 100
'

test_expect_success 'STRATUS_DASHBOARD_CACHE_MS: a remembered dashboard shows a new build within the TTL, aliases alike' '
	p=dm-$RUN && jreq POST /platforms "$(jobj name "$p" aliases "json:[\"dma-$RUN\"]")" -H "$ADM" &&
	expect_status 201 && newbuild "dash-memo1-$RUN" "$p" rhel-9.2 base >/dev/null &&
	BASE_URL=http://127.0.0.1:$NOMEMO_PORT all_read 24 "/dashboard/platform/dma-$RUN" "[.platform, .total]" "[\"$p\",1]" &&
	BASE_URL=http://127.0.0.1:$NOMEMO_PORT all_read 24 "/dashboard/platform/$p" .total 1 &&
	newbuild "dash-memo2-$RUN" "$p" rhel-9.2 base >/dev/null &&
	http GET /dashboard/summary -H "$RO" && expect_status 200 && total=$(jq .total "$BODY") &&
	sleep "$DASH_S" &&
	BASE_URL=http://127.0.0.1:$NOMEMO_PORT all_read 24 /dashboard/summary .total "$total" &&
	BASE_URL=http://127.0.0.1:$NOMEMO_PORT all_read 24 "/dashboard/platform/dma-$RUN" .total 2 &&
	BASE_URL=http://127.0.0.1:$NOMEMO_PORT all_read 24 "/dashboard/platform/$p" "[.total, (.recent | length)]" "[2,2]"
'

test_expect_success 'a bad STRATUS_BUILD_CACHE_MS or STRATUS_DASHBOARD_CACHE_MS stops the responder with a clear message' '
	for var in STRATUS_BUILD_CACHE_MS STRATUS_DASHBOARD_CACHE_MS; do
		for v in -1 60001 soon; do
			out=$(env -i PATH="$PATH" STRATUS_CONFIG="$STRATUS_CONFIG_FILE" "$var=$v" \
				GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/health "$STRATUS_BIN" 2>&1 || true) &&
			grep -q "$var must be an integer from 0 to 60000" <<<"$out" || return 1
		done
	done
'

test_done
