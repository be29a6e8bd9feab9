#!/usr/bin/env bash
# tests/http/resilience.sh: MariaDB stops and comes back during a run; the
# same responders report it and recover without a restart.
SUITE=http-resilience
. "$(dirname "$0")/../lib.sh"
. "$STACK_SRC/tools/stack.sh"

responders() { pgrep -f "^$STRATUS_BIN" | sort | tr '\n' ' '; }
before=$(responders)

test_expect_success 'the pool is up and ready' '
	test -n "$before" &&
	http GET /ready && expect_status 200
'

stack_db_stop

test_expect_success 'with MariaDB stopped /ready is 503 with database false' '
	http GET /ready &&
	expect_error 503 ServiceUnavailable SERVICE_UNAVAILABLE &&
	expect_json ".database == false and .overall == false" &&
	expect_header Retry-After "^[0-9]+$"
'

test_expect_success 'the 503 does not leak the server error text' '
	http GET /health/db &&
	expect_status 503 &&
	! grep -qi "socket\\|connect to\\|Access denied\\|127.0.0.1:'"$DB_PORT"'" "$BODY"
'

test_expect_success 'with MariaDB stopped /health still answers 200' '
	http GET /health && expect_status 200
'

test_expect_success 'with MariaDB stopped /status is unhealthy, not an error' '
	http GET /status &&
	expect_status 200 &&
	expect_json ".overall_status == \"unhealthy\" and ([.components[] | select(.name == \"database\" and .status == \"unhealthy\")] | length == 1)"
'

stack_db_start

test_expect_success 'after MariaDB restarts every request is ready again' '
	for i in $(seq 12); do
		http GET /ready && expect_status 200 || return 1
	done
'

test_expect_success 'the same responder processes served throughout' '
	test "$(responders)" = "$before"
'

test_done
