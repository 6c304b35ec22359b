
; comments: semicolon, // C++, /* C */, # at line start
# a line comment
	.text
	.global _start, other
	.type _start, @function
_start:	mov r0, 1            // trailing comment
	add r0 , r1 , 2 * 2  ; spaces inside operands
	/* block */ nop ` nop
	push {r0,r1,r4}
	pop {r0,r1,r4}
	push {r5}
	pop {lr,r0}
	push {r0, r2 , r15}
1:	nop
	b 1b
	b 1f
1:	nop
	.byte 1
	.balign 8
	nop
	.byte 2
	.balign 16
	.p2align 2
	.align 3
	.balign 8,,3
	.byte 3
	.balign 8,0x55
	.p2align 4,0x77
	.hword 0x1234, -2
	.short 1+2&3, 7%3
	.word 'b, 0b101, 017, -1, 1<<4|1, ~0, !0, 2>1, (1+2)*3, $ff, 0x7fffffff
	.long 0x11223344
	.int 5
	.2byte 6
	.4byte 7
	.ascii "ab;c\n", "\x41\101"
	.asciz "x"
	.string "y\"z"
	.zero 3
	.space 2
	.skip 3, 9
	.fill 2, 3, 0x112233
	.fill 3
	.set S1, 0x40
	S2 = S1 + 4
	.equ S3, S2 << 1
	.word S1, S2, S3, end - _start, other
	.size _start, . - _start
other:	nop
	mov r0, #S1
	add r0, r1, #-S1/16
	ldr r0, [r1, #S1/32]
	ldr r0, [r1, #- 2]
	ldr r0, [r1, -#3]
	ldrd r2, [r5], +r4
	str r0, [r1], #-4
	str r0, [r1], #+4
	ldr r8, [r9]
	ldr.l r1, [r2]
	strb.l r1, [r2]
	mov r0, sym_in_bss
	fabs rd,rn
	fabs r0,r1
	swi
	rts
	.section .text.extra,"ax",@progbits
	nop
	.section .mycode,"ax"
	trap 3
	.data
	.byte 9
	.balign 4
dw:	.word dw, _start
	.section .rodata
	.byte 1, 2
	.section .rodata.str,"a"
	.asciz "hello"
	.section .mydata,"aw"
	.short 3
	.bss
	.space 12
sym_in_bss:
	.zero 4
	.section .sbss,"aw",@nobits
	.skip 3
	.text
end:	.byte 9
