/* json.h: JSON helpers on json-c: strict body parsing and error lists. */
#ifndef STRATUS_JSON_H
#define STRATUS_JSON_H

#include <stddef.h>

struct json_object;

/* Deepest nesting a request body may have. */
#define JSON_MAX_DEPTH 32

/*
 * The largest integer magnitude accepted in a body: 2^53, the range every
 * JSON implementation represents exactly (RFC 7493, I-JSON).
 */
#define JSON_MAX_SAFE_INT 9007199254740992LL

/*
 * Parses a request body strictly: RFC 8259 syntax only, valid UTF-8, no NUL
 * byte and no escaped one (\u0000), no raw control character inside a
 * string or key, nesting at most JSON_MAX_DEPTH, integers within +-2^53 and no
 * infinite numbers, nothing after the value. `buf[len]` must be '\0' (the
 * body reader guarantees it). Returns 0 and a tree the caller
 * owns (json_object_put), or -1 with a short reason in `why`.
 */
int json_parse_strict(const char *buf, size_t len, struct json_object **out, char *why,
                      size_t whylen);

/*
 * Appends {"field": field, "message": ...} to the array `errors`; used to
 * collect every failing field before answering 400. The message is made
 * well-formed UTF-8 (util_utf8_fix) after formatting.
 */
void json_errors_add(struct json_object *errors, const char *field, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#endif
