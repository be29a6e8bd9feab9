#!/usr/bin/env bash
# tests/http/builds.sh: the Build State API over HTTP against the real stack:
# reference data, the CI pipeline flow exactly as pipelines run it with curl,
# creating builds (idempotent retries, concurrent creates), reading one,
# numeric states, 409 on terminal builds, failures and heartbeats.
#
# Its parts share tests/http/lib/builds.sh (the helpers, the users and their
# keys): builds-cache.sh (the read cache), builds-limits.sh (text limits,
# bounds, roles, concurrent writers), builds-lists.sh (staleness, lists,
# filters, pagination, dashboards) and builds-validation.sh (what
# POST /builds refuses).
#
# The database persists across suites and other suites (and the development
# sample data) add builds, so every build_id here carries $RUN, filters use a
# platform made by this suite, and whole-table dashboards are checked by
# relations and deltas, never by absolute numbers.
#
# Note on lib.sh: a test body runs with `set -e` (tests/lib.sh); helpers here
# are still one && chain, and loops end a failing iteration with
# `|| return 1` / `|| exit 1`, because errexit does not hold inside a
# function called as an && operand.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-builds
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# stratusctl reads the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/builds.sh
. "$(dirname "$0")/lib/builds.sh"

test_expect_success 'stratusctl bootstraps an admin, a developer and a readonly key' '
	test -n "$ADM_KEY" && test -n "$DEV_KEY" && test -n "$RO_KEY" && test -n "$DEV_ID" &&
	http GET /auth/me -H "$DEV" && expect_status 200
'

# ------------------------------------------------------------------ states and reference data

test_expect_success 'GET /states lists the numeric states in code order' '
	http GET /states -H "$RO" &&
	expect_status 200 &&
	jt "[.items[].code] == $STATE_CODES" &&
	jt "all(.items[]; .name == \$n[.code | tostring])" --argjson n "$STATE_NAMES" &&
	jt "all(.items[]; .terminal == ([.code] | inside([50, 90, 95])))" &&
	jt "all(.items[]; .description | type == \"string\" and length > 0)"
'

test_expect_success 'GET /states without credentials is 401' '
	http GET /states && expect_401
'

test_expect_success 'GET /platforms lists the seeded platforms; aws is an alias of aws-commercial' '
	http GET /platforms -H "$RO" &&
	expect_status 200 &&
	jt "[.items[].name] | contains([\"aws-commercial\",\"aws-govcloud\",\"azure\",\"azure-gov\",\"gcp\",\"oci\"])" &&
	jt "all(.items[]; (.name | type == \"string\") and has(\"display_name\") and (.aliases | type == \"array\"))" &&
	jt "any(.items[]; .name == \"aws-commercial\" and (.aliases | index(\"aws\")))"
'

test_expect_success 'GET /os-versions and /image-types list the seeded values' '
	http GET /os-versions -H "$RO" &&
	expect_status 200 &&
	jt "[.items[].name] | contains([\"rhel-8.8\",\"rhel-9.2\",\"ubuntu-22.04\",\"sles-15-sp5\"])" &&
	jt "all(.items[]; (.name | type == \"string\") and has(\"display_name\"))" &&
	http GET /image-types -H "$RO" &&
	expect_status 200 &&
	jt "[.items[].name] | contains([\"base\",\"sap-hana\",\"web-server\",\"database\"])" &&
	jt "all(.items[]; (.name | type == \"string\") and has(\"display_name\"))"
'

test_expect_success 'reference reads without credentials are 401' '
	for p in /platforms /os-versions /image-types; do
		http GET $p && expect_401 || exit 1
	done
'

test_expect_success 'an admin adds a platform with an alias (201, the item)' '
	jreq POST /platforms "$(jobj name "$PLAT" display_name "Test cloud $RUN" aliases "json:[\"$PLAT_ALIAS\"]")" -H "$ADM" &&
	expect_status 201 &&
	json_is .name "$PLAT" &&
	json_is .display_name "Test cloud $RUN" &&
	jt ".aliases == [\$a]" --arg a "$PLAT_ALIAS" &&
	http GET /platforms -H "$RO" &&
	jt "any(.items[]; .name == \$p and .aliases == [\$a])" --arg p "$PLAT" --arg a "$PLAT_ALIAS"
'

