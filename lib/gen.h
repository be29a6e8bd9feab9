/* gen.h: the infrastructure-code generator: requirements + budget -> Terraform HCL + cost. */
#ifndef STRATUS_GEN_H
#define STRATUS_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

enum gen_cloud {
	GEN_AWS,   /* GEN_AWS */
	GEN_AZURE, /* GEN_AZURE */
	GEN_GCP,   /* GEN_GCP */
	GEN_CLOUD__MAX
};

/* "aws", "azure", "gcp"; gen_cloud_parse returns -1 for anything else. */
const char *gen_cloud_name(enum gen_cloud c);
int gen_cloud_parse(const char *s, enum gen_cloud *out);

/* What the caller asks for. Every string must outlive the call. */
struct gen_request {
	const char *project;      /* already validated: 1-100 of [A-Za-z0-9_-] */
	const char *requirements; /* untrusted free text, valid UTF-8 */
	int64_t budget;           /* whole dollars per month */
	enum gen_cloud cloud;
};

/* One priced resource of the design (an entry of the response's "resources"). */
struct gen_resource {
	const char *type;      /* the provider's resource type, e.g. "aws_db_instance" */
	const char *name;      /* its Terraform name, e.g. "db" */
	const char *component; /* what it is for: "web", "database", "cache", ... */
	const char *size;      /* instance type / SKU / tier priced, "" if not sized */
	int count;             /* replicas priced (1 for most) */
	int64_t monthly_cents; /* count x unit price, in cents */
};

struct gen_result {
	char *hcl; /* NUL-terminated; terraform-fmt clean */
	size_t hcl_len;
	int64_t cost;     /* whole dollars per month, the sum of resources rounded up */
	int64_t min_cost; /* the smallest design's cost (set with GEN_OVER_BUDGET too) */
	const struct gen_resource *resources;
	size_t nresources;
	const char *const *assumptions; /* what was read from the text, in words */
	size_t nassumptions;
	const char *const *warnings; /* what was given up to fit the budget */
	size_t nwarnings;
	const char *price_date; /* when the price table was taken, "YYYY-MM-DD" */
};

enum gen_rc {
	GEN_OK,          /* GEN_OK: *out holds the design */
	GEN_OVER_BUDGET, /* GEN_OVER_BUDGET: even the smallest design costs out->min_cost */
	GEN_NOMEM,       /* GEN_NOMEM */
};

/*
 * Designs infrastructure for `rq`, prices it and writes it as HCL. Every
 * pointer in *out is allocated from `a` and lives until its reset. The
 * same request always yields the same bytes. Nothing of rq->requirements
 * is copied into the HCL except inside an escaped comment.
 */
enum gen_rc gen_generate(struct arena *a, const struct gen_request *rq, struct gen_result *out);

/*
 * The monthly list price in cents of one `type` of `size` on `cloud` (size
 * "" for unsized resources), from the built-in table; -1 when the table has
 * no such entry. Used to re-price designs that came from elsewhere (the
 * language-model backend).
 */
int64_t gen_price(enum gen_cloud cloud, const char *type, const char *size);

/* True when `type` is a resource type the generator knows for `cloud`. */
bool gen_known_type(enum gen_cloud cloud, const char *type);

/*
 * The name of the attribute that carries a resource type's size
 * ("instance_type", "instance_class", "sku_name", ...), or NULL when the
 * type is not sized.
 */
const char *gen_size_attr(enum gen_cloud cloud, const char *type);

#endif
