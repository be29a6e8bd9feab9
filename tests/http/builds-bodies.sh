#!/usr/bin/env bash
# tests/http/builds-bodies.sh: the 400s of the builds and reference bodies
# (handlers/builds.c, handlers/reference.c, declared in handlers/fields.h),
# word for word: each row's answer must carry exactly that message and
# details.errors (fields, wording, order), several failures reported together.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-builds-bodies
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# stratusctl reads the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
FIX_DOMAIN=bodies.test FIX_PREFIX=bod- FIX_NAME=Bodies
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

mkuser adm admin
mkuser dev developer
ADM=$(key "$(newkey "bodies-adm-$RUN" adm)")
DEV=$(key "$(newkey "bodies-dev-$RUN" dev)")
# No build needs to exist: every row fails before the build is looked up.
U=$(cat /proc/sys/kernel/random/uuid)
# Long texts, spelled @A65@ (65 a's) and so on in the rows below.
A65=$(printf 'a%.0s' $(seq 65))
A1001=$(printf 'a%.0s' $(seq 1001))
A8000=$(printf 'a%.0s' $(seq 8000))
N17=$(jq -cn '[range(17) | "n\(.)"]')

# answers STATUS WANT: the answer has STATUS and {message, details} is WANT, byte for byte.
answers() {
	local got
	expect_status "$1" &&
		got=$(jq -c '{message, details}' "$BODY") &&
		if [ "$got" != "$2" ]; then
			printf 'got      %s\nexpected %s\n' "$got" "$2"
			return 1
		fi
}

