/* A newlib program in the default flat layout: formatted output and soft double arithmetic. */
#include <stdio.h>
#include <math.h>
int main(void)
{
    double acc = 0.0;
    for (int i = 1; i <= 3000; i++) {
        acc += sqrt((double)i) / (double)(i + 1);
        if (i % 1000 == 0)
            printf("i=%d acc=%.12f\n", i, acc);
    }
    return 0;
}
