#!/usr/bin/env bash
# tests/http/builds-limits.sh: the builds suite's part on limits (split from
# builds.sh, which it shares tests/http/lib/builds.sh with): long and
# multi-byte texts kept whole, the bounds of numbers and lists, the role each
# route needs, and concurrent writers on one build.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-builds-limits
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# stratusctl reads the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/builds.sh
. "$(dirname "$0")/lib/builds.sh"

# ------------------------------------------------------------------ text limits (issue 14)

# rep TEXT N: TEXT N times.
rep() { jq -jn --arg s "$1" --argjson n "$2" '$s * $n'; }
# expect_text FILTER TEXT: FILTER of the body is TEXT, and the body holds
# TEXT's own bytes (no other spelling of it) and is valid UTF-8.
expect_text() {
	json_is "$1" "$2" &&
		{ grep -qF -- "$2" "$BODY" || { echo "the body lacks the bytes of $1"; return 1; }; } &&
		{ iconv -f UTF-8 -t UTF-8 "$BODY" >/dev/null 2>&1 || { echo "the body is not UTF-8"; return 1; }; }
}
# Reference names made here start with z, so that they sort after the
# seeded ones in the "accepted: ..." lists that other tests read.
TXT_PLAT=zt-$RUN # a platform of these tests only: its dashboard shows their failure codes

test_expect_success 'a state message of 1,000 é, then of 1,000 😀, is kept whole: answer, build, history, state' '
	u=$(newbuild "msg-$RUN" gcp rhel-9.2 base) && put msg "$u" &&
	for c in é 😀; do
		m=$(rep "$c" 1000) &&
		jreq POST "/builds/$u/state" "$(jobj state_code json:10 message "$m")" -H "$DEV" &&
		expect_status 201 && expect_text .message "$m" &&
		http GET "/builds/$u" -H "$RO" && expect_status 200 &&
		expect_text .message "$m" && expect_text ".states[-1].message" "$m" &&
		http GET "/builds/$u/state" -H "$RO" && expect_text .message "$m" || exit 1
	done &&
	http GET "/builds/$u" -H "$RO" && json_num "[.states[].message | length]" "[0,1000,1000]"
'

test_expect_success 'a state message of 1,001 characters is 400 naming message, and changes nothing' '
	u=$(get msg) &&
	for c in é 😀 a; do
		jreq POST "/builds/$u/state" "$(jobj state_code json:20 message "$(rep "$c" 1001)")" -H "$DEV" &&
		expect_fields message && msg_has "1000 characters" || exit 1
	done &&
	http GET "/builds/$u" -H "$RO" && json_num .current_state 10 && json_num ".states | length" 3
'

test_expect_success 'failure texts at their maximums are kept whole, and the failed state holds the 4,000-character message' '
	jreq POST /platforms "$(jobj name "$TXT_PLAT")" -H "$ADM" && expect_status 201 &&
	u=$(newbuild "txt-$RUN" "$TXT_PLAT" rhel-9.2 base) && put txt "$u" &&
	m=$(rep é 4000) && code=$(rep é 128) && comp=$(rep 😀 128) && d=$(rep é 3996) &&
	jreq POST "/builds/$u/failure" "$(jobj error_message "$m" error_code "$code" component "$comp" \
		details "json:$(jobj k "$d")")" -H "$DEV" &&
	expect_status 201 && expect_text .error_message "$m" && expect_text .error_code "$code" &&
	expect_text .component "$comp" && expect_text .details.k "$d" && json_num .current_state 90 &&
	test "$(jq -c .details "$BODY" | head -c -1 | wc -c)" -eq 8000 &&
	http GET "/builds/$u" -H "$RO" && expect_status 200 &&
	expect_text ".failures[0].error_message" "$m" && expect_text ".failures[0].error_code" "$code" &&
	expect_text ".failures[0].component" "$comp" && expect_text ".failures[0].details.k" "$d" &&
	json_num .current_state 90 && expect_text .message "$m" && expect_text ".states[-1].message" "$m" &&
	http GET "/dashboard/platform/$TXT_PLAT" -H "$RO" && expect_status 200 &&
	jt ".top_failure_codes == [{error_code: \$c, count: 1}]" --arg c "$code"
'

