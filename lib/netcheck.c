/* netcheck.c: whether an outbound URL may be called (SSRF): parsed by libcurl, resolved, every
 * address checked. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "lib/netcheck.h"

static const char *const rc_names[NETCHECK__MAX] = {
	"ok",         /* NETCHECK_OK */
	"bad_url",    /* NETCHECK_BAD_URL */
	"forbidden",  /* NETCHECK_FORBIDDEN */
	"unresolved", /* NETCHECK_UNRESOLVED */
};

const char *netcheck_rc_name(enum netcheck_rc rc)
{
	return (unsigned)rc < NETCHECK__MAX ? rc_names[rc] : "unknown";
}

/* Writes the reason into why and returns rc. */
__attribute__((format(printf, 4, 5))) static enum netcheck_rc
fail(enum netcheck_rc rc, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return rc;
}

/* The same for the parsers of allow lists: returns -1. */
__attribute__((format(printf, 3, 4))) static int bad(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* ------------------------------------------------------------------ addresses */

int netcheck_addr_parse(const char *s, struct netcheck_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -1;
}

void netcheck_addr_format(const struct netcheck_addr *a, char *out, size_t outlen)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(a->family, a->a, buf, sizeof(buf)) == NULL)
		snprintf(buf, sizeof(buf), "?");
	snprintf(out, outlen, "%s", buf);
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* Whether the first `bits` bits of a and net are the same. */
static bool prefix_match(const unsigned char *a, const unsigned char *net, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(a, net, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[whole] ^ net[whole]) & (0xff << (8 - rest))) == 0;
}

/* "ADDR[/BITS]" of len bytes: 0, or -1 when not an address or network. */
static int cidr_parse(const char *s, size_t len, struct netcheck_addr *net, unsigned *bits)
{
	char buf[64], *slash, *end;
	unsigned long b;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	if (netcheck_addr_parse(buf, net) < 0)
		return -1;
	*bits = (unsigned)addr_len(net->family) * 8;
	if (slash == NULL)
		return 0;
	if (!isdigit((unsigned char)slash[1]) || strlen(slash + 1) > 3)
		return -1;
	b = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || b > *bits)
		return -1;
	*bits = (unsigned)b;
	return 0;
}

/*
 * Addresses that are not public. First match wins, so the narrower come
 * first. `what` NULL: the block carries an IPv4 address at byte `embed`,
 * which decides (IPv4-mapped, NAT64, 6to4).
 */
static const struct range {
	const char *cidr;
	const char *what;
	int embed;
} ranges[] = {
	{ "0.0.0.0/8", "a \"this network\" address (0.0.0.0/8)", 0 },
	{ "10.0.0.0/8", "a private address (10.0.0.0/8)", 0 },
	{ "100.64.0.0/10", "a shared (CGNAT) address (100.64.0.0/10)", 0 },
	{ "127.0.0.0/8", "a loopback address (127.0.0.0/8)", 0 },
	{ "169.254.0.0/16", "a link-local address (169.254.0.0/16)", 0 },
	{ "172.16.0.0/12", "a private address (172.16.0.0/12)", 0 },
	{ "192.0.0.0/24", "an IETF protocol address (192.0.0.0/24)", 0 },
	{ "192.0.2.0/24", "a documentation address (192.0.2.0/24)", 0 },
	{ "192.88.99.0/24", "a 6to4 relay address (192.88.99.0/24)", 0 },
	{ "192.168.0.0/16", "a private address (192.168.0.0/16)", 0 },
	{ "198.18.0.0/15", "a benchmarking address (198.18.0.0/15)", 0 },
	{ "198.51.100.0/24", "a documentation address (198.51.100.0/24)", 0 },
	{ "203.0.113.0/24", "a documentation address (203.0.113.0/24)", 0 },
	{ "224.0.0.0/4", "a multicast address (224.0.0.0/4)", 0 },
	{ "255.255.255.255/32", "the broadcast address (255.255.255.255)", 0 },
	{ "240.0.0.0/4", "a reserved address (240.0.0.0/4)", 0 },
	{ "::/128", "the unspecified address (::)", 0 },
	{ "::1/128", "a loopback address (::1)", 0 },
	{ "::ffff:0:0/96", NULL, 12 },
	{ "::/96", "an IPv4-compatible address (::/96)", 0 },
	{ "64:ff9b::/96", NULL, 12 },
	{ "64:ff9b:1::/48", "a local NAT64 address (64:ff9b:1::/48)", 0 },
	{ "100::/64", "a discard-only address (100::/64)", 0 },
	{ "2001::/32", "a Teredo address (2001::/32)", 0 },
	{ "2001:db8::/32", "a documentation address (2001:db8::/32)", 0 },
	{ "2002::/16", NULL, 2 },
	{ "3fff::/20", "a documentation address (3fff::/20)", 0 },
	{ "fc00::/7", "a unique-local address (fc00::/7)", 0 },
	{ "fe80::/10", "a link-local address (fe80::/10)", 0 },
	{ "fec0::/10", "a site-local address (fec0::/10)", 0 },
	{ "ff00::/8", "a multicast address (ff00::/8)", 0 },
};

