/* arena.c: request-scoped memory: bump allocation plus deferred cleanups. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"

#define ALIGN 16u

struct chunk {
	struct chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	_Alignas(16) unsigned char data[];
};

struct defer {
	struct defer *next;
	void (*fn)(void *);
	void *p;
};

struct arena {
	struct chunk *head;  /* current chunk; the first chunk is last in the list */
	struct chunk *first; /* kept across resets */
	struct defer *defers;
	size_t used;
};

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	if ((c = malloc(sizeof(*c) + size)) == NULL)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *arena_new(size_t first)
{
	struct arena *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if ((a->first = chunk_new(first < 1024 ? 1024 : first)) == NULL) {
		free(a);
		return NULL;
	}
	a->head = a->first;
	return a;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t need;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ALIGN)
		return NULL;
	need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (c->size - c->used < need) {
		/* Big requests get a chunk of their own; small ones a fresh 16 KiB+. */
		size_t size = need > a->first->size / 2 ? need : a->first->size;
		struct chunk *nc = chunk_new(size);

		if (nc == NULL)
			return NULL;
		nc->next = c;
		a->head = c = nc;
	}
	p = c->data + c->used;
	c->used += need;
	a->used += n;
	return p;
}

void *arena_calloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = arena_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

/* Most texts (a response's head, a header line) fit this: formatted once, then copied. */
#define PRINTF_FIRST 512

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	char first[PRINTF_FIRST];
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(first, sizeof(first), fmt, ap2);
	va_end(ap2);
	if (n < 0 || (p = arena_alloc(a, (size_t)n + 1)) == NULL)
		return NULL;
	if ((size_t)n < sizeof(first))
		memcpy(p, first, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

int arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
	struct defer *d = arena_alloc(a, sizeof(*d));

	if (d == NULL) {
		fn(p);
		return -1;
	}
	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
	return 0;
}

size_t arena_used(const struct arena *a)
{
	return a->used;
}

void arena_reset(struct arena *a)
{
	struct chunk *c, *next;

	/* Cleanups first: their records live in the chunks freed below. */
	while (a->defers != NULL) {
		struct defer *d = a->defers;

		a->defers = d->next;
		d->fn(d->p);
	}
	for (c = a->head; c != a->first; c = next) {
		next = c->next;
		free(c);
	}
	a->head = a->first;
	a->first->used = 0;
	a->used = 0;
}

void arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	free(a->first);
	free(a);
}
