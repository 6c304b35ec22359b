/* vm.c -- the bytecode interpreter (spec §1.3, §1.4, §2).
 *
 * A tree walk over the prefix-encoded bytecode, as ePython's own VM does: statements are
 * executed by exec(), expressions evaluated by eval() (values) and cond() (conditions, with
 * their own truth rules), function calls recurse into exec() one level up.  Multi-byte fields
 * are read byte by byte (the bytecode is unaligned).
 *
 * Symbols: ePython's table of (id, level) entries, where level-0 entries (globals) are visible
 * at every level.  ePython searches the whole table on every access; at any moment at most one
 * entry matches an (id, level) pair, so we keep the entries chained by id bucket, newest first:
 * the first entry of the bucket is nearly always the one wanted (checked with one word
 * compare), and a miss walks only that bucket.  The table lives at symbol_table (0x6000) within
 * the host's budget of 18 bytes per symbol; entries beyond it go to the upper half of the
 * core's shared stack in DRAM (deep recursion).
 */
#include "ep_vm.h"

/* the bytecode position lives in r8 for the whole interpreter (vm.c is compiled with
 * -ffixed-r8; r8 is callee-saved, so the rest of the firmware and libgcc preserve it) */
register const uint8_t *pc asm("r8");
static uint8_t level;                /* function call level (0 = main) */
extern char ep_stack_limit[];        /* linker script: lowest safe C stack pointer */

sym_t *ep_sym, *ep_sym_ovf;
uint32_t ep_sym_cap, ep_sym_ovf_cap, ep_sym_used;
static uint32_t sym_free_hint;       /* every entry below this one is in use */
#define BUCKETS 256
static sym_t *bucket[BUCKETS];       /* newest entry of each id bucket, or &no_sym */
static sym_t no_sym;                 /* end of a chain: its first word (0) matches no id */

static val_t eval(void);
static int cond(void);
static val_t exec(const uint8_t *start);

/* ---- bytecode fields ------------------------------------------------------------------------ */
#define INLINE static inline __attribute__((always_inline))

INLINE unsigned rd16(void)
{
    unsigned v = pc[0] | (pc[1] << 8);
    pc += 2;
    return v;
}

INLINE uint32_t rd32(void)
{
    uint32_t v = pc[0] | (pc[1] << 8) | (pc[2] << 16) | ((uint32_t)pc[3] << 24);
    pc += 4;
    return v;
}

/* ---- symbols --------------------------------------------------------------------------------- */
INLINE sym_t *next_of(const sym_t *e)
{
    return e->next ? ep_sym_at(e->next - 1u) : &no_sym;
}

static sym_t *sym_create(unsigned id, unsigned lvl)
{
    uint32_t i = sym_free_hint;
    while (i < ep_sym_used && ep_sym_at(i)->state != S_FREE)
        i++;
    if (i >= ep_sym_used) {
        i = ep_sym_used;
        if (i >= ep_sym_cap + ep_sym_ovf_cap)
            ep_error(ERR_OUT_OF_CORE_SHARED_STACK_MEM);
        ep_sym_used++;
    }
    sym_free_hint = i + 1;
    sym_t *e = ep_sym_at(i);
    sym_t **b = &bucket[id & (BUCKETS - 1)];
    e->id = (uint16_t)id;
    e->state = S_ALLOCATED;
    e->level = (uint8_t)lvl;
    e->type = T_INT;
    e->dtype = DTYPE_SCALAR;
    e->cell = (uint16_t)ep_stack_cell();
    e->data = (uint32_t)ep_cell(e->cell);
    e->next = *b == &no_sym ? 0 : (uint16_t)(((*b >= ep_sym && *b < ep_sym + ep_sym_cap)
                                               ? (uint32_t)(*b - ep_sym)
                                               : ep_sym_cap + (uint32_t)(*b - ep_sym_ovf)) + 1);
    *b = e;
    return e;
}

