/* t_token.c: JWT issuing and verification, algorithm confusion, claims and JWKS. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/buffer.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "lib/token.h"
#include "tests/unit/unit.h"

#define NOW    1700000000LL
#define ISSUER "https://stratus.example/"
#define OIDC   "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Test"
#define CLIENT "3n4b5urk1ft4fl3mg5e62d9ado"

static const unsigned char secret[] = "0123456789abcdef0123456789abcdef";
#define SECRET_LEN 32

/* ---------------------------------------------------------------- helpers */

/* The RSA key of the RS256 tests, made once for the whole test case. */
static struct {
	EVP_PKEY *pkey;
	char *priv_pem;
	char *pub_pem;
	char n64[1024];
	char e64[16];
} rsa;

static char *bio_string(BIO *b)
{
	BUF_MEM *bm;
	char *s;

	BIO_get_mem_ptr(b, &bm);
	s = malloc(bm->length + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, bm->data, bm->length);
	s[bm->length] = '\0';
	return s;
}

static void b64url(const void *bin, size_t len, char *out, size_t outlen)
{
	ck_assert_uint_ge(outlen,
	                  sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
	sodium_bin2base64(out, outlen, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void bn_b64url(const char *param, char *out, size_t outlen)
{
	BIGNUM *bn = NULL;
	unsigned char buf[600];
	int n;

	ck_assert_int_eq(EVP_PKEY_get_bn_param(rsa.pkey, param, &bn), 1);
	n = BN_bn2bin(bn, buf);
	ck_assert_int_gt(n, 0);
	b64url(buf, (size_t)n, out, outlen);
	BN_free(bn);
}

static void rsa_setup(void)
{
	BIO *b;

	rsa.pkey = EVP_RSA_gen(2048);
	ck_assert_ptr_nonnull(rsa.pkey);
	b = BIO_new(BIO_s_mem());
	ck_assert_int_eq(PEM_write_bio_PrivateKey(b, rsa.pkey, NULL, NULL, 0, NULL, NULL), 1);
	rsa.priv_pem = bio_string(b);
	BIO_free(b);
	b = BIO_new(BIO_s_mem());
	ck_assert_int_eq(PEM_write_bio_PUBKEY(b, rsa.pkey), 1);
	rsa.pub_pem = bio_string(b);
	BIO_free(b);
	bn_b64url(OSSL_PKEY_PARAM_RSA_N, rsa.n64, sizeof(rsa.n64));
	bn_b64url(OSSL_PKEY_PARAM_RSA_E, rsa.e64, sizeof(rsa.e64));
}

static void rsa_teardown(void)
{
	EVP_PKEY_free(rsa.pkey);
	free(rsa.priv_pem);
	free(rsa.pub_pem);
	memset(&rsa, 0, sizeof(rsa));
}

/* Signs `claims` (JSON) with libjwt; `kid` may be NULL. The caller frees. */
static char *sign(jwt_alg_t alg, const void *key, size_t keylen, const char *kid,
                  const char *claims)
{
	jwt_t *j;
	char *out;

	ck_assert_int_eq(jwt_new(&j), 0);
	ck_assert_int_eq(jwt_set_alg(j, alg, key, (int)keylen), 0);
	if (kid != NULL)
		ck_assert_int_eq(jwt_add_header(j, "kid", kid), 0);
	ck_assert_int_eq(jwt_add_grants_json(j, claims), 0);
	out = jwt_encode_str(j);
	ck_assert_ptr_nonnull(out);
	jwt_free(j);
	return out;
}

static char *sign_rs256(const char *claims)
{
	return sign(JWT_ALG_RS256, rsa.priv_pem, strlen(rsa.priv_pem), "k1", claims);
}

/*
 * Builds a compact token by hand from any header: signed with HMAC-SHA256
 * under `key` when it is not NULL, else with the given raw signature text.
 */
static char *raw(const char *header, const char *payload, const unsigned char *key, size_t keylen,
                 const char *sigtext)
{
	char h[1024], p[2048], s[128], *out;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	size_t n;

	b64url(header, strlen(header), h, sizeof(h));
	b64url(payload, strlen(payload), p, sizeof(p));
	n = strlen(h) + strlen(p) + sizeof(s) + 3;
	out = malloc(n);
	ck_assert_ptr_nonnull(out);
	snprintf(out, n, "%s.%s", h, p);
	if (key != NULL) {
		crypto_auth_hmacsha256_init(&st, key, keylen);
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)out, strlen(out));
		crypto_auth_hmacsha256_final(&st, mac);
		b64url(mac, sizeof(mac), s, sizeof(s));
		sigtext = s;
	}
	strcat(out, ".");
	strcat(out, sigtext);
	return out;
}

static enum token_rc hs(const char *tok, int64_t now)
{
	struct json_object *c = (struct json_object *)1;
	enum token_rc rc = token_verify_hs256(tok, secret, SECRET_LEN, ISSUER, now, &c);

	if (rc == TOKEN_OK) {
		ck_assert_ptr_nonnull(c);
		json_object_put(c);
	} else {
		ck_assert_ptr_null(c);
	}
	return rc;
}

static enum token_rc rs(const char *tok, const char *pem, const struct token_oidc *want)
{
	struct json_object *c = (struct json_object *)1;
	enum token_rc rc = token_verify_rs256(tok, pem, want, NOW, &c);

	if (rc == TOKEN_OK) {
		ck_assert_ptr_nonnull(c);
		json_object_put(c);
	} else {
		ck_assert_ptr_null(c);
	}
	return rc;
}

#define ck_rc(expr, want)                                                                          \
	do {                                                                                       \
		enum token_rc got_ = (expr);                                                       \
		ck_assert_msg(got_ == (want), "%s: got %s, want %s", #expr, token_strerror(got_),  \
		              token_strerror(want));                                               \
	} while (0)

/* Standard claims for an external token, with the fields that vary. */
static void claims(char *buf, size_t len, const char *iss, const char *extra)
{
	snprintf(buf, len, "{\"sub\":\"u-1\",\"iss\":\"%s\",\"iat\":%lld,\"exp\":%lld%s%s}", iss,
	         NOW - 10, NOW + 3600, extra[0] ? "," : "", extra);
}

static const char *claim_str(struct json_object *c, const char *name)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(c, name, &v), "no %s", name);
	return json_object_get_string(v);
}

