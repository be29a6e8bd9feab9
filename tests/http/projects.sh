#!/usr/bin/env bash
# tests/http/projects.sh: project-scoped routes (F_PROJECT, fcgi/project.c)
# through GET /debug/projects/{project}, which answers with what the
# pipeline resolved. Projects and members are seeded by SQL (no endpoint
# creates them yet); the callers are users with API keys from stratusctl.
# shellcheck disable=SC2016,SC2034
SUITE=http-projects
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tools/stack.sh
. "$STACK_SRC/tools/stack.sh"
# shellcheck disable=SC1091
. "$STACK/dev.env"

FIX_DOMAIN=projects.test FIX_NAME=Projects
# shellcheck source=tests/http/fixtures.sh
. "$(dirname "$0")/fixtures.sh"

SLUG=p-$(printf '%s' "$RUN" | tr -dc '0-9-' | tail -c 40)
OTHER=$SLUG-o

# mkuser TAG ROLE: a user (fixtures.sh), and prints a new API key of it.
mkuser() { user_create "$1" "$2" && newkey "projects-$1" "$1"; }

test_expect_success 'seed: users, keys, two projects and their members' '
	K_DEV=$(mkuser dev developer) && K_RO=$(mkuser ro readonly) && K_OUT=$(mkuser out developer) &&
	test -n "$K_DEV" && test -n "$K_RO" && test -n "$K_OUT" &&
	stack_sql stratus -e "
		INSERT INTO projects (slug, name, created_at) VALUES
			(\"$SLUG\", \"Projects test\", UTC_TIMESTAMP(6)), (\"$OTHER\", \"Other\", UTC_TIMESTAMP(6));
		INSERT INTO project_members (project_id, user_id, role, created_at)
			SELECT p.id, $(uid dev), \"developer\", UTC_TIMESTAMP(6) FROM projects p WHERE p.slug = \"$SLUG\";
		INSERT INTO project_members (project_id, user_id, role, created_at)
			SELECT p.id, $(uid ro), \"readonly\", UTC_TIMESTAMP(6) FROM projects p WHERE p.slug = \"$SLUG\";
		INSERT INTO project_members (project_id, user_id, role, created_at)
			SELECT p.id, $(uid out), \"admin\", UTC_TIMESTAMP(6) FROM projects p WHERE p.slug = \"$OTHER\";" &&
	PID=$(stack_sql -N stratus -e "SELECT id FROM projects WHERE slug = \"$SLUG\"") &&
	test -n "$PID" &&
	put K_DEV "$K_DEV" && put K_RO "$K_RO" && put K_OUT "$K_OUT" && put PID "$PID"
'

test_expect_success 'a member gets the project and the role they hold in it' '
	http GET "/debug/projects/$SLUG" -H "$(key "$(get K_DEV)")" &&
	expect_status 200 &&
	expect_json ".project == \"$SLUG\" and .project_id == $(get PID) and .role == \"developer\""
'

test_expect_success 'a readonly member gets readonly' '
	http GET "/debug/projects/$SLUG" -H "$(key "$(get K_RO)")" &&
	expect_status 200 &&
	expect_json ".project_id == $(get PID) and .role == \"readonly\""
'

test_expect_success 'a member of another project gets 404, as for an unknown one' '
	http GET "/debug/projects/$SLUG" -H "$(key "$(get K_OUT)")" &&
	expect_status 404 &&
	cp "$BODY" "$TEST_TMP/stranger.json" &&
	http GET "/debug/projects/nope-$SLUG" -H "$(key "$(get K_DEV)")" &&
	expect_status 404 &&
	jq -e --slurpfile a "$TEST_TMP/stranger.json" ".message == \$a[0].message and .error == \$a[0].error" "$BODY" >/dev/null
'

test_expect_success 'a malformed project name is 404 too' '
	http GET "/debug/projects/Not%20A%20Slug" -H "$(key "$(get K_DEV)")" &&
	expect_status 404
'

test_expect_success 'no credentials: 401 before anything about the project' '
	http GET "/debug/projects/$SLUG" &&
	expect_status 401 &&
	http GET "/debug/projects/nope-$SLUG" &&
	expect_status 401
'

test_expect_success 'the member of the other project sees it there' '
	http GET "/debug/projects/$OTHER" -H "$(key "$(get K_OUT)")" &&
	expect_status 200 &&
	expect_json ".role == \"developer\""
'

test_done
