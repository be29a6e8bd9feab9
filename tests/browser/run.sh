#!/usr/bin/env bash
# tests/browser/run.sh: the docs pages (/docs, /redoc) in Debian's headless
# Chromium, driven by tests/browser/pages.mjs (puppeteer-core, pinned by
# tests/browser/package-lock.json). Prints TAP.
#
# Environment:
#   BASE_URL   the site through its web server (./dev test: lighttpd)
#   WORK       throw-away directory: node_modules go to WORK/browser/node,
#              the screenshots (the test's artifacts) to WORK/browser
#   API_KEY, BEARER_TOKEN, CHROMIUM, BROWSER_OPENAPI_FIXTURE: see pages.mjs
# Needs: Debian's chromium (./dev test installs it) and npm.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
: "${BASE_URL:?BASE_URL must name the site}"
: "${WORK:?WORK must name a writable directory}"
OUT=$WORK/browser
NODE_DIR=$OUT/node
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export OUT CHROMIUM

started=$(date +%s)
if [ ! -x "$CHROMIUM" ]; then
	echo "not ok 1 - no Chromium at $CHROMIUM (apt-get install chromium)"
	exit 1
fi
mkdir -p "$NODE_DIR"
rm -f "$OUT"/*.png
cp "$HERE/package.json" "$HERE/package-lock.json" "$HERE/.npmrc" "$NODE_DIR/"
if ! (cd "$NODE_DIR" && npm ci --ignore-scripts --loglevel=error) >"$NODE_DIR/npm.out" 2>&1; then
	sed 's/^/# /' "$NODE_DIR/npm.out"
	echo "not ok 1 - npm ci in $NODE_DIR"
	exit 1
fi
# Beside its node_modules: an ES module resolves packages from its own place.
cp "$HERE/pages.mjs" "$NODE_DIR/"
rc=0
node "$NODE_DIR/pages.mjs" || rc=$?
shots=$(cd "$OUT" && for f in *.png; do [ -e "$f" ] && printf '%s ' "$f"; done)
echo "# browser suite: $(($(date +%s) - started)) s (npm ci included); screenshots in $OUT: ${shots:-none}"
exit "$rc"
