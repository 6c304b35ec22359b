#!/usr/bin/env bash
# Rebuild tests/fixtures/faults/*.elf byte-for-byte with the real toolchain:
#   export PATH="$(../shared/toolchain/install.sh):$PATH"; tools/build_fault_fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures/faults"
CFLAGS=(-g -O1 -fdebug-prefix-map="$PWD"=. -Wl,--no-warn-rwx-segments)
for src in unaligned_sum spin_forever; do
    epiphany-elf-gcc "${CFLAGS[@]}" "$src.c" -o "$src.elf"
done
echo "rebuilt: $(ls *.elf | tr '\n' ' ')"