/* ---------------------------------------------------------------- HS256 */

START_TEST(hs256_round_trip)
{
	char *tok = token_issue_hs256(secret, SECRET_LEN, ISSUER, "user-1", "admin", NOW, 900,
	                              "jti-42", 7);
	struct json_object *c, *v;
	char alg[16], kid[64];

	ck_assert_ptr_nonnull(tok);
	ck_rc(token_peek_header(tok, alg, sizeof(alg), kid, sizeof(kid)), TOKEN_OK);
	ck_assert_str_eq(alg, "HS256");
	ck_assert_str_eq(kid, "");
	ck_rc(token_verify_hs256(tok, secret, SECRET_LEN, ISSUER, NOW + 10, &c), TOKEN_OK);
	ck_assert_str_eq(claim_str(c, "sub"), "user-1");
	ck_assert_str_eq(claim_str(c, "role"), "admin");
	ck_assert_str_eq(claim_str(c, "jti"), "jti-42");
	ck_assert_str_eq(claim_str(c, "iss"), ISSUER);
	ck_assert(json_object_object_get_ex(c, "iat", &v));
	ck_assert_int_eq(json_object_get_int64(v), NOW);
	ck_assert(json_object_object_get_ex(c, "exp", &v));
	ck_assert_int_eq(json_object_get_int64(v), NOW + 900);
	ck_assert(json_object_object_get_ex(c, "sv", &v));
	ck_assert_int_eq(json_object_get_int64(v), 7);
	json_object_put(c);
	/* Within the leeway after exp, and just beyond it. */
	ck_rc(hs(tok, NOW + 900 + TOKEN_LEEWAY_S - 1), TOKEN_OK);
	ck_rc(hs(tok, NOW + 900 + TOKEN_LEEWAY_S), TOKEN_EXPIRED);
	ck_rc(hs(tok, NOW + 7200), TOKEN_EXPIRED);
	/* Issued "in the future" for a verifier whose clock is behind. */
	ck_rc(hs(tok, NOW - TOKEN_LEEWAY_S), TOKEN_OK);
	ck_rc(hs(tok, NOW - TOKEN_LEEWAY_S - 1), TOKEN_NOT_YET);
	free(tok);
}
END_TEST