test_expect_success 'an admin adds an OS version and an image type (201)' '
	jreq POST /os-versions "$(jobj name "$OSV" display_name "OS $RUN")" -H "$ADM" &&
	expect_status 201 && json_is .name "$OSV" && json_is .display_name "OS $RUN" &&
	jreq POST /image-types "$(jobj name "$IMGT")" -H "$ADM" &&
	expect_status 201 && json_is .name "$IMGT" &&
	http GET /os-versions -H "$RO" && jt "any(.items[]; .name == \$n)" --arg n "$OSV" &&
	http GET /image-types -H "$RO" && jt "any(.items[]; .name == \$n)" --arg n "$IMGT"
'

test_expect_success 'a duplicate platform, OS version or image type is 409, worded for its kind' '
	jreq POST /platforms "$(jobj name "$PLAT")" -H "$ADM" && expect_409 &&
	expect_json ".message == \"a platform or alias named like this already exists\"" &&
	jreq POST /platforms "$(jobj name aws-commercial)" -H "$ADM" && expect_409 &&
	jreq POST /os-versions "$(jobj name "$OSV")" -H "$ADM" && expect_409 &&
	expect_json ".message == \"an OS version named like this already exists\"" &&
	jreq POST /os-versions "$(jobj name rhel-9.2)" -H "$ADM" && expect_409 &&
	jreq POST /image-types "$(jobj name "$IMGT")" -H "$ADM" && expect_409 &&
	expect_json ".message == \"an image type named like this already exists\"" &&
	jreq POST /image-types "$(jobj name base)" -H "$ADM" && expect_409
'

long65=$(printf 'a%.0s' $(seq 65))
for path in /platforms /os-versions /image-types; do
	test_expect_success "POST $path rejects bad names with 400 naming name" '
		for n in "" "Upper" "has space" "a/b" $'"'"'caf\xc3\xa9'"'"' "'"$long65"'"; do
			jreq POST '"$path"' "$(jobj name "$n")" -H "$ADM" && expect_fields name || exit 1
		done &&
		jreq POST '"$path"' "{}" -H "$ADM" && expect_fields name &&
		jreq POST '"$path"' "{\"name\":42}" -H "$ADM" && expect_fields name
	'
done

test_expect_success 'a 64-character reference name with . _ - is accepted' '
	n=$(printf "%s" "x.y_z-$RUN-$(printf "q%.0s" $(seq 64))" | head -c 64) &&
	jreq POST /image-types "$(jobj name "$n")" -H "$ADM" &&
	expect_status 201 && json_is .name "$n"
'

test_expect_success 'a developer or readonly key cannot POST reference data (403); no key 401' '
	for p in /platforms /os-versions /image-types; do
		jreq POST $p "$(jobj name "deny-$RUN")" -H "$DEV" && expect_403 &&
		jreq POST $p "$(jobj name "deny-$RUN")" -H "$RO" && expect_403 &&
		jreq POST $p "$(jobj name "deny-$RUN")" && expect_401 || exit 1
	done &&
	http GET /platforms -H "$RO" && jt "all(.items[]; .name != \"deny-$RUN\")"
'

# ------------------------------------------------------------------ the CI pipeline flow

test_expect_success 'dashboards before the pipeline run (snapshot)' '
	snap sum0 /dashboard/summary && snap aws0 /dashboard/platform/aws-commercial
'

# Exactly what a pipeline does: plain curl -f, jq for the fields it needs.
t_pipeline() {
	local api=$BASE_URL h="X-API-Key: $DEV_KEY" r="X-API-Key: $RO_KEY" j="Content-Type: application/json" u s
	u=$(curl -sSf -X POST "$api/builds" -H "$h" -H "$j" \
		-d "{\"platform\":\"aws\",\"os_version\":\"rhel-9.2\",\"image_type\":\"base\",\"build_id\":\"flow-$RUN\",\"pipeline_url\":\"https://ci.example.com/teams/main/pipelines/images/jobs/build/builds/$RUN\",\"commit_hash\":\"$COMMIT\"}" |
		jq -r .uuid) &&
		{ [[ $u =~ $UUID_RE ]] || { echo "no uuid from POST /builds: '$u'"; return 1; }; } &&
		put flow "$u" &&
		for s in 10 20 25; do
			curl -sSf -X POST "$api/builds/$u/state" -H "$h" -H "$j" \
				-d "{\"state_code\": $s, \"message\": \"step $s done\"}" >/dev/null ||
				{ echo "POST state $s failed"; return 1; }
		done &&
		s=$(curl -sSf "$api/builds/$u/state" -H "$r" | jq .current_state) &&
		{ [ "$s" = 25 ] || { echo "current_state after 25 is '$s'"; return 1; }; } &&
		for s in 30 40; do
			curl -sSf -X POST "$api/builds/$u/state" -H "$h" -H "$j" \
				-d "{\"state_code\": $s}" >/dev/null || { echo "POST state $s failed"; return 1; }
		done &&
		curl -sSf -X POST "$api/builds/$u/heartbeat" -H "$h" -d '' >/dev/null &&
		s=$(curl -sSf -X POST "$api/builds/$u/failure" -H "$h" -H "$j" \
			-d '{"error_message":"AMI copy to us-gov-west-1 timed out","error_code":"AMI_COPY_TIMEOUT","component":"publish","details":{"region":"us-east-1","attempt":3,"regions":["a","b"]}}' |
			jq .current_state) &&
		{ [ "$s" = 90 ] || { echo "current_state in the failure answer is '$s'"; return 1; }; } &&
		s=$(curl -sSf "$api/builds/$u/state" -H "$r" | jq -r '"\(.current_state) \(.current_state_name)"') &&
		{ [ "$s" = "90 failed" ] || { echo "state after the failure is '$s'"; return 1; }; }
}
test_expect_success 'the pipeline flow with curl: create with aws, 10 20 25 (jq .current_state), 30 40, failure' t_pipeline

