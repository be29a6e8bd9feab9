/* token.c: JSON Web Tokens on libjwt 1.10: issuing HS256, verifying HS256 and RS256. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/buffer.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "lib/json.h"
#include "lib/token.h"

/* RFC 7518 3.2: an HS256 key must be at least as long as the hash. */
#define HS256_MIN_SECRET 32

/* RSA moduli accepted from a JWKS, in bits. */
#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 16384

/* A key set larger than this is not a key set (Cognito's is under 2 KB). */
#define JWKS_MAX_LEN (1024 * 1024)

static const char *const token_errors[TOKEN__MAX] = {
	[TOKEN_OK] = "token is valid",
	[TOKEN_MALFORMED] = "token is malformed",
	[TOKEN_BAD_ALG] = "token algorithm is not accepted",
	[TOKEN_NO_KEY] = "token signing key is unknown",
	[TOKEN_BAD_SIG] = "token signature is invalid",
	[TOKEN_EXPIRED] = "token has expired",
	[TOKEN_NOT_YET] = "token is not valid yet",
	[TOKEN_BAD_ISS] = "token issuer is not accepted",
	[TOKEN_BAD_AUD] = "token audience is not accepted",
	[TOKEN_BAD_USE] = "token use is not accepted",
	[TOKEN_BAD_CLAIMS] = "token claims are invalid",
};

const char *token_strerror(enum token_rc rc)
{
	if ((unsigned)rc >= TOKEN__MAX)
		return "token is not accepted";
	return token_errors[rc];
}

/* ---------------------------------------------------------------- base64url */

static bool b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/*
 * Decodes base64url (RFC 4648 section 5) into a malloc'd buffer with a NUL
 * after the data, so that it can go straight to the JSON parser. Padding is
 * taken only when `allow_pad` (JWKS members; JWS parts never have it).
 * Non-zero trailing bits are refused by libsodium. Returns NULL for bad
 * input or out of memory; the caller frees.
 */
static unsigned char *b64url_decode(const char *s, size_t len, bool allow_pad, size_t *outlen)
{
	unsigned char *out;
	size_t pad = 0, max;

	if (allow_pad) {
		while (pad < 2 && len > 0 && s[len - 1] == '=') {
			len--;
			pad++;
		}
		if (pad > 0 && (len + pad) % 4 != 0)
			return NULL;
	}
	max = len / 4 * 3 + 3;
	if ((out = malloc(max + 1)) == NULL)
		return NULL;
	/* No b64_end: libsodium then fails on any character outside the alphabet. */
	if (sodium_base642bin(out, max, s, len, NULL, outlen, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		free(out);
		return NULL;
	}
	out[*outlen] = '\0';
	return out;
}

/* ---------------------------------------------------------------- compact JWS */

/* One part of a compact JWS: jwt[off, off + len). */
struct part {
	size_t off;
	size_t len;
};

/*
 * Splits a compact JWS into exactly three parts of base64url characters
 * (no padding, nothing else), header and payload non-empty, the whole at
 * most TOKEN_MAX_LEN bytes.
 */
static enum token_rc split(const char *jwt, struct part p[3])
{
	size_t n, nparts = 0, start = 0;

	if (jwt == NULL || (n = strnlen(jwt, TOKEN_MAX_LEN + 1)) > TOKEN_MAX_LEN)
		return TOKEN_MALFORMED;
	for (size_t i = 0; i <= n; i++) {
		if (jwt[i] == '.' || jwt[i] == '\0') {
			if (nparts == 3)
				return TOKEN_MALFORMED;
			p[nparts].off = start;
			p[nparts].len = i - start;
			nparts++;
			start = i + 1;
		} else if (!b64url_char(jwt[i])) {
			return TOKEN_MALFORMED;
		}
	}
	if (nparts != 3 || p[0].len == 0 || p[1].len == 0)
		return TOKEN_MALFORMED;
	return TOKEN_OK;
}

/* Decodes one part as a JSON object (strictly: RFC 8259, UTF-8, no NUL). */
static enum token_rc part_json(const char *jwt, const struct part *p, struct json_object **out)
{
	unsigned char *buf;
	size_t len;
	char why[160];
	int rc;

	*out = NULL;
	if ((buf = b64url_decode(jwt + p->off, p->len, false, &len)) == NULL)
		return TOKEN_MALFORMED;
	rc = json_parse_strict((const char *)buf, len, out, why, sizeof(why));
	free(buf);
	if (rc < 0)
		return TOKEN_MALFORMED;
	if (!json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		return TOKEN_MALFORMED;
	}
	return TOKEN_OK;
}

/* A string member without an embedded NUL, or NULL when absent or of another type. */
static const char *str_member(struct json_object *o, const char *name)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	if (strlen(s) != (size_t)json_object_get_string_len(v))
		return NULL;
	return s;
}

