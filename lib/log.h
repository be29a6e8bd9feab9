/* log.h: JSON log lines on stderr, which the web server keeps in its error log. */
#ifndef STRATUS_LOG_H
#define STRATUS_LOG_H

#include <stdbool.h>

struct json_object;

enum log_level {
	LOG_DEBUG,   /* LOG_DEBUG */
	LOG_INFO,    /* LOG_INFO */
	LOG_WARNING, /* LOG_WARNING */
	LOG_ERROR,   /* LOG_ERROR */
	LOG__MAX
};

/* Parses "debug|info|warning|error" (also "warn"); returns 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);
const char *log_level_name(enum log_level l);

/* Sets the lowest level written (default info) and the process's name. */
void log_init(enum log_level min, const char *component);
bool log_enabled(enum log_level l);

/*
 * Writes {"time","level","component","request_id"?,"message"} as one line.
 * `request_id` may be NULL. log_warn appends ": strerror(errno)".
 */
void log_msg(enum log_level l, const char *request_id, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void log_warn(const char *request_id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warnx(const char *request_id, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Writes `obj` (a JSON object) as one line after adding "time" and "level";
 * used for the access log. Does not take ownership of obj.
 */
void log_json(enum log_level l, struct json_object *obj);

#endif