test_expect_success 'the flow build has its whole history and the failure' '
	u=$(get flow) &&
	http GET "/builds/$u" -H "$RO" &&
	expect_status 200 && expect_build &&
	json_is .platform aws-commercial && json_is .build_id "flow-$RUN" &&
	json_is .os_version rhel-9.2 && json_is .image_type base && json_is .commit_hash "$COMMIT" &&
	json_is .pipeline_url "https://ci.example.com/teams/main/pipelines/images/jobs/build/builds/$RUN" &&
	json_num .current_state 90 && json_is .current_state_name failed &&
	json_num .terminal true && json_num .stale false &&
	jt ".last_heartbeat_at | type == \"string\"" &&
	json_num "[.states[].state_code]" "[0,10,20,25,30,40,90]" &&
	jt "all(.states[]; .state_name == \$n[.state_code | tostring])" --argjson n "$STATE_NAMES" &&
	jt "all(.states[]; (.created_at | test(\$ts)) and has(\"message\") and .created_by != null)" --arg ts "$TS_RE" &&
	json_is ".states[2].message" "step 20 done" &&
	jt "[.states[].created_at] | . == sort" &&
	json_num ".failures | length" 1 &&
	jt ".failures[0] | (.id != null) and .error_message == \"AMI copy to us-gov-west-1 timed out\"
		and .error_code == \"AMI_COPY_TIMEOUT\" and .component == \"publish\"
		and .details == {\"region\":\"us-east-1\",\"attempt\":3,\"regions\":[\"a\",\"b\"]}
		and (.created_at | test(\$ts))" --arg ts "$TS_RE"
'

test_expect_success 'the summary counts the flow build: total, failed, aws-commercial, last 24 h' '
	u=$(get flow) &&
	http GET /dashboard/summary -H "$RO" && expect_status 200 &&
	delta sum0 .total 1 && delta sum0 .by_state.failed 1 &&
	delta sum0 ".by_platform[\"aws-commercial\"]" 1 && delta sum0 .last_24h 1 &&
	delta sum0 .by_state.succeeded 0 && delta sum0 .stale 0
'

test_expect_success 'the recent builds and the aws-commercial dashboard start with the flow build' '
	u=$(get flow) &&
	http GET /dashboard/recent -H "$RO" && expect_status 200 &&
	json_is ".items[0].uuid" "$u" && json_is ".items[0].current_state_name" failed &&
	http GET /dashboard/platform/aws-commercial -H "$RO" && expect_status 200 &&
	json_is .platform aws-commercial && delta aws0 .total 1 && delta aws0 .by_state.failed 1 &&
	json_is ".recent[0].uuid" "$u" && expect_builds ".recent[]" &&
	jt "all(.recent[]; .platform == \"aws-commercial\")"
'

t_pipeline_success() {
	local api=$BASE_URL h="X-API-Key: $DEV_KEY" j="Content-Type: application/json" u s
	u=$(curl -sSf -X POST "$api/builds" -H "$h" -H "$j" \
		-d "{\"platform\":\"aws-govcloud\",\"os_version\":\"ubuntu-22.04\",\"image_type\":\"web-server\",\"build_id\":\"ok-$RUN\"}" |
		jq -r .uuid) &&
		put ok "$u" &&
		for s in 10 20 25 30 40 50; do
			curl -sSf -X POST "$api/builds/$u/state" -H "$h" -H "$j" -d "{\"state_code\":$s}" >/dev/null ||
				{ echo "POST state $s failed"; return 1; }
		done &&
		s=$(curl -sSf "$api/builds/$u/state" -H "$h" | jq -r .current_state_name) &&
		{ [ "$s" = succeeded ] || { echo "state is '$s'"; return 1; }; } &&
		http GET /dashboard/summary -H "$RO" && expect_status 200 &&
		delta sum0 .total 2 && delta sum0 .by_state.succeeded 1 &&
		jt '.success_rate | type == "number" and . > 0 and . <= 1' &&
		jt '.mean_duration_seconds | type == "number" and . >= 0'
}
test_expect_success 'a pipeline run to succeeded shows in the summary' t_pipeline_success

test_expect_success 'the summary is consistent: by_state and by_platform sum to total, success rate' '
	http GET /dashboard/summary -H "$RO" && expect_status 200 &&
	jt "(.total | type == \"number\") and ([.by_state[]] | add) == .total" &&
	jt "([.by_platform[]] | add) == .total" &&
	jt "(.by_state | keys) - [\$n[]] == []" --argjson n "$STATE_NAMES" &&
	jt "(.by_state.succeeded // 0) as \$s | ((.by_state.failed // 0) + (.by_state.cancelled // 0) + \$s) as \$f
		| (.success_rate - \$s / \$f | fabs) < 0.0001" &&
	jt ".last_24h >= 2 and .last_24h <= .total and .stale >= 0 and .stale <= .total" &&
	jt ".top_failure_codes | type == \"array\" and all(.[]; (.error_code | type == \"string\") and (.count | type == \"number\" and . > 0))" &&
	jt "[.top_failure_codes[].count] | . == (sort | reverse)"
'

# ------------------------------------------------------------------ creating builds

test_expect_success 'POST /builds returns 201 with the whole build object' '
	jreq POST /builds "$(jobj build_id "shape-$RUN" platform azure os_version sles-15-sp5 image_type sap-hana \
		pipeline_url "http://ci.local/x" commit_hash abcdef1)" -H "$DEV" &&
	expect_status 201 && expect_build &&
	jt ".uuid | test(\$re)" --arg re "$UUID_RE" &&
	json_is .build_id "shape-$RUN" && json_is .platform azure && json_is .os_version sles-15-sp5 &&
	json_is .image_type sap-hana && json_is .pipeline_url "http://ci.local/x" && json_is .commit_hash abcdef1 &&
	json_num .current_state 0 && json_is .current_state_name queued &&
	json_num .terminal false && json_num .stale false &&
	jt ".created_by | type == \"string\" and length > 0" &&
	put shape "$(jq -r .uuid "$BODY")"
'

test_expect_success 'the 201 answer, made from what was written, equals the build read back' '
	jreq POST /builds "$(jobj build_id "echo-$RUN" platform aws os_version rhel-8.8 image_type base \
		pipeline_url "https://ci.local/echo" commit_hash 0123456789abcdef)" -H "$DEV" &&
	expect_status 201 && cp "$BODY" "$TEST_TMP/created" && u=$(jq -r .uuid "$BODY") &&
	http GET "/builds/$u" -H "$DEV" && expect_status 200 &&
	test "$(jq -S "del(.states, .failures)" "$BODY")" = "$(jq -S . "$TEST_TMP/created")" &&
	jt ".states | length == 1 and .[0].created_at == \"$(jq -r .created_at "$TEST_TMP/created")\""
'

test_expect_success 'a 2,048-character pipeline_url of 2-byte characters is kept whole' '
	url="https://ci.local/$(printf "é%.0s" $(seq 2031))" &&
	jreq POST /builds "$(jobj build_id "wide-$RUN" platform aws os_version rhel-8.8 image_type base pipeline_url "$url")" -H "$DEV" &&
	expect_status 201 && json_is .pipeline_url "$url" && u=$(jq -r .uuid "$BODY") &&
	http GET "/builds/$u" -H "$DEV" && expect_status 200 && json_is .pipeline_url "$url" &&
	test "$(jq -r ".pipeline_url | length" "$BODY")" = 2048
'

test_expect_success 'a build inserted by SQL gets its first history row from the trigger' '
	u=$(cat /proc/sys/kernel/random/uuid) &&
	stack_sql stratus -e "INSERT INTO builds (uuid, build_id, platform_id, os_version_id, image_type_id,
		current_state, created_by, created_at, updated_at) SELECT '"'"'$u'"'"', '"'"'sqlonly-$RUN'"'"', platform_id,
		os_version_id, image_type_id, 0, '"'"'operator'"'"', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM builds LIMIT 1" &&
	http GET "/builds/$u" -H "$DEV" && expect_status 200 &&
	jt ".states | length == 1 and .[0].state_code == 0 and .[0].created_by == \"operator\"" &&
	put sqlonly "$u"
