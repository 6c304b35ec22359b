/* comm.c -- core-to-core messages, the barrier, broadcast and reduction (spec §1.7).
 *
 * Postbox protocol: every core has a 6-byte inbound slot per sender at postbox_start + 6 *
 * sender (type, 4 value bytes, sequence byte).  One sequence counter per partner counts both
 * directions.  A sender bumps it, writes the slot remotely (sequence byte last; stores from one
 * core to one core arrive in order), bumps it again and -- when blocking -- polls the remote
 * slot until the receiver has written that value back.  The receiver bumps its counter, waits
 * for its local slot to show it, bumps again and writes the acknowledgement into the slot.
 *
 * Barrier: the lowest active core is the master.  Arriving at generation g, a core writes g into
 * its word of the master's `arrive` array and spins on its local `release` word; the master waits
 * for every active core's word, then writes g into every active core's `release`.  All spinning
 * is on local memory, and the words are in .ep_remote (loaded as zeros, never cleared at
 * start-up) so that an early core's write is not wiped out by a late core's start-up code.
 */
#include "ep_vm.h"

#define REMOTE __attribute__((section(".ep_remote")))

static volatile uint32_t bar_arrive[EP_TOTAL_CORES] REMOTE;
static volatile uint32_t bar_release REMOTE;
static uint32_t bar_gen;
static volatile uint32_t *bar_arrive_at_master;
static volatile uint32_t *bar_release_at[EP_TOTAL_CORES];

static uint8_t seqv[EP_TOTAL_CORES];
static volatile uint8_t *slot_at[EP_TOTAL_CORES];      /* my slot in each core's postbox */

void ep_comm_init(void)
{
    for (int i = 0; i < EP_TOTAL_CORES; i++) {
        if (!ep_active[i])
            continue;
        slot_at[i] = (volatile uint8_t *)ep_global_address(
            i, ep_postbox[i] + (uint32_t)ep_id * EP_POSTBOX_SLOT);
        bar_release_at[i] = (volatile uint32_t *)ep_global_address(i, (uint32_t)&bar_release);
    }
    bar_arrive_at_master = (volatile uint32_t *)ep_global_address(
        ep_lowest, (uint32_t)&bar_arrive[ep_id]);
}

void ep_barrier(void)
{
    uint32_t g = ++bar_gen;
    if (ep_id == ep_lowest) {
        for (int i = 0; i < EP_TOTAL_CORES; i++)
            if (ep_active[i] && i != ep_id)
                while (bar_arrive[i] != g)
                    ;
        for (int i = 0; i < EP_TOTAL_CORES; i++)
            if (ep_active[i] && i != ep_id)
                *bar_release_at[i] = g;
    } else {
        *bar_arrive_at_master = g;
        while (bar_release != g)
            ;
    }
}

/* getLargestCoreId of ePython: ids below the result are device cores, the others host
 * virtual cores; an id that is neither is an error */
static int device_limit(int id)
{
    int limit = ep_base_host;
    if (id >= ep_nprocs) {
        if (id < EP_TOTAL_CORES && ep_active[id])
            limit = ep_max_active + 1;
        else
            ep_error(ERR_RECV_FROM_UNKNOWN_CORE);
    }
    return limit;
}

static void check_active(int id, unsigned err)
{
    if (id < 0 || id >= EP_TOTAL_CORES || !ep_active[id])
        ep_error(err);
}

static inline volatile uint8_t *my_slot(int source)
{
    return (volatile uint8_t *)(ep_postbox[ep_id] + (uint32_t)source * EP_POSTBOX_SLOT);
}

static void put_slot(volatile uint8_t *r, val_t v, uint8_t seq)
{
    uint32_t d = V_DATA(v);
    r[0] = (uint8_t)V_TYPE(v);
    r[1] = (uint8_t)d;
    r[2] = (uint8_t)(d >> 8);
    r[3] = (uint8_t)(d >> 16);
    r[4] = (uint8_t)(d >> 24);
    r[5] = seq;
}

static val_t recv_device(int source)
{
    check_active(source, ERR_RECV_FROM_INACTIVE_CORE);
    volatile uint8_t *s = my_slot(source);
    uint8_t want = ++seqv[source];
    while (s[5] != want)
        ;
    uint8_t ack = ++seqv[source];
    uint32_t d = s[1] | (s[2] << 8) | (s[3] << 16) | ((uint32_t)s[4] << 24);
    val_t v = V_MAKE(s[0], DTYPE_SCALAR, d);
    s[5] = ack;
    return v;
}

