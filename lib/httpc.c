/* httpc.c: one outbound HTTP exchange through libcurl, bounded in time and size. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "lib/httpc.h"

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

int httpc_request(const char *method, const char *url, const char *const *headers, const char *body,
                  size_t body_len, long timeout_ms, size_t max_body, struct httpc_response *out,
                  char *why, size_t whylen)
{
	struct sink sink = { out, max_body, 0 };
	struct curl_slist *list = NULL, *l;
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
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
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
	} else {
		out->timed_out = res == CURLE_OPERATION_TIMEDOUT;
		snprintf(why, whylen, "%s", curl_easy_strerror(res));
	}
out:
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	return rc;
}
