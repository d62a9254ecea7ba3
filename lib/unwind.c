/* SPDX-License-Identifier: BSD-2-Clause */
/* Prologue decoding for backtraces without frame pointers (lib/unwind.h). RISC-V unprivileged
 * ISA 20191213: I-type addi and S-type sd (ch. 2), C.ADDI16SP, C.ADDI and C.SDSP (ch. 16). */
#include "lib/errno.h"
#include "lib/unwind.h"

/* addi sp, sp, imm (32-bit): opcode OP-IMM, rd = rs1 = x2, funct3 0 */
static int addi_sp(uint32_t in, int32_t *imm)
{
	if ((in & 0x000fffffu) != 0x00010113u)
		return 0;
	*imm = (int32_t)in >> 20;
	return 1;
}

/* sd ra, imm(sp) (32-bit): opcode STORE, funct3 3, rs1 = x2, rs2 = x1 */
static int sd_ra(uint32_t in, int32_t *imm)
{
	if ((in & 0x01fff07fu) != 0x00113023u)
		return 0;
	*imm = (int32_t)(((in >> 25) << 5) | ((in >> 7) & 0x1f));
	if (*imm & 0x800)
		*imm -= 0x1000;
	return 1;
}

/* c.addi16sp (funct3 011, rd = x2) and c.addi sp (funct3 000, rd = x2) */
static int c_addi_sp(uint16_t h, int32_t *imm)
{
	if ((h & 0xef83u) == 0x6101u) {
		int32_t v = ((h >> 12) & 1) << 9 | ((h >> 6) & 1) << 4 | ((h >> 5) & 1) << 6 |
			    ((h >> 3) & 3) << 7 | ((h >> 2) & 1) << 5;
		*imm = v & 0x200 ? v - 0x400 : v;
		return 1;
	}
	if ((h & 0xef83u) == 0x0101u) {
		int32_t v = ((h >> 12) & 1) << 5 | ((h >> 2) & 0x1f);
		*imm = v & 0x20 ? v - 0x40 : v;
		return 1;
	}
	return 0;
}

/* c.sdsp ra, uimm(sp): funct3 111, op 10, rs2 = x1 */
static int c_sd_ra(uint16_t h, int32_t *imm)
{
	if ((h & 0xe07fu) != 0xe006u)
		return 0;
	*imm = (int32_t)(((h >> 10) & 7) << 3 | ((h >> 7) & 7) << 6);
	return 1;
}

int unwind_prologue(const uint16_t *code, size_t len, struct unwind_frame *f)
{
	size_t i = 0, n = len / 2;
	int32_t imm = 0;
	f->size = 0;
	f->ra_off = -1;
	f->set_at = 0;
	if ((uintptr_t)code & 1)
		return -EINVAL;
	while (i < n) {
		uint16_t h = code[i];
		if ((h & 3) != 3) { /* a compressed instruction */
			i++;
			if (c_addi_sp(h, &imm) && imm < 0 && !f->size)
				f->size = (uint32_t)-imm;
			else if (f->size && c_sd_ra(h, &imm))
				goto found;
			continue;
		}
		if (i + 1 >= n)
			break;
		uint32_t in = h | (uint32_t)code[i + 1] << 16;
		i += 2;
		if (addi_sp(in, &imm) && imm < 0 && !f->size)
			f->size = (uint32_t)-imm;
		else if (f->size && sd_ra(in, &imm))
			goto found;
	}
	return 0;
found:
	f->ra_off = imm;
	f->set_at = (uint32_t)(i * 2);
	return 0;
}
