/* builds.c: the Build State API: builds and their states, failures and heartbeats. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "db/builds.h"
#include "fcgi/auth.h"
#include "fcgi/memo.h"
#include "handlers/builds.h"
#include "handlers/common.h"

#define FAILED_STATE 90

/* What a reference name may be (util_ref_name_ok), for 400s. */
#define REF_NAME_RULE "must be 1-64 characters of a-z, 0-9, '.', '_' and '-'"

static const char *const ref_field[REF__MAX] = {
	"platform",   /* REF_PLATFORM */
	"os_version", /* REF_OS_VERSION */
	"image_type", /* REF_IMAGE_TYPE */
};

/* A number macro as a string literal, for the API description's sentences. */
#define TEXT_OF_(x) #x
#define TEXT_OF(x)  TEXT_OF_(x)

/* The rule of ref_name_ok, for the API description. */
#define REF_NAME_DOC    "A platform, OS version or image type by its name or an alias, any case."
#define REF_NAME_SCHEMA "{\"pattern\":\"^[A-Za-z0-9._-]*$\"}"
#define FAILURE_DETAILS_DOC                                                                        \
	"Any JSON object of at most " TEXT_OF(FAILURE_DETAILS_MAX) " bytes as compact JSON."

/* What a build_id may hold besides letters and digits. */
#define BUILD_ID_CHARS "._:-"

/* A reference name as pipelines type it (any case: resolved case-blind). */
static bool ref_name_ok(struct fields *f, const char *path, const struct field_value *v)
{
	if (util_ref_name_ok(v->s, true))
		return true;
	field_fail(f, path, "%s", REF_NAME_RULE);
	return false;
}

static bool http_url(struct fields *f, const char *path, const struct field_value *v)
{
	if (strncmp(v->s, "http://", 7) == 0 || strncmp(v->s, "https://", 8) == 0)
		return true;
	field_fail(f, path, "must be an http:// or https:// URL");
	return false;
}

static bool hex_digits(struct fields *f, const char *path, const struct field_value *v)
{
	if (v->s[strspn(v->s, "0123456789abcdefABCDEF")] == '\0')
		return true;
	field_fail(f, path, "must be 7 to 64 hexadecimal digits");
	return false;
}

/* The reference names come first, at their enum ref_kind positions. */
enum {
	B_PLATFORM = REF_PLATFORM,
	B_OS_VERSION = REF_OS_VERSION,
	B_IMAGE_TYPE = REF_IMAGE_TYPE,
	B_BUILD_ID = REF__MAX,
	B_URL,
	B_HASH,
	B__MAX
};

static const struct field_spec build_fields[B__MAX] = {
	[B_PLATFORM] = { .name = "platform",
	                 .type = FT_STRING,
	                 .required = true,
	                 .min = 1,
	                 .max = REF_NAME_MAX,
	                 .check = ref_name_ok,
	                 .doc = REF_NAME_DOC,
	                 .schema = REF_NAME_SCHEMA },
	[B_OS_VERSION] = { .name = "os_version",
	                   .type = FT_STRING,
	                   .required = true,
	                   .min = 1,
	                   .max = REF_NAME_MAX,
	                   .check = ref_name_ok,
	                   .doc = REF_NAME_DOC,
	                   .schema = REF_NAME_SCHEMA },
	[B_IMAGE_TYPE] = { .name = "image_type",
	                   .type = FT_STRING,
	                   .required = true,
	                   .min = 1,
	                   .max = REF_NAME_MAX,
	                   .check = ref_name_ok,
	                   .doc = REF_NAME_DOC,
	                   .schema = REF_NAME_SCHEMA },
	[B_BUILD_ID] = { .name = "build_id",
	                 .type = FT_STRING,
	                 .required = true,
	                 .min = 1,
	                 .max = BUILD_ID_MAX,
	                 .charset = BUILD_ID_CHARS },
	[B_URL] = { .name = "pipeline_url",
	            .type = FT_STRING,
	            .min = 1,
	            .max = BUILD_PIPELINE_URL_MAX,
	            .check = http_url,
	            .doc = "An http:// or https:// URL.",
	            .schema = "{\"pattern\":\"^https?://[^\\\\x00-\\\\x1F\\\\x7F]*$\"}" },
	[B_HASH] = { .name = "commit_hash",
	             .type = FT_STRING,
	             .min = 7,
	             .max = BUILD_COMMIT_HASH_MAX,
	             .check = hex_digits,
	             .doc = "Hexadecimal digits.",
	             .schema = "{\"pattern\":\"^[0-9A-Fa-f]*$\"}" },
};

