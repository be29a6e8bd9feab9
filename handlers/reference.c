/* reference.c: the build state codes and the platforms, OS versions and image types. */
#include "config.h"

#include <string.h>

#include <json-c/json.h>

#include "db/builds.h"
#include "fcgi/auth.h"
#include "handlers/audit.h"
#include "handlers/common.h"
#include "handlers/reference.h"

/* A db_state_row_fn: appends {"code","name","terminal","description"}. */
static void state_json(int64_t code, const char *name, bool terminal, const char *description,
                       void *items)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "code", json_object_new_int64(code));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "terminal", json_object_new_boolean(terminal));
	json_object_object_add(o, "description", json_object_new_string(description));
	json_object_array_add(items, o);
}

/* GET /states : the numeric state codes, their names and terminal flags. */
int h_states_list(struct req *rq)
{
	struct json_object *items = rq_own_json(rq, json_object_new_array()), *o;
	enum db_rc rc;

	if (items == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if ((rc = db_states_list(rq->app->db, state_json, items)) != DB_OK)
		return db_failure(rq, rc, "state list");
	o = json_object_new_object();
	json_object_object_add(o, "items", json_object_get(items));
	return api_reply(rq, 200, o);
}

/* A db_ref_row_fn: appends {"name","display_name","created_at"}. */
static void ref_json(const char *name, const char *display, const char *created_at, void *items)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "display_name", json_object_new_string(display));
	json_object_object_add(o, "created_at", json_object_new_string(created_at));
	json_object_array_add(items, o);
}

static void alias_json(const char *a, void *arr)
{
	json_object_array_add(arr, json_object_new_string(a));
}

static int list(struct req *rq, enum ref_kind k)
{
	struct json_object *items = rq_own_json(rq, json_object_new_array()), *o;
	enum db_rc rc;

	if (items == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if ((rc = db_ref_list(rq->app->db, k, ref_json, items)) != DB_OK)
		return db_failure(rq, rc, "reference list");
	/*
	 * Aliases after the listing (one statement's result at a time); a
	 * platform whose aliases cannot be read shows none, as before.
	 */
	if (k == REF_PLATFORM)
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			struct json_object *p = json_object_array_get_idx(items, i);
			struct json_object *arr = json_object_new_array();

			(void)db_platform_aliases(
			        rq->app->db,
			        json_object_get_string(json_object_object_get(p, "name")),
			        alias_json, arr);
			json_object_object_add(p, "aliases", arr);
		}
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
	const char *names[16];
	size_t n = 0;
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
	for (size_t i = 0; aliases && i < json_object_array_length(aliases); i++)
		names[n++] = json_object_get_string(json_object_array_get_idx(aliases, i));
	rc = db_ref_create(rq->app->db, k, name, display, names, n);
	if (rc != DB_OK) {
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