START_TEST(hs256_issue_refuses_bad_input)
{
	ck_assert_ptr_null(token_issue_hs256(secret, 31, ISSUER, "u", "r", NOW, 900, "j", 0));
	ck_assert_ptr_null(
	        token_issue_hs256(secret, SECRET_LEN, ISSUER, "", "r", NOW, 900, "j", 0));
	ck_assert_ptr_null(token_issue_hs256(secret, SECRET_LEN, ISSUER, "u", "r", NOW, 0, "j", 0));
	ck_assert_ptr_null(token_issue_hs256(secret, SECRET_LEN, NULL, "u", "r", NOW, 900, "j", 0));
	ck_assert_ptr_null(
	        token_issue_hs256(secret, SECRET_LEN, ISSUER, "u", "r", NOW, 900, NULL, 0));
	ck_assert_ptr_null(
	        token_issue_hs256(secret, SECRET_LEN, ISSUER, "u", "r", NOW, 900, "j", -1));
}
END_TEST

START_TEST(hs256_wrong_secret_issuer_and_tampering)
{
	static const unsigned char other[] = "ffffffffffffffffffffffffffffffff";
	char *tok =
	        token_issue_hs256(secret, SECRET_LEN, ISSUER, "user-1", "admin", NOW, 900, "j", 0);
	char *evil = token_issue_hs256(other, 32, ISSUER, "user-1", "admin", NOW, 900, "j", 0);
	char *spliced, *dot;
	struct json_object *c = (struct json_object *)1;

	ck_rc(hs(evil, NOW), TOKEN_BAD_SIG);
	ck_rc(token_verify_hs256(tok, secret, SECRET_LEN, "https://other.example/", NOW, &c),
	      TOKEN_BAD_ISS);
	ck_assert_ptr_null(c);
	ck_rc(token_verify_hs256(tok, secret, 16, ISSUER, NOW, &c), TOKEN_NO_KEY);

	/* The payload of one token with the signature of another. */
	spliced = strdup(tok);
	dot = strrchr(spliced, '.');
	ck_assert_uint_eq(strlen(dot), strlen(strrchr(evil, '.')));
	memcpy(dot, strrchr(evil, '.'), strlen(dot));
	ck_assert_str_ne(spliced, tok);
	ck_rc(hs(spliced, NOW), TOKEN_BAD_SIG);
	free(spliced);
	free(tok);
	free(evil);
}
END_TEST

START_TEST(hs256_claims_checked)
{
	static const char hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	static const struct {
		const char *payload;
		enum token_rc want;
	} cases[] = {
		{ "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"exp\":1700000900}", TOKEN_OK },
		{ "{\"sub\":\"u\",\"iss\":\"" ISSUER "\"}", TOKEN_EXPIRED },
		{ "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"exp\":\"1700000900\"}",
		  TOKEN_BAD_CLAIMS },
		{ "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"exp\":1700000900.5}", TOKEN_OK },
		{ "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"exp\":1700000900,\"nbf\":1700000500}",
		  TOKEN_NOT_YET },
		{ "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"exp\":1700000900,\"nbf\":1700000030}",
		  TOKEN_OK },
		{ "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"exp\":1700000900,\"iat\":1700000500}",
		  TOKEN_NOT_YET },
		{ "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"exp\":1700000900,\"nbf\":null}",
		  TOKEN_BAD_CLAIMS },
		{ "{\"iss\":\"" ISSUER "\",\"exp\":1700000900}", TOKEN_BAD_CLAIMS },
		{ "{\"sub\":\"\",\"iss\":\"" ISSUER "\",\"exp\":1700000900}", TOKEN_BAD_CLAIMS },
		{ "{\"sub\":7,\"iss\":\"" ISSUER "\",\"exp\":1700000900}", TOKEN_BAD_CLAIMS },
		{ "{\"sub\":\"u\",\"exp\":1700000900}", TOKEN_BAD_ISS },
		{ "{\"sub\":\"u\",\"iss\":[\"" ISSUER "\"],\"exp\":1700000900}", TOKEN_BAD_ISS },
		{ "{\"sub\":\"u\",\"iss\":\"" ISSUER "x\",\"exp\":1700000900}", TOKEN_BAD_ISS },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *tok = raw(hdr, cases[i].payload, secret, SECRET_LEN, NULL);

		ck_assert_msg(hs(tok, NOW) == cases[i].want, "case %zu: got %s", i,
		              token_strerror(hs(tok, NOW)));
		free(tok);
	}
}
END_TEST

