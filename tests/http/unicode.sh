#!/usr/bin/env bash
# tests/http/unicode.sh: non-ASCII text in every string parameter of every
# route of handlers/routes.c, over HTTP against the real stack (issue 14, item 4).
#
# One table below lists, per route, each path parameter, query parameter
# and body string field (routes without any get a stray query parameter,
# which they must ignore). Each row runs three times, with a Latin letter
# (é, 2 bytes), an emoji (😀, 4 bytes) and a mixed-script string (Greek,
# CJK, Latin and an emoji), as an admin unless the row says otherwise. Every
# answer must be below 500, valid UTF-8, and in the one error schema when it
# is a 4xx; a row may ask for more: a 2xx, a 4xx, or that the text is
# stored and returned byte for byte (in the answer, and in a later read).
#
# Rows marked KNOWN are 500s in handlers this suite does not own: they are
# reported as skipped (TAP "# SKIP") with the exact request, never hidden.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034,SC2153
SUITE=http-unicode
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# stratusctl reads the stack's configuration from it.
# shellcheck disable=SC1091
. "$STACK/dev.env"
FIX_DOMAIN=unicode.test FIX_PREFIX=uni- FIX_NAME=Unicode
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

ROUTES_C=$STACK_SRC/handlers/routes.c

# The three texts every string parameter gets.
V_LATIN='é'
V_EMOJI='😀'
V_MIXED='Ωμέγα-日本語-é-😀'
VALUES=(V_LATIN V_EMOJI V_MIXED)

# uri TEXT: percent-encoded, byte by byte (in bash: the suite runs 350 cases).
uri() {
	local LC_ALL=C s=$1 out= c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._~-]) out+=$c ;;
		*) printf -v c '%%%02X' "'$c" && out+=$c ;;
		esac
	done
	printf '%s' "$out"
}

# mkuser TAG ROLE: a user of this run; prints nothing.
mkkey() { newkey "uni-$1-$RUN" "$1"; }

# ------------------------------------------------------------------ fixtures

