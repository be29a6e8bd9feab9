/* t_engine.c: the run engine without a database: readiness, cancel cascades, retries. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/engine.h"
#include "jobs/exec_airflow.h"
#include "jobs/exec_terraform.h"
#include "jobs/webhook.h"
#include "tests/unit/unit.h"

static void task(struct jobs_task *t, const char *name, const char *deps, enum jobs_task_status s)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->depends_on, sizeof(t->depends_on), "%s", deps);
	t->status = s;
}

/* The provisioning chain: prepare >> init >> apply. */
static void chain(struct jobs_task t[3], enum jobs_task_status a, enum jobs_task_status b,
                  enum jobs_task_status c)
{
	task(&t[0], "prepare_terraform_vars", "", a);
	task(&t[1], "terraform_init", "prepare_terraform_vars", b);
	task(&t[2], "terraform_apply", "terraform_init", c);
}

START_TEST(status_names_round_trip)
{
	for (int i = 0; i < JR__MAX; i++) {
		enum jobs_run_status s;

		ck_assert_int_eq(jobs_run_status_parse(jobs_run_status_name(i), &s), 0);
		ck_assert_int_eq(s, i);
	}
	for (int i = 0; i < JT__MAX; i++) {
		enum jobs_task_status s;

		ck_assert_int_eq(jobs_task_status_parse(jobs_task_status_name(i), &s), 0);
		ck_assert_int_eq(s, i);
	}
	{
		enum jobs_run_status s;
		enum jobs_task_status ts;

		ck_assert_int_eq(jobs_run_status_parse("done", &s), -1);
		ck_assert_int_eq(jobs_task_status_parse("", &ts), -1);
	}
	ck_assert_ptr_null(jobs_run_status_name(JR__MAX));
	ck_assert_str_eq(jobs_public_status(JR_QUEUED), "in_progress");
	ck_assert_str_eq(jobs_public_status(JR_RUNNING), "in_progress");
	ck_assert_str_eq(jobs_public_status(JR_SUCCEEDED), "completed");
	ck_assert_str_eq(jobs_public_status(JR_FAILED), "failed");
	ck_assert_str_eq(jobs_public_status(JR_CANCELED), "canceled");
}
END_TEST

