/* httpc.h: one outbound HTTP exchange through libcurl, bounded in time and size. */
#ifndef STRATUS_HTTPC_H
#define STRATUS_HTTPC_H

#include <stddef.h>

struct netcheck_target;

struct httpc_response {
	long status; /* the HTTP status, 0 when none arrived */
	char *body;  /* NUL-terminated, or NULL; the caller frees it */
	size_t len;
	int timed_out; /* the time limit ended the exchange */
};

/*
 * Sends `method` to `url` (http or https only, no redirects) with the
 * NULL-terminated `headers` ("Name: value") and `body` (NULL for none),
 * waiting at most `timeout_ms` and keeping at most `max_body` bytes of the
 * answer. Returns 0 when a response arrived (any status: look at
 * out->status), or -1 with a one-line reason in `why`. The caller owns
 * out->body and frees it even after -1.
 */
int httpc_request(const char *method, const char *url, const char *const *headers, const char *body,
                  size_t body_len, long timeout_ms, size_t max_body, struct httpc_response *out,
                  char *why, size_t whylen);

/*
 * The same to a target that lib/netcheck.c checked (netcheck_url), and
 * only to the addresses it checked: the host name is pinned to them
 * (CURLOPT_RESOLVE, so DNS is not asked again and cannot swap them), each
 * socket is opened only for one of them (CURLOPT_OPENSOCKETFUNCTION), no
 * proxy of the environment is used, and only the target's scheme is
 * spoken. Returns as httpc_request; -1 too when t has no address.
 */
int httpc_request_pinned(const char *method, const struct netcheck_target *t,
                         const char *const *headers, const char *body, size_t body_len,
                         long timeout_ms, size_t max_body, struct httpc_response *out, char *why,
                         size_t whylen);

#endif
