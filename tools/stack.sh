# tools/stack.sh: start and stop the private pieces of a local Stratus stack
# (MariaDB under a directory of its own, nginx with a supervised responder
# pool; lighttpd too, for the suites that check lighttpd itself).
# Sourced by ./dev and by the tests; every function works on $STACK, a
# directory that holds the data, sockets, pid files, logs and dev.env.

# Debian packages the project needs to build, serve and test; a minimal
# Debian 12 has none of them (tests/fresh-machine.sh proves the list there).
# ca-certificates lets npm reach its registry over TLS; xz-utils makes the
# release tarball (make dist).
STACK_PACKAGES=(
	build-essential autoconf automake libtool pkg-config
	libfcgi-dev libjson-c-dev libmariadb-dev libjwt-dev libsodium-dev libcurl4-openssl-dev
	check valgrind libssl-dev clang libclang-rt-14-dev
	mariadb-server mariadb-client
	lighttpd lighttpd-modules-lua apache2 apache2-utils libapache2-mod-fcgid nginx spawn-fcgi multiwatch
	curl ca-certificates jq procps openssl xz-utils wrk
	python3 nodejs
)

stack_log() { printf '[dev] %s\n' "$*" >&2; }
stack_die() {
	printf '[dev] error: %s\n' "$*" >&2
	exit 1
}

