/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of every record of a checkpoint image, field by field: one
 * table, built from the uapi headers with offsetof() and sizeof(), shared
 * by ckptinfo, the image-editing helper of the selftests and the fuzzer.
 * ckpt_layout_check() proves that the fields of each record cover its
 * structure exactly, so a field added to a uapi record without a line
 * here fails the build's checks.
 */
#ifndef CKPT_TOOLS_LAYOUT_H
#define CKPT_TOOLS_LAYOUT_H

#include <stdint.h>
#include <stdio.h>

/* What a field holds: the fuzzer picks its values by it */
enum ckpt_fkind {
	CKPT_FK_NUM,		/* a number: size, index, enum, kind, signal, mode... */
	CKPT_FK_LEN,		/* a length or count of what follows (bytes, entries, records) */
	CKPT_FK_FLAGS,		/* bits */
	CKPT_FK_ADDR,		/* a user-space address */
	CKPT_FK_REF,		/* an objref */
	CKPT_FK_ID,		/* a pid, uid, gid, fd or object id */
	CKPT_FK_TIME,		/* a time or a duration */
	CKPT_FK_STR,		/* characters with a terminating NUL */
	CKPT_FK_BYTES,		/* opaque contents: registers, page data, message text */
	CKPT_FK_RESERVED,	/* must be zero */
	CKPT_FK_MAGIC,		/* a constant: magic number, format version, arch */
	CKPT_NR_FKINDS
};

/*
 * One field. A plain field has count 1. A field of an array of structures
 * inside the record ("rlim[].cur") has count entries, stride bytes apart,
 * from off. A field of the array that ends the record ("pids[].vpid",
 * "path[]") has count 0: the record's length says how many entries follow
 * its fixed part, each ckpt_layout.elem_size bytes; off is then the offset
 * in the record of the field in the first entry.
 */
struct ckpt_field {
	const char *name;	/* as in the uapi structure, "[]" for arrays */
	uint32_t off;		/* bytes from the start of the record */
	uint32_t size;		/* bytes of one element: 1, 2, 4 or 8, or of a */
				/* whole char or byte array */
	uint32_t count;		/* elements; 0: the record's trailing array */
	uint32_t stride;	/* bytes from one element to the next */
	uint8_t kind;		/* enum ckpt_fkind */
	uint8_t is_signed;	/* a signed integer */
	uint8_t hex;		/* shown in hexadecimal */
};

struct ckpt_layout {
	uint32_t type;			/* CKPT_HDR_* */
	const char *name;		/* "TASK", as ckptinfo and the kernel's log say */
	uint32_t size;			/* bytes of its fixed part, header included */
	uint32_t elem_size;		/* bytes of one entry of its trailing array, or 0 */
	const struct ckpt_field *fields;
	unsigned int nr_fields;
};

extern const struct ckpt_layout ckpt_layouts[];
extern const unsigned int ckpt_nr_layouts;

/* The layout of record @type, or NULL */
const struct ckpt_layout *ckpt_layout_of(uint32_t type);
/* The layout named @name ("TASK"), or NULL */
const struct ckpt_layout *ckpt_layout_named(const char *name);
/*
 * The field of @l named @name, or NULL. An array element may be named with
 * its index, "rlim[7].max" or "groups[2]": *@index is then set to it
 * (else to 0).
 */
const struct ckpt_field *ckpt_field_named(const struct ckpt_layout *l, const char *name,
					  uint32_t *index);
/*
 * Offset in a record of @len bytes of element @index of @f, or -1 if the
 * record has no such element
 */
long ckpt_field_offset(const struct ckpt_field *f, const struct ckpt_layout *l,
		       uint32_t len, uint32_t index);
/* Read and write an integer field (size 1, 2, 4 or 8; little endian) */
uint64_t ckpt_field_get(const void *rec, long off, uint32_t size);
void ckpt_field_set(void *rec, long off, uint32_t size, uint64_t v);
/*
 * Check that the fields of every layout cover its structure exactly once
 * (no byte twice, none left out, the trailing entry too). Returns 0, or
 * the number of faults, each described on @err.
 */
int ckpt_layout_check(FILE *err);
/* The name of a kind of field */
const char *ckpt_fkind_name(unsigned int kind);

#endif /* CKPT_TOOLS_LAYOUT_H */
