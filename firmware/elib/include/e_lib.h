/* e_lib.h -- epiphany-emu e-lib: the whole ESDK device API in one include.
 *
 * Our own implementation of the ESDK's e-lib for programs that run on the Epiphany cores,
 * built with epiphany-elf-gcc against libe-lib.a and one of our ESDK-style linker scripts
 * (firmware/elib/ldf/{internal,fast,legacy}.ldf).  docs/elib.md has the reference, the
 * build commands and every place where we decided what the ESDK left open. */
#ifndef EMU_ELIB_E_LIB_H
#define EMU_ELIB_E_LIB_H

#include "e_common.h"
#include "e_types.h"
#include "e_regs.h"
#include "e_dma.h"
#include "e_ctimers.h"
#include "e_ic.h"
#include "e_mem.h"
#include "e_mutex.h"
#include "e_coreid.h"
#include "e_shm.h"

#endif /* EMU_ELIB_E_LIB_H */
