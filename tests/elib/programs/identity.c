/* identity.c -- core ids, group coordinates, global addresses, neighbours, the loader's
 * records and e_reg_read/e_reg_write of this core's registers.
 *
 * Everything is recorded in `result` of each core; tests/elib/test_programs.py computes what
 * each field must be from the workgroup's geometry. */
#include "elib_test.h"

struct {
    u32 coreid;                  /* e_get_coreid() */
    u32 row, col;                /* e_coords_from_coreid(coreid) */
    u32 from_coords;             /* e_coreid_from_coords(row, col) */
    u32 from_coords_other;       /* e_coreid_from_coords(rows - 1, cols - 1) */
    u32 g_self;                  /* e_get_global_address(E_SELF, E_SELF, &probe) */
    u32 g_origin;                /* e_get_global_address(0, 0, &probe) */
    u32 g_mine;                  /* e_get_global_address(row, col, &probe) */
    u32 g_row_self;              /* e_get_global_address(E_SELF, 0, &probe) */
    u32 g_global;                /* e_get_global_address(1, 1, 0x8F001234): unchanged */
    u32 on_core[4];              /* e_is_on_core(&probe, g_self, g_last, 0x8E000000) */
    u32 neighbor[3][2][2];       /* e_neighbor_id(dir, wrap): [wrap][dir] = {row, col} */
    u32 group[10];               /* e_group_config, word by word */
    u32 emem[2];                 /* e_emem_config */
    u32 reg_coreid;              /* e_reg_read(E_REG_COREID) */
    u32 reg_imask;               /* e_reg_write(E_REG_IMASK, 0x155), read back */
    u32 reg_ctimer1;             /* e_reg_write(E_REG_CTIMER1, 123456), read back (stopped) */
    u32 reg_dma1stride;          /* e_reg_write(E_REG_DMA1STRIDE, 0x00080004), read back */
    u32 reg_config_timer;        /* CONFIG[11:8] after e_reg_write(CONFIG, c | E_CTIMER_IDLE << 8) */
    u32 reg_status_gid;          /* STATUS bit 1 read by e_reg_read after gid */
    u32 reg_ilat_user;           /* ILAT bit 9 after e_reg_write(E_REG_ILATST, 1 << 9), masked */
    u32 reg_ilat_cleared;        /* ILAT bit 9 after e_reg_write(E_REG_ILATCL, 1 << 9) */
    u32 outside_row, outside_col;    /* e_coords_from_coreid(group_id - 1): left of the group */
    u32 done;
} result;
RESULT_WORDS(48);

static int probe;

int main(void)
{
    unsigned r, c, rows = e_group_config.group_rows, cols = e_group_config.group_cols;
    unsigned w, d, i;
    u32 conf;
    result.coreid = e_get_coreid();
    e_coords_from_coreid(result.coreid, &r, &c);
    result.row = r;
    result.col = c;
    result.from_coords = e_coreid_from_coords(r, c);
    result.from_coords_other = e_coreid_from_coords(rows - 1, cols - 1);
    result.g_self = addr_of(e_get_global_address(E_SELF, E_SELF, &probe));
    result.g_origin = addr_of(e_get_global_address(0, 0, &probe));
    result.g_mine = addr_of(e_get_global_address(r, c, &probe));
    result.g_row_self = addr_of(e_get_global_address(E_SELF, 0, &probe));
    result.g_global = addr_of(e_get_global_address(1, 1, (void *)0x8F001234));
    result.on_core[0] = e_is_on_core(&probe);
    result.on_core[1] = e_is_on_core((void *)result.g_self);
    result.on_core[2] = e_is_on_core(e_get_global_address(rows - 1, cols - 1, &probe));
    result.on_core[3] = e_is_on_core((void *)0x8E000000);
    for (w = 0; w < 3; w++)
        for (d = 0; d < 2; d++)
            e_neighbor_id((e_coreid_wrap_t)d, (e_coreid_wrap_t)w, &result.neighbor[w][d][0],
                          &result.neighbor[w][d][1]);
    for (i = 0; i < 10; i++)
        result.group[i] = ((const u32 *)&e_group_config)[i];
    result.emem[0] = e_emem_config.objtype;
    result.emem[1] = e_emem_config.base;

    result.reg_coreid = e_reg_read(E_REG_COREID);
    e_reg_write(E_REG_IMASK, 0x155);
    result.reg_imask = e_reg_read(E_REG_IMASK);
    e_reg_write(E_REG_CTIMER1, 123456);
    result.reg_ctimer1 = e_reg_read(E_REG_CTIMER1);
    e_reg_write(E_REG_DMA1STRIDE, 0x00080004);
    result.reg_dma1stride = e_reg_read(E_REG_DMA1STRIDE);
    conf = e_reg_read(E_REG_CONFIG);
    e_reg_write(E_REG_CONFIG, (conf & ~0xF00u) | E_CTIMER_IDLE << 8);
    result.reg_config_timer = (e_reg_read(E_REG_CONFIG) >> 8) & 0xF;
    e_reg_write(E_REG_CONFIG, conf);
    e_irq_global_mask(E_TRUE);
    result.reg_status_gid = (e_reg_read(E_REG_STATUS) >> 1) & 1;
    e_reg_write(E_REG_IMASK, 1 << E_USER_INT);
    e_reg_write(E_REG_ILATST, 1 << E_USER_INT);
    result.reg_ilat_user = (e_reg_read(E_REG_ILAT) >> E_USER_INT) & 1;
    e_reg_write(E_REG_ILATCL, 1 << E_USER_INT);
    result.reg_ilat_cleared = (e_reg_read(E_REG_ILAT) >> E_USER_INT) & 1;
    e_reg_write(E_REG_IMASK, 0);
    e_irq_global_mask(E_FALSE);
    e_coords_from_coreid(e_group_config.group_id - 1, &r, &c);
    result.outside_row = r;
    result.outside_col = c;
    result.done = DONE;
    return 0;
}
