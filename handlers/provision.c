/* provision.c: infrastructure provisioning requests and their status (runs of kind provision). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "db/provision.h"
#include "db/runs.h"
#include "fcgi/auth.h"
#include "handlers/common.h"
#include "handlers/idempotency.h"
#include "handlers/provision.h"
#include "handlers/runs.h"
#include "lib/engine.h"
#include "jobs/exec_terraform.h"
#include "jobs/executors.h"
#include "lib/netcheck.h"

#define KIND "provision"

/* The message the original provisioner answered with. */
#define MSG_ACCEPTED  "Request received and DAG triggered"
#define MSG_COMPLETED "Instance provisioning completed successfully"

/* ------------------------------------------------------------------ the body */

/* The wording clients of the original provisioner read for a cloud identifier. */
#define CLOUD_ID_MESSAGE "must be 1 to 255 letters, digits, '.', '_', ':' or '-'"

/* A provider_config string: a cloud identifier (no spaces, quotes or slashes) starting with `p`. */
#define CLOUD_ID(name_, p)                                                                         \
	{                                                                                          \
		.name = (name_), .type = FT_STRING, .required = true, .min = 1, .max = 255,        \
		.charset = "._:-", .prefix = (p), .string_message = CLOUD_ID_MESSAGE               \
	}

/* provider_config.security_group_ids: 1-16 cloud identifiers "sg-...", named as one field. */
static bool security_groups(struct fields *f, const char *path, const struct field_value *v)
{
	size_t n = json_object_is_type(v->o, json_type_array) ? json_object_array_length(v->o) : 0;

	if (n == 0 || n > 16) {
		field_fail(f, path, "must be a list of 1 to 16 security group ids");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *g = json_object_array_get_idx(v->o, i);
		const char *s =
		        json_object_is_type(g, json_type_string) ? json_object_get_string(g) : NULL;

		if (s == NULL || strlen(s) > 255 || !field_chars_ok(s, "._:-") ||
		    strncmp(s, "sg-", 3) != 0) {
			field_fail(f, path, "item %zu must be a security group id (sg-...)", i);
			return false;
		}
	}
	return true;
}

/* provider_config per cloud_provider, its fields in the order the run's input keeps. */
static const struct field_spec aws_fields[] = {
	CLOUD_ID("region", NULL),
	CLOUD_ID("instance_type", NULL),
	CLOUD_ID("subnet_id", "subnet-"),
	CLOUD_ID("ami_id", "ami-"),
	{ .name = "security_group_ids",
	  .type = FT_JSON,
	  .required = true,
	  .check = security_groups,
	  .schema =
	          "{\"type\":\"array\",\"minItems\":1,\"maxItems\":16,\"items\":"
	          "{\"type\":\"string\",\"maxLength\":255,\"pattern\":\"^sg-[A-Za-z0-9._:-]*$\"}}",
	  .doc = "An array of 1 to 16 security group ids (sg-..., up to 255 of letters, digits, "
	         "'.', '_', ':', '-')." },
};
static const struct field_spec oci_fields[] = {
	CLOUD_ID("region", NULL),
	CLOUD_ID("compartment_id", "ocid1."),
	CLOUD_ID("availability_domain", NULL),
	CLOUD_ID("shape", NULL),
	CLOUD_ID("image_id", "ocid1."),
	CLOUD_ID("subnet_id", "ocid1."),
};
static const struct body_spec aws_config = BODY_SPEC(aws_fields);
static const struct body_spec oci_config = BODY_SPEC(oci_fields);

/* The most fields a provider_config has (provision_input's values). */
#define CONFIG_MAX 6
_Static_assert(sizeof(aws_fields) / sizeof(aws_fields[0]) <= CONFIG_MAX &&
                       sizeof(oci_fields) / sizeof(oci_fields[0]) <= CONFIG_MAX,
               "a provider_config has more fields than CONFIG_MAX");

