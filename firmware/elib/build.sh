#!/usr/bin/env bash
# Build firmware/elib/libe-lib.a, our e-lib for ESDK device programs (docs/elib.md):
#
#   firmware/elib/build.sh            # rebuild libe-lib.a (committed) and the linker scripts
#   firmware/elib/build.sh --check    # build twice into temporary directories and compare both
#                                     # with each other and with the committed files
#   firmware/elib/build.sh --lib DIR  # only build DIR/libe-lib.a
#
# The archive holds firmware/elib/src/*.c and the parts of the device run-time
# firmware/runtime it is built on (all of it but eprt_sbrk.c: e-lib has its own _sbrk).
# Reproducible byte for byte: compiled from the repository root with relative paths, the root
# and the toolchain prefix mapped out of the debug information, the archive written in
# deterministic mode, members in a fixed order.
set -euo pipefail

if ! command -v epiphany-elf-gcc >/dev/null 2>&1; then
    export PATH="/root/.local/epiphany-elf/bin:$PATH"
fi
command -v epiphany-elf-gcc >/dev/null || { echo "epiphany-elf toolchain not found" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
export LC_ALL=C SOURCE_DATE_EPOCH=0

EL=firmware/elib
RT=firmware/runtime
SOURCES=("$EL"/src/*.c "$RT"/eprt_core.c "$RT"/eprt_dma.c "$RT"/eprt_irq.c "$RT"/eprt_print.c
         "$RT"/eprt_sync.c)

TC=$(cd "$(dirname "$(command -v epiphany-elf-gcc)")/.." && pwd)
TC_REAL=$(cd "$TC" && pwd -P)
CFLAGS=(-O2 -g1 -std=gnu11 -Wall -Wextra -Werror -ffp-contract=off
        "-fdebug-prefix-map=$ROOT=." "-fdebug-prefix-map=$TC=/epiphany-toolchain")
[ "$TC_REAL" != "$TC" ] && CFLAGS+=("-fdebug-prefix-map=$TC_REAL=/epiphany-toolchain")

build_lib() {   # build_lib OUTDIR -> OUTDIR/libe-lib.a
    local out=$1 objs=() f o
    mkdir -p "$out/obj"
    for f in "${SOURCES[@]}"; do
        o="$out/obj/$(basename "${f%.c}").o"
        epiphany-elf-gcc "${CFLAGS[@]}" -I"$EL/include" -I"$EL/src" -I"$RT" -c "$f" -o "$o"
        objs+=("$o")
    done
    rm -f "$out/libe-lib.a"
    epiphany-elf-ar rcD "$out/libe-lib.a" "${objs[@]}"
    rm -rf "$out/obj"
}

case "${1:-}" in
    --lib)
        [ $# -eq 2 ] || { echo "usage: $0 --lib DIR" >&2; exit 2; }
        build_lib "$2"
        echo "$2/libe-lib.a"
        ;;
    --check)
        a=$(mktemp -d) b=$(mktemp -d)
        trap 'rm -rf "$a" "$b"' EXIT
        build_lib "$a"
        build_lib "$b"
        cmp -s "$a/libe-lib.a" "$b/libe-lib.a" || { echo "two builds of libe-lib.a differ" >&2; exit 1; }
        cmp -s "$a/libe-lib.a" "$EL/libe-lib.a" || { echo "libe-lib.a differs from the committed one" >&2; exit 1; }
        python3 "$EL/ldf/make_ldf.py" --check
        echo "e-lib: reproducible, identical to the committed libe-lib.a and linker scripts"
        ;;
    "")
        python3 "$EL/ldf/make_ldf.py"
        build_lib "$EL"
        ;;
    *)
        echo "usage: $0 [--check | --lib DIR]" >&2
        exit 2
        ;;
esac
