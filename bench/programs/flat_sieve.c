/* Sieve of Eratosthenes in the default flat layout (code and data in external memory, as
 * epiphany-elf-gcc links for the GNU simulator): byte loads and stores, short loops. */
#include <stdio.h>
#define N 8000
static char flags[N];
int main(void)
{
    int count = 0;
    for (int rep = 0; rep < 40; rep++) {
        count = 0;
        for (int i = 0; i < N; i++)
            flags[i] = 1;
        for (int i = 2; i < N; i++)
            if (flags[i]) {
                count++;
                for (int k = i + i; k < N; k += i)
                    flags[k] = 0;
            }
    }
    printf("primes below %d: %d\n", N, count);
    return 0;
}