# Outside test bodies (which run in subshells): the values later rows need.
mkuser adm admin && ADM_KEY=$(mkkey adm)
mkuser prof readonly && PROF_KEY=$(mkkey prof)
mkuser victim readonly && VICTIM_KEY=$(mkkey victim)
ADM=$(key "$ADM_KEY")
USER_ID=$(stack_sql -N stratus -e "SELECT id FROM users WHERE email = 'uni-victim-$RUN@unicode.test'")
KEY_ID=$(stack_sql -N stratus -e "SELECT k.id FROM api_keys k JOIN users u ON u.id = k.user_id
	WHERE u.email = 'uni-victim-$RUN@unicode.test'")
BUILD_UUID=$(curl -s -H "$ADM" -H 'Content-Type: application/json' \
	--data-binary "$(jobj platform gcp os_version rhel-9.2 image_type base build_id "uni-$RUN")" \
	"$BASE_URL/builds" | jq -r .uuid)
RUN_ID=$(curl -s -H "$ADM" -H 'Content-Type: application/json' --data-binary '{"cloud_provider":"aws",
	"provider_config":{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345",
	"security_group_ids":["sg-12345"],"ami_id":"ami-12345"},"instance_name_prefix":"uni","count":1}' \
	"$BASE_URL/provision" | jq -r .request_id)

test_expect_success 'fixtures: an admin key, a profile user, a user, a key, a build, a run' '
	test -n "$ADM_KEY" && test -n "$PROF_KEY" && test -n "$VICTIM_KEY" &&
	test -n "$USER_ID" && test -n "$KEY_ID" &&
	[[ $BUILD_UUID =~ ^[0-9a-f-]{36}$ ]] && [[ $RUN_ID =~ ^[0-9a-f-]{36}$ ]] &&
	http GET /auth/me -H "$ADM" && expect_status 200 && json_is .role admin
'

# ------------------------------------------------------------------ the table

# method|path|kind|field|prefix|expect|body|then|who
#
# kind   path: the {field} of the path; query: ?field=; body: the jq path
#        field of the JSON body (KEY: a new key named with the text);
#        form: a form-encoded field
# prefix put before the text (a URL scheme, a sentence)
# expect any: below 500, error schema when 4xx (always checked); 2xx; 4xx;
#        keep:FILTER: 2xx, and FILTER of the answer is the text, byte for
#        byte (and the raw answer holds its UTF-8 bytes);
#        KNOWN:WHY: a 500 in a handler owned elsewhere: skipped, reported
# body   the JSON (or form) body sent (@RUN@ and @N@ make it unique); the
#        text is set into it
# then   "GET PATH FILTER": a read ({.x} in PATH is .x of the first
#        answer) whose answer must make FILTER true, with $v the text and
#        $first the first answer
# who    adm (default), prof (the profile user) or fresh (a new user)
#
# The fixtures fill the other path parameters: {uuid} a build, {id} a user,
# a key or a run, {request_id} the run, {platform} gcp.
table() {
	cat <<'EOT'
GET|/|query|x||2xx|||
GET|/health|query|x||2xx|||
GET|/health/db|query|x||2xx|||
GET|/ready|query|x||2xx|||
GET|/status|query|x||2xx|||
GET|/openapi.json|query|x||2xx|||
GET|/api/openapi.json|query|x||2xx|||
POST|/token|body|.username||4xx|{"username":"nobody-@RUN@","password":"Not-the-passw0rd"}||
POST|/token|body|.password||4xx|{"username":"nobody-@RUN@","password":"x"}||
POST|/token|form|username||4xx|username=x&password=Not-the-passw0rd||
POST|/token|form|password||4xx|username=nobody-@RUN@&password=x||
POST|/auth/register|body|.name||keep:.name|{"name":"x","email":"uni-r@N@-@RUN@@unicode.test","password":"Uni-Passw0rd!-long"}||
POST|/auth/register|body|.email||4xx|{"name":"x","email":"x","password":"Uni-Passw0rd!-long"}||
POST|/auth/register|body|.username||4xx|{"name":"x","email":"uni-ru@N@-@RUN@@unicode.test","password":"Uni-Passw0rd!-long"}||
POST|/auth/register|body|.password|Aa1!-long-enough-|2xx|{"name":"x","email":"uni-rp@N@-@RUN@@unicode.test","password":"x"}||
POST|/auth/login|body|.identifier||4xx|{"identifier":"x","password":"Not-the-passw0rd"}||
POST|/auth/login|body|.email||4xx|{"email":"x","password":"Not-the-passw0rd"}||
POST|/auth/login|body|.password||4xx|{"identifier":"uni-adm-@RUN@","password":"x"}||
POST|/auth/token|body|.refresh_token||4xx|{"refresh_token":"x"}||
GET|/auth/me|query|x||2xx|||
GET|/users/profile|query|x||2xx|||prof
PUT|/users/profile|body|.name||keep:.name|{"name":"x"}|GET /users/profile .name == $v|prof
PUT|/users/profile|body|.email||4xx|{"email":"x"}||prof
PUT|/users/profile|body|.password||4xx|{"password":"x","current_password":"Not-the-passw0rd-1"}||prof
PUT|/users/profile|body|.current_password||4xx|{"password":"Uni-Passw0rd!-long","current_password":"x"}||prof
DELETE|/users/profile|query|x||2xx|||fresh
GET|/users|query|role||4xx|||
GET|/users|query|status||4xx|||
GET|/users|query|limit||4xx|||
GET|/users|query|offset||4xx|||
POST|/users|body|.name||keep:.name|{"name":"x","email":"uni-u@N@-@RUN@@unicode.test","password":"Uni-Passw0rd!-long"}|GET /users/{.id} .name == $v|
POST|/users|body|.email||4xx|{"name":"x","email":"x","password":"Uni-Passw0rd!-long"}||
POST|/users|body|.role||4xx|{"name":"x","email":"uni-ur@N@-@RUN@@unicode.test","password":"Uni-Passw0rd!-long","role":"x"}||
POST|/users|body|.type||4xx|{"name":"x","email":"uni-ut@N@-@RUN@@unicode.test","password":"Uni-Passw0rd!-long","type":"x"}||
POST|/users|body|.username||4xx|{"name":"x","email":"uni-uu@N@-@RUN@@unicode.test","password":"Uni-Passw0rd!-long","username":"x"}||
POST|/users|body|.password||4xx|{"name":"x","email":"uni-up@N@-@RUN@@unicode.test","password":"x"}||
GET|/users/{id}|path|id||4xx|||
PATCH|/users/{id}|path|id||4xx|{"role":"readonly"}||
PATCH|/users/{id}|body|.role||4xx|{"role":"x"}||
PATCH|/users/{id}|body|.status||4xx|{"status":"x"}||
DELETE|/users/{id}|path|id||4xx|||
POST|/api-keys|body|.name||keep:.name|{"name":"x"}|GET /api-keys?limit=100 any(.items[]; .id == $first.id and .name == $v)|
POST|/api-keys|body|.scopes||keep:.scopes|{"name":"uni-scopes-@N@","scopes":"x"}||
POST|/api-keys|body|.role||4xx|{"name":"uni-role-@N@","role":"x"}||
GET|/api-keys|query|user_id||4xx|||
GET|/api-keys|query|limit||4xx|||
GET|/api-keys|query|offset||4xx|||
DELETE|/api-keys/{id}|path|id||4xx|||
GET|/audit|query|action||2xx|||
GET|/audit|query|limit||4xx|||
GET|/audit|query|offset||4xx|||
GET|/states|query|x||2xx|||
GET|/platforms|query|x||2xx|||
POST|/platforms|body|.name||4xx|{"name":"x"}||
POST|/platforms|body|.display_name||keep:.display_name|{"name":"zz-uni-@RUN@-@N@","display_name":"x"}|GET /platforms any(.items[]; .name == $first.name and .display_name == $v)|
POST|/platforms|body|.aliases[0]||4xx|{"name":"zz-uni-@RUN@-@N@","aliases":["x"]}||
GET|/os-versions|query|x||2xx|||
POST|/os-versions|body|.name||4xx|{"name":"x"}||
POST|/os-versions|body|.display_name||keep:.display_name|{"name":"zz-uni-@RUN@-@N@","display_name":"x"}|GET /os-versions any(.items[]; .name == $first.name and .display_name == $v)|
GET|/image-types|query|x||2xx|||
POST|/image-types|body|.name||4xx|{"name":"x"}||
POST|/image-types|body|.display_name||keep:.display_name|{"name":"zz-uni-@RUN@-@N@","display_name":"x"}|GET /image-types any(.items[]; .name == $first.name and .display_name == $v)|
POST|/builds|body|.platform||4xx|{"platform":"gcp","os_version":"rhel-9.2","image_type":"base","build_id":"uni-@RUN@-@N@"}||
POST|/builds|body|.os_version||4xx|{"platform":"gcp","os_version":"rhel-9.2","image_type":"base","build_id":"uni-@RUN@-@N@"}||
POST|/builds|body|.image_type||4xx|{"platform":"gcp","os_version":"rhel-9.2","image_type":"base","build_id":"uni-@RUN@-@N@"}||
POST|/builds|body|.build_id||4xx|{"platform":"gcp","os_version":"rhel-9.2","image_type":"base","build_id":"x"}||
POST|/builds|body|.pipeline_url|https://ci.example/|keep:.pipeline_url|{"platform":"gcp","os_version":"rhel-9.2","image_type":"base","build_id":"uni-@RUN@-@N@"}|GET /builds/{.uuid} .pipeline_url == $v|
POST|/builds|body|.commit_hash||4xx|{"platform":"gcp","os_version":"rhel-9.2","image_type":"base","build_id":"uni-@RUN@-@N@"}||
GET|/builds|query|platform||4xx|||
GET|/builds|query|os_version||4xx|||
GET|/builds|query|image_type||4xx|||
GET|/builds|query|state||4xx|||
GET|/builds|query|since||4xx|||
GET|/builds|query|until||4xx|||
GET|/builds|query|build_id||4xx|||
GET|/builds|query|limit||4xx|||
GET|/builds|query|offset||4xx|||
GET|/builds/{uuid}|path|uuid||4xx|||
GET|/builds/{uuid}/state|path|uuid||4xx|||
POST|/builds/{uuid}/state|path|uuid||4xx|{"state_code":10}||
POST|/builds/{uuid}/state|body|.message||keep:.message|{"state_code":10}|GET /builds/{.uuid} .message == $v and .states[-1].message == $v|
POST|/builds/{uuid}/failure|path|uuid||4xx|{"error_message":"x","terminal":false}||
POST|/builds/{uuid}/failure|body|.error_message||keep:.error_message|{"error_message":"x","terminal":false}|GET /builds/{.uuid} .failures[-1].error_message == $v|
POST|/builds/{uuid}/failure|body|.error_code||keep:.error_code|{"error_message":"x","terminal":false}|GET /builds/{.uuid} .failures[-1].error_code == $v|
POST|/builds/{uuid}/failure|body|.component||keep:.component|{"error_message":"x","terminal":false}|GET /builds/{.uuid} .failures[-1].component == $v|
POST|/builds/{uuid}/failure|body|.details.note||keep:.details.note|{"error_message":"x","terminal":false,"details":{}}|GET /builds/{.uuid} .failures[-1].details.note == $v|
POST|/builds/{uuid}/failure|body|.details|KEY|keep:.details|{"error_message":"x","terminal":false,"details":{}}||
POST|/builds/{uuid}/heartbeat|path|uuid||4xx|||
GET|/dashboard/summary|query|x||2xx|||
GET|/dashboard/recent|query|limit||4xx|||
GET|/dashboard/platform/{platform}|path|platform||4xx|||
POST|/generate|body|.projectName||4xx|{"projectName":"x","requirements":"A web application with a database","budget":500,"cloudProvider":"aws"}||
POST|/generate|body|.requirements|A web application with a database for |2xx|{"projectName":"uni","requirements":"x","budget":500,"cloudProvider":"aws"}||
POST|/generate|body|.cloudProvider||4xx|{"projectName":"uni","requirements":"A web application with a database","budget":500,"cloudProvider":"x"}||
POST|/provision|body|.cloud_provider||4xx|{"cloud_provider":"aws","provider_config":{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345","security_group_ids":["sg-12345"],"ami_id":"ami-12345"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.provider_config.region||4xx|{"cloud_provider":"aws","provider_config":{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345","security_group_ids":["sg-12345"],"ami_id":"ami-12345"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.provider_config.instance_type||4xx|{"cloud_provider":"aws","provider_config":{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345","security_group_ids":["sg-12345"],"ami_id":"ami-12345"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.provider_config.subnet_id|subnet-|4xx|{"cloud_provider":"aws","provider_config":{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345","security_group_ids":["sg-12345"],"ami_id":"ami-12345"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.provider_config.security_group_ids[0]|sg-|4xx|{"cloud_provider":"aws","provider_config":{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345","security_group_ids":["sg-12345"],"ami_id":"ami-12345"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.provider_config.ami_id|ami-|4xx|{"cloud_provider":"aws","provider_config":{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345","security_group_ids":["sg-12345"],"ami_id":"ami-12345"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.provider_config.compartment_id|ocid1.compartment.|4xx|{"cloud_provider":"oci","provider_config":{"region":"us-ashburn-1","compartment_id":"ocid1.compartment.oc1..a","availability_domain":"AD-1","shape":"VM.Standard2.1","image_id":"ocid1.image.oc1..a","subnet_id":"ocid1.subnet.oc1..a"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.provider_config.availability_domain||4xx|{"cloud_provider":"oci","provider_config":{"region":"us-ashburn-1","compartment_id":"ocid1.compartment.oc1..a","availability_domain":"AD-1","shape":"VM.Standard2.1","image_id":"ocid1.image.oc1..a","subnet_id":"ocid1.subnet.oc1..a"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.provider_config.shape||4xx|{"cloud_provider":"oci","provider_config":{"region":"us-ashburn-1","compartment_id":"ocid1.compartment.oc1..a","availability_domain":"AD-1","shape":"VM.Standard2.1","image_id":"ocid1.image.oc1..a","subnet_id":"ocid1.subnet.oc1..a"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.provider_config.image_id|ocid1.image.|4xx|{"cloud_provider":"oci","provider_config":{"region":"us-ashburn-1","compartment_id":"ocid1.compartment.oc1..a","availability_domain":"AD-1","shape":"VM.Standard2.1","image_id":"ocid1.image.oc1..a","subnet_id":"ocid1.subnet.oc1..a"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.instance_name_prefix||4xx|{"cloud_provider":"aws","provider_config":{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345","security_group_ids":["sg-12345"],"ami_id":"ami-12345"},"instance_name_prefix":"uni","count":1}||
POST|/provision|body|.callback_url|https://hooks.example/|4xx|{"cloud_provider":"aws","provider_config":{"region":"us-east-2","instance_type":"t2.micro","subnet_id":"subnet-12345","security_group_ids":["sg-12345"],"ami_id":"ami-12345"},"instance_name_prefix":"uni","count":0}||
GET|/provision|query|status||4xx|||
GET|/provision|query|limit||4xx|||
GET|/provision|query|offset||4xx|||
POST|/provision/{request_id}/destroy|path|request_id||4xx|||
GET|/status/{request_id}|path|request_id||4xx|||
GET|/debug/projects/{project}|path|project||4xx|||
GET|/runs|query|kind||4xx|||
GET|/runs|query|status||4xx|||
GET|/runs|query|created_by||2xx|||
GET|/runs|query|limit||4xx|||
GET|/runs|query|offset||4xx|||
GET|/runs/{id}|path|id||4xx|||
GET|/runs/{id}/events|path|id||4xx|||
GET|/runs/{id}/events|query|after||4xx|||
GET|/runs/{id}/events|query|level||4xx|||
GET|/runs/{id}/events|query|limit||4xx|||
POST|/runs/{id}/cancel|path|id||4xx|||
POST|/debug/echo|body|.text||keep:.received.text|{"text":"x"}||
POST|/debug/echo|body|.|KEY|keep:.received|{"a":1}||
EOT
}

# ------------------------------------------------------------------ one case

# fill PATH: the fixtures in the path parameters that remain.
fill() {
	local p=$1
	case $p in
	/users/*) p=${p//\{id\}/$USER_ID} ;;
	/api-keys/*) p=${p//\{id\}/$KEY_ID} ;;
	/runs/*) p=${p//\{id\}/$RUN_ID} ;;
	esac
	p=${p//\{uuid\}/$BUILD_UUID}
	p=${p//\{request_id\}/$RUN_ID}
	p=${p//\{platform\}/gcp}
	printf '%s' "$p"
}

# key_for WHO: the X-API-Key header of that caller (fresh: a new user).
key_for() {
	case ${1:-adm} in
	adm) key "$ADM_KEY" ;;
	prof) key "$PROF_KEY" ;;
	fresh)
		local t=fresh-$RANDOM$RANDOM
		mkuser "$t" readonly && key "$(mkkey "$t")"
		;;
	esac
}

# unicode_case N METHOD PATH KIND FIELD PREFIX EXPECT BODY THEN WHO TEXT
unicode_case() {
	local n=$1 method=$2 path=$3 kind=$4 field=$5 pre=$6 expect=$7 body=$8 then=$9
	local who=${10} v=${6}${11} hdr enc ctype=application/json try
	hdr=$(key_for "$who") || { echo "no key for $who"; return 1; }
	body=${body//@RUN@/$RUN}
	body=${body//@N@/$n}
	enc=$(uri "$v")
	case $kind in
	path) path=${path//\{$field\}/$enc} ;;
	query) path="$path?$field=$enc" ;;
	body)
		if [ "$pre" = KEY ]; then
			v=${11}
			body=$(jq -c --arg v "$v" "$field += {(\$v): \"key\"}" <<<"$body")
		else
			body=$(jq -c --arg v "$v" "$field = \$v" <<<"$body")
		fi
		;;
	form)
		ctype=application/x-www-form-urlencoded
		body=$(printf '%s' "$body" | sed "s/\(^\|&\)$field=[^&]*/\1$field=$(printf '%s' "$enc" | sed 's/[&/\]/\\&/g')/")
		;;
	esac
	path=$(fill "$path")
	# The auth routes' own limits (5 a window per address) are not under
	# test here: a 429 waits for its Retry-After and tries again.
	for try in 1 2 3 4; do
		if [ -n "$body" ]; then
			http "$method" "$path" -H "$hdr" -H "Content-Type: $ctype" --data-binary "$body"
		elif [ "$method" = GET ]; then
			http GET "$path" -H "$hdr"
		else
			http "$method" "$path" -H "$hdr" --data-binary ''
		fi
		[ "$STATUS" = 429 ] || break
		sleep "$(header Retry-After | grep -E '^[0-9]{1,2}$' || echo 2)"
	done
	# Never a 5xx; always UTF-8; a 4xx is the one error schema.
	case $STATUS in
	[1-4][0-9][0-9]) ;;
	*) echo "$method $path answered ${STATUS:-nothing}"; return 1 ;;
	esac
	iconv -f UTF-8 -t UTF-8 "$BODY" >/dev/null 2>&1 ||
		{ echo "the answer is not UTF-8"; return 1; }
	if [ "${STATUS:0:1}" = 4 ]; then
		jq -e --argjson s "$STATUS" '(.error_code | type == "string" and length > 0)
			and .status_code == $s and (.message | type == "string")' "$BODY" >/dev/null ||
			{ echo "$STATUS without the error schema"; return 1; }
	fi
	case $expect in
	2xx) [ "${STATUS:0:1}" = 2 ] || { echo "expected a 2xx, got $STATUS"; return 1; } ;;
	4xx) [ "${STATUS:0:1}" = 4 ] || { echo "expected a 4xx, got $STATUS"; return 1; } ;;
	keep:*)
		local f=${expect#keep:}
		[ "${STATUS:0:1}" = 2 ] || { echo "expected a 2xx, got $STATUS"; return 1; }
		if [ "$pre" = KEY ]; then
			jq -e --arg v "$v" "$f | has(\$v)" "$BODY" >/dev/null ||
				{ echo "no key $v in $f: $(jq -c "$f" "$BODY")"; return 1; }
		else
			jq -e --arg v "$v" "$f == \$v" "$BODY" >/dev/null ||
				{ echo "$f is $(jq -c "$f" "$BODY"), sent $(jq -cn --arg v "$v" '$v')"; return 1; }
		fi
		# Byte for byte: the answer holds the text's own UTF-8, not another spelling.
		grep -qF -- "$v" "$BODY" || { echo "the answer lacks the bytes of $v"; return 1; }
		;;
	esac
	if [ -n "$then" ]; then
		local rest=${then#GET } gpath filter e
		gpath=${rest%% *} filter=${rest#* }
		cp "$BODY" "$TEST_TMP/first"
		while [[ $gpath =~ \{(\.[a-z_]+)\} ]]; do
			e=$(jq -r "${BASH_REMATCH[1]}" "$TEST_TMP/first")
			gpath=${gpath//"${BASH_REMATCH[0]}"/$e}
		done
		http GET "$gpath" -H "$hdr" && expect_status 200 &&
			iconv -f UTF-8 -t UTF-8 "$BODY" >/dev/null 2>&1 &&
			jq -e --arg v "$v" --slurpfile first "$TEST_TMP/first" \
				"\$first[0] as \$first | $filter" "$BODY" >/dev/null ||
			{ echo "GET $gpath: $filter is false"; return 1; }
	fi
}

# test_skip DESCRIPTION REASON: a case not run, reported as TAP's SKIP.
test_skip() {
	test_count=$((test_count + 1))
	printf 'ok %d - %s # SKIP %s\n' "$test_count" "$1" "$2"
}

# ------------------------------------------------------------------ the run

test_expect_success 'the table names every route of handlers/routes.c' '
	table >"$TEST_TMP/table" &&
	sed -n "s/^[[:space:]]*ROUTE(\([A-Z]*\), \"\([^\"]*\)\".*/\1|\2/p" "$ROUTES_C" >"$TEST_TMP/routes" &&
	test "$(wc -l <"$TEST_TMP/routes")" -gt 40 &&
	missing=$(while read -r r; do grep -qF "$r|" "$TEST_TMP/table" || echo "$r"; done <"$TEST_TMP/routes") &&
	{ [ -z "$missing" ] || { echo "routes without a row: $missing"; exit 1; }; }
'

CASES=0
while IFS='|' read -r method path kind field pre expect body then who; do
	[ -n "$method" ] || continue
	for name in "${VALUES[@]}"; do
		CASES=$((CASES + 1))
		v=${!name}
		what="$method $path $kind $field${pre:+ ($pre...)} = $v"
		case $expect in
		KNOWN:*)
			test_skip "$what" "KNOWN: ${expect#KNOWN:}"
			continue
			;;
		esac
		test_expect_success "$what" \
			"unicode_case $CASES $(printf '%q ' "$method" "$path" "$kind" "$field" "$pre" \
				"$expect" "$body" "$then" "${who:-adm}" "$v")"
	done
done < <(table)
say "$CASES cases from $(table | grep -c .) rows"

# ------------------------------------------------------------------ echoes

# Messages echo at most so many bytes of a path: the cut must fall between
# characters (fcgi/response.c, util_clean), whatever the path holds.
for p in "/nowhere/$(printf '%%C3%%A9%.0s' $(seq 100))" \
	"/dashboard/platform/a$(printf '%%F0%%9F%%98%%80%.0s' $(seq 40))" \
	"/users/ab$(printf '%%E6%%97%%A5%.0s' $(seq 40))" \
	"/runs/a$(printf '%%C3%%A9%.0s' $(seq 100))/events"; do
	test_expect_success "a 404 echoing a long non-ASCII path is valid UTF-8: ${p:0:40}..." '
		http GET "'"$p"'" -H "$ADM" && expect_error 404 NotFound NOT_FOUND &&
		iconv -f UTF-8 -t UTF-8 "$BODY" >/dev/null &&
		jq -e ".message | test(\"\\ufffd|[?]\") | not" "$BODY" >/dev/null
	'
done

test_expect_success 'after all that the responders still answer' '
	for i in 1 2 3 4; do
		http GET /health && expect_status 200 || exit 1
	done
'

test_done
