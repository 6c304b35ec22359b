#!/usr/bin/env bash
# Rebuild the device programs of the host-program tests (tests/host/device/*.elf) with the
# Epiphany toolchain; the ELFs are committed so the tests run without it.
#
#   tests/host/device/build.sh           # rebuild the ELFs in place
#   tests/host/device/build.sh --check   # rebuild into a temporary directory and compare byte
#                                        # for byte with the committed ELFs
#
# Each program: our device run-time (firmware/runtime, libeprt.a built by
# tools/build_multicore_fixtures.sh --lib) and the internal.ld layout (code and data in the
# core's SRAM, the IVT at 0, e-loader's records at 0x28/0x50/0x58); the ELIB_PROGRAMS are
# ESDK-style instead: our e-lib (firmware/elib, its committed libe-lib.a) and its fast.ldf.  Reproducible: compiled
# from the repository root with relative paths, the root and the toolchain's prefix removed
# from the debug information.
set -euo pipefail

if ! command -v epiphany-elf-gcc >/dev/null 2>&1; then
    export PATH="/root/.local/epiphany-elf/bin:$PATH"
fi
command -v epiphany-elf-gcc >/dev/null || { echo "epiphany-elf toolchain not found" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
export LC_ALL=C SOURCE_DATE_EPOCH=0

DEV=tests/host/device
PROGRAMS=(hello matmul signal dma spin fault)
ELIB_PROGRAMS=(shm_elib)

TC=$(cd "$(dirname "$(command -v epiphany-elf-gcc)")/.." && pwd)
TC_REAL=$(cd "$TC" && pwd -P)
CFLAGS=(-O2 -g -std=gnu11 -Wall -Wextra -Werror -ffp-contract=off
        "-fdebug-prefix-map=$ROOT=." "-fdebug-prefix-map=$TC=/epiphany-toolchain")
[ "$TC_REAL" != "$TC" ] && CFLAGS+=("-fdebug-prefix-map=$TC_REAL=/epiphany-toolchain")
LDFLAGS=(-Wl,--no-warn-rwx-segments -Wl,--fatal-warnings)

build_all() {   # build_all OUTDIR
    local out=$1 lib name end
    lib=$(mktemp -d)
    tools/build_multicore_fixtures.sh --lib "$lib" >/dev/null
    mkdir -p "$out"
    for name in "${PROGRAMS[@]}"; do
        epiphany-elf-gcc "${CFLAGS[@]}" -Ifirmware/runtime -T firmware/ldscripts/internal.ld \
            "$DEV/$name.c" "$lib/libeprt.a" -o "$out/$name.elf" "${LDFLAGS[@]}"
        # the mailbox at 0x7000 (common.h) and matmul's arrays from 0x5000 lie above the
        # program
        end=$(epiphany-elf-nm "$out/$name.elf" | awk '$3 == "_end" { print $1 }')
        if [ $((16#$end)) -gt $((0x5000)) ]; then
            echo "$name.elf ends at 0x$end, over the arrays at 0x5000" >&2
            exit 1
        fi
    done
    for name in "${ELIB_PROGRAMS[@]}"; do
        epiphany-elf-gcc "${CFLAGS[@]}" -Ifirmware/elib/include -T firmware/elib/ldf/fast.ldf \
            "$DEV/$name.c" -Lfirmware/elib -le-lib -o "$out/$name.elf" "${LDFLAGS[@]}"
    done
    rm -rf "$lib"
}

case "${1:-}" in
    --check)
        tmp=$(mktemp -d)
        trap 'rm -rf "$tmp"' EXIT
        build_all "$tmp"
        status=0
        for name in "${PROGRAMS[@]}" "${ELIB_PROGRAMS[@]}"; do
            cmp -s "$tmp/$name.elf" "$DEV/$name.elf" || { echo "differs: $DEV/$name.elf" >&2; status=1; }
        done
        [ $status -eq 0 ] && echo "host-test device programs: identical to the committed ELFs"
        exit $status
        ;;
    "")
        build_all "$DEV"
        ;;
    *)
        echo "usage: $0 [--check]" >&2
        exit 2
        ;;
esac
