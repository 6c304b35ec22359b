/* The first program to run: `epiphany-emu load examples/hello.elf`.
 * Built by tools/build_fixtures.py (epiphany-elf-gcc -O2 -g, default flat layout at
 * 0x80000000); its expected output is examples/hello.expected. */
#include <stdio.h>

static unsigned fib(unsigned n)
{
    unsigned a = 0, b = 1;
    while (n--) {
        unsigned t = a + b;
        a = b;
        b = t;
    }
    return a;
}

int main(void)
{
    volatile int n = 10;
    int sum = 0;
    for (int i = 1; i <= n; i++)
        sum += i * i;
    float x = 2.0f;
    for (int i = 0; i < 4; i++) /* Newton's method for sqrt(2) on the FPU */
        x = 0.5f * (x + 2.0f / x);
    printf("Hello from Epiphany!\n");
    printf("sum of squares 1..%d = %d\n", (int)n, sum);
    printf("fib(%d) = %u, 100 / 7 = %d r %d\n", 3 * n, fib(3 * (unsigned)n), 100 / n * 7 / 7 + 4,
           100 % (n - 3));
    printf("sqrt(2) ~ %.6f\n", x);
    return 0;
}
