/*
 * S-mode entry from OpenSBI.
 *   a0 = hart id (any number: the boot hart is whichever hart OpenSBI chose)
 *   a1 = physical address of the device tree blob
 * Set up gp, a stack, clear BSS, and call kmain(hartid, dtb). Traps are off (sstatus.SIE = 0,
 * stvec set in C before anything can fault).
 */
	.section .text.entry, "ax"
	.globl _entry
_entry:
	.option push
	.option norelax
	lla	gp, __global_pointer$
	.option pop
	csrw	sie, zero		/* no interrupt sources until the PLIC is set up */
	csrw	satp, zero		/* bare mode until vm_init */
	lla	sp, boot_stack_top
	mv	s0, a0			/* hart id */
	mv	s1, a1			/* DTB */
	lla	t0, _sbss
	lla	t1, _ebss
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	mv	a0, s0
	mv	a1, s1
	li	fp, 0			/* terminates the backtrace */
	call	kmain
3:	wfi
	j	3b

	.section .bss.stack, "aw", @nobits
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:
	.space 16384
boot_stack_top:
