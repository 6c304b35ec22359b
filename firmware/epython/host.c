/* host.c -- requests to the host monitor through this core's core_ctrl mailbox (spec §1.7).
 *
 * The core writes the arguments into data[], the command into core_command, then core_busy = 0,
 * and spins until the host has written a core_busy larger than the last value it saw.  Strings
 * travel as offsets from this core's shared-heap start: a string that is not in the shared heap
 * yet is copied there for the duration of the request.
 */
#include "ep_vm.h"

static uint32_t busy_seen = 1;      /* main() wrote core_busy = 1; the host counts up from 1 */

#define DATA_W(off) (*(volatile uint32_t *)&ep_me->data[(off)])

uint32_t ep_request(uint32_t cmd)
{
    volatile struct core_ctrl *c = ep_me;
    c->core_command = cmd;
    uint32_t pb = busy_seen;
    c->core_busy = 0;
    uint32_t b;
    do {
        b = c->core_busy;
    } while (b == 0 || b <= pb);
    busy_seen = b;
    return b;
}

/* data[0] = type, data[1..4] = value: one word and one byte store */
static void put_typed(unsigned type, uint32_t d)
{
    DATA_W(0) = (type & 0xFF) | (d << 8);
    ep_me->data[4] = (uint8_t)(d >> 24);
}

/* the reply's data[0] (type) and data[1..4] (value) */
static val_t get_typed(void)
{
    uint32_t w0 = DATA_W(0), w1 = DATA_W(4);
    return V_MAKE(w0 & 0xFF, DTYPE_SCALAR, (w0 >> 8) | (w1 << 24));
}

static uint32_t shared_offset(const uint8_t *p) { return (uint32_t)(p - ep_sheap); }

void ep_error(unsigned code)
{
    put_typed(T_NONE, code & 0xFF);
    ep_request(CMD_ERROR);
    ep_finish();
}

void ep_print(val_t v)
{
    unsigned t = V_TYPE(v);
    uint32_t d = V_DATA(v);
    int temp = 0;
    uint8_t *s = 0;
    if (t == T_STRING) {
        s = ep_string_to_shared((const uint8_t *)d, &temp);
        d = shared_offset(s);
    }
    put_typed(t, d);
    ep_request(CMD_PRINT);
    if (temp)
        ep_release(s);
}

/* The host allocates the result of a concatenation (or an input string) in the shared heap
 * but cannot collect garbage there (it does not know the roots): make sure a free chunk of
 * `n` bytes exists first, collecting garbage on this side if needed. */
static void reserve_shared(uint32_t n)
{
    ep_release(ep_alloc(n, 1));
}

/* ePython's host reads at most this many characters of input */
#define INPUT_MAX 1000

val_t ep_input(val_t prompt, int with_prompt)
{
    int temp = 0;
    uint8_t *s = 0;
    if (with_prompt) {
        if (V_TYPE(prompt) != T_STRING)
            ep_error(ERR_ONLY_DISPLAY_STR_WITH_INPUT);
        s = ep_string_to_shared((const uint8_t *)V_DATA(prompt), &temp);
        put_typed(T_STRING, shared_offset(s));
    } else {
        ep_me->data[0] = 0;
    }
    ep_pin(s);                              /* the prompt survives making room for the reply */
    reserve_shared(INPUT_MAX + 1);
    ep_unpin(1);
    ep_request(CMD_INPUT);
    val_t r = get_typed();
    if (V_TYPE(r) == T_STRING)
        r = V_MAKE(T_STRING, DTYPE_SCALAR, (uint32_t)(ep_sheap + V_DATA(r)));
    if (temp)
        ep_release(s);
    return r;
}

/* longest text of a non-string operand: %f of -FLT_MAX (47 characters) */
#define NUMBER_TEXT_MAX 48

val_t ep_concat(val_t a, val_t b)
{
    int ta = 0, tb = 0;
    uint8_t *sa = 0, *sb = 0;
    uint32_t da = V_DATA(a), db = V_DATA(b);
    /* the operands (in the shared heap, or copied there) must survive the collections that
     * making room for the next copy and for the result may cause */
    uint32_t need = 1;
    if (V_TYPE(a) == T_STRING) {
        sa = ep_string_to_shared((const uint8_t *)da, &ta);
        ep_pin(sa);
        da = shared_offset(sa);
        need += ep_shared_block_size(sa);     /* a whole block: bounds the string's length */
    } else {
        ep_pin(0);
        need += NUMBER_TEXT_MAX;
    }
    if (V_TYPE(b) == T_STRING) {
        sb = ep_string_to_shared((const uint8_t *)db, &tb);
        ep_pin(sb);
        db = shared_offset(sb);
        need += ep_shared_block_size(sb);
    } else {
        ep_pin(0);
        need += NUMBER_TEXT_MAX;
    }
    reserve_shared(need);
    ep_unpin(2);
    /* data[0] type1, [1..4] value1, [5] type2, [6..9] value2: three word stores */
    DATA_W(0) = V_TYPE(a) | (da << 8);
    DATA_W(4) = (da >> 24) | (V_TYPE(b) << 8) | (db << 16);
    DATA_W(8) = db >> 16;
    ep_request(CMD_STRING_CONCAT);
    uint32_t w8 = DATA_W(8), w12 = DATA_W(12);
    uint32_t off = (w8 >> 24) | ((w12 & 0xFFFFFF) << 8);     /* data[11..14] */
    if (ta)
        ep_release(sa);
    if (tb)
        ep_release(sb);
    return V_MAKE(T_STRING, DTYPE_SCALAR, (uint32_t)(ep_sheap + off));
}

val_t ep_math(unsigned op, val_t v)
{
    if (op != MATH_RANDOM)
        put_typed(V_TYPE(v), V_DATA(v));
    ep_request(CMD_MATH_BASE + op);
    return get_typed();
}

void ep_host_sync(void)
{
    ep_request(CMD_SYNC_HOST);
}