/* ---------------------------------------------------------------- algorithms */

START_TEST(alg_none_is_refused)
{
	static const char pay[] = "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"exp\":1700000900}";
	char *tok = raw("{\"alg\":\"none\"}", pay, NULL, 0, "");
	char *tok2 = raw("{\"alg\":\"none\",\"typ\":\"JWT\"}", pay, NULL, 0, "");
	struct token_oidc want = { OIDC, CLIENT, false };

	ck_rc(hs(tok, NOW), TOKEN_BAD_ALG);
	ck_rc(hs(tok2, NOW), TOKEN_BAD_ALG);
	ck_rc(rs(tok, rsa.pub_pem, &want), TOKEN_BAD_ALG);
	free(tok);
	free(tok2);
}
END_TEST

/*
 * The public-key confusion attack: the RSA public key is public, so anyone
 * can HMAC a token with its PEM text as the secret and set alg HS256. libjwt
 * alone takes it (shown first); the verifier must not.
 */
START_TEST(hs256_signed_with_the_public_pem_is_refused)
{
	char pay[512], *tok;
	struct token_oidc want = { OIDC, CLIENT, false };
	jwt_t *j = NULL;

	claims(pay, sizeof(pay), OIDC, "\"aud\":\"" CLIENT "\"");
	tok = sign(JWT_ALG_HS256, rsa.pub_pem, strlen(rsa.pub_pem), "k1", pay);
	ck_assert_int_eq(
	        jwt_decode(&j, tok, (const unsigned char *)rsa.pub_pem, (int)strlen(rsa.pub_pem)),
	        0);
	ck_assert_int_eq(jwt_get_alg(j), JWT_ALG_HS256);
	jwt_free(j);
	ck_rc(rs(tok, rsa.pub_pem, &want), TOKEN_BAD_ALG);
	free(tok);
}
END_TEST

START_TEST(unexpected_algorithms_are_refused)
{
	static const char pay[] = "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"exp\":1700000900}";
	char *tok;
	struct token_oidc want = { ISSUER, "aud", false };

	tok = sign(JWT_ALG_HS512, secret, SECRET_LEN, NULL, pay);
	ck_rc(hs(tok, NOW), TOKEN_BAD_ALG);
	free(tok);
	tok = sign(JWT_ALG_HS384, secret, SECRET_LEN, NULL, pay);
	ck_rc(hs(tok, NOW), TOKEN_BAD_ALG);
	free(tok);
	/* RS256 where HS256 is expected, and HS256 where RS256 is. */
	tok = sign(JWT_ALG_RS256, rsa.priv_pem, strlen(rsa.priv_pem), NULL, pay);
	ck_rc(hs(tok, NOW), TOKEN_BAD_ALG);
	free(tok);
	tok = sign(JWT_ALG_HS256, secret, SECRET_LEN, NULL, pay);
	ck_rc(rs(tok, rsa.pub_pem, &want), TOKEN_BAD_ALG);
	free(tok);
	/* libjwt compares alg names without case; RFC 7515 and we do not. */
	tok = raw("{\"alg\":\"hs256\",\"typ\":\"JWT\"}", pay, secret, SECRET_LEN, NULL);
	ck_rc(hs(tok, NOW), TOKEN_BAD_ALG);
	free(tok);
	tok = raw("{\"alg\":\"HS256 \"}", pay, secret, SECRET_LEN, NULL);
	ck_rc(hs(tok, NOW), TOKEN_BAD_ALG);
	free(tok);
	tok = raw("{\"alg\":\"XY999\"}", pay, secret, SECRET_LEN, NULL);
	ck_rc(hs(tok, NOW), TOKEN_BAD_ALG);
	free(tok);
	tok = raw("{\"alg\":\"HS256\\u0000\"}", pay, secret, SECRET_LEN, NULL);
	ck_rc(hs(tok, NOW), TOKEN_MALFORMED);
	free(tok);
	/* No alg, or not a string. */
	tok = raw("{\"typ\":\"JWT\"}", pay, secret, SECRET_LEN, NULL);
	ck_rc(hs(tok, NOW), TOKEN_MALFORMED);
	free(tok);
	tok = raw("{\"alg\":[\"HS256\"]}", pay, secret, SECRET_LEN, NULL);
	ck_rc(hs(tok, NOW), TOKEN_MALFORMED);
	free(tok);
	/* A critical extension we cannot honour. */
	tok = raw("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", pay, secret, SECRET_LEN,
	          NULL);
	ck_rc(hs(tok, NOW), TOKEN_MALFORMED);
	free(tok);
	/* libjwt 1.10 verifies only typ "JWT" (any case) or none; say so, not "bad signature". */
	tok = raw("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", pay, secret, SECRET_LEN, NULL);
	ck_rc(hs(tok, NOW), TOKEN_MALFORMED);
	free(tok);
	tok = raw("{\"alg\":\"HS256\",\"typ\":1}", pay, secret, SECRET_LEN, NULL);
	ck_rc(hs(tok, NOW), TOKEN_MALFORMED);
	free(tok);
	/* Control: the same construction with a plain header passes. */
	tok = raw("{\"alg\":\"HS256\"}", pay, secret, SECRET_LEN, NULL);
	ck_rc(hs(tok, NOW), TOKEN_OK);
	free(tok);
	tok = raw("{\"alg\":\"HS256\",\"typ\":\"jwt\"}", pay, secret, SECRET_LEN, NULL);
	ck_rc(hs(tok, NOW), TOKEN_OK);
	free(tok);
}
END_TEST

