/* t_text.c: user text: UTF-8 repair and cutting, cleaning, reference names, log lines. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"
#include "tests/unit/unit.h"

#define E_ACUTE "\xc3\xa9"         /* é: 2 bytes */
#define GRIN    "\xf0\x9f\x98\x80" /* 😀: 4 bytes */

/* util_utf8_fix on a copy of s; returns the fixed text (static buffer). */
static const char *fixed(const char *s, size_t *len)
{
	static char buf[256];
	size_t n = strlen(s);

	memcpy(buf, s, n + 1);
	*len = util_utf8_fix(buf, n);
	return buf;
}

START_TEST(utf8_fix_repairs_and_drops_a_cut_character)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain ascii", "plain ascii" },
		{ "caf" E_ACUTE " " GRIN, "caf" E_ACUTE " " GRIN },
		{ "caf\xc3", "caf" },                  /* é cut after its first byte */
		{ "x" GRIN "\xf0\x9f\x98", "x" GRIN }, /* 😀 cut after 3 of 4 bytes */
		{ "\xe2\x82", "" },                    /* € cut: nothing left */
		{ "a\xff"
		  "b",
		  "a?b" },                       /* never UTF-8 */
		{ "a\xc3(b", "a(b" },            /* "%.2s" of "aé" inside a format: dropped too */
		{ "\xe2\x82\xc3\xa9", E_ACUTE }, /* € cut, then é */
		{ "\xc0\xaf", "??" },            /* overlong '/' */
		{ "\xed\xa0\x80z", "???z" },     /* a surrogate */
		{ "\xf4\x90\x80\x80", "????" },  /* above U+10FFFF */
		{ "\x80tail", "?tail" },         /* a lone continuation byte */
		{ "\xf8\x88\x80\x80\x80", "?????" }, /* a 5-byte form: never UTF-8 */
	};
	size_t len;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *out = fixed(cases[i].in, &len);

		ck_assert_msg(strcmp(out, cases[i].out) == 0, "case %zu: got '%s'", i, out);
		ck_assert_uint_eq(len, strlen(cases[i].out));
		ck_assert(util_utf8_valid(out, len));
	}
}
END_TEST

START_TEST(utf8_valid_agrees_with_the_standard)
{
	ck_assert(util_utf8_valid("", 0));
	ck_assert(util_utf8_valid(E_ACUTE GRIN "\xe2\x82\xac\xf4\x8f\xbf\xbf", 13));
	ck_assert(!util_utf8_valid("\xc3", 1));
	ck_assert(!util_utf8_valid("\xe0\x80\x80", 3)); /* overlong */
	ck_assert(!util_utf8_valid("\xed\xbf\xbf", 3)); /* a surrogate */
	ck_assert(!util_utf8_valid("\xf5\x80\x80\x80", 4));
	ck_assert(!util_utf8_valid(GRIN, 3));
}
END_TEST

START_TEST(clean_never_cuts_a_character)
{
	char src[512], dst[129];
	size_t o = 0;

	/* "a" then 100 é: a 64-byte cut falls in the middle of the 32nd é. */
	src[o++] = 'a';
	for (int i = 0; i < 100; i++, o += 2)
		memcpy(src + o, E_ACUTE, 2);
	src[o] = '\0';
	util_clean(dst, sizeof(dst), src, 64);
	ck_assert_uint_eq(strlen(dst), 63);
	ck_assert(util_utf8_valid(dst, strlen(dst)));
	/* The destination's size bounds it the same way. */
	util_clean(dst, 8, src, 100);
	ck_assert_str_eq(dst, "a" E_ACUTE E_ACUTE E_ACUTE);
	/* 4-byte characters: 10 bytes hold two. */
	util_clean(dst, sizeof(dst), GRIN GRIN GRIN, 10);
	ck_assert_str_eq(dst, GRIN GRIN);
	/* Control characters and bytes that are not UTF-8 become '?'. */
	util_clean(dst, sizeof(dst), "a\r\nb\x7f\xff" E_ACUTE "\x01", 100);
	ck_assert_str_eq(dst, "a??b??" E_ACUTE "?");
	/* A string that ends inside a character loses it. */
	util_clean(dst, sizeof(dst), "ok\xf0\x9f", 100);
	ck_assert_str_eq(dst, "ok");
	util_clean(dst, 1, "abc", 10);
	ck_assert_str_eq(dst, "");
}
END_TEST

START_TEST(reference_names)
{
	char n64[65], n65[66];

	memset(n64, 'a', 64);
	n64[64] = '\0';
	memset(n65, 'a', 65);
	n65[65] = '\0';
	ck_assert(util_ref_name_ok("aws-commercial", false));
	ck_assert(util_ref_name_ok("rhel-8.8_x", false));
	ck_assert(util_ref_name_ok(n64, false));
	ck_assert(!util_ref_name_ok(n65, true));
	ck_assert(!util_ref_name_ok("", true));
	ck_assert(!util_ref_name_ok("AWS", false));
	ck_assert(util_ref_name_ok("AWS", true));
	ck_assert(!util_ref_name_ok("caf" E_ACUTE, true));
	ck_assert(!util_ref_name_ok(GRIN, true));
	ck_assert(!util_ref_name_ok("a b", true));
	ck_assert(!util_ref_name_ok("a/b", true));
	ck_assert(!util_ref_name_ok("' OR 1=1 --", true));
}
END_TEST

/* Runs log_msg with stderr sent to a file; returns the line (static buffer). */
static const char *log_line(const char *text)
{
	static char buf[8192];
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	ck_assert_ptr_nonnull(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	log_init(LOG_DEBUG, "t_text");
	log_msg(LOG_WARNING, "rid-1", "%s", text);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	log_init(LOG_INFO, NULL);
	return buf;
}

START_TEST(log_lines_are_always_utf8)
{
	char big[3000];
	const char *line;
	size_t o = 0;

	/* Over 2,048 bytes of message: "ab" and é, the last of which the buffer's end cuts. */
	big[o++] = 'a';
	big[o++] = 'b';
	while (o + 2 < sizeof(big)) {
		memcpy(big + o, E_ACUTE, 2);
		o += 2;
	}
	big[o] = '\0';
	line = log_line(big);
	ck_assert(util_utf8_valid(line, strlen(line)));
	ck_assert_ptr_nonnull(strstr(line, "\"message\":\"ab" E_ACUTE));
	/* Bytes that are not UTF-8 (a path from the web server) become '?'. */
	line = log_line("path /x\xff\xfe" E_ACUTE);
	ck_assert(util_utf8_valid(line, strlen(line)));
	ck_assert_ptr_nonnull(strstr(line, "path /x??" E_ACUTE "\""));
}
END_TEST

Suite *suite_text(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, utf8_fix_repairs_and_drops_a_cut_character);
	tcase_add_test(tc, utf8_valid_agrees_with_the_standard);
	tcase_add_test(tc, clean_never_cuts_a_character);
	tcase_add_test(tc, reference_names);
	tcase_add_test(tc, log_lines_are_always_utf8);
	suite_add_tcase(s, tc);
	return s;
}