test_expect_success 'a failure over a maximum is 400 naming the field: 4,001, 129, 129 characters, 8,001 bytes of details' '
	u=$(newbuild "txt2-$RUN" gcp rhel-9.2 base) &&
	ok=$(jobj error_message x terminal json:false) &&
	for b in "$(jq -c --arg v "$(rep é 4001)" ".error_message = \$v" <<<"$ok") error_message" \
		"$(jq -c --arg v "$(rep 😀 129)" ".error_code = \$v" <<<"$ok") error_code" \
		"$(jq -c --arg v "$(rep é 129)" ".component = \$v" <<<"$ok") component" \
		"$(jq -c --arg v "$(rep é 3996)x" ".details = {k: \$v}" <<<"$ok") details"; do
		jreq POST "/builds/$u/failure" "${b% *}" -H "$DEV" && expect_fields "${b##* }" || exit 1
	done &&
	msg_has "8000 bytes" &&
	jreq POST "/builds/$u/failure" "$(jq -c --arg v "$(rep é 3996)" ".details = {k: \$v}" <<<"$ok")" -H "$DEV" &&
	expect_status 201 &&
	http GET "/builds/$u" -H "$RO" && json_num ".failures | length" 1 && json_num .current_state 0
'

test_expect_success 'display names of 128 é or 😀 are kept whole; 129 characters are 400 naming display_name' '
	dn=$(rep é 128) &&
	jreq POST /os-versions "$(jobj name "zdn-$RUN" display_name "$dn")" -H "$ADM" &&
	expect_status 201 && expect_text .display_name "$dn" &&
	http GET /os-versions -H "$RO" && expect_status 200 &&
	n=$(jq -c --arg n "zdn-$RUN" "[.items[] | select(.name == \$n)] | length" "$BODY") && test "$n" = 1 &&
	grep -qF -- "$dn" "$BODY" && jt "any(.items[]; .name == \$n and .display_name == \$d)" --arg n "zdn-$RUN" --arg d "$dn" &&
	dn=$(rep 😀 128) &&
	jreq POST /image-types "$(jobj name "zdn-$RUN" display_name "$dn")" -H "$ADM" &&
	expect_status 201 && expect_text .display_name "$dn" &&
	http GET /image-types -H "$RO" && grep -qF -- "$dn" "$BODY" &&
	for p in /platforms /os-versions /image-types; do
		jreq POST $p "$(jobj name "zdn2-$RUN" display_name "$(rep é 129)")" -H "$ADM" &&
		expect_fields display_name || exit 1
	done
'

test_expect_success 'a platform takes 16 aliases of 64 characters (all listed); 17, or one of 65, is 400 naming aliases' '
	al=$(for i in $(seq 10 25); do a="za$i-$RUN-$(rep q 64)" && printf "%s\n" "${a:0:64}"; done | jq -R . | jq -sc .) &&
	test "$(jq length <<<"$al")" = 16 && jq -e "all(.[]; length == 64)" <<<"$al" >/dev/null &&
	jreq POST /platforms "$(jobj name "zal-$RUN" aliases "json:$al")" -H "$ADM" && expect_status 201 &&
	http GET /platforms -H "$RO" && jt "any(.items[]; .name == \$n and (.aliases | sort) == (\$a | sort))" --arg n "zal-$RUN" --argjson a "$al" &&
	http GET "/builds?platform=$(jq -r ".[15]" <<<"$al")" -H "$RO" && expect_status 200 &&
	jreq POST /platforms "$(jobj name "zal2-$RUN" aliases "json:$(jq -c ". + [\"b17-$RUN\"]" <<<"$al")")" -H "$ADM" &&
	expect_fields aliases &&
	jreq POST /platforms "$(jobj name "zal3-$RUN" aliases "json:[\"$(rep b 65)\"]")" -H "$ADM" &&
	expect_fields aliases
'

test_expect_success 'non-ASCII reference names: POST /builds is 400 naming each, GET /builds 400, the platform dashboard 404' '
	jreq POST /builds "$(jobj build_id "na-$RUN" platform é os_version 😀 image_type "Ωμέγα-日本語")" -H "$DEV" &&
	expect_fields platform os_version image_type &&
	for q in platform=%C3%A9 os_version=%F0%9F%98%80 image_type=%CE%A9-%E6%97%A5 "platform=$(rep a 65)"; do
		http GET "/builds?$q" -H "$RO" && expect_fields "${q%%=*}" || { echo "GET /builds?$q"; exit 1; }
	done &&
	http GET "/builds?platform=$(rep a 64)" -H "$RO" && expect_fields platform && msg_has unknown &&
	for p in %C3%A9 %F0%9F%98%80 "a%C3%A9" "$(rep a 65)"; do
		http GET "/dashboard/platform/$p" -H "$RO" && expect_404 || { echo "/dashboard/platform/$p"; exit 1; }
	done &&
	http GET /dashboard/platform/AWS -H "$RO" && expect_status 200 && json_is .platform aws-commercial &&
	http GET "/builds?platform=AWS-Commercial&limit=1" -H "$RO" && expect_status 200
