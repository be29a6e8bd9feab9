#!/usr/bin/env bash
# tests/http/provision-input.sh: the provision suite's part on what
# POST /provision accepts (split from provision.sh; the parts share
# tests/http/lib/provision.sh): Idempotency-Key (replay, another body, its
# owner, its bounds), every bad field of the body, and the bounds themselves.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-provision-input
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# The reconciler and stratusctl read the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
# shellcheck source=tests/http/lib/provision.sh
. "$(dirname "$0")/lib/provision.sh"

# ------------------------------------------------------------------ Idempotency-Key

test_expect_success 'Idempotency-Key: the same key and body replays the first answer' '
	k="idem-$RUN-1" && body=$(aws "idem-$RUN" 1) &&
	jreq POST /provision "$body" -H "$DEV" -H "Idempotency-Key: $k" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)" &&
	cp "$BODY" "$TEST_TMP/idem-first" &&
	jreq POST /provision "$body" -H "$DEV" -H "Idempotency-Key: $k" &&
	expect_status 202 && expect_header Idempotent-Replayed "^true$" &&
	cmp "$BODY" "$TEST_TMP/idem-first" &&
	test "$(stack_sql -N stratus -e "SELECT COUNT(*) FROM runs WHERE idempotency_key = '"'"'$k'"'"'")" = 1 &&
	put idem "$(jq -r .request_id "$BODY")"
'

test_expect_success 'Idempotency-Key: still replayed after the run completed' '
	settle "$(get idem)" && jt ".status == \"completed\"" &&
	jreq POST /provision "$(aws "idem-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: idem-$RUN-1" &&
	expect_status 202 && expect_header Idempotent-Replayed "^true$" &&
	jt ".request_id == \$r and .status == \"in_progress\" and .instances == null" --arg r "$(get idem)"
'

test_expect_success 'Idempotency-Key: the same key with another body is 422' '
	jreq POST /provision "$(aws "idem-$RUN" 2)" -H "$DEV" -H "Idempotency-Key: idem-$RUN-1" &&
	expect_error 422 UnprocessableEntity UNPROCESSABLE_ENTITY &&
	jt ".message | contains(\"different request body\")" &&
	test -z "$(header Idempotent-Replayed)"
'

test_expect_success 'Idempotency-Key: keys belong to their creator' '
	mkuser dev2 developer &&
	k2=$("$STRATUSCTL" apikey create --name "prov-dev2-$RUN" --user "$(email dev2)") &&
	jreq POST /provision "$(aws "idem-$RUN" 1)" -H "$(key "$k2")" -H "Idempotency-Key: idem-$RUN-1" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)" &&
	jt ".request_id != \$r" --arg r "$(get idem)"
'

test_expect_success 'Idempotency-Key is compared byte for byte: CaseKey and CASEKEY are two keys' '
	body=$(aws "idemcase-$RUN" 1) &&
	jreq POST /provision "$body" -H "$DEV" -H "Idempotency-Key: CaseKey-$RUN" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)" &&
	first=$(jq -r .request_id "$BODY") &&
	jreq POST /provision "$body" -H "$DEV" -H "Idempotency-Key: CASEKEY-$RUN" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)" &&
	jt ".request_id != \$r" --arg r "$first" &&
	second=$(jq -r .request_id "$BODY") &&
	jreq POST /provision "$(aws "idemcase-$RUN" 2)" -H "$DEV" -H "Idempotency-Key: casekey-$RUN" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)" &&
	jreq POST /provision "$body" -H "$DEV" -H "Idempotency-Key: CASEKEY-$RUN" &&
	expect_status 202 && expect_header Idempotent-Replayed "^true$" &&
	jt ".request_id == \$r" --arg r "$second"
'

