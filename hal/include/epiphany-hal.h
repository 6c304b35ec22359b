/* epiphany-hal.h -- epiphany-emu e-hal: the data types and the API (see e-hal.h). */
#ifndef EPIPHANY_EMU_EPIPHANY_HAL_H
#define EPIPHANY_EMU_EPIPHANY_HAL_H

#include <sys/types.h>
#include "epiphany-hal-data.h"
#include "epiphany-hal-api.h"

#endif
