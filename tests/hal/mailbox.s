; A device program for the host-API tests (assembled by our assembler at test time):
; every core waits for the host to write a number at 0x4000, writes 2 * number + index
; (index = row * 4 + col on the 4x4 chip) at 0x4004 and at DRAM 0x8F000000 + 4 * index,
; then sleeps in IDLE.  The user interrupt (e_signal) counts at 0x4008.
        b.l start        ; 0x00 SYNC
        b.l start        ; 0x04
        b.l start        ; 0x08
        b.l start        ; 0x0c
        b.l start        ; 0x10
        b.l start        ; 0x14
        b.l start        ; 0x18
        b.l start        ; 0x1c
        b.l start        ; 0x20
        b.l user_isr     ; 0x24 USER
start:
        mov r0, %low(main)
        movt r0, %high(main)
        movts iret, r0
        rti
main:
        mov r0, 0
        movts imask, r0         ; e-loader leaves all but SYNC masked: unmask (e_irq_mask)
        gie
        mov r2, 0x4000          ; mailbox: 0x4000 input (host), 0x4004 output, 0x4008 signals
wait:   ldr r1, [r2]
        sub r3, r1, 0
        beq wait
        add r1, r1, r1
        movfs r5, coreid
        lsr r6, r5, 6
        mov r8, 3
        and r6, r6, r8
        and r7, r5, r8
        lsl r6, r6, 2
        add r6, r6, r7          ; index = row * 4 + col (within the 4x4 chip)
        add r1, r1, r6          ; result = 2 * input + index
        str r1, [r2, 1]
        lsl r6, r6, 2
        mov r9, 0
        movt r9, 0x8f00
        add r9, r9, r6
        str r1, [r9]            ; DRAM 0x8F000000 + 4 * index
done:   idle
        b done
user_isr:
        ldr r10, [r2, 2]
        add r10, r10, 1
        str r10, [r2, 2]
        rti