/* Copies a string member into buf; false when it is not a clean string or does not fit. */
static bool copy_member(struct json_object *o, const char *name, char *buf, size_t buflen)
{
	const char *s = str_member(o, name);
	size_t n;

	if (s == NULL || (n = strlen(s)) >= buflen)
		return false;
	memcpy(buf, s, n + 1);
	return true;
}

enum token_rc token_peek_header(const char *jwt, char *alg, size_t alglen, char *kid, size_t kidlen)
{
	struct part p[3];
	struct json_object *h;
	enum token_rc rc;

	if (alglen > 0)
		alg[0] = '\0';
	if (kidlen > 0)
		kid[0] = '\0';
	if ((rc = split(jwt, p)) != TOKEN_OK || (rc = part_json(jwt, &p[0], &h)) != TOKEN_OK)
		return rc;
	rc = TOKEN_OK;
	if (!copy_member(h, "alg", alg, alglen) ||
	    (json_object_object_get_ex(h, "kid", NULL) && !copy_member(h, "kid", kid, kidlen))) {
		rc = TOKEN_MALFORMED;
		if (alglen > 0)
			alg[0] = '\0';
		if (kidlen > 0)
			kid[0] = '\0';
	}
	json_object_put(h);
	return rc;
}

/*
 * The common part of both verifications. libjwt 1.10 takes the algorithm
 * from the token's own header (and compares its name without case), so a
 * token could pick "none", or HS256 with our RSA public key as the HMAC
 * secret. Hence, in this order: the structure and the header's "alg",
 * which must be exactly `want_name`, are checked here before libjwt sees
 * the token; then libjwt checks the signature; then the algorithm libjwt
 * actually used must be `want` too. On TOKEN_OK `*claims` is the payload
 * as libjwt read it (so the claims checked are the ones signed).
 */
static enum token_rc decode_verified(const char *jwt, const char *want_name, jwt_alg_t want,
                                     const unsigned char *key, size_t keylen,
                                     struct json_object **claims)
{
	struct part p[3];
	struct json_object *o;
	const char *alg, *typ;
	unsigned char *sig;
	size_t siglen;
	jwt_t *j = NULL;
	char *grants;
	enum token_rc rc;

	*claims = NULL;
	if ((rc = split(jwt, p)) != TOKEN_OK || (rc = part_json(jwt, &p[0], &o)) != TOKEN_OK)
		return rc;
	if ((alg = str_member(o, "alg")) == NULL)
		rc = TOKEN_MALFORMED;
	else if (strcmp(alg, want_name) != 0)
		rc = TOKEN_BAD_ALG;
	else if (json_object_object_get_ex(o, "crit", NULL))
		rc = TOKEN_MALFORMED; /* RFC 7515 4.1.11: we understand no extension */
	else if (json_object_object_get_ex(o, "typ", NULL) &&
	         ((typ = str_member(o, "typ")) == NULL || strcasecmp(typ, "JWT") != 0))
		rc = TOKEN_MALFORMED; /* libjwt 1.10 refuses any other typ ("at+jwt"): say why */
	json_object_put(o);
	if (rc != TOKEN_OK)
		return rc;
	if ((rc = part_json(jwt, &p[1], &o)) != TOKEN_OK)
		return rc;
	json_object_put(o);
	if (p[2].len == 0)
		return TOKEN_BAD_SIG;
	if ((sig = b64url_decode(jwt + p[2].off, p[2].len, false, &siglen)) == NULL)
		return TOKEN_MALFORMED;
	free(sig);
	if (key == NULL || keylen == 0 || keylen > INT_MAX)
		return TOKEN_NO_KEY;

	if (jwt_decode(&j, jwt, key, (int)keylen) != 0 || j == NULL) {
		if (j != NULL)
			jwt_free(j);
		return TOKEN_BAD_SIG;
	}
	if (jwt_get_alg(j) != want) {
		jwt_free(j);
		return TOKEN_BAD_ALG;
	}
	grants = jwt_get_grants_json(j, NULL);
	jwt_free(j);
	if (grants == NULL)
		return TOKEN_BAD_CLAIMS;
	o = json_tokener_parse(grants);
	free(grants);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return TOKEN_BAD_CLAIMS;
	}
	*claims = o;
	return TOKEN_OK;
}

/* ---------------------------------------------------------------- claims */

/* A NumericDate claim: 1 and the value, 0 when absent, -1 when not a sane number. */
static int time_claim(struct json_object *c, const char *name, int64_t *out)
{
	struct json_object *v;
	double d;

	if (!json_object_object_get_ex(c, name, &v))
		return 0;
	switch (json_object_get_type(v)) {
	case json_type_int: *out = json_object_get_int64(v); return 1;
	case json_type_double:
		d = json_object_get_double(v);
		if (!isfinite(d) || d > 9.0e15 || d < -9.0e15)
			return -1;
		*out = (int64_t)d;
		return 1;
	default: return -1;
	}
}

/* exp is required; nbf and iat may be absent but not in the future. */
static enum token_rc check_times(struct json_object *c, int64_t now)
{
	int64_t t;
	int r;

	if ((r = time_claim(c, "exp", &t)) < 0)
		return TOKEN_BAD_CLAIMS;
	if (r == 0 || t <= now - TOKEN_LEEWAY_S)
		return TOKEN_EXPIRED;
	if ((r = time_claim(c, "nbf", &t)) < 0)
		return TOKEN_BAD_CLAIMS;
	if (r == 1 && t > now + TOKEN_LEEWAY_S)
		return TOKEN_NOT_YET;
	if ((r = time_claim(c, "iat", &t)) < 0)
		return TOKEN_BAD_CLAIMS;
	if (r == 1 && t > now + TOKEN_LEEWAY_S)
		return TOKEN_NOT_YET;
	return TOKEN_OK;
}

static enum token_rc check_iss(struct json_object *c, const char *issuer)
{
	const char *iss = str_member(c, "iss");

	if (issuer == NULL || iss == NULL || strcmp(iss, issuer) != 0)
		return TOKEN_BAD_ISS;
	return TOKEN_OK;
}

static enum token_rc check_sub(struct json_object *c)
{
	const char *sub = str_member(c, "sub");

	return sub == NULL || *sub == '\0' ? TOKEN_BAD_CLAIMS : TOKEN_OK;
}

/* "aud" is the audience, or an array that contains it (RFC 7519 4.1.3). */
static bool aud_matches(struct json_object *c, const char *audience)
{
	struct json_object *aud;
	const char *s;

	if (audience == NULL || *audience == '\0' || !json_object_object_get_ex(c, "aud", &aud))
		return false;
	if ((s = str_member(c, "aud")) != NULL)
		return strcmp(s, audience) == 0;
	if (!json_object_is_type(aud, json_type_array))
		return false;
	for (size_t i = 0, n = json_object_array_length(aud); i < n; i++) {
		struct json_object *v = json_object_array_get_idx(aud, i);

		if (json_object_is_type(v, json_type_string) &&
		    strlen(json_object_get_string(v)) == (size_t)json_object_get_string_len(v) &&
		    strcmp(json_object_get_string(v), audience) == 0)
			return true;
	}
	return false;
}

/*
 * Cognito ID tokens carry the app client in "aud", access tokens in
 * "client_id" (and no "aud"); refresh tokens are never accepted here.
 */
static enum token_rc check_audience(struct json_object *c, const struct token_oidc *want)
{
	const char *use, *client;

	if (!want->cognito)
		return aud_matches(c, want->audience) ? TOKEN_OK : TOKEN_BAD_AUD;
	if ((use = str_member(c, "token_use")) == NULL)
		return TOKEN_BAD_USE;
	if (strcmp(use, "id") == 0)
		return aud_matches(c, want->audience) ? TOKEN_OK : TOKEN_BAD_AUD;
	if (strcmp(use, "access") == 0) {
		client = str_member(c, "client_id");
		if (want->audience == NULL || client == NULL || strcmp(client, want->audience) != 0)
			return TOKEN_BAD_AUD;
		return TOKEN_OK;
	}
	return TOKEN_BAD_USE;
}

