/* gen_internal.h: what the generator's reader, designer, price table and HCL writers share. */
#ifndef STRATUS_GEN_INTERNAL_H
#define STRATUS_GEN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/gen.h"

#define GEN_PRICE_DATE "2026-11-23"

/* ---------------------------------------------------------------- reader */

/* What a keyword of the requirements stands for. */
enum gen_feat {
	F_NONE, /* F_NONE: a phrase that only masks shorter ones ("search engine optimization") */
	F_WEB,  /* F_WEB: a dynamic web application */
	F_WEAKWEB,    /* F_WEAKWEB: "website", "app": web unless a static site is named */
	F_API,        /* F_API */
	F_STATIC,     /* F_STATIC */
	F_VM,         /* F_VM: virtual machines named outright */
	F_WORKER,     /* F_WORKER: background processing */
	F_DB,         /* F_DB: arg = 1 + enum gen_db_engine, 0 when no engine is named */
	F_CACHE,      /* F_CACHE: arg = 1 + enum gen_cache_engine, or 0 */
	F_STORAGE,    /* F_STORAGE */
	F_CDN,        /* F_CDN */
	F_LB,         /* F_LB */
	F_QUEUE,      /* F_QUEUE */
	F_K8S,        /* F_K8S */
	F_CONTAINERS, /* F_CONTAINERS: Kubernetes unless Kubernetes is refused */
	F_FUNC,       /* F_FUNC */
	F_SEARCH,     /* F_SEARCH */
	F_MONITOR,    /* F_MONITOR */
	F_BACKUP,     /* F_BACKUP */
	F_HA,         /* F_HA */
	F_AUTOSCALE,  /* F_AUTOSCALE */
	F_SMALL,      /* F_SMALL */
	F_LARGE,      /* F_LARGE */
	F_REGION,     /* F_REGION: arg = index into the region table */
	F_RUNTIME,    /* F_RUNTIME: arg = enum gen_runtime */
	F__MAX
};

enum gen_db_engine {
	GEN_DB_POSTGRES, /* GEN_DB_POSTGRES */
	GEN_DB_MYSQL,    /* GEN_DB_MYSQL */
	GEN_DB_MARIADB,  /* GEN_DB_MARIADB */
	GEN_DB_MSSQL,    /* GEN_DB_MSSQL */
	GEN_DB__MAX
};

enum gen_cache_engine {
	GEN_CACHE_REDIS,     /* GEN_CACHE_REDIS */
	GEN_CACHE_MEMCACHED, /* GEN_CACHE_MEMCACHED */
	GEN_CACHE__MAX
};

enum gen_runtime {
	GEN_RT_NODE,   /* GEN_RT_NODE */
	GEN_RT_PYTHON, /* GEN_RT_PYTHON */
	GEN_RT_JAVA,   /* GEN_RT_JAVA */
	GEN_RT_GO,     /* GEN_RT_GO */
	GEN_RT_DOTNET, /* GEN_RT_DOTNET */
	GEN_RT__MAX
};

/* A region hint and what each provider calls it. */
struct gen_region {
	const char *label; /* "Germany", for the assumptions */
	int level;         /* 1 continent, 2 country or coast, 3 city: the most precise wins */
	const char *aws, *azure, *gcp, *gcp_zone;
};

extern const struct gen_region gen_regions[];
extern const size_t gen_nregions;

/* What the requirements ask for, as read by gen_read(). */
struct gen_need {
	unsigned pos[F__MAX]; /* mentions of each feature */
	unsigned neg[F__MAX]; /* negated mentions ("no database") */
	int engine;           /* enum gen_db_engine of the first named engine, -1 */
	int cache_engine;     /* enum gen_cache_engine, -1 */
	int runtime;          /* enum gen_runtime, -1 */
	int region;           /* index into gen_regions, -1 */
	double rps;           /* peak requests per second read from numbers, 0 if none */
	char traffic[128];    /* how the traffic number was read, "" if none */
};

/*
 * Reads `text` (UTF-8, any length) into *need: keywords on word boundaries
 * of a lower-cased copy, negation, traffic numbers and region hints. Scratch
 * memory comes from `a`. Returns 0, or -1 when out of memory.
 */
int gen_read(struct arena *a, const char *text, struct gen_need *need);

/* ---------------------------------------------------------------- design */