# One row: WHO|METHOD|PATH|BODY|STATUS|{message, details} ("@U@" is a build uuid).
while IFS='|' read -r who method path body status want; do
	case $who in '' | '#'*) continue ;; esac
	body=${body//@A65@/$A65} body=${body//@A1001@/$A1001} body=${body//@A8000@/$A8000}
	body=${body//@N17@/$N17} body=${body//@RUN@/$RUN}
	test_expect_success "$method $path $(printf '%s' "$body" | head -c 120)" '
		jreq "$method" "${path//@U@/$U}" "$body" -H "${!who}" && answers "$status" "$want"'
done <<'EOF'
# ------------------------------------------------------------ POST /builds
DEV|POST|/builds|{}|400|{"message":"platform: is required (and 3 more)","details":{"errors":[{"field":"platform","message":"is required"},{"field":"os_version","message":"is required"},{"field":"image_type","message":"is required"},{"field":"build_id","message":"is required"}]}}
DEV|POST|/builds|{"platform":"Bad Name!","os_version":"@A65@","image_type":5,"build_id":"a b","pipeline_url":"ftp://x","commit_hash":"xyz1234"}|400|{"message":"platform: must be 1-64 characters of a-z, 0-9, '.', '_' and '-' (and 5 more)","details":{"errors":[{"field":"platform","message":"must be 1-64 characters of a-z, 0-9, '.', '_' and '-'"},{"field":"os_version","message":"must be 1 to 64 characters"},{"field":"image_type","message":"must be a string"},{"field":"build_id","message":"may contain only letters, digits, '.', '_', ':' and '-'"},{"field":"pipeline_url","message":"must be an http:// or https:// URL"},{"field":"commit_hash","message":"must be 7 to 64 hexadecimal digits"}]}}
DEV|POST|/builds|{"platform":null,"os_version":"","image_type":["x"],"build_id":"","pipeline_url":"","commit_hash":"abc"}|400|{"message":"platform: is required (and 5 more)","details":{"errors":[{"field":"platform","message":"is required"},{"field":"os_version","message":"must not be empty"},{"field":"image_type","message":"must be a string"},{"field":"build_id","message":"must not be empty"},{"field":"pipeline_url","message":"must not be empty"},{"field":"commit_hash","message":"must be 7 to 64 characters"}]}}
DEV|POST|/builds|{"platform":"gcp","os_version":"rhel-8.8","image_type":"base","build_id":"a\u0001b","commit_hash":"ABCDEF0123g"}|400|{"message":"build_id: must not contain control characters (and 1 more)","details":{"errors":[{"field":"build_id","message":"must not contain control characters"},{"field":"commit_hash","message":"must be 7 to 64 hexadecimal digits"}]}}
DEV|POST|/builds|{"platform":"GCP","os_version":"rhel-8.8","image_type":"base","build_id":"@A65@@A65@","pipeline_url":"https://","commit_hash":true}|400|{"message":"build_id: must be 1 to 128 characters (and 1 more)","details":{"errors":[{"field":"build_id","message":"must be 1 to 128 characters"},{"field":"commit_hash","message":"must be a string"}]}}
# ----------------------------------------------- POST /builds/{uuid}/state
DEV|POST|/builds/@U@/state|{}|400|{"message":"state_code: is required","details":{"errors":[{"field":"state_code","message":"is required"}]}}
DEV|POST|/builds/@U@/state|{"state_code":null,"message":null}|400|{"message":"state_code: is required","details":{"errors":[{"field":"state_code","message":"is required"}]}}
DEV|POST|/builds/@U@/state|{"state_code":"10","message":5}|400|{"message":"state_code: must be an integer (and 1 more)","details":{"errors":[{"field":"state_code","message":"must be an integer"},{"field":"message","message":"must be a string"}]}}
DEV|POST|/builds/@U@/state|{"state_code":70000,"message":"@A1001@"}|400|{"message":"state_code: must be from 0 to 65535 (and 1 more)","details":{"errors":[{"field":"state_code","message":"must be from 0 to 65535"},{"field":"message","message":"must be 0 to 1000 characters"}]}}
DEV|POST|/builds/@U@/state|{"state_code":1.5,"message":"a\u007f"}|400|{"message":"state_code: must be an integer (and 1 more)","details":{"errors":[{"field":"state_code","message":"must be an integer"},{"field":"message","message":"must not contain control characters"}]}}
DEV|POST|/builds/@U@/state|{"state_code":11,"message":""}|400|{"message":"state_code: unknown state code 11 (GET /states lists them)","details":{"errors":[{"field":"state_code","message":"unknown state code 11 (GET /states lists them)"}]}}
# --------------------------------------------- POST /builds/{uuid}/failure
DEV|POST|/builds/@U@/failure|{}|400|{"message":"error_message: is required","details":{"errors":[{"field":"error_message","message":"is required"}]}}
DEV|POST|/builds/@U@/failure|{"error_message":"","error_code":"","component":5,"details":[1],"terminal":"no"}|400|{"message":"error_message: must not be empty (and 4 more)","details":{"errors":[{"field":"error_message","message":"must not be empty"},{"field":"error_code","message":"must not be empty"},{"field":"component","message":"must be a string"},{"field":"details","message":"must be a JSON object"},{"field":"terminal","message":"must be true or false"}]}}
DEV|POST|/builds/@U@/failure|{"error_message":"x","details":null,"terminal":null}|400|{"message":"terminal: must be true or false","details":{"errors":[{"field":"terminal","message":"must be true or false"}]}}
DEV|POST|/builds/@U@/failure|{"error_message":null,"details":"s","terminal":0}|400|{"message":"error_message: is required (and 2 more)","details":{"errors":[{"field":"error_message","message":"is required"},{"field":"details","message":"must be a JSON object"},{"field":"terminal","message":"must be true or false"}]}}
DEV|POST|/builds/@U@/failure|{"error_message":"x","error_code":"@A65@@A65@","details":{"a":"@A8000@"}}|400|{"message":"error_code: must be 1 to 128 characters (and 1 more)","details":{"errors":[{"field":"error_code","message":"must be 1 to 128 characters"},{"field":"details","message":"must be at most 8000 bytes as JSON"}]}}
# ------------------------------------------------ POST reference names
ADM|POST|/platforms|{}|400|{"message":"name: is required","details":{"errors":[{"field":"name","message":"is required"}]}}
ADM|POST|/platforms|{"name":"Upper","display_name":5,"aliases":"x"}|400|{"message":"name: may contain only a-z, 0-9, '.', '_' and '-' (and 2 more)","details":{"errors":[{"field":"name","message":"may contain only a-z, 0-9, '.', '_' and '-'"},{"field":"display_name","message":"must be a string"},{"field":"aliases","message":"must be an array of up to 16 names"}]}}
ADM|POST|/platforms|{"name":"@A65@","aliases":@N17@}|400|{"message":"name: must be 1 to 64 characters (and 1 more)","details":{"errors":[{"field":"name","message":"must be 1 to 64 characters"},{"field":"aliases","message":"must be an array of up to 16 names"}]}}
ADM|POST|/platforms|{"name":"","aliases":[1]}|400|{"message":"name: must not be empty (and 1 more)","details":{"errors":[{"field":"name","message":"must not be empty"},{"field":"aliases","message":"each alias must be 1-64 of a-z, 0-9, '.', '_', '-'"}]}}
ADM|POST|/platforms|{"name":5,"aliases":["ok","UP",""]}|400|{"message":"name: must be a string (and 1 more)","details":{"errors":[{"field":"name","message":"must be a string"},{"field":"aliases","message":"each alias must be 1-64 of a-z, 0-9, '.', '_', '-'"}]}}
ADM|POST|/platforms|{"name":"a b","aliases":["@A65@"],"display_name":"@A65@@A65@"}|400|{"message":"name: may contain only a-z, 0-9, '.', '_' and '-' (and 2 more)","details":{"errors":[{"field":"name","message":"may contain only a-z, 0-9, '.', '_' and '-'"},{"field":"display_name","message":"must be 0 to 128 characters"},{"field":"aliases","message":"each alias must be 1-64 of a-z, 0-9, '.', '_', '-'"}]}}
ADM|POST|/platforms|{"name":null,"aliases":null,"display_name":null}|400|{"message":"name: is required","details":{"errors":[{"field":"name","message":"is required"}]}}
ADM|POST|/platforms|{"aliases":["a\u0001"],"name":"a\u0002"}|400|{"message":"name: must not contain control characters (and 1 more)","details":{"errors":[{"field":"name","message":"must not contain control characters"},{"field":"aliases","message":"each alias must be 1-64 of a-z, 0-9, '.', '_', '-'"}]}}
ADM|POST|/os-versions|{"name":"x!","aliases":[]}|400|{"message":"name: may contain only a-z, 0-9, '.', '_' and '-' (and 1 more)","details":{"errors":[{"field":"name","message":"may contain only a-z, 0-9, '.', '_' and '-'"},{"field":"aliases","message":"only platforms have aliases"}]}}
ADM|POST|/os-versions|{"name":5,"aliases":null}|400|{"message":"name: must be a string","details":{"errors":[{"field":"name","message":"must be a string"}]}}
ADM|POST|/image-types|{"aliases":"x"}|400|{"message":"name: is required (and 1 more)","details":{"errors":[{"field":"name","message":"is required"},{"field":"aliases","message":"only platforms have aliases"}]}}
ADM|POST|/image-types|{"name":"ok-@RUN@","aliases":[1]}|400|{"message":"aliases: only platforms have aliases","details":{"errors":[{"field":"aliases","message":"only platforms have aliases"}]}}
EOF

test_expect_success 'a platform echoes its aliases; an image type without display_name has ""' '
	jreq POST /platforms "{\"name\":\"zb-$RUN\",\"aliases\":[\"zb1-$RUN\",\"zb2-$RUN\"]}" -H "$ADM" &&
	expect_status 201 &&
	json_num . "{\"name\":\"zb-$RUN\",\"display_name\":\"\",\"aliases\":[\"zb1-$RUN\",\"zb2-$RUN\"]}" &&
	jreq POST /image-types "{\"name\":\"zb-$RUN\"}" -H "$ADM" &&
	expect_status 201 && json_num . "{\"name\":\"zb-$RUN\",\"display_name\":\"\"}"
'

test_done