START_TEST(malformed_tokens)
{
	static const char pay[] = "{\"sub\":\"u\",\"iss\":\"" ISSUER "\",\"exp\":1700000900}";
	char *good = raw("{\"alg\":\"HS256\"}", pay, secret, SECRET_LEN, NULL);
	char *tok, *big, alg[16], kid[8];
	static const char *const bad[] = {
		"",
		"abc",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0",           /* two parts */
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln.c2ln", /* four parts */
		"!!!!.eyJzdWIiOiJ1In0.c2ln",                      /* not base64url */
		"eyJhbGciOiJIUzI1NiJ9=.eyJzdWIiOiJ1In0.c2ln",     /* padding */
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2l+",      /* base64, not base64url */
		"eyJhbGciOiJIUzI1NiJ9 .eyJzdWIiOiJ1In0.c2ln",     /* a space */
		".eyJzdWIiOiJ1In0.c2ln",                          /* empty header */
		"eyJhbGciOiJIUzI1NiJ9..c2ln",                     /* empty payload */
		"bm90IGpzb24.eyJzdWIiOiJ1In0.c2ln",               /* header "not json" */
		"WyJIUzI1NiJd.eyJzdWIiOiJ1In0.c2ln",              /* header ["HS256"] */
		"eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln",          /* payload "not json" */
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnx",     /* signature: bad length */
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2m",       /* signature: stray bits */
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln\n",    /* trailing newline */
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln.",     /* trailing dot */
		"eyJhbGciOiJIUzI1NiI.eyJzdWIiOiJ1In0.c2ln",       /* header {"alg":"HS256" */
	};
	struct json_object *c = (struct json_object *)1;

	ck_rc(hs(good, NOW), TOKEN_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum token_rc rc = hs(bad[i], NOW);

		ck_assert_msg(rc == TOKEN_MALFORMED, "case %zu: got %s", i, token_strerror(rc));
	}
	ck_rc(token_verify_hs256(NULL, secret, SECRET_LEN, ISSUER, NOW, &c), TOKEN_MALFORMED);
	ck_assert_ptr_null(c);

	/* An empty signature is a bad signature, not a structural fault. */
	tok = raw("{\"alg\":\"HS256\"}", pay, NULL, 0, "");
	ck_rc(hs(tok, NOW), TOKEN_BAD_SIG);
	free(tok);

	/* Over TOKEN_MAX_LEN: refused before it is read, even when well formed. */
	big = malloc(TOKEN_MAX_LEN + 2);
	memset(big, 'A', TOKEN_MAX_LEN + 1);
	memcpy(big, good, strlen(good));
	big[TOKEN_MAX_LEN + 1] = '\0';
	ck_rc(hs(big, NOW), TOKEN_MALFORMED);
	ck_rc(token_peek_header(big, alg, sizeof(alg), kid, sizeof(kid)), TOKEN_MALFORMED);
	free(big);

	/* Peek: malformed headers, and alg or kid too long for the buffers. */
	ck_rc(token_peek_header("bm90IGpzb24.eyJzdWIiOiJ1In0.c2ln", alg, sizeof(alg), kid,
	                        sizeof(kid)),
	      TOKEN_MALFORMED);
	ck_assert_str_eq(alg, "");
	tok = raw("{\"alg\":\"RS256\",\"kid\":\"a-very-long-kid\"}", pay, NULL, 0, "c2ln");
	ck_rc(token_peek_header(tok, alg, sizeof(alg), kid, sizeof(kid)), TOKEN_MALFORMED);
	ck_assert_str_eq(kid, "");
	free(tok);
	tok = raw("{\"alg\":\"RS256\",\"kid\":5}", pay, NULL, 0, "c2ln");
	ck_rc(token_peek_header(tok, alg, sizeof(alg), kid, sizeof(kid)), TOKEN_MALFORMED);
	free(tok);
	free(good);
}
END_TEST

