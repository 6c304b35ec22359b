#!/usr/bin/env bash
# Rebuild the e-lib test programs of tests/elib/programs with the Epiphany toolchain:
#
#   tests/elib/build.sh                 # NAME.c -> programs/NAME.LAYOUT.elf (committed)
#   tests/elib/build.sh --check         # build into a temporary directory, compare byte for
#                                       # byte with the committed ELFs
#   tests/elib/build.sh --out DIR [--elib DIR]
#                                       # build into DIR; with --elib, against another e-lib:
#                                       # DIR/include/e_lib.h and DIR/libe-lib.a (the ESDK's
#                                       # own, for tests/elib/test_esdk_oracle.py)
#
# Every program links against the committed firmware/elib/libe-lib.a (or --elib) with one of
# our ESDK-style linker scripts firmware/elib/ldf/LAYOUT.ldf, exactly as docs/elib.md tells an
# ESDK user to.  Reproducible byte for byte (firmware/elib/env.sh).
set -euo pipefail

# shellcheck source=../../firmware/elib/env.sh
source "$(dirname "$0")/../../firmware/elib/env.sh"

SRC=tests/elib/programs
LDF=firmware/elib/ldf

# NAME:LAYOUT[:extra linker flags]
PROGRAMS=(
    api:fast
    identity:fast
    identity:internal
    regs:fast
    memcopy:fast
    mutex:fast
    barrier:fast
    dma:fast
    irq:fast
    irq_reach:legacy
    timer:fast
    shm:fast
    layout:internal
    layout:fast
    layout:legacy
    "layout:legacy:-Wl,--defsym=_CORE_ROW_=33 -Wl,--defsym=_CORE_COL_=10"
)

CFLAGS+=(-g)

build_all() {   # build_all OUTDIR ELIBDIR INCLUDEDIR
    local out=$1 lib=$2 inc=$3 entry name layout extra elf
    mkdir -p "$out"
    for entry in "${PROGRAMS[@]}"; do
        IFS=: read -r name layout extra <<<"$entry"
        elf="$out/$name.$layout.elf"
        [ -n "$extra" ] && elf="$out/$name.$layout-r1c2.elf"
        # shellcheck disable=SC2086
        epiphany-elf-gcc "${CFLAGS[@]}" -T "$LDF/$layout.ldf" -I "$inc" -I "$SRC" \
            "$SRC/$name.c" -L "$lib" -le-lib -o "$elf" \
            -Wl,--no-warn-rwx-segments -Wl,--fatal-warnings $extra
    done
}

case "${1:-}" in
    --check)
        a=$(mktemp -d)
        trap 'rm -rf "$a"' EXIT
        build_all "$a" firmware/elib firmware/elib/include
        status=0
        for f in "$a"/*.elf; do
            if ! cmp -s "$f" "$SRC/$(basename "$f")"; then
                echo "differs from the committed file: $SRC/$(basename "$f")" >&2
                status=1
            fi
        done
        [ $status -eq 0 ] && echo "e-lib test programs: identical to the committed ELFs"
        exit $status
        ;;
    --out)
        out=$2
        if [ "${3:-}" = "--elib" ]; then
            CFLAGS+=(-Wno-error)      # the ESDK's e_mutex_init carries a warning attribute
            build_all "$out" "$4" "$4/include"
        else
            build_all "$out" firmware/elib firmware/elib/include
        fi
        ;;
    "")
        build_all "$SRC" firmware/elib firmware/elib/include
        ;;
    *)
        echo "usage: $0 [--check | --out DIR [--elib DIR]]" >&2
        exit 2
        ;;
esac