test_expect_success 'Idempotency-Key: a key whose first request is still being processed is 409' '
	k="idem-$RUN-busy" &&
	{ stack_sql stratus -e "BEGIN; INSERT INTO runs (uuid, kind, executor, status, input, created_by,
		idempotency_key, request_hash, created_at, updated_at) VALUES (UUID(), '"'"'provision'"'"',
		'"'"'terraform'"'"', '"'"'queued'"'"', '"'"'{}'"'"', '"'"'prov-dev-$RUN'"'"', '"'"'$k'"'"', '"'"'x'"'"',
		UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)); SELECT SLEEP(4); ROLLBACK;" >/dev/null & } &&
	holder=$! && sleep 1 &&
	jreq POST /provision "$(aws "busy-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: $k" &&
	expect_error 409 Conflict CONFLICT && expect_header Retry-After "^1$" &&
	jt ".message | contains(\"still being processed\")" &&
	wait "$holder" &&
	jreq POST /provision "$(aws "busy-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: $k" &&
	expect_status 202 && test -z "$(header Idempotent-Replayed)"
'

test_expect_success 'Idempotency-Key: a key beyond printable ASCII or over 255 characters is 400' '
	jreq POST /provision "$(aws "idem-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: caf$(printf "\303\251")" &&
	expect_fields Idempotency-Key &&
	jreq POST /provision "$(aws "idem-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: $(printf "k%.0s" $(seq 256))" &&
	expect_fields Idempotency-Key
'

test_expect_success 'Idempotency-Key: 1 and 255 characters are accepted (the bounds)' '
	k255="$(printf "k%.0s" $(seq 250))$(printf "%05d" $((RANDOM % 100000)))" &&
	jreq POST /provision "$(aws "idemedge-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: $k255" &&
	expect_status 202 && a=$(jq -r .request_id "$BODY") &&
	test "$(stack_sql -N stratus -e "SELECT LENGTH(idempotency_key) FROM runs WHERE uuid = '"'"'$a'"'"'")" = 255 &&
	jreq POST /provision "$(aws "idemedge-$RUN" 1)" -H "$DEV" -H "Idempotency-Key: $k255" &&
	expect_status 202 && expect_header Idempotent-Replayed "^true$" &&
	jreq POST /provision "$(aws "idemedge-$RUN" 1)" -H "$OTHER" -H "Idempotency-Key: ~" &&
	expect_status 202 && b=$(jq -r .request_id "$BODY") &&
	for r in "$a" "$b"; do http POST "/runs/$r/cancel" -H "$ADM" --data-binary "" && expect_status 200 || exit 1; done
'

# ------------------------------------------------------------------ bad input


test_expect_success 'an empty object names every required field' '
	bad "{}" cloud_provider provider_config instance_name_prefix count
'

test_expect_success 'cloud_provider must be aws or oci' '
	bad "$(a_with ".cloud_provider = \"gcp\"")" cloud_provider &&
	bad "$(a_with ".cloud_provider = 1")" cloud_provider &&
	bad "$(a_with ".cloud_provider = \"AWS\"")" cloud_provider &&
	bad "$(a_with "del(.cloud_provider)")" cloud_provider
'

test_expect_success 'provider_config must be an object with every field of the provider' '
	bad "$(a_with ".provider_config = \"x\"")" provider_config &&
	bad "$(a_with ".provider_config = []")" provider_config &&
	bad "$(a_with ".provider_config = {}")" provider_config.region provider_config.instance_type \
		provider_config.subnet_id provider_config.ami_id provider_config.security_group_ids &&
	bad "$(o_with ".provider_config = {}")" provider_config.region provider_config.compartment_id \
		provider_config.availability_domain provider_config.shape provider_config.image_id provider_config.subnet_id &&
	bad "$(o_with ".provider_config = $AWS_CFG")" provider_config.compartment_id \
		provider_config.availability_domain provider_config.shape provider_config.image_id provider_config.subnet_id
'

