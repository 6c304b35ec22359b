.text
.global _start
_start:
back0:
	.skip 254
	beq back0
	beq back0
	beq fwd0
	.skip 250
	beq fwd0
fwd0:
	beq.s fwd0
	beq.l fwd0
	beq .+256
	beq -258
back1:
	.skip 254
	bne back1
	bne back1
	bne fwd1
	.skip 250
	bne fwd1
fwd1:
	bne.s fwd1
	bne.l fwd1
	bne .+254
	bne -256
back2:
	.skip 254
	bgtu back2
	bgtu back2
	bgtu fwd2
	.skip 250
	bgtu fwd2
fwd2:
	bgtu.s fwd2
	bgtu.l fwd2
	bgtu .+256
	bgtu -258
back3:
	.skip 254
	bgteu back3
	bgteu back3
	bgteu fwd3
	.skip 250
	bgteu fwd3
fwd3:
	bgteu.s fwd3
	bgteu.l fwd3
	bgteu .+254
	bgteu -256
back4:
	.skip 254
	blteu back4
	blteu back4
	blteu fwd4
	.skip 250
	blteu fwd4
fwd4:
	blteu.s fwd4
	blteu.l fwd4
	blteu .+256
	blteu -258
back5:
	.skip 254
	bltu back5
	bltu back5
	bltu fwd5
	.skip 250
	bltu fwd5
fwd5:
	bltu.s fwd5
	bltu.l fwd5
	bltu .+254
	bltu -256
back6:
	.skip 254
	bgt back6
	bgt back6
	bgt fwd6
	.skip 250
	bgt fwd6
fwd6:
	bgt.s fwd6
	bgt.l fwd6
	bgt .+256
	bgt -258
back7:
	.skip 254
	bgte back7
	bgte back7
	bgte fwd7
	.skip 250
	bgte fwd7
fwd7:
	bgte.s fwd7
	bgte.l fwd7
	bgte .+254
	bgte -256
back8:
	.skip 254
	blt back8
	blt back8
	blt fwd8
	.skip 250
	blt fwd8
fwd8:
	blt.s fwd8
	blt.l fwd8
	blt .+256
	blt -258
back9:
	.skip 254
	blte back9
	blte back9
	blte fwd9
	.skip 250
	blte fwd9
fwd9:
	blte.s fwd9
	blte.l fwd9
	blte .+254
	blte -256
back10:
	.skip 254
	bbeq back10
	bbeq back10
	bbeq fwd10
	.skip 250
	bbeq fwd10
fwd10:
	bbeq.s fwd10
	bbeq.l fwd10
	bbeq .+256
	bbeq -258
back11:
	.skip 254
	bbne back11
	bbne back11
	bbne fwd11
	.skip 250
	bbne fwd11
fwd11:
	bbne.s fwd11
	bbne.l fwd11
	bbne .+254
	bbne -256
back12:
	.skip 254
	bblt back12
	bblt back12
	bblt fwd12
	.skip 250
	bblt fwd12
fwd12:
	bblt.s fwd12
	bblt.l fwd12
	bblt .+256
	bblt -258
back13:
	.skip 254
	bblte back13
	bblte back13
	bblte fwd13
	.skip 250
	bblte fwd13
fwd13:
	bblte.s fwd13
	bblte.l fwd13
	bblte .+254
	bblte -256
back14:
	.skip 254
	b back14
	b back14
	b fwd14
	.skip 250
	b fwd14
fwd14:
	b.s fwd14
	b.l fwd14
	b .+256
	b -258
back15:
	.skip 254
	bl back15
	bl back15
	bl fwd15
	.skip 250
	bl fwd15
fwd15:
	bl.s fwd15
	bl.l fwd15
	bl .+254
	bl -256
	b 1f
	nop
1:	b 1b
2:
	bl 2b
	b.l 2b
	bl.s 2f
2:	nop
	b gfar
	bl gfar
	b dlab
	b.s 2b
	bgt.l dlab
	add r1,r2,.-6
	sub r3,r4,.-6
	add r1,r2,.-5
	sub r3,r4,.-5
	add r1,r2,.-4
	sub r3,r4,.-4
	add r1,r2,.-3
	sub r3,r4,.-3
	add r1,r2,.-2
	sub r3,r4,.-2
	add r1,r2,.-1
	sub r3,r4,.-1
	add r1,r2,.+0
	sub r3,r4,.+0
	add r1,r2,.+1
	sub r3,r4,.+1
	add r1,r2,.+2
	sub r3,r4,.+2
	add r1,r2,.+3
	sub r3,r4,.+3
	add r1,r2,.+4
	sub r3,r4,.+4
	add r1,r2,.+5
	sub r3,r4,.+5
	add r1,r2,.+6
	sub r3,r4,.+6
	add r1,r2,.+7
	sub r3,r4,.+7
	add r1,r2,.+8
	sub r3,r4,.+8
	add r1,r2,.+9
	sub r3,r4,.+9
	add r1,r2,.+1022
	add r1,r2,.+1023
	add r1,r2,.+1024
	add r1,r2,.+1025
	add r1,r2,.+1026
	add r1,r2,.-1020
	add r1,r2,.-1021
	add r1,r2,.-1022
	add r1,r2,.-1023
	add r1,r2,.-1024
	add r0,r1,fwdlab
	sub r0,r1,fwdlab
	add r7,r6,dlab
	sub r1,r1,gfar
	add.l r0,r1,fwdlab-fwdlab
	add.s r0,r1,K
	mov r0,K
	mov r0,K2
	mov r0,%low(dlab)
	movt r0,%high(dlab)
	mov r8,%low(dlab+0x10000)
	movt r8,%high(fwdlab)
	mov r0,fwdlab
	movt r2,dlab
	mov r0,%high(dlab)
	movt r0,%low(dlab)
	add r8,r1,small
	ldr r8,[r1,small]
	ldr r8,[r1,#-small]
	add r0,r1,small
	str r9,[r2,small+1]
	.set K,3
	.equ K2, K*0x100 + 5
	.skip 700
fwdlab:	nop
	b fwdlab
	b.l fwdlab
	.balign 8
gfar:	nop
.global gfar
	.word fwdlab, dlab, gfar+2, fwdlab-_start
	.short fwdlab-_start, small
	.byte small
.data
	.byte 1
dlab:	.word dlab, 0
.set small, 5
