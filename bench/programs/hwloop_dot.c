/* Hardware-loop kernels: float dot products and an integer mix over word arrays in local
   memory, their inner loops hand-written with the zero-overhead hardware loop (LS, LE, LC:
   hwloop_kernels.S), as Adapteva's tuned kernels are (e-gcc does not emit hardware loops). */
#include "io.h"
#define N 1024
/* the data in banks 2 and 3 of the SRAM, away from the code's bank 0, as tuned kernels
   place it (a load in the bank of the next instruction fetch delays the fetch a cycle) */
#define A ((float *)0x4000)
#define B ((float *)0x5000)
#define W ((unsigned *)0x6000)

float dot_hw(const float *a, const float *b, unsigned n);     /* n: a multiple of 4 */
unsigned mix_hw(const unsigned *w, unsigned n);               /* n: a multiple of 2 */

int main(void)
{
    float s = 0.0f;
    unsigned h = 0, d = 0;
    for (int i = 0; i < N; i++) {
        A[i] = (float)(i & 15) * 0.25f;          /* (exact products and sums) */
        B[i] = (float)((i * 7) & 31) - 8.0f;
        W[i] = i * 2654435761u;
    }
    for (int r = 0; r < 1500; r++) {
        s = dot_hw(A, B, N);
        d += (unsigned)(int)s;
        h ^= mix_hw(W, N) + r;
    }
    bench_print_hex("dot ", d);
    bench_print_hex("mix ", h);
    return 0;
}