'

test_expect_success 'a 404 echoing a long non-ASCII platform is valid UTF-8, cut between characters' '
	http GET "/dashboard/platform/a$(rep %C3%A9 100)" -H "$RO" && expect_404 &&
	iconv -f UTF-8 -t UTF-8 "$BODY" >/dev/null &&
	jt ".message == \"no such platform: a\" + (\"é\" * 31)"
'

# ------------------------------------------------------------------ bounds (issue 14, item 11)

test_expect_success 'limit 1 and 100 are taken, 0 and 101 are 400; offset 0 and 2^31-1 taken, -1 and 2^31 are 400' '
	for l in 1 100; do
		http GET "/builds?limit=$l" -H "$RO" && expect_status 200 && json_num .limit "$l" &&
		jt ".items | length <= $l" || exit 1
	done &&
	for l in 0 101; do
		http GET "/builds?limit=$l" -H "$RO" && expect_fields limit && msg_has "from 1 to 100" || exit 1
	done &&
	http GET "/builds?offset=0" -H "$RO" && expect_status 200 && json_num .offset 0 &&
	http GET "/builds?offset=2147483647" -H "$RO" && expect_status 200 && json_num ".items" "[]" &&
	for o in -1 2147483648; do
		http GET "/builds?offset=$o" -H "$RO" && expect_fields offset || exit 1
	done &&
	http GET "/dashboard/recent?limit=100" -H "$RO" && expect_status 200 &&
	http GET "/dashboard/recent?limit=101" -H "$RO" && expect_fields limit
'

test_expect_success 'state codes: 0 and 95 are states; 96, 65535 unknown, -1 and 65536 out of range: 400 naming state_code / state' '
	u=$(newbuild "codes-$RUN" gcp rhel-9.2 base) &&
	for c in -1 96 65535 65536; do
		jreq POST "/builds/$u/state" "{\"state_code\":$c}" -H "$DEV" && expect_fields state_code || exit 1
		http GET "/builds?state=$c" -H "$RO" && expect_fields state || exit 1
	done &&
	jreq POST "/builds/$u/state" "{\"state_code\":65536}" -H "$DEV" && msg_has "from 0 to 65535" &&
	jreq POST "/builds/$u/state" "{\"state_code\":0}" -H "$DEV" && expect_status 201 &&
	http GET "/builds?state=0&limit=1" -H "$RO" && expect_status 200 &&
	http GET "/builds?state=95&limit=1" -H "$RO" && expect_status 200 &&
	jreq POST "/builds/$u/state" "{\"state_code\":95}" -H "$DEV" && expect_status 201 &&
	json_is .current_state_name cancelled
'

# ------------------------------------------------------------------ roles

test_expect_success 'role denials: readonly cannot POST /builds, developer cannot POST /platforms, no key 401' '
	jreq POST /builds "$(jobj build_id "ro-$RUN" platform aws os_version rhel-9.2 image_type base)" -H "$RO" &&
	expect_403 &&
	jreq POST /builds "$(jobj build_id "ro-$RUN" platform aws os_version rhel-9.2 image_type base)" &&
	expect_401 &&
	jreq POST /builds "$(jobj build_id "ro-$RUN" platform aws os_version rhel-9.2 image_type base)" -H "X-API-Key: stk_not_a_real_key" &&
	expect_401 &&
	jreq POST /platforms "$(jobj name "dev-$RUN")" -H "$DEV" && expect_403 &&
	http GET "/builds?build_id=ro-$RUN" -H "$RO" && json_num .total 0 &&
	jreq POST /builds "$(jobj build_id "adm-$RUN" platform aws os_version rhel-9.2 image_type base)" -H "$ADM" &&
	expect_status 201
'

# ------------------------------------------------------------------ concurrency

