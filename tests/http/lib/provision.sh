# shellcheck shell=bash
# tests/http/lib/provision.sh: what the parts of the provision suite
# (provision.sh, provision-hooks.sh) share: the run's names, the helpers and
# the users with their keys. Sourced after tests/lib.sh, tools/stack.sh and
# $STACK/dev.env.
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

