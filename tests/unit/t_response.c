/* t_response.c: the error renderer and whole requests through the pipeline. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fcgi/http.h"
#include "fcgi/pipeline.h"
#include "tests/unit/unit.h"

START_TEST(error_body_has_the_one_schema)
{
	struct json_object *d = json_object_new_object(), *o;

	json_object_object_add(d, "projectName", json_object_new_string("x"));
	o = api_error_body(E_VALIDATION, "bad budget", d, "rid-1", "2026-11-23T00:00:00.000000Z");
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	                 "{\"error\":\"ValidationError\",\"message\":\"bad budget\","
	                 "\"detail\":\"bad budget\",\"error_code\":\"VALIDATION_ERROR\","
	                 "\"status_code\":400,\"details\":{\"projectName\":\"x\"},"
	                 "\"request_id\":\"rid-1\",\"timestamp\":\"2026-11-23T00:00:00.000000Z\"}");
	json_object_put(o);
	json_object_put(d);
}
END_TEST

START_TEST(categories_map_to_statuses)
{
	static const int want[E__MAX] = {
		400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503
	};

	for (int i = 0; i < E__MAX; i++) {
		ck_assert_int_eq(api_err_status((enum api_err)i), want[i]);
		ck_assert_str_ne(http_reason(want[i]), "Unknown");
	}
	ck_assert_str_eq(api_err_name(E_RATE_LIMITED), "RateLimited");
	ck_assert_str_eq(api_err_code(E_UNAVAILABLE), "SERVICE_UNAVAILABLE");
	ck_assert_str_eq(api_err_name(E_UNPROCESSABLE), "UnprocessableEntity");
	ck_assert_str_eq(api_err_code(E_UNPROCESSABLE), "UNPROCESSABLE_ENTITY");
}
END_TEST

/* ---- whole requests in CGI mode: stdin/stdout redirected to files */

struct resp {
	int status;
	char head[2048];
	struct json_object *body;
};

static void run(struct resp *r, const char *const *vars, const char *body, size_t blen)
{
	static struct app app;
	char *envp[32];
	size_t n = 0;
	struct req rq;
	FILE *in = tmpfile(), *out = tmpfile();
	int saved_in = dup(0), saved_out = dup(1);
	static char buf[1 << 16];
	size_t got;
	char *sep;

	memset(&app, 0, sizeof(app));
	app.cfg.max_body = 1024;
	app.cfg.environment = ENV_DEVELOPMENT;
	app.cfg.cors_origins = "*";
	for (; vars[n] != NULL; n++)
		envp[n] = (char *)vars[n];
	envp[n] = NULL;
	fwrite(body, 1, blen, in);
	rewind(in);
	fflush(stdout);
	dup2(fileno(in), 0);
	dup2(fileno(out), 1);
	clearerr(stdin);

	memset(&rq, 0, sizeof(rq));
	rq.app = &app;
	rq.arena = arena_new(4096);
	rq.envp = envp;
	pipeline_run(&rq);
	fflush(stdout);
	arena_free(rq.arena);

	dup2(saved_in, 0);
	dup2(saved_out, 1);
	close(saved_in);
	close(saved_out);
	clearerr(stdin);
	rewind(out);
	got = fread(buf, 1, sizeof(buf) - 1, out);
	buf[got] = '\0';
	fclose(in);
	fclose(out);
	ck_assert_int_eq(sscanf(buf, "Status: %d", &r->status), 1);
	ck_assert_ptr_nonnull(sep = strstr(buf, "\r\n\r\n"));
	snprintf(r->head, sizeof(r->head), "%.*s", (int)(sep - buf) + 2, buf);
	r->body = json_tokener_parse(sep + 4);
}

static const char *str(struct resp *r, const char *key)
{
	return json_object_get_string(json_object_object_get(r->body, key));
}

