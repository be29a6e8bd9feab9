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
 * json-c's strict mode still takes 'single-quoted' strings; RFC 8259 does
 * not. Outside double-quoted strings a quote character can only be that.
 */
static bool has_single_quote(const char *buf, size_t len)
{
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		if (in_string) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				in_string = false;
		} else if (buf[i] == '"') {
			in_string = true;
		} else if (buf[i] == '\'') {
			return true;
		}
	}
	return false;
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
	if (has_single_quote(buf, len)) {
		snprintf(why, whylen, "request body is not valid JSON: strings need double quotes");
		return -1;
	}
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
	if ((e = json_object_new_object()) == NULL)
		return;
	json_object_object_add(e, "field", json_object_new_string(field));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_array_add(errors, e);
}
