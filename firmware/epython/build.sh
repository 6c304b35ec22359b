#!/usr/bin/env bash
# Rebuild the ePython VM firmware byte for byte:
#
#   firmware/epython/build.sh            # regenerate the headers, rebuild epython-vm.elf
#   firmware/epython/build.sh --check    # build into a temporary directory and compare with
#                                        # the committed headers and ELF
#
# The two headers come from the Python contract (epython/bytecode.py, epython/layout.py); the
# ELF from the C sources here, linked with epython.ld and libgcc (integer and float division)
# only.  Reproducible: compiled from the repository root with relative paths, the root and the
# toolchain prefix removed from the debug information.
set -euo pipefail

if ! command -v epiphany-elf-gcc >/dev/null 2>&1; then
    export PATH="/root/.local/epiphany-elf/bin:$PATH"
fi
command -v epiphany-elf-gcc >/dev/null || { echo "epiphany-elf toolchain not found" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
export LC_ALL=C SOURCE_DATE_EPOCH=0
FW=firmware/epython
SOURCES=(crt0.S main.c vm.c mem.c comm.c host.c)

TC=$(cd "$(dirname "$(command -v epiphany-elf-gcc)")/.." && pwd)
TC_REAL=$(cd "$TC" && pwd -P)
CFLAGS=(-Os -g -std=gnu11 -Wall -Wextra -Werror -ffreestanding -fno-common
        -mfp-mode=round-nearest -mshort-calls -ffp-contract=off
        "-fdebug-prefix-map=$ROOT=." "-fdebug-prefix-map=$TC=/epiphany-toolchain")
[ "$TC_REAL" != "$TC" ] && CFLAGS+=("-fdebug-prefix-map=$TC_REAL=/epiphany-toolchain")
LDFLAGS=(-nostdlib -nostartfiles -T "$FW/epython.ld" -Wl,--no-warn-rwx-segments
         -Wl,--fatal-warnings -Wl,--build-id=none)

build() {   # build OUTDIR
    local out=$1 objs=() f o
    mkdir -p "$out/obj"
    PYTHONPATH="$ROOT" python3 -m epython.bytecode --header > "$out/ep_bytecode.h"
    PYTHONPATH="$ROOT" python3 -m epython.layout --header > "$out/ep_layout.h"
    for f in "${SOURCES[@]}"; do
        o="$out/obj/${f%.*}.o"
        extra=()
        [ "$f" = vm.c ] && extra=(-ffixed-r8 -O2)      # the interpreter keeps its pc in r8
        epiphany-elf-gcc "${CFLAGS[@]}" "${extra[@]}" -I"$out" -I"$FW" -c "$FW/$f" -o "$o"
        objs+=("$o")
    done
    epiphany-elf-gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" "${objs[@]}" -lgcc -o "$out/epython-vm.elf"
}

case "${1:-}" in
    "")
        tmp=$(mktemp -d)
        trap 'rm -rf "$tmp"' EXIT
        build "$tmp"
        cp "$tmp/ep_bytecode.h" "$tmp/ep_layout.h" "$tmp/epython-vm.elf" "$FW/"
        epiphany-elf-size "$FW/epython-vm.elf"
        ;;
    --check)
        a=$(mktemp -d) b=$(mktemp -d)
        trap 'rm -rf "$a" "$b"' EXIT
        build "$a"
        build "$b"
        cmp -s "$a/epython-vm.elf" "$b/epython-vm.elf" || { echo "two builds differ" >&2; exit 1; }
        status=0
        for f in ep_bytecode.h ep_layout.h epython-vm.elf; do
            cmp -s "$a/$f" "$FW/$f" || { echo "differs from the committed file: $FW/$f" >&2; status=1; }
        done
        [ $status -eq 0 ] && echo "ePython VM firmware: reproducible, identical to the committed files"
        exit $status
        ;;
    *)
        echo "usage: $0 [--check]" >&2
        exit 2
        ;;
esac
