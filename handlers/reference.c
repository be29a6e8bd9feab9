/* reference.c: the build state codes and the platforms, OS versions and image types. */
#include "config.h"

#include <string.h>

#include <json-c/json.h>

#include "db/builds.h"
#include "fcgi/auth.h"
#include "db/stmt.h" /* FIXME(issue 15): the transaction moves into db/ */
#include "handlers/audit.h"
#include "handlers/common.h"
#include "handlers/reference.h"

/* GET /states : the numeric state codes, their names and terminal flags. */
int h_states_list(struct req *rq)
{
	struct json_object *items = rq_own_json(rq, json_object_new_array()), *o;
	enum db_rc rc;

	if (items == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if ((rc = db_states_list(rq->app->db, items)) != DB_OK)
		return db_failure(rq, rc, "state list");
	o = json_object_new_object();
	json_object_object_add(o, "items", json_object_get(items));
	return api_reply(rq, 200, o);
}

static int list(struct req *rq, enum ref_kind k)
{
	struct json_object *items = rq_own_json(rq, json_object_new_array()), *o;
	enum db_rc rc;

	if (items == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if ((rc = db_ref_list(rq->app->db, k, items)) != DB_OK)
		return db_failure(rq, rc, "reference list");
	o = json_object_new_object();
	json_object_object_add(o, "items", json_object_get(items));
	return api_reply(rq, 200, o);
}

/* Reference names: what pipelines type; lower-case letters, digits, '.', '_', '-'. */
static const char *ref_name(struct fields *f, const char *field, bool required)
{
	const char *s = field_str(f, field, required, 1, REF_NAME_MAX);

	if (s != NULL && !util_ref_name_ok(s, false)) {
		field_fail(f, field, "may contain only a-z, 0-9, '.', '_' and '-'");
		return NULL;
	}
	return s;
}

/*
 * POST /platforms|/os-versions|/image-types {"name","display_name?"}
 * (platforms: "aliases?":[...]) (admin) -> 201 the item. Raises 400, 409.
 */
static int create(struct req *rq, enum ref_kind k, const char *what)
{
	struct fields f = { rq, NULL };
	const char *name = ref_name(&f, "name", true);
	const char *display = field_str(&f, "display_name", false, 0, REF_DISPLAY_MAX);
	struct json_object *aliases = NULL, *o;
	struct db *db = rq->app->db;
	int64_t id = 0;
	enum db_rc rc;

	if (json_object_object_get_ex(rq->json, "aliases", &aliases) && aliases != NULL) {
		if (k != REF_PLATFORM || !json_object_is_type(aliases, json_type_array) ||
		    json_object_array_length(aliases) > 16)
			field_fail(&f, "aliases",
			           k == REF_PLATFORM ? "must be an array of up to 16 names"
			                             : "only platforms have aliases");
		else
			for (size_t i = 0; i < json_object_array_length(aliases); i++) {
				const char *a = json_object_get_string(
				        json_object_array_get_idx(aliases, i));

				if (!json_object_is_type(json_object_array_get_idx(aliases, i),
				                         json_type_string) ||
				    a == NULL || !util_ref_name_ok(a, false)) {
					field_fail(&f, "aliases",
					           "each alias must be 1-64 of a-z, 0-9, '.', '_', "
					           "'-'");
					break;
				}
			}
	}
	if (fields_done(&f) < 0)
		return -1;
	if ((rc = db_begin(db)) != DB_OK)
		return db_failure(rq, rc, what);
	rc = db_ref_insert(db, k, name, display, &id);
	for (size_t i = 0; rc == DB_OK && aliases && i < json_object_array_length(aliases); i++)
		rc = db_platform_alias_add(
		        db, id, json_object_get_string(json_object_array_get_idx(aliases, i)));
	if (rc == DB_OK)
		rc = db_commit(db);
	if (rc != DB_OK) {
		db_rollback(db);
		if (rc == DB_DUPLICATE)
			return api_error(rq, E_CONFLICT,
			                 "a %s or alias named like this already exists", what);
		return db_failure(rq, rc, what);
	}
	api_audit(rq, "reference.created", rq_printf(rq, "%s %s", what, name), NULL);
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "display_name", json_object_new_string(display ? display : ""));
	if (k == REF_PLATFORM)
		json_object_object_add(
		        o, "aliases", aliases ? json_object_get(aliases) : json_object_new_array());
	return api_reply(rq, 201, o);
}

int h_platforms_list(struct req *rq)
{
	return list(rq, REF_PLATFORM);
}

int h_platforms_create(struct req *rq)
{
	return create(rq, REF_PLATFORM, "platform");
}

int h_os_versions_list(struct req *rq)
{
	return list(rq, REF_OS_VERSION);
}

int h_os_versions_create(struct req *rq)
{
	return create(rq, REF_OS_VERSION, "OS version");
}

int h_image_types_list(struct req *rq)
{
	return list(rq, REF_IMAGE_TYPE);
}

int h_image_types_create(struct req *rq)
{
	return create(rq, REF_IMAGE_TYPE, "image type");
}
