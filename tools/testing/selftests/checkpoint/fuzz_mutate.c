// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt_fuzz: mutated images, from the layout table of tools/checkpoint.
 *
 * Every field of every record type of the table is a slot, and so is
 * every record type as a whole. A slot has a list of recipes chosen by the
 * kind and size of its field: boundary values (0, 1, all ones, the
 * signed and unsigned minimum and maximum of the type, the maximum of a
 * smaller type plus one), off by one and by eight both ways, huge counts
 * and the format's limits plus one, kernel-half and non-canonical
 * addresses, every bit of a flags field, the values of the neighbouring
 * fields of the record and of the same field in other records and seeds;
 * for strings and opaque bytes, missing terminators, paths the restarter
 * may not open, words set at the offsets that matter in an XSAVE area;
 * for records, deletion, duplication, swaps, moves, splices from other
 * seeds, truncation in them or before them, a trailing array one entry
 * longer or shorter.
 *
 * The deterministic schedule takes recipe 0 of every slot present in the
 * seed images, then recipe 1 of every slot, and so on; a campaign of one
 * pass touches every field. After the first pass, deterministic items
 * alternate with random images: one to three mutations of random slots,
 * with random recipes or random bits, bit flips anywhere, truncation.
 * Most images get a recomputed tail (length, record count, crc32c), so
 * that what the kernel parses is the mutation, not a checksum error.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt_fuzz.h"

struct slot *slots;
int nr_slots;

/* The first slot of each layout (its record slot), by index in ckpt_layouts[] */
static int *slot_base;

/* Seeds whose image holds records of each layout */
static int (*layout_seeds)[NR_SEED_KINDS];
static int *layout_nr_seeds;

/* The deterministic schedule: slot and recipe index of each item */
struct item {
	int slot;
	int recipe;
};

static struct item *items;
static long nr_items, first_pass;

/* Deterministic PRNG (xorshift64*) for the random part */
static uint64_t rng_state = 1;

void rng_seed(uint64_t s)
{
	rng_state = s ? s : 1;
}

uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

/* A hash for the choices of the deterministic schedule: the same for every PRNG seed */
static uint64_t hash3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = a * 0x9e3779b97f4a7c15ULL;

	x ^= (b + 0x632be59bd9b4e019ULL) * 0xbf58476d1ce4e5b9ULL;
	x ^= c * 0x94d049bb133111ebULL;

	x ^= x >> 31;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 29;
	return x;
}

/* Images as lists of records */

void img_free(struct img *im)
{
	int i;

	for (i = 0; i < im->n; i++)
		free(im->r[i].p);
	free(im->r);
	memset(im, 0, sizeof(*im));
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		perror("ckpt_fuzz: malloc");
		exit(1);
	}
	return p;
}

static void img_insert(struct img *im, int at, const uint8_t *p, uint32_t size)
{
	if (im->n == im->cap) {
		im->cap = im->cap ? 2 * im->cap : 64;
		im->r = realloc(im->r, im->cap * sizeof(*im->r));
		if (!im->r) {
			perror("ckpt_fuzz: realloc");
			exit(1);
		}
	}
	memmove(&im->r[at + 1], &im->r[at], (im->n - at) * sizeof(*im->r));
	im->r[at].p = xmalloc(size);
	memcpy(im->r[at].p, p, size);
	im->r[at].size = size;
	im->n++;
}

static void img_delete(struct img *im, int at)
{
	free(im->r[at].p);
	memmove(&im->r[at], &im->r[at + 1], (im->n - at - 1) * sizeof(*im->r));
	im->n--;
}

/* Split @buf into records; -1 if their lengths don't add up to @len */
int img_parse(struct img *im, const char *buf, size_t len)
{
	const struct ckpt_hdr *h;
	size_t off = 0;

	memset(im, 0, sizeof(*im));
	while (off + sizeof(*h) <= len) {
		h = (const struct ckpt_hdr *)(buf + off);
		if (h->len < sizeof(*h) || h->len > len - off)
			break;
		img_insert(im, im->n, (const uint8_t *)h, h->len);
		off += h->len;
	}
	if (off != len) {
		img_free(im);
		return -1;
	}
	return 0;
}

static void img_copy(struct img *d, const struct img *s)
{
	int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < s->n; i++)
		img_insert(d, i, s->r[i].p, s->r[i].size);
}

char *img_assemble(const struct img *im, size_t *len)
{
	size_t n = 0;
	char *buf;
	int i;

	for (i = 0; i < im->n; i++)
		n += im->r[i].size;
	buf = xmalloc(n);
	n = 0;
	for (i = 0; i < im->n; i++) {
		memcpy(buf + n, im->r[i].p, im->r[i].size);
		n += im->r[i].size;
	}
	*len = n;
	return buf;
}

static uint32_t rec_type(const struct rec *r)
{
	return r->size >= sizeof(struct ckpt_hdr) ? ((const struct ckpt_hdr *)r->p)->type : 0;
}

static void rec_set_len(struct rec *r)
{
	((struct ckpt_hdr *)r->p)->len = r->size;
}

/* Make record @r @size bytes long, new bytes set to @fill */
static void rec_resize(struct rec *r, uint32_t size, int fill)
{
	r->p = realloc(r->p, size ? size : 1);
	if (!r->p) {
		perror("ckpt_fuzz: realloc");
		exit(1);
	}
	if (size > r->size)
		memset(r->p + r->size, fill, size - r->size);
	r->size = size;
}

static uint32_t align8(uint64_t n)
{
	return (n + 7) & ~7ULL;
}

/* Fields */

/*
 * An integer, or bytes that fit in one (a register): boundary values. Else
 * a string or an array of bytes: what the recipes of strings and bytes do.
 */
static bool field_is_int(const struct ckpt_field *f)
{
	if (f->kind == CKPT_FK_STR || (f->kind == CKPT_FK_BYTES && f->size == 1))
		return false;
	return f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8;
}

/* Elements of @f in a record of @len bytes */
static uint32_t field_nr_elems(const struct ckpt_layout *l, const struct ckpt_field *f,
			       uint32_t len)
{
	uint32_t n;

	if (f->count)
		return ckpt_field_offset(f, l, len, 0) < 0 ? 0 : f->count;
	if (!l->elem_size || len < l->size)
		return 0;
	n = (len - l->size) / l->elem_size;
	while (n && ckpt_field_offset(f, l, len, n - 1) < 0)
		n--;
	return n;
}

/*
 * Bytes of a string or byte array field: a whole trailing array of bytes,
 * a whole fixed array of bytes, or one element
 */
