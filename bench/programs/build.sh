#!/usr/bin/env bash
# Rebuild the benchmark kernels byte-for-byte (needs epiphany-elf-gcc on PATH):
#   export PATH="$(../shared/toolchain/install.sh):$PATH"; bench/programs/build.sh
set -euo pipefail
cd "$(dirname "$0")"
FLAGS=(-O2 -nostdlib -nostartfiles -ffreestanding -T bench.ld -Wl,--no-warn-rwx-segments
       -fdebug-prefix-map="$PWD"=.)
# crt0.S is assembled on its own: given with the C file, gcc names its temporary object in
# the symbol table (a random name, so no two builds would be byte-identical)
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
epiphany-elf-gcc -O2 -c crt0.S -o "$TMP/crt0.o"
for k in int_crc float_matmul mem_stream; do
    epiphany-elf-gcc "${FLAGS[@]}" "$TMP/crt0.o" "$k.c" -o "$k.elf" -lgcc
done
# hand-written hardware loops (LS/LE/LC), assembled on their own as crt0.S
epiphany-elf-gcc -O2 -c hwloop_kernels.S -o "$TMP/hwloop_kernels.o"
epiphany-elf-gcc "${FLAGS[@]}" "$TMP/crt0.o" "$TMP/hwloop_kernels.o" hwloop_dot.c \
    -o hwloop_dot.elf -lgcc
# the newlib printf-heavy program in the default flat layout (external memory)
epiphany-elf-gcc -O2 -Wl,--no-warn-rwx-segments -fdebug-prefix-map="$PWD"=. \
    flat_printf.c -o flat_printf.elf -lm
# a byte-array kernel in the same layout (the GNU simulator's programs are linked so)
epiphany-elf-gcc -O2 -Wl,--no-warn-rwx-segments -fdebug-prefix-map="$PWD"=. \
    flat_sieve.c -o flat_sieve.elf
# code in external DRAM, the ESDK way: the kernel in .code_dram (fast.ld: shared DRAM, the
# buffer in SRAM), and the whole program, data included, in the core's DRAM slice (legacy.ld)
LD=../../firmware/ldscripts
epiphany-elf-gcc -O2 -T $LD/fast.ld -Wl,--no-warn-rwx-segments -fdebug-prefix-map="$PWD"=. \
    dram_crc.c -o dram_crc.elf
epiphany-elf-gcc -O2 -T $LD/legacy.ld -Wl,--no-warn-rwx-segments -fdebug-prefix-map="$PWD"=. \
    int_crc.c -o legacy_crc.elf
echo "built: $(ls *.elf | tr '\n' ' ')"
