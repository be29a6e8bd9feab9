/* fuzz_hcl.c: the HCL2 reader on arbitrary bytes, with invariants on what it accepts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/hcl.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Parses exactly `size` bytes from a buffer of that size, so ASan sees any overread. */
static int parse(struct arena *a, const unsigned char *data, size_t size, struct hcl_file *f,
                 char *why, size_t whylen)
{
	char *buf = malloc(size ? size : 1);
	int rc;

	if (buf == NULL)
		return -2;
	memcpy(buf, data, size);
	rc = hcl_parse(a, buf, size, f, why, whylen);
	free(buf);
	return rc;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct arena *a = arena_new(4096);
	struct hcl_file f;
	char why[160];
	size_t n = 0;
	int rc;

	if (a == NULL)
		return 0;
	rc = parse(a, data, size, &f, why, sizeof(why));
	if (rc == -1 && (strncmp(why, "line ", 5) != 0 || f.blocks != NULL || f.nblocks != 0))
		abort(); /* a failure always says where, and leaves nothing behind */
	if (rc == 0) {
		for (const struct hcl_block *b = f.blocks; b != NULL; b = b->next, n++) {
			if (b->type[0] == '\0' || b->nlabels > 2 || b->line < 1)
				abort();
			for (size_t i = 0; i < b->nlabels; i++)
				if (b->labels[i] == NULL || b->labels[i][0] == '\0')
					abort();
			for (const struct hcl_attr *at = b->attrs; at != NULL; at = at->next)
				if (at->name[0] == '\0' || at->src == NULL ||
				    (strchr(at->name, '.') == NULL &&
				     hcl_attr_literal(b, at->name) != at->literal))
					abort(); /* names in a body are unique (a nested
					            block may repeat: "ingress.port") */
		}
		if (n != f.nblocks)
			abort();
		/* A valid file stays valid with one more newline: nothing hangs on the end. */
		if (size < 65536) {
			unsigned char *more = malloc(size + 1);

			if (more != NULL) {
				memcpy(more, data, size);
				more[size] = '\n';
				arena_reset(a);
				if (parse(a, more, size + 1, &f, why, sizeof(why)) != 0 ||
				    f.nblocks != n)
					abort();
				free(more);
			}
		}
	}
	arena_free(a);
	return 0;
}
