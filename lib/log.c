/* log.c: JSON log lines on stderr, which the web server keeps in its error log. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/log.h"
#include "lib/util.h"

static enum log_level min_level = LOG_INFO;
static const char *component_name = "stratus";

static const char *const level_names[LOG__MAX] = {
	"debug",   /* LOG_DEBUG */
	"info",    /* LOG_INFO */
	"warning", /* LOG_WARNING */
	"error",   /* LOG_ERROR */
};

int log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < LOG__MAX; i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (strcasecmp(s, "warn") == 0) {
		*out = LOG_WARNING;
		return 0;
	}
	return -1;
}

const char *log_level_name(enum log_level l)
{
	return l < LOG__MAX ? level_names[l] : "?";
}

void log_init(enum log_level min, const char *component)
{
	min_level = min;
	if (component != NULL)
		component_name = component;
}

bool log_enabled(enum log_level l)
{
	return l >= min_level;
}

/*
 * One write(2) per line so that lines from several responders do not mix.
 * json-c writes the bytes of strings as they are: a path or a header that
 * is not UTF-8 would make the line invalid, so bytes that are not UTF-8
 * become '?' (util_utf8_fix; JSON's syntax is ASCII, so the line stays the
 * same document).
 */
static void write_line(struct json_object *obj)
{
	size_t len;
	const char *s = json_object_to_json_string_length(
	        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	char small[4096], *buf = small;

	if (s == NULL)
		return;
	if (len + 2 > sizeof(small) && (buf = malloc(len + 2)) == NULL)
		return;
	memcpy(buf, s, len);
	len = util_utf8_fix(buf, len);
	buf[len] = '\n';
	(void)!write(STDERR_FILENO, buf, len + 1);
	if (buf != small)
		free(buf);
}

void log_json(enum log_level l, struct json_object *obj)
{
	char now[ISO8601_LEN + 1];

	if (!log_enabled(l))
		return;
	util_now_iso8601(now);
	json_object_object_add(obj, "time", json_object_new_string(now));
	json_object_object_add(obj, "level", json_object_new_string(level_names[l]));
	write_line(obj);
}

static void vlog(enum log_level l, const char *rid, const char *suffix, const char *fmt, va_list ap)
{
	char msg[2048];
	struct json_object *o;

	if (!log_enabled(l))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (suffix != NULL) {
		size_t n = strlen(msg);

		snprintf(msg + n, sizeof(msg) - n, ": %s", suffix);
	}
	/* A long message is cut at the buffer's end: never inside a character. */
	util_utf8_fix(msg, strlen(msg));
	if ((o = json_object_new_object()) == NULL)
		return;
	json_object_object_add(o, "component", json_object_new_string(component_name));
	if (rid != NULL)
		json_object_object_add(o, "request_id", json_object_new_string(rid));
	json_object_object_add(o, "message", json_object_new_string(msg));
	log_json(l, o);
	json_object_put(o);
}

void log_msg(enum log_level l, const char *request_id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(l, request_id, NULL, fmt, ap);
	va_end(ap);
}

void log_warn(const char *request_id, const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_WARNING, request_id, e, fmt, ap);
	va_end(ap);
}

void log_warnx(const char *request_id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, request_id, NULL, fmt, ap);
	va_end(ap);
}