/* instance_name_prefix: a name clouds accept: a letter, then letters, digits, '-' or '_'. */
static bool instance_name(struct fields *f, const char *path, const struct field_value *v)
{
	if (((*v->s >= 'a' && *v->s <= 'z') || (*v->s >= 'A' && *v->s <= 'Z')) &&
	    field_chars_ok(v->s, "-_"))
		return true;
	field_fail(f, path,
	           "must start with a letter and contain only letters, digits, '-' and '_'");
	return false;
}

/* count: at most STRATUS_PROVISION_MAX_COUNT instances. */
static bool count_max(struct fields *f, const char *path, const struct field_value *v)
{
	int64_t max = f->rq->app->cfg.provision_max_count;

	if (v->i >= 1 && v->i <= max)
		return true;
	field_fail(f, path, "must be from 1 to %lld", (long long)max);
	return false;
}

/*
 * callback_url: a URL lib/netcheck.c lets the reconcilers call (https to a
 * public address, or what STRATUS_WEBHOOK_ALLOW admits; its host resolved
 * and every address checked now, and again at each delivery), and only
 * where deliveries can be signed (STRATUS_WEBHOOK_SECRET).
 */
static bool callback_url(struct fields *f, const char *path, const struct field_value *v)
{
	const struct config *cfg = &f->rq->app->cfg;
	struct netcheck_target t;
	char why[300];

	if (!json_object_is_type(v->o, json_type_string)) {
		field_fail(f, path, "must be a string");
		return false;
	}
	if (cfg->webhook_secret == NULL) {
		field_fail(f, path,
		           "completion webhooks are not configured on this server "
		           "(STRATUS_WEBHOOK_SECRET)");
		return false;
	}
	if (netcheck_url(json_object_get_string(v->o), cfg->webhook_allow, &t, why, sizeof(why)) !=
	    NETCHECK_OK) {
		field_fail(f, path, "%s", why);
		return false;
	}
	return true;
}

static const char *const clouds[] = { "aws", "oci", NULL };

enum { P_CLOUD, P_CONFIG, P_PREFIX, P_COUNT, P_CALLBACK, P__MAX };

/*
 * provider_config is read here as an object only: its fields depend on
 * cloud_provider, and provision_input reads them after the rest, where
 * their failures have always been listed.
 */
static const struct field_spec provision_fields[P__MAX] = {
	[P_CLOUD] = { .name = "cloud_provider",
	              .type = FT_ENUM,
	              .required = true,
	              .allowed = clouds },
	[P_CONFIG] = { .name = "provider_config", .type = FT_OBJECT, .required = true },
	[P_PREFIX] = { .name = "instance_name_prefix",
	               .type = FT_STRING,
	               .required = true,
	               .min = 1,
	               .max = 63,
	               .check = instance_name,
	               .schema = "{\"pattern\":\"^[A-Za-z][A-Za-z0-9_-]*$\"}",
	               .doc = "A letter, then letters, digits, '-' or '_'." },
	[P_COUNT] = { .name = "count",
	              .type = FT_INT,
	              .required = true,
	              .check = count_max,
	              .schema = "{\"minimum\":1}",
	              .doc = "From 1 to STRATUS_PROVISION_MAX_COUNT (a server setting)." },
	[P_CALLBACK] = { .name = "callback_url",
	                 .type = FT_JSON,
	                 .check = callback_url,
	                 .schema = "{\"type\":\"string\",\"format\":\"uri\"}",
	                 .doc = "A URL the server may call when the run ends (https to a public "
	                        "address unless STRATUS_WEBHOOK_ALLOW admits it); only where "
	                        "STRATUS_WEBHOOK_SECRET is set." },
};

const struct body_spec provision_body = BODY_SPEC(provision_fields);

/*
 * Validates the body of POST /provision and builds the run's input (request
 * memory), without request_id; *cb is the callback_url or NULL. Returns
 * the input, or NULL after answering 400 with every failing field.
 */
static struct json_object *provision_input(struct req *rq, const char **cb)
{
	struct fields f = { rq, NULL };
	struct field_value v[P__MAX], pc[CONFIG_MAX];
	const struct body_spec *config = NULL;
	struct json_object *cfg, *in;

	fields_collect(&f, NULL, NULL, &provision_body, v);
	if (v[P_CLOUD].set && v[P_CONFIG].set) {
		config = strcmp(v[P_CLOUD].s, "aws") == 0 ? &aws_config : &oci_config;
		fields_collect(&f, v[P_CONFIG].o, "provider_config", config, pc);
	}
	/* Nothing failed: cloud_provider and provider_config were read, config is set. */
	if (fields_done(&f) < 0 || config == NULL)
		return NULL;
	cfg = rq_own_json(rq, json_object_new_object());
	for (size_t i = 0; i < config->nfields; i++)
		json_object_object_add(cfg, config->fields[i].name,
		                       config->fields[i].type == FT_JSON
		                               ? json_object_get(pc[i].o)
		                               : json_object_new_string(pc[i].s));
	in = rq_own_json(rq, json_object_new_object());
	json_object_object_add(in, "cloud_provider", json_object_new_string(v[P_CLOUD].s));
	json_object_object_add(in, "provider_config", json_object_get(cfg));
	json_object_object_add(in, "instance_name_prefix", json_object_new_string(v[P_PREFIX].s));
	json_object_object_add(in, "count", json_object_new_int64(v[P_COUNT].i));
	*cb = v[P_CALLBACK].set ? json_object_get_string(v[P_CALLBACK].o) : NULL;
	return in;
}

/* The caller's user id, for created_by_user_id; 0 for a key without an account. */
static int64_t who_id(struct req *rq)
{
	return rq->who != NULL && rq->who->user_id > 0 ? rq->who->user_id : 0;
}

/*
 * The answer of POST /provision for run `uuid` made by `created_by`
 * (user_id): the first one, and every replay.
 */
static struct json_object *accepted_json(const char *uuid, const char *created_by, int64_t user_id)
{
	struct json_object *o = json_object_new_object();
	struct run r;

	memset(&r, 0, sizeof(r));
	r.status = JR_QUEUED;
	snprintf(r.kind, sizeof(r.kind), KIND);
	json_object_object_add(o, "request_id", json_object_new_string(uuid));
	json_object_object_add(o, "status", json_object_new_string("in_progress"));
	json_object_object_add(o, "message", json_object_new_string(MSG_ACCEPTED));
	json_object_object_add(o, "instances", NULL);
	run_creator_json(o, created_by, user_id);
	json_object_object_add(o, "actions", run_actions_json(&r, NULL));
	return o;
}

/* ------------------------------------------------------------------ idempotency */

/* What a replay of POST /provision needs of the run a key made. */
struct prov_replay {
	char uuid[40], by[256];
	int64_t owner;
};

/* idem_lookup_fn: the run the caller made with `key`. */
static enum db_rc prov_lookup(struct req *rq, const char *key, struct idem_found *f, void *ctx)
{
	struct prov_replay *p = ctx;
	struct run r;
	enum db_rc rc = db_run_by_idempotency(rq->app->db, run_actor(rq), key, &r);

	if (rc != DB_OK)
		return rc;
	snprintf(f->hash, sizeof(f->hash), "%s", r.request_hash);
	snprintf(f->id, sizeof(f->id), "%s", r.uuid);
	snprintf(p->uuid, sizeof(p->uuid), "%s", r.uuid);
	snprintf(p->by, sizeof(p->by), "%s", r.created_by);
	p->owner = r.created_by_user_id;
	run_clear(&r);
	return DB_OK;
}

/* idem_replay_fn: the first answer of POST /provision again. */
static int prov_replay(struct req *rq, void *ctx)
{
	const struct prov_replay *p = ctx;

	api_header(rq, "Location", rq_printf(rq, "%s/status/%s", rq->script_name, p->uuid));
	return api_reply(rq, 202, accepted_json(p->uuid, p->by, p->owner));
}

/* ------------------------------------------------------------------ handlers */

/*
 * A task `name` after `after` ("" for none), retried and timed out as this
 * server's settings say (STRATUS_MAX_ATTEMPTS, STRATUS_RETRY_*,
 * STRATUS_STEP_TIMEOUT): every task of a provision or destroy run.
 */