START_TEST(health_answers_with_request_id)
{
	struct resp r;
	const char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/health", "HTTP_X_REQUEST_ID=t-1",
		              NULL };

	run(&r, env, "", 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(str(&r, "status"), "healthy");
	ck_assert_ptr_nonnull(strstr(r.head, "X-Request-ID: t-1\r\n"));
	ck_assert_ptr_nonnull(strstr(r.head, "Content-Type: application/json"));
	json_object_put(r.body);
}
END_TEST

START_TEST(unknown_wrong_method_and_options)
{
	struct resp r;
	const char *e404[] = { "REQUEST_METHOD=GET", "PATH_INFO=/nope\r\nX: y", NULL };
	const char *e405[] = { "REQUEST_METHOD=DELETE", "PATH_INFO=/health/", NULL };
	const char *opt[] = { "REQUEST_METHOD=OPTIONS", "PATH_INFO=/debug/echo",
		              "HTTP_ORIGIN=https://dash.example", NULL };
	const char *bad[] = { "REQUEST_METHOD=BREW", "PATH_INFO=/health", NULL };

	run(&r, e404, "", 0);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(str(&r, "error"), "NotFound");
	ck_assert_ptr_null(strchr(str(&r, "message"), '\r'));
	json_object_put(r.body);

	run(&r, e405, "", 0);
	ck_assert_int_eq(r.status, 405);
	ck_assert_ptr_nonnull(strstr(r.head, "Allow: GET, HEAD, OPTIONS\r\n"));
	ck_assert_str_eq(str(&r, "error_code"), "METHOD_NOT_ALLOWED");
	json_object_put(r.body);

	run(&r, opt, "", 0);
	ck_assert_int_eq(r.status, 204);
	ck_assert_ptr_nonnull(strstr(r.head, "Access-Control-Allow-Methods: POST, OPTIONS"));
	ck_assert_ptr_nonnull(strstr(r.head, "Access-Control-Allow-Origin: *"));
	json_object_put(r.body);

	run(&r, bad, "", 0);
	ck_assert_int_eq(r.status, 405);
	json_object_put(r.body);
}
END_TEST

START_TEST(body_checks_in_order)
{
	struct resp r;
	const char *big[] = { "REQUEST_METHOD=POST", "PATH_INFO=/nope", "CONTENT_LENGTH=4096",
		              "CONTENT_TYPE=application/json", NULL };
	const char *type[] = { "REQUEST_METHOD=POST", "PATH_INFO=/debug/echo", "CONTENT_LENGTH=2",
		               "CONTENT_TYPE=text/plain", NULL };
	const char *json[] = { "REQUEST_METHOD=POST", "PATH_INFO=/debug/echo", "CONTENT_LENGTH=7",
		               "CONTENT_TYPE=application/json; charset=utf-8", NULL };
	const char *bad[] = { "REQUEST_METHOD=POST", "PATH_INFO=/debug/echo", "CONTENT_LENGTH=6",
		              "CONTENT_TYPE=application/json", NULL };
	const char *shortb[] = { "REQUEST_METHOD=POST", "PATH_INFO=/debug/echo",
		                 "CONTENT_LENGTH=60", "CONTENT_TYPE=application/json", NULL };

	run(&r, big, "", 0);
	ck_assert_int_eq(r.status, 413);
	json_object_put(r.body);
	run(&r, type, "{}", 2);
	ck_assert_int_eq(r.status, 415);
	json_object_put(r.body);
	run(&r, json, "{\"a\":1}", 7);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(json_object_get_int(json_object_object_get(
	                         json_object_object_get(r.body, "received"), "a")),
	                 1);
	json_object_put(r.body);
	run(&r, bad, "{\"a\":}", 6);
	ck_assert_int_eq(r.status, 400);
	ck_assert_ptr_nonnull(strstr(str(&r, "message"), "not valid JSON"));
	json_object_put(r.body);
	run(&r, shortb, "{}", 2);
	ck_assert_int_eq(r.status, 400);
	json_object_put(r.body);
}
END_TEST

