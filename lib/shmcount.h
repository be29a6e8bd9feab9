/* shmcount.h: what every process of one host shares: hit counters, change counters. */
#ifndef STRATUS_SHMCOUNT_H
#define STRATUS_SHMCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A fixed table of counters in a file mapped MAP_SHARED (under /dev/shm it
 * is memory): the rate limiter's store when the processes that must share
 * limits are on one host, so that counting a request costs a few hundred
 * nanoseconds instead of a MariaDB write. A process-shared robust mutex
 * guards the table; a process that dies holding it leaves it usable.
 * Counters of past windows are reused in place, so the table needs no
 * pruning; when every slot a key may use holds a counter of the current
 * window, shmcount_hit says so and the caller counts elsewhere. The same
 * file holds an epoch that identity writers bump (fcgi/auth.c), and change
 * counters by key that writers of builds bump (fcgi/memo.c).
 */
struct shmcount;

#define SHMCOUNT_SLOTS      16384 /* 512 KiB; a slot per (key, window) alive at once */
#define SHMCOUNT_CHANGES    32768 /* 256 KiB; change counters, keys hashed onto them */
#define SHMCOUNT_WORKERS    64    /* the largest bound of shmcount_work_take */
#define SHMCOUNT_WORK_STALE 120   /* seconds after which a place is taken back */

/*
 * Maps the table at `path`; with `create`, creates and initialises it when
 * it does not exist (mode 0600: only this user's processes share it; a
 * file of another user is refused, except by root). NULL with a reason in
 * `why` when it cannot. Owner: the caller, shmcount_close.
 */
struct shmcount *shmcount_open(const char *path, bool create, char *why, size_t whylen);
void shmcount_close(struct shmcount *c);

/*
 * Counts one hit of `key` in `window` and returns the count including it;
 * -1 when the table has no room for the key (every slot it may use is
 * taken by the current window).
 */
int64_t shmcount_hit(struct shmcount *c, const unsigned char key[16], int64_t window);

/* The count of `key` in `window`, without counting; 0 when none. */
int64_t shmcount_peek(struct shmcount *c, const unsigned char key[16], int64_t window);

/*
 * A number that only grows, for caches of what any process may change:
 * a writer bumps it after the change, a reader that remembered something
 * under an older value forgets it. Atomic; no lock.
 */
uint64_t shmcount_epoch(struct shmcount *c);
void shmcount_epoch_bump(struct shmcount *c);

/*
 * The same for one key among many (a build): `hash` picks one of
 * SHMCOUNT_CHANGES counters, so keys that share a counter void each other's
 * entries now and then, never keep one alive. Atomic; no lock.
 */
uint64_t shmcount_changes(struct shmcount *c, uint64_t hash);
void shmcount_changes_bump(struct shmcount *c, uint64_t hash);

/*
 * A host-wide bound on expensive work (password hashing): takes one of at
 * most `limit` places for this process and returns it (>= 0), or -1 when
 * `limit` places are held (or the lock failed): the caller refuses the
 * work at once rather than queueing. Places of processes that died, or
 * held over SHMCOUNT_WORK_STALE seconds, are taken back. `now` is unix
 * seconds. Give the place back with shmcount_work_give.
 */
int shmcount_work_take(struct shmcount *c, unsigned limit, int64_t now);
void shmcount_work_give(struct shmcount *c, int place);

#endif