/* messages to host virtual cores (commands 5-7; served by the host's vcore threads) */
static val_t host_message(unsigned cmd, int pid, val_t v)
{
    volatile struct core_ctrl *c = ep_me;
    uint32_t d = V_DATA(v);
    *(volatile uint32_t *)&c->data[EP_DATA_PID] = (uint32_t)pid;
    c->data[EP_DATA_MSG_TYPE] = (uint8_t)V_TYPE(v);
    c->data[EP_DATA_MSG_VALUE] = (uint8_t)d;
    c->data[EP_DATA_MSG_VALUE + 1] = (uint8_t)(d >> 8);
    c->data[EP_DATA_MSG_VALUE + 2] = (uint8_t)(d >> 16);
    c->data[EP_DATA_MSG_VALUE + 3] = (uint8_t)(d >> 24);
    ep_request(cmd);
    unsigned t = cmd == CMD_SENDRECV_HOST ? EP_DATA_SENDRECV_TYPE : EP_DATA_MSG_TYPE;
    d = c->data[t + 1] | (c->data[t + 2] << 8) | (c->data[t + 3] << 16)
        | ((uint32_t)c->data[t + 4] << 24);
    return V_MAKE(c->data[t], DTYPE_SCALAR, d);
}

void ep_send(val_t v, int target, int blocking)
{
    if (V_TYPE(v) == T_STRING)
        ep_error(ERR_ONLY_SEND_INT_AND_REAL);
    if (target < device_limit(target)) {
        check_active(target, ERR_SEND_TO_INACTIVE_CORE);
        volatile uint8_t *r = slot_at[target];
        put_slot(r, v, ++seqv[target]);
        uint8_t ack = ++seqv[target];
        if (blocking)
            while (r[5] != ack)
                ;
    } else {
        if (!blocking)
            ep_error(ERR_NBSEND_NOT_SUPPORTED);
        host_message(CMD_SEND_HOST, target, v);
    }
}

val_t ep_recv(int source)
{
    if (source < device_limit(source))
        return recv_device(source);
    return host_message(CMD_RECV_HOST, source, V_NONE);
}

val_t ep_sendrecv(val_t v, int target)
{
    if (V_TYPE(v) == T_STRING)
        ep_error(ERR_ONLY_SEND_INT_AND_REAL);
    if (target >= device_limit(target))
        return host_message(CMD_SENDRECV_HOST, target, v);
    check_active(target, ERR_SEND_TO_INACTIVE_CORE);
    volatile uint8_t *r = slot_at[target];
    put_slot(r, v, (uint8_t)(seqv[target] + 1));
    val_t got = ep_recv(target);
    uint8_t ack = seqv[target];
    while (r[5] != ack)
        ;
    return got;
}

val_t ep_probe(int source)
{
    if (source >= device_limit(source))
        ep_error(ERR_PROBE_NOT_SUPPORTED);
    check_active(source, ERR_RECV_FROM_INACTIVE_CORE);
    return V_BOOL(my_slot(source)[5] == (uint8_t)(seqv[source] + 1));
}

val_t ep_test_sent(int target, int wait)
{
    if (target >= device_limit(target))
        ep_error(ERR_PROBE_NOT_SUPPORTED);
    check_active(target, ERR_SEND_TO_INACTIVE_CORE);
    volatile uint8_t *r = slot_at[target];
    if (wait) {
        while (r[5] != seqv[target])
            ;
        return V_BOOL(1);
    }
    return V_BOOL(r[5] == seqv[target]);
}

val_t ep_bcast(val_t v, int root)
{
    if (ep_id != root)
        return ep_recv(root);
    int done = 0;
    for (int i = 0; i < EP_TOTAL_CORES && done < ep_nprocs; i++) {
        if (!ep_active[i])
            continue;
        done++;
        if (i != ep_id)
            ep_send(v, i, 1);
    }
    return v;
}

val_t ep_reduce(val_t v, int op)
{
    int is_int = V_TYPE(v) == T_INT;
    int32_t iv = (int32_t)V_DATA(v);
    float fv = bits_f(V_DATA(v));
    int done = 0;
    for (int i = 0; i < EP_TOTAL_CORES && done < ep_nprocs; i++) {
        if (!ep_active[i])
            continue;
        done++;
        if (i == ep_id)
            continue;
        uint32_t d = V_DATA(ep_sendrecv(v, i));
        if (is_int) {
            int32_t x = (int32_t)d;
            if (op == 0) iv += x;
            else if (op == 1) { if (x < iv) iv = x; }
            else if (op == 2) { if (x > iv) iv = x; }
            else if (op == 3) iv *= x;
        } else {
            float x = bits_f(d);
            if (op == 0) fv += x;
            else if (op == 1) { if (x < fv) fv = x; }
            else if (op == 2) { if (x > fv) fv = x; }
            else if (op == 3) fv *= x;
        }
    }
    return V_MAKE(V_TYPE(v), DTYPE_SCALAR, is_int ? (uint32_t)iv : f_bits(fv));
}
