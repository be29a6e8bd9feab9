# tests/tools/jwt.sh: mint JSON Web Tokens and JSON Web Key Sets in bash with
# openssl, for the identity tests. Source it; every function writes to stdout.
#
#   jwt_hs256 HEADER_JSON PAYLOAD_JSON SECRET   HS256 with the bytes of SECRET
#   jwt_hs256_keyfile HEADER PAYLOAD FILE       HS256 keyed with FILE's bytes
#   jwt_rs256 HEADER_JSON PAYLOAD_JSON KEY.pem  RS256 with a private key
#   jwt_unsigned HEADER_JSON PAYLOAD_JSON       header.payload. (for alg none)
#   jwk_rsa KEY.pem KID                         the public JWK of KEY.pem
#   rsa_keypair KEY.pem [PUB.pem]               a new 2048-bit RSA key pair
#   jwt_payload TOKEN                           the decoded claims of TOKEN
#
# The JSON arguments are used byte for byte (jq -c makes compact JSON).

# b64url: stdin as base64url without padding or newlines (RFC 7515 section 2).
b64url() {
	basenc --base64url -w0 | tr -d '='
}

# hexof: stdin as lower-case hex, on one line.
hexof() {
	basenc --base16 -w0 | tr 'A-F' 'a-f'
}

# jwt_signing_input HEADER PAYLOAD: base64url(header).base64url(payload)
jwt_signing_input() {
	printf '%s.%s' "$(printf '%s' "$1" | b64url)" "$(printf '%s' "$2" | b64url)"
}

jwt_hs256() {
	local input hex
	input=$(jwt_signing_input "$1" "$2")
	hex=$(printf '%s' "$3" | hexof)
	printf '%s.%s' "$input" \
		"$(printf '%s' "$input" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hex" -binary | b64url)"
}

# The "key confusion" token: HS256 whose HMAC key is a file (say, the RSA
# public key PEM an RS256 verifier holds), byte for byte.
jwt_hs256_keyfile() {
	local input hex
	input=$(jwt_signing_input "$1" "$2")
	hex=$(hexof <"$3")
	printf '%s.%s' "$input" \
		"$(printf '%s' "$input" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hex" -binary | b64url)"
}

jwt_rs256() {
	local input
	input=$(jwt_signing_input "$1" "$2")
	printf '%s.%s' "$input" \
		"$(printf '%s' "$input" | openssl dgst -sha256 -sign "$3" -binary | b64url)"
}

jwt_unsigned() {
	printf '%s.' "$(jwt_signing_input "$1" "$2")"
}

# rsa_keypair KEY.pem [PUB.pem]: PKCS#8 private key, SubjectPublicKeyInfo
# public key (the "-----BEGIN PUBLIC KEY-----" PEM a JWKS converts to).
rsa_keypair() {
	openssl genrsa -out "$1" 2048 2>/dev/null || return 1
	if [ -n "${2:-}" ]; then
		openssl rsa -in "$1" -pubout -out "$2" 2>/dev/null || return 1
	fi
}

# jwk_rsa KEY.pem KID: {"kty","kid","use","alg","n","e"} with n from the
# modulus; e is AQAB (65537, what genrsa makes).
jwk_rsa() {
	local n
	n=$(openssl rsa -in "$1" -noout -modulus 2>/dev/null | cut -d= -f2 |
		basenc --base16 -d | b64url) || return 1
	[ -n "$n" ] || return 1
	jq -cn --arg kid "$2" --arg n "$n" \
		'{kty: "RSA", kid: $kid, use: "sig", alg: "RS256", n: $n, e: "AQAB"}'
}

# b64url_decode: stdin from base64url (padding optional) to bytes.
b64url_decode() {
	local s
	s=$(tr -d '\n=')
	while [ $((${#s} % 4)) -ne 0 ]; do s="$s="; done
	printf '%s' "$s" | basenc --base64url -d
}

# jwt_payload TOKEN: the decoded payload (claims) of a compact JWS.
jwt_payload() {
	printf '%s' "$1" | cut -d. -f2 | b64url_decode
}
