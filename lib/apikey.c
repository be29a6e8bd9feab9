/* apikey.c: API key format, checksum and keyed hashing (no HTTP, no SQL). */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "lib/apikey.h"

/*
 * The digit order fixes the meaning of the checksum characters, so it is
 * part of the key format: changing it invalidates every key ever issued.
 */
static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

#define BODY_LEN (APIKEY_PREFIX_LEN + APIKEY_RANDOM_LEN)

/* The largest multiple of 62 that fits a byte: bytes at or above it are redrawn. */
#define BYTE_LIMIT (256 - 256 % 62)

static bool is_base62(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* CRC-32/ISO-HDLC (zlib's crc32): reflected, polynomial 0xEDB88320. */
static uint32_t crc32_ieee(const char *s, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return crc ^ 0xffffffffu;
}

/* 62^6 > 2^32, so six digits always hold the value; most significant first. */
static void checksum(const char *body, char out[APIKEY_CHECK_LEN])
{
	uint32_t v = crc32_ieee(body, BODY_LEN);

	for (int i = APIKEY_CHECK_LEN - 1; i >= 0; i--) {
		out[i] = base62[v % 62];
		v /= 62;
	}
}

void apikey_generate(char out[APIKEY_LEN + 1])
{
	unsigned char buf[64];
	size_t n = APIKEY_PREFIX_LEN, avail = 0, pos = 0;

	memcpy(out, APIKEY_PREFIX, APIKEY_PREFIX_LEN);
	/* Rejection sampling: b % 62 is uniform only for b below BYTE_LIMIT. */
	while (n < BODY_LEN) {
		unsigned char b;

		if (pos == avail) {
			randombytes_buf(buf, sizeof(buf));
			avail = sizeof(buf);
			pos = 0;
		}
		b = buf[pos++];
		if (b < BYTE_LIMIT)
			out[n++] = base62[b % 62];
	}
	checksum(out, out + BODY_LEN);
	out[APIKEY_LEN] = '\0';
	sodium_memzero(buf, sizeof(buf));
}

bool apikey_well_formed(const char *key)
{
	char sum[APIKEY_CHECK_LEN];

	if (key == NULL || strnlen(key, APIKEY_LEN + 1) != APIKEY_LEN ||
	    memcmp(key, APIKEY_PREFIX, APIKEY_PREFIX_LEN) != 0)
		return false;
	for (size_t i = APIKEY_PREFIX_LEN; i < APIKEY_LEN; i++)
		if (!is_base62(key[i]))
			return false;
	checksum(key, sum);
	/* The checksum is public (it only catches typos): no need for constant time. */
	return memcmp(sum, key + BODY_LEN, APIKEY_CHECK_LEN) == 0;
}

void apikey_pepper_derive(const char *text, unsigned char pepper[APIKEY_PEPPER_BYTES])
{
	crypto_generichash(pepper, APIKEY_PEPPER_BYTES, (const unsigned char *)text, strlen(text),
	                   NULL, 0);
}

void apikey_hash(const unsigned char pepper[APIKEY_PEPPER_BYTES], const char *secret,
                 char hex[APIKEY_HASH_HEX + 1])
{
	unsigned char h[APIKEY_HASH_HEX / 2];

	crypto_generichash(h, sizeof(h), (const unsigned char *)secret, strlen(secret), pepper,
	                   APIKEY_PEPPER_BYTES);
	sodium_bin2hex(hex, APIKEY_HASH_HEX + 1, h, sizeof(h));
}