'

test_expect_success 'a build without history rows is read with empty states, not 404' '
	u=$(get sqlonly) &&
	build_sql "DELETE h FROM build_state_history h JOIN builds b ON b.id = h.build_id WHERE b.uuid = '"'"'$u'"'"'" &&
	http GET "/builds/$u" -H "$DEV" && expect_status 200 && json_is .build_id "sqlonly-$RUN" &&
	jt ".states == [] and .failures == []"
'

test_expect_success 'history: a state set twice is two rows; backdating by SQL is none; an SQL state change is one, by nobody' '
	u=$(get sqlonly) && q="'"'"'" &&
	build_sql "UPDATE builds SET updated_at = UTC_TIMESTAMP(6) - INTERVAL 3 HOUR WHERE uuid = $q$u$q" &&
	http GET "/builds/$u" -H "$DEV" && expect_status 200 && jt ".states == []" &&
	build_sql "UPDATE builds SET current_state = 10 WHERE uuid = $q$u$q" &&
	http GET "/builds/$u" -H "$DEV" && expect_status 200 &&
	jt ".states | length == 1 and .[0].state_code == 10 and .[0].created_by == null" &&
	to_state "$u" 20 "twice" && to_state "$u" 20 "twice" &&
	http GET "/builds/$u" -H "$DEV" && expect_status 200 &&
	json_num "[.states[].state_code]" "[10,20,20]" &&
	jt "[.states[1,2] | .message == \"twice\" and .created_by != null] == [true,true]" &&
	jt ".states[2].created_at == .updated_at and .current_state == 20"
