/* builds.c: the queries of the Build State API: reference data, states, builds. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/builds.h"
#include "db/stmt.h"
#include "lib/util.h"

/*
 * Bytes to fetch a VARCHAR(n) of utf8mb4 whole: up to 4 bytes a character,
 * and the NUL. (A db_str holds 255 bytes: enough for ASCII columns only;
 * a longer text would come back cut, even inside a character.)
 */
#define UTF8MB4_BYTES(n) (4 * (n) + 1)

/* A fetched text column with its own buffer; text_fix terminates it. */
struct text_out {
	char *buf;
	size_t cap;
	unsigned long len;
	my_bool null;
};

static void bind_text(MYSQL_BIND *b, struct text_out *t, char *buf, size_t cap)
{
	t->buf = buf;
	t->cap = cap;
	t->len = 0;
	t->null = 0;
	db_bind_out_str(b, buf, (unsigned long)cap - 1, &t->len, &t->null);
}

/* The fetched text, NUL-terminated; NULL for SQL NULL. */
static const char *text_fix(struct text_out *t)
{
	t->buf[t->len < t->cap - 1 ? t->len : t->cap - 1] = '\0';
	return t->null ? NULL : t->buf;
}

/* ------------------------------------------------------------------ reference data */

/* One set of statements per table: table names are never built from input. */
#define REF_LIST(t) "SELECT name, display_name, created_at FROM " t " ORDER BY name"
#define REF_INSERT(t)                                                                              \
	"INSERT INTO " t " (name, display_name, created_at) VALUES (?, ?, UTC_TIMESTAMP(6))"
#define REF_RESOLVE(t) "SELECT id, name FROM " t " WHERE name = ?"
#define REF_NAMES(t)   "SELECT GROUP_CONCAT(name ORDER BY name SEPARATOR ', ') FROM " t
#define REF_BY_ID(t)   "SELECT name FROM " t " WHERE id = ?"

static struct db_stmt q_ref_list[REF__MAX] = {
	DB_STMT_COLS(REF_LIST("platforms"), 0, 3, DB_IDEMPOTENT),   /* REF_PLATFORM */
	DB_STMT_COLS(REF_LIST("os_versions"), 0, 3, DB_IDEMPOTENT), /* REF_OS_VERSION */
	DB_STMT_COLS(REF_LIST("image_types"), 0, 3, DB_IDEMPOTENT), /* REF_IMAGE_TYPE */
};
static struct db_stmt q_ref_insert[REF__MAX] = {
	DB_STMT(REF_INSERT("platforms"), 2, 0),
	DB_STMT(REF_INSERT("os_versions"), 2, 0),
	DB_STMT(REF_INSERT("image_types"), 2, 0),
};
static struct db_stmt q_ref_resolve[REF__MAX] = {
	DB_STMT_COLS(REF_RESOLVE("platforms"), 1, 2, DB_IDEMPOTENT),
	DB_STMT_COLS(REF_RESOLVE("os_versions"), 1, 2, DB_IDEMPOTENT),
	DB_STMT_COLS(REF_RESOLVE("image_types"), 1, 2, DB_IDEMPOTENT),
};
static struct db_stmt q_ref_names[REF__MAX] = {
	DB_STMT_COLS(REF_NAMES("platforms"), 0, 1, DB_IDEMPOTENT),
	DB_STMT_COLS(REF_NAMES("os_versions"), 0, 1, DB_IDEMPOTENT),
	DB_STMT_COLS(REF_NAMES("image_types"), 0, 1, DB_IDEMPOTENT),
};

static struct db_stmt q_ref_by_id[REF__MAX] = {
	DB_STMT_COLS(REF_BY_ID("platforms"), 1, 1, DB_IDEMPOTENT),
	DB_STMT_COLS(REF_BY_ID("os_versions"), 1, 1, DB_IDEMPOTENT),
	DB_STMT_COLS(REF_BY_ID("image_types"), 1, 1, DB_IDEMPOTENT),
};

static const char SQL_ALIASES[] =
        "SELECT GROUP_CONCAT(a.alias ORDER BY a.alias SEPARATOR ',') FROM platform_aliases a "
        "JOIN platforms p ON p.id = a.platform_id WHERE p.name = ?";
static const char SQL_ALIAS_ADD[] =
        "INSERT INTO platform_aliases (alias, platform_id) VALUES (?, ?)";
static const char SQL_BY_ALIAS[] = "SELECT p.id, p.name FROM platform_aliases a "
                                   "JOIN platforms p ON p.id = a.platform_id WHERE a.alias = ?";
static const char SQL_ALL_ALIASES[] =
        "SELECT GROUP_CONCAT(alias ORDER BY alias SEPARATOR ', ') FROM platform_aliases";
static struct db_stmt q_aliases = DB_STMT_COLS(SQL_ALIASES, 1, 1, DB_IDEMPOTENT);
static struct db_stmt q_alias_add = DB_STMT(SQL_ALIAS_ADD, 2, 0);
static struct db_stmt q_by_alias = DB_STMT_COLS(SQL_BY_ALIAS, 1, 2, DB_IDEMPOTENT);
static struct db_stmt q_all_aliases = DB_STMT_COLS(SQL_ALL_ALIASES, 0, 1, DB_IDEMPOTENT);

/*
 * The process's memory of reference rows. Platforms (and their aliases), OS
 * versions, image types and build states are only ever inserted: no
 * statement updates or deletes them. So a process may remember each (id,
 * name) pair it has read for as long as it lives; builds are then read
 * without joins and names resolved without a query (MariaDB plans every
 * execution of a prepared statement again, and planning the 5-table build
 * join was half its time: bench/RESULTS.md). A miss asks MariaDB, which
 * also sees the rows other processes added, and remembers the answer.
 * Static storage, no allocation: a full set only stops remembering.
 */
#define REF_CACHE 256
enum { REF_STATE = REF__MAX, REF_SETS };

struct ref_entry {
	int64_t id;
	bool terminal; /* build states */
	char key[65];  /* what was looked up: the name, an alias, another spelling of it */
	char name[65]; /* the canonical name */
};
static struct ref_entry ref_cache[REF_SETS][REF_CACHE];
static size_t ref_count[REF_SETS];

static void ref_remember(int set, int64_t id, const char *key, const char *name, bool terminal)
{
	struct ref_entry *e;

	if (ref_count[set] == REF_CACHE || strlen(key) > 64 || strlen(name) > 64)
		return;
	e = &ref_cache[set][ref_count[set]++];
	e->id = id;
	e->terminal = terminal;
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->name, sizeof(e->name), "%s", name);
}

static const struct ref_entry *ref_by_id(int set, int64_t id)
{
	for (size_t i = 0; i < ref_count[set]; i++)
		if (ref_cache[set][i].id == id)
			return &ref_cache[set][i];
	return NULL;
}

static const struct ref_entry *ref_by_key(int set, const char *key)
{
	for (size_t i = 0; i < ref_count[set]; i++)
		if (strcmp(ref_cache[set][i].key, key) == 0)
			return &ref_cache[set][i];
	return NULL;
}

/* The canonical name of reference row `id` (size 65). */
static enum db_rc ref_name(struct db *db, enum ref_kind k, int64_t id, char name[65])
{
	const struct ref_entry *e = ref_by_id((int)k, id);
	MYSQL_BIND in[1], out[1];
	unsigned long len = 0;
	enum db_rc rc;

	if (e == NULL) {
		db_bind_int64(&in[0], &id);
		db_bind_out_str(&out[0], name, 64, &len, NULL);
		if ((rc = db_query_one(db, &q_ref_by_id[k], in, out)) != DB_OK)
			return rc;
		name[len < 64 ? len : 64] = '\0';
		ref_remember((int)k, id, name, name, false);
		return DB_OK;
	}
	memcpy(name, e->name, sizeof(e->name));
	return DB_OK;
}

enum db_rc db_platform_aliases(struct db *db, const char *name,
                               void (*alias)(const char *a, void *ud), void *ud)
{
	MYSQL_BIND in[1], out[1];
	char buf[8192]; /* 16 aliases of 64 characters and more */
	struct text_out s;

	db_bind_str(&in[0], name, NULL);
	bind_text(&out[0], &s, buf, sizeof(buf));
	enum db_rc rc = db_query_one(db, &q_aliases, in, out);

	if (rc == DB_OK && text_fix(&s) != NULL) {
		char *save = NULL;

		for (char *a = strtok_r(buf, ",", &save); a; a = strtok_r(NULL, ",", &save))
			alias(a, ud);
	}
	return rc;
}

enum db_rc db_ref_list(struct db *db, enum ref_kind k, db_ref_row_fn row, void *ud)
{
	MYSQL_BIND out[3];
	struct db_str name, created;
	char display_buf[UTF8MB4_BYTES(REF_DISPLAY_MAX)];
	struct text_out display;
	enum db_rc rc;
	int r;

	db_bind_out_dstr(&out[0], &name);
	bind_text(&out[1], &display, display_buf, sizeof(display_buf));
	db_bind_out_dstr(&out[2], &created);
	if ((rc = db_query(db, &q_ref_list[k], NULL, out)) != DB_OK)
		return rc;
	while ((r = db_fetch(db, &q_ref_list[k])) == 1) {
		const char *n = db_str_fix(&name), *d = text_fix(&display);

		db_str_fix(&created);
		db_time_iso(created.buf);
		row(n, d, created.buf, ud);
	}
	db_done(db, &q_ref_list[k]);
	return r == 0 ? DB_OK : DB_ERROR;
}

static enum db_rc ref_insert(struct db *db, enum ref_kind k, const char *name, const char *display,
                             int64_t *id)
{
	MYSQL_BIND in[2];
	enum db_rc rc;

	db_bind_str(&in[0], name, NULL);
	db_bind_str(&in[1], display ? display : "", NULL);
	if ((rc = db_query(db, &q_ref_insert[k], in, NULL)) != DB_OK)
		return rc;
	*id = (int64_t)db_insert_id(db, &q_ref_insert[k]);
	return DB_OK;
}

static enum db_rc alias_add(struct db *db, int64_t platform_id, const char *alias)
{
	MYSQL_BIND in[2];

	db_bind_str(&in[0], alias, NULL);
	db_bind_int64(&in[1], &platform_id);
	return db_query(db, &q_alias_add, in, NULL);
}

struct ref_create_tx {
	enum ref_kind k;
	const char *name, *display;
	const char *const *aliases;
	size_t naliases;
};

static enum db_rc ref_create_body(struct db *db, void *arg)
{
	const struct ref_create_tx *t = arg;
	int64_t id = 0;
	enum db_rc rc = ref_insert(db, t->k, t->name, t->display, &id);

	for (size_t i = 0; rc == DB_OK && i < t->naliases; i++)
		rc = alias_add(db, id, t->aliases[i]);
	return rc;
}

enum db_rc db_ref_create(struct db *db, enum ref_kind k, const char *name, const char *display,
                         const char *const *aliases, size_t naliases)
{
	struct ref_create_tx t = { k, name, display, aliases, naliases };

	return db_transaction(db, ref_create_body, &t);
}

static enum db_rc resolve_with(struct db *db, struct db_stmt *q, const char *name, int64_t *id,
                               char canonical[65])
{
	MYSQL_BIND in[1], out[2];
	unsigned long len = 0;
	enum db_rc rc;

	db_bind_str(&in[0], name, NULL);
	db_bind_out_int64(&out[0], id, NULL);
	db_bind_out_str(&out[1], canonical, 64, &len, NULL);
	if ((rc = db_query_one(db, q, in, out)) == DB_OK)
		canonical[len < 64 ? len : 64] = '\0';
	return rc;
}

enum db_rc db_ref_resolve(struct db *db, enum ref_kind k, const char *name, int64_t *id,
                          char canonical[65])
{
	const struct ref_entry *e;
	enum db_rc rc;

	/*
	 * A name that no row can have is not sent: the columns are ASCII, and
	 * MariaDB refuses to compare them with other characters ("Illegal mix
	 * of collations").
	 */
	if (!util_ref_name_ok(name, true))
		return DB_NOT_FOUND;
	if ((e = ref_by_key((int)k, name)) != NULL) {
		*id = e->id;
		memcpy(canonical, e->name, sizeof(e->name));
		return DB_OK;
	}
	rc = resolve_with(db, &q_ref_resolve[k], name, id, canonical);
	if (rc == DB_NOT_FOUND && k == REF_PLATFORM)
		rc = resolve_with(db, &q_by_alias, name, id, canonical);
	if (rc == DB_OK)
		ref_remember((int)k, *id, name, canonical, false);
	return rc;
}

enum db_rc db_ref_names(struct db *db, enum ref_kind k, char *buf, size_t len)
{
	MYSQL_BIND out[1];
	struct db_str s;
	enum db_rc rc;

	db_bind_out_dstr(&out[0], &s);
	if ((rc = db_query_one(db, &q_ref_names[k], NULL, out)) != DB_OK)
		return rc;
	snprintf(buf, len, "%s", db_str_fix(&s) ? s.buf : "");
	if (k == REF_PLATFORM && db_query_one(db, &q_all_aliases, NULL, out) == DB_OK &&
	    db_str_fix(&s) != NULL) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " (aliases: %s)", s.buf);
	}
	return DB_OK;
}

/* ------------------------------------------------------------------ states */

static const char SQL_STATES[] =
        "SELECT code, name, terminal, description FROM build_states ORDER BY code";
static const char SQL_STATE[] = "SELECT name, terminal FROM build_states WHERE code = ?";
static struct db_stmt q_states = DB_STMT_COLS(SQL_STATES, 0, 4, DB_IDEMPOTENT);
static struct db_stmt q_state = DB_STMT_COLS(SQL_STATE, 1, 2, DB_IDEMPOTENT);

enum db_rc db_states_list(struct db *db, db_state_row_fn row, void *ud)
{
	MYSQL_BIND out[4];
	int64_t code = 0, terminal = 0;
	struct db_str name, desc;
	enum db_rc rc;
	int r;

	db_bind_out_int64(&out[0], &code, NULL);
	db_bind_out_dstr(&out[1], &name);
	db_bind_out_int64(&out[2], &terminal, NULL);
	db_bind_out_dstr(&out[3], &desc);
	if ((rc = db_query(db, &q_states, NULL, out)) != DB_OK)
		return rc;
	while ((r = db_fetch(db, &q_states)) == 1) {
		const char *n = db_str_fix(&name);

		row(code, n, terminal != 0, db_str_fix(&desc), ud);
	}
	db_done(db, &q_states);
	return r == 0 ? DB_OK : DB_ERROR;
}

enum db_rc db_state_get(struct db *db, int64_t code, char name[65], bool *terminal)
{
	const struct ref_entry *e = ref_by_id(REF_STATE, code);
	MYSQL_BIND in[1], out[2];
	unsigned long len = 0;
	int64_t t = 0;
	enum db_rc rc;

	if (e != NULL) {
		memcpy(name, e->name, sizeof(e->name));
		*terminal = e->terminal;
		return DB_OK;
	}
	db_bind_int64(&in[0], &code);
	db_bind_out_str(&out[0], name, 64, &len, NULL);
	db_bind_out_int64(&out[1], &t, NULL);
	if ((rc = db_query_one(db, &q_state, in, out)) == DB_OK) {
		name[len < 64 ? len : 64] = '\0';
		*terminal = t != 0;
		ref_remember(REF_STATE, code, name, name, *terminal);
	}
	return rc;
}

/* ------------------------------------------------------------------ builds */

/*
 * The one ? in BUILD_COLS is the stale threshold in minutes: bind it first.
 * No joins: the names of the reference ids and of the state come from the
 * process's reference cache (fix_build), and a build is stale when its
 * state is not terminal and it has been idle (the last column) that long.
 */
#define BUILD_COLS                                                                                 \
	"b.id, b.uuid, b.build_id, b.platform_id, b.os_version_id, b.image_type_id, "              \
	"COALESCE(b.pipeline_url, ''), b.pipeline_url IS NULL, COALESCE(b.commit_hash, ''), "      \
	"b.commit_hash IS NULL, b.current_state, COALESCE(b.current_message, ''), "                \
	"b.current_message IS NULL, COALESCE(b.created_by, ''), b.created_at, b.updated_at, "      \
	"COALESCE(b.last_heartbeat_at, ''), "                                                      \
	"b.last_activity_at < UTC_TIMESTAMP(6) - INTERVAL ? MINUTE"
/* The columns of BUILD_COLS, in order: bind_build binds them by these names. */
enum build_col {
	BC_ID,
	BC_UUID,
	BC_BUILD_ID,
	BC_PLATFORM, /* BC_PLATFORM + ref_kind: the three reference ids */
	BC_OS_VERSION,
	BC_IMAGE_TYPE,
	BC_URL,
	BC_NO_URL,
	BC_HASH,
	BC_NO_HASH,
	BC_STATE,
	BC_MESSAGE,
	BC_NO_MESSAGE,
	BC_CREATED_BY,
	BC_CREATED_AT,
	BC_UPDATED_AT,
	BC_HEARTBEAT,
	BC_IDLE,
	BC__MAX
};
_Static_assert(BC_OS_VERSION == BC_PLATFORM + REF_OS_VERSION &&
                       BC_IMAGE_TYPE == BC_PLATFORM + REF_IMAGE_TYPE,
               "the reference id columns follow enum ref_kind");
/* SQL_WITH_HISTORY: BUILD_COLS, then these. */
enum history_col {
	HC_CODE = BC__MAX,
	HC_MESSAGE,
	HC_NO_MESSAGE,
	HC_CREATED_BY,
	HC_CREATED_AT,
	HC_ANY_FAILURE,
	HC__MAX
};
#define BUILD_FROM " FROM builds b "
#define BUILD_FILTER                                                                               \
	"WHERE (? = 0 OR b.platform_id = ?) AND (? = 0 OR b.os_version_id = ?) "                   \
	"AND (? = 0 OR b.image_type_id = ?) AND (? < 0 OR b.current_state = ?) "                   \
	"AND (? = '' OR b.created_at >= ?) AND (? = '' OR b.created_at < ?) "                      \
	"AND (? = '' OR b.build_id = ?) "

static const char SQL_BY_UUID[] = "SELECT " BUILD_COLS BUILD_FROM "WHERE b.uuid = ?";
static const char SQL_BY_BUILD_ID[] = "SELECT " BUILD_COLS BUILD_FROM "WHERE b.build_id = ?";
static const char SQL_LIST[] = "SELECT " BUILD_COLS BUILD_FROM BUILD_FILTER
                               "ORDER BY b.created_at DESC, b.id DESC LIMIT ? OFFSET ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM builds b " BUILD_FILTER;
static const char SQL_INSERT[] =
        "INSERT INTO builds (uuid, build_id, platform_id, os_version_id, image_type_id, "
        "pipeline_url, commit_hash, current_state, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)";
static const char SQL_LOCK[] = "SELECT id, current_state FROM builds WHERE uuid = ? FOR UPDATE";
/*
 * The writes to one build, each one statement that leaves a finished build
 * as it is. A state change adds one to state_seq, which tells the trigger
 * builds_au_history (schema/007) to write the history row.
 */
#define UNFINISHED " AND current_state NOT IN (SELECT code FROM build_states WHERE terminal)"
static const char SQL_SET_STATE[] =
        "UPDATE builds SET current_state = ?, current_message = ?, updated_at = ?, "
        "updated_by = ?, state_seq = state_seq + 1, finished_at = IF(?, ?, NULL) "
        "WHERE uuid = ?" UNFINISHED;
static const char SQL_FAILURE_ADD[] =
        "INSERT INTO build_failures (build_id, error_message, error_code, component, details, "
        "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_HEARTBEAT[] =
        "UPDATE builds SET last_heartbeat_at = ? WHERE uuid = ?" UNFINISHED;
/*
 * A build with its history in one round trip: a row per history entry (the
 * build's columns repeated), in the order written, read along the index
 * (build_id, id). An inner join: with LEFT JOIN MariaDB sorts the rows in a
 * temporary table (30 % slower in bench/run). Every build has a history
 * row from its creation; one without (loaded by SQL) is read on its own.
 * The last column says whether the build has failures (one probe of
 * build_failures_build), so that most reads need no second round trip.
 */
static const char SQL_WITH_HISTORY[] =
        "SELECT " BUILD_COLS ", h.state_code, COALESCE(h.message, ''), h.message IS NULL, "
        "COALESCE(h.created_by, ''), h.created_at, "
        "EXISTS (SELECT 1 FROM build_failures f WHERE f.build_id = b.id) FROM builds b "
        "JOIN build_state_history h ON h.build_id = b.id WHERE b.uuid = ? ORDER BY h.id";
static const char SQL_FAILURES[] =
        "SELECT id, error_message, COALESCE(error_code, ''), COALESCE(component, ''), "
        "COALESCE(details, ''), created_at FROM build_failures WHERE build_id = ? ORDER BY id";

static struct db_stmt q_by_uuid = DB_STMT_COLS(SQL_BY_UUID, 2, BC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_by_build_id = DB_STMT_COLS(SQL_BY_BUILD_ID, 2, BC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_list = DB_STMT_COLS(SQL_LIST, 17, BC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_count = DB_STMT_COLS(SQL_COUNT, 14, 1, DB_IDEMPOTENT);
static struct db_stmt q_insert = DB_STMT(SQL_INSERT, 10, 0);
static struct db_stmt q_lock = DB_STMT_COLS(SQL_LOCK, 1, 2, DB_IDEMPOTENT);
static struct db_stmt q_set_state = DB_STMT(SQL_SET_STATE, 7, 0);
static struct db_stmt q_failure_add = DB_STMT(SQL_FAILURE_ADD, 7, 0);
static struct db_stmt q_heartbeat = DB_STMT(SQL_HEARTBEAT, 2, DB_IDEMPOTENT);
static struct db_stmt q_with_history = DB_STMT_COLS(SQL_WITH_HISTORY, 2, HC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_failures = DB_STMT_COLS(SQL_FAILURES, 1, 6, DB_IDEMPOTENT);

struct build_out {
	MYSQL_BIND b[BC__MAX];
	unsigned long len[BC__MAX];
	int64_t ref[REF__MAX], no_url, no_hash, no_message, idle;
};

static void bind_build(struct build_out *o, struct build *b)
{
	struct {
		char *buf;
		size_t cap;
	} s[BC__MAX] = {
		[BC_UUID] = { b->uuid, sizeof(b->uuid) },
		[BC_BUILD_ID] = { b->build_id, sizeof(b->build_id) },
		[BC_URL] = { b->pipeline_url, sizeof(b->pipeline_url) },
		[BC_HASH] = { b->commit_hash, sizeof(b->commit_hash) },
		[BC_MESSAGE] = { b->message, sizeof(b->message) },
		[BC_CREATED_BY] = { b->created_by, sizeof(b->created_by) },
		[BC_CREATED_AT] = { b->created_at, sizeof(b->created_at) },
		[BC_UPDATED_AT] = { b->updated_at, sizeof(b->updated_at) },
		[BC_HEARTBEAT] = { b->last_heartbeat_at, sizeof(b->last_heartbeat_at) },
	};

	memset(b, 0, sizeof(*b));
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < BC__MAX; i++)
		if (s[i].buf != NULL)
			db_bind_out_str(&o->b[i], s[i].buf, s[i].cap - 2, &o->len[i], NULL);
	db_bind_out_int64(&o->b[BC_ID], &b->id, NULL);
	for (int k = 0; k < REF__MAX; k++)
		db_bind_out_int64(&o->b[BC_PLATFORM + k], &o->ref[k], NULL);
	db_bind_out_int64(&o->b[BC_NO_URL], &o->no_url, NULL);
	db_bind_out_int64(&o->b[BC_NO_HASH], &o->no_hash, NULL);
	db_bind_out_int64(&o->b[BC_STATE], &b->current_state, NULL);
	db_bind_out_int64(&o->b[BC_NO_MESSAGE], &o->no_message, NULL);
	db_bind_out_int64(&o->b[BC_IDLE], &o->idle, NULL);
}

/* Terminates the strings of a fetched row and adds the names (reference cache). */
static enum db_rc fix_build(struct db *db, struct build_out *o, struct build *b)
{
	char *names[REF__MAX] = { b->platform, b->os_version, b->image_type };
	enum db_rc rc;

	for (int i = 0; i < BC__MAX; i++) {
		MYSQL_BIND *x = &o->b[i];

		if (x->buffer_type == MYSQL_TYPE_STRING) {
			unsigned long cap = x->buffer_length;

			((char *)x->buffer)[o->len[i] < cap ? o->len[i] : cap] = '\0';
		}
	}
	b->no_url = o->no_url != 0;
	b->no_hash = o->no_hash != 0;
	b->no_message = o->no_message != 0;
	db_time_iso(b->created_at);
	db_time_iso(b->updated_at);
	db_time_iso(b->last_heartbeat_at);
	for (int k = 0; k < REF__MAX; k++)
		if ((rc = ref_name(db, (enum ref_kind)k, o->ref[k], names[k])) != DB_OK)
			return rc == DB_NOT_FOUND ? DB_ERROR : rc;
	if ((rc = db_state_get(db, b->current_state, b->state_name, &b->terminal)) != DB_OK)
		return rc == DB_NOT_FOUND ? DB_ERROR : rc;
	b->stale = !b->terminal && o->idle != 0;
	return DB_OK;
}

static enum db_rc one_build(struct db *db, struct db_stmt *q, const char *key, int64_t stale_min,
                            struct build *b)
{
	struct build_out o;
	MYSQL_BIND in[2];
	enum db_rc rc;

	db_bind_int64(&in[0], &stale_min);
	db_bind_str(&in[1], key, NULL);
	bind_build(&o, b);
	if ((rc = db_query_one(db, q, in, o.b)) == DB_OK)
		rc = fix_build(db, &o, b);
	return rc;
}

enum db_rc db_build_by_uuid(struct db *db, const char *uuid, int64_t stale_min, struct build *b)
{
	return one_build(db, &q_by_uuid, uuid, stale_min, b);
}

enum db_rc db_build_by_build_id(struct db *db, const char *build_id, int64_t stale_min,
                                struct build *b)
{
	return one_build(db, &q_by_build_id, build_id, stale_min, b);
}

enum db_rc db_build_insert(struct db *db, const struct build_new *n)
{
	MYSQL_BIND in[10];
	int64_t pid = n->platform_id, oid = n->os_version_id, iid = n->image_type_id;

	db_bind_str(&in[0], n->uuid, NULL);
	db_bind_str(&in[1], n->build_id, NULL);
	db_bind_int64(&in[2], &pid);
	db_bind_int64(&in[3], &oid);
	db_bind_int64(&in[4], &iid);
	db_bind_str(&in[5], n->pipeline_url, NULL);
	db_bind_str(&in[6], n->commit_hash, NULL);
	db_bind_str(&in[7], n->created_by, NULL);
	db_bind_str(&in[8], n->at, NULL);
	db_bind_str(&in[9], n->at, NULL);
	/* One statement: builds_ai (schema/006) writes the first history row and
	 * the counters in it, atomically. */
	return db_query_retry(db, &q_insert, in, NULL);
}

/* Locks the build (SELECT ... FOR UPDATE): its id, state and whether that state is terminal. */
static enum db_rc build_lock(struct db *db, const char *uuid, int64_t *id, bool *terminal,
                             int64_t *state)
{
	MYSQL_BIND in[1], out[2];
	char name[65];
	enum db_rc rc;

	db_bind_str(&in[0], uuid, NULL);
	db_bind_out_int64(&out[0], id, NULL);
	db_bind_out_int64(&out[1], state, NULL);
	if ((rc = db_query_one(db, &q_lock, in, out)) != DB_OK)
		return rc;
	rc = db_state_get(db, *state, name, terminal);
	return rc == DB_NOT_FOUND ? DB_ERROR : rc;
}

struct update_tx {
	const char *uuid;
	db_build_write_fn fn;
	void *arg;
	bool *terminal;
};

/* The body of db_build_update's transaction: run again whole on a deadlock. */
static enum db_rc update_body(struct db *db, void *arg)
{
	struct update_tx *t = arg;
	int64_t id = 0, state = 0;
	enum db_rc rc;

	*t->terminal = false;
	if ((rc = build_lock(db, t->uuid, &id, t->terminal, &state)) != DB_OK)
		return rc;
	if (*t->terminal)
		return DB_OK; /* nothing written: the caller answers 409 */
	return t->fn(db, id, state, t->arg);
}

enum db_rc db_build_update(struct db *db, const char *uuid, db_build_write_fn fn, void *arg,
                           bool *terminal)
{
	struct update_tx t = { uuid, fn, arg, terminal };

	return db_transaction(db, update_body, &t);
}

/*
 * Runs `q`, an UPDATE of one build by uuid that skips a finished one (see
 * UNFINISHED): on its own it retries a deadlock; inside a transaction the
 * transaction does. When it matched no row, finds out why: DB_NOT_FOUND, or
 * DB_OK with *finished. A build that is neither (made unfinished again by
 * an operator in between) is tried again.
 */
static enum db_rc guarded_update(struct db *db, struct db_stmt *q, MYSQL_BIND *in, const char *uuid,
                                 bool *finished)
{
	int64_t id = 0, state = 0;
	enum db_rc rc = DB_BUSY;

	*finished = false;
	for (int try = 0; try < 2 && rc == DB_BUSY; try++) {
		if ((rc = db_query_retry(db, q, in, NULL)) != DB_OK)
			return rc;
		if (db_affected_rows(db, q) > 0) /* CLIENT_FOUND_ROWS: matched */
			return DB_OK;
		if ((rc = build_lock(db, uuid, &id, finished, &state)) != DB_OK)
			return rc;
		rc = *finished ? DB_OK : DB_BUSY;
	}
	return rc;
}

enum db_rc db_build_set_state(struct db *db, const char *uuid, int64_t code, bool terminal,
                              const char *message, const char *who, const char *at, bool *finished)
{
	MYSQL_BIND in[7];
	int64_t term = terminal;

	db_bind_int64(&in[0], &code);
	db_bind_str(&in[1], message, NULL);
	db_bind_str(&in[2], at, NULL);
	db_bind_str(&in[3], who, NULL);
	db_bind_int64(&in[4], &term);
	db_bind_str(&in[5], at, NULL);
	db_bind_str(&in[6], uuid, NULL);
	return guarded_update(db, &q_set_state, in, uuid, finished);
}

enum db_rc db_build_add_failure(struct db *db, int64_t id, const char *message, const char *code,
                                const char *component, const char *details, const char *who,
                                const char *at, int64_t *failure_id)
{
	MYSQL_BIND in[7];
	enum db_rc rc;

	db_bind_int64(&in[0], &id);
	db_bind_str(&in[1], message, NULL);
	db_bind_str(&in[2], code, NULL);
	db_bind_str(&in[3], component, NULL);
	db_bind_str(&in[4], details, NULL);
	db_bind_str(&in[5], who, NULL);
	db_bind_str(&in[6], at, NULL);
	if ((rc = db_query(db, &q_failure_add, in, NULL)) != DB_OK)
		return rc;
	*failure_id = (int64_t)db_insert_id(db, &q_failure_add);
	return DB_OK;
}

enum db_rc db_build_heartbeat(struct db *db, const char *uuid, const char *at, bool *finished)
{
	MYSQL_BIND in[2];

	db_bind_str(&in[0], at, NULL);
	db_bind_str(&in[1], uuid, NULL);
	return guarded_update(db, &q_heartbeat, in, uuid, finished);
}

enum db_rc db_build_with_history(struct db *db, const char *uuid, int64_t stale_min,
                                 struct build *b, db_history_row_fn row, void *ud, bool *failed)
{
	MYSQL_BIND in[2], out[HC__MAX];
	struct build_out o;
	int64_t code = 0, no_msg = 0, any_failure = 1;
	char msg_buf[UTF8MB4_BYTES(BUILD_STATE_MESSAGE_MAX)], who_buf[UTF8MB4_BYTES(254)];
	struct text_out msg, who;
	struct db_str at;
	char name[65];
	bool terminal;
	enum db_rc rc = DB_OK;
	int r, rows = 0;

	db_bind_int64(&in[0], &stale_min);
	db_bind_str(&in[1], uuid, NULL);
	bind_build(&o, b);
	memcpy(out, o.b, sizeof(o.b));
	db_bind_out_int64(&out[HC_CODE], &code, NULL);
	bind_text(&out[HC_MESSAGE], &msg, msg_buf, sizeof(msg_buf));
	db_bind_out_int64(&out[HC_NO_MESSAGE], &no_msg, NULL);
	bind_text(&out[HC_CREATED_BY], &who, who_buf, sizeof(who_buf));
	db_bind_out_dstr(&out[HC_CREATED_AT], &at);
	db_bind_out_int64(&out[HC_ANY_FAILURE], &any_failure, NULL);
	*failed = true; /* unless the row says otherwise */
	if ((rc = db_query(db, &q_with_history, in, out)) != DB_OK)
		return rc;
	while ((r = db_fetch(db, &q_with_history)) == 1) {
		struct build_history h;

		rows++;
		/* Every fetch rewrites the build's buffers: fix them every time. */
		if ((rc = fix_build(db, &o, b)) != DB_OK)
			break;
		*failed = any_failure != 0;
		if ((rc = db_state_get(db, code, name, &terminal)) != DB_OK) {
			rc = rc == DB_NOT_FOUND ? DB_ERROR : rc;
			break;
		}
		h.state_code = code;
		h.state_name = name;
		h.message = text_fix(&msg);
		if (no_msg != 0)
			h.message = NULL;
		h.created_by = text_fix(&who);
		if (who_buf[0] == '\0')
			h.created_by = NULL;
		db_str_fix(&at);
		db_time_iso(at.buf);
		h.created_at = at.buf;
		row(&h, ud);
	}
	db_done(db, &q_with_history);
	if (r == 1)
		return rc;
	if (r != 0)
		return DB_ERROR;
	return rows > 0 ? DB_OK : db_build_by_uuid(db, uuid, stale_min, b);
}

enum db_rc db_build_failures(struct db *db, int64_t id, db_failure_row_fn row, void *ud)
{
	MYSQL_BIND in[1], out[6];
	int64_t fid = 0;
	struct db_str at;
	char message_buf[UTF8MB4_BYTES(FAILURE_MESSAGE_MAX)],
	        code_buf[UTF8MB4_BYTES(FAILURE_CODE_MAX)],
	        comp_buf[UTF8MB4_BYTES(FAILURE_COMPONENT_MAX)],
	        details_buf[FAILURE_DETAILS_MAX + 1];
	struct text_out message, code, comp, details;
	enum db_rc rc;
	int r;

	db_bind_int64(&in[0], &id);
	db_bind_out_int64(&out[0], &fid, NULL);
	bind_text(&out[1], &message, message_buf, sizeof(message_buf));
	bind_text(&out[2], &code, code_buf, sizeof(code_buf));
	bind_text(&out[3], &comp, comp_buf, sizeof(comp_buf));
	bind_text(&out[4], &details, details_buf, sizeof(details_buf));
	db_bind_out_dstr(&out[5], &at);
	if ((rc = db_query(db, &q_failures, in, out)) != DB_OK)
		return rc;
	while ((r = db_fetch(db, &q_failures)) == 1) {
		struct build_failure f;

		f.id = fid;
		f.error_message = text_fix(&message);
		f.error_code = text_fix(&code);
		if (!code_buf[0])
			f.error_code = NULL;
		f.component = text_fix(&comp);
		if (!comp_buf[0])
			f.component = NULL;
		text_fix(&details);
		f.details = details_buf[0] ? details_buf : NULL;
		db_str_fix(&at);
		db_time_iso(at.buf);
		f.created_at = at.buf;
		row(&f, ud);
	}
	db_done(db, &q_failures);
	return r == 0 ? DB_OK : DB_ERROR;
}

/* Binds the 14 filter placeholders of BUILD_FILTER starting at in[0]. */
static void bind_filter(MYSQL_BIND *in, const struct build_filter *f, int64_t *v)
{
	v[0] = f->platform_id;
	v[1] = f->os_version_id;
	v[2] = f->image_type_id;
	v[3] = f->state;
	db_bind_int64(&in[0], &v[0]);
	db_bind_int64(&in[1], &v[0]);
	db_bind_int64(&in[2], &v[1]);
	db_bind_int64(&in[3], &v[1]);
	db_bind_int64(&in[4], &v[2]);
	db_bind_int64(&in[5], &v[2]);
	db_bind_int64(&in[6], &v[3]);
	db_bind_int64(&in[7], &v[3]);
	db_bind_str(&in[8], f->since ? f->since : "", NULL);
	db_bind_str(&in[9], f->since ? f->since : "", NULL);
	db_bind_str(&in[10], f->until ? f->until : "", NULL);
	db_bind_str(&in[11], f->until ? f->until : "", NULL);
	db_bind_str(&in[12], f->build_id ? f->build_id : "", NULL);
	db_bind_str(&in[13], f->build_id ? f->build_id : "", NULL);
}

static enum db_rc newest(struct db *db, int64_t platform_id, int64_t limit, int64_t offset,
                         int64_t stale_min, db_build_row_fn row, void *ud);

/* How many builds (of one platform, or all): the counters kept by the triggers. */
static const char SQL_COUNTED[] =
        "SELECT COALESCE(SUM(builds), 0) FROM build_counts WHERE (? = 0 OR platform_id = ?)";
static struct db_stmt q_counted = DB_STMT_COLS(SQL_COUNTED, 2, 1, DB_IDEMPOTENT);

/*
 * The list without filters, or by platform only (what a dashboard pages
 * through), never counts or sorts the table: the total comes from
 * build_counts and the page from one index read backwards (newest). With
 * other filters the generic statements below count and sort what matches.
 */
static bool platform_only(const struct build_filter *f)
{
	return f->os_version_id == 0 && f->image_type_id == 0 && f->state < 0 && f->since == NULL &&
	       f->until == NULL && f->build_id == NULL;
}

enum db_rc db_build_list(struct db *db, const struct build_filter *f, int64_t limit, int64_t offset,
                         int64_t stale_min, db_build_row_fn row, void *ud, int64_t *total)
{
	MYSQL_BIND in[17], cnt[1];
	int64_t v[4];
	struct build_out o;
	struct build b;
	enum db_rc rc;
	int r;

	if (platform_only(f)) {
		int64_t pid = f->platform_id;

		db_bind_int64(&in[0], &pid);
		db_bind_int64(&in[1], &pid);
		db_bind_out_int64(&cnt[0], total, NULL);
		if ((rc = db_query_one(db, &q_counted, in, cnt)) != DB_OK)
			return rc;
		return newest(db, pid, limit, offset, stale_min, row, ud);
	}

	bind_filter(in, f, v);
	db_bind_out_int64(&cnt[0], total, NULL);
	if ((rc = db_query_one(db, &q_count, in, cnt)) != DB_OK)
		return rc;
	/* The list has the stale threshold first, then the filter, then paging. */
	db_bind_int64(&in[0], &stale_min);
	bind_filter(in + 1, f, v);
	db_bind_int64(&in[15], &limit);
	db_bind_int64(&in[16], &offset);
	bind_build(&o, &b);
	if ((rc = db_query(db, &q_list, in, o.b)) != DB_OK)
		return rc;
	while ((r = db_fetch(db, &q_list)) == 1 && (rc = fix_build(db, &o, &b)) == DB_OK)
		row(&b, ud);
	db_done(db, &q_list);
	return r == 1 ? rc : r == 0 ? DB_OK : DB_ERROR;
}

/*
 * The newest builds for the dashboards: no total (they do not show one, and
 * counting is a scan), and a statement per case. The ids come first from a
 * derived table that reads one index backwards and stops after `limit`
 * entries (builds_created for all platforms, builds_platform_created for
 * one; both end with the primary key, so the order is exact), then only
 * those rows are joined. Joined directly, the optimizer starts from
 * build_states and sorts every build: 9.7 s at 1,000,000 builds with
 * BUILD_FILTER's "(? = 0 OR ...)", 10 s without it (bench/RESULTS.md).
 */
#define RECENT_ORDER "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"
#define RECENT_OUTER ") r JOIN builds b ON b.id = r.id ORDER BY b.created_at DESC, b.id DESC"
static const char SQL_RECENT[] =
        "SELECT " BUILD_COLS " FROM (SELECT id, created_at FROM builds " RECENT_ORDER RECENT_OUTER;
static const char SQL_RECENT_PLATFORM[] =
        "SELECT " BUILD_COLS
        " FROM (SELECT id, created_at FROM builds WHERE platform_id = ? " RECENT_ORDER RECENT_OUTER;
static struct db_stmt q_recent = DB_STMT_COLS(SQL_RECENT, 3, BC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_recent_platform =
        DB_STMT_COLS(SQL_RECENT_PLATFORM, 4, BC__MAX, DB_IDEMPOTENT);

static enum db_rc newest(struct db *db, int64_t platform_id, int64_t limit, int64_t offset,
                         int64_t stale_min, db_build_row_fn row, void *ud)
{
	struct db_stmt *q = platform_id ? &q_recent_platform : &q_recent;
	MYSQL_BIND in[4];
	struct build_out o;
	struct build b;
	enum db_rc rc;
	int r, n = 0;

	db_bind_int64(&in[n++], &stale_min);
	if (platform_id)
		db_bind_int64(&in[n++], &platform_id);
	db_bind_int64(&in[n++], &limit);
	db_bind_int64(&in[n++], &offset);
	bind_build(&o, &b);
	if ((rc = db_query(db, q, in, o.b)) != DB_OK)
		return rc;
	while ((r = db_fetch(db, q)) == 1 && (rc = fix_build(db, &o, &b)) == DB_OK)
		row(&b, ud);
	db_done(db, q);
	return r == 1 ? rc : r == 0 ? DB_OK : DB_ERROR;
}

enum db_rc db_build_recent(struct db *db, int64_t platform_id, int64_t limit, int64_t stale_min,
                           db_build_row_fn row, void *ud)
{
	return newest(db, platform_id, limit, 0, stale_min, row, ud);
}

/* ------------------------------------------------------------------ dashboards */

/*
 * The counters by state and platform, in one statement: the summary adds
 * them up by state (in code order) and by platform, with the names from
 * the reference cache.
 */
static const char SQL_COUNTS[] =
        "SELECT state_code, platform_id, SUM(builds), SUM(finished_us) FROM build_counts "
        "WHERE (? = 0 OR platform_id = ?) GROUP BY state_code, platform_id "
        "HAVING SUM(builds) > 0 ORDER BY state_code, platform_id";
/*
 * Each of the following comes in two statements, all platforms and one,
 * rather than "(? = 0 OR platform_id = ?)", which hides from the optimizer
 * the index that answers each case (bench/RESULTS.md, Optimisations).
 * NO_ICP and FORCE INDEX because MariaDB 10.11 plans the first execution of
 * a prepared statement as an index-only read and the later ones of the same
 * handle with index condition pushdown and a row read per counted build
 * (the slow log's plans; 4 -> 35 ms for the stale count at 1,000,000
 * builds), which EXPLAIN of a fresh statement never shows.
 *
 * Builds of the last 24 hours: the rows of build_hours (schema/008) from
 * the first whole hour on, plus the builds of the hour the day starts in,
 * a range of builds_created (or builds_platform_created) an hour long.
 * UTC_TIMESTAMP is the statement's start, the same in every part.
 */
#define NO_ICP     "SET STATEMENT optimizer_switch = 'index_condition_pushdown=off' FOR "
#define DAY_AGO    "UTC_TIMESTAMP(6) - INTERVAL 1 DAY"
#define FIRST_HOUR "DATE_FORMAT(" DAY_AGO ", '%Y-%m-%d %H:00:00') + INTERVAL 1 HOUR"
static const char SQL_LAST_DAY[] =
        NO_ICP "SELECT (SELECT COALESCE(SUM(builds), 0) FROM build_hours "
               "WHERE hour >= " FIRST_HOUR ") + (SELECT COUNT(*) FROM builds "
               "FORCE INDEX (builds_created) WHERE created_at >= " DAY_AGO " "
               "AND created_at < " FIRST_HOUR ")";
static const char SQL_LAST_DAY_PLATFORM[] =
        NO_ICP "SELECT (SELECT COALESCE(SUM(builds), 0) FROM build_hours "
               "WHERE hour >= " FIRST_HOUR " AND platform_id = ?) + (SELECT COUNT(*) FROM builds "
               "FORCE INDEX (builds_platform_created) WHERE platform_id = ? "
               "AND created_at >= " DAY_AGO " AND created_at < " FIRST_HOUR ")";
/*
 * The most frequent failure codes, from the counters that the triggers of
 * schema/005_build_perf.sql keep per platform, code and shard: a few rows
 * per code instead of every failure joined back to its build.
 */
#define TOP_FAILURES_FROM "SELECT c.error_code, SUM(c.failures) FROM build_failure_counts c "
#define TOP_FAILURES_TOP                                                                           \
	"GROUP BY c.error_code HAVING SUM(c.failures) > 0 "                                        \
	"ORDER BY SUM(c.failures) DESC, c.error_code LIMIT 5"
static const char SQL_TOP_FAILURES[] = TOP_FAILURES_FROM TOP_FAILURES_TOP;
static const char SQL_TOP_FAILURES_PLATFORM[] =
        TOP_FAILURES_FROM "WHERE c.platform_id = ? " TOP_FAILURES_TOP;
/*
 * Stale builds: unfinished and idle for stale_min minutes, a range of the
 * covering index (current_state, last_activity_at, platform_id) per state,
 * so only the stale builds' entries are read, not those of the builds in
 * flight. The unfinished states are bound, STALE_CODES at a time, padded
 * with -1 (no state): with "IN (SELECT code ...)" MariaDB reads every entry
 * of each state (ref on the state alone) instead of a range.
 */
#define STALE_CODES 8
#define STALE_SQL                                                                                  \
	NO_ICP "SELECT COUNT(*) FROM builds FORCE INDEX (builds_state_activity) "                  \
	       "WHERE current_state IN (?, ?, ?, ?, ?, ?, ?, ?) "                                  \
	       "AND last_activity_at < UTC_TIMESTAMP(6) - INTERVAL ? MINUTE"
static const char SQL_STALE[] = STALE_SQL;
static const char SQL_STALE_PLATFORM[] = STALE_SQL " AND platform_id = ?";

static struct db_stmt q_counts = DB_STMT_COLS(SQL_COUNTS, 2, 4, DB_IDEMPOTENT);
static struct db_stmt q_last_day = DB_STMT_COLS(SQL_LAST_DAY, 0, 1, DB_IDEMPOTENT);
static struct db_stmt q_last_day_platform =
        DB_STMT_COLS(SQL_LAST_DAY_PLATFORM, 2, 1, DB_IDEMPOTENT);
static struct db_stmt q_top_failures = DB_STMT_COLS(SQL_TOP_FAILURES, 0, 2, DB_IDEMPOTENT);
static struct db_stmt q_top_failures_platform =
        DB_STMT_COLS(SQL_TOP_FAILURES_PLATFORM, 1, 2, DB_IDEMPOTENT);
static struct db_stmt q_stale = DB_STMT_COLS(SQL_STALE, STALE_CODES + 1, 1, DB_IDEMPOTENT);
static struct db_stmt q_stale_platform =
        DB_STMT_COLS(SQL_STALE_PLATFORM, STALE_CODES + 2, 1, DB_IDEMPOTENT);

/* The top failure codes (at most BUILD_TOP_FAILURES, the LIMIT above) into c->top. */
static enum db_rc top_failures(struct db *db, struct db_stmt *q, MYSQL_BIND *in,
                               struct build_counts *c)
{
	MYSQL_BIND out[2];
	char buf[UTF8MB4_BYTES(FAILURE_CODE_MAX)];
	struct text_out name;
	int64_t n = 0;
	enum db_rc rc;
	int r;

	bind_text(&out[0], &name, buf, sizeof(buf));
	db_bind_out_int64(&out[1], &n, NULL);
	if ((rc = db_query(db, q, in, out)) != DB_OK)
		return rc;
	c->ntop = 0;
	while ((r = db_fetch(db, q)) == 1) {
		const char *code = text_fix(&name);

		if (c->ntop == BUILD_TOP_FAILURES)
			continue;
		snprintf(c->top[c->ntop].code, sizeof(c->top[c->ntop].code), "%s",
		         code ? code : "");
		c->top[c->ntop++].n = n;
	}
	db_done(db, q);
	return r == 0 ? DB_OK : DB_ERROR;
}

static enum db_rc one_count(struct db *db, struct db_stmt *q, MYSQL_BIND *in, int64_t *n)
{
	MYSQL_BIND out[1];

	db_bind_out_int64(&out[0], n, NULL);
	return db_query_one(db, q, in, out);
}

/* The hours schema/008's triggers no longer keep. */
static const char SQL_HOURS_PRUNE[] = "DELETE FROM build_hours "
                                      "WHERE hour < DATE_FORMAT(UTC_TIMESTAMP() - INTERVAL 2 DAY, "
                                      "'%Y-%m-%d %H:00:00')";
static struct db_stmt q_hours_prune = DB_STMT(SQL_HOURS_PRUNE, 0, DB_IDEMPOTENT);

enum db_rc db_build_hours_prune(struct db *db)
{
	return db_query(db, &q_hours_prune, NULL, NULL);
}

/*
 * The stale builds among the unfinished states codes[0..n) (of one
 * platform, or of all when platform_id is 0), STALE_CODES states a statement.
 */
static enum db_rc count_stale(struct db *db, int64_t platform_id, int64_t stale_min,
                              const int64_t *codes, size_t n, int64_t *stale)
{
	MYSQL_BIND in[STALE_CODES + 2];
	int64_t chunk[STALE_CODES], part = 0;
	enum db_rc rc;

	*stale = 0;
	for (size_t at = 0; at < n; at += STALE_CODES) {
		for (size_t i = 0; i < STALE_CODES; i++) {
			chunk[i] = at + i < n ? codes[at + i] : -1;
			db_bind_int64(&in[i], &chunk[i]);
		}
		db_bind_int64(&in[STALE_CODES], &stale_min);
		db_bind_int64(&in[STALE_CODES + 1], &platform_id);
		if ((rc = one_count(db, platform_id ? &q_stale_platform : &q_stale, in, &part)) !=
		    DB_OK)
			return rc;
		*stale += part;
	}
	return DB_OK;
}

/* What the summary adds up from the counters; its arrays are freed by totals_free. */
struct totals {
	int64_t total, finished, succeeded, finished_us;
	int64_t *unfinished; /* the codes of the unfinished states with builds */
	size_t nunfinished, unfinished_cap;
	struct build_count *states; /* by code */
	size_t nstates, states_cap;
	struct build_count *platforms; /* by name, once add_platforms has run */
	size_t nplatforms, platforms_cap;
};

/* Makes room for one more element of an array of `size`-byte elements. */
static bool grow(void **arr, size_t n, size_t *cap, size_t size)
{
	void *p;

	if (n < *cap)
		return true;
	if ((p = realloc(*arr, (*cap + 16) * size)) == NULL)
		return false;
	*arr = p;
	*cap += 16;
	return true;
}

static void totals_free(struct totals *t)
{
	free(t->unfinished);
	free(t->states);
	free(t->platforms);
	t->unfinished = NULL;
	t->states = t->platforms = NULL;
	t->nunfinished = t->nstates = t->nplatforms = 0;
}

void db_build_counts_free(struct build_counts *c)
{
	free(c->by_state);
	free(c->by_platform);
	c->by_state = c->by_platform = NULL;
	c->nstates = c->nplatforms = 0;
}

/* One state's builds (all platforms) into the totals. */
static enum db_rc add_state(struct db *db, struct totals *t, int64_t code, int64_t n, int64_t us)
{
	char name[65];
	bool terminal = false;
	enum db_rc rc = db_state_get(db, code, name, &terminal);

	if (rc != DB_OK)
		return rc == DB_NOT_FOUND ? DB_ERROR : rc;
	if (!grow((void **)&t->states, t->nstates, &t->states_cap, sizeof(*t->states)))
		return DB_ERROR;
	t->states[t->nstates] = (struct build_count){ .id = code, .n = n };
	memcpy(t->states[t->nstates++].name, name, sizeof(name));
	t->total += n;
	if (terminal) {
		t->finished += n;
		t->finished_us += us;
		if (strcmp(name, "succeeded") == 0)
			t->succeeded += n;
		return DB_OK;
	}
	if (!grow((void **)&t->unfinished, t->nunfinished, &t->unfinished_cap,
	          sizeof(*t->unfinished)))
		return DB_ERROR;
	t->unfinished[t->nunfinished++] = code;
	return DB_OK;
}

/* Adds n builds to platform `id`'s total. */
static enum db_rc add_platform(struct totals *t, int64_t id, int64_t n)
{
	for (size_t i = 0; i < t->nplatforms; i++)
		if (t->platforms[i].id == id) {
			t->platforms[i].n += n;
			return DB_OK;
		}
	if (!grow((void **)&t->platforms, t->nplatforms, &t->platforms_cap, sizeof(*t->platforms)))
		return DB_ERROR;
	t->platforms[t->nplatforms++] = (struct build_count){ .id = id, .n = n };
	return DB_OK;
}

static int by_platform_name(const void *a, const void *b)
{
	return strcasecmp(((const struct build_count *)a)->name,
	                  ((const struct build_count *)b)->name);
}

/* Fills the totals from the counters, one statement. */
static enum db_rc add_counts(struct db *db, int64_t platform_id, struct totals *t)
{
	MYSQL_BIND in[2], out[4];
	int64_t code = 0, platform = 0, n = 0, us = 0, state = -1, state_n = 0, state_us = 0;
	enum db_rc rc = DB_OK;
	int r = 0;

	db_bind_int64(&in[0], &platform_id);
	db_bind_int64(&in[1], &platform_id);
	db_bind_out_int64(&out[0], &code, NULL);
	db_bind_out_int64(&out[1], &platform, NULL);
	db_bind_out_int64(&out[2], &n, NULL);
	db_bind_out_int64(&out[3], &us, NULL);
	if ((rc = db_query(db, &q_counts, in, out)) != DB_OK)
		return rc;
	while (rc == DB_OK && (r = db_fetch(db, &q_counts)) == 1) {
		if (code != state) { /* the previous state's rows are all in */
			if (state >= 0)
				rc = add_state(db, t, state, state_n, state_us);
			state = code;
			state_n = state_us = 0;
		}
		state_n += n;
		state_us += us;
		if (rc == DB_OK)
			rc = add_platform(t, platform, n);
	}
	db_done(db, &q_counts);
	if (rc != DB_OK)
		return rc;
	if (r != 0)
		return DB_ERROR;
	return state >= 0 ? add_state(db, t, state, state_n, state_us) : DB_OK;
}

/* The platforms' names, and their totals sorted by name. */
static enum db_rc add_platforms(struct db *db, struct totals *t)
{
	enum db_rc rc;

	for (size_t i = 0; i < t->nplatforms; i++)
		if ((rc = ref_name(db, REF_PLATFORM, t->platforms[i].id, t->platforms[i].name)) !=
		    DB_OK)
			return rc == DB_NOT_FOUND ? DB_ERROR : rc;
	if (t->nplatforms > 1) /* platforms is NULL while empty */
		qsort(t->platforms, t->nplatforms, sizeof(*t->platforms), by_platform_name);
	return DB_OK;
}

enum db_rc db_build_summary(struct db *db, int64_t platform_id, int64_t stale_min,
                            struct build_counts *c)
{
	MYSQL_BIND in[2]; /* the platform, twice for SQL_LAST_DAY_PLATFORM */
	struct totals t = { 0 };
	enum db_rc rc;

	memset(c, 0, sizeof(*c));
	db_bind_int64(&in[0], &platform_id);
	db_bind_int64(&in[1], &platform_id);
	if ((rc = add_counts(db, platform_id, &t)) == DB_OK &&
	    (rc = add_platforms(db, &t)) == DB_OK)
		rc = count_stale(db, platform_id, stale_min, t.unfinished, t.nunfinished,
		                 &c->stale);
	if (rc == DB_OK) {
		c->total = t.total;
		c->finished = t.finished;
		c->succeeded = t.succeeded;
		c->finished_us = t.finished_us;
		c->by_state = t.states;
		c->nstates = t.nstates;
		c->by_platform = t.platforms;
		c->nplatforms = t.nplatforms;
		t.states = t.platforms = NULL;
	}
	totals_free(&t);
	if (rc != DB_OK ||
	    (rc = platform_id ? one_count(db, &q_last_day_platform, in, &c->last_24h)
	                      : one_count(db, &q_last_day, NULL, &c->last_24h)) != DB_OK ||
	    (rc = platform_id ? top_failures(db, &q_top_failures_platform, in, c)
	                      : top_failures(db, &q_top_failures, NULL, c)) != DB_OK) {
		db_build_counts_free(c);
		return rc;
	}
	return DB_OK;
}