const struct body_spec build_body = BODY_SPEC(build_fields);

enum { S_CODE, S_MESSAGE, S__MAX };

static const struct field_spec state_fields[S__MAX] = {
	[S_CODE] = { .name = "state_code",
	             .type = FT_INT,
	             .required = true,
	             .min = 0,
	             .max = 65535 },
	[S_MESSAGE] = { .name = "message", .type = FT_STRING, .min = 0, .max = BUILD_MESSAGE_MAX },
};

const struct body_spec build_state_body = BODY_SPEC(state_fields);

/* Stored as JSON text in a column of FAILURE_DETAILS_MAX bytes. */
static bool details_fit(struct fields *f, const char *path, const struct field_value *v)
{
	const char *s = json_object_to_json_string_ext(v->o, JSON_C_TO_STRING_PLAIN);

	if (s == NULL || strlen(s) <= FAILURE_DETAILS_MAX)
		return true;
	field_fail(f, path, "must be at most %d bytes as JSON", FAILURE_DETAILS_MAX);
	return false;
}

enum { FL_MESSAGE, FL_CODE, FL_COMPONENT, FL_DETAILS, FL_TERMINAL, FL__MAX };

static const struct field_spec failure_fields[FL__MAX] = {
	[FL_MESSAGE] = { .name = "error_message",
	                 .type = FT_STRING,
	                 .required = true,
	                 .min = 1,
	                 .max = FAILURE_MESSAGE_MAX },
	[FL_CODE] = { .name = "error_code", .type = FT_STRING, .min = 1, .max = FAILURE_CODE_MAX },
	[FL_COMPONENT] = { .name = "component",
	                   .type = FT_STRING,
	                   .min = 1,
	                   .max = FAILURE_COMPONENT_MAX },
	[FL_DETAILS] = { .name = "details",
	                 .type = FT_OBJECT,
	                 .message = "must be a JSON object",
	                 .check = details_fit,
	                 .doc = FAILURE_DETAILS_DOC },
	[FL_TERMINAL] = { .name = "terminal", .type = FT_BOOL, .null_invalid = true },
};

const struct body_spec build_failure_body = BODY_SPEC(failure_fields);

/*
 * Resolves a platform (or alias), OS version or image type named `name`;
 * an unknown one becomes a field error listing the accepted values.
 * Returns 0, 1 when unknown (recorded in f), -1 after answering 503/500.
 */
static int resolve(struct fields *f, enum ref_kind k, const char *field, const char *name,
                   int64_t *id, char canonical[65])
{
	struct req *rq = f->rq;
	char names[1024];
	enum db_rc rc = db_ref_resolve(rq->app->db, k, name, id, canonical);

	if (rc == DB_OK)
		return 0;
	if (rc != DB_NOT_FOUND)
		return db_failure(rq, rc, "reference lookup");
	if (db_ref_names(rq->app->db, k, names, sizeof(names)) != DB_OK)
		names[0] = '\0';
	field_fail(f, field, "unknown %s '%.64s'; accepted: %s", field, name, names);
	return 1;
}

/* The time of a change: ISO 8601 for the answer, DATETIME text for MariaDB. */
struct stamp {
	char iso[ISO8601_LEN + 1];
	char sql[ISO8601_LEN + 1];
};

static void stamp_now(struct stamp *t)
{
	util_now_iso8601(t->iso);
	memcpy(t->sql, t->iso, sizeof(t->sql));
	t->sql[10] = ' ';
	t->sql[ISO8601_LEN - 1] = '\0'; /* drop the Z */
}

static struct json_object *str_or_null(const char *s, bool null)
{
	return null ? NULL : json_object_new_string(s);
}

