#!/usr/bin/env bash
# tests/http/openapi.sh: the API's description served by the responders
# (handlers/openapi.c): both paths, the same bytes as the build's
# openapi.json (what make installs), an ETag that a revalidation honours,
# and a document that covers the route table. The contract, lint and
# negative suites (tests/openapi/) check what the document says.
# shellcheck disable=SC2016,SC2034
SUITE=http-openapi
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

DOC=${OPENAPI_JSON:-$WORK/build/openapi.json}

test_expect_success 'GET /openapi.json: 200, JSON, OpenAPI 3.1, cacheable with an ETag' '
	http GET /openapi.json && expect_status 200 &&
	expect_header Content-Type application/json &&
	expect_json ".openapi == \"3.1.0\" and (.paths | length) > 0" &&
	header ETag | grep -Eq "^\"[0-9a-f]{32}\"$" &&
	header Cache-Control | grep -q "max-age" &&
	cp "$BODY" "$TEST_TMP/doc1" && header ETag >"$TEST_TMP/etag"
'

test_expect_success 'GET /api/openapi.json: the same bytes and the same ETag' '
	http GET /api/openapi.json && expect_status 200 &&
	cmp "$BODY" "$TEST_TMP/doc1" &&
	test "$(header ETag)" = "$(cat "$TEST_TMP/etag")"
'

test_expect_success 'the served document is the build'"'"'s openapi.json, byte for byte' '
	test -s "$DOC" && cmp "$DOC" "$TEST_TMP/doc1"
'

test_expect_success 'If-None-Match with the ETag: 304 without a body; another tag: 200' '
	http GET /openapi.json -H "If-None-Match: $(cat "$TEST_TMP/etag")" && expect_status 304 &&
	test ! -s "$BODY" &&
	http GET /openapi.json -H "If-None-Match: \"0000\"" && expect_status 200 &&
	cmp "$BODY" "$TEST_TMP/doc1"
'

test_expect_success 'HEAD /openapi.json: the headers of GET, no body' '
	raw_head /openapi.json && expect_status 200 && test ! -s "$BODY"
'

test_expect_success 'every route of handlers/routes.c is an operation, and no other' '
	sed -n "s/^[[:space:]]*ROUTE(\([A-Z]*\), \"\([^\"]*\)\".*/\1 \2/p" \
		"$STACK_SRC/handlers/routes.c" | sort >"$TEST_TMP/routes" &&
	jq -r ".paths | to_entries[] | .key as \$p | .value | keys[] | ascii_upcase + \" \" + \$p" \
		"$TEST_TMP/doc1" | sort >"$TEST_TMP/ops" &&
	test -s "$TEST_TMP/routes" && diff "$TEST_TMP/routes" "$TEST_TMP/ops"
'

test_expect_success 'security follows the role: public routes need nothing, the rest a role' '
	jq -e "[.paths[][] | select(.\"x-stratus-role\" == \"public\")
		| .security | map(to_entries[] | .value | length) | add // 0] | all(. == 0)" \
		"$TEST_TMP/doc1" &&
	jq -e "[.paths[][] | select(.\"x-stratus-role\" != \"public\") | .\"x-stratus-role\" as \$r
		| .security | length == 4 and all(.[]; to_entries[0].value == [\$r])] | all" \
		"$TEST_TMP/doc1" &&
	jq -e ".paths[\"/users\"].post.security[0].ApiKeyAuth == [\"admin\"]" "$TEST_TMP/doc1"
'

test_expect_success 'request bodies carry the validators'"'"' bounds (POST /builds, POST /generate)' '
	jq -e ".paths[\"/builds\"].post.requestBody.content[\"application/json\"].schema
		| .required == [\"platform\",\"os_version\",\"image_type\",\"build_id\"]
		and .properties.build_id.maxLength == 128" "$TEST_TMP/doc1" &&
	jq -e ".paths[\"/generate\"].post.requestBody.content[\"application/json\"].schema.properties
		| .budget.minimum == 10 and .budget.maximum == 1000000
		and .requirements.minLength == 10 and .requirements.maxLength == 5000" "$TEST_TMP/doc1"
'

test_done
