#!/usr/bin/env bash
# tests/fresh-machine.sh: proves the README's two commands on a truly fresh
# Debian 12. It builds a `debootstrap --variant=minbase bookworm` system (no
# Node, no curl, no git, none of the project's packages), clones the committed
# state of this repository (HEAD, as CI sees it) into it as /root/stratus and,
# chrooted there as root:
#
#   1. runs `./dev test`, which must end with "N passed, 0 failed";
#   2. starts `./dev serve` in the background, waits until it answers, checks
#      that `curl /health` gives 200 and "status":"healthy", stops it with
#      SIGTERM and checks that nothing it started is left running.
#
# Everything the project needs must be installed by ./dev itself; the only
# thing added to the fresh system is this host's TLS set-up: the CA files of
# /usr/local/share/ca-certificates/ (picked up when ./dev installs
# ca-certificates) and NODE_EXTRA_CA_CERTS, and any proxy variables of the
# caller. That is the environment, not the project.
#
# Too slow for every `./dev test` (about 25 minutes on 2 cores, most of it the
# three builds and the full suite), so ./dev does not run it: run it by hand
# before committing any change to the set-up (dev, tools/stack.sh, the
# package list, tests/generate/package*.json).
#
# Usage, as root on a Debian host (it installs debootstrap if missing):
#   tests/fresh-machine.sh
# Environment:
#   FRESH_DIR     working directory (default /var/tmp/stratus-fresh); it keeps
#                 the base system as bookworm-minbase.tar so that re-runs skip
#                 debootstrap (delete the file to start over), apt's downloads
#                 (apt-archives/), the logs of the last run (test.log,
#                 serve.log) and, with KEEP=1, the chroot
#   FRESH_MIRROR  Debian mirror (default: the host's first deb.debian.org-style
#                 URI of /etc/apt/sources.list.d/debian.sources)
#   FRESH_ONLY    passed to ./dev test as ONLY (to try this script quickly)
#   KEEP=1        keep the chroot (run.*) after the run
# Prints each step, the durations, and ends with one line
# "fresh-machine: PASS ..." or "fresh-machine: FAIL ..." (exit status 0 / 1).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FRESH_DIR=${FRESH_DIR:-/var/tmp/stratus-fresh}
BASE_TAR=$FRESH_DIR/bookworm-minbase.tar
SRC_IN_CHROOT=/root/stratus
START=$(date +%s)