/* What a resource is for; also the order the HCL is written in. */
enum gen_comp {
	GC_NETWORK,    /* GC_NETWORK */
	GC_WEB,        /* GC_WEB */
	GC_LB,         /* GC_LB */
	GC_DATABASE,   /* GC_DATABASE */
	GC_CACHE,      /* GC_CACHE */
	GC_STORAGE,    /* GC_STORAGE */
	GC_CDN,        /* GC_CDN */
	GC_QUEUE,      /* GC_QUEUE */
	GC_KUBERNETES, /* GC_KUBERNETES */
	GC_FUNCTIONS,  /* GC_FUNCTIONS */
	GC_SEARCH,     /* GC_SEARCH */
	GC_MONITORING, /* GC_MONITORING */
	GC_BACKUP,     /* GC_BACKUP */
	GC__MAX
};

extern const char *const gen_comp_names[GC__MAX];

/* The sized parts of a design, each with a ladder of sizes. */
enum gen_ladder_id {
	GEN_L_WEB,    /* GEN_L_WEB: virtual machines of the web tier */
	GEN_L_K8S,    /* GEN_L_K8S: Kubernetes nodes */
	GEN_L_DB,     /* GEN_L_DB: variant = enum gen_db_engine */
	GEN_L_CACHE,  /* GEN_L_CACHE: variant = enum gen_cache_engine */
	GEN_L_SEARCH, /* GEN_L_SEARCH */
	GEN_L_QUEUE,  /* GEN_L_QUEUE */
	GEN_L__MAX
};

struct gen_ladder {
	const char *type;         /* the resource type the size is priced on */
	const char *const *sizes; /* cheapest first */
	int n;
	int ha_min; /* the smallest index that supports high availability */
};

/*
 * The size ladder of `l` on `c`; `ha` selects the highly available ladder
 * where a provider sells it as different sizes (Azure Cache for Redis).
 * Never NULL for a valid id; a ladder may have one size.
 */
const struct gen_ladder *gen_ladder(enum gen_cloud c, enum gen_ladder_id l, int variant, bool ha);

struct gen_design {
	enum gen_cloud cloud;
	char project[101]; /* the project name, [A-Za-z0-9_-] */
	char slug[32];     /* lower case, dashes, starts with a letter, <= 24 */
	char compact[24];  /* lower-case letters and digits, <= 19 */
	char label[64];    /* lower-cased project for GCP labels */
	const struct gen_region *region;
	bool region_named;

	bool net;        /* a VPC / VNet is needed */
	bool app;        /* a web tier of virtual machines */
	bool lb;         /* a load balancer in front of it (derived, see gen_derive) */
	bool lb_asked;   /* one was named, or the CDN needs one as its origin */
	bool lb_refused; /* "without a load balancer" */
	bool k8s;        /* a managed Kubernetes cluster */
	bool func;       /* serverless functions */
	bool func_api;   /* reached over HTTP */
	bool func_queue; /* triggered by the queue */
	bool db, cache, queue, search, monitor, backup;
	bool assets;   /* a private bucket for files and uploads */
	bool site;     /* a bucket that serves a static site */
	bool site_cdn; /* the site is served through a CDN */
	bool app_cdn;  /* a CDN in front of the web tier's load balancer */
	bool autoscale;
	int engine, cache_engine, runtime;

	int web_size, web_min, web_max;
	bool web_ha; /* at least two instances across zones */
	int k8s_size, k8s_min, k8s_max;
	bool k8s_ha; /* nodes across zones (GKE: a regional cluster) */
	int db_size;
	bool db_ha;
	int cache_size;
	bool cache_ha;
	int search_size;
	bool search_ha;
	int queue_size;
};

/* Recomputes the parts of a design that follow from the others (the load balancer). */
void gen_derive(struct gen_design *d);

/* ---------------------------------------------------------------- writer */

#define GEN_MAX_RES  160
#define GEN_MAX_PEND 64

/*
 * The HCL emitter. With a == NULL it is a dry run: no text, only the
 * resources and their prices, which is how designs are priced while the
 * budget is fitted; the same code path then writes the text, so the
 * resource list always matches the HCL.
 */
struct gen_out {
	struct arena *a;
	enum gen_cloud cloud;
	char *buf;
	size_t len, cap;
	bool fail; /* out of memory or a value too long */
	int depth;
	unsigned char last[16]; /* per depth: 0 nothing yet, 1 attribute, 2 block */
	const char *pkey[GEN_MAX_PEND];
	size_t pval[GEN_MAX_PEND];
	int npend;
	size_t vlen;
	char vbuf[16384];
	struct gen_resource res[GEN_MAX_RES];
	size_t nres;
	int64_t cents;
	int64_t comp_cents[GC__MAX];
	/* prices looked up during this call, keyed by the writer's string pointers */
	struct {
		const char *type, *size;
		int64_t cents;
	} pc[96];
	int npc;
};

/* Writes (or with o->a == NULL only prices) the whole file for `d`. `cost` goes into its header. */
void gen_write(struct gen_out *o, const struct gen_design *d, int64_t cost);

#endif