static bool field_region(const struct ckpt_layout *l, const struct ckpt_field *f, uint32_t len,
			 uint32_t elem, uint32_t *start, uint32_t *end)
{
	long off;

	if (!f->count && f->size == l->elem_size && l->elem_size == 1) {
		if (f->off >= len)
			return false;
		*start = f->off;
		*end = len;
		return true;
	}
	if (f->count > 1 && f->size == 1 && f->stride == 1) {
		if (f->off + f->count > len)
			return false;
		*start = f->off;
		*end = f->off + f->count;
		return true;
	}
	off = ckpt_field_offset(f, l, len, elem);
	if (off < 0)
		return false;
	*start = off;
	*end = off + f->size;
	return true;
}

static uint64_t size_mask(uint32_t size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* The field that holds the count or length of the trailing array of @l, or NULL */
static const struct ckpt_field *count_field_of(const struct ckpt_layout *l, const struct rec *r)
{
	const struct ckpt_field *arr = NULL, *f;
	char base[64], want[80];
	unsigned int i;
	uint64_t v;
	int pass;

	if (!l->elem_size)
		return NULL;
	for (i = 0; i < l->nr_fields && !arr; i++)
		if (!l->fields[i].count)
			arr = &l->fields[i];
	if (!arr)
		return NULL;
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(arr->name, "[."), arr->name);
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < l->nr_fields; i++) {
			f = &l->fields[i];
			if (f->kind != CKPT_FK_LEN || f->count != 1 || !field_is_int(f) ||
			    !strcmp(f->name, "h.len") || f->off + f->size > r->size)
				continue;
			if (pass < 2) {
				snprintf(want, sizeof(want), pass ? "%s_len" : "nr_%s", base);
				if (!strcmp(f->name, want))
					return f;
				continue;
			}
			v = ckpt_field_get(r->p, f->off, f->size);
			if (v < 1 << 24 && align8(l->size + v * l->elem_size) == r->size)
				return f;
		}
	}
	return NULL;
}

/* Recipes: an operation in the high byte, its argument in the low one */
enum {
	R_ZERO = 1, R_ONE, R_ONES, R_SMIN, R_SMAX, R_PLUS1, R_MINUS1, R_PLUS8, R_MINUS8,
	R_DOUBLE, R_HALF, R_SHL12, R_NEG, R_NOT, R_PREV_FIELD, R_NEXT_FIELD, R_OTHER_REC,
	R_OTHER_SEED, R_CONST, R_BIT, R_OTHER_ADDR, R_TYPE_PREV, R_TYPE_NEXT, R_RANDOM,
	/* strings and bytes */
	S_NONUL, S_EMPTY, S_PATH, S_LONG, S_GARBAGE, S_SHORTER, S_OTHER_REC,
	B_ZERO, B_ONES, B_WORD, B_FLIP, B_OTHER_REC,
	/* records */
	X_DELETE, X_DUP, X_SWAP_NEXT, X_SWAP_PREV, X_REPLACE, X_SPLICE, X_TRUNC_IN,
	X_TRUNC_BEFORE, X_GROW8, X_SHRINK8, X_ELEM_ADD, X_ELEM_DROP, X_TO_END, X_TO_FRONT,
	X_FOREIGN,
};

#define RCP(op, arg)	((uint16_t)((op) << 8 | (arg)))

/* Constants of the recipes R_CONST, by group and index */
static const uint64_t c_huge[] = {	/* huge counts */
	0x7fffffffULL, 0x80000000ULL, 0xfffffff8ULL, 1ULL << 20, 1ULL << 24, 1ULL << 30,
	1ULL << 62, 0x100000000ULL,
};

static const uint64_t c_limit[] = {	/* the format's limits, plus one */
	CKPT_NSIG + 1, CKPT_RLIM_NLIMITS + 1, CKPT_AUXV_MAX + 1, CKPT_PAGES_BATCH + 1,
	CKPT_DATA_MAX + 1, CKPT_NGROUPS_MAX + 1, CKPT_PIPE_MAX_SIZE + 1,
	CKPT_EPOLL_MAX_ITEMS + 1, CKPT_POSIX_TIMERS_MAX + 1, CKPT_TREE_MAX_TASKS + 1,
	CKPT_IPC_MAX_OBJS + 1, CKPT_IPC_MSG_MAX + 1, CKPT_IPC_SEM_MAX + 1,
	CKPT_ERROR_MSG_MAX + 1, CKPT_XSTATE_SIZE_MAX + 1, CKPT_UNIX_ADDR_MAX + 1,
	CKPT_SIGINFO_SIZE + 1, 4097, 4096, 4095,
};

static const uint64_t c_addr[] = {	/* kernel half, non-canonical, top of user space */
	0xffff888000000000ULL, 0xffffffff81000000ULL, 0x0000800000000000ULL,
	0x00007ffffffff000ULL, 0x00007fffffffffffULL, 0xffff800000000000ULL,
	0xffffffffff600000ULL, 0xffffc90000000000ULL, 0xffffea0000000000ULL,
	0xfffffe0000000000ULL, 0x8000000000000000ULL, 0x00007ffffffffff8ULL, 0xfffULL,
	0x1000ULL,
};

static const uint64_t c_id[] = {	/* the restarter's, neighbours, nobody, pid limits */
	FUZZ_UID, FUZZ_UID + 1, FUZZ_UID - 1, 65534, 2, 4194304, 4194305, 32768, 300,
};

static const uint64_t c_small[] = {	/* sizes, signals, enum values, x86 selectors */
	2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256,
	0x10, 0x18, 0x23, 0x2b, 0x33, 0x3b,
};

static const uint64_t c_time[] = {	/* nanoseconds */
	999999999, 1000000000, 1000000001, 0x4000000000000000ULL, 0x7fffffffffffffffULL / 2 + 1,
};

static const uint64_t c_type[] = {	/* record types */
	CKPT_HDR_TAIL, CKPT_HDR_ERROR, CKPT_HDR_PAGE_DATA, CKPT_HDR_DATA, CKPT_HDR_TREE,
	CKPT_HDR_TASK, CKPT_HDR_HEADER, 0x7fffffff,
};

static const uint64_t c_maxp1[] = {	/* the maxima of smaller types, plus one */
	0x100, 0x10000, 0x80, 0x8000,
};

enum { C_HUGE, C_LIMIT, C_ADDR, C_ID, C_SMALL, C_TIME, C_TYPE, C_MAXP1 };

