/* shmcount.c: hit counters per (key, window) in a file every process of one host maps. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/shmcount.h"

#define MAGIC 0x53544334u /* "STC4": change it, and the file name, with the layout */
#define PROBE 32          /* slots a key may use, from its hash on */

struct slot {
	unsigned char key[16];
	int64_t window; /* 0: never used */
	int64_t hits;
};

/* A unit of bounded work in progress (shmcount_work_take). */
struct worker {
	int32_t pid; /* 0: free */
	int32_t pad;
	int64_t since; /* unix seconds */
};

struct table {
	uint32_t magic; /* written last by the initialiser */
	uint32_t slots;
	uint64_t epoch;       /* shmcount_epoch: atomic, outside the lock */
	pthread_mutex_t lock; /* process-shared, robust */
	struct slot slot[SHMCOUNT_SLOTS];
	uint64_t changes[SHMCOUNT_CHANGES];   /* shmcount_changes: atomic, outside the lock */
	struct worker work[SHMCOUNT_WORKERS]; /* under the lock */
};

struct shmcount {
	struct table *t; /* the mapping; unmapped by shmcount_close */
};

static struct shmcount *fail(int fd, char *why, size_t whylen, const char *what, const char *path)
{
	snprintf(why, whylen, "%s %s: %s", what, path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int init_lock(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	int e;

	if ((e = pthread_mutexattr_init(&a)) != 0)
		return e;
	if ((e = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED)) == 0 &&
	    (e = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST)) == 0)
		e = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return e;
}