'

test_expect_success 'optional pipeline_url and commit_hash are null when not given' '
	jreq POST /builds "$(jobj build_id "bare-$RUN" platform oci os_version rhel-8.8 image_type database)" -H "$DEV" &&
	expect_status 201 && expect_build &&
	json_num .pipeline_url null && json_num .commit_hash null && json_num .last_heartbeat_at null
'

test_expect_success 'uuids are server-generated and distinct; a client uuid is ignored' '
	jreq POST /builds "$(jobj build_id "uu-$RUN" platform gcp os_version rhel-8.8 image_type base uuid 00000000-0000-4000-8000-000000000000)" -H "$DEV" &&
	{ [ "$STATUS" = 201 ] || [ "$STATUS" = 400 ]; } &&
	if [ "$STATUS" = 201 ]; then
		jt ".uuid != \"00000000-0000-4000-8000-000000000000\"" && a=$(jq -r .uuid "$BODY") &&
		b=$(get shape) && test "$a" != "$b"
	fi
'

test_expect_success 'an operator-defined alias and a new OS version and image type work for builds' '
	jreq POST /builds "$(jobj build_id "alias-$RUN" platform "$PLAT_ALIAS" os_version "$OSV" image_type "$IMGT")" -H "$DEV" &&
	expect_status 201 && expect_build &&
	json_is .platform "$PLAT" && json_is .os_version "$OSV" && json_is .image_type "$IMGT" &&
	put alias "$(jq -r .uuid "$BODY")"
'

test_expect_success 'a retried POST /builds (same build_id, same body) is 200 with the same uuid' '
	body=$(jobj build_id "retry-$RUN" platform aws os_version rhel-9.2 image_type base commit_hash "$COMMIT") &&
	jreq POST /builds "$body" -H "$DEV" && expect_status 201 && u=$(jq -r .uuid "$BODY") &&
	jreq POST /builds "$body" -H "$DEV" && expect_status 200 && expect_build &&
	json_is .uuid "$u" && json_is .platform aws-commercial && json_num .current_state 0 &&
	put retry "$u" && to_state "$u" 25 &&
	jreq POST /builds "$body" -H "$DEV" && expect_status 200 && json_is .uuid "$u" &&
	json_num .current_state 25 &&
	http GET "/builds?build_id=retry-$RUN" -H "$RO" && json_num .total 1
