#!/usr/bin/env bash
# tests/http/runs.sh: GET /runs, the runs of every kind (provisioning
# requests and their destroys) newest first: the items' shape against GET
# /runs/{id}, the kind, status and created_by filters, pagination, every bad
# query parameter, the roles, and the statements one request costs MariaDB.
#
# The database persists across suites, so most tests filter on this suite's
# own users (?created_by=), whose runs are made here through the API: a
# request the reconciler completes and its destroy, a canceled request, and
# an admin's queued request.
#
# Test bodies are single-quoted strings that lib.sh evaluates: SC2016.
# shellcheck disable=SC2016,SC2034
SUITE=http-runs
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# The reconciler and stratusctl read the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
FIX_DOMAIN=runs.test FIX_LOGIN=runs- FIX_NAME=Runs
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

: "${STRATUS_RECONCILE:?STRATUS_RECONCILE must name the stratus-reconcile binary}"
RLOG=$WORK/reconcile-runs.log

# ------------------------------------------------------------------ helpers

AWS_CFG='{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345",
	"security_group_ids":["sg-12345"],"ami_id":"ami-12345"}'
# aws PREFIX: a valid AWS request body for one instance.
aws() { jobj cloud_provider aws provider_config "json:$AWS_CFG" instance_name_prefix "$1" count "json:1"; }

# provision CRED PREFIX: POST /provision, expects 202, prints the request id.
provision() {
	jreq POST /provision "$(aws "$2")" -H "$1" &&
		{ expect_status 202 >&2 || { head -c 600 "$BODY" >&2; return 1; }; } &&
		jq -r .request_id "$BODY"
}

# settle RID: reconciler passes (as cron runs them) until the request is no
# longer in progress.
settle() {
	local i
	for ((i = 0; i < 30; i++)); do
		"$STRATUS_RECONCILE" --once --jobs 4 >>"$RLOG" 2>&1 ||
			{ echo "stratus-reconcile failed; see $RLOG"; return 1; }
		http GET "/status/$1" -H "$RO" || return 1
		[ "$(jq -r .status "$BODY")" != in_progress ] && return 0
		sleep 0.5
	done
	echo "request $1 still in progress after 30 passes"
	return 1
}

# runs QUERY: GET /runs?QUERY as the reader, expects 200.
runs() { http GET "/runs?$1" -H "$RO" && expect_status 200; }
# ids: the ids of the items of the body, as one line of JSON.
ids() { jq -c '[.items[].id]' "$BODY"; }
# ids_are JSON: the body's item ids are JSON (a list of ids).
ids_are() {
	[ "$(ids)" = "$(jq -c . <<<"$1")" ] || { echo "items $(ids), expected $1"; return 1; }
}

# ------------------------------------------------------------------ bootstrap

mkuser dev developer
mkuser ro readonly
mkuser adm admin
DEV=$(key "$(newkey "runs-dev-$RUN" dev)")
RO=$(key "$(newkey "runs-ro-$RUN" ro)")
ADM=$(key "$(newkey "runs-adm-$RUN" adm)")
BY_DEV=$(lname dev)
BY_ADM=$(lname adm)

test_expect_success 'readonly, developer and admin keys; the stand-in terraform is configured' '
	test "$DEV" != "X-API-Key: " && test "$RO" != "X-API-Key: " && test "$ADM" != "X-API-Key: " &&
	test -x "$TERRAFORM_BIN" && test -x "$STRATUS_RECONCILE"
'

test_expect_success 'runs of both kinds: a completed request and its destroy, a canceled one, an admin'"'"'s queued one' '
	a=$(provision "$DEV" "done-$RUN") && settle "$a" && json_is .status completed &&
	http POST "/provision/$a/destroy" -H "$DEV" --data-binary "" && expect_status 202 &&
	d=$(jq -r .destroy_run_id "$BODY") &&
	b=$(provision "$DEV" "cancel-$RUN") &&
	http POST "/runs/$b/cancel" -H "$DEV" --data-binary "" && expect_status 200 &&
	json_is .status canceled &&
	c=$(provision "$ADM" "adm-$RUN") &&
	put A "$a" && put D "$d" && put B "$b" && put C "$c"
