#!/usr/bin/env bash
# tests/http/builds.sh: the Build State API over HTTP against the real stack:
# the CI pipeline flow exactly as pipelines run it with curl, reference data,
# numeric states, failures, heartbeats and staleness, idempotent retries,
# 409 on terminal builds, every validation error, pagination
# and filters, and dashboards. Its part builds-limits.sh has the text limits,
# bounds, roles and concurrent writers; both share tests/http/lib/builds.sh.
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

test_expect_success 'a duplicate platform, OS version or image type is 409' '
	jreq POST /platforms "$(jobj name "$PLAT")" -H "$ADM" && expect_409 &&
	jreq POST /platforms "$(jobj name aws-commercial)" -H "$ADM" && expect_409 &&
	jreq POST /os-versions "$(jobj name "$OSV")" -H "$ADM" && expect_409 &&
	jreq POST /os-versions "$(jobj name rhel-9.2)" -H "$ADM" && expect_409 &&
	jreq POST /image-types "$(jobj name "$IMGT")" -H "$ADM" && expect_409 &&
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

# ------------------------------------------------------------------ validation of POST /builds

NBAD=0
# bad_build DESCRIPTION JQ-FILTER FIELD...: a valid body changed by
# JQ-FILTER is a 400 naming exactly FIELD...
bad_build() {
	local d=$1 f=$2 file
	shift 2
	NBAD=$((NBAD + 1))
	file=$TEST_TMP/bad-$NBAD.json
	jq -c --arg id "v-$RUN-$NBAD" ".build_id = \$id | $f" <<<"$VALID" >"$file"
	test_expect_success "POST /builds with $d is 400 naming $*" "
		jreq POST /builds @$file -H \"\$DEV\" && expect_fields $*"
}
# good_build DESCRIPTION JQ-FILTER: that body is accepted (201).
good_build() {
	local d=$1 f=$2 file
	NBAD=$((NBAD + 1))
	file=$TEST_TMP/good-$NBAD.json
	jq -c --arg id "g-$RUN-$NBAD" ".build_id = \$id | $f" <<<"$VALID" >"$file"
	test_expect_success "POST /builds with $d is accepted (201)" "
		jreq POST /builds @$file -H \"\$DEV\" && expect_status 201 && expect_build"
}

bad_build 'an empty object' '{}' build_id platform os_version image_type
bad_build 'no build_id' 'del(.build_id)' build_id
bad_build 'no platform' 'del(.platform)' platform
bad_build 'no os_version' 'del(.os_version)' os_version
bad_build 'no image_type' 'del(.image_type)' image_type
bad_build 'an empty build_id' '.build_id = ""' build_id
bad_build 'a 129-character build_id' '.build_id = ("b" * 129)' build_id
bad_build 'a build_id with a space' '.build_id = "a b"' build_id
bad_build 'a build_id with a slash' '.build_id = "a/b"' build_id
bad_build 'a build_id with a quote' '.build_id = "x'"'"' OR 1=1"' build_id
bad_build 'a build_id with non-ASCII' '.build_id = "caf\u00e9"' build_id
bad_build 'a numeric build_id' '.build_id = 42' build_id
bad_build 'a numeric platform' '.platform = 7' platform
bad_build 'an unknown platform' '.platform = "nimbus"' platform
bad_build 'an unknown os_version' '.os_version = "rhel-1.0"' os_version
bad_build 'an unknown image_type' '.image_type = "fridge"' image_type
bad_build 'all three unknown' '.platform = "x" | .os_version = "y" | .image_type = "z"' platform os_version image_type
bad_build 'an ftp pipeline_url' '.pipeline_url = "ftp://ci.example.com/x"' pipeline_url
bad_build 'a pipeline_url without a scheme' '.pipeline_url = "ci.example.com/builds/1"' pipeline_url
bad_build 'a 2049-character pipeline_url' '.pipeline_url = ("https://ci.example.com/" + ("u" * 2026))' pipeline_url
bad_build 'a 6-character commit_hash' '.commit_hash = "abcdef"' commit_hash
bad_build 'a 65-character commit_hash' '.commit_hash = ("a" * 65)' commit_hash
bad_build 'a non-hex commit_hash' '.commit_hash = "xyz1234"' commit_hash
bad_build 'every field wrong' '.build_id = "a b" | .platform = "x" | .os_version = "y" | .image_type = "z" | .pipeline_url = "nope" | .commit_hash = "zz"' \
	build_id platform os_version image_type pipeline_url commit_hash
