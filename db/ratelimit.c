/* ratelimit.c: the rate_limits counters (one-minute windows, MEMORY table). */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "db/ratelimit.h"
#include "db/stmt.h"

/*
 * One round trip counts the hit and returns the count: on a new row
 * affected-rows is 1 (the count is 1); on an existing row LAST_INSERT_ID(expr)
 * hands the new count back as the statement's insert id.
 */
static const char SQL_HIT[] = "INSERT INTO rate_limits (bucket, window_start, hits) "
                              "VALUES (?, ?, 1) "
                              "ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1)";
static const char SQL_PEEK[] = "SELECT hits FROM rate_limits WHERE bucket = ? AND window_start = ?";
static const char SQL_PRUNE[] = "DELETE FROM rate_limits WHERE window_start < ?";

static struct db_stmt q_hit = DB_STMT(SQL_HIT, 2, 0);
static struct db_stmt q_peek = DB_STMT_COLS(SQL_PEEK, 2, 1, DB_IDEMPOTENT);
static struct db_stmt q_prune = DB_STMT(SQL_PRUNE, 1, DB_IDEMPOTENT);

/* Binds (bucket, window), the key of a counter. */
static void bind_key(MYSQL_BIND in[2], const unsigned char bucket[16], unsigned long *blen,
                     int64_t *window)
{
	memset(&in[0], 0, sizeof(in[0]));
	in[0].buffer_type = MYSQL_TYPE_BLOB;
	in[0].buffer = (void *)(uintptr_t)bucket;
	in[0].buffer_length = 16;
	in[0].length = blen;
	db_bind_int64(&in[1], window);
}

enum db_rc db_ratelimit_hit(struct db *db, const unsigned char bucket[16], int64_t window,
                            int64_t *hits)
{
	MYSQL_BIND in[2];
	unsigned long blen = 16;
	enum db_rc rc;

	bind_key(in, bucket, &blen, &window);
	if ((rc = db_query(db, &q_hit, in, NULL)) != DB_OK)
		return rc;
	*hits = db_affected_rows(db, &q_hit) == 1 ? 1 : (int64_t)db_insert_id(db, &q_hit);
	return DB_OK;
}

enum db_rc db_ratelimit_peek(struct db *db, const unsigned char bucket[16], int64_t window,
                             int64_t *hits)
{
	MYSQL_BIND in[2], out[1];
	unsigned long blen = 16;
	enum db_rc rc;

	bind_key(in, bucket, &blen, &window);
	db_bind_out_int64(&out[0], hits, NULL);
	rc = db_query_one(db, &q_peek, in, out);
	if (rc == DB_NOT_FOUND) {
		*hits = 0;
		return DB_OK;
	}
	return rc;
}

enum db_rc db_ratelimit_prune(struct db *db, int64_t before)
{
	MYSQL_BIND in[1];

	db_bind_int64(&in[0], &before);
	return db_query(db, &q_prune, in, NULL);
}
