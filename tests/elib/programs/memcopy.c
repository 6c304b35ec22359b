/* memcopy.c -- e_read/e_write between cores (through &e_group_config), with external memory
 * (through &e_emem_config) and with this core (E_SELF).
 *
 * Core k (group index, n cores) fills `outbox` with pattern(k, i) = k * 0x01010101 ^ i * 37.
 * It then writes 13 bytes of it with e_write into `inbox` + 3 of core k+1 (mod n), and after a
 * barrier reads 20 bytes of core k-1's `outbox` + 5 with e_read.  It writes 24 bytes to external
 * memory at offset 0x01100000 + 64 k (0x8F100000 + 64 k as the cores see it) and reads them
 * back.  `result` keeps the pointers the calls returned and the bytes seen. */
#include <string.h>
#include "elib_test.h"

volatile e_barrier_t bar[16];
volatile e_barrier_t *tgt[16];

unsigned char outbox[32];
unsigned char inbox[32];

struct {
    u32 wrote_to;                /* e_write's return (remote) */
    u32 read_from;               /* e_read's return (remote) */
    u32 ext_wrote_to, ext_read_from, self_read_from;
    unsigned char inbox[32];     /* inbox after the barrier */
    unsigned char got[20];       /* what e_read brought from core k-1 */
    unsigned char ext[24];       /* read back from external memory */
    unsigned char self[8];       /* e_read(E_SELF, E_SELF, outbox + 1) */
    u32 done;
} result;
RESULT_WORDS(26);

static void coords_of(unsigned k, unsigned *r, unsigned *c)
{
    *r = k / e_group_config.group_cols;
    *c = k % e_group_config.group_cols;
}

int main(void)
{
    unsigned k = my_index(), n = group_size(), i, r, c;
    for (i = 0; i < sizeof outbox; i++)
        outbox[i] = (unsigned char)(k * 0x01010101u ^ i * 37);
    e_barrier_init(bar, tgt);
    e_barrier(bar, tgt);         /* everyone's outbox is ready */

    coords_of((k + 1) % n, &r, &c);
    result.wrote_to = addr_of(e_write(&e_group_config, outbox, r, c, inbox + 3, 13));
    coords_of((k + n - 1) % n, &r, &c);
    result.read_from = addr_of(e_read(&e_group_config, result.got, r, c, outbox + 5, 20));

    result.ext_wrote_to = addr_of(e_write(&e_emem_config, outbox + 2, 0, 0,
                                          (void *)(0x01100000 + 64 * k), 24));
    result.ext_read_from = addr_of(e_read(&e_emem_config, result.ext, 0, 0,
                                          (void *)(0x01100000 + 64 * k), 24));
    result.self_read_from = addr_of(e_read(&e_group_config, result.self, E_SELF, E_SELF,
                                           outbox + 1, 8));

    e_barrier(bar, tgt);         /* every inbox has been written */
    memcpy(result.inbox, inbox, sizeof inbox);
    result.done = DONE;
    e_barrier(bar, tgt);
    return 0;
}