good_build 'a 128-character build_id' '.build_id = ("B" * 100 + .build_id + ("b" * 128) | .[0:128])'
good_build 'a build_id of every allowed kind of character' '.build_id = "Az09._:-" + .build_id'
good_build 'a 2048-character https pipeline_url' '.pipeline_url = ("https://ci.example.com/" + ("u" * 2025))'
good_build 'a 7-character commit_hash' '.commit_hash = "abc1234"'
good_build 'a 64-character commit_hash' '.commit_hash = ("0123456789abcdef" * 4)'

test_expect_success 'the unknown-platform 400 lists the accepted platforms' '
	jreq POST /builds "$(jobj build_id "up-$RUN" platform nimbus os_version rhel-9.2 image_type base)" -H "$DEV" &&
	expect_fields platform && error_says platform aws-commercial && error_says platform azure-gov
'

test_expect_success 'the unknown os_version and image_type 400s list the accepted values' '
	jreq POST /builds "$(jobj build_id "uo-$RUN" platform gcp os_version rhel-1 image_type base)" -H "$DEV" &&
	expect_fields os_version && error_says os_version rhel-9.2 && error_says os_version ubuntu-22.04 &&
	jreq POST /builds "$(jobj build_id "ui-$RUN" platform gcp os_version rhel-9.2 image_type fridge)" -H "$DEV" &&
	expect_fields image_type && error_says image_type sap-hana && error_says image_type web-server
'

test_expect_success 'malformed JSON on POST /builds is 400' '
	jreq POST /builds "{\"platform\":\"aws\"," -H "$DEV" &&
	expect_error 400 ValidationError VALIDATION_ERROR &&
	jreq POST /builds "[1,2]" -H "$DEV" &&
	expect_error 400 ValidationError VALIDATION_ERROR &&
	jreq POST /builds "" -H "$DEV" &&
	expect_error 400 ValidationError VALIDATION_ERROR
'

test_expect_success 'POST /builds with another Content-Type (or none) is 415' '
	http POST /builds -H "$DEV" -H "Content-Type: text/plain" --data-binary "$(jobj build_id "ct-$RUN" platform aws os_version rhel-9.2 image_type base)" &&
	expect_error 415 UnsupportedMediaType UNSUPPORTED_MEDIA_TYPE &&
	http POST /builds -H "$DEV" --data "build_id=ct-$RUN&platform=aws" &&
	expect_error 415 UnsupportedMediaType UNSUPPORTED_MEDIA_TYPE &&
	http GET "/builds?build_id=ct-$RUN" -H "$RO" && json_num .total 0
'

test_expect_success 'nothing was stored by the rejected requests' '
	http GET "/builds?build_id=v-$RUN-1" -H "$RO" && expect_status 200 && json_num .total 0 &&
	http GET "/builds?build_id=up-$RUN" -H "$RO" && json_num .total 0
'

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

# ------------------------------------------------------------------ heartbeats and staleness

test_expect_success 'POST heartbeat is 200 {uuid, last_heartbeat_at, stale: false}' '
	u=$(get soft) &&
	beat "/builds/$u/heartbeat" -H "$DEV" && expect_status 200 &&
	json_is .uuid "$u" && json_num .stale false && jt ".last_heartbeat_at | test(\$ts)" --arg ts "$TS_RE" &&
	t=$(jq -r .last_heartbeat_at "$BODY") &&
	http GET "/builds/$u" -H "$RO" && json_is .last_heartbeat_at "$t" && json_num .current_state 25
'

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
