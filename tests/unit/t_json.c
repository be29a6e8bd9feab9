/* t_json.c: strict body parsing and the validation error list. */
#include "config.h"

#include <string.h>

#include <json-c/json.h>

#include "lib/json.h"
#include "tests/unit/unit.h"

static int parse(const char *s, struct json_object **o, char *why)
{
	return json_parse_strict(s, strlen(s), o, why, 160);
}

START_TEST(accepts_valid_documents)
{
	struct json_object *o;
	char why[160];

	ck_assert_int_eq(parse("{\"a\": [1, 2.5, \"\\u00e9\", true, null]}", &o, why), 0);
	ck_assert(json_object_is_type(o, json_type_object));
	json_object_put(o);
	ck_assert_int_eq(parse("  {\"n\": 9007199254740992}\n", &o, why), 0);
	json_object_put(o);
	ck_assert_int_eq(parse("42", &o, why), 0);
	ck_assert_int_eq(json_object_get_int(o), 42);
	json_object_put(o);
	ck_assert_int_eq(parse("\"caf\xc3\xa9 it's \\\" ok\"", &o, why), 0);
	json_object_put(o);
	/* Escaped control characters are JSON; whitespace between tokens too. */
	ck_assert_int_eq(parse("{\n\t\"a\":\r\n\"x\\ny\\t\\u0001\"\n}", &o, why), 0);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "a")), "x\ny\t\x01");
	json_object_put(o);
	/* "\\u0000" is a backslash and "u0000", not a NUL. */
	ck_assert_int_eq(parse("{\"a\":\"\\\\u0000\"}", &o, why), 0);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "a")), "\\u0000");
	json_object_put(o);
	ck_assert_int_eq(parse("[\"\\u0001\\u00e9\\ud83d\\ude00\"]", &o, why), 0);
	json_object_put(o);
}
END_TEST

START_TEST(rejects_bad_documents_with_a_reason)
{
	static const struct {
		const char *body;
		size_t len; /* 0: strlen */
		const char *why;
	} bad[] = {
		{ "", 0, "empty" },
		{ "{\"a\":1", 0, "unexpected end" },
		{ "{\"a\":1} x", 0, "not valid JSON" },
		{ "{'a':1}", 0, "not valid JSON" },
		{ "{\"a\":1,}", 0, "not valid JSON" },
		{ "{\"a\":\"\xff\"}", 0, "UTF-8" },
		{ "{\"a\":\"\xc0\xaf\"}", 0, "UTF-8" },     /* overlong '/' */
		{ "{\"a\":\"\xed\xa0\x80\"}", 0, "UTF-8" }, /* a surrogate */
		{ "{\"a\":\"b\0c\"}", 11, "NUL" },
		{ "{\"n\": 9007199254740993}", 0, "out of range" },
		{ "{\"n\": -99999999999999999999}", 0, "out of range" },
		{ "{\"n\": 18446744073709551615}", 0, "out of range" },
		{ "[1e999]", 0, "out of range" },
		{ "NaN", 0, "out of range" },
		{ "{\"a\":1 /* c */}", 0, "not valid JSON" },
		{ "[\"it's\", 'x']", 0, "double quotes" },
		/* RFC 8259: control characters inside strings must be escaped. */
		{ "{\"a\":\"x\ny\"}", 0, "control character U+000A" },
		{ "{\"a\":\"x\ty\"}", 0, "control character U+0009" },
		{ "[\"\x01\"]", 0, "control character U+0001" },
		{ "{\"a\x1f\":1}", 0, "control character U+001F" }, /* in a key */
		{ "{\"k\":\"v\r\"}", 0, "inside a string" },
		/* An escaped NUL would cut the value (or key) for C code. */
		{ "{\"a\":\"x\\u0000y\"}", 0, "\\u0000" },
		{ "{\"a\\u0000b\":1}", 0, "\\u0000" }, /* a key: json-c would keep "a" */
		{ "[[\"ok\", \"\\u0000\"]]", 0, "NUL" },
	};
	char deep[81];
	struct json_object *o;
	char why[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].body);

		ck_assert_msg(json_parse_strict(bad[i].body, len, &o, why, sizeof(why)) == -1,
		              "accepted case %zu", i);
		ck_assert_ptr_null(o);
		ck_assert_msg(strstr(why, bad[i].why) != NULL, "case %zu: '%s' lacks '%s'", i, why,
		              bad[i].why);
	}
	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	ck_assert_int_eq(parse(deep, &o, why), -1);
	ck_assert_ptr_nonnull(strstr(why, "deeply"));
}
END_TEST

START_TEST(errors_list)
{
	struct json_object *a = json_object_new_array();
	const char *m;

	json_errors_add(a, "budget", "must be at least %d", 10);
	json_errors_add(a, "name", "is required");
	ck_assert_uint_eq(json_object_array_length(a), 2);
	ck_assert_str_eq(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
	                 "[{\"field\":\"budget\",\"message\":\"must be at least 10\"},"
	                 "{\"field\":\"name\",\"message\":\"is required\"}]");
	/* "%.4s" of "aéé" cuts the second é: the half is dropped, never kept. */
	json_errors_add(a, "platform", "unknown '%.4s'", "a\xc3\xa9\xc3\xa9");
	m = json_object_get_string(
	        json_object_object_get(json_object_array_get_idx(a, 2), "message"));
	ck_assert_str_eq(m, "unknown 'a\xc3\xa9'");
	json_object_put(a);
}
END_TEST

Suite *suite_json(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, accepts_valid_documents);
	tcase_add_test(tc, rejects_bad_documents_with_a_reason);
	tcase_add_test(tc, errors_list);
	suite_add_tcase(s, tc);
	return s;
}
