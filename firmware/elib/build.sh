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
# Reproducible byte for byte (env.sh), the archive written in deterministic mode, members in
# a fixed order.
set -euo pipefail

# shellcheck source=env.sh
source "$(dirname "$0")/env.sh"

EL=firmware/elib
RT=firmware/runtime
SOURCES=("$EL"/src/*.c "$RT"/eprt_core.c "$RT"/eprt_dma.c "$RT"/eprt_irq.c "$RT"/eprt_print.c
         "$RT"/eprt_sync.c)
CFLAGS+=(-g1)      # line tables for the emulator's reports, not variables: half the size

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
