# tests/tools/apikey.sh: the Stratus API key format in bash, for the identity
# tests. Source it.
#
#   stk_ + 40 base62 characters of randomness + 6 base62 characters of the
#   CRC-32 (zlib's) of everything before them, most significant digit first,
#   digits in the order 0-9 A-Z a-z.
#
#   apikey_checksum BODY    the 6-character checksum of BODY (stk_ + 40 chars)
#   apikey_valid KEY        true when KEY has the format and a right checksum
#   apikey_forge            a well-formed key that no server ever issued

APIKEY_BASE62=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz

# crc32 STRING: zlib's CRC-32 as a decimal number (gzip's trailer holds it,
# little-endian, followed by the input size).
crc32() {
	printf '%s' "$1" | gzip -c | tail -c 8 | head -c 4 | od -An -tu4 --endian=little | tr -d ' \n'
}

apikey_checksum() {
	local v out='' i
	v=$(crc32 "$1")
	for ((i = 0; i < 6; i++)); do
		out=${APIKEY_BASE62:v % 62:1}$out
		v=$((v / 62))
	done
	printf '%s' "$out"
}

apikey_valid() {
	[[ $1 =~ ^stk_[0-9A-Za-z]{46}$ ]] || return 1
	[ "$(apikey_checksum "${1:0:44}")" = "${1:44:6}" ]
}

apikey_forge() {
	local body
	body=stk_$(head -c 400 /dev/urandom | tr -dc '0-9A-Za-z' | head -c 40)
	[ ${#body} -eq 44 ] || return 1
	printf '%s%s' "$body" "$(apikey_checksum "$body")"
}
