// SPDX-License-Identifier: GPL-2.0-only
/*
 * insns.so: a qemu TCG plugin for make bench-insns
 * (Documentation/performance.rst, "Instructions by function").
 *
 * It counts the guest instructions executed in windows that the guest
 * opens and closes by running one function: every entry of the function at
 * mark=<address> (the guest's tracing_mark_write(), called by atmqtt-bench
 * -t at the start and at the end of each publish sample) toggles the
 * window.  sides=<letters> (default A) names the windows in turn, over and
 * over: sides=KUUK for atmqtt-bench -w latency, whose publish samples go
 * kernel, user, user, kernel.  At exit it writes to out=<path>, per side:
 *	W <side> <windows closed>
 *	D <side> <translated blocks run in a window, summed over its windows>
 *	T <side> <address> <instructions> <executions> <translations>
 * for each start address of a translated block: the executions of the
 * block at a function's address are the calls of the function; the
 * translations, those of the address made while a window of the side was
 * open (qemu translates a block again after it dropped the old one).
 * The host's bench/insns.py names the addresses.
 *
 * Each translated block gets a counter that qemu increments inline on
 * every execution; opening a window takes a snapshot of all counters and
 * closing it adds what each counter gained meanwhile, times the block's
 * instructions.  A block left early (an exception) counts whole.
 *
 * qemu 7.2 installs no header for its plugin API: the few declarations
 * used are below, as that API (version 1) defines them.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb));
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
	void (*cb)(unsigned int vcpu, void *udata),
	enum qemu_plugin_cb_flags flags, void *udata);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
	enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t id, void *udata), void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);

EXPORT int qemu_plugin_version = 1;

#define NSIDES 4
#define PATTERN_MAX 16

struct block {
	uint64_t count;		/* executions, incremented by qemu */
	uint64_t base;		/* count when the window opened */
	uint64_t insns[NSIDES];	/* instructions counted in windows */
	uint64_t execs[NSIDES];	/* executions counted in windows */
	uint64_t trans[NSIDES];	/* translated in a window: 0 or 1 */
	uint64_t vaddr;
	uint32_t n;		/* instructions of the block */
};

/* Blocks live in chunks that never move: qemu holds &count. */
#define CHUNK 4096
static struct block **chunks;
static size_t nchunks, nblocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t mark;
static bool open_;
static char letters[NSIDES + 1];	/* the sides' names */
static unsigned int pattern[PATTERN_MAX], npattern;
static uint64_t closed, windows[NSIDES];
static uint64_t distinct[NSIDES];	/* blocks run in a window, summed */
static const char *out_path;

static struct block *block_new(void)
{
	if (nblocks == nchunks * CHUNK) {
		struct block **c = realloc(chunks, (nchunks + 1) * sizeof(*c));

		if (!c)
			abort();
		chunks = c;
		chunks[nchunks] = calloc(CHUNK, sizeof(struct block));
		if (!chunks[nchunks])
			abort();
		nchunks++;
	}
	nblocks++;
	return &chunks[(nblocks - 1) / CHUNK][(nblocks - 1) % CHUNK];
}

#define for_each_block(b, i) \
	for ((i) = 0; (i) < nblocks && \
	     ((b) = &chunks[(i) / CHUNK][(i) % CHUNK]); (i)++)

static void toggle(unsigned int vcpu, void *udata)
{
	unsigned int side;
	struct block *b;
	size_t i;

	(void)vcpu;
	(void)udata;
	pthread_mutex_lock(&lock);
	side = pattern[closed % npattern];
	for_each_block(b, i) {
		if (open_) {
			b->execs[side] += b->count - b->base;
			b->insns[side] += (b->count - b->base) * b->n;
			distinct[side] += b->count != b->base;
		} else {
			b->base = b->count;
		}
	}
	if (open_) {
		windows[side]++;
		closed++;
	}
	open_ = !open_;
	pthread_mutex_unlock(&lock);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b;

	(void)id;
	pthread_mutex_lock(&lock);
	b = block_new();
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->n = qemu_plugin_tb_n_insns(tb);
	if (open_)
		b->trans[pattern[closed % npattern]] = 1;
	pthread_mutex_unlock(&lock);
	if (b->vaddr == mark)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, toggle,
						     QEMU_PLUGIN_CB_NO_REGS,
						     NULL);
	qemu_plugin_register_vcpu_tb_exec_inline(tb,
						 QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->count, 1);
}

static int by_vaddr(const void *a, const void *b)
{
	const struct block *x = *(struct block *const *)a;
	const struct block *y = *(struct block *const *)b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* One T line per side and start address: retranslated blocks summed. */
static void at_exit(qemu_plugin_id_t id, void *udata)
{
	struct block **v, *b;
	unsigned int side;
	FILE *f;
	size_t i, j, k;

	(void)id;
	(void)udata;
	f = fopen(out_path, "w");
	if (!f) {
		perror(out_path);
		return;
	}
	v = malloc((nblocks + 1) * sizeof(*v));
	if (!v) {
		fclose(f);
		return;
	}
	k = 0;
	for_each_block(b, i)
		v[k++] = b;
	qsort(v, k, sizeof(*v), by_vaddr);
	for (side = 0; letters[side]; side++) {
		fprintf(f, "W %c %" PRIu64 "\n", letters[side], windows[side]);
		fprintf(f, "D %c %" PRIu64 "\n", letters[side], distinct[side]);
		for (i = 0; i < k; i = j) {
			uint64_t insns = 0, execs = 0, trans = 0;

			for (j = i; j < k && v[j]->vaddr == v[i]->vaddr; j++) {
				insns += v[j]->insns[side];
				execs += v[j]->execs[side];
				trans += v[j]->trans[side];
			}
			if (insns)
				fprintf(f, "T %c %" PRIx64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
					letters[side], v[i]->vaddr, insns,
					execs, trans);
		}
	}
	fclose(f);
	free(v);
}

/* sides=<letters>: the pattern, and each distinct letter a side. */
static int set_sides(const char *arg)
{
	const char *c;

	for (c = arg; *c; c++) {
		char *at = strchr(letters, *c);

		if (npattern == PATTERN_MAX || *c < 'A' || *c > 'Z')
			return -1;
		if (!at) {
			if (strlen(letters) == NSIDES)
				return -1;
			at = letters + strlen(letters);
			*at = *c;
		}
		pattern[npattern++] = at - letters;
	}
	return npattern ? 0 : -1;
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			       int argc, char **argv);

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			       int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "mark=", 5))
			mark = strtoull(argv[i] + 5, NULL, 16);
		else if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
		else if (!strncmp(argv[i], "sides=", 6) && set_sides(argv[i] + 6))
			break;
	}
	if (!npattern)
		set_sides("A");
	if (!mark || !out_path || i < argc) {
		fprintf(stderr, "insns.so: needs mark=<hex address> and out=<path>, takes sides=<A-Z letters>\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