static const struct {
	const uint64_t *v;
	unsigned int n;
} cgroups[] = {
	[C_HUGE] = { c_huge, ARRAY_SIZE(c_huge) },
	[C_LIMIT] = { c_limit, ARRAY_SIZE(c_limit) },
	[C_ADDR] = { c_addr, ARRAY_SIZE(c_addr) },
	[C_ID] = { c_id, ARRAY_SIZE(c_id) },
	[C_SMALL] = { c_small, ARRAY_SIZE(c_small) },
	[C_TIME] = { c_time, ARRAY_SIZE(c_time) },
	[C_TYPE] = { c_type, ARRAY_SIZE(c_type) },
	[C_MAXP1] = { c_maxp1, ARRAY_SIZE(c_maxp1) },
};

/* R_CONST argument: group in the top 3 bits, index in the low 5 */
#define CONST_ARG(g, i)	((g) << 5 | (i))

static uint64_t const_val(unsigned int arg)
{
	return cgroups[arg >> 5].v[arg & 31];
}

/* Paths that S_PATH writes: none of them may be given to a restored process it can't open */
static const char * const paths[] = {
	"/proc/self/mem", "/dev/mem", "/dev/kmsg", "/sys/kernel/debug/kmemleak",
	"/proc/sysrq-trigger", "/etc/passwd", "/", "..", "/tmp/../proc/1/exe",
	"/proc/self/fd/0", "/dev/null", "/ckpt/selftests", "relative/path", "/dev/full",
	"/proc/1/root/init", "/dev/tty", "%s%s%n%p", "/\x01\xff\n", "/tmp/ckpt-fuzz-none",
	"/dev/zero",
};

/* Offsets and values of B_WORD: the header of the FXSAVE and XSAVE areas, and more */
static const uint32_t word_offs[] = { 0, 8, 16, 24, 28, 32, 64, 160, 464, 512, 520, 528, 576 };
static const uint64_t word_vals[] = {
	~0ULL, 0x8000000000000000ULL, 1, 0xffffffff, 0x0000ffff0000ffffULL
};

#define MAX_RECIPES	512

/*
 * The recipes of each kind of field, most telling first: steps that are
 * one recipe, a group of constants (those that fit the field), every bit,
 * or the recipes common to all integers
 */
struct step {
	uint8_t op, arg, nr;
};

#define STEP(op)		{ op, 0, 1 }
#define STEP_ARG(op, arg)	{ op, arg, 1 }
#define STEP_CONSTS(g, i, nr)	{ R_CONST, CONST_ARG(g, i), nr }
#define STEP_ALL_BITS		{ R_BIT, 0, 0 }
#define STEP_TOP_BIT		{ R_BIT, 0xff, 1 }
#define STEP_MID_BIT		{ R_BIT, 0xfe, 1 }
#define STEP_COMMON		{ 0, 0, 0 }
#define STEP_END		{ 0, 0, 1 }

static const struct step common_steps[] = {
	STEP(R_ZERO), STEP(R_ONE), STEP(R_ONES), STEP(R_SMIN), STEP(R_SMAX), STEP(R_PLUS1),
	STEP(R_MINUS1), STEP(R_PREV_FIELD), STEP(R_NEXT_FIELD), STEP(R_OTHER_REC),
	STEP(R_OTHER_SEED), STEP_CONSTS(C_MAXP1, 0, 8), STEP_END,
};

static const struct step type_steps[] = {	/* h.type */
	STEP(R_TYPE_NEXT), STEP(R_TYPE_PREV), STEP_CONSTS(C_TYPE, 0, 31), STEP(R_PLUS1),
	STEP(R_MINUS1), STEP(R_ZERO), STEP(R_ONES), STEP_END,
};

static const struct step len_steps[] = {
	STEP(R_PLUS1), STEP(R_ONES), STEP(R_MINUS1), STEP(R_ZERO), STEP(R_PLUS8), STEP(R_MINUS8),
	STEP_CONSTS(C_HUGE, 0, 31), STEP(R_DOUBLE), STEP(R_HALF), STEP(R_SHL12),
	STEP_CONSTS(C_LIMIT, 0, 31), STEP_COMMON, STEP_END,
};

static const struct step reg_steps[] = {	/* bytes the size of an integer: a register */
	STEP(R_ONES), STEP(R_ZERO), STEP_CONSTS(C_ADDR, 0, 31), STEP_CONSTS(C_HUGE, 0, 31),
	STEP(R_NOT), STEP_TOP_BIT, STEP_COMMON, STEP_END,
};

static const struct step addr_steps[] = {
	STEP_CONSTS(C_ADDR, 0, 3), STEP(R_OTHER_ADDR), STEP_CONSTS(C_ADDR, 3, 28), STEP(R_PLUS1),
	STEP(R_MINUS1), STEP_CONSTS(C_HUGE, 0, 1), STEP_ARG(R_OTHER_ADDR, 1), STEP(R_SHL12),
	STEP(R_PLUS8), STEP_COMMON, STEP_END,
};

static const struct step flags_steps[] = {
	STEP(R_ONES), STEP(R_NOT), STEP_ALL_BITS, STEP_COMMON, STEP_END,
};

static const struct step ref_steps[] = {
	STEP(R_PLUS1), STEP(R_ZERO), STEP(R_OTHER_REC), STEP(R_ONES), STEP(R_MINUS1),
	STEP_CONSTS(C_HUGE, 0, 6), STEP_COMMON, STEP_END,
};

static const struct step id_steps[] = {
	STEP(R_ZERO), STEP(R_ONES), STEP(R_PLUS1), STEP(R_ONE), STEP_CONSTS(C_ID, 0, 31),
	STEP(R_MINUS1), STEP(R_NEG), STEP_CONSTS(C_HUGE, 0, 2), STEP_COMMON, STEP_END,
};

static const struct step time_steps[] = {
	STEP(R_SMIN), STEP(R_SMAX), STEP(R_ONES), STEP(R_ZERO), STEP(R_NEG),
	STEP_CONSTS(C_TIME, 0, 31), STEP(R_DOUBLE), STEP(R_SHL12), STEP_COMMON, STEP_END,
};

static const struct step reserved_steps[] = {
	STEP(R_ONE), STEP(R_ONES), STEP_TOP_BIT, STEP_CONSTS(C_MAXP1, 0, 8), STEP_MID_BIT,
	STEP_END,
};

static const struct step magic_steps[] = {
	STEP_ARG(R_BIT, 0), STEP(R_PLUS1), STEP(R_MINUS1), STEP(R_ZERO), STEP(R_NOT),
	STEP(R_ONES), STEP_TOP_BIT, STEP(R_OTHER_SEED), STEP_END,
};

