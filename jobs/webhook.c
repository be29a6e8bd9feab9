/* webhook.c: completion webhooks: the payload's signature (lib/netcheck.c says which URLs may be
 * called). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "jobs/webhook.h"

void webhook_signature(const char *secret, int64_t t, const char *body, size_t body_len, char *out,
                       size_t outlen)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char ts[24], hex[2 * crypto_auth_hmacsha256_BYTES + 1];

	snprintf(ts, sizeof(ts), "%lld.", (long long)t);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	snprintf(out, outlen, "t=%lld,v1=%s", (long long)t, hex);
}
