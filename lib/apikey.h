/* apikey.h: API key format, checksum and keyed hashing (no HTTP, no SQL). */
#ifndef STRATUS_APIKEY_H
#define STRATUS_APIKEY_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A key is "stk_" + APIKEY_RANDOM_LEN base62 characters from randombytes_buf
 * + a APIKEY_CHECK_LEN-character base62 CRC32 of everything before it, in the
 * manner of GitHub's tokens: scanners find the prefix, and the checksum
 * rejects typos and garbage before any database work.
 */
#define APIKEY_PREFIX       "stk_"
#define APIKEY_PREFIX_LEN   4
#define APIKEY_RANDOM_LEN   40
#define APIKEY_CHECK_LEN    6
#define APIKEY_LEN          (APIKEY_PREFIX_LEN + APIKEY_RANDOM_LEN + APIKEY_CHECK_LEN)
#define APIKEY_DISPLAY_LEN  10 /* the first 10 characters, kept for listings */
#define APIKEY_PEPPER_BYTES 32
#define APIKEY_HASH_HEX     64 /* BLAKE2b-256 as lower-case hex */

/* Writes a new key (NUL-terminated). Never fails (libsodium must be ready). */
void apikey_generate(char out[APIKEY_LEN + 1]);

/* True when `key` has the prefix, the length, base62 only and a good checksum. */
bool apikey_well_formed(const char *key);

/*
 * Derives the 32-byte hashing key from the STRATUS_KEY_PEPPER text (an
 * unkeyed BLAKE2b-256 of it), so the setting can be any long random string.
 */
void apikey_pepper_derive(const char *text, unsigned char pepper[APIKEY_PEPPER_BYTES]);

/*
 * The stored form of a secret: BLAKE2b-256 of `secret` keyed with the
 * pepper, as lower-case hex. Used for database keys, environment keys and
 * refresh tokens alike; the secret itself is never stored.
 */
void apikey_hash(const unsigned char pepper[APIKEY_PEPPER_BYTES], const char *secret,
                 char hex[APIKEY_HASH_HEX + 1]);

#endif
