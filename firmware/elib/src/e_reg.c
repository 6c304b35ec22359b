/* e_reg.c -- e_reg_read/e_reg_write (e_regs.h).
 *
 * CONFIG and STATUS with MOVFS/MOVTS; every other register through this core's global alias
 * (coreid << 20 | address), which reaches all of them with one load or store. */
#include "elib.h"

unsigned e_reg_read(e_core_reg_id_t reg_id)
{
    unsigned v;
    switch (reg_id) {
    case E_REG_CONFIG:
        __asm__ __volatile__("movfs %0, config" : "=r"(v) :: "memory");
        return v;
    case E_REG_STATUS:
        __asm__ __volatile__("movfs %0, status" : "=r"(v) :: "memory");
        return v;
    default:
        return *elib_own_reg(reg_id);
    }
}

/* Writing STATUS changes the flags under the compiler's feet: "cc" tells it. */
void e_reg_write(e_core_reg_id_t reg_id, unsigned val)
{
    switch (reg_id) {
    case E_REG_CONFIG:
        __asm__ __volatile__("movts config, %0" :: "r"(val) : "memory");
        break;
    case E_REG_STATUS:
        __asm__ __volatile__("movts status, %0" :: "r"(val) : "cc", "memory");
        break;
    default:
        *elib_own_reg(reg_id) = val;
        break;
    }
}