static struct run_task_new task_new(const struct config *cfg, const char *name, const char *after)
{
	return (struct run_task_new){ .name = name,
		                      .depends_on = after,
		                      .max_attempts = cfg->max_attempts,
		                      .retry_delay_s = cfg->retry_delay_s,
		                      .retry_backoff = cfg->retry_backoff,
		                      .timeout_s = cfg->step_timeout_s };
}

/*
 * POST /provision {"cloud_provider":"aws|oci","provider_config":{...},
 * "instance_name_prefix","count"} -> 202 {"request_id","status":
 * "in_progress","message","instances":null}: a run of the three steps
 * prepare_terraform_vars >> terraform_init >> terraform_apply that the
 * reconciler carries out. Raises 400 with every failing field.
 */
int h_provision_create(struct req *rq)
{
	const struct config *cfg = &rq->app->cfg;
	struct run_task_new tasks[3];
	struct json_object *in;
	char uuid[UUID_LEN + 1], subject[128];
	struct prov_replay p;
	struct idem idem;
	const char *cb;
	struct run_new n;
	int64_t id;
	enum db_rc rc;

	if (idem_begin(rq, &idem) < 0)
		return -1;
	if (idem_check(rq, &idem, prov_lookup, prov_replay, &p))
		return rq->status < 400 ? 0 : -1;
	if ((in = provision_input(rq, &cb)) == NULL)
		return -1;
	util_uuid_v4(uuid);
	json_object_object_add(in, "request_id", json_object_new_string(uuid));
	for (size_t i = 0; i < 3; i++)
		tasks[i] = task_new(cfg, tf_provision_steps[i], i ? tf_provision_steps[i - 1] : "");
	snprintf(subject, sizeof(subject), "%s %s x%lld",
	         json_object_get_string(json_object_object_get(in, "cloud_provider")),
	         json_object_get_string(json_object_object_get(in, "instance_name_prefix")),
	         (long long)json_object_get_int64(json_object_object_get(in, "count")));
	n = (struct run_new){ .uuid = uuid,
		              .kind = KIND,
		              .subject = subject,
		              .executor = cfg->executor,
		              .input = json_object_to_json_string_ext(in, JSON_C_TO_STRING_PLAIN),
		              .created_by = run_actor(rq),
		              .created_by_user_id = who_id(rq),
		              .idempotency_key = idem.key,
		              .request_hash = idem.key ? idem.hash : NULL,
		              .callback_url = cb,
		              .tasks = tasks,
		              .ntasks = 3 };
	rc = db_run_create(rq->app->db, &n, &id);
	/* The same key at the same moment: the other request created it first. */
	if (rc == DB_DUPLICATE && idem_check(rq, &idem, prov_lookup, prov_replay, &p))
		return rq->status < 400 ? 0 : -1;
	if (rc != DB_OK)
		return db_failure(rq, rc, "provisioning request");
	api_header(rq, "Location", rq_printf(rq, "%s/status/%s", rq->script_name, uuid));
	return api_reply(rq, 202, accepted_json(uuid, run_actor(rq), who_id(rq)));
}

/* The instances of a completed run, or NULL. */
static struct json_object *instances_of(const struct run *r)
{
	struct json_object *v;

	if (r->status != JR_SUCCEEDED || r->output == NULL ||
	    !json_object_object_get_ex(r->output, "instances", &v))
		return NULL;
	return json_object_get(v);
}

static struct json_object *input_field(const struct run *r, const char *name)
{
	struct json_object *v;

	if (r->input == NULL || !json_object_object_get_ex(r->input, name, &v))
		return NULL;
	return json_object_get(v);
}

