/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sv39 or Sv48 page tables (RISC-V privileged spec v1.12, sections 4.4 and 4.5). One kernel
 * table: the image identity-mapped W^X in 4 KiB pages, RAM and MMIO identity-mapped RW and never
 * executable (2 MiB megapages where aligned), and the region window mapped page by page on
 * demand. Tables come from page_alloc and are written through the identity map.
 *
 * The identity maps live in the lower half of the address space (physical addresses below
 * vm_reach()), the region window in the upper half (CONFIG_REGION_BASE): whatever the memory
 * map, RAM and device windows can never be where the window is.
 */
#include <stdbool.h>
#include <stdint.h>
#include "boot/boot.h"
#include "boot/csr.h"
#include "lib/bootargs.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/util.h"
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

#define MEGA_SIZE (1ul << 21)
#define PA_MAX	  (1ul << 56) /* Sv39 and Sv48 physical addresses */

/* Sv39's upper half starts here; Sv48's (and Sv57's) upper halves contain it. */
#define SV39_UPPER_HALF 0xffffffc000000000ull
_Static_assert(CONFIG_REGION_BASE >= SV39_UPPER_HALF &&
		       CONFIG_REGION_BASE + CONFIG_REGION_SIZE > CONFIG_REGION_BASE,
	       "the region window lies in the upper half of every mode, away from identity maps");

/* The paging modes: table levels, and the satp MODE value. */
struct vm_mode {
	const char *name;
	int levels;
	uint64_t satp;
};
static const struct vm_mode modes[] = {
	{ "Sv39", 3, SATP_MODE_SV39 },
	{ "Sv48", 4, SATP_MODE_SV48 },
};
enum { MODE_SV39, MODE_SV48, MODE_AUTO };

static const struct vm_mode *mode = &modes[MODE_SV39]; /* vm_select may change it */
static int want = MODE_AUTO;			       /* vm.mode= */

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

static inline int va_bits(void)
{
	return PAGE_SHIFT + 9 * mode->levels;
}

/* Bits 63..39 must copy bit 38 (Sv39; 63..48 copy 47 in Sv48), else the access faults
 * whatever the table says (spec 4.4.1, 4.5.1). */
static bool va_canonical(uint64_t va)
{
	int64_t s = (int64_t)(va << (64 - va_bits())) >> (64 - va_bits());
	return (uint64_t)s == va;
}

uint64_t vm_reach(void)
{
	return 1ull << (va_bits() - 1); /* identity maps stay in the lower half */
}