const char *netcheck_addr_class(const struct netcheck_addr *a)
{
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		struct netcheck_addr net;
		unsigned bits;

		if (cidr_parse(ranges[i].cidr, strlen(ranges[i].cidr), &net, &bits) < 0 ||
		    net.family != a->family || !prefix_match(a->a, net.a, bits))
			continue;
		if (ranges[i].what == NULL) {
			struct netcheck_addr v4 = { .family = AF_INET };

			memcpy(v4.a, a->a + ranges[i].embed, 4);
			return netcheck_addr_class(&v4);
		}
		return ranges[i].what;
	}
	return NULL;
}

/* The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
static bool unmapped(const struct netcheck_addr *a, struct netcheck_addr *v4)
{
	static const unsigned char pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (a->family != AF_INET6 || memcmp(a->a, pre, 12) != 0)
		return false;
	memset(v4, 0, sizeof(*v4));
	v4->family = AF_INET;
	memcpy(v4->a, a->a + 12, 4);
	return true;
}

/* ------------------------------------------------------------------ allow lists */

static bool hostname_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 253 && s[0] != '.' && s[0] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n;
}

/* One entry, trimmed and not empty, into r. */
static int rule_parse(char *e, bool legacy, struct netcheck_rule *r, char *why, size_t whylen)
{
	char *p = e, *target, *port = NULL;
	size_t colons = 0;

	memset(r, 0, sizeof(*r));
	if (strncasecmp(p, "http://", 7) == 0) {
		r->http = true;
		p += 7;
	} else if (strncasecmp(p, "https://", 8) == 0) {
		p += 8;
	} else if (legacy) {
		return bad(why, whylen, "entry '%.80s' must start with http:// or https://", e);
	} else if (strstr(p, "://") != NULL) {
		return bad(why, whylen, "entry '%.80s' may only name http:// or https://", e);
	}
	/* The old prefixes went on with a path: only their scheme, host and port count now. */
	if (legacy) {
		char *from = *p == '[' && strchr(p, ']') != NULL ? strchr(p, ']') : p;

		from[strcspn(from, "/")] = '\0';
	}
	if (*p == '[') {
		char *end = strchr(p, ']');

		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return bad(why, whylen, "entry '%.80s' has an unclosed or misplaced ']'",
			           e);
		target = p + 1;
		*end = '\0';
		if (end[1] == ':')
			port = end + 2;
	} else {
		for (const char *c = p; *c; c++)
			colons += *c == ':';
		target = p;
		if (colons == 1) {
			port = strchr(p, ':');
			*port++ = '\0';
		}
	}
	if (port != NULL && *port != '\0') {
		char *end;
		unsigned long v = strtoul(port, &end, 10);

		if (!isdigit((unsigned char)*port) || *end != '\0' || v == 0 || v > 65535)
			return bad(why, whylen, "entry '%.80s' has a port that is not 1-65535", e);
		r->port = (unsigned)v;
	}
	if (*target == '\0')
		return bad(why, whylen, "entry '%.80s' names no host or network", e);
	if (strchr(target, '/') != NULL ||
	    netcheck_addr_parse(target, &(struct netcheck_addr){ 0 }) == 0) {
		struct netcheck_addr net;
		unsigned char masked[16];

		if (cidr_parse(target, strlen(target), &net, &r->bits) < 0)
			return bad(why, whylen,
			           "entry '%.80s' is not an address or a network in CIDR notation "
			           "(10.0.0.0/8, fd00::/8)",
			           e);
		memset(masked, 0, sizeof(masked));
		for (unsigned i = 0; i < r->bits; i++)
			masked[i / 8] |= net.a[i / 8] & (0x80 >> (i % 8));
		if (memcmp(masked, net.a, addr_len(net.family)) != 0)
			return bad(why, whylen,
			           "entry '%.80s' has bits set past its prefix length /%u", e,
			           r->bits);
		r->family = net.family;
		memcpy(r->net, net.a, sizeof(r->net));
		return 0;
	}
	{
		struct in_addr ia;

		/* 127.1, 0x7f.1, 2130706433: curl reads them as addresses, so must we. */
		if (inet_aton(target, &ia) != 0)
			return bad(why, whylen,
			           "entry '%.80s': write IPv4 addresses as four decimal numbers",
			           e);
	}
	if (strlen(target) > 1 && target[strlen(target) - 1] == '.')
		target[strlen(target) - 1] = '\0';
	if (!hostname_ok(target))
		return bad(why, whylen, "entry '%.80s' is not an address, a network or a host name",
		           e);
	for (char *c = target; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	snprintf(r->host, sizeof(r->host), "%s", target);
	return 0;
}

int netcheck_allow_parse(struct netcheck_allow *a, const char *spec, bool legacy, char *why,
                         size_t whylen)
{
	char *copy, *save = NULL;
	int rc = 0;

	if (spec == NULL || *spec == '\0')
		return 0;
	if ((copy = strdup(spec)) == NULL)
		return bad(why, whylen, "out of memory");
	for (char *e = strtok_r(copy, ",", &save); e != NULL && rc == 0;
	     e = strtok_r(NULL, ",", &save)) {
		char *end;

		while (*e == ' ' || *e == '\t')
			e++;
		end = e + strlen(e);
		while (end > e && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*e == '\0')
			continue;
		if (a->n >= NETCHECK_ALLOW_MAX)
			rc = bad(why, whylen, "has more than %d entries", NETCHECK_ALLOW_MAX);
		else if ((rc = rule_parse(e, legacy, &a->rule[a->n], why, whylen)) == 0)
			a->n++;
	}
	free(copy);
	return rc;
}

/* ------------------------------------------------------------------ URLs */

/* A part of u, copied into out; false when absent or too long. */
static bool part(CURLU *u, CURLUPart what, unsigned flags, char *out, size_t outlen)
{
	char *v = NULL;
	bool ok = curl_url_get(u, what, &v, flags) == CURLUE_OK && strlen(v) < outlen;

	if (ok)
		memcpy(out, v, strlen(v) + 1);
	curl_free(v);
	return ok;
}

/* Whether u has `what` at all (even empty: https://@h/ has an empty user). */
static bool has(CURLU *u, CURLUPart what)
{
	char *v = NULL;
	CURLUcode uc = curl_url_get(u, what, &v, 0);

	curl_free(v);
	return uc == CURLUE_OK;
}

enum netcheck_rc netcheck_url_parse(const char *url, struct netcheck_target *t, char *why,
                                    size_t whylen)
{
	enum netcheck_rc rc = NETCHECK_BAD_URL;
	const char *sep = strstr(url, "://");
	char port[8];
	size_t n = strlen(url), hl;
	CURLUcode uc;
	CURLU *u;

	memset(t, 0, sizeof(*t));
	if (n == 0 || n > NETCHECK_URL_MAX)
		return fail(rc, why, whylen, "must be a URL of at most %d characters",
		            NETCHECK_URL_MAX);
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return fail(rc, why, whylen,
			            "must not contain spaces, control or non-ASCII characters");
	/* libcurl also reads "https:/h" and "https:///h" as host h: the authority must be there. */
	if (sep == NULL || sep != strchr(url, ':') || sep[3] == '\0' || strchr("/?#", sep[3]))
		return fail(rc, why, whylen, "must be an https:// URL with a host");
	if ((u = curl_url()) == NULL)
		return fail(rc, why, whylen, "could not be read (out of memory)");
	if ((uc = curl_url_set(u, CURLUPART_URL, url, 0)) != CURLUE_OK) {
		fail(rc, why, whylen, "is not a valid URL: %s", curl_url_strerror(uc));
		goto out;
	}
	if (!part(u, CURLUPART_SCHEME, 0, t->scheme, sizeof(t->scheme)) ||
	    (strcmp(t->scheme, "https") != 0 && strcmp(t->scheme, "http") != 0)) {
		fail(rc, why, whylen, "must be an https:// URL");
		goto out;
	}
	/* http://127.0.0.1:80@evil.example/ is user 127.0.0.1 at evil.example. */
	if (has(u, CURLUPART_USER) || has(u, CURLUPART_PASSWORD) || has(u, CURLUPART_OPTIONS)) {
		fail(rc, why, whylen,
		     "must not contain user information (user:password@ before the host)");
		goto out;
	}
	if (has(u, CURLUPART_ZONEID)) {
		fail(rc, why, whylen, "must not name an IPv6 zone");
		goto out;
	}
	if (!part(u, CURLUPART_HOST, 0, t->host, sizeof(t->host)) || t->host[0] == '\0') {
		fail(rc, why, whylen, "must have a host of at most 253 characters");
		goto out;
	}
	hl = strlen(t->host);
	if (t->host[0] == '[' && hl > 2 && t->host[hl - 1] == ']') {
		memmove(t->host, t->host + 1, hl - 2);
		t->host[hl - 2] = '\0';
	}
	t->host_is_ip = netcheck_addr_parse(t->host, &(struct netcheck_addr){ 0 }) == 0;
	if (!part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT, port, sizeof(port)) ||
	    (t->port = (unsigned)strtoul(port, NULL, 10)) == 0 || t->port > 65535) {
		fail(rc, why, whylen, "must not use port 0");
		goto out;
	}
	if (!part(u, CURLUPART_URL, 0, t->url, sizeof(t->url))) {
		fail(rc, why, whylen, "could not be read back");
		goto out;
	}
	rc = NETCHECK_OK;
out:
	curl_url_cleanup(u);
	return rc;
}