/* ---------------------------------------------------------------- RS256 and JWKS */

/* A JWKS with our key among keys that must be skipped. */
static char *jwks_doc(void)
{
	size_t n = 8192;
	char *doc = malloc(n);

	snprintf(doc, n,
	         "{\"keys\":["
	         "{\"kty\":\"RSA\",\"kid\":\"enc1\",\"use\":\"enc\",\"n\":\"%s\",\"e\":\"%s\"},"
	         "{\"kty\":\"EC\",\"kid\":\"ec1\",\"crv\":\"P-256\",\"use\":\"sig\","
	         "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
	         "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"},"
	         "{\"kty\":\"RSA\",\"kid\":\"rs512\",\"alg\":\"RS512\",\"n\":\"%s\",\"e\":\"%s\"},"
	         "{\"kty\":\"RSA\",\"n\":\"%s\",\"e\":\"%s\"},"
	         "{\"kty\":\"RSA\",\"kid\":\"short\",\"n\":\"%.168s\",\"e\":\"%s\"},"
	         "{\"kty\":\"RSA\",\"kid\":\"bad64\",\"n\":\"%s!\",\"e\":\"%s\"},"
	         "{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"use\":\"sig\","
	         "\"n\":\"%s\",\"e\":\"%s\"},"
	         "{\"kty\":\"RSA\",\"kid\":\"k1\",\"n\":\"%s\",\"e\":\"AQAB\"},"
	         "{\"kty\":\"RSA\",\"kid\":\"k2\",\"n\":\"%s\",\"e\":\"%s\"},"
	         "\"not an object\"]}",
	         rsa.n64, rsa.e64, rsa.n64, rsa.e64, rsa.n64, rsa.e64, rsa.n64, rsa.e64, rsa.n64,
	         rsa.e64, rsa.n64, rsa.e64, rsa.n64, rsa.n64, rsa.e64);
	return doc;
}

START_TEST(jwks_gives_the_public_pem)
{
	char *doc = jwks_doc();
	struct jwk *keys;
	int n;

	/* len is honoured: nothing is read past it, no NUL is needed after it. */
	strcat(doc, "trailing garbage");
	n = jwks_parse(doc, strlen(doc) - strlen("trailing garbage"), &keys);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(keys[0].kid, "k1");
	ck_assert_str_eq(keys[0].pem, rsa.pub_pem);
	ck_assert_str_eq(keys[1].kid, "k2");
	jwks_free(keys, n);
	free(doc);
}
END_TEST