/* The build object of the API (no history). New object. */
struct json_object *build_to_json(const struct build *b)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "uuid", json_object_new_string(b->uuid));
	json_object_object_add(o, "build_id", json_object_new_string(b->build_id));
	json_object_object_add(o, "platform", json_object_new_string(b->platform));
	json_object_object_add(o, "os_version", json_object_new_string(b->os_version));
	json_object_object_add(o, "image_type", json_object_new_string(b->image_type));
	json_object_object_add(o, "pipeline_url", str_or_null(b->pipeline_url, b->no_url));
	json_object_object_add(o, "commit_hash", str_or_null(b->commit_hash, b->no_hash));
	json_object_object_add(o, "current_state", json_object_new_int64(b->current_state));
	json_object_object_add(o, "current_state_name", json_object_new_string(b->state_name));
	json_object_object_add(o, "message", str_or_null(b->message, b->no_message));
	json_object_object_add(o, "terminal", json_object_new_boolean(b->terminal));
	json_object_object_add(o, "stale", json_object_new_boolean(b->stale));
	json_object_object_add(o, "created_by", str_or_null(b->created_by, !b->created_by[0]));
	json_object_object_add(o, "created_at", json_object_new_string(b->created_at));
	json_object_object_add(o, "updated_at", json_object_new_string(b->updated_at));
	json_object_object_add(o, "last_heartbeat_at",
	                       str_or_null(b->last_heartbeat_at, !b->last_heartbeat_at[0]));
	return o;
}

void build_append_json(const struct build *b, void *items)
{
	json_object_array_add(items, build_to_json(b));
}

static int64_t stale_min(struct req *rq)
{
	return rq->app->cfg.build_stale_minutes;
}

/* Reads a build by uuid: 0, or -1 after answering 404 / 5xx. */
static int build_load_or_reply(struct req *rq, const char *uuid, struct build *b)
{
	enum db_rc rc = db_build_by_uuid(rq->app->db, uuid, stale_min(rq), b);

	if (rc == DB_NOT_FOUND)
		return api_error(rq, E_NOT_FOUND, "no such build: %s", uuid);
	if (rc != DB_OK)
		return db_failure(rq, rc, "build lookup");
	return 0;
}

/*
 * {"uuid","current_state","current_state_name","message","updated_at","stale"}:
 * GET and POST /builds/{uuid}/state. `message` is NULL for none.
 */
static struct json_object *state_json(const char *uuid, int64_t code, const char *name,
                                      const char *message, const char *updated_at, bool stale)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "current_state", json_object_new_int64(code));
	json_object_object_add(o, "current_state_name", json_object_new_string(name));
	json_object_object_add(o, "message", message ? json_object_new_string(message) : NULL);
	json_object_object_add(o, "updated_at", json_object_new_string(updated_at));
	json_object_object_add(o, "stale", json_object_new_boolean(stale));
	return o;
}

static bool same_opt(const char *given, const char *stored, bool stored_null)
{
	if (given == NULL)
		return stored_null;
	return !stored_null && strcmp(given, stored) == 0;
}

/*
 * The answer to a created build, made from what was written (as a re-read
 * would show it), so that creating costs no read.
 */