log() { printf '[fresh] %s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
elapsed() {
	local s=$(($(date +%s) - $1))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}
FAILURES=()
fail() {
	log "FAIL: $*"
	FAILURES+=("$*")
}
# finish SUMMARY: cleans up, then prints the last line and exits.
finish() {
	local total
	trap - EXIT INT TERM
	[ -z "${R:-}" ] || cleanup
	total=$(elapsed "$START")
	if ((${#FAILURES[@]} == 0)); then
		printf '\nfresh-machine: PASS (%s) in %s\n' "$1" "$total"
		exit 0
	fi
	printf '\nfresh-machine: FAIL (%s) in %s\n' "$(
		IFS=';'
		echo "${FAILURES[*]}"
	)" "$total"
	exit 1
}

[ "$(id -u)" -eq 0 ] || {
	echo "tests/fresh-machine.sh: run as root (debootstrap, chroot, mounts)" >&2
	exit 2
}
command -v git >/dev/null || {
	echo "tests/fresh-machine.sh: git is needed on the host" >&2
	exit 2
}
if ! command -v debootstrap >/dev/null; then
	log "installing debootstrap on the host"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
fi

mirror() {
	local f=/etc/apt/sources.list.d/debian.sources uri
	if [ -n "${FRESH_MIRROR:-}" ]; then
		echo "$FRESH_MIRROR"
		return
	fi
	if [ -f "$f" ]; then
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
		[ -n "$uri" ] && echo "$uri" && return
	fi
	echo http://deb.debian.org/debian
}
MIRROR=$(mirror)

HEAD=$(git -C "$ROOT" rev-parse HEAD)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
	log "note: uncommitted changes in $ROOT are NOT part of the check (it clones HEAD)"
fi
log "checking $(git -C "$ROOT" log -1 --format='%h %s' "$HEAD")"

# ------------------------------------------------------------------ base system

mkdir -p "$FRESH_DIR"
if [ ! -s "$BASE_TAR" ]; then
	t=$(date +%s)
	log "debootstrap --variant=minbase bookworm from $MIRROR (once; kept as $BASE_TAR)"
	rm -rf "$FRESH_DIR/base.new"
	debootstrap --variant=minbase bookworm "$FRESH_DIR/base.new" "$MIRROR" \
		>"$FRESH_DIR/debootstrap.log" 2>&1 ||
		{
			tail -20 "$FRESH_DIR/debootstrap.log" >&2
			fail "debootstrap failed"
			finish "no base system"
		}
	tar --numeric-owner -C "$FRESH_DIR/base.new" -cf "$BASE_TAR.new" .
	mv "$BASE_TAR.new" "$BASE_TAR"
	rm -rf --one-file-system "$FRESH_DIR/base.new"
	log "base system made in $(elapsed "$t")"
fi

R=$(mktemp -d "$FRESH_DIR/run.XXXXXX")
MOUNTS=()

# The pids of processes whose root directory is the chroot.
chroot_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$R" ] && echo "${p#/proc/}"
	done
	return 0
}

# "pid:command ..." of the processes left in the chroot, or nothing.
chroot_left() {
	local p
	for p in $(chroot_pids); do
		printf '%s:%s ' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)"
	done
}

cleanup() {
	local pids m i
	mapfile -t pids < <(chroot_pids)
	if ((${#pids[@]})); then
		log "stopping what is left in the chroot: $(chroot_left)"
		kill "${pids[@]}" 2>/dev/null || true
		sleep 3
		mapfile -t pids < <(chroot_pids)
		((${#pids[@]} == 0)) || kill -9 "${pids[@]}" 2>/dev/null || true
		sleep 1
	fi
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		m=${MOUNTS[i]}
		umount -R "$m" 2>/dev/null || umount -lR "$m" || log "could not unmount $m"
	done
	if grep -qF " $R/" /proc/mounts; then
		log "something is still mounted under $R: left in place"
	elif [ -z "${KEEP:-}" ]; then
		rm -rf --one-file-system "$R"
	else
		log "chroot kept in $R"
	fi
}
trap cleanup EXIT
trap 'fail "interrupted"; finish "interrupted"' INT TERM

mnt() { # mnt TARGET MOUNT-ARGS...
	local target=$R$1
	shift
	mount "$@" "$target" || return 1
	MOUNTS+=("$target")
}

t=$(date +%s)
tar --numeric-owner -C "$R" -xpf "$BASE_TAR"
mnt /proc -t proc proc
mnt /sys -t sysfs sysfs 2>/dev/null || mnt /sys --rbind /sys
mnt /dev --bind /dev
mount --make-private "$R/dev"
mnt /dev/pts --bind /dev/pts
mnt /dev/shm -t tmpfs -o mode=1777,nosuid,nodev shm
# apt's downloads are kept across runs (only the downloads: ./dev still
# decides and installs every package).
mkdir -p "$FRESH_DIR/apt-archives/partial"
mnt /var/cache/apt/archives --bind "$FRESH_DIR/apt-archives"

# The environment: name resolution (debootstrap writes no /etc/hosts, which
# every installed system has: without it "localhost" does not resolve), the mirror (with updates and security,
# as on an installed system), and this host's CA files for TLS to the npm
# registry. Nothing of the project.
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
[ -e "$R/etc/hosts" ] || cp /etc/hosts "$R/etc/hosts"
if [ -f /etc/apt/sources.list.d/debian.sources ] && [ -z "${FRESH_MIRROR:-}" ]; then
	cp /etc/apt/sources.list.d/debian.sources "$R/etc/apt/sources.list.d/"
	rm -f "$R/etc/apt/sources.list"
fi
if [ -d /usr/local/share/ca-certificates ]; then
	mkdir -p "$R/usr/local/share/ca-certificates"
	cp -a /usr/local/share/ca-certificates/. "$R/usr/local/share/ca-certificates/"
fi

git clone -q --no-hardlinks "$ROOT" "$R$SRC_IN_CHROOT"
git -C "$R$SRC_IN_CHROOT" checkout -q --detach "$HEAD"
log "fresh chroot ready in $R ($(elapsed "$t"))"

for tool in node npm curl git jq mariadbd lighttpd nginx multiwatch chromium gcc; do
	if (chroot_run "command -v $tool") >/dev/null 2>&1; then
		fail "the fresh system already has $tool"
	fi
done

# chroot_run COMMAND: a root shell in the checkout, with a clean environment
# (plus the host's TLS and proxy set-up). env, chroot and bash each exec the
# next, so "chroot_run 'exec CMD' &" leaves CMD's pid in $!.
CHROOT_ENV=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	HOME=/root TERM=dumb NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
	[ -z "${!v:-}" ] || CHROOT_ENV+=("$v=${!v}")
done
[ -z "${FRESH_ONLY:-}" ] || CHROOT_ENV+=("ONLY=$FRESH_ONLY")
chroot_run() {
	exec env -i "${CHROOT_ENV[@]}" chroot "$R" /bin/bash -c "cd $SRC_IN_CHROOT && $1"
}

# ------------------------------------------------------------------ ./dev test

t=$(date +%s)
log "./dev test in the chroot (log: $FRESH_DIR/test.log)"
rc=0
# The whole output goes to test.log; the terminal is spared apt's and dpkg's.
(chroot_run './dev test') </dev/null 2>&1 | tee "$FRESH_DIR/test.log" |
	grep --line-buffered -vE '^(Get:|Selecting|Preparing|Unpacking|Setting up|Processing triggers|\(Reading database)' ||
	rc=$?
TEST_TIME=$(elapsed "$t")
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$FRESH_DIR/test.log" | tail -1 || true)
log "./dev test: exit $rc, '${summary:-no summary line}' in $TEST_TIME"
if [ -z "$summary" ]; then
	fail "./dev test printed no 'N passed, N failed' line"
elif ((rc != 0)) || [[ $summary != *" 0 failed" ]]; then
	fail "./dev test: $summary"
	grep -E '^not ok' "$FRESH_DIR/test.log" | sed 's/^/[fresh]   /' >&2 || true
fi
left=$(chroot_left)
[ -z "$left" ] || fail "processes left running after ./dev test: $left"

# ------------------------------------------------------------------ ./dev serve

t=$(date +%s)
# shellcheck source=tools/stack.sh
. "$ROOT/tools/stack.sh" # stack_free_port: the network is the host's
PORT=$(stack_free_port 18080)
log "./dev serve in the chroot on port $PORT (log: $FRESH_DIR/serve.log)"
(chroot_run "PORT=$PORT exec ./dev serve") </dev/null >"$FRESH_DIR/serve.log" 2>&1 &
SERVE=$!
up=0
for ((i = 0; i < 1800; i++)); do # the -O2 build comes first
	kill -0 "$SERVE" 2>/dev/null || break
	if grep -q 'Stratus is serving at' "$FRESH_DIR/serve.log"; then
		up=1
		break
	fi
	sleep 1
done
if ((up == 0)); then
	tail -30 "$FRESH_DIR/serve.log" | sed 's/^/[fresh]   /' >&2
	fail "./dev serve did not come up"
else
	log "./dev serve is up after $(elapsed "$t")"
	out=$( (chroot_run "curl -s -o /tmp/health.json -w '%{http_code}' http://127.0.0.1:$PORT/health; echo; cat /tmp/health.json") 2>&1 || true)
	code=$(head -1 <<<"$out")
	body=$(tail -n +2 <<<"$out")
	log "curl /health: $code $body"
	[ "$code" = 200 ] || fail "GET /health answered $code"
	grep -q '"status": *"healthy"' <<<"$body" || fail "GET /health body is not healthy: $body"
fi
if kill -0 "$SERVE" 2>/dev/null; then
	kill -TERM "$SERVE"
	for ((i = 0; i < 120; i++)); do
		kill -0 "$SERVE" 2>/dev/null || break
		sleep 0.5
	done
fi
wait "$SERVE" 2>/dev/null || true
sleep 1
left=$(chroot_left)
if [ -n "$left" ]; then
	fail "./dev serve left running after SIGTERM: $left"
else
	log "./dev serve stopped cleanly ($(grep -c '\[dev\] stopping' "$FRESH_DIR/serve.log") stop line)"
fi
SERVE_TIME=$(elapsed "$t")

finish "./dev test: ${summary:-no summary} in $TEST_TIME; ./dev serve + /health in $SERVE_TIME"