/* ---------------------------------------------------------------- HS256 */

char *token_issue_hs256(const unsigned char *secret, size_t secretlen, const char *issuer,
                        const char *sub, const char *role, int64_t now, int64_t ttl_s,
                        const char *jti, int64_t sv)
{
	jwt_t *j = NULL;
	char *out = NULL;

	if (secret == NULL || secretlen < HS256_MIN_SECRET || secretlen > INT_MAX ||
	    issuer == NULL || sub == NULL || *sub == '\0' || role == NULL || jti == NULL ||
	    now < 0 || ttl_s <= 0 || now > (int64_t)LONG_MAX - ttl_s || sv < 0 || sv > LONG_MAX)
		return NULL;
	if (jwt_new(&j) != 0)
		return NULL;
	if (jwt_set_alg(j, JWT_ALG_HS256, secret, (int)secretlen) == 0 &&
	    jwt_add_grant(j, "iss", issuer) == 0 && jwt_add_grant(j, "sub", sub) == 0 &&
	    jwt_add_grant(j, "role", role) == 0 && jwt_add_grant(j, "jti", jti) == 0 &&
	    jwt_add_grant_int(j, "iat", (long)now) == 0 &&
	    jwt_add_grant_int(j, "exp", (long)(now + ttl_s)) == 0 &&
	    jwt_add_grant_int(j, "sv", (long)sv) == 0)
		out = jwt_encode_str(j);
	jwt_free(j); /* scrubs its copy of the secret */
	return out;
}

enum token_rc token_verify_hs256(const char *jwt, const unsigned char *secret, size_t secretlen,
                                 const char *issuer, int64_t now, struct json_object **claims)
{
	enum token_rc rc;

	*claims = NULL;
	if ((rc = decode_verified(jwt, "HS256", JWT_ALG_HS256, secret,
	                          secretlen < HS256_MIN_SECRET ? 0 : secretlen, claims)) !=
	    TOKEN_OK)
		return rc;
	if ((rc = check_times(*claims, now)) != TOKEN_OK ||
	    (rc = check_iss(*claims, issuer)) != TOKEN_OK ||
	    (rc = check_sub(*claims)) != TOKEN_OK) {
		json_object_put(*claims);
		*claims = NULL;
	}
	return rc;
}

/* ---------------------------------------------------------------- RS256 */

enum token_rc token_verify_rs256(const char *jwt, const char *pem, const struct token_oidc *want,
                                 int64_t now, struct json_object **claims)
{
	enum token_rc rc;

	*claims = NULL;
	if ((rc = decode_verified(jwt, "RS256", JWT_ALG_RS256, (const unsigned char *)pem,
	                          pem == NULL ? 0 : strlen(pem), claims)) != TOKEN_OK)
		return rc;
	if ((rc = check_times(*claims, now)) != TOKEN_OK ||
	    (rc = check_iss(*claims, want->issuer)) != TOKEN_OK ||
	    (rc = check_audience(*claims, want)) != TOKEN_OK ||
	    (rc = check_sub(*claims)) != TOKEN_OK) {
		json_object_put(*claims);
		*claims = NULL;
	}
	return rc;
}

/* ---------------------------------------------------------------- JWKS */

/* A PEM "PUBLIC KEY" (SubjectPublicKeyInfo) for the RSA key (n, e); malloc'd, or NULL. */
static char *rsa_pem(const unsigned char *n, size_t nlen, const unsigned char *e, size_t elen)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *bn = NULL, *be = NULL;
	BIO *mem = NULL;
	BUF_MEM *bm;
	char *pem = NULL;

	if (nlen > RSA_MAX_BITS / 8 + 1 || elen > 8)
		return NULL;
	if ((bn = BN_bin2bn(n, (int)nlen, NULL)) == NULL ||
	    (be = BN_bin2bn(e, (int)elen, NULL)) == NULL)
		goto out;
	/* A short modulus can be factored; an even or unit exponent is no RSA key. */
	if (BN_num_bits(bn) < RSA_MIN_BITS || BN_num_bits(bn) > RSA_MAX_BITS || !BN_is_odd(be) ||
	    BN_is_one(be))
		goto out;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0 ||
	    (mem = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_PUBKEY(mem, pkey))
		goto out;
	BIO_get_mem_ptr(mem, &bm);
	if ((pem = malloc(bm->length + 1)) == NULL)
		goto out;
	memcpy(pem, bm->data, bm->length);
	pem[bm->length] = '\0';
