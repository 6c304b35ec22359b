/* matmul.c -- a 16-core matrix product driven the ESDK way (device half: device/matmul.c).
 *
 *   matmul DEVICE.elf [ROWS COLS]
 *
 * C = A x B with N = 32: B and each core's rows of A go into the cores' memory with e_write,
 * the result buffer is e_alloc'd DRAM (cleared first), the cores are started with
 * e_start_group, the host polls one done flag per core in DRAM, then reads C and compares
 * every element bit for bit with the product computed here in the same order (single
 * precision, c = c + a * b, no fused multiply-add).  Prints "matmul: N x N on G cores ok". */
#include <stdlib.h>
#include <string.h>
#include <e-hal.h>
#include <e-loader.h>
#include "poll.h"

#define N 32
#define RESULT_OFFSET 0x01800000    /* 0x8f800000 for the cores, clear of the shm table */
#define B_AT 0x5000
#define A_AT 0x6000

static float A[N][N], B[N][N], C[N][N], want[N][N];

int main(int argc, char *argv[])
{
    e_platform_t platform;
    e_epiphany_t dev;
    e_mem_t res;
    unsigned rows, cols, g, per, r, c, i, j, l, bad = 0;
    unsigned n = N;
    static unsigned zero[N * N + 64];

    if (argc < 2) {
        fprintf(stderr, "usage: matmul DEVICE.elf [ROWS COLS]\n");
        return 2;
    }
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            A[i][j] = (float)((i * 31 + j * 17) % 23) / 7.0f - 1.5f;
            B[i][j] = (float)((i * 13 + j * 29) % 19) / 3.0f + 0.25f;
        }
    for (i = 0; i < N; i++)
        for (l = 0; l < N; l++) {
            /* every product and sum rounded to float (stored: x87 keeps more bits) */
            volatile float s = 0.0f;
            for (j = 0; j < N; j++) {
                volatile float p = A[i][j] * B[j][l];
                s = s + p;
            }
            want[i][l] = s;
        }

    if (e_init(NULL) != E_OK)
        return 1;
    e_reset_system();
    e_get_platform_info(&platform);
    rows = argc > 3 ? (unsigned)atoi(argv[2]) : platform.rows;
    cols = argc > 3 ? (unsigned)atoi(argv[3]) : platform.cols;
    g = rows * cols;
    per = N / g;
    if (g == 0 || N % g) {
        fprintf(stderr, "matmul: %u cores do not divide %u rows\n", g, N);
        return 2;
    }
    if (e_alloc(&res, RESULT_OFFSET, sizeof C + 4 * g) != E_OK ||
        e_write(&res, 0, 0, 0, zero, sizeof C + 4 * g) != (ssize_t)(sizeof C + 4 * g))
        return 1;
    if (e_open(&dev, 0, 0, rows, cols) != E_OK ||
        e_load_group(argv[1], &dev, 0, 0, rows, cols, E_FALSE) != E_OK)
        return 1;
    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++) {
            unsigned k = e_get_num_from_coords(&dev, r, c);
            unsigned addr = (unsigned)res.ephy_base;
            e_write(&dev, r, c, B_AT, B, sizeof B);
            e_write(&dev, r, c, A_AT, A[k * per], per * sizeof A[0]);
            e_write(&dev, r, c, MBOX, &addr, 4);
            e_write(&dev, r, c, MBOX + 4, &n, 4);
        }
    e_start_group(&dev);
    for (i = 0; i < g; i++) {
        unsigned last;
        e_get_coords_from_num(&dev, i, &r, &c);
        if (!wait_word(&res, 0, 0, sizeof C + 4 * i, i + 1, 120, &last)) {
            fprintf(stderr, "matmul: core %u (%u,%u) not done (flag %u)\n", i, r, c, last);
            return 1;
        }
    }
    if (e_read(&res, 0, 0, 0, C, sizeof C) != sizeof C)
        return 1;
    for (i = 0; i < N; i++)
        for (l = 0; l < N; l++)
            if (memcmp(&C[i][l], &want[i][l], sizeof(float)) != 0 && bad++ < 5)
                fprintf(stderr, "matmul: C[%u][%u] = %.9g, expected %.9g\n", i, l,
                        (double)C[i][l], (double)want[i][l]);
    e_close(&dev);
    e_free(&res);
    e_finalize();
    if (bad) {
        fprintf(stderr, "matmul: %u wrong elements\n", bad);
        return 1;
    }
    printf("matmul: %u x %u on %u cores ok\n", N, N, g);
    return 0;
}
