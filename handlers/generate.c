/* generate.c: POST /generate, the infrastructure-code generator (the original "Oumi Engine"). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "fcgi/app.h"
#include "handlers/common.h"
#include "handlers/generate.h"
#include "lib/gen.h"
#include "lib/json.h"
#include "lib/llm.h"
#include "lib/log.h"

#define MIN_BUDGET     10
#define BUDGET_MESSAGE "Budget must be at least $10 to generate infrastructure"

static const char *const clouds[] = { "aws", "azure", "gcp", NULL };

/* The rule that has a sentence of its own, as the original service answered. */
static bool budget_floor(struct fields *f, const char *path, const struct field_value *v)
{
	if (v->i >= MIN_BUDGET)
		return true;
	field_fail(f, path, BUDGET_MESSAGE);
	return false;
}

enum { G_PROJECT, G_REQUIREMENTS, G_BUDGET, G_CLOUD, G__MAX };

static const struct field_spec generate_fields[G__MAX] = {
	[G_PROJECT] = { .name = "projectName",
	                .type = FT_STRING,
	                .required = true,
	                .min = 1,
	                .max = 100,
	                .charset = "-_" },
	[G_REQUIREMENTS] = { .name = "requirements",
	                     .type = FT_TEXT,
	                     .required = true,
	                     .min = 10,
	                     .max = 5000 },
	[G_BUDGET] = { .name = "budget",
	               .type = FT_INT,
	               .required = true,
	               .min = 0,
	               .max = 1000000,
	               .check = budget_floor,
	               .schema = "{\"minimum\":10}" },
	[G_CLOUD] = { .name = "cloudProvider",
	              .type = FT_ENUM,
	              .required = true,
	              .allowed = clouds },
};

const struct body_spec generate_body = BODY_SPEC(generate_fields);

/* The original echoed projectName and cloudProvider in every error's details. */
static void echo_field(struct req *rq, struct json_object *details, const char *name)
{
	struct json_object *v = NULL;

	if (json_object_object_get_ex(rq->json, name, &v) &&
	    json_object_is_type(v, json_type_string) && json_object_get_string_len(v) <= 200)
		json_object_object_add(details, name, json_object_get(v));
	else
		json_object_object_add(details, name, NULL);
}

/*
 * 400 with details {errors, projectName, cloudProvider[, extra]}. A lone
 * error that is a whole sentence (the budget rules) is the message itself,
 * as the original service answered.
 */
