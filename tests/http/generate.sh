#!/usr/bin/env bash
# tests/http/generate.sh: POST /generate over HTTP against the real stack:
# the original service's contract (names, codes, messages), every bad input,
# the corpus of requirement texts in tests/generate/corpus.txt through all
# three providers with every generated file parsed by HashiCorp's own HCL2
# parser (@cdktf/hcl2json, installed by ./dev test), untrusted text that
# must not become code, determinism, the budget rules, and the optional
# language-model backend against a stand-in server on loopback
# (tests/tools/llm-standin.py) behind a second lighttpd whose responders are
# configured with STRATUS_LLM_URL.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-generate
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# shellcheck disable=SC1091
. "$STACK/dev.env"
FIX_DOMAIN=generate.test FIX_PREFIX=gen- FIX_NAME=Generate
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

CORPUS=$STACK_SRC/tests/generate/corpus.txt
PARSE=$STACK_SRC/tests/generate/hcl-resources.js
OUT=$TEST_TMP/gen
mkdir -p "$OUT"
BAD_KEY_MSG='Invalid API key. Please provide a valid X-API-Key header.'
BUDGET_MSG='Budget must be at least $10 to generate infrastructure'

mkuser dev developer
mkuser ro readonly
DEV_KEY=$("$STRATUSCTL" apikey create --name "gen-dev-$RUN" --user "gen-dev-$RUN@generate.test")
RO_KEY=$("$STRATUSCTL" apikey create --name "gen-ro-$RUN" --user "gen-ro-$RUN@generate.test")
DEV="X-API-Key: $DEV_KEY"

# gen JSON [curl args...]: POST /generate as the developer.
gen() {
	local d=$1
	shift
	jreq POST /generate "$d" -H "$DEV" "$@"
}
# req NAME TEXT BUDGET CLOUD: a request body.
req() { jobj projectName "$1" requirements "$2" budget "json:$3" cloudProvider "$4"; }
# parse FILE...: HashiCorp's parser on each file (see hcl-resources.js).
parse() { node "$PARSE" "$@"; }
# types FILE: the resource types of a file that parsed, one per line.
types() {
	parse "$1" | awk -F'\t' '$2 == "ok" { n = split($3, r, " "); for (i = 1; i <= n; i++) { sub(/\..*/, "", r[i]); print r[i] } }' | sort -u
}
# save FILE: the last answer's hcl into FILE.
save() { jq -r .hcl "$BODY" >"$1"; }

SAAS="A scalable SaaS web application with a PostgreSQL database, Redis caching, \
file uploads to object storage, a CDN and a job queue, for about 20,000 users."

# ------------------------------------------------------------------ the contract

