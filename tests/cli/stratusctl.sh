#!/usr/bin/env bash
# tests/cli/stratusctl.sh: stratusctl version, check-config and migrate
# against a database of its own on the test MariaDB.
SUITE=stratusctl
BASE_URL=unused
. "$(dirname "$0")/../lib.sh"
. "$STACK_SRC/tools/stack.sh"

pw=$(cat "$STACK/db.password")
stack_sql -e "DROP DATABASE IF EXISTS stratus_ctl; CREATE DATABASE stratus_ctl;
	GRANT ALL PRIVILEGES ON stratus_ctl.* TO 'stratus'@'127.0.0.1';"
export DATABASE_URL="mysql://stratus:$pw@127.0.0.1:$DB_PORT/stratus_ctl"
export STRATUS_SCHEMA_DIR=$STACK_SRC/schema
unset STRATUS_CONFIG
ctl() { "$STRATUSCTL" "$@" >"$TEST_TMP/out" 2>&1; }
applied() { stack_sql -N stratus_ctl -e "SELECT COUNT(*) FROM schema_migrations"; }

test_expect_success 'version prints the package version' '
	ctl version && grep -Eq "^stratusctl [0-9]+\.[0-9]+\.[0-9]+$" "$TEST_TMP/out"
'

test_expect_success 'an unknown command is refused with usage and status 2' '
	! ctl frobnicate && test "$(ctl frobnicate; echo $?)" = 2 &&
	grep -q "usage: stratusctl" "$TEST_TMP/out"
'

test_expect_success 'every command answers --help with its usage on stdout and status 0' '
	for c in "" migrate check-config version "user create" "user set-role" \
		"apikey create" "apikey list" "apikey revoke" seed-dev; do
		# shellcheck disable=SC2086 # the words of $c are the command
		"$STRATUSCTL" $c --help >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
			{ echo "stratusctl $c --help exited $?"; exit 1; }
		grep -q "^usage: stratusctl" "$TEST_TMP/out" && test ! -s "$TEST_TMP/err" || exit 1
	done &&
	"$STRATUSCTL" help | grep -q "^  seed-dev " &&
	test -z "$(stack_sql -N stratus_ctl -e "SHOW TABLES")"
'

test_expect_success 'check-config passes, reaches the database and hides the password' '
	ctl check-config &&
	grep -q "database reachable: 10\." "$TEST_TMP/out" &&
	! grep -q "$pw" "$TEST_TMP/out"
'

test_expect_success 'check-config fails clearly on a bad DATABASE_URL' '
	! DATABASE_URL=mysql://nobody@127.0.0.1:1/x ctl check-config &&
	grep -q "FAIL database not reachable" "$TEST_TMP/out" &&
	! DATABASE_URL=http://x ctl check-config &&
	grep -q "configuration error: DATABASE_URL must start with mysql://" "$TEST_TMP/out"
'

test_expect_success 'check-config names every refused value at once, from the settings table' '
	test "$(ENVIRONMENT=prod STRATUS_RETRY_BACKOFF=yes STRATUS_WORKDIR=runs ctl check-config; echo $?)" = 1 &&
	grep -q "^FAIL ENVIRONMENT must be production, staging or development$" "$TEST_TMP/out" &&
	grep -q "^FAIL STRATUS_RETRY_BACKOFF must be 1/0/true/false$" "$TEST_TMP/out" &&
	grep -q "^FAIL STRATUS_WORKDIR must be an absolute path$" "$TEST_TMP/out" &&
	grep -q "configuration error: ENVIRONMENT must be production" "$TEST_TMP/out" &&
	! grep -q "database reachable" "$TEST_TMP/out"
'

test_expect_success 'check-config warns about keys in the environment' '
	API_KEYS=first-env-key-123,second-env-key-456 ctl check-config &&
	grep -q "^warn API keys from the environment" "$TEST_TMP/out"
'

test_expect_success 'migrate --dry-run lists what is pending and changes nothing' '
	ctl migrate --dry-run &&
	grep -q "^pending 001_init.sql" "$TEST_TMP/out" &&
	test -z "$(stack_sql -N stratus_ctl -e "SHOW TABLES")"
'

test_expect_success 'migrate applies every file and records its checksum' '
	ctl migrate &&
	grep -q "^applied 001_init.sql" "$TEST_TMP/out" &&
	test "$(applied)" -eq "$(ls "$STRATUS_SCHEMA_DIR"/[0-9][0-9][0-9]_*.sql | wc -l)" &&
	test "$(stack_sql -N stratus_ctl -e "SELECT checksum FROM schema_migrations WHERE version = \"001_init.sql\"")" = "$(sha256sum "$STRATUS_SCHEMA_DIR/001_init.sql" | cut -d" " -f1)"
'

test_expect_success 'migrate again is a no-op' '
	n=$(applied) && ctl migrate &&
	grep -q "up to date" "$TEST_TMP/out" && test "$(applied)" -eq "$n"