/* getVariableSymbol: the entry of `id` visible at `lvl` (an entry of that level, or a global
 * of level 0), created if there is none; with `follow`, parameters bound to a caller's variable
 * (ALIAS) lead to that variable.  ePython searches its table linearly for the first match; at
 * most one entry can match, so we search only the entries of the id's bucket, newest first. */
static EP_NOINLINE sym_t *lookup(unsigned id, unsigned lvl, int follow)
{
    for (;;) {
        sym_t *e = bucket[id & (BUCKETS - 1)];
        while (e != &no_sym && (e->id != id || (e->level != 0 && e->level != lvl)))
            e = next_of(e);
        if (e == &no_sym)
            e = sym_create(id, lvl);
        if (!follow || e->state != S_ALIAS)
            return e;
        id = e->alias;
        lvl = (uint8_t)(lvl - 1);
    }
}

/* The common case, inline: the newest entry of the id's bucket is an allocated variable visible
 * here (first word of an entry = id | state << 16 | level << 24). */
static uint32_t key_here;            /* S_ALLOCATED << 16 | level << 24 */
#define KEY_GLOBAL ((uint32_t)S_ALLOCATED << 16)

INLINE sym_t *var(unsigned id)
{
    sym_t *e = bucket[id & (BUCKETS - 1)];
    uint32_t w = *(const uint32_t *)e;
    if (__builtin_expect(w == (id | key_here) || w == (id | KEY_GLOBAL), 1))
        return e;
    return lookup(id, level, 1);
}

static void set_level(unsigned lvl)
{
    level = (uint8_t)lvl;
    key_here = KEY_GLOBAL | ((uint32_t)level << 24);
}

/* free every entry of level >= lvl; they all sit at index >= first (the lowest free slot when
 * the call began: slots are taken lowest-free-first, and every slot below it was in use) */
static void clear_level(unsigned lvl, uint32_t first)
{
    uint32_t low = 0xFFFFFFFFu;
    for (uint32_t i = first; i < ep_sym_used; i++) {
        sym_t *e = ep_sym_at(i);
        if (e->state == S_FREE || e->level < lvl)
            continue;
        sym_t **b = &bucket[e->id & (BUCKETS - 1)];      /* unlink from its chain */
        if (*b == e) {
            *b = next_of(e);
        } else {
            sym_t *p = *b;
            while (next_of(p) != e)
                p = next_of(p);
            p->next = e->next;
        }
        e->state = S_FREE;
        if (e->cell < low)
            low = e->cell;
        if (i < sym_free_hint)
            sym_free_hint = i;
    }
    while (ep_sym_used && ep_sym_at(ep_sym_used - 1)->state == S_FREE)
        ep_sym_used--;
    if (sym_free_hint > ep_sym_used)
        sym_free_hint = ep_sym_used;
    if (low != 0xFFFFFFFFu)
        ep_stack_release(low);
}

/* IDENTIFIER: arrays by reference, strings by pointer, other scalars by value */
INLINE val_t read_var(const sym_t *e)
{
    if (e->dtype == DTYPE_ARRAY)
        return V_MAKE(e->type, DTYPE_ARRAY, e->data);
    if (e->type == T_STRING)
        return V_MAKE(T_STRING, DTYPE_SCALAR, e->data);
    return V_MAKE(e->type, DTYPE_SCALAR, *(volatile uint32_t *)e->data);
}

/* assignment of a whole variable (handleLet) */
INLINE void assign(sym_t *e, val_t v)
{
    unsigned t = V_TYPE(v), dt = V_DTYPE(v);
    if (dt != DTYPE_SCALAR) {                    /* array, or a dereferenced reference */
        e->data = V_DATA(v);
        e->dtype = (uint8_t)(dt >= 2 ? dt - 2 : dt);
    } else if (t == T_STRING) {
        e->data = V_DATA(v);
        e->dtype = DTYPE_SCALAR;
    } else {
        uint32_t p = e->data;
        if (e->dtype != DTYPE_SCALAR || e->type == T_STRING) {
            p = e->data = (uint32_t)ep_cell(e->cell);   /* was an array or string: own cell */
            e->dtype = DTYPE_SCALAR;
        }
        *(volatile uint32_t *)p = V_DATA(v);
    }
    e->type = (uint8_t)t;
}