'

# A bare `curl -X POST` (no -d: no Content-Length, no body) reaches the
# application through the default front end (nginx), as the orchestration
# clients send it to cancel, deploy or refresh; lighttpd 1.4 would answer
# 411 itself (README, "Web servers"). A user of its own, so that the lists
# below keep their counts.
mkuser bare developer
BARE=$(key "$(newkey "runs-bare-$RUN" bare)")
test_expect_success 'a POST without a body or Content-Length reaches the app: 404 for no such run, 200 cancels' '
	curl -sS -v -o "$BODY" -X POST -H "$BARE" "$BASE_URL/runs/00000000-0000-4000-8000-00000000dead/cancel" \
		2>"$TEST_TMP/bare.trace" &&
	! grep -qi "^> Content-Length" "$TEST_TMP/bare.trace" &&
	http POST "/runs/00000000-0000-4000-8000-00000000dead/cancel" -H "$BARE" &&
	expect_error 404 NotFound NOT_FOUND && msg_has "no such run" &&
	e=$(provision "$BARE" "bare-$RUN") &&
	http POST "/runs/$e/cancel" -H "$BARE" && expect_status 200 && json_is .status canceled
'

# ------------------------------------------------------------------ the list

test_expect_success 'GET /runs: the page shape, newest first' '
	runs "created_by=$BY_DEV" &&
	jt "(.items | type == \"array\") and .total == 3 and .limit == 20 and .offset == 0" &&
	ids_are "[\"$(get B)\",\"$(get D)\",\"$(get A)\"]" &&
	jt "[.items[].kind] == [\"provision\",\"destroy\",\"provision\"]" &&
	jt "[.items[].status] == [\"canceled\",\"queued\",\"succeeded\"]" &&
	jt "all(.items[]; .created_by == \$by and (.created_at | test(\$ts)))" --arg by "$BY_DEV" --arg ts "$TS_RE"
'

test_expect_success 'an item is the run as GET /runs/{id} shows it, without its tasks' '
	for id in $(get A) $(get D) $(get B); do
		runs "created_by=$BY_DEV" &&
		jq -S --arg id "$id" ".items[] | select(.id == \$id)" "$BODY" >"$TEST_TMP/item" &&
		http GET "/runs/$id" -H "$RO" && expect_status 200 &&
		jt "has(\"tasks\")" &&
		jq -S "del(.tasks)" "$BODY" >"$TEST_TMP/one" &&
		{ cmp -s "$TEST_TMP/item" "$TEST_TMP/one" ||
			{ echo "item and GET /runs/$id differ:"; diff "$TEST_TMP/item" "$TEST_TMP/one"; return 1; }; } ||
		return 1
	done &&
	runs "created_by=$BY_DEV" &&
	jt "all(.items[]; has(\"tasks\") | not)" &&
	jt ".items[1].subject == \$a and .items[1].executor == \"terraform\"" --arg a "$(get A)" &&
	jt ".items[2].output != null and .items[2].finished_at != null and .items[2].actions.is_destroyable == false"
'

test_expect_success 'without filters every run is listed, the admin'"'"'s too; ?kind=provision matches GET /provision' '
	runs "limit=100" && n=$(jq .total "$BODY") && test "$n" -ge 4 &&
	jt "[.items[].id] | index(\$c) != null" --arg c "$(get C)" &&
	runs "kind=provision&limit=100" && jq -c "[.items[].id], .total" "$BODY" >"$TEST_TMP/runs" &&
	http GET "/provision?limit=100" -H "$RO" && expect_status 200 &&
	jq -c "[.items[].request_id], .total" "$BODY" >"$TEST_TMP/prov" &&
	{ cmp -s "$TEST_TMP/runs" "$TEST_TMP/prov" ||
		{ echo "GET /runs?kind=provision and GET /provision differ"; diff "$TEST_TMP/runs" "$TEST_TMP/prov"; return 1; }; }
'

# ------------------------------------------------------------------ filters

