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

/* ------------------------------------------------------------------ validation */

/* One provider_config string: its name, and the prefix its value must have ("" any). */
struct pc_field {
	const char *name;
	const char *prefix;
};

static const struct pc_field aws_fields[] = {
	{ "region", "" },     { "instance_type", "" }, { "subnet_id", "subnet-" },
	{ "ami_id", "ami-" }, { NULL, NULL },
};
static const struct pc_field oci_fields[] = {
	{ "region", "" }, { "compartment_id", "ocid1." }, { "availability_domain", "" },
	{ "shape", "" },  { "image_id", "ocid1." },       { "subnet_id", "ocid1." },
	{ NULL, NULL },
};

/* Cloud identifiers: letters, digits and . _ : - (no spaces, quotes or slashes). */
static bool ident_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                          "0123456789._:-") == n;
}

/*
 * Reads provider_config.<name> as an identifier of 1-255 characters
 * starting with `prefix`; records a failure named provider_config.<name>.
 */
static const char *pc_str(struct fields *f, struct json_object *pc, const char *name,
                          const char *prefix)
{
	char field[64];
	struct json_object *v;
	const char *s;

	snprintf(field, sizeof(field), "provider_config.%s", name);
	if (!json_object_object_get_ex(pc, name, &v) || json_object_is_type(v, json_type_null)) {
		field_fail(f, field, "is required");
		return NULL;
	}
	if (!json_object_is_type(v, json_type_string)) {
		field_fail(f, field, "must be a string");
		return NULL;
	}
	s = json_object_get_string(v);
	if (strlen(s) > 255 || !ident_ok(s)) {
		field_fail(f, field, "must be 1 to 255 letters, digits, '.', '_', ':' or '-'");
		return NULL;
	}
	if (strncmp(s, prefix, strlen(prefix)) != 0) {
		field_fail(f, field, "must start with '%s'", prefix);
		return NULL;
	}
	return s;
}

/* provider_config.security_group_ids: 1-16 ids "sg-...". Returns a copy or NULL. */
static struct json_object *pc_groups(struct fields *f, struct json_object *pc)
{
	static const char field[] = "provider_config.security_group_ids";
	struct json_object *v, *out;
	size_t n;

	if (!json_object_object_get_ex(pc, "security_group_ids", &v) ||
	    json_object_is_type(v, json_type_null)) {
		field_fail(f, field, "is required");
		return NULL;
	}
	if (!json_object_is_type(v, json_type_array) || (n = json_object_array_length(v)) == 0 ||
	    n > 16) {
		field_fail(f, field, "must be a list of 1 to 16 security group ids");
		return NULL;
	}
	out = rq_own_json(f->rq, json_object_new_array());
	for (size_t i = 0; i < n; i++) {
		struct json_object *g = json_object_array_get_idx(v, i);
		const char *s =
		        json_object_is_type(g, json_type_string) ? json_object_get_string(g) : NULL;

		if (s == NULL || strlen(s) > 255 || !ident_ok(s) || strncmp(s, "sg-", 3) != 0) {
			field_fail(f, field, "item %zu must be a security group id (sg-...)", i);
			return NULL;
		}
		json_object_array_add(out, json_object_new_string(s));
	}
	return out;
}

/* instance_name_prefix: a name clouds accept: a letter, then letters, digits, '-' or '_'. */
static const char *name_prefix(struct fields *f)
{
	const char *s = field_str(f, "instance_name_prefix", true, 1, 63);

	if (s == NULL)
		return NULL;
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
	            strlen(s)) {
		field_fail(
		        f, "instance_name_prefix",
		        "must start with a letter and contain only letters, digits, '-' and '_'");
		return NULL;
	}
	return s;
}

/*
 * callback_url: a URL lib/netcheck.c lets the reconcilers call (https to a
 * public address, or what STRATUS_WEBHOOK_ALLOW admits; its host resolved
 * and every address checked now, and again at each delivery), and only
 * where deliveries can be signed (STRATUS_WEBHOOK_SECRET). Sets *cb.
 */
