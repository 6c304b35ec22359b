/* e_coreid.h -- epiphany-emu e-lib: who am I, where is my workgroup, global addresses.
 *
 * A core id is the 12-bit mesh address row << 6 | col (COREID register).  (row, col) in this
 * API are relative to the workgroup the loader started the program on; the loader writes the
 * group's description at workgroup_cfg (0x28) and the external memory's at ext_mem_cfg
 * (0x50), which the program sees as e_group_config and e_emem_config. */
#ifndef EMU_ELIB_E_COREID_H
#define EMU_ELIB_E_COREID_H

#include "e_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int e_coreid_t;

/* row or column argument meaning "this core" (e_get_global_address, e_irq_set, ...) */
#define E_SELF (~0)

/* e_neighbor_id(): which neighbour, and how the coordinates wrap at the group's edges */
typedef enum {
    E_GROUP_WRAP = 0,        /* along the row; off its end onto the next/previous row */
    E_ROW_WRAP = 1,          /* along the row, wrapping within the row */
    E_COL_WRAP = 2,          /* along the column, wrapping within the column */
    E_PREV_CORE = 0,
    E_NEXT_CORE = 1,
} e_coreid_wrap_t;

/* first word of the objects e_read()/e_write() take as their `remote` argument */
typedef enum {
    E_NULL = 0,
    E_EPI_PLATFORM = 1,
    E_EPI_CHIP = 2,
    E_EPI_GROUP = 3,
    E_EPI_CORE = 4,
    E_EXT_MEM = 5,
    E_MAPPING = 6,
    E_SHARED_MEM = 7,
} e_objtype_t;

typedef enum {
    E_E16G301 = 0,
    E_E64G401 = 1,
} e_chiptype_t;

/* the record at workgroup_cfg (0x28..0x4F), written by the loader */
typedef struct {
    e_objtype_t objtype;         /* E_EPI_GROUP */
    e_chiptype_t chiptype;
    e_coreid_t group_id;         /* core id of the group's core (0, 0) */
    unsigned group_row;          /* its absolute mesh row and column */
    unsigned group_col;
    unsigned group_rows;         /* group size */
    unsigned group_cols;
    unsigned core_row;           /* this core, relative to the group */
    unsigned core_col;
    unsigned alignment_padding;  /* 0xDEADBEEF */
} e_group_config_t;

/* the record at ext_mem_cfg (0x50..0x57), written by the loader */
typedef struct {
    e_objtype_t objtype;         /* E_EXT_MEM */
    unsigned base;               /* where the cores see external memory: 0x8E000000 */
} e_emem_config_t;

extern const e_group_config_t e_group_config;
extern const e_emem_config_t e_emem_config;

/* this core's id (COREID) */
e_coreid_t e_get_coreid(void);
/* ptr as seen from anywhere: a core-local address (bits 31:20 zero) becomes the global alias
 * on core (row, col) of the group (E_SELF: this core); a global address is returned as is */
void *e_get_global_address(unsigned row, unsigned col, const void *ptr);
/* core id of group core (row, col), and back */
e_coreid_t e_coreid_from_coords(unsigned row, unsigned col);
void e_coords_from_coreid(e_coreid_t coreid, unsigned *row, unsigned *col);
/* E_TRUE when ptr is a local address or a global alias of this core */
e_bool_t e_is_on_core(const void *ptr);
/* group coordinates of this core's previous/next neighbour (docs/elib.md) */
void e_neighbor_id(e_coreid_wrap_t dir, e_coreid_wrap_t wrap, unsigned *row, unsigned *col);

#ifdef __cplusplus
}
#endif

#endif /* EMU_ELIB_E_COREID_H */
