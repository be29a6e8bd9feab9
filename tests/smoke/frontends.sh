#!/usr/bin/env bash
# tests/smoke/frontends.sh: run tests/smoke/suite.sh through every front end.
#
# For each front end this starts a private server on 127.0.0.1 (its own
# configuration, pid file and logs under $WORK; never the system services),
# rendered from the configuration files shipped in lighttpd/, apache/ and
# nginx/, waits until it answers, runs the suite against it and stops it:
#
#   lighttpd    lighttpd + mod_fastcgi (lighttpd spawns the responders)
#   fcgid       Apache + mod_fcgid     (Apache spawns the responders)
#   proxy-fcgi  Apache + mod_proxy_fcgi + spawn-fcgi on a unix socket
#   nginx       nginx + spawn-fcgi on a unix socket
#   cgi         Apache + mod_cgid, apache/htaccess in a cgi-bin directory
#
# Debian packages needed (./dev installs them):
#   apache2 libapache2-mod-fcgid nginx spawn-fcgi lighttpd curl jq
#
# Environment:
#   STRATUS_BIN          path of stratus.fcgi (copied, not run in place)
#   STRATUS_CONFIG_FILE  KEY=value configuration (DATABASE_URL over TCP to
#                        127.0.0.1, ...); copied too
#   WORK                 throw-away writable directory
#   PORT_BASE            first of 5 free consecutive loopback ports
#   FRONTENDS            optional: which front ends, default all five
#   PROCS                optional: responders per front end, default 2
#   FRONTEND_RUNNER      optional: a command run as `CMD NAME BASE_URL` against
#                        each front end instead of tests/smoke/suite.sh
#                        (bench/run measures the front ends this way)
#   NGINX_WORKER_CONNECTIONS  optional, default 256 (bench/run raises it: 128
#                        clients plus the upstream sockets need more)
#   ASAN_OPTIONS, UBSAN_OPTIONS   passed on to the responders when set
#
# Run as root (Apache and nginx drop to www-data, as in production; the
# responders run as www-data except under lighttpd, which runs as the caller).
# Output: TAP on stdout (one stream, numbered across front ends) and "# "
# comments; exit status non-zero if anything failed.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

: "${STRATUS_BIN:?STRATUS_BIN must name stratus.fcgi}"
: "${STRATUS_CONFIG_FILE:?STRATUS_CONFIG_FILE must name the configuration file}"
: "${WORK:?WORK must name a writable directory}"
: "${PORT_BASE:?PORT_BASE must be the first of 5 free ports}"
FRONTENDS=${FRONTENDS:-lighttpd fcgid proxy-fcgi nginx cgi}
PROCS=${PROCS:-2}
PREFIX=/api

# ---- TAP accounting ---------------------------------------------------------

n_tests=0
n_failed=0

pass() {
	n_tests=$((n_tests + 1))
	printf 'ok %d - %s\n' "$n_tests" "$*"
}

fail() {
	n_tests=$((n_tests + 1))
	n_failed=$((n_failed + 1))
	printf 'not ok %d - %s\n' "$n_tests" "$*"
}

comment() {
	sed 's/^/# /'
}

# run_suite NAME BASE_URL [DOWN_STATUS]: run suite.sh, renumbering its TAP
# lines into this script's single stream (its own "1..N" plan is dropped).
# With DOWN_STATUS, only its checks of the front end with the responders
# stopped run (see backend_down).
run_suite() {
	local line status='' seen_fail=0 num rest
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			num=${line#not }
			num=${num#ok }
			rest=${num#* }
			n_tests=$((n_tests + 1))
			case $line in
			"not ok "*)
				n_failed=$((n_failed + 1))
				seen_fail=1
				printf 'not ok %d %s\n' "$n_tests" "$rest"
				;;
			*) printf 'ok %d %s\n' "$n_tests" "$rest" ;;
			esac
			;;
		[0-9]*..[0-9]*) ;;
		"#status "*) status=${line#"#status "} ;;
		"#"*) printf '%s\n' "$line" ;;
		*) printf '# %s\n' "$line" ;;
		esac
	done < <(FRONTEND=$1 BASE_URL=$2 SMOKE_BACKEND_DOWN=${3:-} bash "$HERE/suite.sh" 2>&1
		echo "#status $?")
	# "#status" is the suite's exit status (see the echo above): a suite that
	# died without reporting a failure still counts as one.
	if [ "${status:-1}" != 0 ] && [ $seen_fail = 0 ]; then
		fail "$1: suite exited with status ${status:-?}"
	fi
}

