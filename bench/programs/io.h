/* Tiny output for the benchmark kernels: write(1, ...) through TRAP 0. */
static inline int bench_write(const char *s, int n)
{
    register int r0 __asm__("r0") = 1;
    register const char *r1 __asm__("r1") = s;
    register int r2 __asm__("r2") = n;
    __asm__ volatile("trap 0" : "+r"(r0) : "r"(r1), "r"(r2) : "r3", "memory");
    return r0;
}

static void bench_print_hex(const char *label, unsigned v)
{
    char buf[32];
    int n = 0;
    while (*label)
        buf[n++] = *label++;
    for (int sh = 28; sh >= 0; sh -= 4)
        buf[n++] = "0123456789abcdef"[(v >> sh) & 15];
    buf[n++] = '\n';
    bench_write(buf, n);
}
