#!/usr/bin/env bash
# tests/http/provision-bodies.sh: the 400s of POST /provision word for word.
# The body is declared (provision_body and the aws/oci provider_config specs
# in handlers/provision.c); these cases pin what clients read: every failing
# field, in the order they are listed, with its exact message, and the run
# input a valid body makes (the order of its provider_config keys).
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-provision-bodies
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# stratusctl reads the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
FIX_DOMAIN=provision-bodies.test FIX_LOGIN=provb- FIX_NAME=Bodies
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

AWS_CFG='{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345",
	"security_group_ids":["sg-12345","sg-67890"],"ami_id":"ami-12345"}'
OCI_CFG='{"region":"us-ashburn-1","compartment_id":"ocid1.compartment.oc1..aaaa",
	"availability_domain":"Uocm:PHX-AD-1","shape":"VM.Standard2.1",
	"image_id":"ocid1.image.oc1.iad.bbbb","subnet_id":"ocid1.subnet.oc1.iad.cccc"}'
ID_MSG="must be 1 to 255 letters, digits, '.', '_', ':' or '-'"

# a_with / o_with FILTER [jq options...]: a valid AWS / OCI body changed by FILTER.
a_with() {
	local f=$1
	shift
	jq -c "$@" "$f" <<<"$(jobj cloud_provider aws provider_config "json:$AWS_CFG" \
		instance_name_prefix "b-$RUN" count json:1)"
}
o_with() {
	jq -c "$1" <<<"$(jobj cloud_provider oci provider_config "json:$OCI_CFG" \
		instance_name_prefix "b-$RUN" count json:1)"
}

# errors BODY FIELD MESSAGE [FIELD MESSAGE...]: POST /provision is 400 and
# details.errors is exactly these pairs, in this order.
errors() {
	local body=$1 want
	shift
	want=$(while [ $# -ge 2 ]; do jobj field "$1" message "$2"; shift 2; done | jq -sc .)
	jreq POST /provision "$body" -H "$DEV" && expect_error 400 ValidationError VALIDATION_ERROR &&
		if ! jq -e --argjson w "$want" '.details.errors == $w' "$BODY" >/dev/null; then
			echo "body: $body"
			echo "details.errors: $(jq -c .details.errors "$BODY")"
			echo "expected:       $want"
			return 1
		fi
}

mkuser dev developer
DEV=$(key "$(newkey "provb-dev-$RUN" dev)")

test_expect_success 'setup: a developer key' '
	test -n "$DEV" && http GET /auth/me -H "$DEV" && expect_status 200
'

test_expect_success 'an empty object: the four required fields, in order, and the summary message' '
	errors "{}" cloud_provider "is required" provider_config "is required" \
		instance_name_prefix "is required" count "is required" &&
	json_is .message "cloud_provider: is required (and 3 more)"
'

test_expect_success 'top-level fields first, then provider_config.*, each with its own message' '
	errors "$(a_with ".count = 0 | .instance_name_prefix = \"1web\" | .callback_url = 5
		| .provider_config.region = \"us east\" | .provider_config.subnet_id = \"sg-1\"
		| .provider_config.ami_id = 3 | .provider_config.security_group_ids = [\"sg-1\", \"web\"]")" \
		instance_name_prefix "must start with a letter and contain only letters, digits, '"'"'-'"'"' and '"'"'_'"'"'" \
		count "must be from 1 to 20" \
		callback_url "must be a string" \
		provider_config.region "$ID_MSG" \
		provider_config.subnet_id "must start with '"'"'subnet-'"'"'" \
		provider_config.ami_id "must be a string" \
		provider_config.security_group_ids "item 1 must be a security group id (sg-...)"
'

test_expect_success 'an empty provider_config names each field of the cloud, in the cloud order' '
	errors "$(a_with ".provider_config = {}")" \
		provider_config.region "is required" provider_config.instance_type "is required" \
		provider_config.subnet_id "is required" provider_config.ami_id "is required" \
		provider_config.security_group_ids "is required" &&
	errors "$(o_with ".provider_config = {\"region\": null}")" \
		provider_config.region "is required" provider_config.compartment_id "is required" \
		provider_config.availability_domain "is required" provider_config.shape "is required" \
		provider_config.image_id "is required" provider_config.subnet_id "is required"
'

test_expect_success 'a cloud identifier: one message for its length and characters, another for its prefix' '
	errors "$(o_with ".provider_config.shape = \"\" | .provider_config.region = (\"r\" * 256)
		| .provider_config.image_id = \"ocid1.é\" | .provider_config.compartment_id = \"c\\u0001\"
		| .provider_config.subnet_id = \"subnet-1\"")" \
		provider_config.region "$ID_MSG" provider_config.compartment_id "$ID_MSG" \
		provider_config.shape "$ID_MSG" provider_config.image_id "$ID_MSG" \
		provider_config.subnet_id "must start with '"'"'ocid1.'"'"'"
'

test_expect_success 'security_group_ids: one field, the first bad item by index' '
	for g in "[]" "\"sg-1\"" "{}" "[range(17) | \"sg-\(.)\"]"; do
		errors "$(a_with ".provider_config.security_group_ids = $g")" \
			provider_config.security_group_ids "must be a list of 1 to 16 security group ids" ||
			exit 1
	done &&
	errors "$(a_with ".provider_config.security_group_ids = [\"sg-1\", 2, \"x\"]")" \
		provider_config.security_group_ids "item 1 must be a security group id (sg-...)"
'

test_expect_success 'a wrong cloud or a non-object provider_config: no provider_config.* failures' '
	errors "$(a_with ".cloud_provider = \"gcp\" | .provider_config = {}")" \
		cloud_provider "must be one of: aws, oci" &&
	errors "$(a_with ".provider_config = []")" provider_config "must be an object" &&
	errors "$(a_with ".cloud_provider = \"\" | .count = \"2\"")" \
		cloud_provider "must not be empty" count "must be an integer"
'

test_expect_success 'a valid body: 202, and the run input keeps the provider order of its fields' '
	jreq POST /provision "$(a_with ".provider_config |= {ami_id, security_group_ids, subnet_id,
		instance_type, region, extra: \"ignored\"} | .zzz = 1")" -H "$DEV" &&
	expect_status 202 && rid=$(jq -r .request_id "$BODY") && [[ $rid =~ $UUID_RE ]] &&
	http GET "/runs/$rid" -H "$DEV" && expect_status 200 &&
	expect_json ".input | keys_unsorted == [\"cloud_provider\", \"provider_config\",
		\"instance_name_prefix\", \"count\", \"request_id\"]" &&
	expect_json ".input.provider_config | keys_unsorted == [\"region\", \"instance_type\",
		\"subnet_id\", \"ami_id\", \"security_group_ids\"]" &&
	expect_json ".input.provider_config.security_group_ids == [\"sg-12345\", \"sg-67890\"]" &&
	http POST "/runs/$rid/cancel" -H "$DEV" --data-binary "" && expect_status 200
'

test_done
