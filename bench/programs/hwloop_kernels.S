/* The inner loops of hwloop_dot.c on the hardware loop: LS and LE the first and last
   instruction of the body, LC its passes.  Every instruction of a body is 32-bit and its
   start 8-byte aligned, as the architecture reference asks of hardware loops.  Scratch
   registers only (r0-r3, r16-r27: caller-saved in the Epiphany ABI). */
        .text

/* float dot_hw(const float *a, const float *b, unsigned n): four products a pass */
        .global _dot_hw
        .balign 8
_dot_hw:
        mov r3, %low(.Ldot_s)
        movt r3, %high(.Ldot_s)
        movts ls, r3
        mov r3, %low(.Ldot_e)
        movt r3, %high(.Ldot_e)
        movts le, r3
        lsr r2, r2, 2
        movts lc, r2
        mov r16, 0
        mov r17, 0
        mov r18, 0
        mov r19, 0
        .balignw 8, 0x01a2
.Ldot_s:
        ldrd r20, [r0], +1
        ldrd r22, [r1], +1
        ldrd r24, [r0], +1
        ldrd r26, [r1], +1
        fmadd r16, r20, r22
        fmadd r17, r21, r23
        fmadd r18, r24, r26
.Ldot_e:
        fmadd r19, r25, r27
        fadd r16, r16, r17
        fadd r18, r18, r19
        fadd r0, r16, r18
        rts

/* unsigned mix_hw(const unsigned *w, unsigned n): two words a pass */
        .global _mix_hw
        .balign 8
_mix_hw:
        mov r3, %low(.Lmix_s)
        movt r3, %high(.Lmix_s)
        movts ls, r3
        mov r3, %low(.Lmix_e)
        movt r3, %high(.Lmix_e)
        movts le, r3
        lsr r1, r1, 1
        movts lc, r1
        mov r18, 0
        .balignw 8, 0x01a2
.Lmix_s:
        ldrd r16, [r0], +1
        eor r18, r18, r16
        lsl r19, r18, 5
        add r18, r18, r19
        eor r18, r18, r17
        lsr r19, r18, 7
.Lmix_e:
        add r18, r18, r19
        mov r0, r18
        rts
