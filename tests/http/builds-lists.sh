#!/usr/bin/env bash
# tests/http/builds-lists.sh: the builds suite's part on what reads many
# builds (split from builds.sh; the parts share tests/http/lib/builds.sh):
# staleness, the last 24 hours and build_hours, GET /builds with its
# pagination and filters, and the dashboards, exact on a platform of this run
# and by relations and deltas on the whole table.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-builds-lists
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# stratusctl reads the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/builds.sh
. "$(dirname "$0")/lib/builds.sh"

# What builds.sh makes before these tests and they count on: this run's
# reference data, a build made through the platform alias (alias-$RUN, still
# queued, the oldest of the seven on $PLAT) and the pipeline's failed
# flow-$RUN on aws. For a part run alone (the suites before it leave more):
# at least 3 failed builds and 21 in all, since the lists and
# GET /dashboard/recent are read past their first 20.
mkreference >/dev/null || say "could not make this run's reference data"
newbuild "alias-$RUN" "$PLAT_ALIAS" "$OSV" "$IMGT" >/dev/null
u=$(newbuild "flow-$RUN" aws rhel-9.2 base) &&
	jreq POST "/builds/$u/failure" "$(jobj error_message "flow failed")" -H "$DEV"
builds_where() { stack_sql -N stratus -e "SELECT COUNT(*) FROM builds $1"; }
i=0
while [ "$(builds_where "WHERE current_state = 90")" -lt 3 ]; do
	i=$((i + 1))
	u=$(newbuild "fill-$i-$RUN" aws rhel-9.2 base) &&
		jreq POST "/builds/$u/failure" "$(jobj error_message "filler $i")" -H "$DEV" || break
done
while [ "$(builds_where)" -lt 21 ]; do
	i=$((i + 1))
	newbuild "fill-$i-$RUN" aws rhel-9.2 base >/dev/null || break
done

# ------------------------------------------------------------------ staleness and the last 24 hours

t_stale() {
	local u
	u=$(newbuild "stale-$RUN" "$PLAT" rhel-9.2 base) && put stale "$u" &&
		snap stale0 /dashboard/summary &&
		backdate "$u" &&
		http GET "/builds/$u" -H "$RO" && json_num .stale true && json_num .terminal false &&
		http GET "/builds?build_id=stale-$RUN" -H "$RO" && json_num ".items[0].stale" true &&
		http GET "/dashboard/recent?limit=100" -H "$RO" &&
		jt "any(.items[]; .uuid == \$u and .stale == true)" --arg u "$u" &&
		http GET "/dashboard/summary" -H "$RO" && delta stale0 .stale 1 &&
		http GET "/dashboard/platform/$PLAT" -H "$RO" && json_num .stale 1 &&
		beat "/builds/$u/heartbeat" -H "$DEV" && expect_status 200 && json_num .stale false &&
		http GET "/builds/$u" -H "$RO" && json_num .stale false &&
		http GET "/dashboard/summary" -H "$RO" && delta stale0 .stale 0 &&
		backdate "$u" && http GET "/builds/$u" -H "$RO" && json_num .stale true &&
		to_state "$u" 10 && http GET "/builds/$u" -H "$RO" && json_num .stale false &&
		to_state "$u" 50 && backdate "$u" &&
		http GET "/builds/$u" -H "$RO" && json_num .stale false && json_num .terminal true &&
		http GET "/dashboard/summary" -H "$RO" && delta stale0 .stale 0
}
test_expect_success 'a build idle past STRATUS_BUILD_STALE_MINUTES is stale until a heartbeat or state' t_stale