static int reply_new(struct req *rq, const struct build_new *n, char canon[REF__MAX][65],
                     const char *at)
{
	struct build *b = rq_alloc(rq, sizeof(*b));
	enum db_rc rc;

	if (b == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	memset(b, 0, sizeof(*b));
	/* A failure here leaves the build created: the client's retry gets 200. */
	if ((rc = db_state_get(rq->app->db, 0, b->state_name, &b->terminal)) != DB_OK)
		return db_failure(rq, rc, "state lookup");
	snprintf(b->uuid, sizeof(b->uuid), "%s", n->uuid);
	snprintf(b->build_id, sizeof(b->build_id), "%s", n->build_id);
	memcpy(b->platform, canon[REF_PLATFORM], 65);
	memcpy(b->os_version, canon[REF_OS_VERSION], 65);
	memcpy(b->image_type, canon[REF_IMAGE_TYPE], 65);
	snprintf(b->pipeline_url, sizeof(b->pipeline_url), "%s",
	         n->pipeline_url ? n->pipeline_url : "");
	b->no_url = n->pipeline_url == NULL;
	snprintf(b->commit_hash, sizeof(b->commit_hash), "%s",
	         n->commit_hash ? n->commit_hash : "");
	b->no_hash = n->commit_hash == NULL;
	b->current_state = 0;
	b->no_message = true;
	snprintf(b->created_by, sizeof(b->created_by), "%s", n->created_by ? n->created_by : "");
	snprintf(b->created_at, sizeof(b->created_at), "%s", at);
	snprintf(b->updated_at, sizeof(b->updated_at), "%s", at);
	return api_reply(rq, 201, build_to_json(b));
}

/*
 * POST /builds {"platform","os_version","image_type","build_id",
 * "pipeline_url?","commit_hash?"} -> 201 the build. The same build_id with
 * the same body is a pipeline's retry: 200 with the existing build; with
 * another body, 409. Raises 400 (every failing field; unknown reference
 * names list the accepted ones).
 */
int h_builds_create(struct req *rq)
{
	struct fields f = { rq, NULL };
	struct field_value v[B__MAX];
	const char *build_id, *url, *hash;
	char canon[REF__MAX][65];
	int64_t ids[REF__MAX] = { 0 };
	char uuid[UUID_LEN + 1];
	struct build_new n;
	struct stamp at;
	struct build b;
	enum db_rc rc;

	/* Unknown reference names fail after the body's own failures. */
	fields_collect(&f, NULL, NULL, &build_body, v);
	for (int k = 0; k < REF__MAX; k++)
		if (v[k].set &&
		    resolve(&f, (enum ref_kind)k, ref_field[k], v[k].s, &ids[k], canon[k]) < 0)
			return -1;
	if (fields_done(&f) < 0)
		return -1;
	build_id = v[B_BUILD_ID].s;
	url = v[B_URL].s;
	hash = v[B_HASH].s;

	/*
	 * Insert first: a new build_id, the common case, costs no lookup. A
	 * duplicate is a retry (same values: 200 with the build) or a conflict.
	 */
	for (int attempt = 0; attempt < 2; attempt++) {
		util_uuid_v4(uuid);
		stamp_now(&at);
		n = (struct build_new){ uuid,
			                build_id,
			                ids[REF_PLATFORM],
			                ids[REF_OS_VERSION],
			                ids[REF_IMAGE_TYPE],
			                url,
			                hash,
			                rq_actor(rq),
			                at.sql };
		if ((rc = db_build_insert(rq->app->db, &n)) == DB_OK)
			return reply_new(rq, &n, canon, at.iso);
		if (rc != DB_DUPLICATE)
			return db_failure(rq, rc, "build insert");
		rc = db_build_by_build_id(rq->app->db, build_id, stale_min(rq), &b);
		if (rc == DB_NOT_FOUND)
			continue; /* the uuid was taken: draw another */
		if (rc != DB_OK)
			return db_failure(rq, rc, "build lookup");
		if (strcmp(b.platform, canon[REF_PLATFORM]) == 0 &&
		    strcmp(b.os_version, canon[REF_OS_VERSION]) == 0 &&
		    strcmp(b.image_type, canon[REF_IMAGE_TYPE]) == 0 &&
		    same_opt(url, b.pipeline_url, b.no_url) &&
		    same_opt(hash, b.commit_hash, b.no_hash))
			return api_reply(rq, 200, build_to_json(&b));
		return api_error(rq, E_CONFLICT,
		                 "build_id %s exists with different values (build %s)", build_id,
		                 b.uuid);
	}
	return db_failure(rq, DB_ERROR, "build insert");
}

/* Converts an ISO 8601 UTC time to MariaDB's DATETIME text; NULL if malformed. */
static const char *iso_to_sql(struct req *rq, const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	size_t len = strlen(s);

	if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10)
		;
	else if ((len == 20 || len == 19) &&
	         sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) == 6 &&
	         n == 19 && (len == 19 || s[19] == 'Z'))
		;
	else
		return NULL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 || y < 1970)
		return NULL;
	return rq_printf(rq, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, sec);
}

/*
 * GET /builds?platform=&os_version=&image_type=&state=&since=&until=
 * &build_id=&limit=&offset= : newest first, with the total. Raises 400
 * naming the parameter.
 */
