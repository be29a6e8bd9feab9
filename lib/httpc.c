/* httpc.c: one outbound HTTP exchange through libcurl, bounded in time and size. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "lib/httpc.h"
#include "lib/netcheck.h"

struct sink {
	struct httpc_response *out;
	size_t max;
	int overflow;
};

static size_t collect(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t add = size * nmemb;
	char *p;

	if (s->out->len + add > s->max) {
		s->overflow = 1;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	if ((p = realloc(s->out->body, s->out->len + add + 1)) == NULL)
		return 0;
	memcpy(p + s->out->len, data, add);
	s->out->len += add;
	p[s->out->len] = '\0';
	s->out->body = p;
	return add;
}

/* What the socket callback of a pinned exchange compares against. */
struct pin {
	const struct netcheck_target *t;
	char refused[INET6_ADDRSTRLEN]; /* an address curl tried that was not checked */
};

/*
 * CURLOPT_OPENSOCKETFUNCTION of a pinned exchange: opens the socket only
 * for one of the addresses that were checked. Whatever curl resolved or
 * was told, nothing else is ever connected to.
 */
static curl_socket_t pinned_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *sa)
{
	struct pin *pin = arg;
	struct netcheck_addr a = { .family = sa->family };

	(void)purpose;
	if (sa->family == AF_INET && sa->addrlen >= sizeof(struct sockaddr_in))
		memcpy(a.a, &((const struct sockaddr_in *)(const void *)&sa->addr)->sin_addr, 4);
	else if (sa->family == AF_INET6 && sa->addrlen >= sizeof(struct sockaddr_in6))
		memcpy(a.a, &((const struct sockaddr_in6 *)(const void *)&sa->addr)->sin6_addr, 16);
	else
		return CURL_SOCKET_BAD;
	for (size_t i = 0; i < pin->t->naddrs; i++)
		if (memcmp(&pin->t->addr[i], &a, sizeof(a)) == 0)
			return socket(sa->family, sa->socktype, sa->protocol);
	netcheck_addr_format(&a, pin->refused, sizeof(pin->refused));
	return CURL_SOCKET_BAD;
}

/* The CURLOPT_RESOLVE line "host:port:addr[,addr]..." that pins t's name to its addresses. */
static struct curl_slist *resolve_line(const struct netcheck_target *t)
{
	char line[sizeof(t->host) + 16 + NETCHECK_MAX_ADDRS * (INET6_ADDRSTRLEN + 3)];
	size_t n = (size_t)snprintf(line, sizeof(line), "%s:%u:", t->host, t->port);

	for (size_t i = 0; i < t->naddrs && n < sizeof(line); i++) {
		char a[INET6_ADDRSTRLEN];

		netcheck_addr_format(&t->addr[i], a, sizeof(a));
		n += (size_t)snprintf(line + n, sizeof(line) - n,
		                      t->addr[i].family == AF_INET6 ? "%s[%s]" : "%s%s",
		                      i ? "," : "", a);
	}
	return curl_slist_append(NULL, line);
}

/* One exchange; `pin` NULL: curl resolves the URL's host itself. */
static int exchange(const char *method, const char *url, const struct netcheck_target *t,
                    const char *const *headers, const char *body, size_t body_len, long timeout_ms,
                    size_t max_body, struct httpc_response *out, char *why, size_t whylen)
{
	struct sink sink = { out, max_body, 0 };
	struct curl_slist *list = NULL, *l, *resolve = NULL;
	struct pin pin = { t, "" };
	CURL *c;
	CURLcode res;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if ((c = curl_easy_init()) == NULL) {
		snprintf(why, whylen, "libcurl failed to start a transfer");
		return -1;
	}
	for (; headers != NULL && *headers != NULL; headers++) {
		if ((l = curl_slist_append(list, *headers)) == NULL) {
			snprintf(why, whylen, "out of memory");
			goto out;
		}
		list = l;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, t != NULL ? t->scheme : "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	if (t != NULL) {
		/*
		 * Only the checked addresses: the name pinned to them (no second
		 * lookup that DNS rebinding could answer differently), each
		 * socket vetted, and no proxy from the environment in between.
		 */
		if (!t->host_is_ip) {
			if ((resolve = resolve_line(t)) == NULL) {
				snprintf(why, whylen, "out of memory");
				goto out;
			}
			curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
		}
		curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, pinned_socket);
		curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &pin);
		curl_easy_setopt(c, CURLOPT_PROXY, "");
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	res = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	if (res == CURLE_OK) {
		rc = 0;
	} else if (sink.overflow) {
		snprintf(why, whylen, "the answer is larger than %zu bytes", max_body);
	} else if (pin.refused[0] != '\0') {
		snprintf(why, whylen, "refused to connect to %s: not an address that was checked",
		         pin.refused);
	} else {
		out->timed_out = res == CURLE_OPERATION_TIMEDOUT;
		snprintf(why, whylen, "%s", curl_easy_strerror(res));
	}
out:
	curl_slist_free_all(list);
	curl_slist_free_all(resolve);
	curl_easy_cleanup(c);
	return rc;
}

int httpc_request(const char *method, const char *url, const char *const *headers, const char *body,
                  size_t body_len, long timeout_ms, size_t max_body, struct httpc_response *out,
                  char *why, size_t whylen)
{
	return exchange(method, url, NULL, headers, body, body_len, timeout_ms, max_body, out, why,
	                whylen);
}

int httpc_request_pinned(const char *method, const struct netcheck_target *t,
                         const char *const *headers, const char *body, size_t body_len,
                         long timeout_ms, size_t max_body, struct httpc_response *out, char *why,
                         size_t whylen)
{
	if (t->naddrs == 0) {
		memset(out, 0, sizeof(*out));
		snprintf(why, whylen, "no checked address to connect to");
		return -1;
	}
	return exchange(method, t->url, t, headers, body, body_len, timeout_ms, max_body, out, why,
	                whylen);
}
