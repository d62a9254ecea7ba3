/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * S-mode entry from OpenSBI or U-Boot `booti`.
 *   a0 = hart id (any number: the boot hart is whichever hart the firmware chose)
 *   a1 = physical address of the device tree blob
 * The image starts with the RISC-V Linux image header (Documentation/arch/riscv/boot-image-
 * header.rst), so boot loaders accept it, and it runs wherever it is loaded: all code is
 * PC-relative (-mcmodel=medany) and the absolute pointers in data are listed in the .reloc
 * table (filled in after linking by boot/tools/relocs.py), which we patch here first.
 */
	.section .text.entry, "ax"
	.option push
	.option norvc
	.globl _entry
_entry:
	j	1f			/* code0: jump over the header */
	.word	0			/* code1 */
	.dword	0x200000		/* text_offset: 2 MiB above the start of RAM */
	.dword	_end - _start		/* image_size, including BSS */
	.dword	0			/* flags: little-endian */
	.word	2			/* header version 0.2 */
	.word	0
	.dword	0
	.ascii	"RISCV\0\0\0"		/* magic (deprecated form) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0
	.option pop
1:
	.option push
	.option norelax
	lla	gp, __global_pointer$
	.option pop
	csrw	sie, zero		/* no interrupt sources until the PLIC is set up */
	csrw	satp, zero		/* bare mode until vm_init */
	mv	s0, a0			/* hart id */
	mv	s1, a1			/* DTB */

	/* Relocate: delta = where we run - where we were linked. */
	lla	t0, _start
	ld	t1, link_base		/* still the link-time value: not yet patched */
	sub	t2, t0, t1
	beqz	t2, 3f
	lla	t3, __reloc_start	/* u32 count, then u32 offsets from _start */
	lwu	t4, 0(t3)
	addi	t3, t3, 4
2:	beqz	t4, 3f
	lwu	t5, 0(t3)
	add	t5, t5, t0
	ld	t6, 0(t5)
	add	t6, t6, t2
	sd	t6, 0(t5)
	addi	t3, t3, 4
	addi	t4, t4, -1
	j	2b
3:	fence.i				/* patched words may be fetched as code later */

	/*
	 * Does the device tree start inside our memory [_start, _end)? A loader that ignores
	 * image_size (QEMU's, when RAM ends soon after the image) may have put it in the BSS,
	 * which is cleared next. s2 = its totalsize (1 if the header is not a device tree's)
	 * for kmain to report, 0 if it is clear of us. Reads only its first 8 bytes, and only
	 * there. (One that starts below _start and runs into the image was overwritten by the
	 * image, or overwrote it: kmain's checks of the tree see the damage.)
	 */
	li	s2, 0
	andi	t0, s1, 7
	bnez	t0, 8f			/* not a device tree pointer: kmain says so */
	lla	t0, _start
	lla	t1, _end
	bltu	s1, t0, 8f
	bgeu	s1, t1, 8f
	li	s2, 1
	lwu	t2, 0(s1)		/* magic 0xd00dfeed, big-endian */
	li	t3, 0xedfe0dd0
	bne	t2, t3, 8f
	lbu	t2, 4(s1)		/* totalsize, big-endian */
	lbu	t3, 5(s1)
	lbu	t4, 6(s1)
	lbu	t5, 7(s1)
	slli	t2, t2, 24
	slli	t3, t3, 16
	slli	t4, t4, 8
	or	s2, t2, t3
	or	s2, s2, t4
	or	s2, s2, t5
	bnez	s2, 8f
	li	s2, 1
8:
	lla	sp, boot_stack_top
	lla	t0, _sbss
	lla	t1, _ebss
4:	bgeu	t0, t1, 5f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	4b
5:	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	call	kmain
6:	wfi
	j	6b

/*
 * cpu_handoff(a0 = hart, a1 = start address, a2 = opaque): SBI HSM hart_start, then stop this
 * hart. Nothing here touches memory: the started hart runs _entry, which clears the BSS (this
 * hart's stack included) while this one may still be on its way out. Returns the SBI error of
 * hart_start (negative) if that failed; never returns otherwise.
 */
	.section .text
	.globl cpu_handoff
cpu_handoff:
	li	a7, 0x48534D		/* EID "HSM" */
	li	a6, 0			/* hart_start */
	ecall
	bnez	a0, 2f
	li	a7, 0x48534D
	li	a6, 1			/* hart_stop */
	ecall
1:	wfi
	j	1b
2:	ret

	.section .rodata
	.balign 8
link_base:
	.dword	_start			/* absolute: relocated like every other pointer */

	.section .bss.stack, "aw", @nobits
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:
	.space 16384
boot_stack_top:
