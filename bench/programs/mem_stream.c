/* Memory kernel: copy, scale and reduce word arrays in local memory (load/store-bound). */
#include "io.h"
#define N 2048
static unsigned src[N], dst[N];

int main(void)
{
    unsigned sum = 0;
    for (int i = 0; i < N; i++)
        src[i] = i * 2654435761u;
    for (int r = 0; r < 60; r++) {
        for (int i = 0; i < N; i += 2) {
            dst[i] = src[i] + r;
            dst[i + 1] = src[i + 1] ^ r;
        }
        for (int i = 0; i < N; i++)
            sum += dst[i] >> 3;
    }
    bench_print_hex("stream ", sum);
    return 0;
}