/* ---- arrays ---------------------------------------------------------------------------------- */
INLINE uint32_t *array_of(uint32_t p)
{
    return (uint32_t *)p;
}

/* the array a variable holds; indexing anything else is an error (ePython would read garbage) */
static uint32_t *var_array(const sym_t *e)
{
    uint32_t p = e->data;
    if (e->dtype != DTYPE_ARRAY || !p || (p & 3))
        ep_error(ERR_TOO_MANY_ARR_INDEX);
    return array_of(p);
}

INLINE uint32_t *cells_of(uint32_t *a)
{
    return a + 1 + (a[0] & 15);
}

/* getArrayAccessorIndex: parse `nidx index-exprs`, check them against the extents, grow a
 * growable list when an index is past its end; returns the flat cell index */
static int elem_index(sym_t *e)
{
    unsigned nidx = *pc++;
    uint32_t *a = var_array(e);
    unsigned nd = a[0] & 15;
    if (nidx > nd)
        ep_error(ERR_TOO_MANY_ARR_INDEX);
    int flat = 0, grow = 0;
    uint32_t old_total = 1;
    for (unsigned i = 0; i < nidx; i++) {
        int k = (int)V_DATA(eval());
        a = var_array(e);
        int ext = (int)a[1 + i];
        old_total *= (uint32_t)ext;
        if (k < 0)
            ep_error(ERR_NEG_ARR_INDEX);
        flat = i == 0 ? k : flat * ext + k;
        if (k >= ext) {
            if (!(a[0] & ARR_GROWABLE))
                ep_error(ERR_ARR_INDEX_EXCEED_SIZE);
            a[1 + i] = (uint32_t)(k + 1);
            grow = 1;
        }
    }
    for (unsigned i = nidx; i < nd; i++)        /* fewer indexes: start of that sub-array */
        flat *= (int)a[1 + i];
    if (grow) {
        uint32_t n = 1;
        for (unsigned i = 0; i < nidx; i++)
            n *= a[1 + i];
        uint32_t *b = (uint32_t *)ep_alloc(4 * (1 + nidx + n), 0);
        uint32_t keep = 1 + nidx + old_total;
        ep_copy(b, a, 4 * keep);
        for (uint32_t j = keep; j < 1 + nidx + n; j++)
            b[j] = 0;
        ep_release((uint8_t *)a);
        e->data = (uint32_t)b;
    }
    return flat;
}

static val_t array_literal(void)
{
    int n = (int)rd32();
    int rep = 1;
    if (*pc++)
        rep = (int)V_DATA(eval());
    int total = n * rep;
    if (total < 0)
        total = 0;
    uint32_t *a = (uint32_t *)ep_alloc(4 * (2 + (uint32_t)total), 0);
    a[0] = 1 | ARR_GROWABLE;
    a[1] = (uint32_t)total;
    uint32_t *cell = a + 2;
    unsigned t = T_INT;
    ep_pin(a);
    const uint8_t *items = pc;
    if (total == 0) {
        for (int i = 0; i < n; i++)           /* nothing to store: step over the items */
            t = V_TYPE(eval());
    } else if (n == 1 && (*items == OP_INTEGER || *items == OP_REAL || *items == OP_BOOLEAN)) {
        val_t v = eval();                     /* [constant] * rep */
        t = V_TYPE(v);
        for (int j = 0; j < rep; j++)
            cell[j] = V_DATA(v);
    } else {
        for (int j = 0; j < rep; j++) {
            pc = items;
            for (int i = 0; i < n; i++) {
                val_t v = eval();
                *cell++ = V_DATA(v);
                t = V_TYPE(v);
            }
        }
    }
    ep_unpin(1);
    return V_MAKE(t, DTYPE_ARRAY, (uint32_t)a);
}

