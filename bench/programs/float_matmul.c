/* Float kernel: 32x32 single-precision matrix multiply, repeated (FMADD-heavy). */
#include "io.h"
#define N 32
static float a[N][N], b[N][N], c[N][N];

int main(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (float)(i + j) * 0.25f;
            b[i][j] = (float)(i - j) * 0.125f;
        }
    for (int r = 0; r < 30; r++)
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                float s = 0.0f;
                for (int k = 0; k < N; k++)
                    s += a[i][k] * b[k][j];
                c[i][j] = s + (float)r;
            }
    union { float f; unsigned u; } v = { c[7][11] + c[N - 1][N - 1] };
    bench_print_hex("matmul ", v.u);
    return 0;
}
