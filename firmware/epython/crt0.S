/* crt0.S -- reset vector and start-up of the ePython VM firmware.
 *
 * Like an ESDK image, the program starts at vector 0 when the loader raises SYNC (e-loader's
 * e_start; emu.chip.Chip.load_elf does the same).  We set the stack, clear .bss (not
 * .ep_remote: other cores may already have written there), leave the SYNC interrupt with RTI
 * and call main.  The other vectors are never enabled; should one be taken, the core ends with
 * TRAP 5 (fail).
 */
        .section .ep_vectors,"ax",@progbits
        .global _ep_vectors
_ep_vectors:
        b.l     _ep_start               /* 0x00 SYNC (reset / start) */
        b.l     _ep_unexpected          /* 0x04 software exception */
        b.l     _ep_unexpected          /* 0x08 memory fault */
        b.l     _ep_unexpected          /* 0x0c timer 0 */
        b.l     _ep_unexpected          /* 0x10 timer 1 */
        b.l     _ep_unexpected          /* 0x14 message */
        b.l     _ep_unexpected          /* 0x18 DMA 0 */
        b.l     _ep_unexpected          /* 0x1c DMA 1 */
        b.l     _ep_unexpected          /* 0x20 WAND */
        b.l     _ep_unexpected          /* 0x24 user */

        .text
        .global _ep_start
        .balign 4
_ep_start:
        mov     sp, %low(_ep_stack_top)
        movt    sp, %high(_ep_stack_top)
        mov     fp, sp
        mov     r0, %low(_ep_bss_start)
        movt    r0, %high(_ep_bss_start)
        mov     r1, %low(_ep_bss_end)
        movt    r1, %high(_ep_bss_end)
        mov     r2, 0
        mov     r3, 0
1:      sub     r16, r0, r1
        bgteu   2f
        strd    r2, [r0], 1             /* 8 bytes, post-increment */
        b       1b
2:      mov     r0, %low(_ep_run)
        movt    r0, %high(_ep_run)
        movts   iret, r0
        rti                             /* leave the SYNC interrupt: IPEND[0] and GID clear */
_ep_run:
        bl      _main
        trap    3                       /* exit(r0) */
3:      b       3b

_ep_unexpected:
        mov     r0, 1
        trap    5
4:      b       4b
