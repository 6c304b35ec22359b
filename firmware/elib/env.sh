# env.sh -- sourced by the e-lib build scripts (firmware/elib/build.sh, tests/elib/build.sh):
# puts the Epiphany toolchain on PATH, moves to the repository root (ROOT) and sets CFLAGS,
# the flags every e-lib object and test program is compiled with.  Reproducible output:
# relative paths from ROOT, the root and the toolchain prefix mapped out of the debug
# information, a fixed locale and SOURCE_DATE_EPOCH.
if ! command -v epiphany-elf-gcc >/dev/null 2>&1; then
    export PATH="/root/.local/epiphany-elf/bin:$PATH"
fi
command -v epiphany-elf-gcc >/dev/null || { echo "epiphany-elf toolchain not found" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export LC_ALL=C SOURCE_DATE_EPOCH=0

TC=$(cd "$(dirname "$(command -v epiphany-elf-gcc)")/.." && pwd)
TC_REAL=$(cd "$TC" && pwd -P)
CFLAGS=(-O2 -std=gnu11 -Wall -Wextra -Werror -ffp-contract=off
        "-fdebug-prefix-map=$ROOT=." "-fdebug-prefix-map=$TC=/epiphany-toolchain")
if [ "$TC_REAL" != "$TC" ]; then
    CFLAGS+=("-fdebug-prefix-map=$TC_REAL=/epiphany-toolchain")
fi