static void callback_url(struct fields *f, const char **cb)
{
	const struct config *cfg = &f->rq->app->cfg;
	struct netcheck_target t;
	struct json_object *v;
	char why[300];

	*cb = NULL;
	if (!json_object_object_get_ex(f->rq->json, "callback_url", &v) ||
	    json_object_is_type(v, json_type_null))
		return;
	if (!json_object_is_type(v, json_type_string)) {
		field_fail(f, "callback_url", "must be a string");
		return;
	}
	if (cfg->webhook_secret == NULL) {
		field_fail(f, "callback_url",
		           "completion webhooks are not configured on this server "
		           "(STRATUS_WEBHOOK_SECRET)");
		return;
	}
	if (netcheck_url(json_object_get_string(v), cfg->webhook_allow, &t, why, sizeof(why)) !=
	    NETCHECK_OK) {
		field_fail(f, "callback_url", "%s", why);
		return;
	}
	*cb = json_object_get_string(v);
}

/*
 * Validates the body of POST /provision and builds the run's input (request
 * memory), without request_id; *cb is the callback_url or NULL. Returns
 * the input, or NULL after answering 400 with every failing field.
 */
static struct json_object *provision_input(struct req *rq, const char **cb)
{
	static const char *const clouds[] = { "aws", "oci", NULL };
	struct fields f = { rq, NULL };
	struct json_object *pc = NULL, *cfg, *in, *v;
	const char *cloud, *prefix;
	int64_t count = 0;
	bool have_count;

	cloud = field_enum(&f, "cloud_provider", true, clouds);
	if (!json_object_object_get_ex(rq->json, "provider_config", &pc) ||
	    json_object_is_type(pc, json_type_null)) {
		field_fail(&f, "provider_config", "is required");
		pc = NULL;
	} else if (!json_object_is_type(pc, json_type_object)) {
		field_fail(&f, "provider_config", "must be an object");
		pc = NULL;
	}
	prefix = name_prefix(&f);
	have_count = field_int(&f, "count", true, 1, rq->app->cfg.provision_max_count, &count);
	callback_url(&f, cb);

	cfg = rq_own_json(rq, json_object_new_object());
	if (cloud != NULL && pc != NULL) {
		const struct pc_field *fl = strcmp(cloud, "aws") == 0 ? aws_fields : oci_fields;

		for (size_t i = 0; fl[i].name != NULL; i++) {
			const char *s = pc_str(&f, pc, fl[i].name, fl[i].prefix);

			if (s != NULL)
				json_object_object_add(cfg, fl[i].name, json_object_new_string(s));
		}
		if (strcmp(cloud, "aws") == 0 && (v = pc_groups(&f, pc)) != NULL)
			json_object_object_add(cfg, "security_group_ids", json_object_get(v));
	}
	if (fields_done(&f) < 0)
		return NULL;
	(void)have_count;
	in = rq_own_json(rq, json_object_new_object());
	json_object_object_add(in, "cloud_provider", json_object_new_string(cloud));
	json_object_object_add(in, "provider_config", json_object_get(cfg));
	json_object_object_add(in, "instance_name_prefix", json_object_new_string(prefix));
	json_object_object_add(in, "count", json_object_new_int64(count));
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
		tasks[i] = (struct run_task_new){ .name = tf_provision_steps[i],
			                          .depends_on = i ? tf_provision_steps[i - 1] : "",
			                          .max_attempts = cfg->max_attempts,
			                          .retry_delay_s = cfg->retry_delay_s,
			                          .retry_backoff = cfg->retry_backoff,
			                          .timeout_s = cfg->step_timeout_s };
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
	task = (struct run_task_new){ .name = tf_destroy_step,
		                      .depends_on = "",
		                      .max_attempts = cfg->max_attempts,
		                      .retry_delay_s = cfg->retry_delay_s,
		                      .retry_backoff = cfg->retry_backoff,
		                      .timeout_s = cfg->step_timeout_s };
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