START_TEST(jwks_padded_and_rejected_documents)
{
	static const char *const notjwks[] = {
		"[]",      "{}",           "{\"keys\":{}}", "{\"keys\":\"x\"}",
		"garbage", "{\"keys\":[]", "null",          "{\"keys\":[]} {}",
	};
	char doc[4096], n64pad[sizeof(rsa.n64) + 2];
	struct jwk *keys = (struct jwk *)1;
	int n;

	for (size_t i = 0; i < sizeof(notjwks) / sizeof(notjwks[0]); i++) {
		ck_assert_msg(jwks_parse(notjwks[i], strlen(notjwks[i]), &keys) == -1, "case %zu",
		              i);
		ck_assert_ptr_null(keys);
	}
	ck_assert_int_eq(jwks_parse("", 0, &keys), -1);
	ck_assert_int_eq(jwks_parse("{\"keys\":[]}", 11, &keys), 0);
	ck_assert_ptr_null(keys);
	jwks_free(keys, 0);

	/* Padded base64url (some publishers pad) is accepted, the result identical. */
	snprintf(n64pad, sizeof(n64pad), "%s%s", rsa.n64,
	         strlen(rsa.n64) % 4 == 2   ? "=="
	         : strlen(rsa.n64) % 4 == 3 ? "="
	                                    : "");
	snprintf(doc, sizeof(doc),
	         "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"p\",\"n\":\"%s\",\"e\":\"AQAB\"}]}",
	         n64pad);
	n = jwks_parse(doc, strlen(doc), &keys);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(keys[0].pem, rsa.pub_pem);
	jwks_free(keys, n);
}
END_TEST

START_TEST(rs256_round_trip_through_jwks)
{
	char *doc = jwks_doc(), pay[512], *tok, alg[16], kid[64];
	struct token_oidc want = { OIDC, CLIENT, false };
	struct json_object *c;
	struct jwk *keys;
	int n = jwks_parse(doc, strlen(doc), &keys);

	ck_assert_int_eq(n, 2);
	claims(pay, sizeof(pay), OIDC, "\"aud\":\"" CLIENT "\",\"email\":\"a@b.example\"");
	tok = sign_rs256(pay);
	ck_rc(token_peek_header(tok, alg, sizeof(alg), kid, sizeof(kid)), TOKEN_OK);
	ck_assert_str_eq(alg, "RS256");
	ck_assert_str_eq(kid, "k1");
	ck_rc(token_verify_rs256(tok, keys[0].pem, &want, NOW, &c), TOKEN_OK);
	ck_assert_str_eq(claim_str(c, "sub"), "u-1");
	ck_assert_str_eq(claim_str(c, "email"), "a@b.example");
	json_object_put(c);

	/* A damaged signature, and no key. */
	tok[strlen(tok) - 10] = tok[strlen(tok) - 10] == 'A' ? 'B' : 'A';
	ck_rc(rs(tok, keys[0].pem, &want), TOKEN_BAD_SIG);
	ck_rc(rs(tok, NULL, &want), TOKEN_NO_KEY);
	free(tok);
	jwks_free(keys, n);
	free(doc);
}
END_TEST