const char *vm_mode_name(void)
{
	return mode->name;
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
	for (int l = mode->levels - 1; l > level; l--) {
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

/*
 * TLB maintenance. A change that adds rights (a new mapping, a table, write permission) is
 * not fenced: the privileged spec lets a hart cache the old, lesser entry, and the access
 * then faults again; the fault finds the page already mapped and calls vm_flush_stale (as
 * Linux does for new vmalloc mappings on RISC-V). A change that takes rights away (unmap,
 * write-protect, remap) is fenced before the kernel goes on, batched (vm_batch_begin/end):
 * inside a batch each change only notes its page, and the end fences once: page by page for
 * up to VM_BATCH_PAGES pages, else one full sfence.vma. QEMU (7.2) turns every sfence.vma,
 * with an address or not, into a flush of its whole software TLB and caches no failed
 * translation: a fault that maps 9 pages (read-ahead) costs no flush at all, and a sync that
 * write-protects 256 pages one, where each page cost one.
 */
#define VM_BATCH_PAGES 2
static struct {
	int depth;
	int n;	   /* pages noted (when not full) */
	bool full; /* a full fence is due */
	uint64_t va[VM_BATCH_PAGES];
} batch;
static struct vm_stats st;

static void fence_page(uint64_t va)
{
	sfence_vma_addr(va);
	st.fences_page++;
}

static void fence_all(void)
{
	sfence_vma();
	st.fences_full++;
}

static void flush_one(uint64_t va, bool grew)
{
	if (!vm_live)
		return;
	if (batch.depth) {
		st.deferred++;
		if (grew || batch.n == VM_BATCH_PAGES)
			batch.full = true;
		else if (!batch.full)
			batch.va[batch.n++] = va;
		return;
	}
	if (grew)
		fence_all();
	else
		fence_page(va);
}

void vm_flush_stale(uint64_t va)
{
	st.stale++;
	/* a full fence: the stale entry may be a non-leaf one (a table added lazily) */
	if (batch.depth)
		batch.full = true;
	else if (vm_live)
		fence_all();
	(void)va;
}

void vm_batch_begin(void)
{
	batch.depth++;
}

void vm_batch_end(void)
{
	ASSERT(batch.depth > 0);
	batch.depth--;
	/* every end fences what is noted: a fault inside an open batch returns fenced */
	if (batch.full)
		fence_all();
	else
		for (int i = 0; i < batch.n; i++)
			fence_page(batch.va[i]);
	batch.n = 0;
	batch.full = false;
}

const struct vm_stats *vm_stats(void)
{
	return &st;
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
	if (hi > vm_reach() || lo > hi)
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

/* RAM in [lo, hi) except the image, which the caller maps W^X by section; RAM beyond the
 * reach is left out (memory_init keeps the page allocator away from it and says so). */
static int map_ram(uint64_t lo, uint64_t hi)
{
	uint64_t img_lo = (uintptr_t)_start, img_hi = (uintptr_t)_end;
	int err = 0;
	if (hi > vm_reach())
		hi = vm_reach();
	if (lo >= hi)
		return 0;
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

static uint64_t mode_reach(const struct vm_mode *m)
{
	return 1ull << (PAGE_SHIFT + 9 * m->levels - 1);
}

/*
 * Does the hart translate in mode m? satp is WARL: a write of a MODE the hart lacks leaves it
 * as it was (spec 4.1.11), so write it and read it back. A write that takes effect translates
 * the very next fetch, so the probe table maps the code doing it: identity leaves over the
 * 1 GiB (Sv39) or 512 GiB (Sv48) block holding this function and the next one, and nothing
 * touches memory between switching on and switching back to Bare.
 */
static bool mode_works(const struct vm_mode *m)
{
	static pte_t probe[512] __attribute__((aligned(PAGE_SIZE)));
	uint64_t pc = (uintptr_t)&mode_works, got;
	int shift = PAGE_SHIFT + 9 * (m->levels - 1);
	unsigned i = (pc >> shift) & 0x1ff;
	if (pc >= mode_reach(m))
		return false; /* no identity leaf for the code in this mode's lower half */
	memset(probe, 0, sizeof(probe));
	probe[i] = leaf(pc >> shift << shift, PTE_R | PTE_W | PTE_X);
	if (i + 1 < 512)
		probe[i + 1] =
			leaf((pc >> shift << shift) + (1ull << shift), PTE_R | PTE_W | PTE_X);
	/* The first fence orders the stores to the probe table before the walker's reads; the
	 * others drop whatever the walker cached under the probe table. */
	__asm__ volatile("sfence.vma zero, zero\n\t"
			 "csrw satp, %1\n\t"
			 "sfence.vma zero, zero\n\t"
			 "csrr %0, satp\n\t"
			 "csrw satp, zero\n\t"
			 "sfence.vma zero, zero"
			 : "=&r"(got)
			 : "r"(m->satp | ((uintptr_t)probe >> PAGE_SHIFT))
			 : "memory");
	return (got >> SATP_MODE_SHIFT) == (m->satp >> SATP_MODE_SHIFT);
}

int vm_select(uint64_t ram_end)
{
	bool has[2];
	int pick;
	ASSERT(!root); /* the mode is fixed once the table exists */
	has[MODE_SV39] = mode_works(&modes[MODE_SV39]);
	has[MODE_SV48] = mode_works(&modes[MODE_SV48]);
	if (!has[MODE_SV39] && !has[MODE_SV48])
		return -ENOTSUP;
	if (want != MODE_AUTO && !has[want]) {
		pr_warn("vm: vm.mode asks for %s, which the hart does not have: choosing as for "
			"auto\n",
			modes[want].name);
		want = MODE_AUTO;
	}
	/* Sv39 walks one level less on every TLB miss: take Sv48 only to reach more RAM. */
	if (want != MODE_AUTO)
		pick = want;
	else if (has[MODE_SV39] && (ram_end <= mode_reach(&modes[MODE_SV39]) || !has[MODE_SV48]))
		pick = MODE_SV39;
	else
		pick = MODE_SV48;
	mode = &modes[pick];
	return 0;
}

static int set_mode(const char *v)
{
	if (!strcmp(v, "auto"))
		want = MODE_AUTO;
	else if (!strcmp(v, "sv39"))
		want = MODE_SV39;
	else if (!strcmp(v, "sv48"))
		want = MODE_SV48;
	else
		return -EINVAL;
	return 0;
}

static const struct bootarg vm_args[] = {
	{ "vm.mode", set_mode,
	  "auto, sv39 or sv48: paging mode (auto: Sv39, or Sv48 when RAM reaches past 256 GiB)" },
};
const struct bootarg_table vm_bootargs = { vm_args, ARRAY_SIZE(vm_args) };

int vm_init(const struct fdt_range *ram, int nram)
{
	uint64_t pa;
	int err;
	if ((uintptr_t)_end > vm_reach()) {
		pr_err("vm: the image at %lx lies beyond what %s identity-maps (%lu GiB)\n",
		       (unsigned long)(uintptr_t)_start, mode->name,
		       (unsigned long)(vm_reach() >> 30));
		return -ERANGE;
	}
	pa = page_alloc();
	if (!pa)
		return -ENOMEM;
	root = (pte_t *)(uintptr_t)pa;
	err = map_image();
	for (int i = 0; !err && i < nram; i++)
		err = map_ram(ram[i].base, ram[i].base + ram[i].size);
	for (int i = 0; !err && i < nearly_mmio; i++) {
		err = map_identity(early_mmio[i].base, early_mmio[i].base + early_mmio[i].size,
				   PTE_R | PTE_W, true);
		if (err)
			pr_err("vm: cannot map MMIO %lx-%lx (%s)\n",
			       (unsigned long)early_mmio[i].base,
			       (unsigned long)(early_mmio[i].base + early_mmio[i].size - 1),
			       errname(err));
	}
	if (err) {
		pr_err("vm: building the kernel table failed (%s)\n", errname(err));
		root = NULL; /* never live: the MMU stays in Bare mode */
		return err;
	}
	/* First fence: our stores to the tables before the walker's reads. Second: no entry
	 * cached under the old satp survives the switch. */
	sfence_vma();
	csr_write(CSR_SATP, mode->satp | (pa >> PAGE_SHIFT));
	sfence_vma();
	if ((csr_read(CSR_SATP) >> SATP_MODE_SHIFT) != (mode->satp >> SATP_MODE_SHIFT)) {
		pr_err("vm: the hart refused %s after all\n", mode->name);
		return -ENOTSUP;
	}
	vm_live = true;
	pr_info("vm: %s on, image W^X, root table at %lx, identity map below %lu %s, region "
		"window 0x%llx-0x%llx\n",
		mode->name, (unsigned long)pa,
		(unsigned long)(vm_reach() >> (vm_reach() >> 40 ? 40 : 30)),
		vm_reach() >> 40 ? "TiB" : "GiB", (unsigned long long)CONFIG_REGION_BASE,
		(unsigned long long)(CONFIG_REGION_BASE + CONFIG_REGION_SIZE - 1));
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
	pte_t perm, *pte, was;
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
	was = *pte;
	*pte = leaf(pa, perm);
	/* invalid -> valid (new tables too) needs no fence now: see vm_flush_stale */
	if (was & PTE_V)
		flush_one(va, false);
	else
		st.lazy++;
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
	pte_t perm, *pte, was;
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
	was = *pte;
	*pte = leaf(pte_pa(*pte), perm);
	/* only taking rights away needs a fence; added ones are seen lazily (vm_flush_stale) */
	if ((was & (PTE_R | PTE_W | PTE_X)) & ~perm)
		flush_one(va, false);
	else
		st.lazy++;
	return 0;
}

uint64_t vm_lookup(uint64_t va, unsigned *prot)
{
	pte_t *t = root;
	if (!root || !va_canonical(va))
		return 0;
	for (int l = mode->levels - 1; l >= 0; l--) {
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
