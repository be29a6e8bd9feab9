/* token.h: JSON Web Tokens on libjwt 1.10: issuing HS256, verifying HS256 and RS256. */
#ifndef STRATUS_TOKEN_H
#define STRATUS_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/*
 * Why a token was refused; token_strerror() gives a short English phrase.
 * TOKEN_BAD_ALG: the header's alg is not exactly the expected one ("none",
 * HS256 where RS256 is expected (the public-key-as-HMAC-secret confusion),
 * RS256 where HS256 is expected, anything unknown). TOKEN_NO_KEY: the RS256
 * kid is not in the key set, or there is no usable key (NULL PEM, HS256
 * secret under 32 bytes). TOKEN_MALFORMED also covers what libjwt 1.10
 * cannot verify or we cannot honour: a header with "crit", a "typ" other
 * than "JWT", and header or payload JSON that json_parse_strict refuses
 * (e.g. an integer beyond 2^53).
 */
enum token_rc {
	TOKEN_OK,         /* TOKEN_OK */
	TOKEN_MALFORMED,  /* TOKEN_MALFORMED: not three base64url parts of JSON */
	TOKEN_BAD_ALG,    /* TOKEN_BAD_ALG: header alg is not the expected one */
	TOKEN_NO_KEY,     /* TOKEN_NO_KEY: kid not in the key set, or no usable key */
	TOKEN_BAD_SIG,    /* TOKEN_BAD_SIG */
	TOKEN_EXPIRED,    /* TOKEN_EXPIRED: exp missing or past (with TOKEN_LEEWAY_S) */
	TOKEN_NOT_YET,    /* TOKEN_NOT_YET: nbf or iat in the future (beyond leeway) */
	TOKEN_BAD_ISS,    /* TOKEN_BAD_ISS */
	TOKEN_BAD_AUD,    /* TOKEN_BAD_AUD: aud, or client_id for Cognito access tokens */
	TOKEN_BAD_USE,    /* TOKEN_BAD_USE: token_use is not accepted */
	TOKEN_BAD_CLAIMS, /* TOKEN_BAD_CLAIMS: sub missing or empty, exp/nbf/iat not numbers */
	TOKEN__MAX
};

#define TOKEN_LEEWAY_S 60
#define TOKEN_MAX_LEN  8192 /* longer tokens are TOKEN_MALFORMED, unread */

/* A short static phrase ("token has expired"); never contains the token. */
const char *token_strerror(enum token_rc rc);

/*
 * Reads the header of a compact JWT without trusting it: "alg" and "kid"
 * (kid comes back empty when absent). Returns TOKEN_OK, or TOKEN_MALFORMED
 * (not three base64url parts, header not a JSON object, alg missing, alg or
 * kid not a string or too long for its buffer; both buffers then empty).
 * The kid is attacker-chosen text: clean it before logging it.
 */
enum token_rc token_peek_header(const char *jwt, char *alg, size_t alglen, char *kid,
                                size_t kidlen);

/*
 * Issues an HS256 access token: {"sub","role","iat","exp","jti","iss","sv"},
 * with iat = now and exp = now + ttl_s. `jti` comes from the caller (e.g. a
 * UUID); `sv` is the user's session version (>= 0), which the verifier
 * compares with the user's current one. Returns a malloc'd string the caller frees, or NULL (out of
 * memory, secret under 32 bytes, empty sub, ttl_s <= 0, or a NULL argument).
 */
char *token_issue_hs256(const unsigned char *secret, size_t secretlen, const char *issuer,
                        const char *sub, const char *role, int64_t now, int64_t ttl_s,
                        const char *jti, int64_t sv);

/*
 * Verifies a Stratus access token: the header's alg must be exactly HS256
 * before libjwt is trusted with it (libjwt takes the algorithm from the
 * token), then the signature, exp (required), nbf/iat, iss == `issuer` and a
 * non-empty sub. A secret under 32 bytes gives TOKEN_NO_KEY. On TOKEN_OK
 * returns the claims as a new json-c object the caller puts; else *claims
 * is NULL. Callers answer 401 for every other result.
 */
enum token_rc token_verify_hs256(const char *jwt, const unsigned char *secret, size_t secretlen,
                                 const char *issuer, int64_t now, struct json_object **claims);

/* The expectations for an external (OIDC / Cognito) RS256 token. */
struct token_oidc {
	const char *issuer; /* exact "iss" */
	const char
	        *audience; /* "aud" (string or array) or, for Cognito access tokens, "client_id" */
	bool cognito;      /* token_use must be "id" or "access" */
};

/*
 * Verifies an RS256 token against `pem` (the public key of its kid; NULL
 * gives TOKEN_NO_KEY): the header's alg must be exactly RS256, then the
 * signature, exp (required), nbf/iat, iss, token_use and aud or client_id,
 * and a non-empty sub. On TOKEN_OK returns the claims (caller puts); else
 * *claims is NULL.
 */
enum token_rc token_verify_rs256(const char *jwt, const char *pem, const struct token_oidc *want,
                                 int64_t now, struct json_object **claims);

/*
 * Converts a JWKS document ({"keys":[{"kty":"RSA","kid","n","e",...}]}) of
 * `len` bytes (no NUL needed after it) to a list of (kid, PEM public key)
 * pairs. Skipped: keys that are not RSA signing keys ("use" present and not
 * "sig", or "alg" present and not RS256), keys without kid, n or e, with
 * bad base64url, a modulus outside 2048..16384 bits or an even exponent,
 * and a kid already seen (the first wins). Returns the number kept (0
 * leaves *out NULL), or -1 when the document is not a JWKS (not strict
 * JSON, no "keys" array, over 1 MiB) or memory ran out. The caller frees
 * the list with jwks_free; all strings in it are malloc'd.
 */
struct jwk {
	char *kid;
	char *pem;
};
int jwks_parse(const char *json, size_t len, struct jwk **out);
void jwks_free(struct jwk *keys, int n);

#endif