'

test_expect_success 'two migrates at once apply a new file exactly once' '
	cp -r "$STRATUS_SCHEMA_DIR" "$TEST_TMP/schema" &&
	printf "CREATE TABLE t_once (id INT PRIMARY KEY) ENGINE=InnoDB;\nDO SLEEP(1);\n" >"$TEST_TMP/schema/900_once.sql" &&
	{ "$STRATUSCTL" migrate --dir "$TEST_TMP/schema" >"$TEST_TMP/a" 2>&1 & } &&
	"$STRATUSCTL" migrate --dir "$TEST_TMP/schema" >"$TEST_TMP/b" 2>&1 && wait &&
	test "$(cat "$TEST_TMP/a" "$TEST_TMP/b" | grep -c "^applied 900_once.sql")" -eq 1 &&
	test "$(stack_sql -N stratus_ctl -e "SELECT COUNT(*) FROM schema_migrations WHERE version = \"900_once.sql\"")" -eq 1
'

test_expect_success 'a failing migration is reported and not recorded' '
	printf "INSERT INTO no_such_table VALUES (1);\n" >"$TEST_TMP/schema/901_broken.sql" &&
	! "$STRATUSCTL" migrate --dir "$TEST_TMP/schema" >"$TEST_TMP/out" 2>&1 &&
	grep -q "901_broken.sql: .*no_such_table" "$TEST_TMP/out" &&
	test "$(stack_sql -N stratus_ctl -e "SELECT COUNT(*) FROM schema_migrations WHERE version = \"901_broken.sql\"")" -eq 0 &&
	rm "$TEST_TMP/schema/901_broken.sql"
'

test_expect_success 'a migration changed after it was applied is refused' '
	printf "\n-- edited\n" >>"$TEST_TMP/schema/001_init.sql" &&
	! "$STRATUSCTL" migrate --dir "$TEST_TMP/schema" >"$TEST_TMP/out" 2>&1 &&
	grep -q "001_init.sql was changed after it was applied" "$TEST_TMP/out"
'

test_expect_success 'a database ahead of the schema directory is refused' '
	! ctl migrate &&
	grep -q "has migration 900_once.sql, which the schema directory lacks" "$TEST_TMP/out"
'

test_expect_success 'two files with one number are refused' '
	mkdir "$TEST_TMP/dup" && cp "$STRATUS_SCHEMA_DIR/001_init.sql" "$TEST_TMP/dup/" &&
	cp "$STRATUS_SCHEMA_DIR/001_init.sql" "$TEST_TMP/dup/001_again.sql" &&
	! "$STRATUSCTL" migrate --dir "$TEST_TMP/dup" >"$TEST_TMP/out" 2>&1 &&
	grep -q "share the number 001" "$TEST_TMP/out"
'

test_expect_success 'migrate says why when the database is unreachable' '
	! DATABASE_URL=mysql://stratus:x@127.0.0.1:1/stratus_ctl ctl migrate &&
	grep -q "stratusctl migrate: connect: " "$TEST_TMP/out"
'

# ------------------------------------------------------------ users and keys
test_expect_success 'user create reads the password from stdin and checks the policy' '
	! echo "short" | "$STRATUSCTL" user create --email weak@example.com --name W --password-stdin >"$TEST_TMP/out" 2>&1 &&
	grep -q "password must be at least 12 characters" "$TEST_TMP/out" &&
	echo "Str0ng-Passw0rd!" | ctl user create --email ops@example.com --name Ops --role developer --password-stdin &&
	grep -q "created user [0-9]* ops@example.com (developer)" "$TEST_TMP/out" &&
	h=$(stack_sql -N stratus_ctl -e "SELECT password_hash FROM users WHERE email = \"ops@example.com\"") &&
	case $h in \$argon2id\$*) ;; *) false ;; esac
'

test_expect_success 'user create refuses a duplicate email, any case' '
	! echo "Str0ng-Passw0rd!" | "$STRATUSCTL" user create --email OPS@example.com --name Ops --password-stdin >"$TEST_TMP/out" 2>&1 &&
	grep -q "exists" "$TEST_TMP/out"
'

test_expect_success 'user set-role changes the role' '
	ctl user set-role --email ops@example.com --role admin &&
	test "$(stack_sql -N stratus_ctl -e "SELECT role FROM users WHERE email = \"ops@example.com\"")" = admin
'

test_expect_success 'apikey create prints only a well-formed key and stores only its hash' '
	"$STRATUSCTL" apikey create --name ci --user ops@example.com --role developer --expires-days 30 >"$TEST_TMP/key" &&
	test "$(wc -l <"$TEST_TMP/key")" -eq 1 &&
	grep -Eq "^stk_[A-Za-z0-9]{46}$" "$TEST_TMP/key" &&
	key=$(cat "$TEST_TMP/key") &&
	test -z "$(stack_sql -N stratus_ctl -e "SELECT id FROM api_keys WHERE key_hash = \"$key\" OR display_prefix = \"$key\"")" &&
	test "$(stack_sql -N stratus_ctl -e "SELECT display_prefix FROM api_keys WHERE name = \"ci\"")" = "${key:0:10}" &&
	! stack_sql -N stratus_ctl -e "SELECT * FROM api_keys" | grep -qF "$key"