/* ---- expressions ------------------------------------------------------------------------------ */
static int str_eq(const uint8_t *a, const uint8_t *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static inline float as_real(val_t v)
{
    return V_TYPE(v) == T_INT ? (float)(int32_t)V_DATA(v) : bits_f(V_DATA(v));
}

/* An operand of an arithmetic or comparison operator: the two common leaves read inline (no
 * call), anything else through eval(). */
INLINE val_t operand(void)
{
    unsigned op = pc[0];
    if (op == OP_IDENTIFIER) {
        unsigned id = pc[1] | (pc[2] << 8);
        const sym_t *e = bucket[id & (BUCKETS - 1)];
        uint32_t w = *(const uint32_t *)e;
        if (__builtin_expect(w == (id | key_here) || w == (id | KEY_GLOBAL), 1)) {
            pc += 3;
            return read_var(e);
        }
    } else if (op == OP_INTEGER) {
        pc++;
        return V_INT(rd32());
    }
    return eval();
}

static int compare(unsigned op)
{
    val_t a = operand();
    val_t b = operand();
    unsigned ta = V_TYPE(a), tb = V_TYPE(b);
    if (op == OP_IS) {
        if (ta == T_NONE && tb == T_NONE)
            return 1;
        return ta == tb && V_DATA(a) == V_DATA(b);
    }
    if (ta == T_INT && tb == T_INT) {
        int32_t x = (int32_t)V_DATA(a), y = (int32_t)V_DATA(b);
        switch (op) {
        case OP_EQ: return x == y;
        case OP_NEQ: return x != y;
        case OP_LT: return x < y;
        case OP_GT: return x > y;
        case OP_LEQ: return x <= y;
        default: return x >= y;
        }
    }
    if ((ta == T_INT || ta == T_REAL) && (tb == T_INT || tb == T_REAL)) {
        float x = as_real(a), y = as_real(b);
        switch (op) {
        case OP_EQ: return x == y;
        case OP_NEQ: return x != y;
        case OP_LT: return x < y;
        case OP_GT: return x > y;
        case OP_LEQ: return x <= y;
        default: return x >= y;
        }
    }
    if (ta == tb && ta == T_STRING) {
        int eq = str_eq((const uint8_t *)V_DATA(a), (const uint8_t *)V_DATA(b));
        if (op == OP_EQ)
            return eq;
        if (op == OP_NEQ)
            return !eq;
        ep_error(ERR_STR_ONLYTEST_EQ);
    }
    if (ta == tb && ta == T_NONE) {
        if (op == OP_EQ)
            return 1;
        if (op == OP_NEQ)
            return 0;
        ep_error(ERR_NONE_ONLYTEST_EQ);
    }
    return 0;
}

/* determine_logical_expression: a condition's truth */
static int cond(void)
{
    unsigned op = *pc++;
    switch (op) {
    case OP_AND: {
        int a = cond();
        int b = cond();
        return a && b;
    }
    case OP_OR: {
        int a = cond();
        int b = cond();
        return a || b;
    }
    case OP_NOT:
        return !((int32_t)V_DATA(eval()) > 0);
    case OP_EQ: case OP_NEQ: case OP_LT: case OP_GT: case OP_LEQ: case OP_GEQ: case OP_IS:
        return compare(op);
    case OP_BOOLEAN:
        return (int32_t)rd32() > 0;
    case OP_IDENTIFIER: {                      /* a bare variable is true only if a true bool */
        const sym_t *e = var(rd16());
        return e->type == T_BOOLEAN && (int32_t)V_DATA(read_var(e)) > 0;
    }
    case OP_ARRAYACCESS: {
        sym_t *e = var(rd16());
        int k = elem_index(e);
        return e->type == T_BOOLEAN && (int32_t)cells_of(array_of(e->data))[k] > 0;
    }
    default: {                                 /* any other expression: int or bool > 0 */
        pc--;
        val_t v = eval();
        unsigned t = V_TYPE(v);
        return (t == T_BOOLEAN || t == T_INT) && (int32_t)V_DATA(v) > 0;
    }
    }
}

static EP_NOINLINE val_t arith(unsigned op)
{
    val_t a = operand();
    val_t b = operand();
    unsigned ta = V_TYPE(a), tb = V_TYPE(b);
    if (ta == T_INT && tb == T_INT) {
        int32_t x = (int32_t)V_DATA(a), y = (int32_t)V_DATA(b), r;
        switch (op) {
        case OP_ADD: r = x + y; break;
        case OP_SUB: r = x - y; break;
        case OP_MUL: r = x * y; break;
        case OP_DIV: r = y ? x / y : 0; break;
        case OP_MOD: r = y ? x % y : 0; break;
        default:                               /* POW: x**0 = 1, negative exponents give x */
            r = y == 0 ? 1 : x;
            for (int32_t i = 1; i < y; i++)
                r *= x;
        }
        return V_INT(r);
    }
    if (ta == T_STRING || tb == T_STRING) {
        if (op == OP_ADD)
            return ep_concat(a, b);
        ep_error(ERR_ONLY_ADDITION_STR);
    }
    float x = as_real(a), y = as_real(b), r;
    switch (op) {
    case OP_ADD: r = x + y; break;
    case OP_SUB: r = x - y; break;
    case OP_MUL: r = x * y; break;
    case OP_DIV: r = x / y; break;
    case OP_MOD: r = x - y * (float)(int32_t)(x / y); break;   /* ePython: undefined */
    default: {
        int32_t n = tb == T_INT ? (int32_t)V_DATA(b) : (int32_t)y;
        r = n == 0 ? 1.0f : x;
        for (int32_t i = 1; i < n; i++)
            r *= x;
    }
    }
    return V_MAKE(T_REAL, DTYPE_SCALAR, f_bits(r));
}

static val_t call(int by_var);
static val_t native(void);
static void do_let(int noalias);

static EP_NOINLINE val_t eval_ident_slow(unsigned id)
{
    return read_var(lookup(id, level, 1));
}

static EP_NOINLINE val_t eval_rest(unsigned op);

/* getExpressionValue.  The common leaves (integer literal, a variable at its bucket's head) need
 * no stack frame; everything else is a tail call. */
static val_t eval(void)
{
    unsigned op = *pc++;
    if (op == OP_IDENTIFIER) {
        unsigned id = rd16();
        const sym_t *e = bucket[id & (BUCKETS - 1)];
        uint32_t w = *(const uint32_t *)e;
        if (__builtin_expect(w == (id | key_here) || w == (id | KEY_GLOBAL), 1))
            return read_var(e);
        return eval_ident_slow(id);
    }
    if (op == OP_INTEGER)
        return V_INT(rd32());
    if ((op >= OP_ADD && op <= OP_MOD) || op == OP_POW)
        return arith(op);
    return eval_rest(op);
}

static EP_NOINLINE val_t eval_rest(unsigned op)
{
    switch (op) {
    case OP_REAL:
        return V_MAKE(T_REAL, DTYPE_SCALAR, rd32());
    case OP_ARRAYACCESS: {
        sym_t *e = var(rd16());
        int k = elem_index(e);
        return V_MAKE(e->type, DTYPE_SCALAR, cells_of(array_of(e->data))[k]);
    }
    case OP_BOOLEAN:
        return V_BOOL(rd32());
    case OP_STRING: {
        const uint8_t *s = pc;
        pc += ep_strlen(s) + 1;
        return V_MAKE(T_STRING, DTYPE_SCALAR, (uint32_t)s);
    }
    case OP_NONE:
        return V_NONE;
    case OP_FN_ADDR:
        return V_MAKE(T_FN_ADDR, DTYPE_SCALAR, rd16());
    case OP_LET:                               /* a hidden argument variable, then the value */
        do_let(0);
        return eval();
    case OP_ARRAY:
        return array_literal();
    case OP_FNCALL:
    case OP_FNCALL_BY_VAR:
        return call(op == OP_FNCALL_BY_VAR);
    case OP_NATIVE:
        return native();
    case OP_SYMBOL:
        return V_INT(var(rd16())->id);
    case OP_REFERENCE: {
        const sym_t *e = var(rd16());
        unsigned t = e->type | TYPE_REF_FLAG | ((e->dtype & 1) << 5) | (((e->dtype >> 1) & 1) << 6);
        return V_MAKE(t, DTYPE_SCALAR, e->data);
    }
    case OP_EQ: case OP_NEQ: case OP_LT: case OP_GT: case OP_LEQ: case OP_GEQ: case OP_IS:
    case OP_AND: case OP_OR: case OP_NOT:
        pc--;
        return V_BOOL(cond());
    default:
        return V_NONE;
    }
}

/* ---- statements ---------------------------------------------------------------------------------- */
INLINE void let_body(int noalias)
{
    unsigned kind = *pc++;
    unsigned id = rd16();
    sym_t *e = var(id);
    int k = -1;
    if (kind == OP_ARRAYACCESS)
        k = elem_index(e);
    val_t v = eval();
    if (noalias && lookup(id, level, 0)->state == S_ALIAS)
        return;                                /* a bound parameter keeps the caller's value */
    if (k >= 0) {                              /* an element: store, retag the whole variable */
        cells_of(var_array(e))[k] = V_DATA(v);
        e->type = (uint8_t)V_TYPE(v);
    } else {
        assign(e, v);
    }
}

static EP_NOINLINE void do_let(int noalias)
{
    let_body(noalias);
}

static void do_for(void)
{
    unsigned ctr_id = rd16(), var_id = rd16();
    sym_t *ctr = var(ctr_id);
    sym_t *v = var(var_id);
    val_t arr = eval();
    unsigned body = rd16();
    int32_t n = 0;
    uint32_t p = V_DATA(arr), *cells = 0;
    if (V_DTYPE(arr) == DTYPE_ARRAY && p && !(p & 3)) {
        uint32_t *a = array_of(p);
        unsigned nd = a[0] & 15;
        n = nd ? (int32_t)a[1] : 0;
        for (unsigned i = 1; i < nd; i++)
            n *= (int32_t)a[1 + i];
        cells = cells_of(a);
    }
    int32_t i = (int32_t)V_DATA(read_var(ctr));
    if (i >= 0 && i < n)
        assign(v, V_MAKE(V_TYPE(arr), DTYPE_SCALAR, cells[i]));
    else
        pc += body + 3;                        /* past the body, the increment and the GOTO */
}

static val_t call(int by_var)
{
    unsigned addr;
    if (by_var) {
        const sym_t *f = var(rd16());
        if (f->type != T_FN_ADDR)
            ep_error(ERR_FNCALL_VAR_NOT_CONTAINING_FN_PTR);
        addr = V_DATA(read_var(f)) & 0xFFFF;
    } else {
        addr = rd16();
    }
    const uint8_t *fp = ep_code + addr;
    unsigned nparams = fp[0] | (fp[1] << 8);
    fp += 2;
    unsigned nargs = rd16();
    unsigned n = nparams > nargs ? nparams : nargs;
    uint32_t first = sym_free_hint;
    for (unsigned i = 0; i < n; i++) {
        if (i < nargs && i < nparams) {       /* bind the parameter to the caller's variable */
            const sym_t *src = lookup(pc[0] | (pc[1] << 8), level, 0);
            sym_t *dst = lookup(fp[0] | (fp[1] << 8), level + 1, 0);
            dst->state = S_ALIAS;
            dst->alias = src->id;
        }
        if (i < nargs)
            pc += 2;
        if (i < nparams)
            fp += 2;
    }
    if ((char *)__builtin_frame_address(0) < ep_stack_limit)
        ep_error(ERR_OUT_OF_CORE_SHARED_STACK_MEM);
    const uint8_t *ret = pc;
    set_level(level + 1u);
    val_t r = exec(fp);
    clear_level(level, first);
    set_level(level - 1u);
    pc = ret;
    return r;
}

/* processAssembledCode */
static val_t exec(const uint8_t *start)
{
    pc = start;
    while (pc < ep_code_end) {
        switch (*pc++) {
        case OP_LET:
            let_body(0);
            break;
        case OP_IF:
        case OP_IFELSE: {
            int c = cond();
            unsigned len = rd16();
            if (!c)
                pc += len;
            break;
        }
        case OP_GOTO:
            pc = ep_code + (pc[0] | (pc[1] << 8));
            break;
        case OP_LETNOALIAS:
            do_let(1);
            break;
        case OP_FOR:
            do_for();
            break;
        case OP_FNCALL:
            call(0);
            break;
        case OP_FNCALL_BY_VAR:
            call(1);
            break;
        case OP_NATIVE:
            native();
            break;
        case OP_ALIAS: {
            sym_t *e = var(rd16());
            uint32_t id = V_DATA(eval());
            e->state = S_ALIAS;
            e->alias = (uint16_t)id;
            break;
        }
        case OP_STOP:
        case OP_RETURN:
            return V_NONE;
        case OP_RETURN_EXP:
            return eval();
        default:                               /* not a statement: one byte on, as ePython */
            break;
        }
    }
    return V_NONE;
}

/* ---- native functions ------------------------------------------------------------------------------ */
#define NATIVE_MAX_ARGS 8

static int is_array(val_t v)
{
    uint32_t p = V_DATA(v);
    return V_DTYPE(v) == DTYPE_ARRAY && p && !(p & 3);
}

static val_t native(void)
{
    unsigned code = *pc++;
    unsigned nargs = rd16();
    val_t a[NATIVE_MAX_ARGS];
    for (unsigned i = 0; i < NATIVE_MAX_ARGS; i++)
        a[i] = V_NONE;
    for (unsigned i = 0; i < nargs; i++) {
        val_t v = eval();
        if (i < NATIVE_MAX_ARGS)
            a[i] = v;
    }
    unsigned expected = code >> 5, fn = code & 31;
    if (expected < NATIVE_ANY_ARGS && nargs != expected)
        ep_error(ERR_INCORRECT_NUM_NATIVE_PARAMS);
    int32_t i1 = (int32_t)V_DATA(a[1]);
    switch (fn) {
    case NAT_ISHOST:
        return V_BOOL(0);
    case NAT_ISDEVICE:
        return V_BOOL(1);
    case NAT_PRINT:
        ep_print(a[0]);
        return V_NONE;
    case NAT_NUMDIMS:
        return V_INT(is_array(a[0]) ? array_of(V_DATA(a[0]))[0] & 15 : 0);
    case NAT_DSIZE: {
        int32_t r = 0;
        if (is_array(a[0])) {
            uint32_t *arr = array_of(V_DATA(a[0]));
            if ((uint32_t)i1 < (arr[0] & 15))
                r = (int32_t)arr[1 + i1];
        }
        return V_INT(r);
    }
    case NAT_INPUT:
        return ep_input(V_NONE, 0);
    case NAT_INPUTPRINT:
        return ep_input(a[0], 1);
    case NAT_SYNC:
        if (ep_id == ep_lowest && ep_base_host != ep_nprocs)
            ep_host_sync();
        ep_barrier();
        return V_NONE;
    case NAT_GC:
        ep_gc();
        return V_NONE;
    case NAT_FREE:
        ep_free((uint8_t *)V_DATA(a[0]));
        return V_NONE;
    case NAT_SEND:
    case NAT_SEND_NB:
        ep_send(a[0], i1, fn == NAT_SEND);
        return V_NONE;
    case NAT_RECV:
        return ep_recv((int32_t)V_DATA(a[0]));
    case NAT_SENDRECV:
        return ep_sendrecv(a[0], i1);
    case NAT_TEST_FOR_SEND:
    case NAT_WAIT_FOR_SEND:
        return ep_test_sent((int32_t)V_DATA(a[0]), fn == NAT_WAIT_FOR_SEND);
    case NAT_BCAST:
        return ep_bcast(a[0], i1);
    case NAT_PROBE_FOR_MESSAGE:
        return ep_probe((int32_t)V_DATA(a[0]));
    case NAT_NUMCORES:
        return V_INT(ep_nprocs);
    case NAT_COREID:
        return V_INT(ep_id);
    case NAT_REDUCE:
        return ep_reduce(a[0], i1);
    case NAT_ALLOCARRAY:
    case NAT_ALLOCSHAREDARRAY: {
        unsigned nd = nargs > NATIVE_MAX_ARGS ? NATIVE_MAX_ARGS : nargs;
        int32_t total = 1;
        for (unsigned i = 0; i < nd; i++)
            total *= (int32_t)V_DATA(a[i]);
        if (total < 0)
            total = 0;
        uint32_t words = 1 + nd + (uint32_t)total;
        uint32_t *arr = (uint32_t *)ep_alloc(4 * words, fn == NAT_ALLOCSHAREDARRAY);
        arr[0] = nd & 15;
        for (unsigned i = 0; i < nd; i++)
            arr[1 + i] = V_DATA(a[i]);
        for (uint32_t j = 1 + nd; j < words; j++)
            arr[j] = 0;
        return V_MAKE(T_INT, DTYPE_ARRAY, (uint32_t)arr);
    }
    case NAT_MATH:
        if (nargs == 2)
            return ep_math((unsigned)V_DATA(a[0]), a[1]);
        if (nargs == 1)
            return ep_math((unsigned)V_DATA(a[0]), V_NONE);
        ep_error(ERR_INCORRECT_NUM_NATIVE_PARAMS);
    case NAT_FLATTEN:
        if (is_array(a[0])) {
            uint32_t *arr = array_of(V_DATA(a[0]));
            unsigned nd = arr[0] & 15;
            for (unsigned i = 1; i < nd; i++)
                arr[1 + i] = 1;
            arr[1] = V_DATA(a[1]);
        }
        return V_NONE;
    case NAT_ARRAYCOPY: {
        uint32_t t = V_DATA(a[0]), s = V_DATA(a[1]);
        if (t && s && !((t | s) & 3)) {
            uint32_t *dst = array_of(t) + 1 + (V_DATA(a[2]) & 15);
            uint32_t *src = array_of(s) + 1 + (V_DATA(a[3]) & 15);
            int32_t len = (int32_t)V_DATA(a[4]);
            for (int32_t i = 0; i < len; i++)
                dst[i] = src[i];
        }
        return V_NONE;
    }
    case NAT_GLOBAL_REFERENCE:
        return V_MAKE(V_TYPE(a[0]), V_DTYPE(a[0]), ep_global_address(ep_id, V_DATA(a[0])));
    case NAT_DEREFERENCE: {
        unsigned t = V_TYPE(a[0]);
        return V_MAKE(t & 0x1F, ((t >> 5) & 3) + 2, V_DATA(a[0]));
    }
    default:
        ep_error(ERR_UNKNOWN_NATIVE_COMMAND);
    }
}

/* ---- entry ------------------------------------------------------------------------------------------ */
void ep_vm_init(void)
{
    volatile struct core_ctrl *c = ep_me;
    uint32_t nsym = ep_sb->symbol_size;
    ep_sym = (sym_t *)c->symbol_table;
    ep_sym_cap = nsym * EP_SYMBOL_ENTRY_BUDGET / sizeof(sym_t);
    uint32_t ovf = (c->shared_stack_start + EP_SHARED_STACK_DATA_AREA_PER_CORE / 2 + 7) & ~7u;
    ep_sym_ovf = (sym_t *)ovf;
    ep_sym_ovf_cap = (c->shared_stack_start + EP_SHARED_STACK_DATA_AREA_PER_CORE - ovf)
                     / sizeof(sym_t);
    ep_sym_used = 0;
}

void ep_vm_run(void)
{
    for (int i = 0; i < BUCKETS; i++)
        bucket[i] = &no_sym;
    set_level(0);
    exec(ep_code);
}
