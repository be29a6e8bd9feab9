/* exec_airflow.c: the airflow executor: a provisioning run handed to an Apache Airflow DAG. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "jobs/exec_airflow.h"
#include "lib/httpc.h"

/*
 * Airflow's stable REST API (/api/v1): the DAG run of a request is
 * "stratus-<request_id>", created once with the request as its conf; each
 * Stratus task of the run is the task instance of the same name. Airflow
 * does the work and its own retries; Stratus looks, and comes back later
 * (AF_STEP_WAIT) until the task instance has finished.
 */

#define MAX_ANSWER (1024 * 1024)

enum af_verdict af_map_state(const char *state)
{
	static const char *const done[] = { "success", NULL };
	static const char *const failed[] = { "failed", "upstream_failed", "skipped", "removed",
		                              NULL };

	if (state == NULL)
		return AF_WAIT; /* no state: not scheduled yet */
	for (size_t i = 0; done[i] != NULL; i++)
		if (strcmp(state, done[i]) == 0)
			return AF_SUCCESS;
	for (size_t i = 0; failed[i] != NULL; i++)
		if (strcmp(state, failed[i]) == 0)
			return AF_FAILED;
	/* queued, scheduled, running, up_for_retry, up_for_reschedule, deferred, restarting... */
	return AF_WAIT;
}

/* Letters, digits, '-', '_', '.': safe in a URL path without escaping. */
static int token_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 250 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

/* One request to Airflow with the configured credentials. */
static int call(const struct af_ctx *c, const char *method, const char *path, const char *body,
                struct httpc_response *res, char *err, size_t errlen)
{
	char url[2048], auth[1024];
	const char *headers[4];
	size_t n = 0, ul = strlen(c->url);

	snprintf(url, sizeof(url), "%.*s%s", (int)(ul > 0 && c->url[ul - 1] == '/' ? ul - 1 : ul),
	         c->url, path);
	headers[n++] = "Accept: application/json";
	if (body != NULL)
		headers[n++] = "Content-Type: application/json";
	if (c->token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->token);
		headers[n++] = auth;
	} else if (c->user != NULL) {
		char up[512], b64[sodium_base64_ENCODED_LEN(512, sodium_base64_VARIANT_ORIGINAL)];
		int k = snprintf(up, sizeof(up), "%s:%s", c->user, c->password ? c->password : "");

		if (k < 0 || (size_t)k >= sizeof(up)) {
			snprintf(err, errlen, "AIRFLOW_USERNAME and AIRFLOW_PASSWORD are too long");
			return -1;
		}
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)up, (size_t)k,
		                  sodium_base64_VARIANT_ORIGINAL);
		snprintf(auth, sizeof(auth), "Authorization: Basic %s", b64);
		sodium_memzero(up, sizeof(up));
		headers[n++] = auth;
	}
	headers[n] = NULL;
	memset(res, 0, sizeof(*res));
	if (httpc_request(method, url, headers, body, body ? strlen(body) : 0, c->timeout_ms,
	                  MAX_ANSWER, res, err, errlen) < 0) {
		sodium_memzero(auth, sizeof(auth));
		return -1;
	}
	sodium_memzero(auth, sizeof(auth));
	return 0;
}

/* The DAG run of the request exists afterwards (made here, or before, or by a racer). */
static int ensure_dag_run(const struct af_ctx *c, const char *run_id, struct json_object *input,
                          char *err, size_t errlen)
{
	struct httpc_response res = { 0 };
	char path[600];
	struct json_object *body;
	int rc = -1;

	snprintf(path, sizeof(path), "/api/v1/dags/%s/dagRuns/%s", c->dag, run_id);
	if (call(c, "GET", path, NULL, &res, err, errlen) < 0)
		goto out;
	if (res.status == 200) {
		rc = 0;
		goto out;
	}
	if (res.status != 404) {
		snprintf(err, errlen, "Airflow answered HTTP %ld to GET %s", res.status, path);
		goto out;
	}
	free(res.body);
	res.body = NULL;
	body = json_object_new_object();
	json_object_object_add(body, "dag_run_id", json_object_new_string(run_id));
	json_object_object_add(body, "conf", json_object_get(input));
	snprintf(path, sizeof(path), "/api/v1/dags/%s/dagRuns", c->dag);
	rc = call(c, "POST", path, json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN),
	          &res, err, errlen);
	json_object_put(body);
	if (rc < 0)
		goto out;
	rc = -1;
	if (res.status == 200 || res.status == 201 || res.status == 409) {
		printf("Airflow DAG run %s of %s %s\n", run_id, c->dag,
		       res.status == 409 ? "existed already" : "triggered");
		rc = 0;
	} else {
		snprintf(err, errlen, "Airflow answered HTTP %ld to POST %s", res.status, path);
	}
