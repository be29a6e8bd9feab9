/* arena.h: request-scoped memory: bump allocation plus deferred cleanups. */
#ifndef STRATUS_ARENA_H
#define STRATUS_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/*
 * Creates an arena whose first chunk (kept across resets) holds `first`
 * bytes. Returns NULL when out of memory. The caller owns the arena and
 * releases it with arena_free().
 */
struct arena *arena_new(size_t first);

/*
 * Returns `n` bytes aligned for any type, valid until the next
 * arena_reset(), or NULL when out of memory. Never free() the result.
 */
void *arena_alloc(struct arena *a, size_t n);
void *arena_calloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));

/*
 * Registers fn(p) to run at the next arena_reset(), last registered first.
 * This is how a request hands heap objects (json-c trees, MYSQL results) to
 * the arena. Returns 0, or -1 when out of memory, in which case fn(p) has
 * already been called so nothing leaks.
 */
int arena_defer(struct arena *a, void (*fn)(void *), void *p);

/* Bytes handed out since the last reset (for tests and metrics). */
size_t arena_used(const struct arena *a);

/*
 * Runs the deferred cleanups, frees every chunk but the first and makes the
 * whole first chunk available again. Called once per request.
 */
void arena_reset(struct arena *a);

/* Resets and frees the arena itself. NULL is accepted. */
void arena_free(struct arena *a);

#endif
