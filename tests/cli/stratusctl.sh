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

test_expect_success 'check-config warns about keys in the environment' '
	API_KEYS=a,b ctl check-config &&
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

stack_sql -e "DROP DATABASE stratus_ctl"
test_done