/* The fields every view of a provisioning request has, with its latest destroy d. */
static struct json_object *request_json(const struct run *r, const struct provision_destroy *d)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "request_id", json_object_new_string(r->uuid));
	json_object_object_add(o, "status", json_object_new_string(jobs_public_status(r->status)));
	json_object_object_add(o, "run_status",
	                       json_object_new_string(jobs_run_status_name(r->status)));
	json_object_object_add(o, "instances", instances_of(r));
	json_object_object_add(o, "cloud_provider", input_field(r, "cloud_provider"));
	json_object_object_add(o, "instance_name_prefix", input_field(r, "instance_name_prefix"));
	json_object_object_add(o, "count", input_field(r, "count"));
	run_creator_json(o, r->created_by, r->created_by_user_id);
	json_object_object_add(o, "created_at", json_object_new_string(r->created_at));
	json_object_object_add(o, "updated_at", json_object_new_string(r->updated_at));
	json_object_object_add(o, "started_at",
	                       r->started_at[0] ? json_object_new_string(r->started_at) : NULL);
	json_object_object_add(o, "finished_at",
	                       r->finished_at[0] ? json_object_new_string(r->finished_at) : NULL);
	json_object_object_add(o, "actions", run_actions_json(r, d));
	if (d->has) {
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "run_id", json_object_new_string(d->run));
		json_object_object_add(x, "status",
		                       json_object_new_string(jobs_public_status(d->status)));
		json_object_object_add(o, "destroy", x);
	} else {
		json_object_object_add(o, "destroy", NULL);
	}
	return o;
}

/* What a person reads: where the request is, from its status and its tasks. */
static const char *status_message(struct req *rq, const struct run *r, struct json_object *tasks)
{
	switch (r->status) {
	case JR_QUEUED: return MSG_ACCEPTED;
	case JR_SUCCEEDED: return MSG_COMPLETED;
	case JR_FAILED:
		return rq_printf(rq, "Instance provisioning failed: %s",
		                 r->message[0] ? r->message : "a step failed");
	case JR_CANCELED: return "Provisioning canceled";
	default: break;
	}
	for (size_t i = 0; i < json_object_array_length(tasks); i++) {
		struct json_object *t = json_object_array_get_idx(tasks, i);
		const char *st = json_object_get_string(json_object_object_get(t, "status"));
		const char *name = json_object_get_string(json_object_object_get(t, "name"));
		int64_t a = json_object_get_int64(json_object_object_get(t, "attempts"));
		int64_t m = json_object_get_int64(json_object_object_get(t, "max_attempts"));

		if (strcmp(st, "running") == 0)
			return rq_printf(rq, "Provisioning in progress: %s (attempt %lld of %lld)",
			                 name, (long long)a, (long long)m);
		if (strcmp(st, "retrying") == 0)
			return rq_printf(
			        rq,
			        "Provisioning in progress: %s failed (attempt %lld of %lld) "
			        "and will be retried: %s",
			        name, (long long)a, (long long)m,
			        json_object_get_string(json_object_object_get(t, "last_error")));
		if (strcmp(st, "ready") == 0)
			return rq_printf(rq, "Provisioning in progress: %s is next", name);
	}
	return "Provisioning in progress";
}

/*
 * GET /status/{request_id} : {"request_id","status":"in_progress|completed|
 * failed|canceled","message","instances"} plus the tasks, timestamps and
 * actions. Raises 404.
 */
int h_provision_status(struct req *rq)
{
	struct provision_destroy d;
	struct json_object *o, *tasks;
	struct run r;
	enum db_rc rc;

	if (run_load_or_reply(rq, "request_id", KIND, &r) < 0)
		return -1;
	if ((rc = db_provision_destroy_of(rq->app->db, r.id, &d)) != DB_OK) {
		run_clear(&r);
		return db_failure(rq, rc, "provisioning request destroy");
	}
	o = rq_own_json(rq, request_json(&r, &d));
	tasks = json_object_new_array();
	json_object_object_add(o, "tasks", tasks);
	if ((rc = run_tasks_json(rq, r.id, tasks)) != DB_OK) {
		run_clear(&r);
		return db_failure(rq, rc, "provisioning request tasks");
	}
	json_object_object_add(o, "message", json_object_new_string(status_message(rq, &r, tasks)));
	run_clear(&r);
	return api_reply(rq, 200, json_object_get(o));
}

/*
 * POST /provision/{request_id}/destroy : a run of kind destroy with one
 * task, terraform_destroy, in the request's working directory. 202
 * {"request_id","destroy_run_id","status":"in_progress","message"}; follow
 * it at GET /runs/{destroy_run_id} (GET /status/{request_id} shows it
 * under "destroy"). Raises 404, 403 when the caller is neither the
 * request's creator nor an admin, 409 when the request has not finished,
 * was canceled, or is being or has been destroyed.
 */
