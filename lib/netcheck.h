/* netcheck.h: whether an outbound URL may be called (SSRF): parsed by libcurl, resolved, every
 * address checked. */
#ifndef STRATUS_NETCHECK_H
#define STRATUS_NETCHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The rule: a URL given by a client (a webhook's callback_url) may be
 * called when libcurl's URL API reads it as http:// or https:// with a
 * host, no user information and no IPv6 zone, and every address its host
 * resolves to is either public (not loopback, private, link-local, CGNAT,
 * unique-local, multicast, reserved...: netcheck_addr_class) or admitted by
 * the allow list; plain http:// needs an allow-list entry written with
 * http://. The caller then connects only to the addresses that were checked
 * (lib/httpc.c httpc_request_pinned), so DNS cannot swap them afterwards.
 * No HTTP handler and no SQL here: the webhooks of Stratus and of its
 * satellites share it.
 */

#define NETCHECK_URL_MAX   2048 /* the longest URL accepted */
#define NETCHECK_MAX_ADDRS 8    /* addresses kept (and pinned) per target; more are checked */
#define NETCHECK_ALLOW_MAX 64   /* entries of an allow list */

enum netcheck_rc {
	NETCHECK_OK,         /* NETCHECK_OK */
	NETCHECK_BAD_URL,    /* NETCHECK_BAD_URL: not a URL that is ever called */
	NETCHECK_FORBIDDEN,  /* NETCHECK_FORBIDDEN: the scheme or an address is not allowed */
	NETCHECK_UNRESOLVED, /* NETCHECK_UNRESOLVED: the host does not resolve now (may later) */
	NETCHECK__MAX
};
/* "ok", "bad_url", "forbidden", "unresolved". */
const char *netcheck_rc_name(enum netcheck_rc rc);

/* One IP address, in network byte order. */
struct netcheck_addr {
	int family;          /* AF_INET or AF_INET6 */
	unsigned char a[16]; /* 4 bytes for AF_INET */
};

/* An address in text (IPv4 dotted quad or IPv6, no brackets): 0, or -1 when not one. */
int netcheck_addr_parse(const char *s, struct netcheck_addr *out);
/* The address as text (IPv6 without brackets) into out (at least 46 bytes). */
void netcheck_addr_format(const struct netcheck_addr *a, char *out, size_t outlen);

/*
 * Why an address is not public: "a loopback address (127.0.0.0/8)", or NULL
 * when it is public. IPv4-mapped, NAT64 and 6to4 IPv6 addresses are judged
 * by the IPv4 address they carry.
 */
const char *netcheck_addr_class(const struct netcheck_addr *a);

/* One entry of an allow list. */
struct netcheck_rule {
	bool http;     /* plain http:// admitted too (else https only) */
	unsigned port; /* 0: any port */
	int family;    /* AF_INET / AF_INET6 for a network; 0 for a host name */
	unsigned char net[16];
	unsigned bits;  /* prefix length of the network */
	char host[254]; /* a host name, lower case, no trailing dot */
};

/* What may be reached besides public addresses over https. */
struct netcheck_allow {
	size_t n;
	struct netcheck_rule rule[NETCHECK_ALLOW_MAX];
};

/*
 * Appends the comma-separated entries of `spec` (NULL or "" adds none) to
 * `a`. An entry is [http://|https://]TARGET[:PORT] where TARGET is an IPv4
 * or IPv6 address, a network in CIDR notation (10.0.0.0/8, fd00::/8; IPv6
 * in brackets when a port follows: [fd00::/8]:8443), or a host name (that
 * name, whatever it resolves to); no PORT (or an empty one) is any port;
 * http:// admits plain http as well. With `legacy` (the deprecated
 * STRATUS_CALLBACK_ALLOW, whose entries were URL prefixes) each entry must
 * start with http:// or https:// and anything from the first '/' after
 * the host on is ignored. Returns 0, or -1 with a one-line reason naming
 * the entry in `why`.
 */
int netcheck_allow_parse(struct netcheck_allow *a, const char *spec, bool legacy, char *why,
                         size_t whylen);

/* A URL that may be called, and where. */
struct netcheck_target {
	char url[NETCHECK_URL_MAX + 64]; /* as libcurl normalised it: the URL to request */
	char scheme[8];                  /* "http" or "https" */
	char host[256];                  /* as libcurl reads it, IPv6 without brackets */
	bool host_is_ip;                 /* the host is an address, not a name */
	unsigned port;                   /* the default port of the scheme when none */
	size_t naddrs;
	struct netcheck_addr addr[NETCHECK_MAX_ADDRS]; /* the checked addresses, to pin */
};

/*
 * Reads `url` with libcurl's URL API into t (no resolution: t->naddrs is
 * 0): NETCHECK_OK, or NETCHECK_BAD_URL with why ("must ...") for more than
 * NETCHECK_URL_MAX characters, spaces, control or non-ASCII characters, a
 * scheme other than http and https, no host, user information
 * (user:password@, which is how http://127.0.0.1:80@evil.example/ goes to
 * evil.example), an IPv6 zone or port 0.
 */
enum netcheck_rc netcheck_url_parse(const char *url, struct netcheck_target *t, char *why,
                                    size_t whylen);

/*
 * Whether address `addr` of target t may be reached under `allow` (NULL:
 * none): NETCHECK_OK, or NETCHECK_FORBIDDEN with why.
 */
enum netcheck_rc netcheck_addr_check(const struct netcheck_allow *allow,
                                     const struct netcheck_target *t,
                                     const struct netcheck_addr *addr, char *why, size_t whylen);

/*
 * The whole check: netcheck_url_parse, then getaddrinfo(3) on the host and
 * netcheck_addr_check on every address it gives (all must pass), keeping
 * the first NETCHECK_MAX_ADDRS in t->addr for the connection. Returns
 * NETCHECK_OK, NETCHECK_BAD_URL, NETCHECK_FORBIDDEN, or NETCHECK_UNRESOLVED
 * (the name does not resolve now), each but OK with a one-line why that
 * reads after the name of the field ("must not ...", "resolves to ...").
 * Blocks while the host is resolved.
 */
enum netcheck_rc netcheck_url(const char *url, const struct netcheck_allow *allow,
                              struct netcheck_target *t, char *why, size_t whylen);

#endif
