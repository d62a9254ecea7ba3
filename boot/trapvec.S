/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * S-mode trap vector. Saves all integer registers in a struct trap_frame on the current stack,
 * calls trap_handler(frame), restores (trap_handler may change frame->sepc) and returns.
 * Interrupts never preempt code (sstatus.SIE stays 0), so traps are synchronous exceptions only.
 */
#define REG(n) ((n) * 8)
#define FRAME 288	/* 32 regs + sepc, scause, stval, sstatus (struct trap_frame) */

	.section .text
	.balign 4
	.globl trap_vector
trap_vector:
	addi	sp, sp, -FRAME
	sd	ra, REG(1)(sp)
	sd	gp, REG(3)(sp)
	sd	tp, REG(4)(sp)
	sd	t0, REG(5)(sp)
	sd	t1, REG(6)(sp)
	sd	t2, REG(7)(sp)
	sd	s0, REG(8)(sp)
	sd	s1, REG(9)(sp)
	sd	a0, REG(10)(sp)
	sd	a1, REG(11)(sp)
	sd	a2, REG(12)(sp)
	sd	a3, REG(13)(sp)
	sd	a4, REG(14)(sp)
	sd	a5, REG(15)(sp)
	sd	a6, REG(16)(sp)
	sd	a7, REG(17)(sp)
	sd	s2, REG(18)(sp)
	sd	s3, REG(19)(sp)
	sd	s4, REG(20)(sp)
	sd	s5, REG(21)(sp)
	sd	s6, REG(22)(sp)
	sd	s7, REG(23)(sp)
	sd	s8, REG(24)(sp)
	sd	s9, REG(25)(sp)
	sd	s10, REG(26)(sp)
	sd	s11, REG(27)(sp)
	sd	t3, REG(28)(sp)
	sd	t4, REG(29)(sp)
	sd	t5, REG(30)(sp)
	sd	t6, REG(31)(sp)
	addi	t0, sp, FRAME
	sd	t0, REG(2)(sp)		/* sp before the trap */
	csrr	t0, sepc
	sd	t0, REG(32)(sp)
	csrr	t0, scause
	sd	t0, REG(33)(sp)
	csrr	t0, stval
	sd	t0, REG(34)(sp)
	csrr	t0, sstatus
	sd	t0, REG(35)(sp)
	mv	a0, sp
	call	trap_handler
	ld	t0, REG(32)(sp)
	csrw	sepc, t0
	ld	ra, REG(1)(sp)
	ld	gp, REG(3)(sp)
	ld	tp, REG(4)(sp)
	ld	t0, REG(5)(sp)
	ld	t1, REG(6)(sp)
	ld	t2, REG(7)(sp)
	ld	s0, REG(8)(sp)
	ld	s1, REG(9)(sp)
	ld	a0, REG(10)(sp)
	ld	a1, REG(11)(sp)
	ld	a2, REG(12)(sp)
	ld	a3, REG(13)(sp)
	ld	a4, REG(14)(sp)
	ld	a5, REG(15)(sp)
	ld	a6, REG(16)(sp)
	ld	a7, REG(17)(sp)
	ld	s2, REG(18)(sp)
	ld	s3, REG(19)(sp)
	ld	s4, REG(20)(sp)
	ld	s5, REG(21)(sp)
	ld	s6, REG(22)(sp)
	ld	s7, REG(23)(sp)
	ld	s8, REG(24)(sp)
	ld	s9, REG(25)(sp)
	ld	s10, REG(26)(sp)
	ld	s11, REG(27)(sp)
	ld	t3, REG(28)(sp)
	ld	t4, REG(29)(sp)
	ld	t5, REG(30)(sp)
	ld	t6, REG(31)(sp)
	addi	sp, sp, FRAME
	sret

/*
 * Probes: one access that may fault. The trap handler looks up the faulting pc in the fixup
 * table below and resumes at the landing pad, which returns -EFAULT (-14).
 */
	.globl probe_load8
probe_load8:		/* int probe_load8(const volatile void *addr, uint8_t *out) */
1:	lbu	t0, 0(a0)
	sb	t0, 0(a1)
	li	a0, 0
	ret
	.globl probe_store8
probe_store8:		/* int probe_store8(volatile void *addr, uint8_t v) */
2:	sb	a1, 0(a0)
	li	a0, 0
	ret
	.globl probe_copy
probe_copy:		/* int probe_copy(void *dst, const void *src, size_t n): bytewise */
	beqz	a2, 5f
3:	lbu	t0, 0(a1)
4:	sb	t0, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	bnez	a2, 3b
5:	li	a0, 0
	ret
probe_fail:
	li	a0, -14
	ret

	.section .rodata
	.balign 8
	.globl trap_fixups, trap_fixups_end
trap_fixups:		/* pairs: faulting pc, landing pad */
	.dword 1b, probe_fail
	.dword 2b, probe_fail
	.dword 3b, probe_fail
	.dword 4b, probe_fail
trap_fixups_end:
