/* e_config.c -- the loader's records as C objects (e_coreid.h).
 *
 * They live in sections workgroup_cfg (0x28) and ext_mem_cfg (0x50), which our linker scripts
 * place at those addresses as NOBITS outside every segment, so the loader's writes are the
 * only contents.  Alone in this file so that no code is compiled knowing the (zero) value the
 * definitions carry. */
#include "e_coreid.h"
#include "e_common.h"

const e_group_config_t e_group_config SECTION("workgroup_cfg");
const e_emem_config_t e_emem_config SECTION("ext_mem_cfg");