/* Whether rule r admits address a of target t (scheme aside). */
static bool rule_match(const struct netcheck_rule *r, const struct netcheck_target *t,
                       const struct netcheck_addr *a)
{
	if (r->port != 0 && r->port != t->port)
		return false;
	if (r->family == 0) {
		size_t n = strlen(t->host);

		if (n > 1 && t->host[n - 1] == '.')
			n--;
		return strlen(r->host) == n && strncasecmp(r->host, t->host, n) == 0;
	}
	return r->family == a->family && prefix_match(a->a, r->net, r->bits);
}

enum netcheck_rc netcheck_addr_check(const struct netcheck_allow *allow,
                                     const struct netcheck_target *t,
                                     const struct netcheck_addr *addr, char *why, size_t whylen)
{
	bool https = strcmp(t->scheme, "https") == 0;
	struct netcheck_addr v4;
	bool mapped = unmapped(addr, &v4);
	bool named = false; /* a rule names it, but for https only */
	const char *cls;
	char text[INET6_ADDRSTRLEN];

	for (size_t i = 0; allow != NULL && i < allow->n; i++) {
		const struct netcheck_rule *r = &allow->rule[i];

		if (!rule_match(r, t, addr) && !(mapped && rule_match(r, t, &v4)))
			continue;
		if (https || r->http)
			return NETCHECK_OK;
		named = true;
	}
	cls = netcheck_addr_class(addr);
	if (cls == NULL && https)
		return NETCHECK_OK;
	if (cls == NULL || named)
		return fail(NETCHECK_FORBIDDEN, why, whylen,
		            "must be an https:// URL (plain http:// only to a host the server's "
		            "allow list names with http://)");
	netcheck_addr_format(addr, text, sizeof(text));
	return fail(NETCHECK_FORBIDDEN, why, whylen,
	            "%s %s, %s: only public addresses, or those the server's allow list names, "
	            "may be called",
	            t->host_is_ip ? "points at" : "has a host that resolves to", text, cls);
}

