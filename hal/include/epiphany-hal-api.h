/* epiphany-hal-api.h -- epiphany-emu e-hal: the calls of an ESDK host program (see e-hal.h).
 *
 * Coordinates (row, col) are relative to the platform (e_open) or to the workgroup (every
 * other call).  Calls return E_OK, or E_ERR with a message on stderr; e_read/e_write return
 * the number of bytes transferred, or E_ERR for an address outside the core's memory (its
 * SRAM, 0..sram_size, or its registers, 0xf0000..0xf0fff), the buffer or the workgroup.
 */
#ifndef EPIPHANY_EMU_HAL_API_H
#define EPIPHANY_EMU_HAL_API_H

#include <sys/types.h>
#include <stdint.h>
#include "epiphany-shm-manager.h"

#ifdef __cplusplus
extern "C" {
#endif

/* -- the platform ----------------------------------------------------------------------------
 * e_init connects to the emulator (`epiphany-emu serve`, or the private one of
 * `epiphany-emu host`) and maps its memory; the HDF argument is not needed (the emulator
 * describes the chip) and may be NULL.  e_finalize disconnects. */
int e_init(char *hdf);
int e_get_platform_info(e_platform_t *platform);
int e_finalize(void);

/* -- workgroups ----------------------------------------------------------------------------- */
int e_open(e_epiphany_t *dev, unsigned row, unsigned col, unsigned rows, unsigned cols);
int e_close(e_epiphany_t *dev);

/* -- external memory: size bytes at base (an offset from the start of external memory,
 * 0x8e000000 as the cores see it) -------------------------------------------------------- */
int e_alloc(e_mem_t *mbuf, off_t base, size_t size);
int e_free(e_mem_t *mbuf);

/* -- data transfer: dev is an e_epiphany_t (core (row, col): its memory or registers) or an
 * e_mem_t (row and col unused) ---------------------------------------------------------------- */
ssize_t e_read(void *dev, unsigned row, unsigned col, off_t from_addr, void *buf, size_t size);
ssize_t e_write(void *dev, unsigned row, unsigned col, off_t to_addr, const void *buf,
                size_t size);

/* -- control ------------------------------------------------------------------------------- */
#define e_reset e_reset_system
int e_reset_system(void);                   /* every core reset (memory kept) */
int e_reset_chip(void);                     /* nothing to do (E_OK) */
int e_reset_group(e_epiphany_t *dev);       /* every core of the workgroup reset */
int e_start(e_epiphany_t *dev, unsigned row, unsigned col);  /* SYNC interrupt */
int e_start_group(e_epiphany_t *dev);
int e_signal(e_epiphany_t *dev, unsigned row, unsigned col); /* user interrupt (ILATST bit 9) */
int e_halt(e_epiphany_t *dev, unsigned row, unsigned col);   /* DEBUGCMD = 1 */
int e_resume(e_epiphany_t *dev, unsigned row, unsigned col); /* DEBUGCMD = 0 */

/* -- named shared-memory segments (in the 4 MB after the table at 0x8f000000) --------------
 * e_shm_alloc: E_ERR with errno EEXIST (the name is taken), ENOMEM (no room), EINVAL;
 * e_shm_attach: E_ERR when no segment has that name; e_shm_release: the last release
 * frees the segment. */
int e_shm_alloc(e_mem_t *mbuf, const char *name, size_t size);
int e_shm_attach(e_mem_t *mbuf, const char *name);
int e_shm_release(const char *name);
e_shmtable_t *e_shm_get_shmtable(void);

/* -- helpers -------------------------------------------------------------------------------- */
unsigned e_get_num_from_coords(e_epiphany_t *dev, unsigned row, unsigned col);
void e_get_coords_from_num(e_epiphany_t *dev, unsigned corenum, unsigned *row, unsigned *col);

e_bool_t e_is_addr_on_chip(void *addr);
e_bool_t e_is_addr_on_group(e_epiphany_t *dev, void *addr);
e_bool_t e_is_addr_in_emem(uintptr_t addr);

e_hal_diag_t e_set_host_verbosity(e_hal_diag_t verbose);

#ifdef __cplusplus
}
#endif

#endif