test_expect_success '?kind= one kind, or several comma-separated' '
	runs "kind=destroy&created_by=$BY_DEV" && jt ".total == 1" && ids_are "[\"$(get D)\"]" &&
	runs "kind=provision&created_by=$BY_DEV" && jt ".total == 2" &&
	ids_are "[\"$(get B)\",\"$(get A)\"]" &&
	runs "kind=provision,destroy&created_by=$BY_DEV" && jt ".total == 3" &&
	runs "kind=destroy,destroy&created_by=$BY_DEV" && jt ".total == 1" &&
	runs "kind=&created_by=$BY_DEV" && jt ".total == 3"
'

test_expect_success '?status= the engine'"'"'s statuses, one or several; with ?kind= too' '
	runs "status=queued&created_by=$BY_DEV" && ids_are "[\"$(get D)\"]" &&
	runs "status=canceled,succeeded&created_by=$BY_DEV" && jt ".total == 2" &&
	ids_are "[\"$(get B)\",\"$(get A)\"]" &&
	runs "status=succeeded&kind=provision&created_by=$BY_DEV" && ids_are "[\"$(get A)\"]" &&
	runs "status=succeeded&kind=destroy&created_by=$BY_DEV" && jt ".total == 0 and .items == []" &&
	runs "status=running,failed&created_by=$BY_DEV" && jt ".total == 0" &&
	runs "status=queued,running,succeeded,failed,canceled&created_by=$BY_DEV" && jt ".total == 3"
'

test_expect_success '?created_by= the creator as the runs name them' '
	runs "created_by=$BY_ADM" && jt ".total == 1" && ids_are "[\"$(get C)\"]" &&
	jt ".items[0].status == \"queued\" and .items[0].created_by_user_id == $(uid adm)" &&
	runs "created_by=nobody-$RUN" && jt ".total == 0 and .items == []"
'

# ------------------------------------------------------------------ pagination

test_expect_success '?limit= and ?offset= page through the same order' '
	runs "created_by=$BY_DEV&limit=2" && jt ".total == 3 and .limit == 2 and .offset == 0" &&
	ids_are "[\"$(get B)\",\"$(get D)\"]" &&
	runs "created_by=$BY_DEV&limit=2&offset=2" && jt ".total == 3 and .offset == 2" &&
	ids_are "[\"$(get A)\"]" &&
	runs "created_by=$BY_DEV&offset=3" && jt ".total == 3 and .items == []" &&
	runs "created_by=$BY_DEV&limit=100&offset=1" && jt ".limit == 100" && jt ".items | length == 2"
'

# ------------------------------------------------------------------ bad input

test_expect_success 'an unknown kind, or an empty one in the list, is 400 naming kind and the kinds' '
	for q in kind=deploy kind=provision, "kind=provision,,destroy" kind=Provision "kind=%20provision"; do
		http GET "/runs?$q" -H "$RO" && expect_fields kind &&
		msg_has "provision, destroy" || { echo "for ?$q"; return 1; }
	done
'

test_expect_success 'a status that is not the engine'"'"'s (the provisioning list'"'"'s in_progress) is 400 naming status' '
	for q in status=in_progress status=done "status=queued,completed" status=QUEUED; do
		http GET "/runs?$q" -H "$RO" && expect_fields status &&
		msg_has "queued, running, succeeded, failed, canceled" || { echo "for ?$q"; return 1; }
	done
'

test_expect_success 'bad page parameters are 400 as in the other lists' '
	for q in limit=0 limit=101 limit=abc limit=-1 offset=-1 offset=x; do
		http GET "/runs?$q" -H "$RO" && expect_fields "${q%%=*}" || { echo "for ?$q"; return 1; }
	done
'

