/* client.c -- libe-hal's connection to the emulator: finding the server, the session
 * (HELLO: the memory file arrives with the answer), mapping the memory, requests, messages. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ehal-internal.h"

EHAL_HIDDEN struct ehal_conn ehal_conn = { .fd = -1, .memfd = -1 };
EHAL_HIDDEN int ehal_host_verbose;
EHAL_HIDDEN int ehal_loader_verbose;

/* one request at a time on the socket; one writer of the dirty ring at a time */
static pthread_mutex_t req_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;

void ehal_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("e-hal: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void ehal_warn(const char *func, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "e-hal: %s(): ", func);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The server's socket: $EPIPHANY_EMU_SOCKET, else /tmp/epiphany-emu-UID/serve.sock (the
 * rule of emu/serve.py's default_socket_path). */
static void socket_path(char *out, size_t n)
{
    const char *env = getenv("EPIPHANY_EMU_SOCKET");
    if (env && *env)
        snprintf(out, n, "%s", env);
    else
        snprintf(out, n, "/tmp/epiphany-emu-%u/serve.sock", (unsigned)getuid());
}

static int write_all(int fd, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n) {
        ssize_t r = recv(fd, p, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = ECONNRESET;
            return -1;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* the answer's header, with a file descriptor if one comes along (else *fd_out = -1) */
static int read_reply(int fd, struct ehal_rep *rep, int *fd_out)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct iovec iov = { rep, sizeof *rep };
    struct msghdr msg;
    size_t got = 0;
    if (fd_out)
        *fd_out = -1;
    while (got < sizeof *rep) {
        memset(&msg, 0, sizeof msg);
        iov.iov_base = (char *)rep + got;
        iov.iov_len = sizeof *rep - got;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = ctl.buf;
        msg.msg_controllen = sizeof ctl.buf;
        ssize_t r = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = ECONNRESET;
            return -1;
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && fd_out)
                memcpy(fd_out, CMSG_DATA(c), sizeof(int));
        got += (size_t)r;
    }
    return 0;
}

/* the payload of an answer (NUL-terminated in a malloc'd buffer; NULL if none) */
static char *read_payload(int fd, uint32_t len)
{
    char *s;
    if (len == 0)
        return NULL;
    s = malloc((size_t)len + 1);
    if (!s)
        return NULL;
    if (read_all(fd, s, len) != 0) {
        free(s);
        return NULL;
    }
    s[len] = '\0';
    return s;
}

static unsigned wait_ms(void)
{
    const char *env = getenv("EPIPHANY_EMU_WAIT");
    if (env && *env) {
        double s = strtod(env, NULL);
        return s <= 0 ? 0 : (unsigned)(s * 1000.0);
    }
    return 60000;           /* a minute for another host program to finish */
}

static void program_name(char *out, size_t n)
{
    FILE *f = fopen("/proc/self/cmdline", "r");
    size_t len = 0;
    out[0] = '\0';
    if (f) {
        len = fread(out, 1, n - 1, f);
        fclose(f);
    }
    out[len] = '\0';
}

static int map_memory(const char *func, int memfd)
{
    struct stat st;
    struct ehal_shm_header h;
    void *m;
    if (fstat(memfd, &st) != 0 || (size_t)st.st_size < sizeof h) {
        ehal_warn(func, "the emulator's memory file is unusable");
        return E_ERR;
    }
    m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    if (m == MAP_FAILED) {
        ehal_warn(func, "cannot map the emulator's memory (%zu bytes): %s",
                  (size_t)st.st_size, strerror(errno));
        return E_ERR;
    }
    memcpy(&h, m, sizeof h);
    if (h.magic != EHAL_SHM_MAGIC || h.version != EHAL_PROTO_VERSION ||
        h.total_size > (uint64_t)st.st_size) {
        ehal_warn(func, "the emulator's memory has an unknown layout (version %u, this "
                  "library speaks %u): rebuild the program against the installed "
                  "epiphany-emu (epiphany-emu hal-config)", h.version, EHAL_PROTO_VERSION);
        munmap(m, (size_t)st.st_size);
        return E_ERR;
    }
    ehal_conn.mem = m;
    ehal_conn.mem_size = (size_t)st.st_size;
    ehal_conn.hdr = m;
    ehal_conn.memfd = memfd;
    return E_OK;
}

static int connect_locked(const char *func);

int ehal_connect(const char *func)
{
    int st;
    if (ehal_conn.fd >= 0)
        return E_OK;
    pthread_mutex_lock(&conn_lock);
    st = connect_locked(func);
    pthread_mutex_unlock(&conn_lock);
    return st;
}

static int connect_locked(const char *func)
{
    struct sockaddr_un addr;
    struct ehal_req req;
    struct ehal_rep rep;
    char name[256];
    char *msg;
    int fd, memfd;

    if (ehal_conn.fd >= 0)
        return E_OK;
    if (ehal_conn.mem) {
        ehal_warn(func, "the connection to the emulator at %s was lost", ehal_conn.where);
        return E_ERR;
    }
    socket_path(ehal_conn.where, sizeof ehal_conn.where);
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(ehal_conn.where) >= sizeof addr.sun_path) {
        ehal_warn(func, "socket path too long: %s", ehal_conn.where);
        return E_ERR;
    }
    strcpy(addr.sun_path, ehal_conn.where);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        ehal_warn(func, "socket: %s", strerror(errno));
        return E_ERR;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        ehal_warn(func, "the Epiphany emulator is not running: cannot connect to %s (%s).  "
                  "Start it with `epiphany-emu serve`, or run this program with "
                  "`epiphany-emu host PROGRAM [ARGS]`.", ehal_conn.where, strerror(errno));
        close(fd);
        return E_ERR;
    }
    program_name(name, sizeof name);
    memset(&req, 0, sizeof req);
    req.op = EHAL_OP_HELLO;
    req.value = EHAL_PROTO_VERSION;
    req.flags = wait_ms();
    req.len = (uint32_t)strlen(name);
    EHAL_DIAG(H_D1, "connecting to the emulator at %s", ehal_conn.where);
    if (write_all(fd, &req, sizeof req) != 0 || write_all(fd, name, req.len) != 0 ||
        read_reply(fd, &rep, &memfd) != 0) {
        ehal_warn(func, "the emulator at %s does not answer: %s", ehal_conn.where,
                  strerror(errno));
        close(fd);
        return E_ERR;
    }
    msg = read_payload(fd, rep.len);
    if (rep.status != E_OK || memfd < 0) {
        ehal_warn(func, "%s", msg ? msg : "the emulator refused the connection");
        free(msg);
        if (memfd >= 0)
            close(memfd);
        close(fd);
        return E_ERR;
    }
    free(msg);
    if (map_memory(func, memfd) != E_OK) {
        close(memfd);
        close(fd);
        return E_ERR;
    }
    ehal_conn.fd = fd;
    EHAL_DIAG(H_D1, "connected: %ux%u cores from (%u,%u), %u bytes of SRAM each, server pid %u",
              ehal_conn.hdr->rows, ehal_conn.hdr->cols, ehal_conn.hdr->first_row,
              ehal_conn.hdr->first_col, ehal_conn.hdr->sram_size, ehal_conn.hdr->server_pid);
    return E_OK;
}

