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

#define ALIASES_MAX    16
#define ALIAS_RULE     "each alias must be 1-64 of a-z, 0-9, '.', '_', '-'"
#define ONLY_PLATFORMS "only platforms have aliases"

/* Reference names: what pipelines type; lower-case letters, digits, '.', '_', '-'. */
static bool ref_name_ok(struct fields *f, const char *path, const struct field_value *v)
{
	if (util_ref_name_ok(v->s, false))
		return true;
	field_fail(f, path, "may contain only a-z, 0-9, '.', '_' and '-'");
	return false;
}

static bool aliases_ok(struct fields *f, const char *path, const struct field_value *v)
{
	for (size_t i = 0; i < v->n; i++)
		if (!util_ref_name_ok(v->list[i], false)) {
			field_fail(f, path, ALIAS_RULE);
			return false;
		}
	return true;
}

/* OS versions and image types refuse "aliases", whatever its value. */
static bool only_platforms(struct fields *f, const char *path, const struct field_value *v)
{
	(void)v;
	field_fail(f, path, ONLY_PLATFORMS);
	return false;
}

enum { R_NAME, R_DISPLAY, R_ALIASES, R__MAX };

/* The name and display name every reference body has. */
#define REF_NAME_DISPLAY_FIELDS                                                                    \
	[R_NAME] = { .name = "name",                                                               \
		     .type = FT_STRING,                                                            \
		     .required = true,                                                             \
		     .min = 1,                                                                     \
		     .max = REF_NAME_MAX,                                                          \
		     .check = ref_name_ok,                                                         \
		     .schema = "{\"pattern\":\"^[a-z0-9._-]*$\"}" },                               \
	[R_DISPLAY] = { .name = "display_name", .type = FT_STRING, .max = REF_DISPLAY_MAX }

static const struct field_spec platform_fields[R__MAX] = {
	REF_NAME_DISPLAY_FIELDS,
	[R_ALIASES] = { .name = "aliases",
	                .type = FT_STRLIST,
	                .min = 1,
	                .max = REF_NAME_MAX,
	                .max_items = ALIASES_MAX,
	                .message = "must be an array of up to 16 names",
	                .item_message = ALIAS_RULE,
	                .check = aliases_ok,
	                .schema =
	                        "{\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64,"
	                        "\"pattern\":\"^[a-z0-9._-]*$\"}}" },
};

const struct body_spec platform_body = BODY_SPEC(platform_fields);

static const struct field_spec reference_fields[R__MAX] = {
	REF_NAME_DISPLAY_FIELDS,
	[R_ALIASES] = { .name = "aliases",
	                .type = FT_STRLIST,
	                .message = ONLY_PLATFORMS,
	                .item_message = ONLY_PLATFORMS,
	                .check = only_platforms,
	                .doc = "Only platforms have aliases.",
	                .schema = "false" },
};

const struct body_spec reference_body = BODY_SPEC(reference_fields);

/*
 * POST /platforms|/os-versions|/image-types {"name","display_name?"}
 * (platforms: "aliases?":[...]) (admin) -> 201 the item. Raises 400, 409.
 */
static int create(struct req *rq, enum ref_kind k, const char *what)
{
	struct field_value v[R__MAX];
	const char *name, *display;
	struct json_object *o, *aliases;
	enum db_rc rc;

	if (fields_read(rq, NULL, k == REF_PLATFORM ? &platform_body : &reference_body, v) < 0)
		return -1;
	name = v[R_NAME].s;
	display = v[R_DISPLAY].s;
	rc = db_ref_create(rq->app->db, k, name, display, v[R_ALIASES].list, v[R_ALIASES].n);
	if (rc != DB_OK) {
		/* Only platforms have aliases; "an" before a vowel sound. */
		if (rc == DB_DUPLICATE)
			return api_error(rq, E_CONFLICT, "%s named like this already exists",
			                 k == REF_PLATFORM     ? "a platform or alias"
			                 : k == REF_OS_VERSION ? "an OS version"
			                                       : "an image type");
		return db_failure(rq, rc, what);
	}
	api_audit(rq, "reference.created", rq_printf(rq, "%s %s", what, name), NULL);
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "display_name", json_object_new_string(display ? display : ""));
	if (k == REF_PLATFORM) {
		json_object_object_add(o, "aliases", aliases = json_object_new_array());
		for (size_t i = 0; i < v[R_ALIASES].n; i++)
			alias_json(v[R_ALIASES].list[i], aliases);
	}
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
