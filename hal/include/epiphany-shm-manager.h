/* epiphany-shm-manager.h -- epiphany-emu e-hal: set-up and tear-down of the shared-memory
 * table (the e_shm_* calls do it on first use; programs need not call these). */
#ifndef EPIPHANY_EMU_SHM_MANAGER_H
#define EPIPHANY_EMU_SHM_MANAGER_H

#ifdef __cplusplus
extern "C" {
#endif

/* map the table at the start of the shared DRAM window and check it (a table without the
 * magic number is cleared and initialised); E_OK or E_ERR */
int e_shm_init(void);

/* forget the mapping of the table */
void e_shm_finalize(void);

#ifdef __cplusplus
}
#endif

#endif
