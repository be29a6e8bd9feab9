# shellcheck shell=bash
# tests/http/fixtures.sh: what the HTTP suites share besides tests/lib.sh:
# the run tag, the id and time patterns, credential headers, and users and
# API keys made through stratusctl as an operator makes them. Source it after
# lib.sh, tools/stack.sh and $STACK/dev.env (stratusctl reads the stack's
# configuration from it):
#
#   FIX_DOMAIN=builds.test FIX_NAME=Builds . "$(dirname "$0")/fixtures.sh"
#
# FIX_DOMAIN  the e-mail domain of this suite's users (required)
# FIX_PREFIX  put before every tag in e-mails and login names ("gen-")
# FIX_LOGIN   put before every tag in login names only, instead of FIX_PREFIX
# FIX_NAME    the first word of the users' display names ("Test")
#
# The database persists across suites, so every name carries $RUN.
# shellcheck disable=SC2034
: "${FIX_DOMAIN:?FIX_DOMAIN must be set before sourcing fixtures.sh}"

RUN=${RUN:-$(date +%s)-$$-$RANDOM}
UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
TS_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$'

# hex N: N random lower-case hex digits.
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c "$1"; }

# Credential headers: key KEY, bearer TOKEN, basic USER PASSWORD.
key() { printf 'X-API-Key: %s' "$1"; }
bearer() { printf 'Authorization: Bearer %s' "$1"; }
basic() { printf 'Authorization: Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"; }

# email TAG / lname TAG / uid TAG: the e-mail, login name and id of TAG's user.
email() { printf '%s%s-%s@%s' "${FIX_PREFIX:-}" "$1" "$RUN" "$FIX_DOMAIN"; }
lname() { printf '%s%s-%s' "${FIX_LOGIN-${FIX_PREFIX:-}}" "$1" "$RUN"; }
uid() { stack_sql -N stratus -e "SELECT id FROM users WHERE email = '$(email "$1")'"; }

# user_create TAG ROLE [PASSWORD]: a user through stratusctl (a random
# password by default). mkuser is the same unless a suite wraps it.
user_create() {
	printf '%s\n' "${3:-Pw$(hex 12)-9!}" | "$STRATUSCTL" user create --email "$(email "$1")" \
		--username "$(lname "$1")" --name "${FIX_NAME:-Test} $1" --role "$2" --password-stdin >/dev/null
}
mkuser() { user_create "$@"; }

# newkey NAME TAG [stratusctl options]: prints a new API key of TAG's user.
newkey() {
	local name=$1 tag=$2
	shift 2
	"$STRATUSCTL" apikey create --name "$name" --user "$(email "$tag")" "$@"
}

# field_msg FIELD FRAGMENT: the 400 names FIELD with an error that says FRAGMENT.
field_msg() {
	jq -e --arg f "$1" --arg m "$2" 'any(.details.errors[]; .field == $f and (.message | contains($m)))' \
		"$BODY" >/dev/null || { echo "no error for $1 saying \"$2\": $(jq -c .details.errors "$BODY")"; return 1; }
}

# The error answers most suites expect (auth.sh adds stricter ones).
expect_401() { expect_error 401 Unauthorized UNAUTHORIZED; }
expect_403() { expect_error 403 Forbidden FORBIDDEN; }
expect_404() { expect_error 404 NotFound NOT_FOUND; }
expect_409() { expect_error 409 Conflict CONFLICT; }