static const struct step num_steps[] = {
	STEP(R_ONES), STEP(R_ZERO), STEP(R_PLUS1), STEP(R_MINUS1), STEP_CONSTS(C_SMALL, 0, 31),
	STEP_CONSTS(C_HUGE, 0, 3), STEP_CONSTS(C_LIMIT, 0, 3), STEP(R_NEG), STEP_COMMON,
	STEP_END,
};

static const struct step str_steps[] = {
	STEP(S_NONUL), STEP(S_EMPTY), { S_PATH, 0, ARRAY_SIZE(paths) }, STEP(S_LONG),
	STEP(S_GARBAGE), STEP(S_SHORTER), STEP(S_OTHER_REC), STEP_END,
};

static const struct step bytes_steps[] = {
	STEP(B_ONES), STEP(B_ZERO), { B_WORD, 0, ARRAY_SIZE(word_offs) * ARRAY_SIZE(word_vals) },
	{ B_FLIP, 0, 16 }, STEP(B_OTHER_REC), STEP_END,
};

/* Add the recipes of @steps for field @f to @r, which has @n; returns the new count */
static int add_steps(const struct step *steps, const struct ckpt_field *f, uint16_t *r, int n)
{
	const struct step *st;
	unsigned int i, g, bits = 8 * f->size;

	for (st = steps; st->op || !st->nr; st++) {
		if (!st->op) {
			n = add_steps(common_steps, f, r, n);
			continue;
		}
		for (i = 0; i < (st->op == R_BIT && !st->nr ? bits : st->nr); i++) {
			uint16_t rc = RCP(st->op, st->arg + i);

			if (n >= MAX_RECIPES)
				return n;
			if (st->op == R_CONST) {
				g = st->arg >> 5;
				if ((st->arg & 31) + i >= cgroups[g].n)
					break;
				if (cgroups[g].v[(st->arg & 31) + i] & ~size_mask(f->size))
					continue;
			} else if (st->op == R_BIT && st->nr) {
				/* the top bit, or the lowest of the upper half */
				rc = RCP(R_BIT, st->arg == 0xff ? bits - 1 :
						st->arg == 0xfe ? bits / 2 : st->arg);
			} else if (st->op == B_WORD && f->count &&
				   word_offs[i / ARRAY_SIZE(word_vals)] + 8 > f->size) {
				/* a fixed array of bytes: words within it */
				continue;
			}
			r[n++] = rc;
		}
	}
	return n;
}

/* Build the recipes of a field slot */
static int field_recipes(const struct ckpt_field *f, uint16_t *r)
{
	static const struct step *const by_kind[CKPT_NR_FKINDS] = {
		[CKPT_FK_NUM] = num_steps, [CKPT_FK_LEN] = len_steps,
		[CKPT_FK_FLAGS] = flags_steps, [CKPT_FK_ADDR] = addr_steps,
		[CKPT_FK_REF] = ref_steps, [CKPT_FK_ID] = id_steps,
		[CKPT_FK_TIME] = time_steps, [CKPT_FK_STR] = str_steps,
		[CKPT_FK_BYTES] = reg_steps, [CKPT_FK_RESERVED] = reserved_steps,
		[CKPT_FK_MAGIC] = magic_steps,
	};

	if (f->kind == CKPT_FK_STR)
		return add_steps(str_steps, f, r, 0);
	if (!field_is_int(f))
		return add_steps(bytes_steps, f, r, 0);
	if (!strcmp(f->name, "h.type"))
		return add_steps(type_steps, f, r, 0);
	return add_steps(f->kind < CKPT_NR_FKINDS ? by_kind[f->kind] : num_steps, f, r, 0);
}

static const uint16_t record_recipes[] = {
	RCP(X_DELETE, 0), RCP(X_DUP, 0), RCP(X_SWAP_NEXT, 0), RCP(X_REPLACE, 0),
	RCP(X_TRUNC_IN, 0), RCP(X_ELEM_ADD, 0), RCP(X_SPLICE, 0), RCP(X_SWAP_PREV, 0),
	RCP(X_TRUNC_BEFORE, 0), RCP(X_GROW8, 0), RCP(X_SHRINK8, 0), RCP(X_ELEM_DROP, 0),
	RCP(X_TO_END, 0), RCP(X_TO_FRONT, 0), RCP(X_FOREIGN, 0), RCP(X_DUP, 1),
	RCP(X_TRUNC_IN, 1),
};

const char *slot_name(int s, char *buf, size_t len)
{
	const struct slot *sl = &slots[s];

	snprintf(buf, len, "%s.%s", sl->l->name,
		 sl->f < 0 ? "(record)" : sl->l->fields[sl->f].name);
	return buf;
}

static int slot_of(const struct ckpt_layout *l, int f)
{
	int li = l - ckpt_layouts;

	return slot_base[li] + 1 + f;
}

/* Records of layout @l in @im */
static int count_type(const struct img *im, uint32_t type)
{
	int i, n = 0;

	for (i = 0; i < im->n; i++)
		n += rec_type(&im->r[i]) == type;
	return n;
}

static int nth_of_type(const struct img *im, uint32_t type, int nth)
{
	int i;

	for (i = 0; i < im->n; i++)
		if (rec_type(&im->r[i]) == type && !nth--)
			return i;
	return -1;
}

int fuzz_tables_init(char *why, size_t whylen)
{
	uint16_t rbuf[MAX_RECIPES], *r;
	unsigned int li, fi;
	int s, k, n, maxr = 0, p;

	nr_slots = 0;
	for (li = 0; li < ckpt_nr_layouts; li++)
		nr_slots += 1 + ckpt_layouts[li].nr_fields;
	slots = calloc(nr_slots, sizeof(*slots));
	slot_base = calloc(ckpt_nr_layouts, sizeof(*slot_base));
	layout_seeds = calloc(ckpt_nr_layouts, sizeof(*layout_seeds));
	layout_nr_seeds = calloc(ckpt_nr_layouts, sizeof(*layout_nr_seeds));
	if (!slots || !slot_base || !layout_seeds || !layout_nr_seeds) {
		snprintf(why, whylen, "no memory");
		return -1;
	}
	s = 0;
	for (li = 0; li < ckpt_nr_layouts; li++) {
		const struct ckpt_layout *l = &ckpt_layouts[li];

		for (k = 0; k < nr_seeds; k++)
			if (count_type(&seeds[k].im, l->type))
				layout_seeds[li][layout_nr_seeds[li]++] = k;
		slot_base[li] = s;
		slots[s].l = l;
		slots[s].f = -1;
		slots[s].recipes = record_recipes;
		slots[s].nr_recipes = ARRAY_SIZE(record_recipes);
		s++;
		for (fi = 0; fi < l->nr_fields; fi++, s++) {
			n = field_recipes(&l->fields[fi], rbuf);
			r = malloc(n * sizeof(*r));
			if (!r) {
				snprintf(why, whylen, "no memory");
				return -1;
			}
			memcpy(r, rbuf, n * sizeof(*r));
			slots[s].l = l;
			slots[s].f = fi;
			slots[s].recipes = r;
			slots[s].nr_recipes = n;
		}
	}
	for (s = 0; s < nr_slots; s++)
		if (slots[s].nr_recipes > maxr)
			maxr = slots[s].nr_recipes;
	nr_items = 0;
	for (p = 0; p < maxr; p++)
		for (s = 0; s < nr_slots; s++)
			nr_items += p < slots[s].nr_recipes &&
				    layout_nr_seeds[slots[s].l - ckpt_layouts];
	items = calloc(nr_items ? nr_items : 1, sizeof(*items));
	if (!items) {
		snprintf(why, whylen, "no memory");
		return -1;
	}
	nr_items = 0;
	for (p = 0; p < maxr; p++) {
		for (s = 0; s < nr_slots; s++) {
			if (p >= slots[s].nr_recipes || !layout_nr_seeds[slots[s].l - ckpt_layouts])
				continue;
			items[nr_items].slot = s;
			items[nr_items].recipe = p;
			nr_items++;
		}
		if (!p)
			first_pass = nr_items;
	}
	return 0;
}

