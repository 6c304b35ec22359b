/* layout.c -- the ESDK link conventions of our internal/fast/legacy.ldf: objects placed with
 * SECTION() into .data_bank1-3, code into .text_bank1/2 and code_dram, a shared_dram word,
 * .bss zeroed by the loader, initialised data, malloc from the core's own heap, newlib stdio
 * (one line per core).
 *
 * result records where things are and what the placed functions compute; the Python test
 * checks the addresses against the layout each script promises (docs/elib.md) and the values
 * against the C below. */
#include <stdio.h>
#include <stdlib.h>
#include "elib_test.h"

u32 bank1_data[4] SECTION(".data_bank1") = {11, 22, 33, 44};
u32 bank2_zero[64] SECTION(".data_bank2");
u32 bank3_word SECTION(".data_bank3") = 0x33;
volatile u32 shared_word SECTION("shared_dram");
u32 big_bss[100];
int data_init = 12345;

u32 SECTION(".text_bank1") in_bank1(u32 x)
{
    return 3 * x + 1;
}

u32 SECTION(".text_bank2") in_bank2(u32 x)
{
    return x ^ 0x5A5A;
}

u32 SECTION("code_dram") in_code_dram(u32 x)
{
    return x + 1000;
}

volatile e_barrier_t bar[16];
volatile e_barrier_t *tgt[16];

struct {
    u32 bank1_data, bank2_zero, bank3_word, shared_word, big_bss, data_init;    /* addresses */
    u32 in_bank1, in_bank2, in_code_dram, main_addr;                             /* addresses */
    u32 bank1_sum, bank2_sum, bank3_value, bss_sum, data_value;
    u32 f1, f2, f3;              /* in_bank1(5), in_bank2(5), in_code_dram(5) */
    u32 heap;                    /* malloc(100) */
    u32 heap_again;              /* malloc(100) after free: the same block */
    u32 done;
} result;
RESULT_WORDS(20);

int main(void)
{
    unsigned k = my_index(), i;
    void *p;
    e_barrier_init(bar, tgt);
    result.bank1_data = addr_of(bank1_data);
    result.bank2_zero = addr_of(bank2_zero);
    result.bank3_word = addr_of(&bank3_word);
    result.shared_word = addr_of(&shared_word);
    result.big_bss = addr_of(big_bss);
    result.data_init = addr_of(&data_init);
    result.in_bank1 = addr_of(in_bank1);
    result.in_bank2 = addr_of(in_bank2);
    result.in_code_dram = addr_of(in_code_dram);
    result.main_addr = addr_of(main);
    for (i = 0; i < 4; i++)
        result.bank1_sum += bank1_data[i];
    for (i = 0; i < 64; i++)
        result.bank2_sum += bank2_zero[i];
    for (i = 0; i < 100; i++)
        result.bss_sum += big_bss[i];
    result.bank3_value = bank3_word;
    result.data_value = data_init;
    result.f1 = in_bank1(5);
    result.f2 = in_bank2(5);
    result.f3 = in_code_dram(5);
    p = malloc(100);
    result.heap = addr_of(p);
    free(p);
    result.heap_again = addr_of(malloc(100));
    if (k == 0)
        shared_word = 0xABCD0000u | group_size();
    iprintf("layout: core %u of %u, data %d\n", k, group_size(), data_init);
    result.done = DONE;
    e_barrier(bar, tgt);
    return 0;
}
