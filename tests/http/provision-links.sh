#!/usr/bin/env bash
# tests/http/provision-links.sh: the link from a provisioning request to its
# destroy runs, a provision_destroys row (schema/014) rather than a field of
# the run: GET /status, GET /provision (one join per page) and GET /runs/{id}
# show the same latest destroy, and the migration's backfill can run again.
#
# Test bodies are single-quoted strings that lib.sh evaluates.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-provision-links
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# shellcheck disable=SC1091
. "$STACK/dev.env"
FIX_DOMAIN=links.test FIX_LOGIN=links- FIX_NAME=Links
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

: "${STRATUS_RECONCILE:?STRATUS_RECONCILE must name the stratus-reconcile binary}"
RLOG=$WORK/reconcile-provision-links.log

reconcile() { "$STRATUS_RECONCILE" --once --jobs 4 >>"$RLOG" 2>&1; }

# settle RID: passes until GET /status of RID is no longer in progress.
settle() {
	local i
	for ((i = 0; i < 30; i++)); do
		reconcile || { tail -5 "$RLOG"; return 1; }
		http GET "/status/$1" -H "$RO" || return 1
		[ "$(jq -r .status "$BODY")" != in_progress ] && return 0
		sleep 0.5
	done
	echo "request $1 still in progress"
	return 1
}

AWS_CFG='{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345",
	"security_group_ids":["sg-12345"],"ami_id":"ami-12345"}'
aws() { jobj cloud_provider aws provider_config "json:$AWS_CFG" instance_name_prefix "$1" count "json:1"; }

# row RID: GET /provision, then BODY is RID's row of the list (newest first, so on page one).
row() {
	http GET "/provision?limit=100" -H "$RO" && expect_status 200 &&
		jq -e --arg r "$1" '.items[] | select(.request_id == $r)' "$BODY" >"$TEST_TMP/row" &&
		cp "$TEST_TMP/row" "$BODY"
}
links() { stack_sql -N stratus -e "SELECT COUNT(*) FROM provision_destroys p JOIN runs t ON t.id = p.target_run_id WHERE t.uuid = '$1'"; }

mkuser dev developer
mkuser ro readonly
DEV=$(key "$(newkey "links-dev-$RUN" dev)") RO=$(key "$(newkey "links-ro-$RUN" ro)")

test_expect_success 'a finished request: no destroy in its status, its list row and its run' '
	jreq POST /provision "$(aws "links-$RUN")" -H "$DEV" && expect_status 202 &&
	rid=$(jq -r .request_id "$BODY") && put rid "$rid" &&
	settle "$rid" && jt ".status == \"completed\" and .destroy == null and .actions.is_destroyable" &&
	row "$rid" && jt ".destroy == null and .actions.is_destroyable == true" &&
	http GET "/runs/$rid" -H "$RO" && jt ".actions.is_destroyable == true" &&
	test "$(links "$rid")" = 0
'

test_expect_success 'a destroy is one provision_destroys row, shown alike by status, list and run' '
	rid=$(get rid) &&
	http POST "/provision/$rid/destroy" -H "$DEV" --data-binary "" && expect_status 202 &&
	did=$(jq -r .destroy_run_id "$BODY") && put did "$did" &&
	test "$(links "$rid")" = 1 &&
	test "$(stack_sql -N stratus -e "SELECT d.uuid FROM provision_destroys p JOIN runs d ON d.id = p.run_id JOIN runs t ON t.id = p.target_run_id WHERE t.uuid = \"$rid\"")" = "$did" &&
	want="{\"run_id\": \"$did\", \"status\": \"in_progress\"}" &&
	http GET "/status/$rid" -H "$RO" && jt ".destroy == $want and .actions.is_destroyable == false" &&
	row "$rid" && jt ".destroy == $want and .actions.is_destroyable == false" &&
	http GET "/runs/$rid" -H "$RO" && jt ".actions.is_destroyable == false" &&
	http GET "/runs/$did" -H "$RO" && jt ".kind == \"destroy\" and .subject == \$r and .actions.is_destroyable == false" --arg r "$rid"
'

test_expect_success 'the list and the status follow the destroy to completed' '
	rid=$(get rid) did=$(get did) &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		reconcile && http GET "/runs/$did" -H "$RO" &&
			[ "$(jq -r .status "$BODY")" = succeeded ] && break
		sleep 0.5
	done &&
	want="{\"run_id\": \"$did\", \"status\": \"completed\"}" &&
	http GET "/status/$rid" -H "$RO" && jt ".destroy == $want" &&
	row "$rid" && jt ".destroy == $want and .status == \"completed\"" &&
	http POST "/provision/$rid/destroy" -H "$DEV" --data-binary "" && expect_409 &&
	test "$(links "$rid")" = 1
'

test_expect_success 'the link is read from provision_destroys, and the migration backfills it again' '
	rid=$(get rid) did=$(get did) &&
	stack_sql stratus -e "DELETE p FROM provision_destroys p JOIN runs d ON d.id = p.run_id WHERE d.uuid = \"$did\"" &&
	http GET "/status/$rid" -H "$RO" && jt ".destroy == null" &&
	stack_sql stratus <"$STACK_SRC/schema/014_provision_destroys.sql" &&
	stack_sql stratus <"$STACK_SRC/schema/014_provision_destroys.sql" &&
	test "$(links "$rid")" = 1 &&
	http GET "/status/$rid" -H "$RO" && jt ".destroy == {\"run_id\": \$d, \"status\": \"completed\"}" --arg d "$did"
'

test_done
