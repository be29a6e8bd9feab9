# shellcheck shell=bash
# tests/http/lib/provision.sh: what the parts of the provision suite
# (provision.sh, provision-airflow.sh, provision-input.sh,
# provision-reconciler.sh, provision-webhooks.sh) share: the run's names, one
# reconciler pass and the stand-in terraform's controls, the request bodies,
# and the users with their keys. Sourced after tests/lib.sh, tools/stack.sh
# and $STACK/dev.env.
#
# The stand-in is told what to do by files in the request's working
# directory ($STRATUS_WORKDIR/<request_id>/), which a test may create before
# the first pass: .fail-apply holding N fails the next N applies.
# shellcheck disable=SC2016,SC2034,SC2153
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


# provision BODY: POST as the developer, expects 202, prints the request id.
provision() {
	jreq POST /provision "$1" -H "$DEV" &&
		{ expect_status 202 >&2 || { head -c 600 "$BODY" >&2; return 1; }; } &&
		jq -r .request_id "$BODY"
}

# ------------------------------------------------------------------ bootstrap

# Another developer and an admin: runs belong to their creator, whom admins
# may overrule. Side by side: every part makes its own, and hashing a
# password is slow.
mkuser dev developer & mkuser ro readonly & mkuser other developer & mkuser adm admin &
wait
for u in dev ro other adm; do newkey "prov-$u-$RUN" "$u" >"$TEST_TMP/key.$u" & done
wait
DEV_KEY=$(cat "$TEST_TMP/key.dev") RO_KEY=$(cat "$TEST_TMP/key.ro")
OTHER_KEY=$(cat "$TEST_TMP/key.other") ADM_KEY=$(cat "$TEST_TMP/key.adm")
DEV=$(key "$DEV_KEY") RO=$(key "$RO_KEY") OTHER=$(key "$OTHER_KEY") ADM=$(key "$ADM_KEY")
DEV_ID=$(curl -sS -H "$DEV" "$BASE_URL/auth/me" | jq -r .id)
