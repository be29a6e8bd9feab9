/* webhook.h: completion webhooks: which URLs may be called, the payload's signature. */
#ifndef STRATUS_JOBS_WEBHOOK_H
#define STRATUS_JOBS_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The header that carries the signature: "t=<unix seconds>,v1=<hex>". */
#define WEBHOOK_SIGNATURE_HEADER "X-Stratus-Signature"

/*
 * Whether `url` may receive a completion webhook: at most 2048 printable
 * characters without spaces, and https:// with a host, or starting with one
 * of the comma-separated prefixes of `allow` (NULL: none), which is how a
 * site admits http:// receivers on its own network. Returns false with one
 * line in why.
 */
bool webhook_url_ok(const char *url, const char *allow, char *why, size_t whylen);

/*
 * The v1 signature of a delivery at unix time `t`: hex HMAC-SHA256 keyed
 * with `secret` over "<t>.<body>" (receivers recompute it, compare in
 * constant time, and refuse old t). Writes the whole header value
 * "t=<t>,v1=<64 hex>" into out (size >= 96).
 */
void webhook_signature(const char *secret, int64_t t, const char *body, size_t body_len, char *out,
                       size_t outlen);

#endif
