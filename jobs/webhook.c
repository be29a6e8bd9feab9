/* webhook.c: completion webhooks: which URLs may be called, the payload's signature. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "jobs/webhook.h"

bool webhook_url_ok(const char *url, const char *allow, char *why, size_t whylen)
{
	size_t n = strlen(url);

	if (n == 0 || n > 2048) {
		snprintf(why, whylen, "must be a URL of at most 2048 characters");
		return false;
	}
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
			snprintf(why, whylen,
			         "must not contain spaces, control or non-ASCII characters");
			return false;
		}
	if (strncmp(url, "https://", 8) == 0 && url[8] != '\0' && url[8] != '/' && url[8] != ':' &&
	    url[8] != '@')
		return true;
	for (const char *p = allow; p != NULL && *p != '\0';) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		while (len > 0 && *p == ' ')
			p++, len--;
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len > 0 && n > len && strncmp(url, p, len) == 0)
			return true;
		p = c ? c + 1 : p + strlen(p);
	}
	snprintf(why, whylen, "must be an https:// URL%s",
	         allow && *allow ? " (or start with an allowed prefix)" : "");
	return false;
}

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
