/* Minimal start-up for the benchmark kernels: core-local, no newlib.
   Vector 0 (reset/SYNC) jumps to _start; the stack is at the top of the 32 KB SRAM. */
        .section .ivt,"ax",@progbits
        .global _vectors
_vectors:
        b.l _start
        .rept 9
        b.l _unexpected
        .endr

        .text
        .global _start
_start:
        mov sp, 0x7ff0
        mov fp, sp
        mov r0, %low(_main)
        movt r0, %high(_main)
        jalr r0
        trap 3              /* exit(r0) */
_unexpected:
        mov r0, 99
        trap 3