test_expect_success 'the original example answers 200 with hcl, cost, status and message' '
	gen "$(req my-web-app "Need a scalable web application with database and caching" 500 aws)" &&
	expect_status 200 &&
	expect_json ".status == \"success\"
		and .message == \"Infrastructure code generated successfully for my-web-app\"
		and (.hcl | type == \"string\" and length > 100)
		and (.cost | type == \"number\" and . == floor and . > 0 and . <= 500)
		and .generator == \"rules\" and .projectName == \"my-web-app\"
		and .cloudProvider == \"aws\" and .budget == 500 and .currency == \"USD\"
		and (.price_date | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\"))
		and (.assumptions | type == \"array\" and length > 0)
		and (.warnings | type == \"array\")" &&
	expect_header Content-Type "^application/json"
'

test_expect_success 'resources list each priced resource and add up to the cost' '
	gen "$(req my-web-app "Need a scalable web application with database and caching" 500 aws)" &&
	expect_json "(.resources | length > 3)
		and all(.resources[]; (.type | startswith(\"aws_\")) and (.name | length > 0)
			and (.component | length > 0) and (.size | type == \"string\")
			and (.count | type == \"number\" and . >= 0)
			and (.monthly_cost | type == \"number\" and . >= 0))
		and ([.resources[].type] | index(\"aws_db_instance\") != null)
		and ([.resources[].type] | any(startswith(\"aws_elasticache_\")))
		and (([.resources[].monthly_cost] | add * 100 | round) as \$c
			| .cost == ((\$c + 99) / 100 | floor))" &&
	save "$OUT/example.tf" &&
	jq -r ".resources[] | \"\(.type).\(.name)\"" "$BODY" | sort >"$OUT/listed" &&
	parse "$OUT/example.tf" | awk -F"\t" "\$2 == \"ok\" { print \$3 }" | tr " " "\n" >"$OUT/parsed" &&
	diff "$OUT/listed" "$OUT/parsed"
'

test_expect_success 'the HCL pins the provider, tags with the project and holds no literal secret' '
	for c in aws azure gcp; do
		gen "$(req Shop_2 "$SAAS" 2000 $c)" && expect_status 200 && save "$OUT/shop-$c.tf" &&
		grep -q "^terraform {" "$OUT/shop-$c.tf" &&
		grep -q "required_providers" "$OUT/shop-$c.tf" &&
		grep -Eq "^provider \"(aws|azurerm|google)\" \{" "$OUT/shop-$c.tf" &&
		grep -Eq "^variable \"region\"|^variable \"location\"" "$OUT/shop-$c.tf" &&
		grep -Eq "^output \"" "$OUT/shop-$c.tf" &&
		grep -Eiq "shop_2|shop-2" "$OUT/shop-$c.tf" &&
		! grep -Eiq "(password|secret)[a-z_]* *= *\"" "$OUT/shop-$c.tf" &&
		grep -Eq "sensitive *= *true" "$OUT/shop-$c.tf" || return 1
	done
'

test_expect_success 'the same request gives the same answer byte for byte' '
	gen "$(req same "$SAAS" 1500 gcp)" && cp "$BODY" "$OUT/a.json" &&
	gen "$(req same "$SAAS" 1500 gcp)" && cmp "$BODY" "$OUT/a.json"
'

# ------------------------------------------------------------------ credentials

test_expect_success 'without a key: 401 with the original message' '
	jreq POST /generate "$(req p "$SAAS" 500 aws)" &&
	expect_error 401 Unauthorized UNAUTHORIZED &&
	expect_json ".message == \"$BAD_KEY_MSG\""
'

test_expect_success 'with a wrong key: 401 with the original message' '
	jreq POST /generate "$(req p "$SAAS" 500 aws)" -H "X-API-Key: sk_nope_$(hex 32)" &&
	expect_error 401 Unauthorized UNAUTHORIZED &&
	expect_json ".message == \"$BAD_KEY_MSG\""
'

test_expect_success 'a readonly key may not generate: 403' '
	jreq POST /generate "$(req p "$SAAS" 500 aws)" -H "X-API-Key: $RO_KEY" &&
	expect_error 403 Forbidden FORBIDDEN
'

# ------------------------------------------------------------------ bad input

# bad BODY FIELD...: 400 naming exactly those fields, echoing the names.
bad() {
	local b=$1
	shift
	gen "$b" && expect_fields "$@"
}

test_expect_success 'a budget under $10 is refused with the original message and details' '
	gen "$(req my-web-app "test requirements" 5 aws)" &&
	expect_fields budget &&
	expect_json ".message == \"$BUDGET_MSG\"
		and .details.projectName == \"my-web-app\" and .details.cloudProvider == \"aws\""
'

test_expect_success 'projectName: missing, empty, too long, special characters' '
	bad "$(jobj requirements "$SAAS" budget json:100 cloudProvider aws)" projectName &&
	bad "$(req "" "$SAAS" 100 aws)" projectName &&
	bad "$(req "$(printf "a%.0s" $(seq 101))" "$SAAS" 100 aws)" projectName &&
	bad "$(req "my@project!" "$SAAS" 100 aws)" projectName &&
	expect_json ".details.projectName == \"my@project!\"" &&
	bad "$(req "a b" "$SAAS" 100 aws)" projectName &&
	bad "$(req "../../etc" "$SAAS" 100 aws)" projectName &&
	bad "$(jobj projectName json:42 requirements "$SAAS" budget json:100 cloudProvider aws)" projectName &&
	gen "$(req "$(printf "a%.0s" $(seq 100))" "$SAAS" 1000 aws)" && expect_status 200
'

test_expect_success 'requirements: missing, under 10 characters, over 5000, not a string' '
	bad "$(jobj projectName p budget json:100 cloudProvider aws)" requirements &&
	bad "$(req p "too short" 100 aws)" requirements &&
	bad "$(req p "$(printf "x%.0s" $(seq 5001))" 100 aws)" requirements &&
	bad "$(jobj projectName p requirements json:[1] budget json:100 cloudProvider aws)" requirements &&
	bad "$(req p "$(printf "bad \001 control text")" 100 aws)" requirements &&
	gen "$(req p "exactly 10" 100 aws)" && expect_status 200 &&
	gen "$(req p "web app $(printf "y%.0s" $(seq 4992))" 1000 aws)" && expect_status 200
'

test_expect_success 'budget: negative, over 1,000,000, a string, a fraction, missing' '
	bad "$(req p "$SAAS" -1 aws)" budget &&
	bad "$(req p "$SAAS" 1000001 aws)" budget &&
	bad "$(jobj projectName p requirements "$SAAS" budget 500 cloudProvider aws)" budget &&
	bad "$(req p "$SAAS" 10.5 aws)" budget &&
	bad "$(jobj projectName p requirements "$SAAS" cloudProvider aws)" budget &&
	gen "$(req p "$SAAS" 1000000 aws)" && expect_status 200
'

# rep TEXT N: TEXT N times.
rep() { jq -jn --arg s "$1" --argjson n "$2" '$s * $n'; }

test_expect_success 'budget bounds: 0 and 9 get the original message, 10 generates, 1,000,000 and 1,000,001' '
	bad "$(req p "A static website" 9 aws)" budget && expect_json ".message == \"$BUDGET_MSG\"" &&
	bad "$(req p "A static website" 0 aws)" budget && expect_json ".message == \"$BUDGET_MSG\"" &&
	gen "$(req p "A static website" 10 aws)" && expect_status 200 &&
	expect_json ".budget == 10 and .cost <= 10 and .status == \"success\"" &&
	gen "$(req p "Need a scalable web application with database and caching" 10 aws)" &&
	expect_fields budget &&
	expect_json ".details.min_cost > 10 and (.message | startswith(\"Budget of \$10 is below the \$\"))" &&
	gen "$(req p "$SAAS" 1000000 aws)" && expect_status 200 &&
	bad "$(req p "$SAAS" 1000001 aws)" budget && msg_has "from 0 to 1000000"
'

test_expect_success 'requirements are counted in characters: 10 and 5,000 é taken, 9 and 5,001 refused' '
	gen "$(req p "$(rep é 10)" 1000 aws)" && expect_status 200 &&
	bad "$(req p "$(rep é 9)" 1000 aws)" requirements &&
	gen "$(req p "web app $(rep é 4992)" 1000 aws)" && expect_status 200 &&
	bad "$(req p "web app $(rep é 4993)" 1000 aws)" requirements && msg_has "10 to 5000 characters" &&
	bad "$(req p "$(rep 😀 5001)" 1000 aws)" requirements &&
	gen "$(req p "$(rep 😀 5000)" 1000 aws)" && expect_status 200
'

test_expect_success 'projectName is 1-100 ASCII letters, digits, - and _: é is refused, echoed intact' '
	bad "$(req "$(rep é 10)" "$SAAS" 100 aws)" projectName &&
	bad "$(req "projét-😀" "$SAAS" 100 aws)" projectName &&
	expect_json ".details.projectName == \"projét-😀\"" &&
	gen "$(req "$(rep a 100)" "$SAAS" 1000 aws)" && expect_status 200 &&
	bad "$(req "$(rep a 101)" "$SAAS" 1000 aws)" projectName
'

test_expect_success 'cloudProvider: unknown (the message lists aws, azure, gcp), wrong case, missing' '
	bad "$(req p "$SAAS" 100 digitalocean)" cloudProvider &&
	expect_json "[.details.errors[].message] | any(contains(\"aws, azure, gcp\"))" &&
	expect_json ".details.cloudProvider == \"digitalocean\"" &&
	bad "$(req p "$SAAS" 100 AWS)" cloudProvider &&
	bad "$(jobj projectName p requirements "$SAAS" budget json:100)" cloudProvider
'

test_expect_success 'everything wrong at once: every field is listed' '
	bad "$(req "my@project!" short 5 digitalocean)" budget cloudProvider projectName requirements &&
	bad "{}" budget cloudProvider projectName requirements
'

test_expect_success 'not JSON, not an object, the wrong content type, an empty body' '
	gen "{\"projectName\": " && expect_error 400 ValidationError VALIDATION_ERROR &&
	gen "[1,2]" && expect_error 400 ValidationError VALIDATION_ERROR &&
	gen "\"text\"" && expect_error 400 ValidationError VALIDATION_ERROR &&
	http POST /generate -H "$DEV" -H "Content-Type: text/plain" --data-binary "$(req p "$SAAS" 100 aws)" &&
	expect_error 415 UnsupportedMediaType UNSUPPORTED_MEDIA_TYPE &&
	gen "" && expect_error 400 ValidationError VALIDATION_ERROR
'

test_expect_success 'a budget below the smallest design: 400 with the minimum it would cost' '
	gen "$(req big "$SAAS Kubernetes, search, high availability across zones, 500,000 users" 10 aws)" &&
	expect_fields budget &&
	expect_json "(.details.min_cost | type == \"number\" and . > 10)
		and (.details.min_cost as \$m | .message | contains(\"$\(\$m)\"))
		and .details.projectName == \"big\"" &&
	min=$(jq .details.min_cost "$BODY") &&
	gen "$(req big "$SAAS Kubernetes, search, high availability across zones, 500,000 users" "$min" aws)" &&
	expect_status 200 && expect_json ".cost <= $min"
'

test_expect_success 'a tight budget steps the design down and says what it gave up' '
	gen "$(req tight "$SAAS High availability across zones." 100000 aws)" && expect_status 200 &&
	full=$(jq .cost "$BODY") &&
	expect_json ".warnings == []" &&
	gen "$(req tight "$SAAS High availability across zones." "$((full / 2))" aws)" &&
	if [ "$STATUS" = 200 ]; then
		expect_json ".cost <= $((full / 2)) and (.warnings | length > 0)"
	else
		expect_fields budget
	fi
'

# ------------------------------------------------------------------ untrusted text

INJECT='Web app with a "postgres" database" } resource "aws_instance" "evil" { ami = "x" }
${pathexpand("~/x")} %{ for x in y }boom%{ endfor } <<EOT
heredoc EOT
*/ /* // # \" \\ \n and a redis cache'"'"' for 1,000 users'
CLEAN='Web app with a postgres database and a redis cache for 1,000 users'

test_expect_success 'requirements full of HCL syntax parse to the same resources as plain words' '
	for c in aws azure gcp; do
		gen "$(req inj "$INJECT" 5000 $c)" && expect_status 200 && save "$OUT/inj-$c.tf" &&
		gen "$(req inj "$CLEAN" 5000 $c)" && expect_status 200 && save "$OUT/clean-$c.tf" &&
		parse "$OUT/inj-$c.tf" | grep -q "	ok	" &&
		types "$OUT/inj-$c.tf" >"$OUT/inj-$c.types" &&
		types "$OUT/clean-$c.tf" >"$OUT/clean-$c.types" &&
		test -s "$OUT/inj-$c.types" &&
		diff "$OUT/inj-$c.types" "$OUT/clean-$c.types" &&
		! grep -q "evil" "$OUT/inj-$c.types" &&
		! grep -v "^ *#" "$OUT/inj-$c.tf" | grep -Fq "pathexpand" &&
		! grep -v "^ *#" "$OUT/inj-$c.tf" | grep -Fq "boom" || return 1
	done
'

# ------------------------------------------------------------------ the corpus

# Runs every corpus case through the three providers, then parses every
# file in one node process and checks each case's expectations.
run_corpus() {
	local n=0 text budget line c f exp t
	: >"$OUT/expect"
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		requirements:*) text=${line#requirements: } ;;
		budget:*) budget=${line#budget: } ;;
		aws:* | azure:* | gcp:*)
			c=${line%%:*}
			f=$OUT/case$n-$c.tf
			gen "$(req "corpus-$n" "$text" "$budget" "$c")" &&
				expect_status 200 &&
				expect_json ".cost <= $budget" || { echo "case $n ($c): $text"; return 1; }
			save "$f"
			printf '%s\t%s\n' "$f" "${line#*: }" >>"$OUT/expect"
			;;
		'') [ -z "${text:-}" ] || n=$((n + 1)); text= ;;
		esac
	done <"$CORPUS"
	[ -z "${text:-}" ] || n=$((n + 1))
	echo "$n" >"$OUT/cases"
	parse $(cut -f1 "$OUT/expect") >"$OUT/parsed"
	while IFS=$'\t' read -r f exp; do
		grep -q "^$f	ok	" "$OUT/parsed" ||
			{ echo "$f does not parse: $(grep "^$f	" "$OUT/parsed")"; return 1; }
		for t in $exp; do
			case $t in
			!*) ! grep "^$f	" "$OUT/parsed" | grep -Eq "[	 ]${t#!}\." ||
				{ echo "$f has ${t#!}, which its requirements do not ask for"; return 1; } ;;
			*) grep "^$f	" "$OUT/parsed" | grep -Eq "[	 ]$t\." ||
				{ echo "$f lacks $t"; return 1; } ;;
			esac
		done
	done <"$OUT/expect"
}

test_expect_success 'the corpus: at least 30 texts x 3 providers parse with HashiCorp HCL and hold what they ask for' '
	run_corpus &&
	test "$(cat "$OUT/cases")" -ge 30 &&
	test "$(wc -l <"$OUT/expect")" -ge 90
'

test_expect_success 'no generated file holds a literal password' '
	! grep -Eil "(password|secret)[a-z_]* *= *\"" "$OUT"/*.tf
'

# ------------------------------------------------------------------ the language model

LLM_PORT=$(stack_free_port $((HTTP_PORT + 40)))
LLM_HTTP_PORT=$(stack_free_port $((LLM_PORT + 1)))
LLM_KEY=llm-$(hex 24)
LLM_LOG=$TEST_TMP/llm.log
LLM_RUN=$STACK/run-llm-$$
/usr/bin/python3 "$STACK_SRC/tests/tools/llm-standin.py" "$LLM_PORT" "$LLM_LOG" "$LLM_KEY" \
	>"$TEST_TMP/llm.out" 2>&1 &
LLM_PID=$!
{ cat "$STACK/dev.env"
  echo "export STRATUS_LLM_URL=http://127.0.0.1:$LLM_PORT/v1/chat/completions"
  echo "export STRATUS_LLM_MODEL=standin-7b"
  echo "export STRATUS_LLM_API_KEY=$LLM_KEY"
  echo "export STRATUS_LLM_TIMEOUT_MS=1500"
} >"$STACK/llm.env"
chmod 600 "$STACK/llm.env"
HTTP_PORT=$LLM_HTTP_PORT RUNDIR=$LLM_RUN DOCROOT=$LLM_RUN/www STRATUS_CONFIG_FILE=$STACK/llm.env \
	stack_lighttpd_start
trap 'RUNDIR=$LLM_RUN stack_lighttpd_stop; kill $LLM_PID 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
stack_wait_http "http://127.0.0.1:$LLM_PORT/" 10 || say "the stand-in model did not start"
MAIN_URL=$BASE_URL

# llm MODE CLOUD [BUDGET]: POST /generate through the model-backed responders.
llm() {
	BASE_URL=http://127.0.0.1:$LLM_HTTP_PORT gen "$(req "llm-$1-$RUN" "$SAAS" "${3:-5000}" "$2")"
}

test_expect_success 'a good model answer is taken, re-priced from the table, and parses' '
	for c in aws azure gcp; do
		llm good $c && expect_status 200 &&
		expect_json ".generator == \"llm\" and (.hcl | contains(\"# reviewed by the stand-in model\"))
			and ([.resources[].name] | any(endswith(\"_llm\")))
			and (([.resources[].monthly_cost] | add * 100 | round) as \$c
				| .cost == ((\$c + 99) / 100 | floor))
			and .cost <= 5000 and .status == \"success\"" &&
		save "$OUT/llm-$c.tf" && parse "$OUT/llm-$c.tf" | grep -q "	ok	" || return 1
	done
'

test_expect_success 'the model costs more than the rules by exactly the copied resource' '
	llm good aws && llm_cost=$(jq "[.resources[].monthly_cost] | add * 100 | round" "$BODY") &&
	extra=$(jq "[.resources[] | select(.name | endswith(\"_llm\")) | .monthly_cost] | add * 100 | round" "$BODY") &&
	gen "$(req "llm-good-$RUN" "$SAAS" 5000 aws)" && expect_json ".generator == \"rules\"" &&
	rules_cost=$(jq "[.resources[].monthly_cost] | add * 100 | round" "$BODY") &&
	test "$llm_cost" -eq $((rules_cost + extra))
'

test_expect_success 'the model is asked with the key, the model name and the text as data' '
	test -s "$LLM_LOG" &&
	tail -1 "$LLM_LOG" | jq -e --arg k "Bearer $LLM_KEY" "
		.path == \"/v1/chat/completions\" and .headers.Authorization == \$k
		and (.body | fromjson | .model == \"standin-7b\" and .messages[0].role == \"system\"
			and (.messages[1].content | contains(\"20,000 users\"))
			and (.messages[1].content | contains(\"\`\`\`hcl\")))" >/dev/null
'

# llm_falls_back MODE CLOUD REASON [BUDGET]: the rule-based design, with a warning.
llm_falls_back() {
	llm "$1" "$2" "${4:-5000}" && expect_status 200 &&
		expect_json ".generator == \"rules\" and .status == \"success\"" &&
		jq -e --arg r "$3" '.warnings | any(contains("language model") and contains($r))' "$BODY" >/dev/null ||
		{ echo "no fallback warning with \"$3\": $(jq -c .warnings "$BODY")"; return 1; }
}

test_expect_success 'broken HCL from the model: the rule-based design, with a warning' '
	llm_falls_back broken aws "not valid HCL"
'

test_expect_success 'a resource of another provider: refused' '
	llm_falls_back foreign aws "not allowed" &&
	llm_falls_back foreign gcp "not allowed" &&
	llm_falls_back foreign azure "not allowed"
'

test_expect_success 'a literal password or a module from the model: refused' '
	llm_falls_back secret aws "literal password" &&
	llm_falls_back module gcp "module" &&
	! jq -r .hcl "$BODY" | grep -q "example.com"
'

test_expect_success 'a model answer over the budget: refused' '
	llm_falls_back costly aws "over the" 1000 &&
	expect_json ".cost <= 1000"
'

test_expect_success 'a model that does not answer in time: the rules answer within the limit' '
	start=$(date +%s%N) &&
	llm_falls_back slow azure "no answer within 1500 ms" &&
	elapsed=$((($(date +%s%N) - start) / 1000000)) &&
	test "$elapsed" -lt 4500
'

test_expect_success 'a model server error or a non-chat answer: the rules answer' '
	llm_falls_back error aws "HTTP 500" &&
	llm_falls_back notchat gcp "not a chat completion"
'

test_expect_success 'the model key never reaches the answer or the logs' '
	! grep -rq "$LLM_KEY" "$LLM_RUN"/*.log "$LLM_RUN"/*.out 2>/dev/null &&
	llm broken aws && ! grep -q "$LLM_KEY" "$BODY"
'

test_done
