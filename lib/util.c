/* util.c: small helpers for time, identifiers and text with no HTTP or SQL. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "lib/util.h"

void util_now_iso8601(char buf[ISO8601_LEN + 1])
{
	struct timespec ts;
	struct tm tm;
	char tmp[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	         (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	         tm.tm_sec, (long)(ts.tv_nsec / 1000));
	memcpy(buf, tmp, ISO8601_LEN);
	buf[ISO8601_LEN] = '\0';
}

int64_t util_monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void util_uuid_v4(char buf[UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t i, j;

	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0, j = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[j++] = '-';
		buf[j++] = hex[b[i] >> 4];
		buf[j++] = hex[b[i] & 15];
	}
	buf[j] = '\0';
}

bool util_request_id_ok(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++) {
		char c = s[n];

		if (n >= 64)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == ':'))
			return false;
	}
	return n > 0;
}

int util_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || !(*s == '-' || (*s >= '0' && *s <= '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * The length (1-4) of the well-formed UTF-8 sequence at s[0..avail), or 0
 * when s[0] starts none (overlongs, surrogates and code points above
 * U+10FFFF are not well-formed). Then *cut is the length of the start of a
 * well-formed sequence that ends too soon, at `avail` or at a byte that
 * cannot continue it: what a byte limit leaves of a character ("%.64s", a
 * full buffer); 0 when the bytes are simply not UTF-8.
 */
static size_t utf8_seq(const unsigned char *s, size_t avail, size_t *cut)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;

	*cut = 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		/* Second-byte ranges that rule out overlongs and surrogates. */
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if (i >= avail || (s[i] & 0xc0) != 0x80) {
			*cut = i;
			return 0;
		}
		if (i == 1 && (s[i] < lo || s[i] > hi))
			return 0;
	}
	return n;
}

size_t util_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

bool util_utf8_valid(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, n, cut;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(s + i, len - i, &cut)) == 0)
			return false;
		i += n;
	}
	return true;
}

size_t util_utf8_fix(char *buf, size_t len)
{
	unsigned char *s = (unsigned char *)buf;
	size_t r = 0, w = 0, n, cut;

	while (r < len) {
		if (s[r] < 0x80) {
			s[w++] = s[r++];
			continue;
		}
		if ((n = utf8_seq(s + r, len - r, &cut)) == 0) {
			if (cut > 0) {
				r += cut; /* what a byte limit left of a character: drop it */
			} else {
				s[w++] = '?';
				r++;
			}
			continue;
		}
		memmove(s + w, s + r, n);
		w += n;
		r += n;
	}
	s[w] = '\0';
	return w;
}

char *util_clean(char *dst, size_t dstlen, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t r = 0, w = 0, n, cut, len;

	if (dstlen == 0)
		return dst;
	if (max > dstlen - 1)
		max = dstlen - 1;
	len = strnlen(s, max + 4); /* enough to see whether the last character fits */
	while (r < len && w < max) {
		unsigned char c = u[r];

		if (c < 0x80) {
			dst[w++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
			r++;
			continue;
		}
		if ((n = utf8_seq(u + r, len - r, &cut)) == 0) {
			if (cut > 0) {
				r += cut; /* part of a character: drop it */
			} else {
				dst[w++] = '?';
				r++;
			}
			continue;
		}
		if (w + n > max)
			break; /* never half a character */
		memcpy(dst + w, s + r, n);
		w += n;
		r += n;
	}
	dst[w] = '\0';
	return dst;
}

bool util_ref_name_ok(const char *s, bool any_case)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (n == REF_NAME_MAX ||
		    !((*s >= 'a' && *s <= 'z') || (any_case && *s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	return n > 0;
}

int util_fail(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return -1;
}
