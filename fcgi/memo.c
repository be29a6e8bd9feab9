/* memo.c: answers to hot reads, remembered per responder for a few moments. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/shmcount.h"
#include "fcgi/auth.h"
#include "fcgi/memo.h"

/*
 * Reading a build costs MariaDB more than lighttpd and FastCGI cost for a
 * whole request (bench/RESULTS.md, "MariaDB alone"), and dashboards and
 * pipelines read the same builds over and over. So a responder remembers
 * the text of each answer it gave for STRATUS_BUILD_CACHE_MS (1 s by
 * default; 0: never), as the identity cache does for credentials.
 *
 * Coherence on one host: every write to a build through Stratus bumps the
 * build's change counter in the host-shared file after it commits (routes
 * with `.changes = "uuid"`). A reader takes the counter before it reads MariaDB and
 * files the answer under that value; an answer filed under an older value
 * is never served. A write committed while the read ran has bumped the
 * counter already or will, so the answer dies at once or is fresh anyway.
 * A change made by SQL or on another host shows within the TTL.
 *
 * The dashboards' answers (summary, platform) add up the whole table and
 * change with every write anywhere, so they are only kept for
 * STRATUS_DASHBOARD_CACHE_MS (1 s), whatever is written meanwhile: a
 * dashboard polled by many viewers costs MariaDB one computation per
 * responder and TTL, and its figures are at most that old.
 *
 * Ownership: the table and each entry's text belong to the process
 * (app->memo), freed by memo_forget_all; a served answer is copied into
 * request memory.
 */
#define MEMO_ENTRIES  128   /* per responder */
#define MEMO_PROBE    4     /* entries a key may use, from its hash on */
#define MEMO_MAX_BODY 16384 /* longer answers (long histories) are read each time */
#define MEMO_WAY      7919  /* apart from each other, the kinds of one key */

struct memo_entry {
	int64_t until;    /* monotonic us; 0: empty */
	uint64_t changes; /* the build's change counter when it was read */
	char key[MEMO_KEY];
	char *text; /* malloc'd, owned by the entry */
	size_t len;
};

/* FNV-1a of the case-folded key: the change counter's index, shared by every kind. */
static uint64_t key_hash(const char *key, char folded[MEMO_KEY - 1])
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; key[i] != '\0' && i < MEMO_KEY - 2; i++) {
		char c = key[i] >= 'A' && key[i] <= 'Z' ? (char)(key[i] - 'A' + 'a') : key[i];

		folded[i] = c;
		h = (h ^ (unsigned char)c) * 1099511628211ull;
	}
	folded[i] = '\0';
	return key[i] == '\0' ? h : 0;
}

/* The answers about builds are versioned by the host's change counters. */
static bool versioned(enum memo_kind kind)
{
	return kind == MEMO_BUILD || kind == MEMO_BUILD_STATE;
}

static long ttl_ms(const struct app *app, enum memo_kind kind)
{
	return versioned(kind) ? app->cfg.build_cache_ms : app->cfg.dashboard_cache_ms;
}

static struct memo_entry *slot(struct app *app, const struct memo_ticket *t, unsigned i)
{
	return &app->memo[(t->hash + (uint64_t)t->kind * MEMO_WAY + i) % MEMO_ENTRIES];
}

bool memo_reply(struct req *rq, enum memo_kind kind, const char *key, struct memo_ticket *t)
{
	struct shmcount *c = NULL;
	char folded[MEMO_KEY - 1];
	int64_t now;

	memset(t, 0, sizeof(*t));
	if (ttl_ms(rq->app, kind) <= 0 || (t->hash = key_hash(key, folded)) == 0)
		return false;
	if (versioned(kind)) {
		if ((c = auth_host_shared(rq->app, rq->request_id)) == NULL)
			return false;
		t->changes = shmcount_changes(c, t->hash);
	}
	t->ok = true;
	t->kind = kind;
	t->key[0] = (char)('a' + kind);
	memcpy(t->key + 1, folded, strlen(folded) + 1);
	if (rq->app->memo == NULL)
		return false;
	now = util_monotonic_us();
	for (unsigned i = 0; i < MEMO_PROBE; i++) {
		const struct memo_entry *e = slot(rq->app, t, i);
		char *text;

		if (e->until <= now || e->changes != t->changes || strcmp(e->key, t->key) != 0)
			continue;
		if ((text = rq_alloc(rq, e->len + 1)) == NULL)
			return false; /* read it then: the request may fit without this copy */
		memcpy(text, e->text, e->len + 1);
		api_reply_text(rq, 200, "application/json", text, e->len);
		return true;
	}
	return false;
}

void memo_keep(struct req *rq, const struct memo_ticket *t)
{
	struct app *app = rq->app;
	struct memo_entry *e = NULL;
	const char *text;
	size_t len;
	char *copy;

	if (!t->ok || rq->status != 200 || (text = rq_freeze(rq, &len)) == NULL ||
	    len > MEMO_MAX_BODY)
		return;
	if (app->memo == NULL && (app->memo = calloc(MEMO_ENTRIES, sizeof(*app->memo))) == NULL)
		return;
	/* The key's own entry, else an empty or dead one, else the oldest. */
	for (unsigned i = 0; i < MEMO_PROBE; i++) {
		struct memo_entry *s = slot(app, t, i);

		if (strcmp(s->key, t->key) == 0) {
			e = s;
			break;
		}
		if (e == NULL || s->until < e->until)
			e = s;
	}
	if ((copy = malloc(len + 1)) == NULL)
		return;
	memcpy(copy, text, len + 1);
	free(e->text);
	e->text = copy;
	e->len = len;
	e->changes = t->changes;
	memcpy(e->key, t->key, sizeof(e->key));
	e->until = util_monotonic_us() + ttl_ms(app, t->kind) * 1000;
}

void memo_changed(struct app *app, const char *key)
{
	char folded[MEMO_KEY - 1];
	struct shmcount *c;
	uint64_t h;

	if (key == NULL || (h = key_hash(key, folded)) == 0 ||
	    (c = auth_host_shared(app, NULL)) == NULL)
		return;
	shmcount_changes_bump(c, h);
}

void memo_forget_all(struct app *app)
{
	if (app->memo == NULL)
		return;
	for (unsigned i = 0; i < MEMO_ENTRIES; i++)
		free(app->memo[i].text);
	free(app->memo);
	app->memo = NULL;
}