START_TEST(public_status_filter)
{
	enum jobs_run_status s[2];
	size_t n;

	ck_assert_int_eq(jobs_public_status_parse("in_progress", s, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(s[0], JR_QUEUED);
	ck_assert_int_eq(s[1], JR_RUNNING);
	ck_assert_int_eq(jobs_public_status_parse("completed", s, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(s[0], JR_SUCCEEDED);
	ck_assert_int_eq(jobs_public_status_parse("succeeded", s, &n), -1);
	ck_assert_int_eq(jobs_public_status_parse("", s, &n), -1);
}
END_TEST

START_TEST(a_new_chain_readies_only_its_root)
{
	struct jobs_task t[3];
	enum jobs_run_status run = JR_QUEUED;

	chain(t, JT_PENDING, JT_PENDING, JT_PENDING);
	ck_assert_uint_eq(jobs_settle(t, 3, &run), 1);
	ck_assert_int_eq(t[0].status, JT_READY);
	ck_assert(t[0].changed);
	ck_assert_int_eq(t[1].status, JT_PENDING);
	ck_assert(!t[1].changed);
	ck_assert_int_eq(t[2].status, JT_PENDING);
	ck_assert_int_eq(run, JR_QUEUED);
}
END_TEST

START_TEST(success_readies_the_next_task_and_finishes_the_run)
{
	struct jobs_task t[3];
	enum jobs_run_status run = JR_RUNNING;

	chain(t, JT_SUCCEEDED, JT_PENDING, JT_PENDING);
	ck_assert_uint_eq(jobs_settle(t, 3, &run), 1);
	ck_assert_int_eq(t[1].status, JT_READY);
	ck_assert_int_eq(t[2].status, JT_PENDING);
	ck_assert_int_eq(run, JR_RUNNING);

	chain(t, JT_SUCCEEDED, JT_SUCCEEDED, JT_SUCCEEDED);
	ck_assert_uint_eq(jobs_settle(t, 3, &run), 0);
	ck_assert_int_eq(run, JR_SUCCEEDED);
}
END_TEST

START_TEST(a_retrying_task_keeps_the_run_running)
{
	struct jobs_task t[3];
	enum jobs_run_status run = JR_QUEUED;

	chain(t, JT_SUCCEEDED, JT_RETRYING, JT_PENDING);
	ck_assert_uint_eq(jobs_settle(t, 3, &run), 0);
	ck_assert_int_eq(run, JR_RUNNING);
	ck_assert_int_eq(t[2].status, JT_PENDING);
}
END_TEST

START_TEST(failure_cancels_dependents_transitively_and_fails_the_run)
{
	struct jobs_task t[3];
	enum jobs_run_status run = JR_RUNNING;

	chain(t, JT_FAILED, JT_PENDING, JT_PENDING);
	ck_assert_uint_eq(jobs_settle(t, 3, &run), 2);
	ck_assert_int_eq(t[1].status, JT_CANCELED);
	ck_assert_int_eq(t[2].status, JT_CANCELED);
	ck_assert_int_eq(run, JR_FAILED);
}
END_TEST

START_TEST(an_independent_branch_runs_on_after_a_failure)
{
	struct jobs_task t[4];
	enum jobs_run_status run = JR_RUNNING;

	task(&t[0], "a", "", JT_FAILED);
	task(&t[1], "b", "a", JT_PENDING);
	task(&t[2], "c", "", JT_RUNNING);
	task(&t[3], "d", "c", JT_PENDING);
	ck_assert_uint_eq(jobs_settle(t, 4, &run), 1);
	ck_assert_int_eq(t[1].status, JT_CANCELED);
	ck_assert_int_eq(t[3].status, JT_PENDING);
	ck_assert_int_eq(run, JR_RUNNING); /* c still runs */

	t[2].status = JT_SUCCEEDED;
	ck_assert_uint_eq(jobs_settle(t, 4, &run), 1);
	ck_assert_int_eq(t[3].status, JT_READY);
	t[3].status = JT_SUCCEEDED;
	jobs_settle(t, 4, &run);
	ck_assert_int_eq(run, JR_FAILED);
}
END_TEST

START_TEST(a_join_waits_for_every_dependency)
{
	struct jobs_task t[3];
	enum jobs_run_status run = JR_RUNNING;

	task(&t[0], "a", "", JT_SUCCEEDED);
	task(&t[1], "b", "", JT_RUNNING);
	task(&t[2], "c", "a,b", JT_PENDING);
	ck_assert_uint_eq(jobs_settle(t, 3, &run), 0);
	ck_assert_int_eq(t[2].status, JT_PENDING);
	t[1].status = JT_SUCCEEDED;
	ck_assert_uint_eq(jobs_settle(t, 3, &run), 1);
	ck_assert_int_eq(t[2].status, JT_READY);
}
END_TEST

START_TEST(canceled_tasks_make_a_canceled_run_and_terminal_runs_stay)
{
	struct jobs_task t[3];
	enum jobs_run_status run = JR_RUNNING;

	chain(t, JT_SUCCEEDED, JT_CANCELED, JT_PENDING);
	jobs_settle(t, 3, &run);
	ck_assert_int_eq(t[2].status, JT_CANCELED);
	ck_assert_int_eq(run, JR_CANCELED);

	run = JR_CANCELED; /* canceled by a user while a task still runs */
	chain(t, JT_RUNNING, JT_PENDING, JT_PENDING);
	jobs_settle(t, 3, &run);
	ck_assert_int_eq(run, JR_CANCELED);
}
END_TEST

START_TEST(graph_check)
{
	struct jobs_task t[3];
	char why[160];

	chain(t, JT_PENDING, JT_PENDING, JT_PENDING);
	ck_assert_int_eq(jobs_graph_check(t, 3, why, sizeof(why)), 0);
	ck_assert_int_eq(jobs_graph_check(t, 0, why, sizeof(why)), -1);

	task(&t[2], "terraform_apply", "terraform_init,nope", JT_PENDING);
	ck_assert_int_eq(jobs_graph_check(t, 3, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "unknown task nope"));

	task(&t[0], "a", "c", JT_PENDING);
	task(&t[1], "b", "a", JT_PENDING);
	task(&t[2], "c", "b", JT_PENDING);
	ck_assert_int_eq(jobs_graph_check(t, 3, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "cycle"));

	task(&t[0], "a", "a", JT_PENDING);
	ck_assert_int_eq(jobs_graph_check(t, 1, why, sizeof(why)), -1);

	task(&t[0], "a", "", JT_PENDING);
	task(&t[1], "a", "", JT_PENDING);
	ck_assert_int_eq(jobs_graph_check(t, 2, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "two tasks"));

	task(&t[0], "Bad-Name", "", JT_PENDING);
	ck_assert_int_eq(jobs_graph_check(t, 1, why, sizeof(why)), -1);

	/* A diamond is fine. */
	{
		struct jobs_task d[4];

		task(&d[0], "a", "", JT_PENDING);
		task(&d[1], "b", "a", JT_PENDING);
		task(&d[2], "c", "a", JT_PENDING);
		task(&d[3], "d", "b,c", JT_PENDING);
		ck_assert_int_eq(jobs_graph_check(d, 4, why, sizeof(why)), 0);
	}
}
END_TEST

START_TEST(retries_stop_at_max_attempts)
{
	ck_assert_int_eq(jobs_on_failure(1, 3), JOBS_RETRY);
	ck_assert_int_eq(jobs_on_failure(2, 3), JOBS_RETRY);
	ck_assert_int_eq(jobs_on_failure(3, 3), JOBS_FAIL);
	ck_assert_int_eq(jobs_on_failure(4, 3), JOBS_FAIL);
	ck_assert_int_eq(jobs_on_failure(1, 1), JOBS_FAIL);
}
END_TEST

START_TEST(retry_delay_fixed_backoff_and_jitter)
{
	/* The original: 5 minutes, every time. */
	ck_assert_int_eq(jobs_retry_delay_ms(300, 1, false, 0, 0), 300000);
	ck_assert_int_eq(jobs_retry_delay_ms(300, 2, false, 0, 0.7), 300000);
	/* Exponential: 1 s, 2 s, 4 s, 8 s. */
	ck_assert_int_eq(jobs_retry_delay_ms(1, 1, true, 0, 0), 1000);
	ck_assert_int_eq(jobs_retry_delay_ms(1, 2, true, 0, 0), 2000);
	ck_assert_int_eq(jobs_retry_delay_ms(1, 4, true, 0, 0), 8000);
	/* Capped at a day however many attempts. */
	ck_assert_int_eq(jobs_retry_delay_ms(300, 60, true, 0, 0), 86400000);
	ck_assert_int_eq(jobs_retry_delay_ms(1000000, 1, false, 0, 0), 86400000);
	/* Jitter adds up to its fraction. */
	ck_assert_int_eq(jobs_retry_delay_ms(10, 1, false, 0.5, 0.5), 12500);
	ck_assert_int_lt(jobs_retry_delay_ms(10, 1, false, 0.5, 1.0), 15000);
	ck_assert_int_eq(jobs_retry_delay_ms(10, 1, false, 5.0, 0.5), 15000);
	ck_assert_int_eq(jobs_retry_delay_ms(0, 3, true, 0.5, 0.5), 0);
	ck_assert_int_eq(jobs_retry_delay_ms(-5, 1, false, 0, 0), 0);
}
END_TEST

START_TEST(actions_follow_the_status)
{
	struct jobs_actions a;

	a = jobs_run_actions(JR_QUEUED, "provision");
	ck_assert(a.is_cancelable && !a.is_retryable && !a.is_destroyable);
	a = jobs_run_actions(JR_RUNNING, "provision");
	ck_assert(a.is_cancelable && !a.is_retryable && !a.is_destroyable);
	a = jobs_run_actions(JR_SUCCEEDED, "provision");
	ck_assert(!a.is_cancelable && !a.is_retryable && a.is_destroyable);
	a = jobs_run_actions(JR_FAILED, "provision");
	ck_assert(!a.is_cancelable && a.is_retryable && a.is_destroyable);
	a = jobs_run_actions(JR_CANCELED, "provision");
	ck_assert(!a.is_cancelable && a.is_retryable && !a.is_destroyable);
	a = jobs_run_actions(JR_SUCCEEDED, "destroy");
	ck_assert(!a.is_destroyable);
}
END_TEST

/* ------------------------------------------------------------------ the terraform executor */

START_TEST(tfvars_from_a_request)
{
	char err[160];
	struct json_object *in = json_tokener_parse(
	        "{\"request_id\":\"x\",\"cloud_provider\":\"aws\",\"instance_name_prefix\":\"web\","
	        "\"count\":2,\"provider_config\":{\"region\":\"us-east-2\",\"instance_type\":"
	        "\"t2.micro\",\"subnet_id\":\"subnet-1\",\"ami_id\":\"ami-1\","
	        "\"security_group_ids\":[\"sg-1\"]}}");
	struct json_object *v = tf_vars(in, err, sizeof(err));

	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
	                 "{\"region\":\"us-east-2\",\"instance_type\":\"t2.micro\",\"subnet_id\":"
	                 "\"subnet-1\",\"ami_id\":\"ami-1\",\"security_group_ids\":[\"sg-1\"],"
	                 "\"instance_name_prefix\":\"web\",\"instance_count\":2}");
	json_object_put(v);
	/* An OCI request lacking its shape. */
	json_object_object_add(in, "cloud_provider", json_object_new_string("oci"));
	ck_assert_ptr_null(tf_vars(in, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "provider_config.compartment_id"));
	json_object_object_add(in, "cloud_provider", json_object_new_string("gcp"));
	ck_assert_ptr_null(tf_vars(in, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "no module"));
	json_object_put(in);
}
END_TEST

START_TEST(terraform_outputs_become_instances)
{
	char err[160];
	struct json_object *a = tf_parse_outputs("{\"instance_ids\":{\"sensitive\":false,\"type\":["
	                                         "\"tuple\",[\"string\",\"string\"]],"
	                                         "\"value\":[\"i-1\",\"i-2\"]},\"private_ips\":{"
	                                         "\"value\":[\"10.0.0.1\",\"10.0.0.2\"]},"
	                                         "\"public_ips\":{\"value\":[\"54.1.1.1\",null]}}",
	                                         err, sizeof(err));

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
	                 "[{\"instance_id\":\"i-1\",\"private_ip\":\"10.0.0.1\",\"public_ip\":"
	                 "\"54.1.1.1\"},{\"instance_id\":\"i-2\",\"private_ip\":\"10.0.0.2\","
	                 "\"public_ip\":null}]");
	json_object_put(a);
	/* No public_ips output at all: null addresses, not a failure. */
	a = tf_parse_outputs("{\"instance_ids\":{\"value\":[\"i-1\"]}}", err, sizeof(err));
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(json_object_array_length(a), 1);
	json_object_put(a);
	ck_assert_ptr_null(tf_parse_outputs("{}", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "instance_ids"));
	ck_assert_ptr_null(tf_parse_outputs("Error: no state", err, sizeof(err)));
	ck_assert_ptr_null(tf_parse_outputs(NULL, err, sizeof(err)));
	ck_assert(tf_step_known("terraform_apply"));
	ck_assert(!tf_step_known("terraform_plan"));
}
END_TEST

START_TEST(airflow_states_map_to_verdicts)
{
	static const char *const wait[] = { "queued",       "scheduled",         "running",
		                            "up_for_retry", "deferred",          "restarting",
		                            "none",         "up_for_reschedule", NULL };

	ck_assert_int_eq(af_map_state(NULL), AF_WAIT);
	for (size_t i = 0; wait[i] != NULL; i++)
		ck_assert_int_eq(af_map_state(wait[i]), AF_WAIT);
	ck_assert_int_eq(af_map_state("success"), AF_SUCCESS);
	ck_assert_int_eq(af_map_state("failed"), AF_FAILED);
	ck_assert_int_eq(af_map_state("upstream_failed"), AF_FAILED);
	ck_assert_int_eq(af_map_state("skipped"), AF_FAILED);
	ck_assert_int_eq(af_map_state("removed"), AF_FAILED);
}
END_TEST

START_TEST(webhook_signature_is_hmac_sha256_of_t_dot_body)
{
	char sig[128];
	const char *body = "{\"a\":1}";

	/* Python: hmac.new(b"k" * 32, b'1700000000.{"a":1}', hashlib.sha256).hexdigest() */
	webhook_signature("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", 1700000000, body, strlen(body), sig,
	                  sizeof(sig));
	ck_assert_str_eq(sig, "t=1700000000,v1=6935b796c0fec66e5dee52c86c7fd1218a424c32f1adb239ff"
	                      "2893c31e54f033");
}
END_TEST

/* A running task on attempt 2 of 3, leased by "r1", with a 10 s delay and no backoff. */
static struct jobs_attempt_task leased_task(void)
{
	return (struct jobs_attempt_task){ .name = "terraform_apply",
		                           .status = JT_RUNNING,
		                           .attempts = 2,
		                           .max_attempts = 3,
		                           .retry_delay_s = 10,
		                           .backoff = false,
		                           .lease_owner = "r1",
		                           .lease_expired = false };
}

START_TEST(only_the_lease_holder_records_its_attempt)
{
	struct jobs_attempt_task t = leased_task();

	ck_assert(jobs_attempt_fenced(&t, 2, "r1"));
	ck_assert(!jobs_attempt_fenced(&t, 2, "r2"));
	ck_assert(!jobs_attempt_fenced(&t, 1, "r1"));
	/* Recovery (no owner) only once the lease has expired. */
	ck_assert(!jobs_attempt_fenced(&t, 2, NULL));
	t.lease_expired = true;
	ck_assert(jobs_attempt_fenced(&t, 2, NULL));
	/* A task no longer running takes no report. */
	t.status = JT_RETRYING;
	ck_assert(!jobs_attempt_fenced(&t, 2, "r1"));
}
END_TEST

START_TEST(recording_an_attempt_decides_and_words_it)
{
	struct jobs_attempt_task t = leased_task();
	struct task_result res = { .ok = true };
	struct jobs_recorded rec;

	jobs_record_attempt(&t, 2, &res, &rec);
	ck_assert_int_eq(rec.what, JOBS_REC_SUCCEEDED);
	ck_assert_int_eq(rec.status, JT_SUCCEEDED);
	ck_assert_int_eq(rec.level, EV_INFO);
	ck_assert_str_eq(rec.line, "task terraform_apply succeeded (attempt 2 of 3)");
	ck_assert_str_eq(rec.message, "");

	res = (struct task_result){ .ok = false, .error = "boom", .rnd = 0.5 };
	jobs_record_attempt(&t, 2, &res, &rec);
	ck_assert_int_eq(rec.what, JOBS_REC_RETRY);
	ck_assert_int_eq(rec.status, JT_RETRYING);
	ck_assert_int_eq(rec.delay_ms, 10000);
	ck_assert_int_eq(rec.level, EV_WARNING);
	ck_assert_str_eq(rec.line,
	                 "task terraform_apply failed (attempt 2 of 3), retrying in 10.000s: boom");
	ck_assert_str_eq(rec.message, "terraform_apply failed after 2 attempts: boom");

	/* A lost worker retries at once; no error text reads "failed". */
	res = (struct task_result){ .ok = false, .retry_now = true };
	jobs_record_attempt(&t, 2, &res, &rec);
	ck_assert_int_eq(rec.what, JOBS_REC_RETRY);
	ck_assert_int_eq(rec.delay_ms, 0);
	ck_assert_str_eq(rec.error, "failed");

	/* The last attempt, or a final failure, fails for good. */
	res = (struct task_result){ .ok = false, .error = "boom" };
	jobs_record_attempt(&t, 3, &res, &rec);
	ck_assert_int_eq(rec.what, JOBS_REC_FAILED);
	ck_assert_int_eq(rec.status, JT_FAILED);
	ck_assert_int_eq(rec.level, EV_ERROR);
	ck_assert_str_eq(rec.line, "task terraform_apply failed after 3 attempts: boom");
	res.final = true;
	jobs_record_attempt(&t, 1, &res, &rec);
	ck_assert_int_eq(rec.what, JOBS_REC_FAILED);
	ck_assert_str_eq(rec.message, "terraform_apply failed after 1 attempts: boom");

	/* Not finished elsewhere: a defer, worded nowhere. */
	res = (struct task_result){ .ok = false, .defer_s = 30 };
	jobs_record_attempt(&t, 2, &res, &rec);
	ck_assert_int_eq(rec.what, JOBS_REC_DEFER);
	ck_assert_str_eq(rec.line, "");
}
END_TEST

START_TEST(cancel_cancels_what_is_unfinished_once)
{
	struct jobs_task t[3];
	char line[64];

	chain(t, JT_SUCCEEDED, JT_RUNNING, JT_PENDING);
	ck_assert_int_eq(jobs_cancel(t, 3, JR_SUCCEEDED, "ann", line, sizeof(line)), -1);
	ck_assert_int_eq(t[1].status, JT_RUNNING);
	ck_assert_int_eq(jobs_cancel(t, 3, JR_RUNNING, "ann", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "canceled by ann");
	ck_assert_int_eq(t[0].status, JT_SUCCEEDED);
	ck_assert(!t[0].changed);
	ck_assert_int_eq(t[1].status, JT_CANCELED);
	ck_assert(t[1].changed);
	ck_assert_int_eq(t[2].status, JT_CANCELED);
	chain(t, JT_READY, JT_PENDING, JT_PENDING);
	ck_assert_int_eq(jobs_cancel(t, 3, JR_QUEUED, NULL, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "canceled by ?");
}
END_TEST

START_TEST(settle_wording_and_levels)
{
	struct jobs_task t;
	char line[160];

	task(&t, "terraform_init", "", JT_CANCELED);
	ck_assert_int_eq(jobs_task_moved(&t, line, sizeof(line)), EV_WARNING);
	ck_assert_str_eq(line, "task terraform_init is canceled");
	t.status = JT_READY;
	ck_assert_int_eq(jobs_task_moved(&t, line, sizeof(line)), EV_INFO);
	ck_assert_str_eq(line, "task terraform_init is ready");
	ck_assert_int_eq(jobs_run_moved(JR_FAILED, line, sizeof(line)), EV_ERROR);
	ck_assert_str_eq(line, "run is failed");
	ck_assert_int_eq(jobs_run_moved(JR_CANCELED, line, sizeof(line)), EV_WARNING);
	ck_assert_int_eq(jobs_run_moved(JR_SUCCEEDED, line, sizeof(line)), EV_INFO);
	ck_assert_int_eq(jobs_run_moved(JR_RUNNING, line, sizeof(line)), EV_INFO);
	ck_assert_str_eq(line, "run is running");
}
END_TEST

START_TEST(destroy_only_after_an_end_and_not_twice)
{
	ck_assert(jobs_destroy_allowed(JR_SUCCEEDED, JR__MAX));
	ck_assert(jobs_destroy_allowed(JR_FAILED, JR__MAX));
	ck_assert(!jobs_destroy_allowed(JR_CANCELED, JR__MAX));
	ck_assert(!jobs_destroy_allowed(JR_RUNNING, JR__MAX));
	ck_assert(!jobs_destroy_allowed(JR_QUEUED, JR__MAX));
	/* A failed or canceled destroy may be tried again; one under way or done may not. */
	ck_assert(jobs_destroy_allowed(JR_SUCCEEDED, JR_FAILED));
	ck_assert(jobs_destroy_allowed(JR_SUCCEEDED, JR_CANCELED));
	ck_assert(!jobs_destroy_allowed(JR_SUCCEEDED, JR_QUEUED));
	ck_assert(!jobs_destroy_allowed(JR_SUCCEEDED, JR_RUNNING));
	ck_assert(!jobs_destroy_allowed(JR_FAILED, JR_SUCCEEDED));
	ck_assert(jobs_destroy_blocks(JR_RUNNING));
	ck_assert(!jobs_destroy_blocks(JR__MAX));
}
END_TEST

Suite *suite_engine(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("engine");

	tcase_add_test(tc, status_names_round_trip);
	tcase_add_test(tc, public_status_filter);
	tcase_add_test(tc, a_new_chain_readies_only_its_root);
	tcase_add_test(tc, success_readies_the_next_task_and_finishes_the_run);
	tcase_add_test(tc, a_retrying_task_keeps_the_run_running);
	tcase_add_test(tc, failure_cancels_dependents_transitively_and_fails_the_run);
	tcase_add_test(tc, an_independent_branch_runs_on_after_a_failure);
	tcase_add_test(tc, a_join_waits_for_every_dependency);
	tcase_add_test(tc, canceled_tasks_make_a_canceled_run_and_terminal_runs_stay);
	tcase_add_test(tc, graph_check);
	tcase_add_test(tc, retries_stop_at_max_attempts);
	tcase_add_test(tc, retry_delay_fixed_backoff_and_jitter);
	tcase_add_test(tc, actions_follow_the_status);
	tcase_add_test(tc, only_the_lease_holder_records_its_attempt);
	tcase_add_test(tc, recording_an_attempt_decides_and_words_it);
	tcase_add_test(tc, cancel_cancels_what_is_unfinished_once);
	tcase_add_test(tc, settle_wording_and_levels);
	tcase_add_test(tc, destroy_only_after_an_end_and_not_twice);
	suite_add_tcase(s, tc);
	tc = tcase_create("terraform");
	tcase_add_test(tc, tfvars_from_a_request);
	tcase_add_test(tc, terraform_outputs_become_instances);
	tcase_add_test(tc, airflow_states_map_to_verdicts);
	tcase_add_test(tc, webhook_signature_is_hmac_sha256_of_t_dot_body);
	suite_add_tcase(s, tc);
	return s;
}
