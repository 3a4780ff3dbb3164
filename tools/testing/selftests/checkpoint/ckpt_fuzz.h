/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ckpt_fuzz: what its three parts share. ckpt_fuzz.c runs the campaign,
 * fuzz_seed.c the seed programs and what a restored seed does,
 * fuzz_mutate.c makes the mutated images from the layout table.
 */
#ifndef CKPT_FUZZ_H
#define CKPT_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ckpt_util.h"
#include "layout.h"

/* Who the seeds and the restarting processes are */
#define FUZZ_UID	1000
#define FUZZ_GID	1000

/* A restored seed that passed its checks and its workload exits with this */
#define FUZZ_EXIT_OK	42
/* ... the program it executes found credentials beyond its restarter's */
#define FUZZ_EXIT_CREDS	43
/* ... its workload failed (fork, wait or exec): 60 and up */
#define FUZZ_EXIT_WORK	60
/* a restarting child that returned from restart(2) */
#define FUZZ_EXIT_RETURNED	100
/* a restarting child that could not drop its privileges */
#define FUZZ_EXIT_SETUP	101

/* Seeds */
enum {
	SEED_PLAIN, SEED_FILES, SEED_SLEEP, SEED_FUTEX, SEED_BIG, SEED_ERROR, SEED_OBJECTS,
	SEED_TREE, SEED_IPC, NR_SEED_KINDS
};

#define SEED_RSTR	0x1	/* several processes: restarted by rstr */
#define SEED_NEWIPC	0x2	/* an IPC namespace of its own: restarted in a new one */
#define SEED_FAILS	0x4	/* its checkpoint fails, leaving an ERROR record */

struct seed_info {
	const char *name;
	unsigned int flags;
};

extern const struct seed_info seed_info[NR_SEED_KINDS];

/* One record of an image, in its own buffer (header included) */
struct rec {
	uint8_t *p;
	uint32_t size;
};

/* An image as a list of records, cut to @cut bytes when assembled if not 0 */
struct img {
	struct rec *r;
	int n, cap;
	size_t cut;
};

struct seed {
	int kind;
	pid_t pid;
	char *buf;		/* its image */
	size_t len;
	struct img im;
};

extern struct seed seeds[NR_SEED_KINDS];
extern int nr_seeds;

/* fuzz_seed.c */
extern char fuzz_self[256];	/* this program, which restored seeds execute */
void seed_paths(int id, int campaign);
int seed_files_create(void);
void seed_files_remove(void);
pid_t seed_start(int kind, char *why, size_t whylen);
void seed_go(bool go);
int become_restarter(int kind, char *why, size_t whylen);
int workload_main(int argc, char **argv);
const char *seed_creds_file(void);

/* fuzz_mutate.c */

/* Columns of the table of outcomes per field */
enum {
	COL_TRIED, COL_REJECTED, COL_OK, COL_KILLED, COL_KREPORT, COL_OTHER, COL_FAILED, NR_COLS
};

/*
 * A slot is what the schedule mutates: a field of a record type of the
 * layout table (f >= 0), or the record as a whole (f == -1): deleted,
 * duplicated, moved, spliced, truncated, grown...
 */
struct slot {
	const struct ckpt_layout *l;
	int f;
	int nr_recipes;
	const uint16_t *recipes;	/* what it tries, in order */
	long cnt[NR_COLS];
};

extern struct slot *slots;
extern int nr_slots;

#define MAX_TOUCH	16

struct fuzz_image {
	int seed;		/* index in seeds[] */
	struct img im;
	char desc[640];		/* what was done, for the log */
	int touch[MAX_TOUCH];	/* the slots it mutated */
	int nr_touch;
	bool fix_tail;
	bool det;		/* an item of the deterministic schedule */
};

void img_free(struct img *im);
int img_parse(struct img *im, const char *buf, size_t len);
char *img_assemble(const struct img *im, size_t *len);
void rng_seed(uint64_t s);
uint64_t rnd(void);
uint32_t rnd_below(uint32_t n);
int fuzz_tables_init(char *why, size_t whylen);
long fuzz_schedule_len(void);
long fuzz_first_pass_len(void);
void fuzz_make(struct fuzz_image *fi, long i, int campaign, int nr_campaigns);
const char *slot_name(int s, char *buf, size_t len);

#endif /* CKPT_FUZZ_H */