struct shmcount *shmcount_open(const char *path, bool create, char *why, size_t whylen)
{
	struct shmcount *c;
	struct table *t;
	struct stat st;
	int fd, e;

	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
	if (fd < 0)
		return fail(-1, why, whylen, "cannot open", path);
	/* Initialisation is serialised by an exclusive lock on the file. */
	if (flock(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0)
		return fail(fd, why, whylen, "cannot lock", path);
	if (!S_ISREG(st.st_mode) || (st.st_uid != geteuid() && geteuid() != 0)) {
		errno = EPERM;
		return fail(fd, why, whylen, "not a file of this user:", path);
	}
	if (st.st_size == 0 && ftruncate(fd, (off_t)sizeof(*t)) != 0)
		return fail(fd, why, whylen, "cannot size", path);
	if (st.st_size != 0 && st.st_size != (off_t)sizeof(*t)) {
		errno = EINVAL;
		return fail(fd, why, whylen, "wrong size (another version?):", path);
	}
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (t == MAP_FAILED)
		return fail(fd, why, whylen, "cannot map", path);
	if (t->magic != MAGIC) {
		memset(t, 0, sizeof(*t));
		if ((e = init_lock(&t->lock)) != 0) {
			munmap(t, sizeof(*t));
			errno = e;
			return fail(fd, why, whylen, "cannot initialise the lock of", path);
		}
		t->slots = SHMCOUNT_SLOTS;
		__atomic_store_n(&t->magic, MAGIC, __ATOMIC_RELEASE);
	}
	/* Unlocked explicitly: the mapping keeps the open file, and its flock, alive. */
	flock(fd, LOCK_UN);
	close(fd);
	if ((c = malloc(sizeof(*c))) == NULL) {
		munmap(t, sizeof(*t));
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	c->t = t;
	return c;
}

void shmcount_close(struct shmcount *c)
{
	if (c == NULL)
		return;
	munmap(c->t, sizeof(*c->t));
	free(c);
}

/* Locks the table; a holder that died leaves it consistent (a store at most was lost). */
static int lock(struct table *t)
{
	int e = pthread_mutex_lock(&t->lock);

	if (e == EOWNERDEAD)
		e = pthread_mutex_consistent(&t->lock);
	return e;
}

/* The slot of (key, window), or NULL; *spare: the first slot of a past window, or NULL. */
static struct slot *find(struct table *t, const unsigned char key[16], int64_t window,
                         struct slot **spare)
{
	uint64_t h;

	memcpy(&h, key, sizeof(h)); /* keys are hashes already */
	*spare = NULL;
	for (unsigned i = 0; i < PROBE; i++) {
		struct slot *s = &t->slot[(h + i) % SHMCOUNT_SLOTS];

		if (s->window == window && memcmp(s->key, key, 16) == 0)
			return s;
		if (s->window < window && *spare == NULL)
			*spare = s;
	}
	return NULL;
}

int64_t shmcount_hit(struct shmcount *c, const unsigned char key[16], int64_t window)
{
	struct slot *s, *spare;
	int64_t n = -1;

	if (window <= 0 || lock(c->t) != 0)
		return -1;
	if ((s = find(c->t, key, window, &spare)) != NULL) {
		n = ++s->hits;
	} else if (spare != NULL) {
		memcpy(spare->key, key, 16);
		spare->window = window;
		spare->hits = n = 1;
	}
	pthread_mutex_unlock(&c->t->lock);
	return n;
}

uint64_t shmcount_epoch(struct shmcount *c)
{
	return __atomic_load_n(&c->t->epoch, __ATOMIC_ACQUIRE);
}

void shmcount_epoch_bump(struct shmcount *c)
{
	__atomic_add_fetch(&c->t->epoch, 1, __ATOMIC_ACQ_REL);
}

uint64_t shmcount_changes(struct shmcount *c, uint64_t hash)
{
	return __atomic_load_n(&c->t->changes[hash % SHMCOUNT_CHANGES], __ATOMIC_ACQUIRE);
}

void shmcount_changes_bump(struct shmcount *c, uint64_t hash)
{
	__atomic_add_fetch(&c->t->changes[hash % SHMCOUNT_CHANGES], 1, __ATOMIC_ACQ_REL);
}

int64_t shmcount_peek(struct shmcount *c, const unsigned char key[16], int64_t window)
{
	struct slot *s, *spare;
	int64_t n = 0;

	if (lock(c->t) != 0)
		return 0;
	if ((s = find(c->t, key, window, &spare)) != NULL)
		n = s->hits;
	pthread_mutex_unlock(&c->t->lock);
	return n;
}

/*
 * A holder that died (or a pid reused after SHMCOUNT_WORK_STALE seconds)
 * no longer holds its place: a crashed responder cannot shrink the bound
 * for good.
 */
static bool holder_alive(const struct worker *w, int64_t now)
{
	if (w->pid == 0 || now - w->since > SHMCOUNT_WORK_STALE)
		return false;
	return kill((pid_t)w->pid, 0) == 0 || errno == EPERM;
}

int shmcount_work_take(struct shmcount *c, unsigned limit, int64_t now)
{
	unsigned busy = 0;
	int free_at = -1;

	if (limit > SHMCOUNT_WORKERS)
		limit = SHMCOUNT_WORKERS;
	if (lock(c->t) != 0)
		return -1;
	for (int i = 0; i < SHMCOUNT_WORKERS; i++) {
		struct worker *w = &c->t->work[i];

		if (w->pid != 0 && !holder_alive(w, now))
			memset(w, 0, sizeof(*w));
		if (w->pid != 0)
			busy++;
		else if (free_at < 0)
			free_at = i;
	}
	if (busy >= limit || free_at < 0) {
		free_at = -1;
	} else {
		c->t->work[free_at].pid = (int32_t)getpid();
		c->t->work[free_at].since = now;
	}
	pthread_mutex_unlock(&c->t->lock);
	return free_at;
}

void shmcount_work_give(struct shmcount *c, int place)
{
	if (place < 0 || place >= SHMCOUNT_WORKERS || lock(c->t) != 0)
		return;
	if (c->t->work[place].pid == (int32_t)getpid())
		memset(&c->t->work[place], 0, sizeof(c->t->work[place]));
	pthread_mutex_unlock(&c->t->lock);
}
