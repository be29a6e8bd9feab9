/* fuzz_dburl.c: DATABASE_URL parsing, whose errors must never show the password. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/config.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf = malloc(size + 1), err[256];
	struct db_url u;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (config_parse_database_url(buf, &u, err, sizeof(err)) == 0) {
		if (u.user == NULL || u.host == NULL || u.database == NULL || u.port == 0)
			abort();
		db_url_free(&u);
	}
	free(buf);
	return 0;
}
