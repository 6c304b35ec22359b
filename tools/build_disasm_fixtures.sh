#!/usr/bin/env bash
# Rebuild the ELF fixtures of tests/loader/test_objdump.py and their golden listings.
#
#   tools/build_disasm_fixtures.sh
#
# Needs the Epiphany GNU toolchain (epiphany-elf-gcc/-as/-ld/-strip/-objdump) on PATH, or
# installed in /root/.local/epiphany-elf/bin.  Writes, in tests/fixtures/disasm/:
#   NAME-O0.elf NAME-O2.elf   for each NAME.c (printf_loops-O2.elf is built with -g)
#   funcptr_static-O2.o       a compiled relocatable object (-ffunction-sections)
#   float_ll-O2-stripped.elf  a stripped executable (no symbols at all)
#   asm_obj.o                 asm_obj.s assembled (relocatable, several code sections)
#   asm_edges.elf             asm_edges.s assembled and linked with ld -Ttext=0
#   FILE.dis                  `epiphany-elf-objdump -d FILE` for each FILE above
#   FILE.*.dis                listings with -j / --start-address / --stop-address
#   FILE.x.dis                `epiphany-elf-objdump -x FILE` (every header) for each FILE
#   printf_loops-O2.elf.S.dis `epiphany-elf-objdump -S` (source interleaved; run here, where
#                             the debug information finds printf_loops.c)
# The build is reproducible byte for byte: it runs inside the fixture directory with relative
# paths, and -fdebug-prefix-map removes the directory from the debug information.
set -euo pipefail

if ! command -v epiphany-elf-objdump >/dev/null 2>&1; then
    export PATH="/root/.local/epiphany-elf/bin:$PATH"
fi
command -v epiphany-elf-gcc >/dev/null || { echo "epiphany-elf toolchain not found" >&2; exit 1; }

cd "$(dirname "$0")/../tests/fixtures/disasm"
export LC_ALL=C SOURCE_DATE_EPOCH=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

CFLAGS=(-fdebug-prefix-map="$PWD"=.)
LDFLAGS=(-Wl,--no-warn-rwx-segments)

for name in printf_loops float_ll funcptr_static; do
    o0=()
    # epiphany-elf-gcc 12.2 has an internal compiler error at -O0 whenever it must switch the
    # FPU mode (default -mfp-mode=caller) around a float->int conversion or an integer
    # multiply (done by the FPU in integer mode): give those files a fixed mode instead
    [ "$name" = float_ll ] && o0=(-mfp-mode=truncate)
    [ "$name" = funcptr_static ] && o0=(-mfp-mode=int)
    epiphany-elf-gcc -O0 "${o0[@]}" "${CFLAGS[@]}" "$name.c" -o "$name-O0.elf" "${LDFLAGS[@]}"
    extra=()
    [ "$name" = printf_loops ] && extra=(-g)
    epiphany-elf-gcc -O2 "${extra[@]}" "${CFLAGS[@]}" "$name.c" -o "$name-O2.elf" "${LDFLAGS[@]}"
done
epiphany-elf-gcc -O2 -ffunction-sections -fdata-sections "${CFLAGS[@]}" -c funcptr_static.c \
    -o funcptr_static-O2.o
epiphany-elf-strip -o float_ll-O2-stripped.elf float_ll-O2.elf

epiphany-elf-as asm_obj.s -o asm_obj.o
epiphany-elf-as asm_edges.s -o "$tmp/asm_edges.o"
epiphany-elf-ld -Ttext=0 --no-warn-rwx-segments "$tmp/asm_edges.o" -o asm_edges.elf

for f in *.elf *.o; do
    epiphany-elf-objdump -d "$f" > "$f.dis"
    epiphany-elf-objdump -x "$f" > "$f.x.dis"
done
epiphany-elf-objdump -S printf_loops-O2.elf > printf_loops-O2.elf.S.dis
# listings with options (names listed in tests/loader/test_objdump.py OPTION_GOLDENS)
epiphany-elf-objdump -d --start-address=0x42 --stop-address=0x70 asm_edges.elf \
    > asm_edges.elf.range.dis
epiphany-elf-objdump -d -j .data -j .nosym -j .bss asm_edges.elf > asm_edges.elf.sections.dis
epiphany-elf-objdump -d -j .text.other asm_obj.o > asm_obj.o.sections.dis
ls -l *.elf *.o *.dis