'

test_expect_success 'apikey create refuses a role above the owner and an unknown owner' '
	echo "Str0ng-Passw0rd!" | ctl user create --email ro@example.com --name RO --password-stdin &&
	! "$STRATUSCTL" apikey create --name x --user ro@example.com --role admin >"$TEST_TMP/out" 2>&1 &&
	grep -q "cannot exceed" "$TEST_TMP/out" &&
	! "$STRATUSCTL" apikey create --name x --user nobody@example.com >"$TEST_TMP/out" 2>&1 &&
	grep -q "no such user" "$TEST_TMP/out"
'

test_expect_success 'apikey list shows keys without secrets; revoke revokes once' '
	ctl apikey list --user ops@example.com &&
	grep -q "ci" "$TEST_TMP/out" && ! grep -qF "$(cat "$TEST_TMP/key")" "$TEST_TMP/out" &&
	id=$(cut -f1 "$TEST_TMP/out" | head -1) &&
	ctl apikey revoke "$id" && grep -q "revoked key $id" "$TEST_TMP/out" &&
	! ctl apikey revoke "$id" &&
	ctl apikey list --user ops@example.com && grep -q "revoked" "$TEST_TMP/out"
'

test_expect_success 'the commands left an audit trail' '
	test "$(stack_sql -N stratus_ctl -e "SELECT COUNT(*) FROM audit_log WHERE principal = \"stratusctl\" AND action IN (\"user.created\", \"user.role_changed\", \"apikey.created\", \"apikey.revoked\")")" -ge 4
'

test_expect_success 'settings prints the table; the README settings table is its --markdown output' '
	ctl settings && grep -q "^STRATUS_RATE_WINDOW  *integer  *default 60; allowed: 1-3600$" "$TEST_TMP/out" &&
	"$STRATUSCTL" settings --markdown >"$TEST_TMP/table" &&
	grep -q "^| \`STRATUS_MAX_BODY\` | integer | 1048576 | 1024-268435456 | " "$TEST_TMP/table" &&
	sed -n "/^<!-- settings: /,/^<!-- end of settings -->/p" "$STACK_SRC/README.md" |
		sed "1d;\$d" >"$TEST_TMP/readme" &&
	test -s "$TEST_TMP/readme" &&
	{ diff -u "$TEST_TMP/readme" "$TEST_TMP/table" ||
		{ echo "README settings differ: paste stratusctl settings --markdown"; exit 1; }; } &&
	! ctl settings --html && test "$(ctl settings --html; echo $?)" = 2
'

test_expect_success 'check-config --list shows values and sources, never a secret' '
	(unset STRATUS_MAX_KEYS_PER_USER && STRATUS_RATE_WINDOW=7 ctl check-config --list) &&
	grep -q "^STRATUS_RATE_WINDOW  *7 (from the environment)$" "$TEST_TMP/out" &&
	grep -q "^STRATUS_MAX_KEYS_PER_USER  *(default)$" "$TEST_TMP/out" &&
	grep -q "^JWT_SECRET_KEY  *(set, hidden; from the environment)$" "$TEST_TMP/out" &&
	! grep -qF "$JWT_SECRET_KEY" "$TEST_TMP/out" && ! grep -qF "$pw" "$TEST_TMP/out" &&
	test "$(grep -c "^[A-Z]" "$TEST_TMP/out")" = "$("$STRATUSCTL" settings --markdown | grep -c "^| \`")"
'

test_expect_success 'check-config refuses an unknown STRATUS_ name in the file with status 2' '
	printf "STRATUS_RATE_WINDWO=5\nSTRATUS_JWKS_TTL=60\n" >"$TEST_TMP/typo.env" &&
	test "$(STRATUS_CONFIG=$TEST_TMP/typo.env ctl check-config; echo $?)" = 2 &&
	grep -q "^FAIL STRATUS_RATE_WINDWO in the configuration file is not a setting" "$TEST_TMP/out" &&
	! grep -q "STRATUS_JWKS_TTL" "$TEST_TMP/out" &&
	printf "STRATUS_MAX_KEYS_PER_USER=7\nAWS_REGION=eu-west-1\n" >"$TEST_TMP/ok.env" &&
	(unset STRATUS_MAX_KEYS_PER_USER && export STRATUS_CONFIG=$TEST_TMP/ok.env &&
		ctl check-config && ctl check-config --list) &&
	grep -q "^STRATUS_MAX_KEYS_PER_USER  *7 (from the file)$" "$TEST_TMP/out"
'

stack_sql -e "DROP DATABASE stratus_ctl"
test_done