long fuzz_schedule_len(void)
{
	return nr_items;
}

long fuzz_first_pass_len(void)
{
	return first_pass;
}

/* Mutations */

static void note(struct fuzz_image *fi, const char *fmt, ...)
{
	size_t n = strlen(fi->desc);
	va_list ap;

	if (n >= sizeof(fi->desc) - 2)
		return;
	if (n)
		fi->desc[n++] = ' ';
	va_start(ap, fmt);
	vsnprintf(fi->desc + n, sizeof(fi->desc) - n, fmt, ap);
	va_end(ap);
}

static void touch(struct fuzz_image *fi, int slot)
{
	int i;

	for (i = 0; i < fi->nr_touch; i++)
		if (fi->touch[i] == slot)
			return;
	if (fi->nr_touch < MAX_TOUCH)
		fi->touch[fi->nr_touch++] = slot;
}

/* The value of field @f (element @elem, or else 0) of record @r, if it has it */
static bool field_value(const struct ckpt_layout *l, const struct ckpt_field *f,
			const struct rec *r, uint32_t elem, uint64_t *v)
{
	long off;

	if (!field_is_int(f) || rec_type(r) != l->type)
		return false;
	off = ckpt_field_offset(f, l, r->size, elem);
	if (off < 0)
		off = ckpt_field_offset(f, l, r->size, 0);
	if (off < 0)
		return false;
	*v = ckpt_field_get(r->p, off, f->size);
	return true;
}

/* A record of @type in another seed than @seed (or in @seed if none), chosen by @h */
static const struct rec *other_seed_rec(int seed, const struct ckpt_layout *l, uint64_t h)
{
	int li = l - ckpt_layouts, n = layout_nr_seeds[li], k, ri;
	const struct img *im;

	if (!n)
		return NULL;
	k = layout_seeds[li][h % n];
	if (k == seed && n > 1)
		k = layout_seeds[li][(h + 1) % n];
	im = &seeds[k].im;
	ri = nth_of_type(im, l->type, (h >> 8) % count_type(im, l->type));
	return ri < 0 ? NULL : &im->r[ri];
}

/* Another record of the same type in the image, or in another seed */
static const struct rec *other_rec(struct fuzz_image *fi, int ri, uint64_t h)
{
	const struct rec *r = &fi->im.r[ri];
	const struct ckpt_layout *l = ckpt_layout_of(rec_type(r));
	int n = count_type(&fi->im, rec_type(r)), k, i;

	if (n > 1) {
		k = h % n;
		i = nth_of_type(&fi->im, rec_type(r), k);
		if (i == ri)
			i = nth_of_type(&fi->im, rec_type(r), (k + 1) % n);
		return &fi->im.r[i];
	}
	return l ? other_seed_rec(fi->seed, l, h) : NULL;
}

/* The value recipe @rc gives field @f of record @ri, element @elem; false if none */
static bool int_value(struct fuzz_image *fi, int ri, const struct ckpt_layout *l, int fidx,
		      uint32_t elem, uint16_t rc, uint64_t h, uint64_t orig, uint64_t *v,
		      const char **what)
{
	const struct ckpt_field *f = &l->fields[fidx];
	const struct rec *r = &fi->im.r[ri], *o;
	uint64_t mask = size_mask(f->size), smax = mask >> 1;
	int arg = rc & 0xff, k;

	*what = "";
	switch (rc >> 8) {
	case R_ZERO:
		*v = 0;
		break;
	case R_ONE:
		*v = 1;
		break;
	case R_ONES:
		*v = mask;
		break;
	case R_SMIN:
		*v = smax + 1;
		*what = "min";
		break;
	case R_SMAX:
		*v = smax;
		*what = "max";
		break;
	case R_PLUS1:
		*v = orig + 1;
		break;
	case R_MINUS1:
		*v = orig - 1;
		break;
	case R_PLUS8:
		*v = orig + 8;
		break;
	case R_MINUS8:
		*v = orig - 8;
		break;
	case R_DOUBLE:
		*v = orig ? orig * 2 : 2;
		break;
	case R_HALF:
		*v = orig / 2;
		break;
	case R_SHL12:
		*v = orig ? orig << 12 : 4096;
		break;
	case R_NEG:
		*v = -orig;
		break;
	case R_NOT:
		*v = ~orig;
		break;
	case R_BIT:
		*v = orig ^ (1ULL << arg);
		break;
	case R_CONST:
		*v = const_val(arg);
		break;
	case R_PREV_FIELD:
	case R_NEXT_FIELD:
		*what = (rc >> 8) == R_PREV_FIELD ? "prev field" : "next field";
		for (k = fidx + ((rc >> 8) == R_PREV_FIELD ? -1 : 1);
		     k >= 0 && k < (int)l->nr_fields; k += (rc >> 8) == R_PREV_FIELD ? -1 : 1)
			if (field_value(l, &l->fields[k], r, elem, v) && *v != orig)
				return true;
		return false;
	case R_OTHER_REC:
	case R_OTHER_SEED:
		*what = (rc >> 8) == R_OTHER_REC ? "other record" : "other seed";
		o = (rc >> 8) == R_OTHER_REC ? other_rec(fi, ri, h) :
					       other_seed_rec(fi->seed, l, h);
		if (!o || !field_value(l, f, o, elem, v))
			return false;
		if (*v == orig && (rc >> 8) == R_OTHER_REC) {
			o = other_seed_rec(fi->seed, l, h >> 16);
			if (!o || !field_value(l, f, o, elem, v))
				return false;
		}
		break;
	case R_OTHER_ADDR:
		/* another address of the record: overlapping ranges */
		*what = "other address";
		for (k = 0; k < (int)l->nr_fields; k++) {
			int j = (k + arg + fidx + 1) % l->nr_fields;

			if (j != fidx && l->fields[j].kind == CKPT_FK_ADDR &&
			    field_value(l, &l->fields[j], r, elem, v) && *v != orig)
				return true;
		}
		return false;
	case R_TYPE_PREV:
	case R_TYPE_NEXT:
		*what = "type of a neighbour";
		k = ri + ((rc >> 8) == R_TYPE_PREV ? -1 : 1);
		if (k < 0 || k >= fi->im.n)
			return false;
		*v = rec_type(&fi->im.r[k]);
		break;
	case R_RANDOM:
		*v = rnd();
		if (rnd_below(2))
			*v &= (1ULL << rnd_below(8 * f->size)) - 1;
		*what = "random";
		break;
	default:
		return false;
	}
	*v &= mask;
	if (f->is_signed && f->size < 8 && (*v & (1ULL << (8 * f->size - 1))))
		*v |= ~mask;	/* shown sign-extended */
	return (*v & mask) != (orig & mask);
}

