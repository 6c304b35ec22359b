/* common.h -- what the device programs of tests/host share with their host programs
 * (the .c files of tests/host): the mailbox every host program reads and writes with e_read/e_write,
 * and a lookup of e-hal's shared-memory table by the layout the ESDK documents (the device
 * library of our own is written separately; this is an independent reading of the layout).
 *
 * Every program runs on each core of its workgroup without a barrier (a host program may
 * load the cores one by one); a core finds its place from its COREID and the workgroup
 * record the loader wrote (eprt_row/eprt_col/eprt_rows/eprt_cols). */
#ifndef HOST_DEVICE_COMMON_H
#define HOST_DEVICE_COMMON_H

#include <stdint.h>
#include "eprt.h"

typedef unsigned int u32;
typedef unsigned char u8;
typedef unsigned long long u64;

/* the mailbox: 64 words at this local address of every core (above the program, below the
 * stack) */
#define MBOX ((volatile u32 *)0x7000)

/* the shared-memory table of e-hal's e_shm_alloc: 0x8f000000, packed, pointers widened to
 * 64 bits: magic, initialized, 64 regions of {addr 8, name[256], size 8, paddr 8, offset 8,
 * refcnt 4, valid 4} (296 bytes each), then six 64-bit words */
#define SHM_TABLE 0x8f000000u
#define SHM_MAGIC 0xabcdef00u
#define SHM_REGIONS 64
#define SHM_REGION_BYTES 296

/* the device address of the segment called `name`, 0 if there is none; its size in *size */
static inline u32 shm_find(const char *name, u32 *size)
{
    const volatile u8 *t = (const volatile u8 *)SHM_TABLE;
    unsigned i, j;
    if (*(const volatile u32 *)t != SHM_MAGIC || !*(const volatile u32 *)(t + 4))
        return 0;
    for (i = 0; i < SHM_REGIONS; i++) {
        const volatile u8 *r = t + 8 + i * SHM_REGION_BYTES;
        if (*(const volatile u32 *)(r + 292) != 1)              /* valid */
            continue;
        for (j = 0; j < 256 && r[8 + j] == (u8)name[j] && name[j]; j++)
            ;
        if (j < 256 && r[8 + j] == (u8)name[j]) {
            *size = *(const volatile u32 *)(r + 264);             /* size (low word) */
            return *(const volatile u32 *)(r + 272);              /* paddr (low word) */
        }
    }
    return 0;
}

/* decimal and hexadecimal into a buffer (no stdio on the device): the end of the text */
static inline char *put_str(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static inline char *put_dec(char *p, u32 v)
{
    char t[10];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = t[--n];
    return p;
}

static inline char *put_hex3(char *p, u32 v)
{
    static const char digits[] = "0123456789abcdef";
    *p++ = digits[(v >> 8) & 15];
    *p++ = digits[(v >> 4) & 15];
    *p++ = digits[v & 15];
    return p;
}

#endif