# moved UUID AGO DELTA: moves the build's created_at to AGO (an SQL interval)
# before now; then last_24h of the summary and of the platform dashboard is
# DELTA above the "day0" snapshots.
moved() {
	stack_sql stratus -e "UPDATE builds SET created_at = UTC_TIMESTAMP(6) - INTERVAL $2
		WHERE uuid = '$1'" &&
		http GET /dashboard/summary -H "$RO" && delta day0 .last_24h "$3" &&
		http GET "/dashboard/platform/d-$RUN" -H "$RO" && json_num .last_24h "$3"
}
t_last_day() {
	local u
	jreq POST /platforms "$(jobj name "d-$RUN")" -H "$ADM" && expect_status 201 &&
		snap day0 /dashboard/summary &&
		u=$(newbuild "day-$RUN" "d-$RUN" rhel-9.2 base) &&
		http GET /dashboard/summary -H "$RO" && delta day0 .last_24h 1 &&
		moved "$u" "'23:30' HOUR_MINUTE" 1 && moved "$u" "'23:50' HOUR_MINUTE" 1 &&
		moved "$u" "'23:59:50' HOUR_SECOND" 1 && moved "$u" "'24:00:10' HOUR_SECOND" 0 &&
		moved "$u" "'25:10' HOUR_MINUTE" 0 && moved "$u" "'0:30' HOUR_MINUTE" 1 &&
		moved "$u" "'49:00' HOUR_MINUTE" 0 && moved "$u" "'0:0:1' HOUR_SECOND" 1
}
test_expect_success 'last_24h counts a build created up to 24 h ago, once, wherever in its hour (created_at moved by SQL)' t_last_day

# The hours build_hours keeps: from two days ago (its first whole hour, so
# that no hour ages out while a test looks).
KEPT="DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL 2 DAY, \"%Y-%m-%d %H:00:00\") + INTERVAL 1 HOUR"
HOUR_OF="DATE_FORMAT(created_at, \"%Y-%m-%d %H:00:00\")"
test_expect_success 'build_hours agrees with builds for every hour it keeps, and keeps no older one' '
	x=$(stack_sql stratus -N -e "SELECT COUNT(*) FROM (SELECT hour, SUM(builds) n FROM build_hours
		WHERE hour >= $KEPT GROUP BY hour) h LEFT JOIN (SELECT $HOUR_OF hour, COUNT(*) n
		FROM builds GROUP BY 1) b ON b.hour = h.hour WHERE NOT (h.n <=> COALESCE(b.n, 0))" || true) &&
	{ [ "$x" = 0 ] || { echo "$x hours of build_hours disagree with builds"; return 1; }; } &&
	y=$(stack_sql stratus -N -e "SELECT COUNT(*) FROM builds WHERE created_at >= $KEPT
		AND $HOUR_OF NOT IN (SELECT hour FROM build_hours)" || true) &&
	{ [ "$y" = 0 ] || { echo "$y builds of the hours kept have no hour row"; return 1; }; } &&
	z=$(stack_sql stratus -N -e "SELECT CONCAT(SUM(h.builds), \" \", MIN(h.hour) >= $KEPT - INTERVAL 1 HOUR)
		FROM build_hours h JOIN platforms p ON p.id = h.platform_id WHERE p.name = \"d-$RUN\"" || true) &&
	{ [ "$z" = "1 1" ] || { echo "d-$RUN hours: $z (sum, none older than two days), expected 1 1"; return 1; }; }
'

test_expect_success 'a build loaded by SQL with a created_at three days old leaves build_hours alone' '
	before=$(stack_sql stratus -N -e "SELECT COUNT(*), SUM(builds) FROM build_hours" || true) &&
	stack_sql stratus -e "INSERT INTO builds (uuid, build_id, platform_id, os_version_id, image_type_id,
		current_state, created_at, updated_at) SELECT UUID(), \"old-$RUN\", platform_id, os_version_id,
		image_type_id, 50, UTC_TIMESTAMP(6) - INTERVAL 3 DAY, UTC_TIMESTAMP(6) - INTERVAL 3 DAY FROM builds LIMIT 1" &&
	after=$(stack_sql stratus -N -e "SELECT COUNT(*), SUM(builds) FROM build_hours" || true) &&
	{ [ "$before" = "$after" ] || { echo "build_hours went from $before to $after"; return 1; }; }
'

# ------------------------------------------------------------------ listing, filters, pagination

# Five builds on this run's own platform, created a known order; b3 starts a
# new second so that since/until can split the set.
t_list_setup() {
	local u1 u2 u3 u4 u5
	u1=$(newbuild "l1-$RUN" "$PLAT" rhel-9.2 base) && put l1 "$u1" &&
		u2=$(newbuild "l2-$RUN" "$PLAT" rhel-9.2 sap-hana) && put l2 "$u2" &&
		sleep 1.1 &&
		u3=$(newbuild "l3-$RUN" "$PLAT" ubuntu-22.04 base) && put l3 "$u3" &&
		http GET "/builds/$u3" -H "$RO" && put t3 "$(jq -r '.created_at[0:19] + "Z"' "$BODY")" &&
		u4=$(newbuild "l4-$RUN" "$PLAT" ubuntu-22.04 web-server) && put l4 "$u4" &&
		u5=$(newbuild "l5-$RUN" "$PLAT" sles-15-sp5 database) && put l5 "$u5" &&
		to_state "$u1" 10 && to_state "$u2" 10 && to_state "$u2" 50 &&
		jreq POST "/builds/$u3/failure" "{\"error_message\":\"boom\",\"error_code\":\"BOOM-$RUN\"}" -H "$DEV" &&
		expect_status 201
}
test_expect_success 'five builds on a platform of this run (setup)' t_list_setup

