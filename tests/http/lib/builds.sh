# shellcheck shell=bash
# tests/http/lib/builds.sh: what the parts of the builds suite (builds.sh,
# builds-cache.sh, builds-limits.sh, builds-lists.sh, builds-validation.sh)
# share: the run's names, the helpers and the three users with their keys. Sourced after tests/lib.sh, tools/stack.sh and
# $STACK/dev.env.
# shellcheck disable=SC2016,SC2034,SC2153
FIX_DOMAIN=builds.test FIX_NAME=Builds
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

PLAT=p-$RUN              # a platform only this run's builds use
PLAT_ALIAS=pa-$RUN       # its operator-defined alias
OSV=os-$RUN IMGT=img-$RUN
STATE_CODES='[0,10,20,25,30,40,50,90,95]'
STATE_NAMES='{"0":"queued","10":"started","20":"packer_validation_complete",
	"25":"packer_build_complete","30":"testing","40":"publishing",
	"50":"succeeded","90":"failed","95":"cancelled"}'

# ------------------------------------------------------------------ helpers



# beat PATH [curl args...]: POST a heartbeat with an empty body
# (Content-Length: 0), as a client that goes through lighttpd must send it:
# lighttpd 1.4 answers 411 to a POST without Content-Length. The default
# front end (nginx) passes a bare curl -X POST as well: tests/http/runs.sh.
beat() {
	local p=$1
	shift
	http POST "$p" --data-binary '' "$@"
}


# error_says FIELD FRAGMENT: the 400's message or FIELD's error mentions FRAGMENT.
error_says() {
	jq -e --arg f "$1" --arg m "$2" '
		([.message] + [.details.errors[] | select(.field == $f) | .message]) | any(contains($m))' \
		"$BODY" >/dev/null ||
		{ echo "neither the message nor the error of $1 says \"$2\": $(jq -c '{message, details}' "$BODY")"; return 1; }
}

# The build object, as every read returns it.
BUILD_SHAPE='
	(.uuid | type == "string" and test($uuid))
	and (.build_id | type == "string" and length > 0)
	and (.platform | type == "string") and (.os_version | type == "string")
	and (.image_type | type == "string")
	and (.pipeline_url | . == null or type == "string")
	and (.commit_hash | . == null or type == "string")
	and (.current_state | type == "number")
	and .current_state_name == $names[.current_state | tostring]
	and .terminal == ([.current_state] | inside([50, 90, 95]))
	and (.stale | type == "boolean")
	and (.stale and .terminal | not)
	and has("created_by") and .created_by != null
	and (.created_at | type == "string" and test($ts))
	and (.updated_at | type == "string" and test($ts))
	and (.last_heartbeat_at | . == null or (type == "string" and test($ts)))'
# expect_builds PATH-FILTER: every value PATH-FILTER yields is a build object.
expect_builds() {
	jq -e --arg uuid "$UUID_RE" --arg ts "$TS_RE" --argjson names "$STATE_NAMES" \
		"[$1] | length > 0 and all(.[]; $BUILD_SHAPE)" "$BODY" >/dev/null ||
		{ echo "not build objects at $1: $(jq -c "[$1]" "$BODY" 2>/dev/null | head -c 600)"; return 1; }
}
expect_build() { expect_builds .; }

# newbuild BID PLATFORM OS IMAGE [KEY VALUE...]: creates a build as the
# developer (201) and prints its uuid.
newbuild() {
	local bid=$1 p=$2 o=$3 i=$4
	shift 4
	jreq POST /builds "$(jobj build_id "$bid" platform "$p" os_version "$o" image_type "$i" "$@")" \
		-H "$DEV" &&
		{ expect_status 201 >&2 || { echo "creating $bid: $(head -c 400 "$BODY")" >&2; return 1; }; } &&
		jq -r .uuid "$BODY"
}
# to_state UUID CODE [MESSAGE]: posts a state as the developer, expects 201.
to_state() {
	jreq POST "/builds/$1/state" "$(jobj state_code "json:$2" message "${3:-to $2}")" -H "$DEV" &&
		{ expect_status 201 || { echo "state $2 of $1: $(head -c 400 "$BODY")"; return 1; }; }
}
# How long a responder may still answer from memory (fcgi/memo.c) after a
# change made behind Stratus's back, by SQL.
BUILD_CACHE_S=$(awk -v ms="${STRATUS_BUILD_CACHE_MS:-1000}" 'BEGIN { printf "%.1f", ms / 1000 + 0.2 }')
# build_sql SQL: changes builds by SQL, then waits until every answer a
# responder remembered from before has died.
build_sql() { stack_sql stratus -e "$1" && sleep "$BUILD_CACHE_S"; }
# backdate UUID: backdates a build past STRATUS_BUILD_STALE_MINUTES.
backdate() {
	build_sql "UPDATE builds SET updated_at = UTC_TIMESTAMP(6) - INTERVAL 3 HOUR,
		last_heartbeat_at = NULL WHERE uuid = '$1'"
}
# snap NAME PATH: keeps the body of GET PATH (200, as readonly) as NAME.
snap() {
	http GET "$2" -H "$RO" && expect_status 200 && cp "$BODY" "$TEST_TMP/snap.$1"
}
# delta NAME FILTER N: FILTER of the body minus FILTER of snapshot NAME is N
# (missing counts are 0).
delta() {
	jq -e --slurpfile old "$TEST_TMP/snap.$1" --argjson n "$3" \
		"(($2) // 0) - (\$old[0] | ($2) // 0) == \$n" "$BODY" >/dev/null ||
		{ echo "$2 went from $(jq -c "$2" "$TEST_TMP/snap.$1") to $(jq -c "$2" "$BODY"), expected +$3"; return 1; }
}

# mkreference: this run's platform with its alias, OS version and image type,
# made by the admin, for the parts that use them without testing how they
# are made (builds.sh does, answer by answer).
mkreference() {
	jreq POST /platforms "$(jobj name "$PLAT" display_name "Test cloud $RUN" aliases "json:[\"$PLAT_ALIAS\"]")" \
		-H "$ADM" && expect_status 201 &&
		jreq POST /os-versions "$(jobj name "$OSV" display_name "OS $RUN")" -H "$ADM" && expect_status 201 &&
		jreq POST /image-types "$(jobj name "$IMGT")" -H "$ADM" && expect_status 201
}

# ------------------------------------------------------------------ bootstrap

# Side by side: every part makes its own, and hashing a password is slow.
mkuser adm admin & mkuser dev developer & mkuser ro readonly &
wait
newkey "builds-adm-$RUN" adm >"$TEST_TMP/key.adm" & newkey "builds-ci-$RUN" dev >"$TEST_TMP/key.dev" &
newkey "builds-ro-$RUN" ro >"$TEST_TMP/key.ro" &
wait
ADM_KEY=$(cat "$TEST_TMP/key.adm") DEV_KEY=$(cat "$TEST_TMP/key.dev") RO_KEY=$(cat "$TEST_TMP/key.ro")
DEV_ID=$(uid dev)
ADM=$(key "$ADM_KEY") DEV=$(key "$DEV_KEY") RO=$(key "$RO_KEY")
COMMIT=$(hex 40)
VALID=$(jobj platform gcp os_version rhel-8.8 image_type base build_id placeholder)