int h_builds_list(struct req *rq)
{
	struct build_filter flt = { .state = -1 };
	int64_t *ids[REF__MAX] = { &flt.platform_id, &flt.os_version_id, &flt.image_type_id };
	struct json_object *items;
	int64_t limit, offset, total = 0;
	const char *v;
	enum db_rc rc;

	if (page_params(rq, &limit, &offset) < 0 ||
	    rq_query_int_or_error(rq, "state", 0, 65535, -1, &flt.state) < 0)
		return -1;
	if (flt.state >= 0) {
		char name[65];
		bool terminal;

		rc = db_state_get(rq->app->db, flt.state, name, &terminal);
		if (rc == DB_NOT_FOUND)
			return query_invalid(rq, "state",
			                     "unknown state code %lld (GET /states lists them)",
			                     (long long)flt.state);
		if (rc != DB_OK)
			return db_failure(rq, rc, "state lookup");
	}
	for (int k = 0; k < REF__MAX; k++) {
		char canon[65];

		if ((v = rq_query(rq, ref_field[k])) == NULL || *v == '\0')
			continue;
		if (!util_ref_name_ok(v, true))
			return query_invalid(rq, ref_field[k], "%s", REF_NAME_RULE);
		rc = db_ref_resolve(rq->app->db, (enum ref_kind)k, v, ids[k], canon);
		if (rc == DB_NOT_FOUND)
			return query_invalid(rq, ref_field[k], "unknown %s '%.64s'", ref_field[k],
			                     v);
		if (rc != DB_OK)
			return db_failure(rq, rc, "reference lookup");
	}
	if ((v = rq_query(rq, "since")) != NULL && (flt.since = iso_to_sql(rq, v)) == NULL)
		return query_invalid(rq, "since",
		                     "must be an ISO 8601 UTC time (2026-01-31T00:00:00Z)");
	if ((v = rq_query(rq, "until")) != NULL && (flt.until = iso_to_sql(rq, v)) == NULL)
		return query_invalid(rq, "until",
		                     "must be an ISO 8601 UTC time (2026-01-31T00:00:00Z)");
	if ((v = rq_query(rq, "build_id")) != NULL && *v != '\0') {
		if (strlen(v) > BUILD_ID_MAX || !field_chars_ok(v, BUILD_ID_CHARS))
			return query_invalid(rq, "build_id", "is not a valid build_id");
		flt.build_id = v;
	}
	if ((items = rq_own_json(rq, json_object_new_array())) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	rc = db_build_list(rq->app->db, &flt, limit, offset, stale_min(rq), build_append_json,
	                   items, &total);
	if (rc != DB_OK)
		return db_failure(rq, rc, "build list");
	return api_reply(rq, 200, page_body(json_object_get(items), total, limit, offset));
}

/* A db_history_row_fn: appends {"state_code","state_name","message","created_by","created_at"}. */
static void history_json(const struct build_history *h, void *items)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "state_code", json_object_new_int64(h->state_code));
	json_object_object_add(o, "state_name", json_object_new_string(h->state_name));
	json_object_object_add(o, "message", str_or_null(h->message, h->message == NULL));
	json_object_object_add(o, "created_by", str_or_null(h->created_by, h->created_by == NULL));
	json_object_object_add(o, "created_at", json_object_new_string(h->created_at));
	json_object_array_add(items, o);
}

/* A db_failure_row_fn: appends the failure as the API shows it. */
static void failure_json(const struct build_failure *f, void *items)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(f->id));
	json_object_object_add(o, "error_message", json_object_new_string(f->error_message));
	json_object_object_add(o, "error_code", str_or_null(f->error_code, f->error_code == NULL));
	json_object_object_add(o, "component", str_or_null(f->component, f->component == NULL));
	/* Stored as validated JSON text; a truncated one would not parse. */
	json_object_object_add(o, "details",
	                       f->details != NULL ? json_tokener_parse(f->details) : NULL);
	json_object_object_add(o, "created_at", json_object_new_string(f->created_at));
	json_object_array_add(items, o);
}

/*
 * GET /builds/{uuid} : the build with its full state history and failures.
 * The answer is remembered for STRATUS_BUILD_CACHE_MS (fcgi/memo.c).
 */
