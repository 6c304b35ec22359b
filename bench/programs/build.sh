#!/usr/bin/env bash
# Rebuild the benchmark kernels byte-for-byte (needs epiphany-elf-gcc on PATH):
#   export PATH="$(../shared/toolchain/install.sh):$PATH"; bench/programs/build.sh
set -euo pipefail
cd "$(dirname "$0")"
FLAGS=(-O2 -nostdlib -nostartfiles -ffreestanding -T bench.ld -Wl,--no-warn-rwx-segments
       -fdebug-prefix-map="$PWD"=.)
for k in int_crc float_matmul mem_stream; do
    epiphany-elf-gcc "${FLAGS[@]}" crt0.S "$k.c" -o "$k.elf" -lgcc
done
# the newlib printf-heavy program in the default flat layout (external memory)
epiphany-elf-gcc -O2 -Wl,--no-warn-rwx-segments -fdebug-prefix-map="$PWD"=. \
    flat_printf.c -o flat_printf.elf -lm
echo "built: $(ls *.elf | tr '\n' ' ')"
