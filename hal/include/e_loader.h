/* e_loader.h -- old name of e-loader.h (the ESDK deprecated it; kept for old programs). */
#ifndef EPIPHANY_EMU_E_LOADER_OLD_H
#define EPIPHANY_EMU_E_LOADER_OLD_H
#warning "e_loader.h is deprecated: include e-loader.h"
#include "e-loader.h"
#endif
