/* e_types.h -- epiphany-emu e-lib: the boolean and status types of the ESDK device API.
 *
 * Part of our own implementation of the ESDK's device library (docs/elib.md): the names and
 * values are the ESDK's, so that ESDK device sources build against it unchanged. */
#ifndef EMU_ELIB_E_TYPES_H
#define EMU_ELIB_E_TYPES_H

#ifndef __cplusplus
#include <stdbool.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    E_FALSE = false,
    E_TRUE = true,
} e_bool_t;

/* return codes of the e-lib calls that report success */
typedef enum {
    E_OK = 0,
    E_ERR = -1,
    E_WARN = -2,
} e_return_stat_t;

#ifdef __cplusplus
}
#endif

#endif /* EMU_ELIB_E_TYPES_H */