test_expect_success 'aws provider_config values are checked' '
	bad "$(a_with ".provider_config.ami_id = \"12345\"")" provider_config.ami_id &&
	bad "$(a_with ".provider_config.subnet_id = \"sg-1\"")" provider_config.subnet_id &&
	bad "$(a_with ".provider_config.region = \"us east\"")" provider_config.region &&
	bad "$(a_with ".provider_config.region = \"\"")" provider_config.region &&
	bad "$(a_with ".provider_config.instance_type = 3")" provider_config.instance_type &&
	bad "$(a_with ".provider_config.instance_type = \"t2.micro\\\"; rm -rf /\"")" provider_config.instance_type &&
	bad "$(a_with ".provider_config.region = (\"a\" * 256)")" provider_config.region &&
	bad "$(a_with ".provider_config.security_group_ids = \"sg-1\"")" provider_config.security_group_ids &&
	bad "$(a_with ".provider_config.security_group_ids = []")" provider_config.security_group_ids &&
	bad "$(a_with ".provider_config.security_group_ids = [1]")" provider_config.security_group_ids &&
	bad "$(a_with ".provider_config.security_group_ids = [\"web\"]")" provider_config.security_group_ids &&
	bad "$(a_with ".provider_config.security_group_ids = [range(17) | \"sg-\(.)\"]")" provider_config.security_group_ids
'

test_expect_success 'oci provider_config values are checked' '
	bad "$(o_with ".provider_config.compartment_id = \"compartment\"")" provider_config.compartment_id &&
	bad "$(o_with ".provider_config.image_id = \"ami-1\"")" provider_config.image_id &&
	bad "$(o_with ".provider_config.shape = \"VM Standard\"")" provider_config.shape &&
	bad "$(o_with ".provider_config.availability_domain = null")" provider_config.availability_domain
'

test_expect_success 'count must be an integer from 1 to 20' '
	for c in 0 21 -1 1.5 "\"2\"" true null 9007199254740993; do
		bad "$(a_with ".count = $c")" count || exit 1
	done &&
	bad "$(a_with "del(.count)")" count
'

# edge FILTER: POST the valid AWS body changed by FILTER (prefix edge-...) as the
# developer, expect 202, and cancel the run at once (nothing of it is carried out).
edge() {
	local rid
	jreq POST /provision "$(jq -c "$1" <<<"$(aws "edge-$RUN" 1)")" -H "$DEV" &&
		{ expect_status 202 || { echo "filter: $1"; return 1; }; } &&
		rid=$(jq -r .request_id "$BODY") &&
		http POST "/runs/$rid/cancel" -H "$DEV" --data-binary "" && expect_status 200
}

test_expect_success 'the bounds themselves are accepted: count 1 and 20, prefix of 63, values of 255, 16 groups' '
	edge ".count = 1" && edge ".count = 20" &&
	edge ".instance_name_prefix = (\"e\" + \"a\" * 62)" &&
	edge ".instance_name_prefix = \"e\"" &&
	edge ".provider_config.region = (\"r\" * 255)" &&
	edge ".provider_config.ami_id = (\"ami-\" + \"a\" * 251)" &&
	edge ".provider_config.security_group_ids = [range(16) | \"sg-\(.)\"]" &&
	edge ".provider_config.security_group_ids = [\"sg-\" + \"a\" * 252]" &&
	http GET "/provision?limit=100" -H "$RO" && expect_status 200 &&
	jt "[.items[] | select(.instance_name_prefix | startswith(\"e\"))] | map(.count) | index(20) != null" &&
	jt ".items | length <= 100"
'

test_expect_success 'one past each bound is 400: count 0 and 21, prefix of 64, values of 256, 17 groups' '
	bad "$(a_with ".count = 0")" count && bad "$(a_with ".count = 21")" count &&
	bad "$(a_with ".instance_name_prefix = (\"e\" + \"a\" * 63)")" instance_name_prefix &&
	bad "$(a_with ".provider_config.region = (\"r\" * 256)")" provider_config.region &&
	bad "$(a_with ".provider_config.ami_id = (\"ami-\" + \"a\" * 252)")" provider_config.ami_id &&
	bad "$(a_with ".provider_config.security_group_ids = [range(17) | \"sg-\(.)\"]")" provider_config.security_group_ids &&
	bad "$(a_with ".provider_config.security_group_ids = [\"sg-\" + \"a\" * 253]")" provider_config.security_group_ids &&
	http GET "/provision?limit=101" -H "$RO" && expect_fields limit
