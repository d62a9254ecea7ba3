/*
 * Sv39 page tables (RISC-V privileged spec v1.12, section 4.4). One kernel table: the image
 * identity-mapped W^X in 4 KiB pages, RAM and MMIO identity-mapped RW and never executable
 * (2 MiB megapages where aligned), and the region window mapped page by page on demand.
 * Tables come from page_alloc and are written through the identity map.
 */
#include <stdbool.h>
#include <stdint.h>
#include "boot/boot.h"
#include "boot/csr.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "mm/page.h"
#include "mm/vm.h"

/* PTE bits (spec 4.4.1, figure 4.21). */
#define PTE_V	      (1ul << 0)
#define PTE_R	      (1ul << 1)
#define PTE_W	      (1ul << 2)
#define PTE_X	      (1ul << 3)
#define PTE_U	      (1ul << 4)
#define PTE_G	      (1ul << 5)
#define PTE_A	      (1ul << 6)
#define PTE_D	      (1ul << 7)
#define PTE_LEAF      (PTE_R | PTE_W | PTE_X) /* any of them set: a leaf, else a pointer */
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK  (((1ul << 44) - 1) << PTE_PPN_SHIFT)

#define LEVELS	  3
#define MEGA_SIZE (1ul << 21)
#define VA_BITS	  39
#define PA_LIMIT  (1ul << (VA_BITS - 1)) /* identity maps stay in the lower half */
#define PA_MAX	  (1ul << 56)		 /* Sv39 physical addresses */

typedef uint64_t pte_t;

static pte_t *root;
static bool vm_live; /* satp points at root: changes need sfence.vma */

/* MMIO that drivers asked for before the table existed (the console, probed first). */
#define VM_EARLY_MMIO 8
static struct fdt_range early_mmio[VM_EARLY_MMIO];
static int nearly_mmio;

