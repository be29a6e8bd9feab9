/* util.h: small helpers for time, identifiers and text with no HTTP or SQL. */
#ifndef STRATUS_UTIL_H
#define STRATUS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UUID_LEN    36
#define ISO8601_LEN 27 /* 2026-11-23T01:39:34.123456Z */

/* Writes the current UTC time as ISO 8601 with microseconds and a Z. */
void util_now_iso8601(char buf[ISO8601_LEN + 1]);

/* Microseconds from a monotonic clock, for durations. */
int64_t util_monotonic_us(void);

/*
 * Writes the formatted reason into buf (at most len bytes, always
 * terminated) and returns -1, so that a failing path is one line:
 * `return util_fail(err, errlen, "X must be ...");`.
 */
int util_fail(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes a random (version 4) UUID in lower-case canonical form. */
void util_uuid_v4(char buf[UUID_LEN + 1]);

/*
 * True when `s` may be echoed as a request id: 1 to 64 characters of
 * letters, digits and "-_.:". Anything else is replaced by a fresh id.
 */
bool util_request_id_ok(const char *s);

/*
 * Parses a whole decimal integer in [min, max]: no sign games, no spaces, no
 * trailing text. Returns 0 and stores the value, or -1.
 */
int util_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/* True when buf[0..len) is well-formed UTF-8 (no overlongs or surrogates). */
bool util_utf8_valid(const char *buf, size_t len);

/* Characters (code points) of valid UTF-8, as VARCHAR and JSON Schema count them. */
size_t util_utf8_chars(const char *s);

/*
 * Makes buf[0..len) well-formed UTF-8 in place: what a byte limit left of
 * a character ("%.64s", a full buffer: the start of a sequence that ends
 * too soon) is dropped, and every other byte that is not UTF-8 becomes
 * '?'. Writes a NUL at
 * the new end (buf must have room for len + 1 bytes) and returns the new
 * length, at most len. Text that is well-formed already is unchanged.
 */
size_t util_utf8_fix(char *buf, size_t len);

/*
 * Copies at most `max` bytes of `s` into `dst` (size dstlen), replacing
 * control characters (CR, LF, ...) and bytes that are not UTF-8 with '?'
 * (dropping parts of characters, as util_utf8_fix) and never copying part
 * of a character, so that user text can go into a
 * log line, a message or a header safely. Returns dst.
 */
char *util_clean(char *dst, size_t dstlen, const char *s, size_t max);

/*
 * Reference names (platforms and their aliases, OS versions, image types):
 * 1 to REF_NAME_MAX characters of a-z, 0-9, '.', '_' and '-'. MariaDB
 * compares them without regard to case, so a lookup may spell a name in
 * capitals too (`any_case`); a new name must be lower-case.
 */
#define REF_NAME_MAX 64
bool util_ref_name_ok(const char *s, bool any_case);

#endif