'

test_expect_success 'instance_name_prefix must be a safe name' '
	for p in "\"\"" "\"1web\"" "\"has space\"" "\"a/b\"" "\"-web\"" "\"web;rm\"" "(\"a\" * 64)" 5 null; do
		bad "$(a_with ".instance_name_prefix = $p")" instance_name_prefix || exit 1
	done
'

test_expect_success 'callback_url must be https (or allowed by STRATUS_WEBHOOK_ALLOW)' '
	for u in "\"http://hooks.example.com/x\"" "\"ftp://x/y\"" "\"https://\"" "\"https:///x\"" \
		"\"https:/x\"" "\"https://a b/\"" "\"http://127.0.0.2:8080/\"" 5 "[]" \
		"(\"https://h/\" + \"a\" * 2048)"; do
		bad "$(a_with ".callback_url = $u")" callback_url || exit 1
	done
'

test_expect_success 'callback_url: user information is refused, not read as a host (http://127.0.0.1:80@evil.example/)' '
	for u in "http://127.0.0.1:80@evil.example/" "https://127.0.0.1:80@evil.example/" \
		"http://127.0.0.1:@evil.example/" "https://user@hooks.example/" "https://evil.example\\@127.0.0.1/"; do
		bad "$(a_with ".callback_url = \$u" --arg u "$u")" callback_url &&
		field_msg callback_url "must not contain user information" || exit 1
	done
'

test_expect_success 'callback_url: an https host that is or resolves to a non-public address is 400' '
	for c in "https://169.254.169.254/latest/meta-data/|link-local" "https://10.0.0.1/hook|private" \
		"https://10.255.1.2:8443/|private" "https://172.16.0.1/|private" "https://192.168.1.1/|private" \
		"https://100.64.0.1/|CGNAT" "https://[::1]/hook|loopback" "https://[fd00::1]/|unique-local" \
		"https://[fe80::1]/|link-local" "https://[::ffff:169.254.169.254]/|link-local" \
		"https://0xa9fea9fe/|link-local" "https://0251.0376.0251.0376/|link-local" \
		"https://0.0.0.0/|this network" "https://224.0.0.1/|multicast" "https://255.255.255.255/|broadcast"; do
		bad "$(a_with ".callback_url = \$u" --arg u "${c%|*}")" callback_url &&
		field_msg callback_url "${c#*|}" && field_msg callback_url "only public addresses" || exit 1
	done &&
	bad "$(a_with ".callback_url = \"http://8.8.8.8/hook\"")" callback_url &&
	field_msg callback_url "must be an https:// URL"
'


test_expect_success 'several bad fields are all named at once' '
	bad "$(a_with ".count = 0 | .instance_name_prefix = \"\" | .provider_config.ami_id = \"x\"")" \
		count instance_name_prefix provider_config.ami_id
'

test_expect_success 'a body that is not a JSON object is 400; another content type is 415' '
	jreq POST /provision "[1]" -H "$DEV" && expect_error 400 ValidationError VALIDATION_ERROR &&
	jreq POST /provision "{\"cloud_provider\":" -H "$DEV" && expect_error 400 ValidationError VALIDATION_ERROR &&
	http POST /provision -H "$DEV" -H "Content-Type: text/plain" --data-binary "$(aws x 1)" &&
	expect_error 415 UnsupportedMediaType UNSUPPORTED_MEDIA_TYPE
'

test_expect_success 'refused requests create no run' '
	n=$(stack_sql -N stratus -e "SELECT COUNT(*) FROM runs WHERE input LIKE '"'"'%x-$RUN%'"'"'") &&
	test "$n" = 0
'

test_done