t_concurrent_states() {
	local u i dir=$TEST_TMP/cs codes=(10 20 25 30 40 10 20 25) st
	u=$(newbuild "conc-$RUN" azure rhel-9.2 base) && mkdir -p "$dir" &&
		for i in 0 1 2 3 4 5 6 7; do
			(
				while [ ! -e "$dir/go" ]; do sleep 0.005; done
				curl -sS -o "$dir/$i.body" -w '%{http_code}' --max-time 20 -X POST \
					-H "$DEV" -H 'Content-Type: application/json' \
					--data-binary "{\"state_code\":${codes[i]},\"message\":\"client-$i\"}" \
					"$BASE_URL/builds/$u/state" >"$dir/$i.status"
			) &
		done &&
		touch "$dir/go" && wait &&
		for i in 0 1 2 3 4 5 6 7; do
			st=$(cat "$dir/$i.status") &&
				{ [ "$st" = 201 ] || { echo "client $i got $st: $(head -c 300 "$dir/$i.body")"; return 1; }; } ||
				return 1
		done &&
		http GET "/builds/$u" -H "$RO" && expect_status 200 &&
		json_num ".states | length" 9 && json_num ".states[0].state_code" 0 &&
		jt '[.states[1:][].message] | sort == ([range(8) | "client-\(.)"] | sort)' &&
		jt '.current_state == .states[-1].state_code' &&
		jt 'all(.states[1:][]; .state_code == ({"client-0":10,"client-1":20,"client-2":25,"client-3":30,"client-4":40,"client-5":10,"client-6":20,"client-7":25}[.message]))' &&
		last=$(jq -c '.states[-1] | {current_state: .state_code, message}' "$BODY") &&
		http GET "/builds/$u/state" -H "$RO" && jt "{current_state, message} == $last"
}
test_expect_success '8 clients posting states to one build at once: 8 rows, current_state is the last row' t_concurrent_states

test_expect_success 'each of the 8 concurrent answers reports the state that client set' '
	codes=(10 20 25 30 40 10 20 25) &&
	for i in 0 1 2 3 4 5 6 7; do
		jq -e --argjson c "${codes[i]}" --arg m "client-$i" ".current_state == \$c and .message == \$m" \
			"$TEST_TMP/cs/$i.body" >/dev/null || { echo "client $i (state ${codes[i]}) got: $(cat "$TEST_TMP/cs/$i.body")"; exit 1; }
	done
'

t_concurrent_mixed() {
	local u i dir=$TEST_TMP/cm
	u=$(newbuild "mix-$RUN" gcp rhel-8.8 sap-hana) && mkdir -p "$dir" &&
		for i in 0 1 2 3 4 5 6 7; do
			(
				while [ ! -e "$dir/go" ]; do sleep 0.005; done
				case $i in
				0 | 1 | 2) d="{\"state_code\":$((10 + i * 10))}" p=state ;;
				3 | 4) d="{\"error_message\":\"soft $i\",\"terminal\":false}" p=failure ;;
				*) d='' p=heartbeat ;;
				esac
				if [ -n "$d" ]; then
					curl -sS -o /dev/null -w '%{http_code}\n' --max-time 20 -X POST -H "$DEV" \
						-H 'Content-Type: application/json' --data-binary "$d" "$BASE_URL/builds/$u/$p"
				else
					curl -sS -o /dev/null -w '%{http_code}\n' --max-time 20 -X POST -H "$DEV" -d '' "$BASE_URL/builds/$u/$p"
				fi >"$dir/$i.status"
			) &
		done &&
		touch "$dir/go" && wait &&
		{ [ "$(cat "$dir"/[0-7].status | tr '\n' ' ')" = "201 201 201 201 201 200 200 200 " ] ||
			{ echo "statuses: $(cat "$dir"/*.status | tr '\n' ' ')"; return 1; }; } &&
		http GET "/builds/$u" -H "$RO" && json_num ".states | length" 4 && json_num ".failures | length" 2 &&
		jt '.current_state == .states[-1].state_code and .stale == false and (.last_heartbeat_at | type == "string")'
}
test_expect_success 'concurrent states, soft failures and heartbeats on one build all land' t_concurrent_mixed