void ehal_disconnect(void)
{
    pthread_mutex_lock(&req_lock);
    if (ehal_conn.fd >= 0) {
        struct ehal_req req;
        struct ehal_rep rep;
        memset(&req, 0, sizeof req);
        req.op = EHAL_OP_BYE;
        if (write_all(ehal_conn.fd, &req, sizeof req) == 0 &&
            read_reply(ehal_conn.fd, &rep, NULL) == 0)
            free(read_payload(ehal_conn.fd, rep.len));
        close(ehal_conn.fd);
        ehal_conn.fd = -1;
    }
    if (ehal_conn.mem) {
        munmap(ehal_conn.mem, ehal_conn.mem_size);
        ehal_conn.mem = NULL;
        ehal_conn.hdr = NULL;
        ehal_conn.mem_size = 0;
    }
    if (ehal_conn.memfd >= 0) {
        close(ehal_conn.memfd);
        ehal_conn.memfd = -1;
    }
    pthread_mutex_unlock(&req_lock);
}

int ehal_request(const char *func, struct ehal_req *req, const void *payload, uint32_t *value)
{
    struct ehal_rep rep;
    char *msg;
    int st = E_ERR;

    if (ehal_connect(func) != E_OK)
        return E_ERR;
    pthread_mutex_lock(&req_lock);
    if (ehal_conn.fd < 0) {
        ehal_warn(func, "not connected to the emulator");
        goto out;
    }
    if (write_all(ehal_conn.fd, req, sizeof *req) != 0 ||
        (req->len && write_all(ehal_conn.fd, payload, req->len) != 0) ||
        read_reply(ehal_conn.fd, &rep, NULL) != 0) {
        ehal_warn(func, "lost the connection to the emulator at %s (%s)", ehal_conn.where,
                  strerror(errno));
        close(ehal_conn.fd);
        ehal_conn.fd = -1;      /* the memory stays mapped: reads still work */
        goto out;
    }
    msg = read_payload(ehal_conn.fd, rep.len);
    if (rep.status != E_OK)
        ehal_warn(func, "%s", msg ? msg : "failed");
    else if (value)
        *value = rep.value;
    free(msg);
    st = rep.status == E_OK ? E_OK : E_ERR;
out:
    pthread_mutex_unlock(&req_lock);
    return st;
}

uint8_t *ehal_sram(unsigned k)
{
    return ehal_conn.mem + ehal_conn.hdr->sram_offset + (size_t)k * ehal_conn.hdr->sram_size;
}

uint8_t *ehal_ext_ptr(uint32_t addr, size_t n)
{
    unsigned j;
    if (!ehal_conn.hdr)
        return NULL;
    for (j = 0; j < ehal_conn.hdr->n_ext && j < EHAL_MAX_EXT; j++) {
        uint64_t base = ehal_conn.hdr->ext[j].base, size = ehal_conn.hdr->ext[j].size;
        if (addr >= base && (uint64_t)addr + n <= base + size)
            return ehal_conn.mem + ehal_conn.hdr->ext[j].offset + (addr - base);
    }
    return NULL;
}

void ehal_note_write(uint32_t addr, size_t n)
{
    volatile struct ehal_shm_header *h = ehal_conn.hdr;
    uint32_t s;
    if (!h || n == 0)
        return;
    pthread_mutex_lock(&ring_lock);
    s = h->dirty_seq;
    h->dirty[s % EHAL_DIRTY_SLOTS].addr = addr;
    h->dirty[s % EHAL_DIRTY_SLOTS].len = n > 0xffffffffu ? 0xffffffffu : (uint32_t)n;
    __atomic_store_n(&h->dirty_seq, s + 1, __ATOMIC_RELEASE);
    __atomic_add_fetch(&h->host_writes, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&ring_lock);
}