# ids FILTER...: the build_ids (without -$RUN) of the items, in order.
ids() { jq -c --arg s "-$RUN" '[.items[].build_id | rtrimstr($s)]' "$BODY"; }
expect_ids() {
	[ "$(ids)" = "$1" ] || { echo "build_ids $(ids), expected $1"; return 1; }
}
# Two earlier builds are on $PLAT too: alias-$RUN (made through the alias,
# still queued) and then stale-$RUN (succeeded).
ALL='["l5","l4","l3","l2","l1","stale","alias"]'

test_expect_success 'GET /builds?platform= lists newest first with total, limit, offset' '
	http GET "/builds?platform=$PLAT" -H "$RO" && expect_status 200 &&
	expect_ids "$ALL" && json_num .total 7 && json_num .limit 20 && json_num .offset 0 &&
	expect_builds ".items[]" && jt "[.items[].created_at] | . == (sort | reverse)"
'

test_expect_success 'pagination: limit and offset walk the list' '
	http GET "/builds?platform=$PLAT&limit=2" -H "$RO" && expect_status 200 &&
	expect_ids "[\"l5\",\"l4\"]" && json_num .total 7 && json_num .limit 2 && json_num .offset 0 &&
	http GET "/builds?platform=$PLAT&limit=2&offset=2" -H "$RO" &&
	expect_ids "[\"l3\",\"l2\"]" && json_num .total 7 && json_num .offset 2 &&
	http GET "/builds?platform=$PLAT&limit=2&offset=4" -H "$RO" && expect_ids "[\"l1\",\"stale\"]" &&
	http GET "/builds?platform=$PLAT&limit=2&offset=6" -H "$RO" && expect_ids "[\"alias\"]" &&
	http GET "/builds?platform=$PLAT&limit=2&offset=7" -H "$RO" && expect_status 200 &&
	expect_ids "[]" && json_num .total 7 &&
	http GET "/builds?platform=$PLAT&limit=100" -H "$RO" && expect_ids "$ALL"
'

test_expect_success 'an unfiltered list pages the whole table' '
	http GET "/builds?limit=3" -H "$RO" && expect_status 200 &&
	json_num ".items | length" 3 && jt ".total >= 20" && expect_builds ".items[]" &&
	first=$(jq -r ".items[0].uuid" "$BODY") && third=$(jq -r ".items[2].uuid" "$BODY") &&
	http GET "/builds?limit=1&offset=2" -H "$RO" && json_is ".items[0].uuid" "$third" &&
	http GET /dashboard/recent?limit=1 -H "$RO" && json_is ".items[0].uuid" "$first"
'

test_expect_success 'bad limit and offset are 400 naming them' '
	for l in 0 101 -1 abc 1.5; do
		http GET "/builds?limit=$l" -H "$RO" && expect_fields limit || exit 1
	done &&
	http GET "/builds?offset=-1" -H "$RO" && expect_fields offset &&
	http GET "/builds?offset=x" -H "$RO" && expect_fields offset
'

test_expect_success 'filter by os_version, image_type, build_id' '
	http GET "/builds?platform=$PLAT&os_version=rhel-9.2" -H "$RO" && expect_ids "[\"l2\",\"l1\",\"stale\"]" && json_num .total 3 &&
	http GET "/builds?platform=$PLAT&image_type=base" -H "$RO" && expect_ids "[\"l3\",\"l1\",\"stale\"]" &&
	http GET "/builds?platform=$PLAT&os_version=$OSV&image_type=$IMGT" -H "$RO" && expect_ids "[\"alias\"]" &&
	http GET "/builds?platform=$PLAT&os_version=ubuntu-22.04&image_type=web-server" -H "$RO" && expect_ids "[\"l4\"]" &&
	http GET "/builds?build_id=l3-$RUN" -H "$RO" && expect_ids "[\"l3\"]" && json_num .total 1 &&
	json_is ".items[0].uuid" "$(get l3)" &&
	http GET "/builds?build_id=nothing-$RUN" -H "$RO" && expect_status 200 && expect_ids "[]" && json_num .total 0