/* Set the string of field @f of record @ri to @s (@n bytes, no NUL added) */
static void put_string(struct fuzz_image *fi, int ri, const struct ckpt_layout *l,
		       const struct ckpt_field *f, uint32_t elem, const char *s, uint32_t n,
		       bool consistent)
{
	struct rec *r = &fi->im.r[ri];
	const struct ckpt_field *cf;
	uint32_t start, end;

	if (!field_region(l, f, r->size, elem, &start, &end))
		return;
	if (end == r->size && !f->count && consistent) {
		/* a trailing string: the record is resized, its length field follows */
		cf = count_field_of(l, r);
		rec_resize(r, align8((uint64_t)start + n), 0);
		memset(r->p + start, 0, r->size - start);
		memcpy(r->p + start, s, n);
		rec_set_len(r);
		if (cf)
			ckpt_field_set(r->p, cf->off, cf->size, n);
		return;
	}
	memset(r->p + start, 0, end - start);
	memcpy(r->p + start, s, n < end - start ? n : end - start);
}

/* Apply string or bytes recipe @rc to field @fidx of record @ri */
static bool bytes_recipe(struct fuzz_image *fi, int ri, const struct ckpt_layout *l, int fidx,
			 uint32_t elem, uint16_t rc, uint64_t h)
{
	const struct ckpt_field *f = &l->fields[fidx];
	struct rec *r = &fi->im.r[ri];
	uint32_t start, end, len, k;
	const struct rec *o;
	uint32_t os, oe;
	int arg = rc & 0xff;
	char *buf;
	uint64_t w;

	if (!field_region(l, f, r->size, elem, &start, &end) || end <= start)
		return false;
	len = end - start;
	switch (rc >> 8) {
	case S_NONUL:
		memset(r->p + start, 'A', len);
		note(fi, "no NUL");
		break;
	case S_EMPTY:
		if (!r->p[start])
			return false;
		put_string(fi, ri, l, f, elem, "", 1, true);
		note(fi, "\"\"");
		break;
	case S_PATH:
		put_string(fi, ri, l, f, elem, paths[arg], strlen(paths[arg]) + 1, true);
		note(fi, "\"%s\"", paths[arg]);
		break;
	case S_LONG:
		buf = xmalloc(4200);
		memset(buf, 'a', 4200);
		buf[0] = '/';
		buf[4099] = 0;
		put_string(fi, ri, l, f, elem, buf, 4100, true);
		free(buf);
		note(fi, "4099 chars");
		break;
	case S_GARBAGE:
		/* characters after the NUL, in the padding */
		k = strnlen((char *)r->p + start, len);
		if (k + 1 >= len)
			return false;
		memset(r->p + start + k + 1, 'Z', len - k - 1);
		note(fi, "garbage after NUL");
		break;
	case S_SHORTER:
		k = strnlen((char *)r->p + start, len);
		if (!k)
			return false;
		r->p[start + k - 1] = 0;
		note(fi, "one char shorter");
		break;
	case S_OTHER_REC:
	case B_OTHER_REC:
		o = other_rec(fi, ri, h);
		if (!o || !field_region(l, f, o->size, elem, &os, &oe) || oe <= os)
			return false;
		if ((rc >> 8) == S_OTHER_REC) {
			put_string(fi, ri, l, f, elem, (const char *)o->p + os,
				   strnlen((const char *)o->p + os, oe - os) + 1, true);
		} else {
			memcpy(r->p + start, o->p + os, oe - os < len ? oe - os : len);
		}
		note(fi, "from other record");
		break;
	case B_ZERO:
		memset(r->p + start, 0, len);
		note(fi, "zeros");
		break;
	case B_ONES:
		memset(r->p + start, 0xff, len);
		note(fi, "0xff bytes");
		break;
	case B_WORD:
		k = word_offs[arg / ARRAY_SIZE(word_vals)];
		w = word_vals[arg % ARRAY_SIZE(word_vals)];
		if (k + 8 > len)
			k = (len & ~7U) >= 8 ? (len & ~7U) - 8 : 0;
		memcpy(r->p + start + k, &w, len - k < 8 ? len - k : 8);
		note(fi, "word+%u=%#llx", k, (unsigned long long)w);
		break;
	case B_FLIP:
		k = (h + arg * 2654435761U) % (8 * len);
		r->p[start + k / 8] ^= 1 << (k % 8);
		note(fi, "bit %u", k);
		break;
	default:
		return false;
	}
	return true;
}

/* Apply field recipe @rc to field @fidx of record @ri; false if it changes nothing */
static bool field_recipe(struct fuzz_image *fi, int ri, const struct ckpt_layout *l, int fidx,
			 uint32_t elem, uint16_t rc, uint64_t h)
{
	const struct ckpt_field *f = &l->fields[fidx];
	struct rec *r = &fi->im.r[ri];
	const char *what;
	uint64_t orig, v;
	char idx[16] = "";
	long off;

	if (f->count != 1 && field_is_int(f))
		snprintf(idx, sizeof(idx), "[%u]", elem);
	if (!field_is_int(f)) {
		note(fi, "%s.%s%s rec%d:", l->name, f->name, idx, ri);
		return bytes_recipe(fi, ri, l, fidx, elem, rc, h);
	}
	off = ckpt_field_offset(f, l, r->size, elem);
	if (off < 0)
		return false;
	orig = ckpt_field_get(r->p, off, f->size);
	if (!int_value(fi, ri, l, fidx, elem, rc, h, orig, &v, &what))
		return false;
	ckpt_field_set(r->p, off, f->size, v);
	note(fi, "%s.%s%s rec%d=%#llx%s%s%s", l->name, f->name, idx, ri, (unsigned long long)v,
	     *what ? " (" : "", what, *what ? ")" : "");
	return true;
}