# ---- processes ----------------------------------------------------------------

# alive PID: the process exists and is not a zombie (daemons re-parented to
# an init that does not reap would otherwise look alive forever).
alive() {
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# stop_pids PID...: SIGTERM, wait up to 10 s, then SIGKILL.
stop_pids() {
	local pid i left
	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		left=
		for pid in "$@"; do
			alive "$pid" && left="$left $pid"
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	if [ -n "$left" ]; then
		echo "# still running after SIGTERM, killing:$left"
		# shellcheck disable=SC2086
		kill -KILL $left 2>/dev/null
	fi
	for pid in "$@"; do
		wait "$pid" 2>/dev/null # reaps our own children; no-op for others
	done
	return 0
}

# Pid files of everything started and not yet stopped; the EXIT trap stops
# whatever is left, whichever way this script ends.
PIDFILES=()

stop_pidfile() {
	local f=$1 pids
	[ -s "$f" ] || return 0
	pids=$(tr -cs '0-9' ' ' <"$f")
	# shellcheck disable=SC2086
	stop_pids $pids
	rm -f "$f"
}

# stray_responders: responders still running our private copies of the
# binary after their server stopped (by their executable path, which only
# this run uses); they are killed by pid.
stray_responders() {
	local exe pid found=
	for exe in /proc/[0-9]*/exe; do
		pid=${exe#/proc/}
		pid=${pid%/exe}
		case $(readlink "$exe" 2>/dev/null) in
		"$AREA"/*) alive "$pid" && found="$found $pid" ;;
		esac
	done
	printf '%s' "$found"
}

cleanup() {
	local f stray
	for f in "${PIDFILES[@]}"; do
		stop_pidfile "$f"
	done
	PIDFILES=()
	if [ -n "${AREA:-}" ]; then
		stray=$(stray_responders)
		if [ -n "$stray" ]; then
			echo "# stray responders left behind, killing:$stray"
			# shellcheck disable=SC2086
			stop_pids $stray
		fi
	fi
	[ -n "${TMP_AREA:-}" ] && rm -rf "$TMP_AREA"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the copy area that www-data can read --------------------------------------
# Apache's and nginx's workers and the spawn-fcgi responders run as www-data:
# they need to reach the binary, the configuration (which holds the database
# password: 0640 root:www-data), and the run directories. A checkout or
# $WORK under /root is not reachable, so everything is copied here.

if [ "$(id -u)" = 0 ]; then
	WWW_USER=www-data
else
	WWW_USER=$(id -un)
fi
WWW_GROUP=$(id -gn "$WWW_USER")

as_www() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$WWW_USER" -- "$@"
	else
		"$@"
	fi
}

AREA=$WORK/frontends
TMP_AREA=
rm -rf "$AREA"
mkdir -p "$AREA" || exit 1
chmod a+x "$WORK"
if ! as_www test -x "$AREA"; then
	# An ancestor of $WORK is closed to www-data (e.g. /root): use /tmp.
	TMP_AREA=$(mktemp -d "${TMPDIR:-/tmp}/stratus-frontends.XXXXXX") || exit 1
	echo "# $WORK is not reachable by $WWW_USER; using $TMP_AREA"
	AREA=$TMP_AREA
fi
mkdir -p "$AREA/bin" "$AREA/etc" "$AREA/htdocs/cgi-bin" "$AREA/run"
chmod 755 "$AREA" "$AREA/bin" "$AREA/etc" "$AREA/htdocs" "$AREA/htdocs/cgi-bin" "$AREA/run"
BIN=$AREA/bin/stratus.fcgi
CONFIG=$AREA/etc/stratus.env
if ! install -m 0755 "$STRATUS_BIN" "$BIN" ||
	! install -m 0640 -g "$WWW_GROUP" "$STRATUS_CONFIG_FILE" "$CONFIG"; then
	fail "frontends: copy $STRATUS_BIN and $STRATUS_CONFIG_FILE to $AREA"
	echo "1..$n_tests"
	exit 1
fi
# The docs pages (make www), where www-data can read them: the configs' @WWW@.
WWW=$AREA/www
rm -rf "$WWW"
cp -R "${STRATUS_WWW:-$(dirname "$STRATUS_BIN")/www-build}" "$WWW" && chmod -R a+rX "$WWW"
# The host-shared file (rate-limit counters, the caches' change counters) is
# a file of the responders' user, and a responder refuses another user's:
# one www-data can create for Apache's and nginx's responders, and one of
# its own for lighttpd's, which run as the invoking user (root here).
mkdir -p "$AREA/run/counters" && chown "$WWW_USER" "$AREA/run/counters"
sed -i "s|^export STRATUS_SHM_FILE=.*|export STRATUS_SHM_FILE='$AREA/run/counters/host.shm'|" "$CONFIG"
CONFIG_SELF=$AREA/etc/stratus-$(id -un).env
sed "s|^export STRATUS_SHM_FILE=.*|export STRATUS_SHM_FILE='$AREA/run/counters/host-$(id -un).shm'|" \
	"$CONFIG" >"$CONFIG_SELF" && chmod 0600 "$CONFIG_SELF"
if ! as_www test -r "$CONFIG" || ! as_www test -x "$BIN"; then
	fail "frontends: $WWW_USER cannot read $BIN and $CONFIG"
	echo "1..$n_tests"
	exit 1
fi

# A developer's API key for the body-less POST of suite.sh (the smoke
# account's key is readonly: the role check would answer 403 before the
# handler runs). Made with STRATUSCTL when ./dev test provides it.
if [ -z "${SMOKE_DEV_KEY:-}" ] && [ -n "${STRATUSCTL:-}" ]; then
	dev_user=smoke-dev-$$@example.com
	if printf 'Smoke-Dev-Passw0rd-%s!\n' "$$" | "$STRATUSCTL" user create --email "$dev_user" \
		--name SmokeDev --role developer --password-stdin >/dev/null 2>&1; then
		SMOKE_DEV_KEY=$("$STRATUSCTL" apikey create --name smoke-dev --user "$dev_user" \
			--role developer 2>/dev/null)
	fi
	[ -n "${SMOKE_DEV_KEY:-}" ] || echo "# could not make a developer key: the body-less POST may meet a 403"
	export SMOKE_DEV_KEY
fi

# Sanitizer settings that reach the responders, as NAME=value words.
SAN_ENV=()
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	[ -n "${!v:-}" ] && SAN_ENV+=("$v=${!v}")
done

# ---- rendering the shipped files ------------------------------------------------

# render SRC DST RUNDIR PORT: the shipped file with its placeholders filled.
render() {
	sed -e "s|@PORT@|$4|g" \
		-e "s|@BIN@|$BIN|g" \
		-e "s|@CONFIG@|$CONFIG|g" \
		-e "s|@RUNDIR@|$3|g" \
		-e "s|@PROCS@|$PROCS|g" \
		-e "s|@PREFIX@|$PREFIX|g" \
		-e "s|@DOCROOT@|$AREA/htdocs|g" \
		-e "s|@WWW@|$WWW|g" \
		-e "s|@MAGNET@|$ROOT/lighttpd/drop-underscore-headers.lua|g" \
		-e "s|@JSON_ERRORS@|$ROOT/lighttpd/json-errors.lua|g" \
		"$1" >"$2"
}


# new_rundir NAME: a fresh run directory for one front end.
new_rundir() {
	local d=$AREA/run/$1
	rm -rf "$d"
	mkdir -p "$d"
	chmod 755 "$d"
	printf '%s' "$d"
}

# ---- Apache ------------------------------------------------------------------------

APACHE_MODULES=/usr/lib/apache2/modules

# apache_conf RUNDIR PORT MODULE... : the server-wide part of a private
# Apache (the shipped vhost or .htaccess is the rest), on stdout.
apache_conf() {
	local rundir=$1 port=$2 m v
	shift 2
	cat <<-EOF
		# Private Apache for tests/smoke/frontends.sh (generated).
		ServerRoot /etc/apache2
		ServerName 127.0.0.1
		Listen 127.0.0.1:$port
		PidFile $rundir/apache.pid
		DefaultRuntimeDir $rundir
		ErrorLog $rundir/error.log
		LogLevel warn
		StartServers 4
		ThreadsPerChild 64
		MaxRequestWorkers 256
		ServerLimit 4
		MinSpareThreads 64
		MaxSpareThreads 256
		# Keep-alive connections stay open: Apache's default closes one after
		# 100 requests, and event MPM closes idle ones of a busy process;
		# a load generator counts either as a read error.
		MaxKeepAliveRequests 0
		AsyncRequestWorkerFactor 4
		Timeout 30
	EOF
	if [ "$(id -u)" = 0 ]; then
		printf 'User %s\nGroup %s\n' "$WWW_USER" "$WWW_GROUP"
	fi
	for m in mpm_event authz_core "$@"; do
		printf 'LoadModule %s_module %s/mod_%s.so\n' "$m" "$APACHE_MODULES" "$m"
	done
	cat <<-EOF
		<IfModule mod_mime.c>
		    TypesConfig /etc/mime.types
		</IfModule>
		<Directory />
		    AllowOverride None
		    Require all denied
		</Directory>
		<Directory "$AREA/htdocs">
		    Require all granted
		</Directory>
	EOF
	# Sanitizer settings for CGI programs (PassEnv) and mod_fcgid
	# responders (FcgidInitialEnv; mod_fcgid passes nothing else).
	for v in "${SAN_ENV[@]}"; do
		printf 'PassEnv %s\n' "${v%%=*}"
		case " $* " in
		*" fcgid "*)
			printf 'FcgidInitialEnv %s "%s"\n' "${v%%=*}" \
				"$(printf '%s' "${v#*=}" | sed 's/[\\"]/\\&/g')"
			;;
		esac
	done
}

# start_apache RUNDIR: start it (it daemonizes and writes its pid file).
start_apache() {
	PIDFILES+=("$1/apache.pid")
	# TZ=UTC: the JSON error pages' timestamps are Apache's local time
	# (apache/stratus-fcgid.conf says so).
	TZ=UTC apache2 -f "$1/httpd.conf" -k start >"$1/start.log" 2>&1
}

start_fcgid() { # RUNDIR PORT
	mkdir -p "$1/fcgid"
	chown "$WWW_USER:$WWW_GROUP" "$1/fcgid"
	{
		apache_conf "$1" "$2" alias env fcgid headers unique_id rewrite mime
		echo "FcgidIPCDir $1/fcgid"
		echo "FcgidProcessTableFile $1/fcgid/shm"
		echo "Include $1/stratus-fcgid.conf"
	} >"$1/httpd.conf"
	render "$ROOT/apache/stratus-fcgid.conf" "$1/stratus-fcgid.conf" "$1" "$2"
	BASE_URL=http://127.0.0.1:$2$PREFIX
	start_apache "$1"
}

start_proxy_fcgi() { # RUNDIR PORT
	start_spawn_fcgi "$1" || return 1
	{
		apache_conf "$1" "$2" env setenvif proxy proxy_fcgi alias headers unique_id rewrite mime
		echo "Include $1/stratus-proxy-fcgi.conf"
	} >"$1/httpd.conf"
	render "$ROOT/apache/stratus-proxy-fcgi.conf" "$1/stratus-proxy-fcgi.conf" "$1" "$2"
	BASE_URL=http://127.0.0.1:$2$PREFIX
	start_apache "$1"
}

start_cgi() { # RUNDIR PORT
	local cgibin=$AREA/htdocs/cgi-bin
	install -m 0755 "$BIN" "$cgibin/stratus.fcgi"
	render "$ROOT/apache/htaccess" "$cgibin/.htaccess" "$1" "$2"
	chmod 644 "$cgibin/.htaccess"
	{
		apache_conf "$1" "$2" env cgid headers unique_id
		echo "ScriptSock $1/cgid.sock"
		echo "DocumentRoot \"$AREA/htdocs\""
		echo "AccessFileName .htaccess"
		# What a shared host allows: what apache/htaccess says it needs.
		echo "<Directory \"$cgibin\">"
		echo "    AllowOverride Options FileInfo AuthConfig"
		echo "</Directory>"
	} >"$1/httpd.conf"
	BASE_URL=http://127.0.0.1:$2/cgi-bin/stratus.fcgi
	start_apache "$1"
}

# ---- spawn-fcgi + nginx -------------------------------------------------------------

# start_spawn_fcgi RUNDIR: PROCS responders on RUNDIR/stratus.sock, as
# www-data, with a clean environment. spawn-fcgi points the responders'
# stderr at /dev/null, so they are started through sh to keep it in
# RUNDIR/stratus.err (sanitizer reports go there).
start_spawn_fcgi() {
	local rundir=$1 as=()
	: >"$rundir/stratus.err"
	chown "$WWW_USER" "$rundir/stratus.err"
	if [ "$(id -u)" = 0 ]; then
		as=(-u "$WWW_USER" -g "$WWW_GROUP" -U "$WWW_USER" -G "$WWW_GROUP")
	fi
	PIDFILES+=("$rundir/spawn-fcgi.pid")
	# shellcheck disable=SC2016 # $0 and $1 belong to the sh -c script
	env -i PATH=/usr/bin:/bin STRATUS_CONFIG="$CONFIG" "${SAN_ENV[@]}" \
		spawn-fcgi -s "$rundir/stratus.sock" -M 0660 "${as[@]}" \
		-F "$PROCS" -P "$rundir/spawn-fcgi.pid" \
		-- /bin/sh -c 'exec "$0" 2>>"$1"' "$BIN" "$rundir/stratus.err" \
		>"$rundir/spawn-fcgi.log" 2>&1
}

start_nginx() { # RUNDIR PORT
	local rundir=$1
	start_spawn_fcgi "$rundir" || return 1
	mkdir -p "$rundir/tmp"
	render "$ROOT/nginx/stratus.conf" "$rundir/stratus.conf" "$rundir" "127.0.0.1:$2"
	{
		echo "# Private nginx for tests/smoke/frontends.sh (generated)."
		echo "daemon off;"
		echo "worker_processes 1;"
		echo "pid $rundir/nginx.pid;"
		echo "error_log $rundir/error.log warn;"
		[ "$(id -u)" = 0 ] && echo "user $WWW_USER $WWW_GROUP;"
		echo "events { worker_connections ${NGINX_WORKER_CONNECTIONS:-256}; }"
		echo "http {"
		echo "    access_log $rundir/access.log;"
		for t in client_body fastcgi proxy scgi uwsgi; do
			echo "    ${t}_temp_path $rundir/tmp/$t;"
		done
		echo "    include $rundir/stratus.conf;"
		echo "}"
	} >"$rundir/nginx.conf"
	# In the foreground (daemon off) but in the background here, so that
	# its stderr lands in start.log; stopped through its pid file.
	PIDFILES+=("$rundir/nginx.pid" "$rundir/nginx-bg.pid")
	nginx -p "$rundir" -c "$rundir/nginx.conf" >"$rundir/start.log" 2>&1 &
	echo $! >"$rundir/nginx-bg.pid"
	BASE_URL=http://127.0.0.1:$2$PREFIX
}

# ---- lighttpd -------------------------------------------------------------------------

start_lighttpd() { # RUNDIR PORT
	local rundir=$1
	CONFIG=$CONFIG_SELF render "$ROOT/lighttpd/stratus.conf" "$rundir/stratus.conf" "$rundir" "$2"
	render "$ROOT/lighttpd/dev.conf.in" "$rundir/lighttpd.conf" "$rundir" "$2"
	PIDFILES+=("$rundir/lighttpd.pid" "$rundir/lighttpd-bg.pid")
	lighttpd -D -f "$rundir/lighttpd.conf" >"$rundir/start.log" 2>&1 &
	echo $! >"$rundir/lighttpd-bg.pid"
	BASE_URL=http://127.0.0.1:$2$PREFIX
}

# ---- the responders down (issue 16) ---------------------------------------------
# What each front end answers, in the JSON error schema, once its responders
# are gone: nginx has nothing to connect to (502), Apache mod_proxy_fcgi
# neither (503); lighttpd cannot start them again (503), mod_fcgid neither:
# 500 ("End of script output before headers") when the process it spawned
# dies, 503 when it cannot spawn one at all (seen in the fresh-machine
# chroot); the CGI program fails (500). A 504 needs a responder that hangs
# longer than the front end's timeout (60 s by default): not here.
declare -A DOWN_STATUS=([lighttpd]=503 [fcgid]="500 503" [proxy-fcgi]=503 [nginx]=502 [cgi]=500)

# backend_down NAME RUNDIR: stop the responders of front end NAME so that
# they stay down. backend_up undoes what must be undone for the next one.
backend_down() {
	local stray
	case $1 in
	nginx | proxy-fcgi) stop_pidfile "$2/spawn-fcgi.pid" ;;
	lighttpd | fcgid)
		# They restart responders that die: make the binary unusable first.
		chmod 0644 "$BIN"
		stray=$(stray_responders)
		# shellcheck disable=SC2086
		[ -z "$stray" ] || stop_pids $stray
		;;
	cgi)
		# A program that dies without a header: Apache's 500.
		printf '#!/bin/sh\nexit 1\n' >"$AREA/htdocs/cgi-bin/stratus.fcgi"
		;;
	esac
}

backend_up() {
	chmod 0755 "$BIN"
}

# ---- one front end -------------------------------------------------------------------

# wait_http URL RUNDIR: until the server answers anything, 10 s at most;
# gives up at once if a server we run in the background (RUNDIR/*-bg.pid)
# has died.
wait_http() {
	local code f deadline=$((SECONDS + 10))
	while [ "$SECONDS" -lt "$deadline" ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" 2>/dev/null)
		[ -n "$code" ] && [ "$code" != 000 ] && return 0
		for f in "$2"/*-bg.pid; do
			[ -s "$f" ] && ! alive "$(cat "$f")" && return 1
		done
		sleep 0.1
	done
	return 1
}

# show_logs RUNDIR: the interesting end of every log, as comments.
show_logs() {
	local f
	for f in "$1"/start.log "$1"/spawn-fcgi.log "$1"/*error.log "$1"/stratus.err; do
		[ -s "$f" ] || continue
		echo "# --- ${f#"$1"/} (last lines)"
		tail -n 20 "$f" | comment
	done
}

# shared_file_refused RUNDIR: the responders' warning that they could not
# use the host-shared file (and so count rate limits in MariaDB and cache
# nothing), from the logs they write to.
shared_file_refused() {
	cat "$1"/*.log "$1"/stratus.err 2>/dev/null | grep -m 3 'identities and builds not cached'
}

# sanitizer_reports RUNDIR: sanitizer findings in the logs the responders
# write to (a CGI child's leak report only ever shows up there).
sanitizer_reports() {
	cat "$1"/*.log "$1"/stratus.err 2>/dev/null |
		grep -E 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer' |
		head -n 20
}

declare -A PORT_OFFSET=([lighttpd]=0 [fcgid]=1 [proxy-fcgi]=2 [nginx]=3 [cgi]=4)
declare -A NEEDS=([lighttpd]=lighttpd [fcgid]=apache2 [proxy-fcgi]="apache2 spawn-fcgi"
	[nginx]="nginx spawn-fcgi" [cgi]=apache2)

run_frontend() {
	local name=$1 rundir port cmd missing='' reports
	port=$((PORT_BASE + ${PORT_OFFSET[$name]}))
	for cmd in ${NEEDS[$name]} curl jq; do
		command -v "$cmd" >/dev/null 2>&1 || missing="$missing $cmd"
	done
	if [ -n "$missing" ]; then
		fail "$name: server starts # missing:$missing (apt-get install it)"
		return
	fi
	[ "$name" = fcgid ] && [ ! -e "$APACHE_MODULES/mod_fcgid.so" ] && {
		fail "$name: server starts # missing: libapache2-mod-fcgid"
		return
	}
	rundir=$(new_rundir "$name")
	echo "# $name on 127.0.0.1:$port, files in $rundir"
	BASE_URL=
	if "start_${name//-/_}" "$rundir" "$port" && wait_http "$BASE_URL/health" "$rundir"; then
		if [ -n "${FRONTEND_RUNNER:-}" ]; then
			# bench/run: its own command against this front end, not the suite.
			if "$FRONTEND_RUNNER" "$name" "$BASE_URL" 2>&1 | comment && [ "${PIPESTATUS[0]}" = 0 ]; then
				pass "$name: $FRONTEND_RUNNER"
			else
				fail "$name: $FRONTEND_RUNNER"
			fi
		else
			run_suite "$name" "$BASE_URL"
			backend_down "$name" "$rundir"
			run_suite "$name" "$BASE_URL" "${DOWN_STATUS[$name]}"
			backend_up
		fi
	else
		fail "$name: server starts and answers on port $port"
		show_logs "$rundir"
	fi
	cleanup_frontend "$rundir"
	reports=$(shared_file_refused "$rundir")
	if [ -n "$reports" ]; then
		fail "$name: the responders use the host-shared file"
		printf '%s\n' "$reports" | comment
	fi
	reports=$(sanitizer_reports "$rundir")
	if [ -n "$reports" ]; then
		fail "$name: no sanitizer reports in the logs"
		printf '%s\n' "$reports" | comment
	fi
}

# cleanup_frontend RUNDIR: stop the servers first, then the responders.
cleanup_frontend() {
	local f stray
	for f in "$1"/*.pid; do
		[ "$f" = "$1/spawn-fcgi.pid" ] || stop_pidfile "$f"
	done
	stop_pidfile "$1/spawn-fcgi.pid"
	PIDFILES=()
	stray=$(stray_responders)
	if [ -n "$stray" ]; then
		echo "# responders still running after their server stopped, killing:$stray"
		# shellcheck disable=SC2086
		stop_pids $stray
	fi
}

for fe in $FRONTENDS; do
	if [ -z "${PORT_OFFSET[$fe]:-}" ]; then
		fail "$fe: unknown front end (known: ${!PORT_OFFSET[*]})"
		continue
	fi
	run_frontend "$fe"
done

echo "1..$n_tests"
echo "# frontends: $((n_tests - n_failed)) passed, $n_failed failed"
[ "$n_failed" -eq 0 ]
