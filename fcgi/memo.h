/* memo.h: answers to hot reads, remembered per responder for a few moments. */
#ifndef STRATUS_MEMO_H
#define STRATUS_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "fcgi/http.h"

/*
 * What was read. The answers about one build are voided by every write to
 * it on this host and live STRATUS_BUILD_CACHE_MS; the dashboards' live
 * STRATUS_DASHBOARD_CACHE_MS, whatever is written meanwhile.
 */
enum memo_kind {
	MEMO_BUILD,       /* MEMO_BUILD: GET /builds/{uuid}, key the uuid */
	MEMO_BUILD_STATE, /* MEMO_BUILD_STATE: GET /builds/{uuid}/state */
	MEMO_SUMMARY,     /* MEMO_SUMMARY: GET /dashboard/summary, key "" */
	MEMO_PLATFORM,    /* MEMO_PLATFORM: GET /dashboard/platform/{platform}, key its name */
	MEMO__MAX
};

#define MEMO_KEY 72 /* a key of up to 70 bytes and its kind, NUL-terminated */

/* What memo_reply saw before the read, for memo_keep to file the answer under. */
struct memo_ticket {
	bool ok; /* false: remember nothing (cache off, no host-shared file, bad key) */
	enum memo_kind kind;
	uint64_t hash;    /* of the build's key, as its change counter knows it */
	uint64_t changes; /* that counter before the read */
	char key[MEMO_KEY];
};

/*
 * Answers 200 with the remembered answer of `kind` for `key` when one is
 * live: younger than its kind's TTL and, for a build, filed before no
 * change to the build this host knows of. Returns true when it answered
 * (the handler is done); false when the handler must read, with `t` filled
 * for memo_keep. Keys are case-folded: MariaDB compares uuids and names
 * without case.
 */
bool memo_reply(struct req *rq, enum memo_kind kind, const char *key, struct memo_ticket *t);

/*
 * Remembers the handler's answer (a 200 with a JSON body) under `t`, and
 * serialises it once for rq_send too. Anything else is not remembered.
 */
void memo_keep(struct req *rq, const struct memo_ticket *t);

/*
 * To call after a write to the build `key` has committed (or may have):
 * every responder of this host forgets its answers about it.
 */
void memo_changed(struct app *app, const char *key);

/* Frees what the process remembered (at exit). */
void memo_forget_all(struct app *app);

#endif