static inline uint64_t pte_pa(pte_t pte)
{
	return ((pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

static inline pte_t pa_pte(uint64_t pa)
{
	return (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT;
}

static inline unsigned vpn(uint64_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & 0x1ff;
}

static inline uint64_t level_size(int level)
{
	return PAGE_SIZE << (9 * level);
}

/* Bits 63..39 must copy bit 38 (spec 4.4.1), else the access faults whatever the table says. */
static bool va_canonical(uint64_t va)
{
	int64_t s = (int64_t)(va << (64 - VA_BITS)) >> (64 - VA_BITS);
	return (uint64_t)s == va;
}

/*
 * The PTE that maps va at level (0 = 4 KiB leaf, 1 = 2 MiB leaf), like xv6's walk(): descend
 * from the root, following pointer PTEs and, when alloc is set, creating missing tables.
 * Returns NULL with *err = -ENOENT (no table, alloc clear), -ENOMEM, or -EBUSY when a leaf
 * above level covers va: a megapage is never split behind its users' back. *grew tells
 * whether a table was added (a full sfence.vma is then due: cached non-leaf entries).
 */
static pte_t *walk(uint64_t va, int level, bool alloc, int *err, bool *grew)
{
	pte_t *t = root;
	for (int l = LEVELS - 1; l > level; l--) {
		pte_t *pte = &t[vpn(va, l)];
		if (*pte & PTE_V) {
			if (*pte & PTE_LEAF) {
				*err = -EBUSY;
				return NULL;
			}
		} else {
			uint64_t pa = alloc ? page_alloc() : 0; /* zeroed: all entries invalid */
			if (!pa) {
				*err = alloc ? -ENOMEM : -ENOENT;
				return NULL;
			}
			*pte = pa_pte(pa) | PTE_V;
			*grew = true;
		}
		t = (pte_t *)(uintptr_t)pte_pa(*pte);
	}
	return &t[vpn(va, level)];
}

/* A or D left clear would make hardware either fault or update them (Svadu); regions track
 * dirtiness with their own faults, so set both up front. G: one address space, the kernel's. */
static pte_t leaf(uint64_t pa, pte_t perm)
{
	return pa_pte(pa) | perm | PTE_V | PTE_A | PTE_D | PTE_G;
}

static int prot_bits(unsigned prot, pte_t *perm)
{
	*perm = 0;
	if (prot & VM_R)
		*perm |= PTE_R;
	if (prot & VM_W)
		*perm |= PTE_W;
	if (prot & VM_X)
		*perm |= PTE_X;
	/* W without R is a reserved encoding; W with X breaks W^X; nothing at all is unmap. */
	if ((prot & ~(VM_R | VM_W | VM_X)) || !(prot & VM_R) || (*perm & PTE_W && *perm & PTE_X))
		return -EINVAL;
	return 0;
}

static void flush_one(uint64_t va, bool grew)
{
	if (!vm_live)
		return;
	if (grew)
		sfence_vma();
	else
		sfence_vma_addr(va);
}

/*
 * Identity-map [lo, hi) with perm. 2 MiB leaves where mega is set and a whole aligned block
 * fits, 4 KiB pages elsewhere (and under a block that already has a table). A block already
 * mapped by an identity megapage is left alone; any other megapage in the way is -EBUSY.
 */
static int map_identity(uint64_t lo, uint64_t hi, pte_t perm, bool mega)
{
	int err = 0;
	bool grew = false;
	lo &= ~(PAGE_SIZE - 1);
	hi = (hi + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (hi > PA_LIMIT || lo > hi)
		return -ERANGE;
	while (lo < hi) {
		uint64_t block = lo & ~(MEGA_SIZE - 1);
		pte_t *pte = walk(lo, 1, true, &err, &grew);
		if (!pte)
			return err;
		if ((*pte & PTE_V) && (*pte & PTE_LEAF)) {
			if (pte_pa(*pte) != block)
				return -EBUSY;
			lo = block + MEGA_SIZE; /* already identity-mapped */
			continue;
		}
		if (mega && !(*pte & PTE_V) && lo == block && hi - lo >= MEGA_SIZE) {
			*pte = leaf(lo, perm);
			lo += MEGA_SIZE;
			continue;
		}
		pte = walk(lo, 0, true, &err, &grew);
		if (!pte)
			return err;
		*pte = leaf(lo, perm);
		lo += PAGE_SIZE;
	}
	if (vm_live)
		sfence_vma();
	return 0;
}

/* RAM in [lo, hi) except the image, which the caller maps W^X by section. */
static int map_ram(uint64_t lo, uint64_t hi)
{
	uint64_t img_lo = (uintptr_t)_start, img_hi = (uintptr_t)_end;
	int err = 0;
	if (lo < img_lo)
		err = map_identity(lo, hi < img_lo ? hi : img_lo, PTE_R | PTE_W, true);
	if (!err && hi > img_hi)
		err = map_identity(lo > img_hi ? lo : img_hi, hi, PTE_R | PTE_W, true);
	return err;
}

static int map_image(void)
{
	int err;
	uintptr_t edges =
		(uintptr_t)_start | (uintptr_t)_etext | (uintptr_t)_erodata | (uintptr_t)_end;
	ASSERT(edges % PAGE_SIZE == 0); /* linker.ld aligns the sections for us */
	err = map_identity((uintptr_t)_start, (uintptr_t)_etext, PTE_R | PTE_X, false);
	if (!err)
		err = map_identity((uintptr_t)_srodata, (uintptr_t)_erodata, PTE_R, false);
	if (!err)
		err = map_identity((uintptr_t)_sdata, (uintptr_t)_end, PTE_R | PTE_W, false);
	return err;
}

int vm_init(const struct fdt_range *ram, int nram)
{
	uint64_t pa = page_alloc();
	int err;
	if (!pa)
		return -ENOMEM;
	root = (pte_t *)(uintptr_t)pa;
	err = map_image();
	for (int i = 0; !err && i < nram; i++)
		err = map_ram(ram[i].base, ram[i].base + ram[i].size);
	for (int i = 0; !err && i < nearly_mmio; i++)
		err = map_identity(early_mmio[i].base, early_mmio[i].base + early_mmio[i].size,
				   PTE_R | PTE_W, true);
	if (err) {
		pr_err("vm: building the kernel table failed (%s)\n", errname(err));
		return err;
	}
	/* First fence: our stores to the tables before the walker's reads. Second: no entry
	 * cached under the old satp survives the switch. */
	sfence_vma();
	csr_write(CSR_SATP, SATP_MODE_SV39 | (pa >> PAGE_SHIFT));
	sfence_vma();
	if ((csr_read(CSR_SATP) >> 60) != (SATP_MODE_SV39 >> 60)) {
		pr_err("vm: the hart does not support Sv39\n");
		return -ENOTSUP;
	}
	vm_live = true;
	pr_info("vm: Sv39 on, image W^X, root table at %lx\n", (unsigned long)pa);
	return 0;
}

int vm_map_mmio(uint64_t pa, uint64_t size)
{
	if (size == 0 || pa + size < pa)
		return -EINVAL;
	if (!root) {
		/* Before vm_init the MMU is off and the range is reachable as it is: note it. */
		if (nearly_mmio == VM_EARLY_MMIO)
			return -ENOSPC;
		early_mmio[nearly_mmio++] = (struct fdt_range){ pa, size };
		return 0;
	}
	return map_identity(pa, pa + size, PTE_R | PTE_W, true);
}

int vm_map_page(uint64_t va, uint64_t pa, unsigned prot)
{
	pte_t perm, *pte;
	int err = 0;
	bool grew = false;
	if (!root)
		return -ENODEV;
	if (((va | pa) & (PAGE_SIZE - 1)) || pa >= PA_MAX || !va_canonical(va) ||
	    prot_bits(prot, &perm))
		return -EINVAL;
	pte = walk(va, 0, true, &err, &grew);
	if (!pte)
		return err;
	*pte = leaf(pa, perm);
	flush_one(va, grew);
	return 0;
}

void vm_unmap_page(uint64_t va)
{
	int err = 0;
	bool grew = false;
	pte_t *pte;
	if (!root || !va_canonical(va))
		return;
	pte = walk(va & ~(PAGE_SIZE - 1), 0, false, &err, &grew);
	if (!pte) {
		if (err == -EBUSY)
			pr_warn("vm: not unmapping %lx inside a megapage\n", (unsigned long)va);
		return;
	}
	if (*pte & PTE_V) {
		*pte = 0;
		flush_one(va, false);
	}
}

int vm_protect_page(uint64_t va, unsigned prot)
{
	pte_t perm, *pte;
	int err = 0;
	bool grew = false;
	if (!root)
		return -ENODEV;
	if ((va & (PAGE_SIZE - 1)) || !va_canonical(va) || prot_bits(prot, &perm))
		return -EINVAL;
	pte = walk(va, 0, false, &err, &grew);
	if (!pte)
		return err;
	if (!(*pte & PTE_V))
		return -ENOENT;
	*pte = leaf(pte_pa(*pte), perm);
	flush_one(va, false);
	return 0;
}

uint64_t vm_lookup(uint64_t va, unsigned *prot)
{
	pte_t *t = root;
	if (!root || !va_canonical(va))
		return 0;
	for (int l = LEVELS - 1; l >= 0; l--) {
		pte_t pte = t[vpn(va, l)];
		if (!(pte & PTE_V))
			return 0;
		if (pte & PTE_LEAF) {
			if (prot)
				*prot = ((pte & PTE_R) ? VM_R : 0) | ((pte & PTE_W) ? VM_W : 0) |
					((pte & PTE_X) ? VM_X : 0);
			return pte_pa(pte) + (va & (level_size(l) - 1));
		}
		t = (pte_t *)(uintptr_t)pte_pa(pte);
	}
	return 0;
}
