#!/usr/bin/env bash
# tests/stacks/check.sh BUILDDIR: the stacks catalogue (terraform/stacks) is
# sound. Builds tests/stacks/hcl-inventory against BUILDDIR's libstratus.a
# (the project's HCL reader, lib/hcl.c), checks that Terraform's own
# formatter is happy when a real Terraform is on PATH, then runs
# tests/stacks/check.js (HashiCorp's parser via @cdktf/hcl2json from
# NODE_PATH, the parsers compared, the catalogue's graph and references).
# Prints TAP. STACKS_DIR overrides the directory checked.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:?usage: check.sh BUILDDIR}
STACKS_DIR=${STACKS_DIR:-$ROOT/terraform/stacks}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stratus-stacks.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }

inv=$TMP/inventory
sodium=$(pkg-config --libs libsodium 2>/dev/null || echo -lsodium)
# shellcheck disable=SC2086 # $sodium is a list of flags
if ${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$ROOT" -I"$BUILD" \
	-o "$TMP/hcl-inventory" "$ROOT/tests/stacks/hcl-inventory.c" "$BUILD/libstratus.a" \
	$sodium 2>"$TMP/cc.err"; then
	ok "hcl-inventory builds against lib/hcl.c"
	"$TMP/hcl-inventory" "$STACKS_DIR"/*/*.tf >"$inv"
	# The comparison below is only worth something if lib/hcl.c can say no.
	printf 'resource "aws_vpc" "main" {\n  cidr_block = \n' >"$TMP/broken.tf"
	if "$TMP/hcl-inventory" "$TMP/broken.tf" | grep -q "	error	"; then
		ok "lib/hcl.c rejects a module with an unclosed block"
	else
		not_ok "lib/hcl.c accepted a module with an unclosed block"
	fi
else
	sed 's/^/# /' "$TMP/cc.err" | head -20
	not_ok "hcl-inventory builds against lib/hcl.c"
	n=$((n + 1))
	echo "not ok $n - lib/hcl.c rejects a broken module (not built)"
fi

# terraform fmt needs no provider and no network: run it when the real
# Terraform (or OpenTofu) is here; the test stand-in is not on PATH.
if command -v terraform >/dev/null && terraform version 2>/dev/null | grep -qE '^(Terraform|OpenTofu) v'; then
	if (cd "$STACKS_DIR" && TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive -diff .) \
		>"$TMP/fmt.out" 2>&1; then
		ok "terraform fmt -check: every module is in canonical format"
	else
		sed 's/^/# /' "$TMP/fmt.out" | head -30
		not_ok "terraform fmt -check: every module is in canonical format"
	fi
else
	ok "terraform fmt -check # SKIP no Terraform on PATH"
fi

# make install ships them: Makefile.am lists every file of terraform/stacks.
missing=$(cd "$ROOT" && for f in terraform/stacks/*.json terraform/stacks/*.md terraform/stacks/*/*.tf; do
	grep -qE "(^|[[:space:]])$f([[:space:]]|\$)" Makefile.am || echo "$f"
done)
if [ -z "$missing" ]; then
	ok "Makefile.am installs every file of terraform/stacks"
else
	not_ok "Makefile.am does not list: $(tr '\n' ' ' <<<"$missing")"
fi

TAP_START=$n node "$ROOT/tests/stacks/check.js" "$STACKS_DIR" "$inv"