int h_provision_destroy(struct req *rq)
{
	const struct config *cfg = &rq->app->cfg;
	const struct executor *x;
	char target[40];
	struct run_task_new task;
	struct json_object *in, *o;
	char uuid[UUID_LEN + 1];
	struct run_new n;
	struct run r;
	int64_t id;
	enum db_rc rc;

	if (run_load_or_reply(rq, "request_id", KIND, &r) < 0)
		return -1;
	snprintf(target, sizeof(target), "%s", r.uuid);
	if (run_owner_or_403(rq, &r, "destroy") < 0) {
		run_clear(&r);
		return -1;
	}
	x = executor_find(r.executor);
	if (x == NULL || !x->destroys_here) {
		api_error(rq, E_CONFLICT,
		          "request %s was carried out by %s: destroy it there (only "
		          "requests of the %s executor can be destroyed here)",
		          target, r.executor, executor_destroyer()->name);
		run_clear(&r);
		return -1;
	}
	in = rq_own_json(rq, json_object_new_object());
	json_object_object_add(in, "request_id", json_object_new_string(target));
	json_object_object_add(in, "cloud_provider", input_field(&r, "cloud_provider"));
	run_clear(&r);
	util_uuid_v4(uuid);
	task = task_new(cfg, tf_destroy_step, "");
	n = (struct run_new){ .uuid = uuid,
		              .kind = "destroy",
		              .subject = target,
		              .executor = x->name,
		              .input = json_object_to_json_string_ext(in, JSON_C_TO_STRING_PLAIN),
		              .created_by = run_actor(rq),
		              .created_by_user_id = who_id(rq),
		              .tasks = &task,
		              .ntasks = 1 };
	rc = db_provision_destroy_create(rq->app->db, target, &n, &id);
	if (rc == DB_CONFLICT)
		return api_error(rq, E_CONFLICT,
		                 "request %s cannot be destroyed now: it has not finished, was "
		                 "canceled, or is being or has been destroyed",
		                 target);
	if (rc == DB_NOT_FOUND)
		return api_error(rq, E_NOT_FOUND, "no such provisioning request: %s", target);
	if (rc != DB_OK)
		return db_failure(rq, rc, "destroy request");
	o = json_object_new_object();
	json_object_object_add(o, "request_id", json_object_new_string(target));
	json_object_object_add(o, "destroy_run_id", json_object_new_string(uuid));
	json_object_object_add(o, "status", json_object_new_string("in_progress"));
	json_object_object_add(o, "message", json_object_new_string("Destroy requested"));
	run_creator_json(o, run_actor(rq), who_id(rq));
	api_header(rq, "Location", rq_printf(rq, "%s/runs/%s", rq->script_name, uuid));
	return api_reply(rq, 202, o);
}

static void list_row(const struct run *r, const struct provision_destroy *d, void *ud)
{
	json_object_array_add(ud, request_json(r, d));
}

/*
 * GET /provision?status=in_progress|completed|failed|canceled&limit=&offset=
 * : provisioning requests, newest first, paginated. Raises 400.
 */
int h_provision_list(struct req *rq)
{
	enum jobs_run_status st[2];
	size_t nst = 0;
	struct json_object *items;
	int64_t limit, offset, total = 0;
	const char *v;
	enum db_rc rc;

	if (page_params(rq, &limit, &offset) < 0)
		return -1;
	if ((v = rq_query(rq, "status")) != NULL && *v != '\0' &&
	    jobs_public_status_parse(v, st, &nst) < 0)
		return query_invalid(rq, "status",
		                     "must be one of: in_progress, completed, failed, canceled");
	items = rq_own_json(rq, json_object_new_array());
	rc = db_provision_list(rq->app->db, st, nst, limit, offset, list_row, items, &total);
	if (rc != DB_OK)
		return db_failure(rq, rc, "provisioning list");
	return api_reply(rq, 200, page_body(json_object_get(items), total, limit, offset));
}
