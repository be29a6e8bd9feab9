/* fuzz_token.c: JWT header peeking and verification, API key checks, JWKS parsing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "lib/apikey.h"
#include "lib/token.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char secret[] = "fuzzing-secret-0123456789abcdef-0123456789";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf = malloc(size + 1), alg[16], kid[128];
	struct json_object *claims = NULL;
	struct token_oidc want = { "https://issuer.example", "aud", true };
	struct jwk *keys = NULL;
	int n;

	if (buf == NULL || sodium_init() < 0) {
		free(buf);
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	token_peek_header(buf, alg, sizeof(alg), kid, sizeof(kid));
	if (token_verify_hs256(buf, (const unsigned char *)secret, strlen(secret), "stratus", 0,
	                       &claims) == TOKEN_OK)
		abort(); /* nobody can forge a token without the secret */
	if (token_verify_rs256(buf, "not a key", &want, 0, &claims) == TOKEN_OK)
		abort();
	apikey_well_formed(buf);
	n = jwks_parse(buf, size, &keys);
	jwks_free(keys, n);
	free(buf);
	return 0;
}