START_TEST(rs256_claims)
{
	static const struct {
		const char *iss;
		const char *extra;
		bool cognito;
		enum token_rc want;
	} cases[] = {
		{ OIDC, "\"aud\":\"" CLIENT "\"", false, TOKEN_OK },
		{ OIDC, "\"aud\":[\"x\",\"" CLIENT "\"]", false, TOKEN_OK },
		{ OIDC, "\"aud\":\"someone-else\"", false, TOKEN_BAD_AUD },
		{ OIDC, "\"aud\":[\"x\",\"y\"]", false, TOKEN_BAD_AUD },
		{ OIDC, "\"aud\":[]", false, TOKEN_BAD_AUD },
		{ OIDC, "\"client_id\":\"" CLIENT "\"", false, TOKEN_BAD_AUD }, /* not Cognito */
		{ OIDC "/", "\"aud\":\"" CLIENT "\"", false, TOKEN_BAD_ISS },
		{ "https://evil.example", "\"aud\":\"" CLIENT "\"", false, TOKEN_BAD_ISS },
		/* Cognito: access tokens name the client in client_id, ID tokens in aud. */
		{ OIDC, "\"token_use\":\"access\",\"client_id\":\"" CLIENT "\"", true, TOKEN_OK },
		{ OIDC, "\"token_use\":\"access\",\"client_id\":\"other\"", true, TOKEN_BAD_AUD },
		{ OIDC, "\"token_use\":\"access\",\"aud\":\"" CLIENT "\"", true, TOKEN_BAD_AUD },
		{ OIDC, "\"token_use\":\"id\",\"aud\":\"" CLIENT "\"", true, TOKEN_OK },
		{ OIDC, "\"token_use\":\"id\",\"client_id\":\"" CLIENT "\"", true, TOKEN_BAD_AUD },
		{ OIDC, "\"token_use\":\"refresh\",\"client_id\":\"" CLIENT "\"", true,
		  TOKEN_BAD_USE },
		{ OIDC, "\"client_id\":\"" CLIENT "\"", true, TOKEN_BAD_USE },
		{ OIDC, "\"token_use\":\"ACCESS\",\"client_id\":\"" CLIENT "\"", true,
		  TOKEN_BAD_USE },
	};
	char pay[512], *tok;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct token_oidc want = { OIDC, CLIENT, cases[i].cognito };
		enum token_rc rc;

		claims(pay, sizeof(pay), cases[i].iss, cases[i].extra);
		tok = sign_rs256(pay);
		rc = rs(tok, rsa.pub_pem, &want);
		ck_assert_msg(rc == cases[i].want, "case %zu: got %s", i, token_strerror(rc));
		free(tok);
	}

	/* exp required, nbf in the future, sub required. */
	{
		struct token_oidc want = { OIDC, CLIENT, false };
		static const struct {
			const char *payload;
			enum token_rc want;
		} more[] = {
			{ "{\"sub\":\"u\",\"iss\":\"" OIDC "\",\"aud\":\"" CLIENT "\"}",
			  TOKEN_EXPIRED },
			{ "{\"sub\":\"u\",\"iss\":\"" OIDC "\",\"aud\":\"" CLIENT
			  "\",\"exp\":1699999000}",
			  TOKEN_EXPIRED },
			{ "{\"sub\":\"u\",\"iss\":\"" OIDC "\",\"aud\":\"" CLIENT
			  "\",\"exp\":1700003600,\"nbf\":1700000100}",
			  TOKEN_NOT_YET },
			{ "{\"iss\":\"" OIDC "\",\"aud\":\"" CLIENT "\",\"exp\":1700003600}",
			  TOKEN_BAD_CLAIMS },
		};

		for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
			enum token_rc rc;

			tok = sign_rs256(more[i].payload);
			rc = rs(tok, rsa.pub_pem, &want);
			ck_assert_msg(rc == more[i].want, "more %zu: got %s", i,
			              token_strerror(rc));
			free(tok);
		}
	}
}
END_TEST

START_TEST(strerror_is_short_and_total)
{
	for (int i = 0; i < TOKEN__MAX; i++) {
		const char *s = token_strerror((enum token_rc)i);

		ck_assert_ptr_nonnull(s);
		ck_assert(strncmp(s, "token ", 6) == 0);
		ck_assert_uint_lt(strlen(s), 48);
	}
	ck_assert_str_eq(token_strerror(TOKEN_BAD_SIG), "token signature is invalid");
	ck_assert_str_eq(token_strerror(TOKEN_EXPIRED), "token has expired");
	ck_assert_str_eq(token_strerror(TOKEN_BAD_ALG), "token algorithm is not accepted");
	ck_assert_ptr_nonnull(token_strerror(TOKEN__MAX));
	ck_assert_ptr_nonnull(token_strerror((enum token_rc) - 1));
}
END_TEST

Suite *suite_token(void)
{
	Suite *s = suite_create("token");
	TCase *tc = tcase_create("token");

	/* One RSA key for every test: generating 2048-bit keys is slow under valgrind. */
	tcase_add_unchecked_fixture(tc, rsa_setup, rsa_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, hs256_round_trip);
	tcase_add_test(tc, hs256_issue_refuses_bad_input);
	tcase_add_test(tc, hs256_wrong_secret_issuer_and_tampering);
	tcase_add_test(tc, hs256_claims_checked);
	tcase_add_test(tc, alg_none_is_refused);
	tcase_add_test(tc, hs256_signed_with_the_public_pem_is_refused);
	tcase_add_test(tc, unexpected_algorithms_are_refused);
	tcase_add_test(tc, malformed_tokens);
	tcase_add_test(tc, jwks_gives_the_public_pem);
	tcase_add_test(tc, jwks_padded_and_rejected_documents);
	tcase_add_test(tc, rs256_round_trip_through_jwks);
	tcase_add_test(tc, rs256_claims);
	tcase_add_test(tc, strerror_is_short_and_total);
	suite_add_tcase(s, tc);
	return s;
}