# A query with a control character or bytes that are not UTF-8 (%FF): nginx
# passes them on and Stratus answers 400 itself; lighttpd answers some of
# them 400 before the app (in the same JSON error schema). Either way a JSON
# 400, never a 500.
test_expect_success 'a created_by longer than any creator, or not UTF-8, is 400 naming it' '
	for q in "$(printf "x%.0s" $(seq 255))" "a%C3" "a%E2%82" "%ED%A0%80"; do
		http GET "/runs?created_by=$q" -H "$RO" && expect_fields created_by || { echo "for $q"; return 1; }
	done &&
	for q in %FF "a%0Ab" "a%7F" %09 "a%00b"; do
		http GET "/runs?created_by=$q" -H "$RO" && expect_error 400 ValidationError VALIDATION_ERROR ||
			{ echo "for $q"; return 1; }
	done &&
	runs "created_by=%C3%A9-$RUN" && jt ".total == 0"
'

# ------------------------------------------------------------------ roles

test_expect_success 'every role reads every run; no credential or a bad one is 401' '
	for cred in "$RO" "$DEV" "$ADM"; do
		http GET "/runs?created_by=$BY_ADM" -H "$cred" && expect_status 200 &&
		jt ".total == 1" || return 1
	done &&
	http GET "/runs?created_by=$BY_DEV" -H "$RO" && jt ".total == 3" &&
	http GET /runs && expect_401 &&
	http GET /runs -H "$(key "nope-$RUN")" && expect_401 &&
	http GET /runs/ -H "$RO" && expect_status 200
'

test_expect_success 'POST /runs is 405 with Allow: GET' '
	http POST /runs -H "$DEV" --data-binary "" && expect_status 405 && expect_header Allow GET
'

# ------------------------------------------------------------------ cost

# executed: MariaDB's count of prepared statements run so far.
executed() { stack_sql -N -e "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'" | cut -f2; }

test_expect_success '20 requests cost MariaDB at most 3 statements each: the count, the page, the caller'"'"'s checks' '
	for i in 1 2 3; do curl -s -o /dev/null -H "$RO" "$BASE_URL/runs?created_by=$BY_DEV"; done &&
	before=$(executed) &&
	for i in $(seq 20); do curl -s -o /dev/null -H "$RO" "$BASE_URL/runs?kind=provision&status=queued,canceled"; done &&
	after=$(executed) && put cost "$((after - before))" &&
	test "$((after - before))" -le 60
'
say "statements MariaDB executed for 20 GET /runs: $(get cost 2>/dev/null)"

# executed_by_runs LOG: the statements the general log LOG shows executed on
# the connection that ran the GET /runs statements (a responder serves one
# request at a time on its own connection), one a line.
executed_by_runs() {
	sed -E 's/^[0-9]{6}\s+[0-9:]+//; s/^\t+//' "$1" | awk -F'\t' '
		$1 ~ /^ *[0-9]+ Execute$/ { n = $1; sub(/ Execute$/, "", n); t[NR] = n + 0; q[NR] = $2
			if ($2 ~ /FROM runs r .*WHERE \(/) mine[n + 0] = 1 }
		END { for (i = 1; i <= NR; i++) if ((i in t) && (t[i] in mine)) print q[i] }'
}

test_expect_success 'the general log of one request: two statements on runs, the count and the page (with its destroy join)' '
	curl -s -o /dev/null -H "$RO" "$BASE_URL/runs" &&
	stack_sql -e "SET GLOBAL log_output = \"FILE\", GLOBAL general_log_file = \"$TEST_TMP/general.log\", GLOBAL general_log = 1" &&
	{ curl -s -o /dev/null -H "$RO" "$BASE_URL/runs?kind=provision" || echo "the request failed"; } &&
	stack_sql -e "SET GLOBAL general_log = 0" &&
	executed_by_runs "$TEST_TMP/general.log" >"$TEST_TMP/executed" &&
	cut -c1-100 "$TEST_TMP/executed" >"$WORK/runs-list-statements.txt" &&
	test "$(grep -c "FROM runs r " "$TEST_TMP/executed")" -eq 2 &&
	test "$(wc -l <"$TEST_TMP/executed")" -le 3
'
# The third, when there is one, is the caller's API key, looked up once per responder (then cached).
while IFS= read -r l; do say "executed: $l"; done <"$WORK/runs-list-statements.txt" 2>/dev/null

test_done
