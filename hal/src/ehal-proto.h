/* ehal-proto.h -- what libe-hal and the emulator's server (emu/serve.py) share: the layout of
 * the shared memory and the control protocol.  emu/serve.py holds the same definitions;
 * tests/host/test_protocol.py compiles this header and compares.
 *
 * Memory.  The server keeps the chip's memory in one memory file (memfd) it hands to each
 * client over the control socket (SCM_RIGHTS) when the client's session starts:
 *
 *     0                      struct ehal_shm_header (one page)
 *     sram_offset            core 0's SRAM, core 1's ... (chip order: row-major), sram_size
 *                            bytes each
 *     ext[j].offset          external memory region j (region 0: the DRAM of e_alloc)
 *
 * Host reads and writes of SRAM and DRAM are plain memory accesses to this mapping.  Writes
 * made through the library are logged in a ring (dirty[]), which the server reads between
 * time slices so that instructions it had decoded from that memory are decoded again.
 *
 * Control.  A Unix stream socket.  A request is struct ehal_req followed by len bytes of
 * payload; the answer is struct ehal_rep followed by len bytes (an error message when status
 * is E_ERR).  All integers little-endian (the host's).  One request at a time per client; the
 * server runs one session (client) at a time, others wait for their turn (HELLO).
 */
#ifndef EHAL_PROTO_H
#define EHAL_PROTO_H

#include <stdint.h>

#define EHAL_SHM_MAGIC   0x554d4545u   /* "EEMU" */
#define EHAL_PROTO_VERSION 1
#define EHAL_MAX_EXT     4
#define EHAL_DIRTY_SLOTS 256

struct ehal_ext_region {
    uint32_t base;          /* global address as the cores see it */
    uint32_t size;
    uint64_t offset;        /* in the memory file */
};

struct ehal_dirty {
    uint32_t addr;          /* global address */
    uint32_t len;
};

struct ehal_shm_header {
    uint32_t magic;
    uint32_t version;
    uint32_t header_size;
    uint32_t server_pid;
    uint32_t rows, cols;            /* the chip */
    uint32_t first_row, first_col;  /* mesh coordinates of its first core */
    uint32_t ncores;
    uint32_t sram_size;
    uint32_t chip_type;             /* e_chiptype_t */
    uint32_t n_ext;
    uint64_t sram_offset;
    uint64_t total_size;
    struct ehal_ext_region ext[EHAL_MAX_EXT];
    uint32_t host_writes;           /* bumped by the library after every write */
    uint32_t dirty_seq;             /* records written so far (dirty[seq % SLOTS]) */
    struct ehal_dirty dirty[EHAL_DIRTY_SLOTS];
};

enum ehal_op {
    EHAL_OP_HELLO = 1,      /* value = protocol version, flags = ms to wait for a turn,
                               payload = the program's name; answer: the memfd */
    EHAL_OP_BYE = 2,        /* end of the session (e_finalize) */
    EHAL_OP_RESET = 3,      /* reset cores row, col, rows, cols (chip-relative) */
    EHAL_OP_LOAD = 4,       /* load payload (a path) on row, col, rows, cols; the workgroup
                               record describes grow, gcol, grows, gcols; flags & 1: start */
    EHAL_OP_START = 5,      /* start row, col, rows, cols */
    EHAL_OP_REG_READ = 6,   /* core (row, col), register value (0xf0000 + offset) ->
                               answer value */
    EHAL_OP_REG_WRITE = 7,  /* core (row, col), register value, data flags */
    EHAL_OP_SYNC = 8,       /* nothing: answered once the server caught up */
};

struct ehal_req {
    uint32_t op;
    uint32_t flags;
    uint32_t row, col, rows, cols;
    uint32_t grow, gcol, grows, gcols;
    uint32_t value;
    uint32_t len;
};

struct ehal_rep {
    int32_t  status;        /* E_OK, E_ERR */
    uint32_t value;
    uint32_t len;
    uint32_t pad;
};

#endif
