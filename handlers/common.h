/* common.h: what handlers share: body fields, pagination, database outcomes. */
#ifndef STRATUS_H_COMMON_H
#define STRATUS_H_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "fcgi/http.h"
#include "handlers/fields.h" /* body fields: field_*, fields_read */

struct json_object;

/* Answers 400 for query parameter `name` in the field-list shape. Returns -1. */
int query_invalid(struct req *rq, const char *name, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/*
 * Reads ?limit= (1-100, default 20) and ?offset= (>= 0, default 0).
 * Returns 0 or -1 after a 400.
 */
int page_params(struct req *rq, int64_t *limit, int64_t *offset);
/* {"items": items, "total", "limit", "offset"}: takes ownership of items. */
struct json_object *page_body(struct json_object *items, int64_t total, int64_t limit,
                              int64_t offset);

/* Answers a database failure: 503 when unreachable, else 500 (logged). Returns -1. */
int db_failure(struct req *rq, enum db_rc rc, const char *what);

/* Reads path parameter `name` as a positive id; -1 after a 404 when it is not one. */
int param_id(struct req *rq, const char *name, int64_t *id);

/*
 * Path parameter `name` as a uuid (8-4-4-4-12 hex digits, either case), or
 * NULL after answering 404 "no such <what>: <value>" without a query.
 */
const char *param_uuid(struct req *rq, const char *name, const char *what);

/*
 * Who acts, as stored in created_by/actor columns: the caller's username,
 * or the label of a key without an account; NULL on a public route.
 */
const char *rq_actor(const struct req *rq);

#endif
