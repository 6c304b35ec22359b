/* int_crc with its code in external DRAM (the ESDK way of linking big programs): the CRC
 * kernel sits in .code_dram, which fast.ld places at 0x8E000000 (shared, read-only); the
 * buffer stays in SRAM.  Run on one core or on all 16: host time must follow the emulated
 * instructions, not the stall cycles of fetching them from DRAM. */
#include "io.h"
static unsigned char buf[4096];

__attribute__((section(".code_dram"), noinline))
static unsigned crc32(const unsigned char *p, int n, unsigned crc)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}

int main(void)
{
    unsigned x = 12345, crc = 0;
    for (int i = 0; i < (int)sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = x >> 16;
    }
    for (int r = 0; r < 40; r++)
        crc = crc32(buf, sizeof buf, crc);
    bench_print_hex("crc ", crc);
    return 0;
}