out:
	BIO_free(mem);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(be);
	BN_free(bn);
	if (pem == NULL)
		ERR_clear_error(); /* leave nothing queued for libjwt's later calls */
	return pem;
}

/* The PEM of one JWK when it is an RSA signing key usable for RS256, else NULL. */
static char *jwk_pem(struct json_object *k)
{
	const char *kty, *s, *n64, *e64;
	unsigned char *n = NULL, *e = NULL;
	size_t nlen, elen;
	char *pem = NULL;

	if ((kty = str_member(k, "kty")) == NULL || strcmp(kty, "RSA") != 0)
		return NULL;
	if (json_object_object_get_ex(k, "use", NULL) &&
	    ((s = str_member(k, "use")) == NULL || strcmp(s, "sig") != 0))
		return NULL;
	if (json_object_object_get_ex(k, "alg", NULL) &&
	    ((s = str_member(k, "alg")) == NULL || strcmp(s, "RS256") != 0))
		return NULL;
	if ((n64 = str_member(k, "n")) == NULL || (e64 = str_member(k, "e")) == NULL)
		return NULL;
	if ((n = b64url_decode(n64, strlen(n64), true, &nlen)) != NULL &&
	    (e = b64url_decode(e64, strlen(e64), true, &elen)) != NULL)
		pem = rsa_pem(n, nlen, e, elen);
	free(n);
	free(e);
	return pem;
}

int jwks_parse(const char *json, size_t len, struct jwk **out)
{
	struct json_object *doc, *keys;
	struct jwk *list;
	char *buf, why[160];
	size_t nkeys;
	int kept = 0, rc;

	*out = NULL;
	if (json == NULL || len == 0 || len > JWKS_MAX_LEN)
		return -1;
	/* json_parse_strict wants buf[len] == '\0', which a fetched body may lack. */
	if ((buf = malloc(len + 1)) == NULL)
		return -1;
	memcpy(buf, json, len);
	buf[len] = '\0';
	rc = json_parse_strict(buf, len, &doc, why, sizeof(why));
	free(buf);
	if (rc < 0)
		return -1;
	if (!json_object_is_type(doc, json_type_object) ||
	    !json_object_object_get_ex(doc, "keys", &keys) ||
	    !json_object_is_type(keys, json_type_array)) {
		json_object_put(doc);
		return -1;
	}
	nkeys = json_object_array_length(keys);
	if ((list = calloc(nkeys > 0 ? nkeys : 1, sizeof(*list))) == NULL) {
		json_object_put(doc);
		return -1;
	}
	for (size_t i = 0; i < nkeys; i++) {
		struct json_object *k = json_object_array_get_idx(keys, i);
		const char *kid;
		bool dup = false;

		if (!json_object_is_type(k, json_type_object) ||
		    (kid = str_member(k, "kid")) == NULL || *kid == '\0')
			continue;
		/* The first key of a kid wins: a lookup by kid must be unambiguous. */
		for (int d = 0; d < kept && !dup; d++)
			dup = strcmp(list[d].kid, kid) == 0;
		if (dup || (list[kept].pem = jwk_pem(k)) == NULL)
			continue;
		if ((list[kept].kid = strdup(kid)) == NULL) {
			free(list[kept].pem);
			jwks_free(list, kept);
			json_object_put(doc);
			return -1;
		}
		kept++;
	}
	json_object_put(doc);
	if (kept == 0) {
		free(list);
		list = NULL;
	}
	*out = list;
	return kept;
}

void jwks_free(struct jwk *keys, int n)
{
	if (keys == NULL)
		return;
	for (int i = 0; i < n; i++) {
		free(keys[i].kid);
		free(keys[i].pem);
	}
	free(keys);
}
