/* epiphany-hal-api-local.h -- epiphany-emu e-hal: the lower-level calls behind the API (the
 * ESDK installs them too; some programs use them).  Same conventions as epiphany-hal-api.h. */
#ifndef EPIPHANY_EMU_HAL_API_LOCAL_H
#define EPIPHANY_EMU_HAL_API_LOCAL_H

#include <sys/types.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* the board's device file (not used by the emulator's library) */
#define EPIPHANY_DEV "/dev/epiphany/mesh0"

/* a core's memory (word: the value, or E_ERR) and registers (address 0xf0xxx or an offset
 * into the register window) */
int     ee_read_word(e_epiphany_t *dev, unsigned row, unsigned col, const off_t from_addr);
ssize_t ee_write_word(e_epiphany_t *dev, unsigned row, unsigned col, off_t to_addr, int data);
ssize_t ee_read_buf(e_epiphany_t *dev, unsigned row, unsigned col, const off_t from_addr,
                    void *buf, size_t size);
ssize_t ee_write_buf(e_epiphany_t *dev, unsigned row, unsigned col, off_t to_addr,
                     const void *buf, size_t size);
int     ee_read_reg(e_epiphany_t *dev, unsigned row, unsigned col, const off_t from_addr);
ssize_t ee_write_reg(e_epiphany_t *dev, unsigned row, unsigned col, off_t to_addr, int data);

/* the eLink system registers of ESDK 2015 and earlier (E_SYS_*): values kept, no effect;
 * ee_disable_system does nothing */
int     ee_read_esys(off_t from_addr);
ssize_t ee_write_esys(off_t to_addr, int data);
int     ee_disable_system(void);

/* any global address: a core's memory or registers, or external memory */
ssize_t ee_read_abs(unsigned address, void *buf, size_t size);
ssize_t ee_write_abs(unsigned address, void *buf, size_t size);

/* external memory buffers */
ssize_t ee_mread(e_mem_t *mbuf, const off_t from_addr, void *buf, size_t size);
ssize_t ee_mwrite(e_mem_t *mbuf, off_t to_addr, const void *buf, size_t size);
int     ee_mread_word(e_mem_t *mbuf, const off_t from_addr);
ssize_t ee_mwrite_word(e_mem_t *mbuf, off_t to_addr, int data);
ssize_t ee_mread_buf(e_mem_t *mbuf, const off_t from_addr, void *buf, size_t size);
ssize_t ee_mwrite_buf(e_mem_t *mbuf, off_t to_addr, const void *buf, size_t size);

/* cores of a workgroup: reset, start (SYNC), soft reset (e-loader's: left idle, registers
 * cleared) */
int ee_reset_core(e_epiphany_t *dev, unsigned row, unsigned col);
int ee_reset_group(e_epiphany_t *dev, unsigned row, unsigned col, unsigned rows,
                   unsigned cols);
int ee_start_group(e_epiphany_t *dev, unsigned row, unsigned col, unsigned rows,
                   unsigned cols);
int ee_soft_reset_core(e_epiphany_t *dev, unsigned row, unsigned col);

/* core numbers (row * cols + col), mesh ids and workgroup coordinates */
unsigned ee_get_num_from_id(e_epiphany_t *dev, unsigned coreid);
unsigned ee_get_id_from_coords(e_epiphany_t *dev, unsigned row, unsigned col);
unsigned ee_get_id_from_num(e_epiphany_t *dev, unsigned corenum);
void     ee_get_coords_from_id(e_epiphany_t *dev, unsigned coreid, unsigned *row,
                               unsigned *col);

/* platform descriptions: version strings to types and chip parameters; the ESDK's simple
 * HDF format (KEY value lines) */
int  ee_set_platform_params(e_platform_t *platform);
int  ee_set_chip_params(e_chip_t *dev);
int  ee_parse_hdf(e_platform_t *dev, char *hdf);
int  ee_parse_simple_hdf(e_platform_t *dev, char *hdf);
int  ee_parse_xml_hdf(e_platform_t *dev, char *hdf);
void ee_trim_str(char *a);
unsigned long ee_rndu_page(unsigned long size);
unsigned long ee_rndl_page(unsigned long size);

/* which target the library drives: the emulator behaves as the board ("native") */
bool ee_native_target_p();
bool ee_esim_target_p();
bool ee_pal_target_p();

#ifdef __cplusplus
}
#endif

#endif
