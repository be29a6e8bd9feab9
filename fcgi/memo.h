/* memo.h: answers to reads of one build, remembered per responder, voided host-wide by writes. */
#ifndef STRATUS_MEMO_H
#define STRATUS_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "fcgi/http.h"

/* What was read: one answer of each kind per build. */
enum memo_kind {
	MEMO_BUILD,       /* MEMO_BUILD: GET /builds/{uuid} */
	MEMO_BUILD_STATE, /* MEMO_BUILD_STATE: GET /builds/{uuid}/state */
	MEMO__MAX
};

#define MEMO_KEY 40 /* a uuid (36) and its kind, NUL-terminated */

/* What memo_reply saw before the read, for memo_keep to file the answer under. */
struct memo_ticket {
	bool ok; /* false: remember nothing (cache off, no host-shared file, bad key) */
	enum memo_kind kind;
	uint64_t hash;    /* of the build's key, as its change counter knows it */
	uint64_t changes; /* that counter before the read */
	char key[MEMO_KEY];
};

/*
 * Answers 200 with the remembered answer of `kind` for the build `key`
 * when one is live: younger than STRATUS_BUILD_CACHE_MS and filed before
 * no change to the build this host knows of. Returns true when it
 * answered (the handler is done); false when the handler must read, with
 * `t` filled for memo_keep. The key is case-folded: MariaDB compares uuids
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
