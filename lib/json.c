/* json.c: JSON helpers on json-c: strict body parsing and error lists. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/json.h"
#include "lib/util.h"

/* Rejects integers beyond +-2^53 and infinite doubles, anywhere in the tree. */
static int numbers_ok(struct json_object *o, int depth)
{
	switch (json_object_get_type(o)) {
	case json_type_int: {
		int64_t v = json_object_get_int64(o);

		/* A value above INT64_MAX parses as uint64: also out of range. */
		if (v > JSON_MAX_SAFE_INT || v < -JSON_MAX_SAFE_INT ||
		    json_object_get_uint64(o) > (uint64_t)JSON_MAX_SAFE_INT * 2)
			return -1;
		return 0;
	}
	case json_type_double: return isfinite(json_object_get_double(o)) ? 0 : -1;
	case json_type_array: {
		size_t n = json_object_array_length(o);

		for (size_t i = 0; i < n; i++)
			if (numbers_ok(json_object_array_get_idx(o, i), depth + 1) < 0)
				return -1;
		return 0;
	}
	case json_type_object: {
		json_object_object_foreach (o, k, v) {
			(void)k;
			if (numbers_ok(v, depth + 1) < 0)
				return -1;
		}
		return 0;
	}
	default: return 0;
	}
}

/*
 * What json-c's strict mode lets through and RFC 8259 does not, found in
 * the text before parsing: 'single-quoted' strings, control characters
 * (U+0000-U+001F) written raw inside a string or key, where they must be
 * escaped, and an escaped NUL (\u0000), which json-c keeps in a value
 * behind C code's back (strlen stops at it) and cuts a key at. Outside
 * double-quoted strings a quote character can only be a single-quoted
 * string. Returns 0, or -1 with the reason in why.
 */
static int scan_strings(const char *buf, size_t len, char *why, size_t whylen)
{
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (!in_string) {
			if (c == '"')
				in_string = true;
			else if (c == '\'')
				return util_fail(
				        why, whylen,
				        "request body is not valid JSON: strings need double "
				        "quotes");
		} else if (c == '"') {
			in_string = false;
		} else if (c < 0x20) {
			return util_fail(why, whylen,
			                 "request body is not valid JSON: control character U+%04X "
			                 "inside a string at offset %zu (escape it)",
			                 c, i);
		} else if (c == '\\' && i + 1 < len) {
			if (buf[i + 1] == 'u' && i + 5 < len && memcmp(buf + i + 2, "0000", 4) == 0)
				return util_fail(
				        why, whylen,
				        "request body contains \\u0000 (NUL) in a string at "
				        "offset %zu",
				        i);
			i++;
		}
	}
	return 0;
}

/* Strings and keys with a NUL inside: scan_strings refuses them first; this is the net. */
static bool has_nul(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_string:
		return strlen(json_object_get_string(o)) != (size_t)json_object_get_string_len(o);
	case json_type_array: {
		size_t n = json_object_array_length(o);

		for (size_t i = 0; i < n; i++)
			if (has_nul(json_object_array_get_idx(o, i)))
				return true;
		return false;
	}
	case json_type_object: {
		json_object_object_foreach (o, k, v) {
			(void)k;
			if (has_nul(v))
				return true;
		}
		return false;
	}
	default: return false;
	}
}

int json_parse_strict(const char *buf, size_t len, struct json_object **out, char *why,
                      size_t whylen)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error jerr;
	size_t end;

	*out = NULL;
	if (len == 0) {
		snprintf(why, whylen, "request body is empty");
		return -1;
	}
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(why, whylen, "request body contains a NUL byte");
		return -1;
	}
	if (!util_utf8_valid(buf, len)) {
		snprintf(why, whylen, "request body is not valid UTF-8");
		return -1;
	}
	if (len > (size_t)INT32_MAX) {
		snprintf(why, whylen, "request body is too large to parse");
		return -1;
	}
	if (scan_strings(buf, len, why, whylen) < 0)
		return -1;
	if ((tok = json_tokener_new_ex(JSON_MAX_DEPTH)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* buf[len] is '\0': passing it lets a top-level number end. */
	o = json_tokener_parse_ex(tok, buf, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (jerr == json_tokener_continue) {
		snprintf(why, whylen, "request body is not valid JSON: unexpected end of input");
		json_object_put(o);
		return -1;
	}
	if (jerr != json_tokener_success) {
		snprintf(why, whylen, "request body is not valid JSON: %s at offset %zu",
		         jerr == json_tokener_error_depth ? "nested too deeply"
		                                          : json_tokener_error_desc(jerr),
		         end);
		json_object_put(o);
		return -1;
	}
	for (; end < len; end++) {
		char c = buf[end];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			snprintf(why, whylen,
			         "request body is not valid JSON: unexpected data at offset %zu",
			         end);
			json_object_put(o);
			return -1;
		}
	}
	if (numbers_ok(o, 0) < 0) {
		snprintf(why, whylen,
		         "request body contains a number out of range or not finite (integers must "
		         "be within "
		         "+-2^53)");
		json_object_put(o);
		return -1;
	}
	if (has_nul(o)) {
		snprintf(why, whylen, "request body contains \\u0000 (NUL) in a string");
		json_object_put(o);
		return -1;
	}
	*out = o;
	return 0;
}

void json_errors_add(struct json_object *errors, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	struct json_object *e;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* "%.64s" of user text, or the buffer's end, may cut a character. */
	util_utf8_fix(msg, strlen(msg));
	if ((e = json_object_new_object()) == NULL)
		return;
	json_object_object_add(e, "field", json_object_new_string(field));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_array_add(errors, e);
}
