/* e-lib.h -- the ESDK's other spelling of e_lib.h. */
#include "e_lib.h"