enum netcheck_rc netcheck_url(const char *url, const struct netcheck_allow *allow,
                              struct netcheck_target *t, char *why, size_t whylen)
{
	struct addrinfo hints, *res = NULL;
	enum netcheck_rc rc;
	int g;

	if ((rc = netcheck_url_parse(url, t, why, whylen)) != NETCHECK_OK)
		return rc;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((g = getaddrinfo(t->host, NULL, &hints, &res)) != 0)
		return fail(NETCHECK_UNRESOLVED, why, whylen,
		            "has a host that does not resolve now (%s)", gai_strerror(g));
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		struct netcheck_addr a = { .family = ai->ai_family };
		bool seen = false;

		if (ai->ai_family == AF_INET)
			memcpy(a.a, &((const struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		else if (ai->ai_family == AF_INET6)
			memcpy(a.a, &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		else
			continue;
		/* Every address is checked: any one of them may be the one connected to. */
		if ((rc = netcheck_addr_check(allow, t, &a, why, whylen)) != NETCHECK_OK)
			break;
		for (size_t i = 0; i < t->naddrs && !seen; i++)
			seen = memcmp(&t->addr[i], &a, sizeof(a)) == 0;
		if (!seen && t->naddrs < NETCHECK_MAX_ADDRS)
			t->addr[t->naddrs++] = a;
	}
	freeaddrinfo(res);
	if (rc == NETCHECK_OK && t->naddrs == 0)
		rc = fail(NETCHECK_UNRESOLVED, why, whylen, "has a host with no IP address");
	if (rc != NETCHECK_OK)
		t->naddrs = 0;
	return rc;
}
