/* hcl.h: a strict reader of HCL2 native syntax, enough to check and inventory untrusted Terraform. */
#ifndef STRATUS_HCL_H
#define STRATUS_HCL_H

#include <stddef.h>

struct arena;

/*
 * An attribute of a top-level block: `name = value`. Those of its nested
 * blocks follow, named by their path: `settings { tier = "x" }` gives
 * "settings.tier" (a repeated nested block lists each occurrence).
 */
struct hcl_attr {
	const char *name;
	/*
	 * The value when it is a literal: a quoted string without interpolation
	 * (unescaped), a number, true/false/null; NULL for any other expression.
	 */
	const char *literal;
	const char *src; /* the value's source text (not NUL-terminated) */
	size_t srclen;
	struct hcl_attr *next;
};

/* A top-level block: `type "label" "label" { ... }`. Nested blocks are not listed themselves. */
struct hcl_block {
	const char *type;
	const char *labels[2];
	size_t nlabels; /* labels beyond two are checked and dropped */
	struct hcl_attr *attrs;
	struct hcl_block *next;
	int line; /* where the block starts, 1-based */
};

struct hcl_file {
	struct hcl_block *blocks; /* in file order */
	size_t nblocks;
};

/*
 * Parses `len` bytes of HCL2 native syntax (comments, blocks, attributes,
 * expressions with strings, templates and ${}/%{} interpolation, heredocs,
 * lists, objects, function calls, operators, for-expressions). Returns 0
 * and fills *out from arena `a`, or -1 with a one-line reason (with its line
 * number) in `why` when the text is not valid HCL2 or not valid UTF-8, or
 * nests deeper than 64. Never reads past `len`.
 */
int hcl_parse(struct arena *a, const char *text, size_t len, struct hcl_file *out, char *why,
              size_t whylen);

/* The literal of the first attribute `name` ("a" or "block.a") of `b`, or NULL. */
const char *hcl_attr_literal(const struct hcl_block *b, const char *name);

#endif
