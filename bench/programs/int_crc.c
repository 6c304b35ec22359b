/* Integer kernel: bitwise CRC-32 of a 4 KB buffer, repeated. */
#include "io.h"
static unsigned char buf[4096];

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