/* Move record @from to position @to */
static void img_move(struct img *im, int from, int to)
{
	struct rec r = im->r[from];

	memmove(&im->r[from], &im->r[from + 1], (im->n - from - 1) * sizeof(r));
	memmove(&im->r[to + 1], &im->r[to], (im->n - 1 - to) * sizeof(r));
	im->r[to] = r;
}

static size_t rec_offset(const struct img *im, int ri)
{
	size_t off = 0;
	int i;

	for (i = 0; i < ri; i++)
		off += im->r[i].size;
	return off;
}

/* Grow or shrink the trailing array of record @ri by one entry (8 bytes of a byte array) */
static bool resize_elems(struct fuzz_image *fi, int ri, const struct ckpt_layout *l, int by)
{
	struct rec *r = &fi->im.r[ri];
	const struct ckpt_field *cf = count_field_of(l, r);
	uint32_t step = l->elem_size == 1 ? 8 : l->elem_size, size;
	uint64_t c;

	if (!l->elem_size || (by < 0 && r->size < l->size + step))
		return false;
	size = by > 0 ? align8(r->size + step) : align8(r->size - step);
	if (by < 0 && l->elem_size > 1 && cf) {
		c = ckpt_field_get(r->p, cf->off, cf->size);
		if (!c)
			return false;
		size = align8(l->size + (c - 1) * l->elem_size);
	} else if (by > 0 && l->elem_size > 1 && cf) {
		c = ckpt_field_get(r->p, cf->off, cf->size);
		size = align8(l->size + (c + 1) * l->elem_size);
	}
	rec_resize(r, size, 0);
	rec_set_len(r);
	if (cf) {
		c = ckpt_field_get(r->p, cf->off, cf->size);
		c = l->elem_size == 1 ? c + by * 8 : c + by;
		ckpt_field_set(r->p, cf->off, cf->size, c);
	}
	note(fi, "%s rec%d %s one entry%s%s", l->name, ri, by > 0 ? "grows by" : "loses",
	     cf ? ", " : "", cf ? cf->name : "");
	return true;
}

/* Apply record recipe @rc to record @ri */
static bool record_recipe(struct fuzz_image *fi, int ri, const struct ckpt_layout *l,
			  uint16_t rc, uint64_t h)
{
	struct img *im = &fi->im;
	const struct rec *o;
	int k;

	switch (rc >> 8) {
	case X_DELETE:
		img_delete(im, ri);
		note(fi, "%s rec%d deleted", l->name, ri);
		return true;
	case X_DUP:
		k = (rc & 0xff) ? im->n - 1 : ri + 1;	/* after it, or before the tail */
		if (k < ri + 1)
			k = ri + 1;
		img_insert(im, k, im->r[ri].p, im->r[ri].size);
		note(fi, "%s rec%d copied to %d", l->name, ri, k);
		return true;
	case X_SWAP_NEXT:
	case X_SWAP_PREV:
		k = (rc >> 8) == X_SWAP_NEXT ? ri + 1 : ri - 1;
		if (k < 0 || k >= im->n)
			return false;
		img_move(im, ri, k);
		note(fi, "%s rec%d swapped with %d", l->name, ri, k);
		return true;
	case X_REPLACE:
	case X_SPLICE:
		o = other_seed_rec(fi->seed, l, h);
		if (!o)
			return false;
		if ((rc >> 8) == X_REPLACE) {
			if (o->size == im->r[ri].size && !memcmp(o->p, im->r[ri].p, o->size))
				return false;
			img_delete(im, ri);
			img_insert(im, ri, o->p, o->size);
			note(fi, "%s rec%d replaced from another seed", l->name, ri);
		} else {
			img_insert(im, ri + 1, o->p, o->size);
			note(fi, "%s from another seed spliced in at %d", l->name, ri + 1);
		}
		return true;
	case X_TRUNC_IN:
		if (im->r[ri].size < 16)
			return false;
		im->cut = rec_offset(im, ri) +
			  ((rc & 0xff) ? im->r[ri].size - 1 - h % 8 : 1 + h % (im->r[ri].size - 1));
		note(fi, "cut at %zu, in %s rec%d", im->cut, l->name, ri);
		return true;
	case X_TRUNC_BEFORE:
		im->cut = rec_offset(im, ri);
		if (!im->cut)
			return false;
		note(fi, "cut at %zu, before %s rec%d", im->cut, l->name, ri);
		return true;
	case X_GROW8:
		rec_resize(&im->r[ri], im->r[ri].size + 8, 0);
		rec_set_len(&im->r[ri]);
		note(fi, "%s rec%d 8 bytes longer", l->name, ri);
		return true;
	case X_SHRINK8:
		if (im->r[ri].size < 16)
			return false;
		rec_resize(&im->r[ri], im->r[ri].size - 8, 0);
		rec_set_len(&im->r[ri]);
		note(fi, "%s rec%d 8 bytes shorter", l->name, ri);
		return true;
	case X_ELEM_ADD:
	case X_ELEM_DROP:
		return resize_elems(fi, ri, l, (rc >> 8) == X_ELEM_ADD ? 1 : -1);
	case X_TO_END:
		if (ri >= im->n - 2)
			return false;
		img_move(im, ri, im->n - 2);
		note(fi, "%s rec%d moved before the tail", l->name, ri);
		return true;
	case X_TO_FRONT:
		if (ri <= 1)
			return false;
		img_move(im, ri, 1);
		note(fi, "%s rec%d moved after the header", l->name, ri);
		return true;
	case X_FOREIGN:
		/* any record of another seed, before this one */
		k = h % nr_seeds;
		if (seeds[k].im.n < 2)
			return false;
		o = &seeds[k].im.r[(h >> 8) % seeds[k].im.n];
		img_insert(im, ri, o->p, o->size);
		note(fi, "%s from seed %d inserted at %d", ckpt_layout_of(rec_type(o)) ?
		     ckpt_layout_of(rec_type(o))->name : "?", k, ri);
		return true;
	}
	return false;
}