'

test_expect_success 'the same build_id with a different body is 409 and changes nothing' '
	u=$(get retry) &&
	jreq POST /builds "$(jobj build_id "retry-$RUN" platform aws os_version rhel-9.2 image_type base commit_hash "$(hex 40)")" -H "$DEV" &&
	expect_409 &&
	jreq POST /builds "$(jobj build_id "retry-$RUN" platform azure os_version rhel-9.2 image_type base commit_hash "$COMMIT")" -H "$DEV" &&
	expect_409 &&
	jreq POST /builds "$(jobj build_id "retry-$RUN" platform aws os_version rhel-9.2 image_type base)" -H "$DEV" &&
	expect_409 &&
	http GET "/builds/$u" -H "$RO" && json_is .commit_hash "$COMMIT" && json_is .platform aws-commercial &&
	http GET "/builds?build_id=retry-$RUN" -H "$RO" && json_num .total 1
'

t_concurrent_create() {
	local dir=$TEST_TMP/cc i body
	body=$(jobj build_id "race-$RUN" platform gcp os_version rhel-9.2 image_type database)
	mkdir -p "$dir" &&
		for i in 1 2 3 4 5 6; do
			(
				while [ ! -e "$dir/go" ]; do sleep 0.01; done
				curl -sS -o "$dir/$i.body" -w '%{http_code}\n' --max-time 20 -X POST \
					-H "$DEV" -H 'Content-Type: application/json' --data-binary "$body" \
					"$BASE_URL/builds" >"$dir/$i.status"
			) &
		done &&
		touch "$dir/go" && wait &&
		s=$(cat "$dir"/*.status | sort | uniq -c | tr -s ' \n' ' ') &&
		{ [ "$(cat "$dir"/*.status | sort | tr '\n' ' ')" = "200 200 200 200 200 201 " ] ||
			{ echo "statuses of 6 identical concurrent POSTs: $s"; return 1; }; } &&
		{ [ "$(jq -r .uuid "$dir"/*.body | sort -u | wc -l)" = 1 ] ||
			{ echo "different uuids: $(jq -r .uuid "$dir"/*.body)"; return 1; }; } &&
		http GET "/builds?build_id=race-$RUN" -H "$RO" && json_num .total 1
}
test_expect_success '6 identical concurrent POST /builds make one build: one 201, five 200' t_concurrent_create

# ------------------------------------------------------------------ reading one build

test_expect_success 'GET /builds/{uuid} of a new build: queued history, no failures' '
	u=$(get shape) &&
	http GET "/builds/$u" -H "$RO" && expect_status 200 && expect_build &&
	json_is .uuid "$u" && json_num .current_state 0 &&
	json_num ".states | length" 1 && json_num ".states[0].state_code" 0 &&
	json_is ".states[0].state_name" queued && json_num .failures "[]"
'

test_expect_success 'unknown and malformed uuids are 404 on every build route' '
	for id in nope 00000000-0000-4000-8000-000000000000 "%27%20OR%201%3D1%20--" "%27%20OR%20%271%27%3D%271" \
		"$(printf "a%.0s" $(seq 300))" "$(get shape | tr a-f A-F)x"; do
		http GET "/builds/$id" -H "$RO" && expect_404 &&
		http GET "/builds/$id/state" -H "$RO" && expect_404 &&
		jreq POST "/builds/$id/state" "{\"state_code\":10}" -H "$DEV" && expect_404 &&
		jreq POST "/builds/$id/failure" "{\"error_message\":\"x\"}" -H "$DEV" && expect_404 &&
		beat "/builds/$id/heartbeat" -H "$DEV" && expect_404 || exit 1
	done
'

test_expect_success 'reads of a build need a key (401); readonly suffices' '
	u=$(get shape) &&
	http GET "/builds/$u" && expect_401 &&
	http GET "/builds/$u/state" && expect_401 &&
	http GET /builds && expect_401 &&
	http GET "/builds/$u/state" -H "$RO" && expect_status 200
'

# ------------------------------------------------------------------ states

test_expect_success 'POST state is 201 with the new state; GET state agrees' '
	u=$(get shape) &&
	jreq POST "/builds/$u/state" "{\"state_code\":10,\"message\":\"packer init\"}" -H "$DEV" &&
	expect_status 201 &&
	json_is .uuid "$u" && json_num .current_state 10 && json_is .current_state_name started &&
	json_is .message "packer init" && jt ".updated_at | test(\$ts)" --arg ts "$TS_RE" &&
	t=$(jq -r .updated_at "$BODY") &&
	http GET "/builds/$u/state" -H "$RO" && expect_status 200 &&
	json_is .uuid "$u" && json_num .current_state 10 && json_is .current_state_name started &&
	json_is .message "packer init" && json_is .updated_at "$t" &&
	jreq POST "/builds/$u/state" "{\"state_code\":25}" -H "$DEV" &&
	expect_status 201 && json_is .current_state_name packer_build_complete &&
	http GET "/builds/$u" -H "$RO" && json_num "[.states[].state_code]" "[0,10,25]" &&
	json_is ".states[1].message" "packer init" && json_num .current_state 25 &&
	jt ".updated_at >= .created_at"
'

test_expect_success 'unknown or missing state codes are 400 naming state_code' '
	u=$(get shape) &&
	for c in 15 -1 1000 1.5 "\"started\"" null; do
		jreq POST "/builds/$u/state" "{\"state_code\":$c}" -H "$DEV" && expect_fields state_code || exit 1
	done &&
	jreq POST "/builds/$u/state" "{\"message\":\"no code\"}" -H "$DEV" && expect_fields state_code &&
	jreq POST "/builds/$u/state" "{\"state_code\":10" -H "$DEV" && expect_error 400 ValidationError VALIDATION_ERROR &&
	http POST "/builds/$u/state" -H "$DEV" -H "Content-Type: text/plain" --data "{\"state_code\":10}" &&
	expect_error 415 UnsupportedMediaType UNSUPPORTED_MEDIA_TYPE &&
	http GET "/builds/$u" -H "$RO" && json_num "[.states[].state_code]" "[0,10,25]"
'

test_expect_success 'state, failure and heartbeat writes need a developer (readonly 403, none 401)' '
	u=$(get shape) &&
	jreq POST "/builds/$u/state" "{\"state_code\":30}" -H "$RO" && expect_403 &&
	jreq POST "/builds/$u/state" "{\"state_code\":30}" && expect_401 &&
	jreq POST "/builds/$u/failure" "{\"error_message\":\"x\"}" -H "$RO" && expect_403 &&
	jreq POST "/builds/$u/failure" "{\"error_message\":\"x\"}" && expect_401 &&
	beat "/builds/$u/heartbeat" -H "$RO" && expect_403 &&
	beat "/builds/$u/heartbeat" && expect_401 &&
	jreq POST "/builds/$u/state" "{\"state_code\":30}" -H "$ADM" && expect_status 201 &&
	http GET "/builds/$u/state" -H "$RO" && json_num .current_state 30
'

# terminal_refuses UUID: state, failure and heartbeat on a terminal build are 409.
terminal_refuses() {
	local u=$1 before
	http GET "/builds/$u" -H "$RO" && before=$(jq -c '{current_state, states: (.states | length), failures: (.failures | length), last_heartbeat_at}' "$BODY") &&
		for c in 10 50 90 95; do
			jreq POST "/builds/$u/state" "{\"state_code\":$c}" -H "$DEV" && expect_409 || return 1
		done &&
		jreq POST "/builds/$u/failure" "{\"error_message\":\"late\",\"error_code\":\"LATE\"}" -H "$DEV" && expect_409 &&
		jreq POST "/builds/$u/failure" "{\"error_message\":\"late\",\"terminal\":false}" -H "$DEV" && expect_409 &&
		beat "/builds/$u/heartbeat" -H "$DEV" && expect_409 &&
		http GET "/builds/$u" -H "$RO" &&
		jt "{current_state, states: (.states | length), failures: (.failures | length), last_heartbeat_at} == $before"
}
test_expect_success 'a succeeded build refuses state, failure and heartbeat with 409' '
	u=$(get ok) && terminal_refuses "$u"
'
test_expect_success 'a failed build refuses state, failure and heartbeat with 409' '
	u=$(get flow) && terminal_refuses "$u"
'
test_expect_success 'a cancelled build refuses state, failure and heartbeat with 409' '
	u=$(newbuild "cancel-$RUN" azure-gov rhel-8.8 base) &&
	to_state "$u" 10 && to_state "$u" 95 "cancelled by operator" &&
	json_is .current_state_name cancelled &&
	http GET "/builds/$u" -H "$RO" && json_num .terminal true &&
	terminal_refuses "$u"
'

# ------------------------------------------------------------------ failures

test_expect_success 'POST failure is 201 with the record and moves the build to 90 failed' '
	u=$(newbuild "fail-$RUN" gcp ubuntu-22.04 database) && to_state "$u" 30 &&
	jreq POST "/builds/$u/failure" "{\"error_message\":\"inspec: 3 controls failed\",\"error_code\":\"TEST_FAIL\",\"component\":\"testing\",\"details\":{\"controls\":[\"a\",\"b\",\"c\"],\"nested\":{\"k\":null,\"n\":1.5}}}" -H "$DEV" &&
	expect_status 201 &&
	jt ".id != null and .error_message == \"inspec: 3 controls failed\" and .error_code == \"TEST_FAIL\"
		and .component == \"testing\" and .details == {\"controls\":[\"a\",\"b\",\"c\"],\"nested\":{\"k\":null,\"n\":1.5}}
		and (.created_at | test(\$ts)) and .current_state == 90" --arg ts "$TS_RE" &&
	fid=$(jq -c .id "$BODY") &&
	http GET "/builds/$u" -H "$RO" && json_num .current_state 90 && json_num .terminal true &&
	json_num ".states[-1].state_code" 90 && json_num ".failures[0].id" "$fid" &&
	json_is ".failures[0].component" testing
'

test_expect_success 'a failure with "terminal": false is recorded without moving the build' '
	u=$(newbuild "soft-$RUN" oci rhel-9.2 web-server) && to_state "$u" 20 &&
	jreq POST "/builds/$u/failure" "{\"error_message\":\"retrying flaky mirror\",\"error_code\":\"MIRROR\",\"terminal\":false}" -H "$DEV" &&
	expect_status 201 && json_num .current_state 20 &&
	jreq POST "/builds/$u/failure" "{\"error_message\":\"only a message\",\"terminal\":false}" -H "$DEV" &&
	expect_status 201 && json_num .error_code null && json_num .component null && json_num .current_state 20 &&
	http GET "/builds/$u" -H "$RO" && json_num .current_state 20 && json_num .terminal false &&
	json_num ".failures | length" 2 && json_num "[.states[].state_code]" "[0,20]" &&
	jt "[.failures[].error_message] | sort == [\"only a message\",\"retrying flaky mirror\"]" &&
	to_state "$u" 25 && put soft "$u"
'

test_expect_success 'bad failure bodies are 400 naming the field' '
	u=$(get soft) &&
	jreq POST "/builds/$u/failure" "{}" -H "$DEV" && expect_fields error_message &&
	jreq POST "/builds/$u/failure" "{\"error_message\":\"\"}" -H "$DEV" && expect_fields error_message &&
	jreq POST "/builds/$u/failure" "{\"error_message\":7}" -H "$DEV" && expect_fields error_message &&
	for d in "\"text\"" "[1,2]" 42 true; do
		jreq POST "/builds/$u/failure" "{\"error_message\":\"x\",\"details\":$d}" -H "$DEV" && expect_fields details || exit 1
	done &&
	jreq POST "/builds/$u/failure" "{\"error_message\":\"x\",\"terminal\":\"no\"}" -H "$DEV" && expect_fields terminal &&
	jreq POST "/builds/$u/failure" "{\"details\":[]}" -H "$DEV" && expect_fields error_message details &&
	jreq POST "/builds/$u/failure" "{\"error_message\":" -H "$DEV" && expect_error 400 ValidationError VALIDATION_ERROR &&
	http GET "/builds/$u" -H "$RO" && json_num ".failures | length" 2 && json_num .current_state 25
'

# ------------------------------------------------------------------ heartbeats

test_expect_success 'POST heartbeat is 200 {uuid, last_heartbeat_at, stale: false}' '
	u=$(get soft) &&
	beat "/builds/$u/heartbeat" -H "$DEV" && expect_status 200 &&
	json_is .uuid "$u" && json_num .stale false && jt ".last_heartbeat_at | test(\$ts)" --arg ts "$TS_RE" &&
	t=$(jq -r .last_heartbeat_at "$BODY") &&
	http GET "/builds/$u" -H "$RO" && json_is .last_heartbeat_at "$t" && json_num .current_state 25
'

# A bare `curl -X POST` (no Content-Length at all, unlike beat's empty body)
# reaches the application through the default front end (nginx).
test_expect_success 'a heartbeat POST without a body or Content-Length is 200 as well' '
	u=$(get soft) &&
	http POST "/builds/$u/heartbeat" -H "$DEV" && expect_status 200 &&
	json_is .uuid "$u" && json_num .stale false
'

test_done
