/* ehal-internal.h -- the state libe-hal keeps and the helpers its files share. */
#ifndef EHAL_INTERNAL_H
#define EHAL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "e-hal.h"
#include "e-loader.h"
#include "epiphany-hal-api-local.h"
#include "ehal-proto.h"

#define EHAL_HIDDEN __attribute__((visibility("hidden")))

/* the register window of a core: local addresses 0xf0000 .. 0xf0fff */
#define EHAL_REGS_BASE 0xf0000u
#define EHAL_REGS_SIZE 0x1000u
/* the Parallella's external memory as the host sees it (its HDF: EMEM_BASE_ADDRESS) */
#define EHAL_EMEM_HOST_BASE 0x3e000000u
/* the shared-memory table: this far into external memory, this big (ESDK) */
#define EHAL_SHM_OFFSET 0x01000000u
#define EHAL_SHM_SIZE   0x00400000u
#define EHAL_SHM_MAGIC_TABLE 0xabcdef00u

/* the connection to the emulator and its memory */
struct ehal_conn {
    int fd;                             /* control socket, -1 when not connected */
    int memfd;
    uint8_t *mem;                       /* the mapping of the memory file */
    size_t mem_size;
    volatile struct ehal_shm_header *hdr;
    char where[256];                    /* the socket's path, for messages */
};

extern EHAL_HIDDEN struct ehal_conn ehal_conn;
extern EHAL_HIDDEN int ehal_host_verbose;
extern EHAL_HIDDEN int ehal_loader_verbose;

/* diagnostics at level >= lvl (e_set_host_verbosity) */
#define EHAL_DIAG(lvl, ...) \
    do { if (ehal_host_verbose >= (lvl)) ehal_diag(__VA_ARGS__); } while (0)
EHAL_HIDDEN void ehal_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* an error message on stderr: "e-hal: <func>(): ..." */
EHAL_HIDDEN void ehal_warn(const char *func, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* connect (if not yet) and map the memory; E_OK or E_ERR (message printed) */
EHAL_HIDDEN int ehal_connect(const char *func);
EHAL_HIDDEN void ehal_disconnect(void);
/* one request; E_OK (value in *value if not NULL) or E_ERR (the server's message printed
 * with func's name) */
EHAL_HIDDEN int ehal_request(const char *func, struct ehal_req *req, const void *payload,
                             uint32_t *value);

/* the chip's memory in the host program: core k's SRAM, the external region holding global
 * address addr (NULL if none) */
EHAL_HIDDEN uint8_t *ehal_sram(unsigned k);
EHAL_HIDDEN uint8_t *ehal_ext_ptr(uint32_t addr, size_t n);
/* log a write of n bytes at global address addr (the server forgets decoded code there) */
EHAL_HIDDEN void ehal_note_write(uint32_t addr, size_t n);

/* chip-relative core index of workgroup core (row, col) */
EHAL_HIDDEN unsigned ehal_core_index(const e_epiphany_t *dev, unsigned row, unsigned col);
/* a checked workgroup core: E_OK, or E_ERR with a message */
EHAL_HIDDEN int ehal_check_core(const char *func, const e_epiphany_t *dev, unsigned row,
                                unsigned col);
EHAL_HIDDEN int ehal_check_range(const char *func, const e_epiphany_t *dev, unsigned row,
                                 unsigned col, unsigned rows, unsigned cols);
/* fill the chip-relative fields of a request for workgroup cores */
EHAL_HIDDEN void ehal_req_cores(struct ehal_req *req, const e_epiphany_t *dev, unsigned row,
                                unsigned col, unsigned rows, unsigned cols);

/* the platform (e_init fills it) */
extern e_platform_t e_platform;

#endif
