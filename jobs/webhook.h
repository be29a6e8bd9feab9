/* webhook.h: completion webhooks: the payload's signature (lib/netcheck.h says which URLs may be
 * called). */
#ifndef STRATUS_JOBS_WEBHOOK_H
#define STRATUS_JOBS_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The header that carries the signature: "t=<unix seconds>,v1=<hex>". */
#define WEBHOOK_SIGNATURE_HEADER "X-Stratus-Signature"

/*
 * The v1 signature of a delivery at unix time `t`: hex HMAC-SHA256 keyed
 * with `secret` over "<t>.<body>" (receivers recompute it, compare in
 * constant time, and refuse old t). Writes the whole header value
 * "t=<t>,v1=<64 hex>" into out (size >= 96).
 */
void webhook_signature(const char *secret, int64_t t, const char *body, size_t body_len, char *out,
                       size_t outlen);

#endif