static int invalid(struct req *rq, struct json_object *errors, struct json_object *extra,
                   const char *sentence)
{
	struct json_object *details = json_object_new_object(); /* api_error_details takes it */
	size_t n = json_object_array_length(errors);
	struct json_object *first = json_object_array_get_idx(errors, 0);
	const char *field = json_object_get_string(json_object_object_get(first, "field"));
	const char *msg = json_object_get_string(json_object_object_get(first, "message"));

	if (details == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	json_object_object_add(details, "errors", json_object_get(errors));
	echo_field(rq, details, "projectName");
	echo_field(rq, details, "cloudProvider");
	if (extra != NULL) {
		json_object_object_foreach (extra, k, v) {
			json_object_object_add(details, k, json_object_get(v));
		}
	}
	if (n == 1 && sentence != NULL)
		return api_error_details(rq, E_VALIDATION, details, "%s", sentence);
	if (n > 1)
		return api_error_details(rq, E_VALIDATION, details, "%s: %s (and %zu more)", field,
		                         msg, n - 1);
	return api_error_details(rq, E_VALIDATION, details, "%s: %s", field, msg);
}

static struct json_object *strings(const char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array_ext((int)n);

	for (size_t i = 0; a != NULL && i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* Cents as a JSON number with exactly two decimals ("monthly_cost": 15.18). */
static struct json_object *dollars(int64_t cents)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
	return json_object_new_double_s((double)cents / 100.0, s);
}

static struct json_object *resources(const struct gen_result *g)
{
	struct json_object *a = json_object_new_array_ext((int)g->nresources);

	for (size_t i = 0; a != NULL && i < g->nresources; i++) {
		const struct gen_resource *r = &g->resources[i];
		struct json_object *o = json_object_new_object();

		if (o == NULL)
			break;
		json_object_object_add(o, "type", json_object_new_string(r->type));
		json_object_object_add(o, "name", json_object_new_string(r->name));
		json_object_object_add(o, "component", json_object_new_string(r->component));
		json_object_object_add(o, "size", json_object_new_string(r->size));
		json_object_object_add(o, "count", json_object_new_int(r->count));
		json_object_object_add(o, "monthly_cost", dollars(r->monthly_cents));
		json_object_array_add(a, o);
	}
	return a;
}

/*
 * The language model, when one is configured, gets the first word; any
 * failure falls back to the rule-based design with a warning saying why.
 */
static const char *try_llm(struct req *rq, const struct gen_request *g, struct gen_result *out)
{
	const struct config *cfg = &rq->app->cfg;
	struct llm_config lc = { cfg->llm_url, cfg->llm_model, cfg->llm_api_key,
		                 cfg->llm_timeout_ms };
	char why[200];
	const char **w;

	if (cfg->llm_url == NULL)
		return "rules";
	if (llm_generate(rq->arena, &lc, g, out, why, sizeof(why)) == 0)
		return "llm";
	log_msg(LOG_WARNING, rq->request_id, "language model not used: %s", why);
	if ((w = rq_alloc(rq, (out->nwarnings + 1) * sizeof(*w))) != NULL) {
		memcpy(w, out->warnings, out->nwarnings * sizeof(*w));
		w[out->nwarnings] = rq_printf(rq,
		                              "The language model's answer was not used (%s); this "
		                              "is the rule-based design.",
		                              why);
		if (w[out->nwarnings] != NULL) {
			out->warnings = w;
			out->nwarnings++;
		}
	}
	return "rules";
}

int h_generate(struct req *rq)
{
	struct fields f = { rq, NULL };
	struct field_value v[G__MAX];
	struct gen_request g = { 0 };
	struct gen_result out;
	struct json_object *body;
	const char *cloud, *generator;
	int64_t budget;

	if (fields_collect(&f, NULL, NULL, &generate_body, v) > 0) {
		/* A lone budget-floor failure is answered with its sentence. */
		struct json_object *e = json_object_array_get_idx(f.errors, 0);
		const char *m = json_object_get_string(json_object_object_get(e, "message"));

		return invalid(rq, f.errors, NULL,
		               m != NULL && strcmp(m, BUDGET_MESSAGE) == 0 ? BUDGET_MESSAGE : NULL);
	}
	g.project = v[G_PROJECT].s;
	g.requirements = v[G_REQUIREMENTS].s;
	g.budget = budget = v[G_BUDGET].i;
	cloud = v[G_CLOUD].s;
	gen_cloud_parse(cloud, &g.cloud);

	switch (gen_generate(rq->arena, &g, &out)) {
	case GEN_OK: break;
	case GEN_OVER_BUDGET: {
		struct json_object *errors = rq_own_json(rq, json_object_new_array());
		struct json_object *extra = rq_own_json(rq, json_object_new_object());
		char *msg =
		        rq_printf(rq,
		                  "Budget of $%lld is below the $%lld a month that the smallest "
		                  "design for these requirements costs",
		                  (long long)budget, (long long)out.min_cost);

		if (errors == NULL || extra == NULL || msg == NULL)
			return api_error(rq, E_INTERNAL, "out of memory");
		json_errors_add(errors, "budget", "%s", msg);
		json_object_object_add(extra, "min_cost", json_object_new_int64(out.min_cost));
		return invalid(rq, errors, extra, msg);
	}
	case GEN_NOMEM:
	default: return api_error(rq, E_INTERNAL, "out of memory");
	}
	generator = try_llm(rq, &g, &out);

	if ((body = json_object_new_object()) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	json_object_object_add(body, "hcl", json_object_new_string_len(out.hcl, (int)out.hcl_len));
	json_object_object_add(body, "cost", json_object_new_int64(out.cost));
	json_object_object_add(body, "status", json_object_new_string("success"));
	json_object_object_add(
	        body, "message",
	        json_object_new_string(rq_printf(
	                rq, "Infrastructure code generated successfully for %s", g.project)));
	json_object_object_add(body, "generator", json_object_new_string(generator));
	json_object_object_add(body, "projectName", json_object_new_string(g.project));
	json_object_object_add(body, "cloudProvider", json_object_new_string(cloud));
	json_object_object_add(body, "budget", json_object_new_int64(g.budget));
	json_object_object_add(body, "currency", json_object_new_string("USD"));
	json_object_object_add(body, "resources", resources(&out));
	json_object_object_add(body, "assumptions", strings(out.assumptions, out.nassumptions));
	json_object_object_add(body, "warnings", strings(out.warnings, out.nwarnings));
	json_object_object_add(body, "price_date", json_object_new_string(out.price_date));
	return api_reply(rq, 200, body);
}