'

test_expect_success 'filter by state (numeric code)' '
	http GET "/builds?platform=$PLAT&state=0" -H "$RO" && expect_ids "[\"l5\",\"l4\",\"alias\"]" &&
	http GET "/builds?platform=$PLAT&state=10" -H "$RO" && expect_ids "[\"l1\"]" &&
	http GET "/builds?platform=$PLAT&state=50" -H "$RO" && expect_ids "[\"l2\",\"stale\"]" &&
	http GET "/builds?platform=$PLAT&state=90" -H "$RO" && expect_ids "[\"l3\"]" && json_num .total 1 &&
	http GET "/builds?platform=$PLAT&state=95" -H "$RO" && expect_ids "[]" &&
	http GET "/builds?state=90&limit=100" -H "$RO" && jt "all(.items[]; .current_state == 90)" && jt ".total >= 3"
'

test_expect_success 'filter by since and until' '
	t3=$(get t3) &&
	http GET "/builds?platform=$PLAT&since=$t3" -H "$RO" && expect_ids "[\"l5\",\"l4\",\"l3\"]" && json_num .total 3 &&
	http GET "/builds?platform=$PLAT&until=$t3" -H "$RO" && expect_ids "[\"l2\",\"l1\",\"stale\",\"alias\"]" &&
	http GET "/builds?platform=$PLAT&since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00Z" -H "$RO" && expect_ids "$ALL" &&
	http GET "/builds?platform=$PLAT&since=2999-01-01T00:00:00Z" -H "$RO" && expect_ids "[]" && json_num .total 0 &&
	http GET "/builds?platform=$PLAT&until=2000-01-01T00:00:00Z" -H "$RO" && expect_ids "[]"
'

test_expect_success 'filter by the platform alias (aws, and an operator alias)' '
	http GET "/builds?platform=aws&limit=100" -H "$RO" && expect_status 200 &&
	jt ".total >= 2 and all(.items[]; .platform == \"aws-commercial\")" &&
	jt "any(.items[]; .build_id == \"flow-$RUN\")" &&
	http GET "/builds?platform=$PLAT_ALIAS" -H "$RO" && expect_ids "$ALL"
'

test_expect_success 'bad filter values are 400 naming the parameter' '
	for p in "state=abc" "state=-1" "state=1.5" "since=yesterday" "since=2026-13-45T00:00:00Z" \
		"until=2026-01-01T25:00:00Z" "until=1700000000x" "platform=nimbus" "os_version=rhel-1" "image_type=fridge"; do
		http GET "/builds?$p" -H "$RO" && expect_fields "${p%%=*}" || { echo "GET /builds?$p"; exit 1; }
	done &&
	http GET "/builds?state=abc&since=nope&limit=0" -H "$RO" && expect_error 400 ValidationError VALIDATION_ERROR &&
	jt "[.details.errors[].field] | length > 0 and inside([\"state\",\"since\",\"limit\"])"
'

test_expect_success 'a state filter that is no state code (15, 1000) is 400 naming state' '
	for p in "state=15" "state=1000"; do
		http GET "/builds?$p" -H "$RO" && expect_fields state || { echo "GET /builds?$p"; exit 1; }
	done
'

test_expect_success 'combined filters and since/until with a readonly key only' '
	http GET "/builds?platform=$PLAT&state=0&image_type=database" -H "$RO" && expect_ids "[\"l5\"]" &&
	http GET "/builds?platform=$PLAT&os_version=rhel-9.2&state=10&since=2000-01-01T00:00:00Z" -H "$RO" && expect_ids "[\"l1\"]"
'

# ------------------------------------------------------------------ dashboards