/*
 * Apply recipe @rc of slot @s to a record of the image in @fi chosen with
 * @h; false if it changed nothing
 */
static bool apply_slot(struct fuzz_image *fi, int s, uint16_t rc, uint64_t h)
{
	const struct slot *sl = &slots[s];
	const struct ckpt_layout *l = sl->l;
	const struct ckpt_field *f = sl->f >= 0 ? &l->fields[sl->f] : NULL;
	int n = count_type(&fi->im, l->type), ri, k, tries;
	uint32_t nel = 0, elem = 0;
	bool grown = false;

	if (!n)
		return false;
	ri = nth_of_type(&fi->im, l->type, h % n);
	if (f && f->count != 1) {
		/* an element of an array: one that is there, or the array grown to have one */
		for (tries = 0; tries < n; tries++) {
			k = nth_of_type(&fi->im, l->type, (h + tries) % n);
			nel = field_nr_elems(l, f, fi->im.r[k].size);
			if (nel) {
				ri = k;
				break;
			}
		}
		if (!nel && !f->count) {
			if (!resize_elems(fi, ri, l, 1))
				return false;
			grown = true;
			nel = field_nr_elems(l, f, fi->im.r[ri].size);
		}
		if (!nel)
			return false;
		elem = (h >> 20) % nel;
	}
	if (f ? !field_recipe(fi, ri, l, sl->f, elem, rc, h >> 4) && !grown :
		!record_recipe(fi, ri, l, rc, h >> 4))
		return false;
	touch(fi, s);
	return true;
}

/* One random mutation */
static void random_mutation(struct fuzz_image *fi)
{
	uint32_t what = rnd_below(100), b, i;
	int s, k, ri, tries;
	uint16_t rc;

	if (what < 8 && fi->im.n > 1) {
		/* bit flips in one record, counted against the fields they hit */
		ri = rnd_below(fi->im.n);
		for (k = 1 + rnd_below(4); k > 0; k--) {
			struct rec *r = &fi->im.r[ri];
			const struct ckpt_layout *l = ckpt_layout_of(rec_type(r));

			b = rnd_below(r->size);
			r->p[b] ^= 1 << rnd_below(8);
			note(fi, "flip rec%d+%u", ri, b);
			if (!l)
				continue;
			s = slot_of(l, -1);
			for (i = 0; i < l->nr_fields; i++) {
				uint32_t st, en, e = 0;
				const struct ckpt_field *f = &l->fields[i];

				if (f->count != 1 && f->off <= b)
					e = f->count ? (b - f->off) / (f->stride ?: 1) :
						       (b - f->off) / (l->elem_size ?: 1);
				if (field_region(l, f, r->size, e, &st, &en) && b >= st && b < en) {
					s = slot_of(l, i);
					break;
				}
			}
			touch(fi, s);
		}
		return;
	}
	if (what < 12 && fi->im.n > 1) {
		/* truncation anywhere */
		size_t total = rec_offset(&fi->im, fi->im.n);

		fi->im.cut = 1 + rnd() % (total - 1);
		for (ri = 0; ri < fi->im.n - 1 && rec_offset(&fi->im, ri + 1) <= fi->im.cut; ri++)
			;
		if (ckpt_layout_of(rec_type(&fi->im.r[ri])))
			touch(fi, slot_of(ckpt_layout_of(rec_type(&fi->im.r[ri])), -1));
		note(fi, "cut at %zu", fi->im.cut);
		fi->fix_tail = false;
		return;
	}
	for (tries = 0; tries < 20; tries++) {
		s = rnd_below(nr_slots);
		if (!count_type(&fi->im, slots[s].l->type))
			continue;
		/* a recipe of the slot, or random bits */
		if (slots[s].f >= 0 && !rnd_below(8) &&
		    field_is_int(&slots[s].l->fields[slots[s].f]))
			rc = RCP(R_RANDOM, 0);
		else
			rc = slots[s].recipes[rnd_below(slots[s].nr_recipes)];
		if (apply_slot(fi, s, rc, rnd()))
			return;
	}
}

static bool slot_is_tail(int s)
{
	return slots[s].l->type == CKPT_HDR_TAIL;
}

/*
 * Image @i of campaign @campaign of @nr_campaigns: the deterministic
 * items j, j + nr_campaigns... of the schedule come first (all of the
 * first pass), then every other image, the rest are random
 */
void fuzz_make(struct fuzz_image *fi, long i, int campaign, int nr_campaigns)
{
	static long det_next = -1, first_share;
	int k, n, s, tries, li;
	char name[96];
	const struct item *it;
	uint64_t h;

	if (det_next < 0) {
		det_next = campaign;
		first_share = (first_pass - campaign + nr_campaigns - 1) / nr_campaigns;
	}
	img_free(&fi->im);
	fi->desc[0] = 0;
	fi->nr_touch = 0;
	fi->fix_tail = true;
	fi->det = det_next < nr_items && (i < first_share || (i & 1));
	if (fi->det) {
		it = &items[det_next];
		det_next += nr_campaigns;
		s = it->slot;
		li = slots[s].l - ckpt_layouts;
		n = layout_nr_seeds[li];
		h = hash3(s, it->recipe, 0);
		for (tries = 0; tries < 6; tries++) {
			/* the recipe on two seeds; if it changes nothing there, the next one */
			fi->seed = layout_seeds[li][(s + it->recipe + tries) % n];
			img_free(&fi->im);
			img_copy(&fi->im, &seeds[fi->seed].im);
			fi->desc[0] = 0;
			fi->nr_touch = 0;
			if (apply_slot(fi, s, slots[s].recipes[(it->recipe + tries / 2) %
							       slots[s].nr_recipes], h + tries))
				break;
		}
		if (tries == 6) {
			img_free(&fi->im);
			img_copy(&fi->im, &seeds[fi->seed].im);
			fi->desc[0] = 0;
			fi->nr_touch = 0;
			note(fi, "unchanged: nothing to change in %s",
			     slot_name(s, name, sizeof(name)));
		}
		if (slot_is_tail(s))
			fi->fix_tail = false;
		return;
	}
	fi->seed = rnd_below(nr_seeds);
	img_copy(&fi->im, &seeds[fi->seed].im);
	n = 1;
	if (!rnd_below(4))
		n += 1 + rnd_below(2);
	for (k = 0; k < n; k++)
		random_mutation(fi);
	for (k = 0; k < fi->nr_touch; k++)
		if (slot_is_tail(fi->touch[k]))
			fi->fix_tail = false;
	if (!rnd_below(8))
		fi->fix_tail = false;
}