out:
	free(res.body);
	return rc;
}

/* The instances the DAG's terraform_apply returned (its XCom return_value, a JSON text). */
static int apply_output(const struct af_ctx *c, const char *run_id, const char *step, char **output,
                        char *err, size_t errlen)
{
	struct httpc_response res = { 0 };
	struct json_object *o = NULL, *v, *inner = NULL;
	char path[700];
	int rc = -1;

	snprintf(path, sizeof(path),
	         "/api/v1/dags/%s/dagRuns/%s/taskInstances/%s/xcomEntries/return_value", c->dag,
	         run_id, step);
	if (call(c, "GET", path, NULL, &res, err, errlen) < 0)
		goto out;
	if (res.status != 200 || (o = json_tokener_parse(res.body ? res.body : "")) == NULL ||
	    !json_object_object_get_ex(o, "value", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    (inner = json_tokener_parse(json_object_get_string(v))) == NULL ||
	    !json_object_is_type(inner, json_type_object)) {
		snprintf(err, errlen, "the XCom return_value of %s is not a JSON object (HTTP %ld)",
		         step, res.status);
		goto out;
	}
	*output = strdup(json_object_to_json_string_ext(inner, JSON_C_TO_STRING_PLAIN));
	rc = *output ? 0 : -1;
out:
	json_object_put(inner);
	json_object_put(o);
	free(res.body);
	return rc;
}

int af_step(const struct af_ctx *c, const char *step, struct json_object *input, char **output,
            char *err, size_t errlen)
{
	struct httpc_response res = { 0 };
	struct json_object *rid = NULL, *ti = NULL, *st, *tries;
	const char *state = NULL;
	char run_id[64], path[700];
	int rc = AF_STEP_RETRY;

	*output = NULL;
	if (!json_object_object_get_ex(input, "request_id", &rid) ||
	    !json_object_is_type(rid, json_type_string) ||
	    strlen(json_object_get_string(rid)) != 36 || !token_ok(json_object_get_string(rid))) {
		snprintf(err, errlen, "the run's input has no request_id");
		return AF_STEP_FAILED;
	}
	if (!token_ok(c->dag) || !token_ok(step)) {
		snprintf(err, errlen, "AIRFLOW_DAG_ID and task names must be letters, digits, -_.");
		return AF_STEP_FAILED;
	}
	snprintf(run_id, sizeof(run_id), "stratus-%s", json_object_get_string(rid));
	if (ensure_dag_run(c, run_id, input, err, errlen) < 0)
		return AF_STEP_RETRY;
	snprintf(path, sizeof(path), "/api/v1/dags/%s/dagRuns/%s/taskInstances/%s", c->dag, run_id,
	         step);
	if (call(c, "GET", path, NULL, &res, err, errlen) < 0)
		goto out;
	if (res.status == 404) { /* the scheduler has not made the task instances yet */
		printf("Airflow: %s is not scheduled yet\n", step);
		rc = AF_STEP_WAIT;
		goto out;
	}
	if (res.status != 200 || (ti = json_tokener_parse(res.body ? res.body : "")) == NULL) {
		snprintf(err, errlen, "Airflow answered HTTP %ld to GET %s", res.status, path);
		goto out;
	}
	if (json_object_object_get_ex(ti, "state", &st) &&
	    json_object_is_type(st, json_type_string))
		state = json_object_get_string(st);
	json_object_object_get_ex(ti, "try_number", &tries);
	switch (af_map_state(state)) {
	case AF_SUCCESS:
		printf("Airflow: %s succeeded (try %d)\n", step, json_object_get_int(tries));
		rc = strcmp(step, "terraform_apply") == 0 &&
		                     apply_output(c, run_id, step, output, err, errlen) < 0
		             ? AF_STEP_RETRY
		             : AF_STEP_DONE;
		break;
	case AF_FAILED:
		snprintf(err, errlen, "the Airflow task %s is %s (try %d)", step, state,
		         json_object_get_int(tries));
		rc = AF_STEP_FAILED;
		break;
	default:
		printf("Airflow: %s is %s\n", step, state ? state : "not scheduled yet");
		rc = AF_STEP_WAIT;
		break;
	}
out:
	json_object_put(ti);
	free(res.body);
	fflush(stdout);
	return rc;
}
