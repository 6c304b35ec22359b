#!/usr/bin/env bash
# Rebuild the multi-core fixtures in tests/fixtures/multicore with the real toolchain:
#
#   tools/build_multicore_fixtures.sh            # rebuild the ELFs, expected outputs, manifest
#   tools/build_multicore_fixtures.sh --check    # rebuild into a temporary tree and compare
#                                                # byte for byte with the committed files
#   tools/build_multicore_fixtures.sh --lib DIR  # only build the run-time into DIR/libeprt.a
#
# Steps:
#   1. firmware/runtime/eprt_*.c -> libeprt.a (temporary; not committed)
#   2. every program of PROGRAMS below -> tests/fixtures/multicore/NAME.elf, linked with its
#      script from firmware/ldscripts and libeprt.a.  -Wl,--fatal-warnings: the only warning
#      allowed is the RWX segment one, which --no-warn-rwx-segments turns off.
#   3. tools/multicore_model.py: the expected stdout of every program and group geometry,
#      computed on the host from the programs' definitions -> expected/*.stdout, manifest.json
#      (with the sha256 of every ELF).
#
# Reproducible byte for byte: compiled from the repository root with relative paths, the
# root and the toolchain prefix removed from the debug information (-fdebug-prefix-map),
# archive built in deterministic mode.  --check rebuilds twice and compares.
set -euo pipefail

if ! command -v epiphany-elf-gcc >/dev/null 2>&1; then
    export PATH="/root/.local/epiphany-elf/bin:$PATH"
fi
command -v epiphany-elf-gcc >/dev/null || { echo "epiphany-elf toolchain not found" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export LC_ALL=C SOURCE_DATE_EPOCH=0

FIX=tests/fixtures/multicore
RT=firmware/runtime
LD=firmware/ldscripts

# program:linker-script
PROGRAMS=(
    ring:internal
    reduce:internal
    barrier:internal
    dma:internal
    remote_read:internal
    timer_irq:internal
    signal:internal
    wand:internal
    postbox:internal
    deadlock:internal
    deadlock_idle:internal
    scripts_internal:internal
    scripts_fast:fast
    scripts_legacy:legacy
)

TC=$(cd "$(dirname "$(command -v epiphany-elf-gcc)")/.." && pwd)
TC_REAL=$(cd "$TC" && pwd -P)
CFLAGS=(-O2 -g -std=gnu11 -Wall -Wextra -Werror -ffp-contract=off
        "-fdebug-prefix-map=$ROOT=." "-fdebug-prefix-map=$TC=/epiphany-toolchain")
[ "$TC_REAL" != "$TC" ] && CFLAGS+=("-fdebug-prefix-map=$TC_REAL=/epiphany-toolchain")
LDFLAGS=(-Wl,--no-warn-rwx-segments -Wl,--fatal-warnings)

build_lib() {   # build_lib OUTDIR
    local out=$1 objs=() f o
    mkdir -p "$out/obj"
    for f in "$RT"/eprt_*.c; do
        o="$out/obj/$(basename "${f%.c}").o"
        epiphany-elf-gcc "${CFLAGS[@]}" -I"$RT" -c "$f" -o "$o"
        objs+=("$o")
    done
    rm -f "$out/libeprt.a"
    epiphany-elf-ar rcD "$out/libeprt.a" "${objs[@]}"
}

build_all() {   # build_all OUTDIR (ELFs, expected outputs and manifest go there)
    local out=$1 lib entry name script
    lib=$(mktemp -d)
    build_lib "$lib"
    mkdir -p "$out"
    for entry in "${PROGRAMS[@]}"; do
        name=${entry%%:*}
        script=${entry##*:}
        epiphany-elf-gcc "${CFLAGS[@]}" -I"$RT" -T "$LD/$script.ld" "$FIX/$name.c" \
            "$lib/libeprt.a" -o "$out/$name.elf" "${LDFLAGS[@]}"
    done
    rm -rf "$lib"
    python3 tools/multicore_model.py --out "$out" --programs "${PROGRAMS[@]}"
}

case "${1:-}" in
    --lib)
        [ $# -eq 2 ] || { echo "usage: $0 --lib DIR" >&2; exit 2; }
        build_lib "$2"
        echo "$2/libeprt.a"
        ;;
    --check)
        a=$(mktemp -d) b=$(mktemp -d)
        trap 'rm -rf "$a" "$b"' EXIT
        build_all "$a"
        build_all "$b"
        diff -r "$a" "$b" >/dev/null || { echo "two builds differ:" >&2; diff -rq "$a" "$b" >&2; exit 1; }
        status=0
        for f in $(cd "$a" && find . -type f | sort); do
            if ! cmp -s "$a/$f" "$FIX/$f"; then
                echo "differs from the committed file: $FIX/${f#./}" >&2
                status=1
            fi
        done
        [ $status -eq 0 ] && echo "multicore fixtures: reproducible, identical to the committed files"
        exit $status
        ;;
    "")
        build_all "$FIX"
        ;;
    *)
        echo "usage: $0 [--check | --lib DIR]" >&2
        exit 2
        ;;
esac
