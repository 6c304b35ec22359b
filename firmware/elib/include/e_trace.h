/* e_trace.h -- epiphany-emu e-lib: the ESDK's event trace.
 *
 * Each core appends 8-byte records {CTIMER1 value, severity | event | breakpoint | coreid << 8
 * | data} to its slice of the shared-memory segment "trace_buffer" (2 MB shared by the group's
 * cores), wrapping around at the end of its slice; CTIMER1 counts clock cycles down and is
 * re-armed by an interrupt handler when it runs out. */
#ifndef EMU_ELIB_E_TRACE_H
#define EMU_ELIB_E_TRACE_H

#ifdef __cplusplus
extern "C" {
#endif

/* severity: bits 31:30 */
#define T_SEVERITY_ERROR   0
#define T_SEVERITY_WARNING (1 << 30)
#define T_SEVERITY_NOTICE  (2 << 30)
#define T_SEVERITY_DEBUG   (3 << 30)

/* event: bits 29:24 */
#define T_EVENT_PROGRAM_START    (0 << 24)
#define T_EVENT_PROGRAM_STOP     (1 << 24)
#define T_EVENT_PROCESSING_START (2 << 24)
#define T_EVENT_PROCESSING_STOP  (3 << 24)
#define T_EVENT_WRITE_START      (4 << 24)
#define T_EVENT_WRITE_STOP       (5 << 24)
#define T_EVENT_READ_START       (6 << 24)
#define T_EVENT_READ_STOP        (7 << 24)
#define T_EVENT_USER1_START      (8 << 24)
#define T_EVENT_USER1_END        (9 << 24)
#define T_EVENT_MARKER1          (10 << 24)
#define T_EVENT_CONFIGURATION    (31 << 24)

/* place in the program: bits 23:20 */
#define T_BP_0  (0 << 20)
#define T_BP_1  (1 << 20)
#define T_BP_2  (2 << 20)
#define T_BP_3  (3 << 20)
#define T_BP_4  (4 << 20)
#define T_BP_5  (5 << 20)
#define T_BP_6  (6 << 20)
#define T_BP_7  (7 << 20)
#define T_BP_8  (8 << 20)
#define T_BP_9  (9 << 20)
#define T_BP_10 (10 << 20)
#define T_BP_11 (11 << 20)
#define T_BP_12 (12 << 20)
#define T_BP_13 (13 << 20)
#define T_BP_14 (14 << 20)
#define T_BP_15 (15 << 20)

#define TRACE_FILE_MAGIC (0xE3ACE)

/* attach the "trace_buffer" segment, install the CTIMER1 handler, load CTIMER1; E_OK/E_ERR */
int trace_init(void);
/* start CTIMER1 counting clock cycles */
int trace_start(void);
/* meet every core of the chip (WAND), then start CTIMER1 */
int trace_start_wait_all(void);
/* append one record */
int trace_write(unsigned severity, unsigned event, unsigned breakpoint, unsigned data);
/* stop CTIMER1 and mask its interrupt */
int trace_stop(void);

#ifdef __cplusplus
}
#endif

#endif /* EMU_ELIB_E_TRACE_H */
