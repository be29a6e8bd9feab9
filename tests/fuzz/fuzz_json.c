/* fuzz_json.c: the strict request-body parser on arbitrary bytes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf = malloc(size + 1), why[160];
	struct json_object *o = NULL;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0'; /* the body reader's guarantee */
	/* json-c represents a JSON null as NULL: nothing to round-trip then. */
	if (json_parse_strict(buf, size, &o, why, sizeof(why)) == 0 && o != NULL) {
		/* What was accepted must serialise and parse back. */
		const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		struct json_object *back = json_tokener_parse(s);

		if (back == NULL)
			abort();
		json_object_put(back);
		json_object_put(o);
	}
	free(buf);
	return 0;
}
