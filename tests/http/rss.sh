#!/usr/bin/env bash
# tests/http/rss.sh: a long-lived responder does not grow: its RSS after
# 100,000 requests stays within 1 MiB of its RSS after 1,000. One responder
# (so every request lands on it), the optimised build without sanitizers
# (ASan's quarantine would be measured instead), behind its own lighttpd.
SUITE=http-rss
BASE_URL=unused
. "$(dirname "$0")/../lib.sh"
. "$STACK_SRC/tools/stack.sh"

RUNDIR=$WORK/rss DOCROOT=$WORK/rss/www PREFIX= PROCS=1 STRATUS_BIN=$STRATUS_PLAIN_BIN
HTTP_PORT=$(stack_free_port $((HTTP_PORT + 50)))
trap 'stack_lighttpd_stop; rm -rf "$TEST_TMP"' EXIT
stack_lighttpd_start
url=http://127.0.0.1:$HTTP_PORT
printf '{"a":[1,2,3],"b":"%s"}' "$(head -c 2000 /dev/zero | tr '\0' y)" >"$TEST_TMP/post.json"

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$(pgrep -f "^$STRATUS_BIN" | head -1)/status"; }

# A mix: plain, database, not-found and JSON-body requests.
load() { # load N: N requests in all
	local n=$(($1 / 4))
	ab -q -k -n "$n" -c 4 "$url/health" >/dev/null 2>&1 &&
		ab -q -k -n "$n" -c 4 "$url/ready" >/dev/null 2>&1 &&
		ab -q -k -n "$n" -c 4 "$url/no/such" >/dev/null 2>&1 &&
		ab -q -k -n "$n" -c 4 -p "$TEST_TMP/post.json" -T application/json "$url/debug/echo" >/dev/null 2>&1
}

test_expect_success 'one responder serves the mix' '
	test "$(pgrep -c -f "^$STRATUS_BIN")" -eq 1 &&
	curl -sf "$url/ready" >/dev/null
'

load 1000
rss1=$(rss_kib)
load 100000
rss2=$(rss_kib)
say "responder RSS after 1,000 requests: $rss1 KiB; after 101,000: $rss2 KiB"

test_expect_success 'RSS after 100,000 more requests is within 1 MiB of RSS after 1,000' '
	test -n "$rss1" && test -n "$rss2" &&
	test $((rss2 - rss1)) -le 1024
'

test_done