/* A request of its own for calling the emitter directly. */
static void bare_request(struct req *rq, struct app *app)
{
	memset(rq, 0, sizeof(*rq));
	memset(app, 0, sizeof(*app));
	rq->app = app;
	rq->arena = arena_new(4096);
	snprintf(rq->request_id, sizeof(rq->request_id), "rid-utf8");
}

START_TEST(error_messages_never_cut_a_character)
{
	struct app app;
	struct req rq;
	struct json_object *m;
	size_t len;
	const char *text;

	bare_request(&rq, &app);
	/* "%.4s" of "aéé" stops inside the second é: the half is dropped. */
	api_error(&rq, E_NOT_FOUND, "no such platform: %.4s", "a\xc3\xa9\xc3\xa9");
	ck_assert(json_object_object_get_ex(rq.resp, "message", &m));
	ck_assert_str_eq(json_object_get_string(m), "no such platform: a\xc3\xa9");
	ck_assert_ptr_nonnull(text = rq_freeze(&rq, &len));
	ck_assert(util_utf8_valid(text, len));
	arena_free(rq.arena);

	/* 1,023 bytes of message: "ab" and 😀 that the buffer's end cuts. */
	bare_request(&rq, &app);
	{
		char big[1200];
		size_t o = 2;

		memcpy(big, "ab", 2);
		while (o + 4 < sizeof(big)) {
			memcpy(big + o, "\xf0\x9f\x98\x80", 4);
			o += 4;
		}
		big[o] = '\0';
		api_error(&rq, E_VALIDATION, "%s", big);
	}
	ck_assert(json_object_object_get_ex(rq.resp, "message", &m));
	ck_assert_uint_eq(json_object_get_string_len(m), 2 + 255 * 4);
	ck_assert_ptr_nonnull(text = rq_freeze(&rq, &len));
	ck_assert(util_utf8_valid(text, len));
	arena_free(rq.arena);
}
END_TEST

START_TEST(answers_are_always_utf8)
{
	struct app app;
	struct req rq;
	struct json_object *o = json_object_new_object();
	size_t len;
	const char *text;

	/* Bytes that are not UTF-8 (a query parameter, a row written by SQL). */
	bare_request(&rq, &app);
	json_object_object_add(o, "name", json_object_new_string("x\xff\xfey\xc3\xa9"));
	api_reply(&rq, 200, o);
	ck_assert_ptr_nonnull(text = rq_freeze(&rq, &len));
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_str_eq(text, "{\"name\":\"x??y\xc3\xa9\"}");
	arena_free(rq.arena);
}
END_TEST

START_TEST(a_404_echoing_a_long_non_ascii_path_is_utf8)
{
	struct resp r;
	char path[600] = "PATH_INFO=/";
	const char *env[] = { "REQUEST_METHOD=GET", path, NULL };
	const char *msg;

	/* "/" and é: the 128-byte cut of the echoed path falls inside an é. */
	for (int i = 0; i < 150; i++)
		strcat(path, "\xc3\xa9");
	run(&r, env, "", 0);
	ck_assert_int_eq(r.status, 404);
	msg = str(&r, "message");
	ck_assert(util_utf8_valid(msg, strlen(msg)));
	ck_assert_ptr_nonnull(strstr(msg, "/\xc3\xa9\xc3\xa9"));
	json_object_put(r.body);
}
END_TEST

Suite *suite_response(void)
{
	Suite *s = suite_create("response");
	TCase *tc = tcase_create("response");

	tcase_add_test(tc, error_body_has_the_one_schema);
	tcase_add_test(tc, categories_map_to_statuses);
	tcase_add_test(tc, health_answers_with_request_id);
	tcase_add_test(tc, unknown_wrong_method_and_options);
	tcase_add_test(tc, body_checks_in_order);
	tcase_add_test(tc, error_messages_never_cut_a_character);
	tcase_add_test(tc, answers_are_always_utf8);
	tcase_add_test(tc, a_404_echoing_a_long_non_ascii_path_is_utf8);
	suite_add_tcase(s, tc);
	return s;
}
