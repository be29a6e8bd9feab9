/* idempotency.c: the Idempotency-Key header: parsing, fingerprint, replay or refusal. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "handlers/common.h"
#include "handlers/idempotency.h"

int idem_begin(struct req *rq, struct idem *i)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *k = rq_header(rq, "Idempotency-Key");

	i->key = NULL;
	crypto_hash_sha256(h, (const unsigned char *)(rq->body ? rq->body : ""), rq->body_len);
	sodium_bin2hex(i->hash, sizeof(i->hash), h, sizeof(h));
	if (k != NULL) {
		size_t n = strlen(k);

		for (size_t j = 0; j < n; j++)
			if ((unsigned char)k[j] < 0x20 || (unsigned char)k[j] > 0x7e)
				n = 0;
		if (n == 0 || n > 255)
			return query_invalid(rq, "Idempotency-Key",
			                     "must be 1 to 255 printable ASCII characters");
		i->key = k;
	}
	return 0;
}

int idem_check(struct req *rq, const struct idem *i, idem_lookup_fn lookup, idem_replay_fn replay,
               void *ctx)
{
	struct idem_found f;
	enum db_rc rc;

	if (i->key == NULL)
		return 0;
	memset(&f, 0, sizeof(f));
	rc = lookup(rq, i->key, &f, ctx);
	if (rc == DB_NOT_FOUND)
		return 0;
	if (rc == DB_OK) {
		if (strcmp(f.hash, i->hash) != 0) {
			api_error(rq, E_UNPROCESSABLE,
			          "this Idempotency-Key was used with a different request body "
			          "(request %s)",
			          f.id);
			return 1;
		}
		api_header(rq, "Idempotent-Replayed", "true");
		replay(rq, ctx);
		return 1;
	}
	if (rc == DB_BUSY) {
		api_error(rq, E_CONFLICT,
		          "a request with this Idempotency-Key is still being processed");
		api_header(rq, "Retry-After", "1");
		return 1;
	}
	db_failure(rq, rc, "idempotency key lookup");
	return 1;
}