int h_builds_get(struct req *rq)
{
	const char *uuid = param_uuid(rq, "uuid", "build");
	struct json_object *o, *states, *failures;
	struct memo_ticket t;
	struct build b;
	bool failed;
	enum db_rc rc;

	if (uuid == NULL)
		return -1;
	if (memo_reply(rq, MEMO_BUILD, uuid, &t))
		return 0;
	states = rq_own_json(rq, json_object_new_array());
	rc = db_build_with_history(rq->app->db, uuid, stale_min(rq), &b, history_json, states,
	                           &failed);
	if (rc == DB_NOT_FOUND)
		return api_error(rq, E_NOT_FOUND, "no such build: %s", uuid);
	if (rc != DB_OK)
		return db_failure(rq, rc, "build lookup");
	o = rq_own_json(rq, build_to_json(&b));
	failures = json_object_new_array();
	json_object_object_add(o, "states", json_object_get(states));
	json_object_object_add(o, "failures", failures);
	if (failed && (rc = db_build_failures(rq->app->db, b.id, failure_json, failures)) != DB_OK)
		return db_failure(rq, rc, "build failures");
	api_reply(rq, 200, json_object_get(o));
	memo_keep(rq, &t);
	return 0;
}

/* GET /builds/{uuid}/state : what pipelines read with jq .current_state. Remembered too. */
int h_builds_state_get(struct req *rq)
{
	const char *uuid = param_uuid(rq, "uuid", "build");
	struct memo_ticket t;
	struct build b;

	if (uuid == NULL)
		return -1;
	if (memo_reply(rq, MEMO_BUILD_STATE, uuid, &t))
		return 0;
	if (build_load_or_reply(rq, uuid, &b) < 0)
		return -1;
	api_reply(rq, 200,
	          state_json(b.uuid, b.current_state, b.state_name, b.no_message ? NULL : b.message,
	                     b.updated_at, b.stale));
	memo_keep(rq, &t);
	return 0;
}

/* The answer to a write that found no build, or a finished one: -1 after answering, or 0. */
static int write_failed(struct req *rq, enum db_rc rc, bool finished, const char *uuid,
                        const char *what)
{
	if (rc == DB_NOT_FOUND)
		return api_error(rq, E_NOT_FOUND, "no such build: %s", uuid);
	if (rc != DB_OK)
		return db_failure(rq, rc, what);
	if (finished)
		return api_error(rq, E_CONFLICT,
		                 "build %s is finished: its state can no longer change", uuid);
	return 0;
}

/*
 * Runs `fn` on the build locked FOR UPDATE inside one transaction
 * (db_build_update), for a write of several statements, so that concurrent
 * writers to one build serialise and none is lost; a deadlock or lock wait
 * timeout runs the transaction again rather than failing the request. `fn` does database work only
 * (it may run more than once); `what` names it in the log. A terminal build is 409. The answer is
 * made from what this request wrote, never from a re-read that could show a later writer's state.
 * Returns 0, or -1 after answering.
 */
static int with_locked_build(struct req *rq, const char *uuid, db_build_write_fn fn, void *arg,
                             const char *what)
{
	bool terminal = false;
	enum db_rc rc = db_build_update(rq->app->db, uuid, fn, arg, &terminal);

	return write_failed(rq, rc, terminal, uuid, what);
}

struct state_change {
	int64_t code;
	bool terminal;
	const char *message;
	char name[65];
	struct stamp at;
};

/*
 * POST /builds/{uuid}/state {"state_code","message?"} -> 201 the new state.
 * One UPDATE, atomic on its own: its trigger writes the history row.
 * Raises 400 (unknown code), 404, 409 (finished build).
 */
int h_builds_state_post(struct req *rq)
{
	const char *uuid = param_uuid(rq, "uuid", "build");
	struct field_value v[S__MAX];
	struct state_change c = { .code = -1 };
	bool finished = false;
	enum db_rc rc;

	if (uuid == NULL || fields_read(rq, NULL, &build_state_body, v) < 0)
		return -1;
	c.code = v[S_CODE].i;
	c.message = v[S_MESSAGE].s;
	rc = db_state_get(rq->app->db, c.code, c.name, &c.terminal);
	if (rc == DB_NOT_FOUND) {
		struct fields f = { rq, NULL };

		field_fail(&f, "state_code", "unknown state code %lld (GET /states lists them)",
		           (long long)c.code);
		return fields_done(&f);
	}
	if (rc != DB_OK)
		return db_failure(rq, rc, "state lookup");
	stamp_now(&c.at);
	rc = db_build_set_state(rq->app->db, uuid, c.code, c.terminal, c.message, rq_actor(rq),
	                        c.at.sql, &finished);
	if (write_failed(rq, rc, finished, uuid, "state change") < 0)
		return -1;
	return api_reply(rq, 201, state_json(uuid, c.code, c.name, c.message, c.at.iso, false));
}

