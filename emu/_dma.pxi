# The two DMA channels of a core (MAN §4 ch. 6; fact sheet §1.8).  Included by _core.pyx.

cdef inline void dma_reg_write(Core* t, uint32_t idx, uint32_t v) noexcept nogil:
    """Write DMA register idx (0-7 channel 0, 8-15 channel 1: CONFIG STRIDE COUNT SRCADDR
    DSTADDR AUTO0 AUTO1 STATUS).  The transfer engine is stepped by the scheduler."""
    t.dma[idx] = v