test_expect_success 'GET /dashboard/platform/{platform} for this run: exact numbers' '
	http GET "/dashboard/platform/$PLAT" -H "$RO" && expect_status 200 &&
	json_is .platform "$PLAT" && json_num .total 7 && json_num .last_24h 7 && json_num .stale 0 &&
	json_num ".by_state.queued // 0" 3 && json_num ".by_state.started // 0" 1 &&
	json_num ".by_state.succeeded // 0" 2 && json_num ".by_state.failed // 0" 1 &&
	jt "([.by_state[]] | add) == 7" &&
	jt "(.success_rate - 2 / 3 | fabs) < 0.0001" &&
	jt ".mean_duration_seconds | type == \"number\" and . >= 0 and . < 3600" &&
	json_num .top_failure_codes "[{\"error_code\":\"BOOM-$RUN\",\"count\":1}]" &&
	jt "[.recent[].build_id] == (\$all | map(. + \"-$RUN\"))" --argjson all "$ALL" &&
	expect_builds ".recent[]"
'

test_expect_success 'a platform with no builds: zeros, null success_rate and mean duration' '
	jreq POST /platforms "$(jobj name "empty-$RUN")" -H "$ADM" && expect_status 201 &&
	http GET "/dashboard/platform/empty-$RUN" -H "$RO" && expect_status 200 &&
	json_is .platform "empty-$RUN" && json_num .total 0 && json_num .success_rate null &&
	json_num .mean_duration_seconds null && json_num .recent "[]" && json_num .top_failure_codes "[]" &&
	json_num .stale 0 && json_num .last_24h 0
'

test_expect_success 'the platform dashboard accepts aliases; unknown platforms are 404' '
	http GET /dashboard/platform/aws -H "$RO" && expect_status 200 && json_is .platform aws-commercial &&
	a=$(jq -c "{total, by_state}" "$BODY") &&
	http GET /dashboard/platform/aws-commercial -H "$RO" && jt "{total, by_state} == $a" &&
	http GET "/dashboard/platform/$PLAT_ALIAS" -H "$RO" && json_is .platform "$PLAT" && json_num .total 7 &&
	http GET /dashboard/platform/nimbus -H "$RO" && expect_404 &&
	http GET "/dashboard/platform/%27%20OR%201%3D1%20--" -H "$RO" && expect_404
'

test_expect_success 'the summary totals per platform match each platform dashboard' '
	http GET /dashboard/summary -H "$RO" && s=$(jq -c .by_platform "$BODY") &&
	for p in aws-commercial azure gcp "$PLAT"; do
		http GET "/dashboard/platform/$p" -H "$RO" && expect_status 200 &&
		jt ".total == (\$s[\$p] // 0)" --argjson s "$s" --arg p "$p" || exit 1
	done
'

t_top_codes() {
	local u i code=TOP-$RUN
	u=$(newbuild "top-$RUN" oci sles-15-sp5 base) &&
		for i in $(seq 25); do
			jreq POST "/builds/$u/failure" "{\"error_message\":\"flaky $i\",\"error_code\":\"$code\",\"terminal\":false}" -H "$DEV" &&
				expect_status 201 || return 1
		done &&
		http GET /dashboard/summary -H "$RO" && expect_status 200 &&
		jt "any(.top_failure_codes[]; .error_code == \$c and .count == 25)" --arg c "$code" &&
		jt "[.top_failure_codes[].count] | . == (sort | reverse)" &&
		http GET /dashboard/platform/oci -H "$RO" &&
		jt ".top_failure_codes[0] == {error_code: \$c, count: 25}" --arg c "$code"
}
test_expect_success 'top_failure_codes counts failure records, most frequent first' t_top_codes

test_expect_success 'GET /dashboard/recent: default 20, newest first, with state names' '
	http GET /dashboard/recent -H "$RO" && expect_status 200 &&
	json_num ".items | length" 20 && expect_builds ".items[]" &&
	jt "[.items[].created_at] | . == (sort | reverse)" &&
	json_is ".items[0].build_id" "top-$RUN" &&
	http GET "/dashboard/recent?limit=1" -H "$RO" && json_num ".items | length" 1 &&
	http GET "/dashboard/recent?limit=100" -H "$RO" && expect_status 200 &&
	jt ".items | length > 20 and length <= 100"
'

test_expect_success 'GET /dashboard/recent?limit= outside 1-100 is 400 naming limit' '
	for l in 0 101 -5 many; do
		http GET "/dashboard/recent?limit=$l" -H "$RO" && expect_fields limit || exit 1
	done
'

test_expect_success 'dashboards need a key (401); readonly suffices' '
	http GET /dashboard/summary && expect_401 &&
	http GET /dashboard/recent && expect_401 &&
	http GET /dashboard/platform/gcp && expect_401 &&
	http GET /dashboard/summary -H "$RO" && expect_status 200
'

test_done
