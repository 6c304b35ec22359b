/* eprt_print.c -- a minimal printf on eprt_write().  See eprt.h, docs/runtime.md. */
#include <stdarg.h>
#include "eprt.h"

#define BUF_SIZE 256

struct out {
    char buf[BUF_SIZE];
    unsigned len;
    int total;
};

static void flush(struct out *o)
{
    if (o->len) {
        eprt_write(1, o->buf, o->len);
        o->total += o->len;
        o->len = 0;
    }
}

static void put(struct out *o, char c)
{
    if (o->len == BUF_SIZE)
        flush(o);
    o->buf[o->len++] = c;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* decimal digits of v into tmp (reversed), without division */
static unsigned utoa10(uint32_t v, char *tmp)
{
    static const uint32_t pow10[10] = {
        1000000000u, 100000000u, 10000000u, 1000000u, 100000u,
        10000u, 1000u, 100u, 10u, 1u
    };
    unsigned n = 0, i;
    int started = 0;
    for (i = 0; i < 10; i++) {
        char d = '0';
        while (v >= pow10[i]) {
            v -= pow10[i];
            d++;
        }
        if (d != '0' || started || i == 9) {
            tmp[n++] = d;
            started = 1;
        }
    }
    return n;
}

static unsigned utoa16(uint32_t v, char *tmp, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned n = 0;
    int shift;
    for (shift = 28; shift >= 0; shift -= 4) {
        unsigned d = (v >> shift) & 15;
        if (d || n || shift == 0)
            tmp[n++] = digits[d];
    }
    return n;
}

static void field(struct out *o, const char *s, unsigned n, int width, int left, char padc,
                  char sign)
{
    int fill = width - (int)n - (sign ? 1 : 0);
    if (!left && padc == ' ')
        pad(o, ' ', fill);
    if (sign)
        put(o, sign);
    if (!left && padc == '0')
        pad(o, '0', fill);
    while (n--)
        put(o, *s++);
    if (left)
        pad(o, ' ', fill);
}

int eprt_printf(const char *fmt, ...)
{
    struct out o;
    va_list ap;
    char tmp[12];
    o.len = 0;
    o.total = 0;
    va_start(ap, fmt);
    while (*fmt) {
        char c = *fmt++;
        int left = 0, width = 0;
        char padc = ' ';
        if (c != '%') {
            put(&o, c);
            continue;
        }
        for (;; fmt++) {
            if (*fmt == '-')
                left = 1;
            else if (*fmt == '0')
                padc = '0';
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')
            fmt++;
        if (left)
            padc = ' ';
        c = *fmt ? *fmt++ : 0;
        switch (c) {
        case 'd':
        case 'i': {
            int32_t v = va_arg(ap, int32_t);
            uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
            field(&o, tmp, utoa10(u, tmp), width, left, padc, v < 0 ? '-' : 0);
            break;
        }
        case 'u':
            field(&o, tmp, utoa10(va_arg(ap, uint32_t), tmp), width, left, padc, 0);
            break;
        case 'x':
        case 'X':
            field(&o, tmp, utoa16(va_arg(ap, uint32_t), tmp, c == 'X'), width, left, padc, 0);
            break;
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            field(&o, tmp, utoa16((uint32_t)(uintptr_t)va_arg(ap, void *), tmp, 0), width,
                  left, padc, 0);
            break;
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            field(&o, tmp, 1, width, left, ' ', 0);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            unsigned n = 0;
            if (!s)
                s = "(null)";
            while (s[n])
                n++;
            field(&o, s, n, width, left, ' ', 0);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case 0:
            break;
        default:
            put(&o, '%');
            put(&o, c);
            break;
        }
    }
    va_end(ap);
    flush(&o);
    return o.total;
}
