/* shm.c -- e_shm_attach/e_shm_release and the e_trace calls, against a shared-memory table a
 * host prepared (the Python test writes it at 0x8F000000 before the cores start, in the layout
 * of e_shm.h; docs/elib.md).
 *
 * Expected: "test_shm" attaches (E_OK) with the host's size and addresses; "gone" (an entry the
 * host marked invalid) and "nope" do not (E_ERR), nor a NULL name; e_shm_release says E_OK for
 * "test_shm" and E_ERR for "nope".  Core k writes 16 bytes {coreid, k, 0xC0DE0000 | k,
 * ~coreid} at offset 64 k of the segment with e_write, and reads 16 bytes the host left at
 * offset 2048 with e_read.  The trace: trace_init, trace_start, three trace_write, trace_stop;
 * the records land in core k's slice of "trace_buffer". */
#include "elib_test.h"
#include "e_trace.h"

volatile e_barrier_t bar[16];
volatile e_barrier_t *tgt[16];

struct {
    u32 seg[5];                  /* e_shm_attach("test_shm"): objtype, phy_base, ephy_base, size, type */
    u32 attach_rc;
    u32 gone_rc, missing_rc, null_rc;
    u32 release_rc, release_missing_rc;
    u32 wrote_to;                /* e_write's return */
    u32 host_words[4];           /* e_read from offset 2048 */
    u32 trace_init_rc;
    u32 done;
} result;
RESULT_WORDS(17);

int main(void)
{
    e_memseg_t seg;
    unsigned k = my_index();
    u32 mine[4];
    e_barrier_init(bar, tgt);
    result.attach_rc = (u32)e_shm_attach(&seg, "test_shm");
    result.seg[0] = seg.objtype;
    result.seg[1] = (u32)seg.phy_base;
    result.seg[2] = (u32)seg.ephy_base;
    result.seg[3] = seg.size;
    result.seg[4] = seg.type;
    result.gone_rc = (u32)e_shm_attach(&seg, "gone");
    result.missing_rc = (u32)e_shm_attach(&seg, "nope");
    result.null_rc = (u32)e_shm_attach(&seg, 0);
    result.release_rc = (u32)e_shm_release("test_shm");
    result.release_missing_rc = (u32)e_shm_release("nope");

    e_shm_attach(&seg, "test_shm");
    mine[0] = e_get_coreid();
    mine[1] = k;
    mine[2] = 0xC0DE0000u | k;
    mine[3] = ~mine[0];
    result.wrote_to = addr_of(e_write(&seg, mine, 0, 0, (void *)(64 * k), sizeof mine));
    e_read(&seg, result.host_words, 0, 0, (void *)2048, sizeof result.host_words);

    result.trace_init_rc = (u32)trace_init();
    trace_start();
    trace_write(T_SEVERITY_WARNING, T_EVENT_PROGRAM_START, T_BP_1, 0x11);
    trace_write(T_SEVERITY_NOTICE, T_EVENT_PROCESSING_START, T_BP_2, 0x22);
    trace_write(T_SEVERITY_DEBUG, T_EVENT_PROGRAM_STOP, T_BP_15, 0x33);
    trace_stop();
    result.done = DONE;
    e_barrier(bar, tgt);
    return 0;
}
