/* e-hal.h -- epiphany-emu's e-hal: the ESDK host library's API, implemented on the emulated
 * chip (libe-hal of epiphany-emu, docs/esdk-host.md).
 *
 * An ESDK host program includes this header and links with -le-hal (-le-loader); build it
 * with the flags of `epiphany-emu hal-config --cflags --libs` and run it with
 * `epiphany-emu host ./prog` (or against `epiphany-emu serve`).  The names, types, structures,
 * return codes and constants are those the ESDK documents; the code is ours.
 */
#ifndef EPIPHANY_EMU_E_HAL_H
#define EPIPHANY_EMU_E_HAL_H

#include "epiphany-hal.h"

#endif