# stack_packages [PACKAGE...]: installs whichever of the packages named (by
# default STACK_PACKAGES) is missing (root only), without letting the
# packages start the distribution's own services.
stack_packages() {
	local missing=() p
	(($#)) || set -- "${STACK_PACKAGES[@]}"
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	((${#missing[@]})) || return 0
	[ "$(id -u)" -eq 0 ] || stack_die "missing packages (run as root to install): ${missing[*]}"
	stack_log "installing: ${missing[*]}"
	local made_policy=0
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		made_policy=1
	fi
	local rc=0
	{ DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"${missing[@]}"; } >&2 || rc=$?
	((made_policy)) && rm -f /usr/sbin/policy-rc.d
	((rc == 0)) || stack_die "apt-get failed ($rc)"
}

# stack_node_modules DIR [SRC]: installs the npm packages of SRC's
# package.json, pinned by its package-lock.json (default tests/generate: the
# test tools'), into DIR/node_modules. npm ships inside NodeSource's nodejs;
# Debian's own nodejs needs its npm package.
stack_node_modules() {
	local dir=$1 src=${2:-$STACK_SRC/tests/generate}
	# (An array cannot prefix a command: "STACK_PACKAGES=(npm) cmd" would
	# ask apt for the literal "(npm)".)
	command -v npm >/dev/null || stack_packages npm
	mkdir -p "$dir"
	cp "$src/package.json" "$src/package-lock.json" "$dir/"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$dir/npm.out" 2>&1 ||
		{ cat "$dir/npm.out" >&2; stack_die "npm ci failed"; }
}

# stack_www BUILDDIR: the docs pages (Swagger UI, ReDoc) with their npm
# assets, pinned by www/package-lock.json, in BUILDDIR/www-build (make www:
# fetched at build time, never at run time; the web server serves them).
# Without the npm registry the API still serves: only /docs and /redoc miss.
stack_www() {
	command -v npm >/dev/null || stack_packages npm
	make -C "$1" www >"$1/www.out" 2>&1 ||
		{ tail -20 "$1/www.out" >&2; stack_log "warning: make www failed: no /docs, no /redoc"; }
}

# stack_build SRCDIR BUILDDIR [configure options...]: autotools build.
stack_build() {
	local src=$1 dir=$2
	shift 2
	if [ ! -x "$src/configure" ] || [ "$src/configure.ac" -nt "$src/configure" ] ||
		[ "$src/Makefile.am" -nt "$src/Makefile.in" ]; then
		stack_log "autogen"
		(cd "$src" && ./autogen.sh) >"${TMPDIR:-/tmp}/stratus-autogen.log" 2>&1 ||
			{ cat "${TMPDIR:-/tmp}/stratus-autogen.log" >&2; stack_die "autogen.sh failed"; }
	fi
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ]; then
		stack_log "configure $* in $dir"
		(cd "$dir" && "$src/configure" "$@") >"$dir/configure.out" 2>&1 ||
			{ tail -20 "$dir/configure.out" >&2; stack_die "configure failed"; }
	fi
	stack_log "make in $dir"
	make -C "$dir" -j"$(nproc)" >"$dir/make.out" 2>&1 ||
		{ grep -E 'error|Error' "$dir/make.out" | head -30 >&2; stack_die "make failed"; }
}

# A loopback port nobody listens on (base from $1, else random).
# The default start is random below the kernel's ephemeral range: a port
# there can be the local end of an outgoing connection (a responder's link
# to MariaDB, a client's to lighttpd), which connecting to it does not show
# but which makes a server's bind() fail.
stack_free_port() {
	local low
	read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
	((low > 22000)) || low=32768
	local p=${1:-$((20000 + RANDOM % (low - 22000)))}
	while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
		p=$((p + 1))
	done
	echo "$p"
}

# stack_wait_http URL SECONDS: waits until URL answers at all.
stack_wait_http() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		curl -s -o /dev/null --max-time 2 "$1" && return 0
		sleep 0.1
	done
	return 1
}

# ------------------------------------------------------------------ MariaDB

# stack_db_init: a datadir, a database and a user with a password, once.
# Reads DB_PORT; writes $STACK/db.password.
stack_db_init() {
	mkdir -p "$STACK/mysql"
	if [ ! -d "$STACK/mysql/data/mysql" ]; then
		stack_log "initialising MariaDB in $STACK/mysql"
		mariadb-install-db --no-defaults --datadir="$STACK/mysql/data" --user="$(id -un)" \
			--auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
			>"$STACK/mysql/install.log" 2>&1 ||
			{ cat "$STACK/mysql/install.log" >&2; stack_die "mariadb-install-db failed"; }
	fi
}

# STACK_DB_POOL: InnoDB buffer pool size (default 128M; bench/run uses 256M,
# as the anchors do).
stack_db_start() {
	[ -f "$STACK/mysql/mariadbd.pid" ] && kill -0 "$(cat "$STACK/mysql/mariadbd.pid")" 2>/dev/null &&
		return 0
	mariadbd --no-defaults --user="$(id -un)" --datadir="$STACK/mysql/data" \
		--socket="$STACK/mysql/mysql.sock" --port="$DB_PORT" --bind-address=127.0.0.1 \
		--pid-file="$STACK/mysql/mariadbd.pid" --log-error="$STACK/mysql/error.log" \
		--skip-name-resolve --innodb-buffer-pool-size="${STACK_DB_POOL:-128M}" --max-connections=200 \
		>/dev/null 2>&1 &
	local i
	for ((i = 0; i < 300; i++)); do
		mariadb-admin --no-defaults --socket="$STACK/mysql/mysql.sock" -uroot ping \
			>/dev/null 2>&1 && return 0
		sleep 0.1
	done
	tail -20 "$STACK/mysql/error.log" >&2
	stack_die "MariaDB did not start"
}

stack_db_stop() {
	local pidf=$STACK/mysql/mariadbd.pid pid
	[ -f "$pidf" ] || return 0
	pid=$(cat "$pidf")
	kill "$pid" 2>/dev/null || return 0
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

stack_sql() { mariadb --no-defaults --socket="$STACK/mysql/mysql.sock" -uroot "$@"; }

# Creates the database and the application user (a real password, DML and
# DDL on its own database only) and writes $STACK/dev.env.
stack_db_setup() {
	local pw
	if [ -f "$STACK/db.password" ]; then
		pw=$(cat "$STACK/db.password")
	else
		pw=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
		(umask 077 && printf '%s' "$pw" >"$STACK/db.password")
	fi
	stack_sql <<SQL
CREATE DATABASE IF NOT EXISTS stratus CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'stratus'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS 'stratus'@'localhost' IDENTIFIED BY '$pw';
ALTER USER 'stratus'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER 'stratus'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON stratus.* TO 'stratus'@'127.0.0.1', 'stratus'@'localhost';
SQL
	# Secrets of this instance, made once and kept with its data.
	if [ ! -f "$STACK/secrets.env" ]; then
		(umask 077 && cat >"$STACK/secrets.env" <<SECRETS
export JWT_SECRET_KEY='$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 48)'
export STRATUS_KEY_PEPPER='$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 48)'
SECRETS
		)
	fi
	# One file for both: the shell sources it, the responders read it
	# through STRATUS_CONFIG. TCP, so that www-data (Apache) can connect too.
	(umask 077 && cat >"$STACK/dev.env" <<ENV
# written by ./dev: source it to run stratusctl against this instance
export DATABASE_URL='mysql://stratus:$pw@127.0.0.1:$DB_PORT/stratus'
export ENVIRONMENT='${ENVIRONMENT:-development}'
export LOG_LEVEL='${LOG_LEVEL:-info}'
export STRATUS_SCHEMA_DIR='$STACK_SRC/schema'
export STRATUS_SHM_FILE='$STACK/host.shm'
$(cat "$STACK/secrets.env")
${STACK_EXTRA_ENV:-}
ENV
	)
}

# ------------------------------------------------------------------ web servers

# stack_render TEMPLATE OUT: replaces @PORT@ @BIN@ @CONFIG@ @RUNDIR@ @PROCS@
# @PREFIX@ @DOCROOT@ from HTTP_PORT, STRATUS_BIN, STRATUS_CONFIG_FILE, RUNDIR,
# PROCS, PREFIX and DOCROOT, @MAGNET@ and @JSON_ERRORS@ with the tree's
# lighttpd scripts, and @WWW@ (the docs pages) with STRATUS_WWW, by default
# www-build beside the binary.
stack_render() {
	sed -e "s|@PORT@|$HTTP_PORT|g" -e "s|@BIN@|$STRATUS_BIN|g" \
		-e "s|@WWW@|${STRATUS_WWW:-$(dirname "$STRATUS_BIN")/www-build}|g" \
		-e "s|@MAGNET@|$STACK_SRC/lighttpd/drop-underscore-headers.lua|g" \
		-e "s|@JSON_ERRORS@|$STACK_SRC/lighttpd/json-errors.lua|g" \
		-e "s|@CONFIG@|$STRATUS_CONFIG_FILE|g" -e "s|@RUNDIR@|$RUNDIR|g" \
		-e "s|@PROCS@|$PROCS|g" -e "s|@PREFIX@|$PREFIX|g" -e "s|@DOCROOT@|$DOCROOT|g" \
		"$1" >"$2"
}

# stack_lighttpd_start: lighttpd on HTTP_PORT with PROCS responders of
# STRATUS_BIN, the API at the root of the site (or under PREFIX). lighttpd's
# own log goes to RUNDIR; the responders' JSON lines (their stderr) go to
# LIGHTTPD_OUT, by default RUNDIR/lighttpd.out.
stack_lighttpd_start() {
	mkdir -p "$RUNDIR" "$DOCROOT"
	stack_render "$STACK_SRC/lighttpd/dev.conf.in" "$RUNDIR/lighttpd.conf"
	local site=stratus.conf
	[ -n "$PREFIX" ] || site=stratus-root.conf # the API at the root of the site
	stack_render "$STACK_SRC/lighttpd/$site" "$RUNDIR/stratus.conf"
	lighttpd -tt -f "$RUNDIR/lighttpd.conf" >&2 || stack_die "bad lighttpd configuration"
	lighttpd -D -f "$RUNDIR/lighttpd.conf" >>"${LIGHTTPD_OUT:-$RUNDIR/lighttpd.out}" 2>&1 &
	echo $! >"$RUNDIR/lighttpd.mainpid"
	stack_wait_http "http://127.0.0.1:$HTTP_PORT$PREFIX/health" 20 ||
		{ tail -20 "$RUNDIR/lighttpd-error.log" >&2; stack_die "lighttpd did not answer"; }
}

stack_lighttpd_stop() {
	local pid
	[ -f "$RUNDIR/lighttpd.mainpid" ] || return 0
	pid=$(cat "$RUNDIR/lighttpd.mainpid")
	kill "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	rm -f "$RUNDIR/lighttpd.mainpid"
}

# stack_nginx_start: the default front end. nginx on 127.0.0.1:HTTP_PORT
# (nginx/stratus.conf rendered, the API at the root of the site or under
# PREFIX, the docs pages from @WWW@) in front of PROCS responders of
# STRATUS_BIN on RUNDIR/stratus.sock, started by spawn-fcgi and supervised
# by multiwatch, which starts a responder again when one dies. Everything
# runs as the calling user; nginx's pid, logs and temporary files are in
# RUNDIR. The responders' JSON lines (their stderr) go to STRATUS_OUT, by
# default RUNDIR/stratus.out.
#
# Why nginx and not lighttpd (README, "Web servers"): lighttpd 1.4 answers
# 411 to a POST without Content-Length (a bare `curl -X POST`), hard-coded
# in its request parser; nginx passes it to the app with CONTENT_LENGTH
# empty, and serves as fast (bench/RESULTS.md).
stack_nginx_start() {
	mkdir -p "$RUNDIR/tmp" "$DOCROOT"
	local t sock=$RUNDIR/stratus.sock
	HTTP_PORT=127.0.0.1:$HTTP_PORT stack_render "$STACK_SRC/nginx/stratus.conf" "$RUNDIR/stratus.conf"
	{
		echo "# Private nginx for ./dev (tools/stack.sh, generated)."
		echo "daemon off;"
		echo "worker_processes 1;"
		echo "pid $RUNDIR/nginx.pid;"
		echo "error_log $RUNDIR/nginx-error.log warn;"
		# As root, nginx's workers would be nobody: keep the caller's user,
		# who owns RUNDIR, the socket and the docs pages.
		[ "$(id -u)" != 0 ] || echo "user $(id -un) $(id -gn);"
		echo "events { worker_connections 1024; }"
		echo "http {"
		echo "    access_log $RUNDIR/nginx-access.log;"
		for t in client_body fastcgi proxy scgi uwsgi; do
			echo "    ${t}_temp_path $RUNDIR/tmp/$t;"
		done
		echo "    include $RUNDIR/stratus.conf;"
		echo "}"
	} >"$RUNDIR/nginx.conf"
	# -e: nginx's log before it reads the configuration (not /var/log/nginx).
	nginx -t -q -p "$RUNDIR" -e "$RUNDIR/nginx-error.log" -c "$RUNDIR/nginx.conf" >&2 ||
		stack_die "bad nginx configuration"
	# The responders see only what lighttpd's bin-environment would give
	# them (STRATUS_CONFIG, PATH, TZ, the sanitizers' options), never the
	# caller's DATABASE_URL & co. spawn-fcgi -n execs multiwatch (no fork,
	# so their stderr stays ours); multiwatch sends them SIGTERM when it
	# gets one, and restarts a responder that dies (up to 10 times in 10 s).
	rm -f "$sock"
	env -i PATH="$PATH" ${TZ:+TZ="$TZ"} STRATUS_CONFIG="$STRATUS_CONFIG_FILE" \
		${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
		${LSAN_OPTIONS:+LSAN_OPTIONS="$LSAN_OPTIONS"} \
		spawn-fcgi -n -s "$sock" -M 0600 -- \
		/usr/bin/multiwatch -f "$PROCS" -r 10 -s TERM -- "$STRATUS_BIN" \
		</dev/null >>"${STRATUS_OUT:-$RUNDIR/stratus.out}" 2>&1 &
	echo $! >"$RUNDIR/multiwatch.pid"
	for ((t = 0; t < 100; t++)); do
		[ -S "$sock" ] && break
		sleep 0.1
	done
	[ -S "$sock" ] || { tail -20 "${STRATUS_OUT:-$RUNDIR/stratus.out}" >&2; stack_die "spawn-fcgi did not start"; }
	nginx -p "$RUNDIR" -e "$RUNDIR/nginx-error.log" -c "$RUNDIR/nginx.conf" >>"$RUNDIR/nginx.out" 2>&1 &
	echo $! >"$RUNDIR/nginx.mainpid"
	stack_wait_http "http://127.0.0.1:${HTTP_PORT##*:}$PREFIX/health" 20 ||
		{ tail -20 "$RUNDIR/nginx-error.log" "$RUNDIR/nginx.out" >&2; stack_die "nginx did not answer"; }
}

# stack_nginx_stop: nginx, then the responders (multiwatch passes its
# SIGTERM on and waits for them).
stack_nginx_stop() {
	local f pid
	for f in nginx.mainpid multiwatch.pid; do
		[ -f "$RUNDIR/$f" ] || continue
		pid=$(cat "$RUNDIR/$f")
		kill "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
		rm -f "$RUNDIR/$f"
	done
	rm -f "$RUNDIR/stratus.sock"
}
