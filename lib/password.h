/* password.h: the password policy and Argon2id hashing (libsodium). */
#ifndef STRATUS_PASSWORD_H
#define STRATUS_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include <sodium.h>

struct json_object;

#define PASSWORD_HASH_MAX crypto_pwhash_STRBYTES /* 128, NUL included */
#define PASSWORD_MIN_LEN  12
#define PASSWORD_MAX_LEN  1024

/*
 * Sets the Argon2id cost used by password_hash and password_needs_rehash
 * (defaults: crypto_pwhash_OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE).
 * Values below the interactive ones are raised to them.
 */
void password_set_cost(unsigned long long opslimit, size_t memlimit);

/*
 * Checks the policy of the original Cognito pool: at least 12 characters
 * (code points, not bytes; and at most PASSWORD_MAX_LEN bytes), with an
 * ASCII upper-case letter, an ASCII lower-case letter, a digit and a symbol.
 * A symbol is any character that is not an ASCII letter or digit and not
 * whitespace: so any non-ASCII character (e.g. "é") counts as a symbol.
 * Returns 0 when it passes, else -1 after appending ONE entry
 * {"field": field, "message": "..."} to the array `errors` that lists
 * everything missing, e.g. "must be at least 12 characters and contain an
 * upper-case letter, a digit and a symbol" (raises HTTP 400 in the caller).
 *
 * `pw` is a C string: the caller must already have refused a JSON string
 * with an embedded NUL (strlen != json_object_get_string_len), which would
 * otherwise be silently cut here.
 */
int password_check_policy(const char *pw, const char *field, struct json_object *errors);

/*
 * Hashes `pw` (crypto_pwhash_str_alg, Argon2id). Returns 0, or -1 (out of
 * memory, or `pw` over PASSWORD_MAX_LEN bytes). Slow on purpose.
 */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);

/*
 * Returns true when `pw` matches `hash`; false for a mismatch, a bad hash or
 * a `pw` over PASSWORD_MAX_LEN bytes (refused without hashing).
 */
bool password_verify(const char *hash, const char *pw);

/*
 * True when `hash` was not made with Argon2id at exactly the current cost
 * (lower or higher), or is not a well-formed hash: rehash after a good login.
 */
bool password_needs_rehash(const char *hash);

#endif