struct failure {
	const char *uuid, *message, *code, *component, *details;
	bool terminal;
	const char *who;
	int64_t id;
	int64_t state; /* the build's state afterwards */
	struct stamp at;
};

/* Sets every output on each run: db_build_update may run it again. */
static enum db_rc apply_failure(struct db *db, int64_t id, int64_t state, void *arg)
{
	struct failure *fl = arg;
	enum db_rc rc = db_build_add_failure(db, id, fl->message, fl->code, fl->component,
	                                     fl->details, fl->who, fl->at.sql, &fl->id);

	fl->state = state;
	if (rc == DB_OK && fl->terminal) {
		bool finished; /* false: the build is locked and unfinished */

		rc = db_build_set_state(db, fl->uuid, FAILED_STATE, true, fl->message, fl->who,
		                        fl->at.sql, &finished);
		fl->state = FAILED_STATE;
	}
	return rc;
}

/*
 * POST /builds/{uuid}/failure {"error_message","error_code?","component?",
 * "details?":{...},"terminal?"} -> 201 the failure record and the build's
 * state. Moves the build to failed unless "terminal": false. Raises 400,
 * 404, 409.
 */
int h_builds_failure(struct req *rq)
{
	const char *uuid = param_uuid(rq, "uuid", "build");
	struct failure fl = { .uuid = uuid };
	struct field_value v[FL__MAX];
	struct json_object *details, *o;
	char name[65] = "";
	bool ignored;

	if (uuid == NULL || fields_read(rq, NULL, &build_failure_body, v) < 0)
		return -1;
	fl.message = v[FL_MESSAGE].s;
	fl.code = v[FL_CODE].s;
	fl.component = v[FL_COMPONENT].s;
	if ((details = v[FL_DETAILS].o) != NULL)
		fl.details = json_object_to_json_string_ext(details, JSON_C_TO_STRING_PLAIN);
	fl.terminal = v[FL_TERMINAL].set ? v[FL_TERMINAL].b : true;
	stamp_now(&fl.at);
	fl.who = rq_actor(rq);
	if (with_locked_build(rq, uuid, apply_failure, &fl, "failure record") < 0)
		return -1;
	db_state_get(rq->app->db, fl.state, name, &ignored);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(fl.id));
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "error_message", json_object_new_string(fl.message));
	json_object_object_add(o, "error_code", fl.code ? json_object_new_string(fl.code) : NULL);
	json_object_object_add(o, "component",
	                       fl.component ? json_object_new_string(fl.component) : NULL);
	json_object_object_add(o, "details", details ? json_object_get(details) : NULL);
	json_object_object_add(o, "created_at", json_object_new_string(fl.at.iso));
	json_object_object_add(o, "current_state", json_object_new_int64(fl.state));
	json_object_object_add(o, "current_state_name", json_object_new_string(name));
	return api_reply(rq, 201, o);
}

/* POST /builds/{uuid}/heartbeat : the build is alive (not stale). Raises 404, 409. */
int h_builds_heartbeat(struct req *rq)
{
	const char *uuid = param_uuid(rq, "uuid", "build");
	struct json_object *o;
	bool finished = false;
	struct stamp at;
	enum db_rc rc;

	if (uuid == NULL)
		return -1;
	stamp_now(&at);
	rc = db_build_heartbeat(rq->app->db, uuid, at.sql, &finished);
	if (write_failed(rq, rc, finished, uuid, "heartbeat") < 0)
		return -1;
	o = json_object_new_object();
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "last_heartbeat_at", json_object_new_string(at.iso));
	json_object_object_add(o, "stale", json_object_new_boolean(0));
	return api_reply(rq, 200, o);
}
