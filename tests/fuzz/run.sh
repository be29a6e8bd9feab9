#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD_DIR [SECONDS]: builds the library with clang's
# libFuzzer, ASan and UBSan, then runs each fuzz target for SECONDS
# (default 15) from its seed corpus in tests/fuzz/corpus/. One TAP line per
# target. A crash leaves its input in $WORK/fuzz/crash-* and the log here.
set -u
build=${1:?build directory (for config.h)}
secs=${2:-15}
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${WORK:-/tmp}/fuzz
mkdir -p "$out/obj"
mods="json-c libjwt libsodium fcgi libcrypto libmariadb libcurl"
cflags="-std=c11 -D_GNU_SOURCE -DSTRATUS_SCHEMA_DIR=\"/nonexistent\" -DSTRATUS_MODULES_DIR=\"/nonexistent\" -g -O1 -I$src -I$build $(pkg-config --cflags $mods)"
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
n=0 failed=0

# Everything but main(), as libstratus.a has it, compiled once by clang: the
# tree's files and the one make generates (docs/openapi/ as C strings).
objs=()
for f in "$src"/lib/*.c "$src"/db/*.c "$src"/jobs/*.c "$src"/handlers/*.c "$src"/fcgi/*.c \
	"$build"/handlers/openapi_overlay.c; do
	case $(basename "$f") in main.c | reconcile.c) continue ;; esac
	o=$out/obj/$(basename "$(dirname "$f")")_$(basename "$f" .c).o
	# shellcheck disable=SC2086
	clang $cflags $san -c "$f" -o "$o" 2>>"$out/build.log" || { echo "not ok 1 - fuzz: $f does not build"; exit 1; }
	objs+=("$o")
done

for t in json path token dburl hcl fields; do
	n=$((n + 1))
	bin=$out/fuzz_$t
	# shellcheck disable=SC2086
	if ! clang $cflags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		"$src/tests/fuzz/fuzz_$t.c" "${objs[@]}" -o "$bin" $(pkg-config --libs $mods) -lm \
		>"$out/$t.build.log" 2>&1; then
		sed 's/^/# /' "$out/$t.build.log" | head -20
		echo "not ok $n - fuzz $t: does not build"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$out/corpus-$t"
	if (cd "$out" && "$bin" -max_total_time="$secs" -max_len=4096 -artifact_prefix="$out/crash-$t-" \
		"$out/corpus-$t" "$src/tests/fuzz/corpus/$t") >"$out/$t.log" 2>&1; then
		echo "ok $n - fuzz $t: $(grep -Eo 'Done [0-9]+ runs' "$out/$t.log" | tail -1) in ${secs}s, no crash"
	else
		grep -E 'ERROR|SUMMARY|runtime error' "$out/$t.log" | head -20 | sed 's/^/# /'
		echo "not ok $n - fuzz $t: crashed (input in $out/crash-$t-*)"
		failed=$((failed + 1))
	fi
done
exit $((failed > 0))
