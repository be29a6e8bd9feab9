/* hcl-inventory.c: the blocks of Terraform files as lib/hcl.c, our HCL reader, sees them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/hcl.h"

/*
 * hcl-inventory FILE...: one line per top-level block,
 * "FILE<TAB>TYPE<TAB>LABEL[.LABEL]<TAB>FLAGS", FLAGS (variables and outputs
 * only) being the comma-separated attributes among type, default, description
 * that the block sets, plus "sensitive" when it sets `sensitive = true`; or
 * "FILE<TAB>error<TAB>REASON".
 * tests/stacks/check.js compares these lines with HashiCorp's parser's view.
 * Exits 1 when a file cannot be read, 0 otherwise (parse errors are lines).
 */

static int has_attr(const struct hcl_block *b, const char *name)
{
	for (const struct hcl_attr *at = b->attrs; at != NULL; at = at->next)
		if (strcmp(at->name, name) == 0)
			return 1;
	return 0;
}

static void print_block(const char *file, const struct hcl_block *b)
{
	static const char *const flags[] = { "type", "default", "description" };
	const char *sensitive = hcl_attr_literal(b, "sensitive");
	const char *sep = "";

	printf("%s\t%s\t", file, b->type);
	for (size_t i = 0; i < b->nlabels; i++)
		printf("%s%s", i ? "." : "", b->labels[i]);
	putchar('\t');
	if (strcmp(b->type, "variable") != 0 && strcmp(b->type, "output") != 0) {
		putchar('\n');
		return;
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (has_attr(b, flags[i])) {
			printf("%s%s", sep, flags[i]);
			sep = ",";
		}
	if (sensitive != NULL && strcmp(sensitive, "true") == 0)
		printf("%ssensitive", sep);
	putchar('\n');
}

static int inventory(struct arena *a, const char *file)
{
	FILE *fp = fopen(file, "rb");
	char *text = NULL, why[256];
	size_t len = 0, cap = 0, n;
	struct hcl_file f;

	if (fp == NULL) {
		perror(file);
		return -1;
	}
	do {
		if (len == cap) {
			char *grown = realloc(text, cap = cap ? cap * 2 : 8192);
			if (grown == NULL) {
				free(text);
				fclose(fp);
				return -1;
			}
			text = grown;
		}
		n = fread(text + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	if (hcl_parse(a, text, len, &f, why, sizeof(why)) < 0)
		printf("%s\terror\t%s\n", file, why);
	else
		for (const struct hcl_block *b = f.blocks; b != NULL; b = b->next)
			print_block(file, b);
	free(text); /* the blocks live in the arena, not in text */
	arena_reset(a);
	return 0;
}

int main(int argc, char **argv)
{
	struct arena *a = arena_new(1 << 16);
	int rc = 0;

	if (a == NULL)
		return 1;
	for (int i = 1; i < argc; i++)
		if (inventory(a, argv[i]) < 0)
			rc = 1;
	arena_free(a);
	return rc;
}
