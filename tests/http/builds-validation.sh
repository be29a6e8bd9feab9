#!/usr/bin/env bash
# tests/http/builds-validation.sh: the builds suite's part on what
# POST /builds refuses (split from builds.sh; the parts share
# tests/http/lib/builds.sh): each missing, mistyped, unknown or malformed
# field is a 400 naming exactly the fields at fault, the bounds themselves
# are accepted, the unknown-value 400s list what is accepted, malformed JSON
# and other content types, and nothing of it is stored.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-builds-validation
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# stratusctl reads the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/builds.sh
. "$(dirname "$0")/lib/builds.sh"

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

test_done
