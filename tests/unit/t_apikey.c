/* t_apikey.c: API key format, checksum and keyed hashing. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "lib/apikey.h"
#include "tests/unit/unit.h"

/* Computed independently: zlib.crc32 of the first 44 characters, in base62. */
#define KNOWN_KEY "stk_0123456789ABCDEFGHIJabcdefghij01234567894XXDw2"

static bool all_base62(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z')))
			return false;
	return true;
}

START_TEST(generated_keys_are_well_formed_and_unique)
{
	char keys[64][APIKEY_LEN + 1];

	for (size_t i = 0; i < 64; i++) {
		apikey_generate(keys[i]);
		ck_assert_uint_eq(strlen(keys[i]), 50);
		ck_assert(strncmp(keys[i], "stk_", 4) == 0);
		ck_assert(all_base62(keys[i] + 4, 46));
		ck_assert_msg(apikey_well_formed(keys[i]), "rejected its own key %s", keys[i]);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(keys[i], keys[j]);
	}
}
END_TEST

START_TEST(checksum_matches_the_documented_format)
{
	ck_assert(apikey_well_formed(KNOWN_KEY));
}
END_TEST

START_TEST(typos_and_garbage_fail)
{
	char key[APIKEY_LEN + 1], bad[APIKEY_LEN + 2];

	apikey_generate(key);
	/* Every one-character substitution, anywhere, is caught. */
	for (size_t i = 0; i < APIKEY_LEN; i++) {
		memcpy(bad, key, sizeof(key));
		bad[i] = bad[i] == 'x' ? 'y' : 'x';
		ck_assert_msg(!apikey_well_formed(bad), "typo at %zu accepted", i);
	}
	/* Two neighbours swapped. */
	memcpy(bad, key, sizeof(key));
	for (size_t i = 4; i + 1 < APIKEY_LEN; i++) {
		if (key[i] == key[i + 1])
			continue;
		memcpy(bad, key, sizeof(key));
		bad[i] = key[i + 1];
		bad[i + 1] = key[i];
		ck_assert_msg(!apikey_well_formed(bad), "swap at %zu accepted", i);
	}
	/* Wrong prefix, with a checksum that is right for it. */
	memcpy(bad, KNOWN_KEY, sizeof(key));
	memcpy(bad, "sk_x", 4);
	ck_assert(!apikey_well_formed(bad));
	memcpy(bad, KNOWN_KEY, sizeof(key));
	bad[0] = 'S';
	ck_assert(!apikey_well_formed(bad));
	/* Wrong lengths. */
	memcpy(bad, KNOWN_KEY, sizeof(key));
	bad[APIKEY_LEN - 1] = '\0';
	ck_assert(!apikey_well_formed(bad));
	memcpy(bad, KNOWN_KEY, sizeof(key));
	bad[APIKEY_LEN] = 'A';
	bad[APIKEY_LEN + 1] = '\0';
	ck_assert(!apikey_well_formed(bad));
	ck_assert(!apikey_well_formed(""));
	ck_assert(!apikey_well_formed("stk_"));
	ck_assert(!apikey_well_formed(NULL));
	/* Characters outside base62. */
	memcpy(bad, KNOWN_KEY, sizeof(key));
	bad[10] = '-';
	ck_assert(!apikey_well_formed(bad));
	memcpy(bad, KNOWN_KEY, sizeof(key));
	bad[APIKEY_LEN - 1] = '_';
	ck_assert(!apikey_well_formed(bad));
	memcpy(bad, KNOWN_KEY, sizeof(key));
	bad[20] = (char)0xc3;
	ck_assert(!apikey_well_formed(bad));
}
END_TEST

START_TEST(hash_is_keyed_hex)
{
	unsigned char p1[APIKEY_PEPPER_BYTES], p2[APIKEY_PEPPER_BYTES], p1b[APIKEY_PEPPER_BYTES];
	char key[APIKEY_LEN + 1], h1[APIKEY_HASH_HEX + 1], h1b[APIKEY_HASH_HEX + 1],
	        h2[APIKEY_HASH_HEX + 1], other[APIKEY_HASH_HEX + 1];

	apikey_pepper_derive("a long random pepper text, not this one", p1);
	apikey_pepper_derive("a long random pepper text, not this one", p1b);
	apikey_pepper_derive("another pepper", p2);
	ck_assert(memcmp(p1, p1b, sizeof(p1)) == 0);
	ck_assert(memcmp(p1, p2, sizeof(p1)) != 0);

	apikey_generate(key);
	apikey_hash(p1, key, h1);
	apikey_hash(p1, key, h1b);
	apikey_hash(p2, key, h2);
	ck_assert_uint_eq(strlen(h1), 64);
	ck_assert_uint_eq(strspn(h1, "0123456789abcdef"), 64);
	ck_assert_str_eq(h1, h1b);
	ck_assert_str_ne(h1, h2);
	ck_assert(strstr(h1, key + 4) == NULL);
	ck_assert_str_ne(h1, key);
	key[10] = key[10] == 'a' ? 'b' : 'a';
	apikey_hash(p1, key, other);
	ck_assert_str_ne(h1, other);
}
END_TEST

START_TEST(hash_is_blake2b_keyed)
{
	unsigned char pepper[APIKEY_PEPPER_BYTES], want[32];
	char hex[APIKEY_HASH_HEX + 1], wanthex[APIKEY_HASH_HEX + 1];

	/* The pepper is the unkeyed BLAKE2b-256 of the text... */
	apikey_pepper_derive("pepper", pepper);
	crypto_generichash(want, 32, (const unsigned char *)"pepper", 6, NULL, 0);
	ck_assert(memcmp(pepper, want, 32) == 0);
	/* ...and the stored form BLAKE2b-256 keyed with it: stable across releases. */
	apikey_hash(pepper, "secret", hex);
	crypto_generichash(want, 32, (const unsigned char *)"secret", 6, pepper, 32);
	sodium_bin2hex(wanthex, sizeof(wanthex), want, 32);
	ck_assert_str_eq(hex, wanthex);
}
END_TEST

Suite *suite_apikey(void)
{
	Suite *s = suite_create("apikey");
	TCase *tc = tcase_create("apikey");

	tcase_add_test(tc, generated_keys_are_well_formed_and_unique);
	tcase_add_test(tc, checksum_matches_the_documented_format);
	tcase_add_test(tc, typos_and_garbage_fail);
	tcase_add_test(tc, hash_is_keyed_hex);
	tcase_add_test(tc, hash_is_blake2b_keyed);
	suite_add_tcase(s, tc);
	return s;
}
