/* matmul.c -- the device half of tests/host/matmul.c: C = A x B, N x N floats, on a
 * workgroup of G cores (G divides N); core k = row * cols + col computes rows
 * [k * N/G, (k+1) * N/G) of C.
 *
 * Before the start the host writes: B (N x N, row-major) at B_AT, this core's rows of A at
 * A_AT, MBOX[0] = the device address of the result buffer (e_alloc), MBOX[1] = N.  The core
 * stores its rows of C at result + 4 * N * first_row, then the done flag: the word at
 * result + 4 * N * N + 4 * k becomes k + 1.
 *
 * Each element: c = 0.0f; for j in 0..N-1: c = c + a[i][j] * b[j][l] (single precision, no
 * fused multiply-add: -ffp-contract=off), the order the host's reference uses. */
#include "common.h"

#define B_AT ((const volatile float *)0x5000)
#define A_AT ((const volatile float *)0x6000)

int main(void)
{
    unsigned k = eprt_row() * eprt_cols() + eprt_col();
    unsigned g = eprt_rows() * eprt_cols();
    volatile float *result = (volatile float *)MBOX[0];
    unsigned n = MBOX[1], rows = n / g, i, j, l;

    for (i = 0; i < rows; i++)
        for (l = 0; l < n; l++) {
            float c = 0.0f;
            for (j = 0; j < n; j++)
                c = c + A_AT[i * n + j] * B_AT[j * n + l];
            result[(k * rows + i) * n + l] = c;
        }
    ((volatile u32 *)result)[n * n + k] = k + 1;
    return 0;
}
