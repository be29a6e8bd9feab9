/* password.c: the password policy and Argon2id hashing (libsodium). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "lib/json.h"
#include "lib/password.h"

/*
 * Process-wide cost, set once at start-up from the configuration before any
 * request is served (not a per-request global; not changed while serving).
 */
static unsigned long long cost_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t cost_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void password_set_cost(unsigned long long opslimit, size_t memlimit)
{
	cost_ops = opslimit < crypto_pwhash_OPSLIMIT_INTERACTIVE
	                   ? crypto_pwhash_OPSLIMIT_INTERACTIVE
	                   : opslimit;
	cost_mem = memlimit < crypto_pwhash_MEMLIMIT_INTERACTIVE
	                   ? crypto_pwhash_MEMLIMIT_INTERACTIVE
	                   : memlimit;
}

/* ---------------------------------------------------------------- policy */

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int password_check_policy(const char *pw, const char *field, struct json_object *errors)
{
	static const char *const need_name[] = { "an upper-case letter", "a lower-case letter",
		                                 "a digit", "a symbol" };
	bool have[4] = { false, false, false, false };
	const char *missing[4];
	size_t bytes, chars = 0, nmissing = 0;
	char msg[256];
	int off = 0;

	if (pw == NULL)
		pw = "";
	bytes = strnlen(pw, PASSWORD_MAX_LEN + 1);
	for (size_t i = 0; i < bytes; i++) {
		unsigned char c = (unsigned char)pw[i];

		/* Characters are code points: UTF-8 continuation bytes do not count. */
		if ((c & 0xc0) != 0x80)
			chars++;
		if (c >= 'A' && c <= 'Z')
			have[0] = true;
		else if (c >= 'a' && c <= 'z')
			have[1] = true;
		else if (c >= '0' && c <= '9')
			have[2] = true;
		else if (!is_space(c))
			have[3] = true; /* punctuation, controls and any non-ASCII character */
	}
	for (size_t i = 0; i < 4; i++)
		if (!have[i])
			missing[nmissing++] = need_name[i];
	if (chars >= PASSWORD_MIN_LEN && bytes <= PASSWORD_MAX_LEN && nmissing == 0)
		return 0;

	if (bytes > PASSWORD_MAX_LEN)
		off = snprintf(msg, sizeof(msg), "must be at most %d bytes", PASSWORD_MAX_LEN);
	else if (chars < PASSWORD_MIN_LEN)
		off = snprintf(msg, sizeof(msg), "must be at least %d characters",
		               PASSWORD_MIN_LEN);
	if (nmissing > 0) {
		off += snprintf(msg + off, sizeof(msg) - (size_t)off, "%s",
		                off > 0 ? " and contain " : "must contain ");
		for (size_t i = 0; i < nmissing; i++) {
			const char *sep = i == 0 ? "" : i + 1 == nmissing ? " and " : ", ";

			off += snprintf(msg + off, sizeof(msg) - (size_t)off, "%s%s", sep,
			                missing[i]);
		}
	}
	json_errors_add(errors, field, "%s", msg);
	return -1;
}

/* --------------------------------------------------------------- hashing */

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	size_t len;

	if (pw == NULL || (len = strnlen(pw, PASSWORD_MAX_LEN + 1)) > PASSWORD_MAX_LEN)
		return -1;
	return crypto_pwhash_str_alg(out, pw, len, cost_ops, cost_mem,
	                             crypto_pwhash_ALG_ARGON2ID13) == 0
	               ? 0
	               : -1;
}

bool password_verify(const char *hash, const char *pw)
{
	size_t len;

	/* An over-long attempt cannot match a hash made under the policy: skip the work. */
	if (hash == NULL || pw == NULL ||
	    (len = strnlen(pw, PASSWORD_MAX_LEN + 1)) > PASSWORD_MAX_LEN ||
	    strnlen(hash, PASSWORD_HASH_MAX) == PASSWORD_HASH_MAX)
		return false;
	return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

bool password_needs_rehash(const char *hash)
{
	if (hash == NULL || strnlen(hash, PASSWORD_HASH_MAX) == PASSWORD_HASH_MAX)
		return true;
	/* libsodium would keep an Argon2i hash of the same cost: move it to Argon2id. */
	if (strncmp(hash, crypto_pwhash_STRPREFIX, strlen(crypto_pwhash_STRPREFIX)) != 0)
		return true;
	/* 1: other parameters; -1: not a well-formed Argon2id string. */
	return crypto_pwhash_str_needs_rehash(hash, cost_ops, cost_mem) != 0;
}