# Opposite state changes on many builds at once: each of 8 writers owns two
# builds and moves them up (10 20 25 30 40) or, every other writer, down
# (40 30 25 20 10) for CONC_SECONDS. Builds of one counter shard moving in
# opposite directions once deadlocked in the builds_au trigger (bench/RESULTS.md,
# Optimisations), and a deadlock was answered 500; now the trigger takes the
# counter rows in key order and a transaction that still loses is retried.
CONC_SECONDS=${CONC_SECONDS:-10}
t_concurrent_opposite() {
	local dir=$TEST_TMP/co i j u
	mkdir -p "$dir" &&
		for ((i = 0; i < 16; i++)); do
			u=$(newbuild "opp-$i-$RUN" aws rhel-9.2 base) && echo "$u" >>"$dir/uuids" || return 1
		done &&
		for ((i = 0; i < 8; i++)); do
			(
				mapfile -t mine < <(sed -n "$((2 * i + 1)),$((2 * i + 2))p" "$dir/uuids")
				if ((i % 2)); then codes=(40 30 25 20 10); else codes=(10 20 25 30 40); fi
				while [ ! -e "$dir/go" ]; do sleep 0.005; done
				end=$((SECONDS + CONC_SECONDS)) j=0
				while ((SECONDS < end)); do
					curl -sS -o /dev/null -w '%{http_code}\n' --max-time 20 -X POST -H "$DEV" \
						-H 'Content-Type: application/json' \
						--data-binary "{\"state_code\":${codes[j % 5]}}" \
						"$BASE_URL/builds/${mine[j % 2]}/state" >>"$dir/$i.status"
					j=$((j + 1))
				done
			) &
		done &&
		touch "$dir/go" && wait &&
		n=$(cat "$dir"/[0-7].status | wc -l) &&
		bad=$(cat "$dir"/[0-7].status | grep -vc '^2' || :) &&
		echo "$n state changes by 8 writers in ${CONC_SECONDS} s, $bad not 2xx" &&
		{ [ "$bad" = 0 ] || { echo "answers: $(sort "$dir"/[0-7].status | uniq -c | tr '\n' ' ')"; return 1; }; } &&
		[ "$n" -ge 80 ]
}
test_expect_success 'opposite state changes by 8 concurrent writers on 16 builds: no error answers' t_concurrent_opposite

# counters_true: build_counts and build_failure_counts equal a GROUP BY of
# what they count (over the whole table: every writer must keep them true).
counters_true() {
	local agg bad
	agg="SELECT platform_id, current_state AS state_code, id % 8 AS shard, COUNT(*) AS n,
	    COALESCE(SUM(TIMESTAMPDIFF(MICROSECOND, created_at, finished_at)), 0) AS us FROM builds GROUP BY 1, 2, 3"
	bad=$(stack_sql -N stratus -e "
	    SELECT (SELECT COUNT(*) FROM ($agg) a LEFT JOIN build_counts c ON c.platform_id = a.platform_id
	            AND c.state_code = a.state_code AND c.shard = a.shard
	            WHERE c.builds IS NULL OR c.builds <> a.n OR c.finished_us <> a.us)
	         + (SELECT COUNT(*) FROM build_counts c LEFT JOIN ($agg) a ON c.platform_id = a.platform_id
	            AND c.state_code = a.state_code AND c.shard = a.shard WHERE a.n IS NULL AND c.builds <> 0)") &&
		{ [ "$bad" = 0 ] || { echo "build_counts: $bad groups differ from builds"; return 1; }; } &&
		agg="SELECT b.platform_id, f.error_code, f.build_id % 8 AS shard, COUNT(*) AS n FROM build_failures f
		    JOIN builds b ON b.id = f.build_id WHERE f.error_code IS NOT NULL GROUP BY 1, 2, 3" &&
		bad=$(stack_sql -N stratus -e "
	    SELECT (SELECT COUNT(*) FROM ($agg) a LEFT JOIN build_failure_counts c ON c.platform_id = a.platform_id
	            AND c.error_code = a.error_code AND c.shard = a.shard WHERE c.failures IS NULL OR c.failures <> a.n)
	         + (SELECT COUNT(*) FROM build_failure_counts c LEFT JOIN ($agg) a ON c.platform_id = a.platform_id
	            AND c.error_code = a.error_code AND c.shard = a.shard WHERE a.n IS NULL AND c.failures <> 0)") &&
		{ [ "$bad" = 0 ] || { echo "build_failure_counts: $bad groups differ from build_failures"; return 1; }; }
}
test_expect_success 'afterwards the dashboard counters equal a GROUP BY of builds and failures' counters_true

test_expect_success 'the summary adds up to the counters: by_state sums to total' '
	http GET /dashboard/summary -H "$RO" && expect_status 200 &&
	jt "([.by_state[]] | add) == .total and ([.by_platform[]] | add) == .total" &&
	n=$(stack_sql -N stratus -e "SELECT COUNT(*) FROM builds") && json_num .total "$n"
'

test_expect_success 'after all that the responders still answer' '
	for i in 1 2 3 4 5 6; do
		http GET /health && expect_status 200 || exit 1
	done
'

test_done
