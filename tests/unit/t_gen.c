/* t_gen.c: the infrastructure generator: reading, design, prices, budget, HCL shape and safety. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/arena.h"
#include "lib/gen.h"
#include "lib/gen_internal.h"
#include "lib/hcl.h"
#include "tests/unit/unit.h"

static const char *const clouds[] = { "aws", "azure", "gcp" };

static const char rich[] =
        "A Django web app with postgres, redis cache, file uploads, a CDN, a job queue for "
        "background jobs, full-text search, monitoring and alerts, daily backups, high "
        "availability multi-AZ, autoscaling for traffic spikes, 50,000 daily active users, "
        "hosted in Frankfurt for GDPR.";

static enum gen_rc run(struct arena *a, enum gen_cloud c, const char *text, int64_t budget,
                       struct gen_result *r)
{
	struct gen_request rq = { "My_Shop-1", text, budget, c };

	return gen_generate(a, &rq, r);
}

static bool has_type(const struct gen_result *r, const char *type)
{
	for (size_t i = 0; i < r->nresources; i++)
		if (strcmp(r->resources[i].type, type) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- format checker */

/*
 * What terraform fmt would leave alone, checked line by line: two-space
 * indentation that follows the brackets, balanced brackets, no tabs or
 * trailing blanks, one blank line at most, a single final newline, and in
 * every run of consecutive one-line `key = value` lines at one indentation
 * the `=` in one column with exactly one space after the longest key.
 */
static void check_format(const char *hcl, const char *what)
{
	/* hclwrite's indentation: a line with more openers than closers adds one level */
	int stack[64], depth = 0;
	int run_col = -1, run_indent = -1, run_min_gap = 0, line_no = 0;
	const char *p = hcl;
	size_t len = strlen(hcl);
	bool blank_before = false;

	ck_assert_msg(len > 0 && hcl[len - 1] == '\n', "%s: no final newline", what);
	ck_assert_msg(len < 2 || hcl[len - 2] != '\n', "%s: blank line at the end", what);
	while (*p != '\0') {
		const char *e = strchr(p, '\n');
		size_t n = (size_t)(e - p);
		int indent = 0, opens = 0, closes = 0, net = 0;
		bool in_str = false, is_attr = false;
		int eq_col = -1, key_end = -1;

		line_no++;
		ck_assert_msg(memchr(p, '\t', n) == NULL, "%s:%d: tab", what, line_no);
		ck_assert_msg(n == 0 || p[n - 1] != ' ', "%s:%d: trailing blank", what, line_no);
		if (n == 0) {
			ck_assert_msg(!blank_before, "%s:%d: two blank lines", what, line_no);
			blank_before = true;
			run_col = -1;
			p = e + 1;
			continue;
		}
		blank_before = false;
		while (p[indent] == ' ')
			indent++;
		if (p[indent] == '#') {
			ck_assert_int_eq(indent, 0);
			run_col = -1;
			p = e + 1;
			continue;
		}
		for (size_t i = (size_t)indent; i < n; i++) {
			char c = p[i];

			if (in_str) {
				if (c == '\\')
					i++;
				else if (c == '"')
					in_str = false;
				continue;
			}
			if (c == '"') {
				in_str = true;
			} else if (c == '{' || c == '[' || c == '(') {
				opens++;
				net++;
			} else if (c == '}' || c == ']' || c == ')') {
				net--;
				if (opens > 0)
					opens--;
				else
					closes++;
			} else if (c == '=' && eq_col < 0 && opens == 0 && i + 1 < n &&
			           p[i + 1] == ' ' && p[i - 1] == ' ') {
				eq_col = (int)i;
			}
		}
		ck_assert_msg(!in_str, "%s:%d: unterminated string", what, line_no);
		/* a line that closes brackets is indented at the level after them */
		for (int closed = net < 0 ? -net : 0; closed > 0;) {
			ck_assert_msg(depth > 0, "%s:%d: unbalanced close", what, line_no);
			if (closed >= stack[depth - 1]) {
				closed -= stack[--depth];
			} else {
				stack[depth - 1] -= closed;
				closed = 0;
			}
		}
		ck_assert_msg(indent % 2 == 0, "%s:%d: odd indentation", what, line_no);
		ck_assert_msg(indent == 2 * depth, "%s:%d: indent %d at depth %d", what, line_no,
		              indent, depth);
		if (eq_col > 0 && opens == 0 && closes == 0) {
			key_end = eq_col;
			while (key_end > indent && p[key_end - 1] == ' ')
				key_end--;
			is_attr = true;
			for (int i = indent; i < key_end; i++)
				if (p[i] == ' ' || p[i] == '"')
					is_attr = false;
		}
		if (is_attr) {
			int gap = eq_col - key_end;

			if (run_col >= 0 && run_indent == indent) {
				ck_assert_msg(eq_col == run_col,
				              "%s:%d: '=' at column %d, run has %d", what, line_no,
				              eq_col, run_col);
				if (gap < run_min_gap)
					run_min_gap = gap;
			} else {
				ck_assert_msg(run_col < 0 || run_min_gap == 1,
				              "%s:%d: run before ends with its '=' too far right",
				              what, line_no);
				run_col = eq_col;
				run_indent = indent;
				run_min_gap = gap;
			}
		} else {
			ck_assert_msg(run_col < 0 || run_min_gap == 1,
			              "%s:%d: run before ends with its '=' too far right", what,
			              line_no);
			run_col = -1;
		}
		if (net > 0) {
			ck_assert_int_lt(depth, 64);
			stack[depth++] = net;
		}
		p = e + 1;
	}
	ck_assert_msg(depth == 0, "%s: %d brackets left open", what, depth);
	ck_assert_msg(run_col < 0 || run_min_gap == 1, "%s: last run misaligned", what);
}

/* The `resource "type" "name"` lines of the text, in order, equal the resource list. */
static void check_resources_match(const struct gen_result *r, const char *what)
{
	const char *p = r->hcl;
	size_t i = 0;

	while ((p = strstr(p, "\nresource \"")) != NULL) {
		char want[256];

		ck_assert_msg(i < r->nresources, "%s: more resource blocks than resources", what);
		snprintf(want, sizeof(want), "\nresource \"%s\" \"%s\" {\n", r->resources[i].type,
		         r->resources[i].name);
		ck_assert_msg(strncmp(p, want, strlen(want)) == 0, "%s: block %zu is not %s", what,
		              i, want + 1);
		i++;
		p++;
	}
	ck_assert_msg(i == r->nresources, "%s: %zu blocks, %zu resources", what, i, r->nresources);
}

/* Every resource known and priced from the table; the cost is the rounded-up sum. */
static void check_prices(const struct gen_result *r, enum gen_cloud c, const char *what)
{
	int64_t sum = 0;

	for (size_t i = 0; i < r->nresources; i++) {
		const struct gen_resource *x = &r->resources[i];
		int64_t unit = gen_price(c, x->type, x->size);

		ck_assert_msg(gen_known_type(c, x->type), "%s: unknown %s", what, x->type);
		ck_assert_msg(unit >= 0, "%s: no price for %s '%s'", what, x->type, x->size);
		ck_assert_msg(unit * x->count == x->monthly_cents, "%s: %s priced %lld", what,
		              x->type, (long long)x->monthly_cents);
		ck_assert_msg(x->count >= 1, "%s: %s count %d", what, x->type, x->count);
		if (*x->size != '\0')
			ck_assert_msg(gen_size_attr(c, x->type) != NULL,
			              "%s: %s sized without an "
			              "attribute",
			              what, x->type);
		sum += x->monthly_cents;
	}
	ck_assert_int_eq(r->cost, (sum + 99) / 100);
}

/* Parses the text with the strict HCL reader and compares its resources with the list. */
static void check_parses(const struct gen_result *r, const char *what)
{
	struct arena *a = arena_new(1 << 16);
	struct hcl_file f;
	char why[200];
	size_t i = 0;

	ck_assert_msg(hcl_parse(a, r->hcl, r->hcl_len, &f, why, sizeof(why)) == 0, "%s: %s", what,
	              why);
	for (const struct hcl_block *b = f.blocks; b != NULL; b = b->next) {
		if (strcmp(b->type, "resource") != 0)
			continue;
		ck_assert_msg(i < r->nresources, "%s: extra resource", what);
		ck_assert_uint_eq(b->nlabels, 2);
		ck_assert_str_eq(b->labels[0], r->resources[i].type);
		ck_assert_str_eq(b->labels[1], r->resources[i].name);
		i++;
	}
	ck_assert_uint_eq(i, r->nresources);
	arena_free(a);
}

static void check_all(const struct gen_result *r, enum gen_cloud c, const char *what)
{
	ck_assert_uint_eq(strlen(r->hcl), r->hcl_len);
	check_format(r->hcl, what);
	check_resources_match(r, what);
	check_prices(r, c, what);
	check_parses(r, what);
}

/* ---------------------------------------------------------------- the reader */

static void read_text(const char *text, struct gen_need *n)
{
	struct arena *a = arena_new(4096);

	ck_assert_int_eq(gen_read(a, text, n), 0);
	arena_free(a);
}

START_TEST(reads_components)
{
	struct gen_need n;

	read_text("A SaaS with Redis, a message queue, CDN and S3 uploads behind a load balancer",
	          &n);
	ck_assert_uint_gt(n.pos[F_WEB], 0);
	ck_assert_uint_gt(n.pos[F_CACHE], 0);
	ck_assert_int_eq(n.cache_engine, GEN_CACHE_REDIS);
	ck_assert_uint_gt(n.pos[F_QUEUE], 0);
	ck_assert_uint_gt(n.pos[F_CDN], 0);
	ck_assert_uint_gt(n.pos[F_STORAGE], 0);
	ck_assert_uint_gt(n.pos[F_LB], 0);
	ck_assert_uint_eq(n.pos[F_DB], 0);

	read_text("Static site built with Hugo", &n);
	ck_assert_uint_gt(n.pos[F_STATIC], 0);

	read_text("Microservices on K8s with Kafka, Elasticsearch and Prometheus", &n);
	ck_assert_uint_gt(n.pos[F_K8S], 0);
	ck_assert_uint_gt(n.pos[F_QUEUE], 0);
	ck_assert_uint_gt(n.pos[F_SEARCH], 0);
	ck_assert_uint_gt(n.pos[F_MONITOR], 0);

	read_text("Serverless lambda functions in Python", &n);
	ck_assert_uint_gt(n.pos[F_FUNC], 0);
	ck_assert_int_eq(n.runtime, GEN_RT_PYTHON);

	/* whole words only, longest phrase first */
	read_text("The research team's cached-out superstorage; elastic search please", &n);
	ck_assert_uint_eq(n.pos[F_STORAGE], 0);
	ck_assert_uint_gt(n.pos[F_CACHE], 0); /* "cached" is a word of its own */
	ck_assert_uint_gt(n.pos[F_SEARCH], 0);
	ck_assert_uint_eq(n.pos[F_AUTOSCALE], 0);
	read_text("Good search engine optimization for the rest of the site", &n);
	ck_assert_uint_eq(n.pos[F_SEARCH], 0);
	ck_assert_uint_eq(n.pos[F_API], 0);

	read_text("HIGH AVAILABILITY, Multi-AZ, no single point of failure", &n);
	ck_assert_uint_eq(n.pos[F_HA], 3);
	ck_assert_uint_eq(n.neg[F_HA], 0);
}
END_TEST

START_TEST(reads_engines)
{
	static const struct {
		const char *text;
		int engine;
	} cases[] = {
		{ "a database", -1 },
		{ "PostgreSQL 16", GEN_DB_POSTGRES },
		{ "postgres, not mysql", GEN_DB_POSTGRES },
		{ "We use MySQL", GEN_DB_MYSQL },
		{ "MariaDB cluster", GEN_DB_MARIADB },
		{ "Microsoft SQL Server", GEN_DB_MSSQL },
		{ "mssql", GEN_DB_MSSQL },
		{ "no postgres; use mysql", GEN_DB_MYSQL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gen_need n;

		read_text(cases[i].text, &n);
		ck_assert_msg(n.engine == cases[i].engine, "'%s': engine %d", cases[i].text,
		              n.engine);
		ck_assert_uint_gt(n.pos[F_DB], 0);
	}
}
END_TEST

START_TEST(reads_negation)
{
	static const struct {
		const char *text;
		enum gen_feat feat;
		bool neg;
	} cases[] = {
		{ "A static site, no database", F_DB, true },
		{ "without a database", F_DB, true },
		{ "we don't need a database", F_DB, true },
		{ "We don\xe2\x80\x99t need a database", F_DB, true },
		{ "no need for a database", F_DB, true },
		{ "the database is not needed", F_DB, true },
		{ "database: none", F_DB, true },
		{ "no kubernetes please", F_K8S, true },
		{ "no cache", F_CACHE, true },
		{ "We don't need Kubernetes, a database, or a cache", F_CACHE, true },
		{ "We don't need Kubernetes, a database, or a cache", F_DB, true },
		{ "no cache, queue or search", F_SEARCH, true },
		{ "use redis instead of memcached", F_CACHE, false },
		{ "without a database, redis for sessions", F_CACHE, false },
		{ "no database. We want a cache", F_CACHE, false },
		{ "no database but a cache", F_CACHE, false },
		{ "not required to scale", F_AUTOSCALE, true },
		{ "no downtime allowed", F_HA, false },
		{ "Kubernetes, not VMs", F_VM, true },
		{ "Kubernetes, not VMs", F_K8S, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gen_need n;

		read_text(cases[i].text, &n);
		if (cases[i].neg)
			ck_assert_msg(n.neg[cases[i].feat] > 0 && n.pos[cases[i].feat] == 0,
			              "'%s' should rule out feature %d", cases[i].text,
			              cases[i].feat);
		else
			ck_assert_msg(n.pos[cases[i].feat] > 0, "'%s' should ask for feature %d",
			              cases[i].text, cases[i].feat);
	}
}
END_TEST

START_TEST(reads_traffic)
{
	static const struct {
		const char *text;
		double rps;
	} cases[] = {
		{ "about 10,000 users", 10000 * 30 * 3 / 86400.0 },
		{ "50k daily active users", 50000 * 30 * 3 / 86400.0 },
		{ "2 million requests per day", 2e6 * 3 / 86400 },
		{ "500 requests per second", 500 },
		{ "peaks of 1200 req/s", 1200 },
		{ "1M monthly visitors", 1e6 / 30 * 30 * 3 / 86400 },
		{ "1,000 concurrent users", 100 },
		{ "5000 users online at once", 500 },
		{ "1.5 million page views per month", 1.5e6 / 2592000 * 3 },
		{ "thousands of users", 5000 * 30 * 3 / 86400.0 },
		{ "founded in 2019, 12 engineers", 0 },
		{ "99.9% uptime", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gen_need n;
		double d;

		read_text(cases[i].text, &n);
		d = n.rps - cases[i].rps;
		ck_assert_msg(d < 0.01 && d > -0.01, "'%s': %f rps, want %f", cases[i].text, n.rps,
		              cases[i].rps);
		ck_assert_msg((n.traffic[0] != '\0') == (cases[i].rps > 0), "'%s': traffic '%s'",
		              cases[i].text, n.traffic);
	}
}
END_TEST

START_TEST(reads_regions)
{
	static const struct {
		const char *text, *aws, *azure, *gcp;
	} cases[] = {
		{ "EU customers, GDPR", "eu-west-1", "westeurope", "europe-west1" },
		{ "European users, hosted in Frankfurt", "eu-central-1", "germanywestcentral",
		  "europe-west3" },
		{ "UK company in London", "eu-west-2", "uksouth", "europe-west2" },
		{ "customers in Tokyo", "ap-northeast-1", "japaneast", "asia-northeast1" },
		{ "users in S\xc3\xa3o Paulo", "sa-east-1", "brazilsouth", "southamerica-east1" },
		{ "deploy to us-east-1", "us-east-1", "eastus", "us-east1" },
		{ "Sydney, Australia", "ap-southeast-2", "australiaeast", "australia-southeast1" },
		{ "contact us for details", "us-east-1", "eastus", "us-central1" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gen_need n;
		const struct gen_region *r;

		read_text(cases[i].text, &n);
		r = &gen_regions[n.region >= 0 ? n.region : (int)gen_nregions - 1];
		ck_assert_str_eq(r->aws, cases[i].aws);
		ck_assert_str_eq(r->azure, cases[i].azure);
		ck_assert_str_eq(r->gcp, cases[i].gcp);
	}
}
END_TEST

/* ---------------------------------------------------------------- designs */

START_TEST(defaults)
{
	struct arena *a = arena_new(1 << 16);
	struct gen_result r;

	/* a plain web app: network and web tier, nothing else */
	ck_assert_int_eq(run(a, GEN_AWS, "A simple web application for our club", 100, &r), GEN_OK);
	ck_assert(has_type(&r, "aws_vpc"));
	ck_assert(has_type(&r, "aws_launch_template"));
	ck_assert(has_type(&r, "aws_autoscaling_group"));
	ck_assert(!has_type(&r, "aws_db_instance"));
	ck_assert(!has_type(&r, "aws_s3_bucket"));
	check_all(&r, GEN_AWS, "web app");
	arena_reset(a);

	/* a static site: storage and CDN, no compute, no network */
	ck_assert_int_eq(run(a, GEN_AWS, "A static website for my portfolio", 20, &r), GEN_OK);
	ck_assert(has_type(&r, "aws_s3_bucket"));
	ck_assert(has_type(&r, "aws_cloudfront_distribution"));
	ck_assert(!has_type(&r, "aws_vpc"));
	ck_assert(!has_type(&r, "aws_launch_template"));
	ck_assert(!has_type(&r, "aws_lambda_function"));
	check_all(&r, GEN_AWS, "static");
	arena_reset(a);

	/* nothing recognized at all: still a web tier */
	ck_assert_int_eq(run(a, GEN_GCP, "Something for the team, quickly please", 100, &r),
	                 GEN_OK);
	ck_assert(has_type(&r, "google_compute_instance_template"));
	check_all(&r, GEN_GCP, "nothing");
	arena_reset(a);

	/* "no database" keeps one out */
	ck_assert_int_eq(
	        run(a, GEN_AZURE, "A web app with no database, just a redis cache", 200, &r),
	        GEN_OK);
	ck_assert(!has_type(&r, "azurerm_postgresql_flexible_server"));
	ck_assert(has_type(&r, "azurerm_redis_cache"));
	arena_free(a);
}
END_TEST

START_TEST(rich_request_each_provider)
{
	static const char *const want[GEN_CLOUD__MAX][16] = {
		{ "aws_vpc", "aws_subnet", "aws_security_group", "aws_launch_template",
		  "aws_autoscaling_group", "aws_lb", "aws_lb_target_group", "aws_db_instance",
		  "aws_elasticache_replication_group", "aws_s3_bucket",
		  "aws_cloudfront_distribution", "aws_sqs_queue", "aws_opensearch_domain",
		  "aws_cloudwatch_metric_alarm", "aws_backup_plan", NULL },
		{ "azurerm_resource_group", "azurerm_virtual_network", "azurerm_subnet",
		  "azurerm_linux_virtual_machine_scale_set", "azurerm_lb",
		  "azurerm_postgresql_flexible_server", "azurerm_redis_cache",
		  "azurerm_storage_account", "azurerm_cdn_endpoint", "azurerm_servicebus_queue",
		  "azurerm_search_service", "azurerm_log_analytics_workspace",
		  "azurerm_monitor_metric_alert", NULL },
		{ "google_compute_network", "google_compute_subnetwork",
		  "google_compute_instance_template",
		  "google_compute_region_instance_group_manager",
		  "google_compute_region_autoscaler", "google_compute_global_forwarding_rule",
		  "google_sql_database_instance", "google_redis_instance", "google_storage_bucket",
		  "google_pubsub_topic", "google_monitoring_alert_policy", NULL },
	};
	static const char *const pin[GEN_CLOUD__MAX] = {
		"source  = \"hashicorp/aws\"\n      version = \"~> 5.0\"",
		"source  = \"hashicorp/azurerm\"\n      version = \"~> 3.0\"",
		"source  = \"hashicorp/google\"\n      version = \"~> 5.0\"",
	};
	static const char *const tag[GEN_CLOUD__MAX] = { "Project   = var.project",
		                                         "Project   = var.project",
		                                         "project    = \"my_shop-1\"" };
	enum gen_cloud c = (enum gen_cloud)_i;
	struct arena *a = arena_new(1 << 16);
	struct gen_result r;

	ck_assert_int_eq(run(a, c, rich, 100000, &r), GEN_OK);
	for (int i = 0; want[c][i] != NULL; i++)
		ck_assert_msg(has_type(&r, want[c][i]), "%s lacks %s", clouds[c], want[c][i]);
	ck_assert_ptr_nonnull(strstr(r.hcl, "\nterraform {\n  required_version = \">= 1.5.0\""));
	ck_assert_ptr_nonnull(strstr(r.hcl, pin[c]));
	ck_assert_ptr_nonnull(strstr(r.hcl, tag[c]));
	if (c == GEN_AZURE)
		ck_assert_ptr_nonnull(strstr(r.hcl, "provider \"azurerm\" {\n  features {}\n}"));
	/* the password is a sensitive variable without a default, never a literal */
	ck_assert_ptr_nonnull(strstr(r.hcl, "variable \"db_password\" {"));
	for (const char *p = r.hcl; *p != '\0'; p = strchr(p, '\n') + 1) {
		size_t sp = strspn(p, " "), key = strcspn(p + sp, " \n");
		const char *eq = p + sp + key + strspn(p + sp + key, " ");
		char k[64];

		snprintf(k, sizeof(k), "%.*s", (int)key, p + sp);
		if (key >= 8 && strcmp(k + key - 8, "password") == 0 && *eq == '=')
			ck_assert_msg(strncmp(eq, "= var.db_password\n", 18) == 0, "%s: %.60s",
			              clouds[c], p);
	}
	{
		const char *v = strstr(r.hcl, "variable \"db_password\" {"),
		           *e = strstr(v, "\n}\n");
		const char *s = strstr(v, "sensitive   = true"), *d = strstr(v, "default     =");

		ck_assert(s != NULL && s < e);
		ck_assert(d == NULL || d > e);
	}
	ck_assert(r.nassumptions > 3);
	ck_assert_uint_eq(r.nwarnings, 0);
	ck_assert_str_eq(r.price_date, "2026-11-23");
	check_all(&r, c, clouds[c]);
	arena_free(a);
}
END_TEST

START_TEST(engines_per_provider)
{
	static const struct {
		const char *text;
		const char *type[GEN_CLOUD__MAX];
	} cases[] = {
		{ "web app with mysql",
		  { "aws_db_instance", "azurerm_mysql_flexible_server",
		    "google_sql_database_instance" } },
		{ "web app with MariaDB",
		  { "aws_db_instance", "azurerm_mysql_flexible_server",
		    "google_sql_database_instance" } },
		{ "web app with SQL Server, highly available",
		  { "aws_db_instance", "azurerm_mssql_database", "google_sql_database_instance" } },
		{ "web app with memcached",
		  { "aws_elasticache_cluster", "azurerm_redis_cache", "google_redis_instance" } },
		{ "an EKS cluster for microservices",
		  { "aws_eks_node_group", "azurerm_kubernetes_cluster",
		    "google_container_node_pool" } },
		{ "serverless API on lambda with a queue",
		  { "aws_lambda_event_source_mapping", "azurerm_linux_function_app",
		    "google_cloudfunctions2_function" } },
		{ "static site, no CDN",
		  { "aws_s3_bucket_website_configuration", "azurerm_storage_account",
		    "google_storage_bucket_iam_member" } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int c = 0; c < GEN_CLOUD__MAX; c++) {
			struct arena *a = arena_new(1 << 16);
			struct gen_result r;
			char what[160];

			snprintf(what, sizeof(what), "%s / %s", cases[i].text, clouds[c]);
			ck_assert_int_eq(run(a, (enum gen_cloud)c, cases[i].text, 100000, &r),
			                 GEN_OK);
			ck_assert_msg(has_type(&r, cases[i].type[c]), "%s: no %s", what,
			              cases[i].type[c]);
			check_all(&r, (enum gen_cloud)c, what);
			arena_free(a);
		}
}
END_TEST

/* ---------------------------------------------------------------- budget */

START_TEST(budget_steps_down_with_warnings)
{
	enum gen_cloud c = (enum gen_cloud)_i;
	struct arena *a = arena_new(1 << 16);
	struct gen_result full, r;
	int64_t budget;

	ck_assert_int_eq(run(a, c, rich, 100000, &full), GEN_OK);
	ck_assert_int_gt(full.cost, full.min_cost);
	/* halfway between the smallest and the full design */
	budget = (full.cost + full.min_cost) / 2;
	ck_assert_int_eq(run(a, c, rich, budget, &r), GEN_OK);
	ck_assert_int_le(r.cost, budget);
	ck_assert_uint_gt(r.nwarnings, 0);
	for (size_t i = 0; i < r.nwarnings; i++) {
		char tail[64];

		snprintf(tail, sizeof(tail), "to fit the $%lld budget.", (long long)budget);
		ck_assert_msg(strstr(r.warnings[i], tail) != NULL, "%s", r.warnings[i]);
	}
	/* the first steps give up replicas and high availability before sizes */
	ck_assert_msg(strstr(r.warnings[0], "instance") != NULL ||
	                      strstr(r.warnings[0], "standby") != NULL ||
	                      strstr(r.warnings[0], "node") != NULL ||
	                      strstr(r.warnings[0], "replica") != NULL,
	              "%s", r.warnings[0]);
	check_all(&r, c, "stepped down");

	/* at exactly the minimum it still fits; a dollar less does not */
	ck_assert_int_eq(run(a, c, rich, full.min_cost, &r), GEN_OK);
	ck_assert_int_eq(r.cost, full.min_cost);
	check_all(&r, c, "minimum");
	ck_assert_int_eq(run(a, c, rich, full.min_cost - 1, &r), GEN_OVER_BUDGET);
	ck_assert_int_eq(r.min_cost, full.min_cost);
	arena_free(a);
}
END_TEST

START_TEST(too_small_budget)
{
	struct arena *a = arena_new(1 << 16);
	struct gen_result r;

	ck_assert_int_eq(run(a, GEN_AWS, rich, 10, &r), GEN_OVER_BUDGET);
	ck_assert_int_gt(r.min_cost, 10);
	ck_assert_ptr_null(r.hcl);
	ck_assert_uint_eq(r.nresources, 0);
	ck_assert_str_eq(r.price_date, "2026-11-23");
	arena_reset(a);
	ck_assert_int_eq(run(a, GEN_AWS, "Kubernetes microservices platform", 50, &r),
	                 GEN_OVER_BUDGET);
	ck_assert_int_gt(r.min_cost, 73); /* the EKS control plane alone is $73 */
	arena_free(a);
}
END_TEST

START_TEST(deterministic)
{
	for (int c = 0; c < GEN_CLOUD__MAX; c++) {
		struct arena *a1 = arena_new(1024), *a2 = arena_new(1 << 20);
		struct gen_result r1, r2;

		ck_assert_int_eq(run(a1, (enum gen_cloud)c, rich, 400, &r1), GEN_OK);
		(void)arena_alloc(a2, 12345); /* different addresses */
		ck_assert_int_eq(run(a2, (enum gen_cloud)c, rich, 400, &r2), GEN_OK);
		ck_assert_uint_eq(r1.hcl_len, r2.hcl_len);
		ck_assert_int_eq(memcmp(r1.hcl, r2.hcl, r1.hcl_len), 0);
		ck_assert_int_eq(r1.cost, r2.cost);
		ck_assert_uint_eq(r1.nwarnings, r2.nwarnings);
		arena_free(a1);
		arena_free(a2);
	}
}
END_TEST

/* ---------------------------------------------------------------- safety */

START_TEST(injection_never_becomes_code)
{
	static const char clean[] =
	        "A web app with a postgres database and redis cache in Frankfurt";
	static const char evil[] =
	        "A web app \"}\nresource \"aws_iam_user\" \"pwn\" {\n  name = \"${file(\\\"/etc/"
	        "passwd\\\")}\" %{ for x in y }owned%{ endfor }\n}\n<<EOT\nEOT\n*/ /* \\\\ \\\" "
	        "\r\n\t\x01\x1b[31m with a postgres database \xe2\x80\x9c\xf0\x9f\x92\xa5\xe2"
	        "\x80\x9d and redis cache in Frankfurt // # $${var.x} ${{";
	enum gen_cloud c = (enum gen_cloud)_i;
	struct arena *a = arena_new(1 << 16);
	struct gen_result r1, r2;

	ck_assert_int_eq(run(a, c, clean, 1000, &r1), GEN_OK);
	ck_assert_int_eq(run(a, c, evil, 1000, &r2), GEN_OK);
	/* the same intent gives the same file, byte for byte */
	ck_assert_uint_eq(r1.hcl_len, r2.hcl_len);
	ck_assert_str_eq(r1.hcl, r2.hcl);
	ck_assert_uint_eq(r1.nresources, r2.nresources);
	check_all(&r2, c, "injection");
	ck_assert_ptr_null(strstr(r2.hcl, "pwn"));
	ck_assert_ptr_null(strstr(r2.hcl, "passwd"));
	ck_assert_ptr_null(strstr(r2.hcl, "owned"));
	ck_assert_ptr_null(strstr(r2.hcl, "EOT"));
	ck_assert_ptr_null(strstr(r2.hcl, "<<"));
	ck_assert_ptr_null(strstr(r2.hcl, "*/"));
	ck_assert_ptr_null(strstr(r2.hcl, "%{"));
	ck_assert_ptr_null(strstr(r2.hcl, "aws_iam_user"));
	/* interpolation only ever names a reference: ${aws_x.y.z}, ${var.x}, ${count.index} */
	for (const char *p = r2.hcl; (p = strstr(p, "${")) != NULL; p += 2) {
		size_t n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789_.[]");

		ck_assert_msg(n > 0 && p[2 + n] == '}', "interpolation: %.40s", p);
	}
	/* a backslash only escapes a quote inside a fixed string */
	for (const char *p = r2.hcl; (p = strchr(p, '\\')) != NULL; p++)
		ck_assert_msg(p[1] == '"', "backslash: %.40s", p);
	for (const unsigned char *p = (const unsigned char *)r2.hcl; *p != '\0'; p++)
		ck_assert_msg(*p >= 0x20 || *p == '\n', "control character %#x", *p);
	arena_free(a);
}
END_TEST

START_TEST(project_names_are_made_safe)
{
	struct arena *a = arena_new(1 << 16);
	struct gen_request rq = { "9_Lives__Of-the-CAT_", "web app with files, postgres, search",
		                  100000, GEN_AZURE };
	struct gen_result r;

	ck_assert_int_eq(gen_generate(a, &rq, &r), GEN_OK);
	ck_assert_ptr_nonnull(strstr(r.hcl, "name     = \"app-9-lives-of-the-cat-rg\""));
	ck_assert_ptr_nonnull(strstr(r.hcl, "\"app9livesofthecatst\""));
	ck_assert_ptr_nonnull(strstr(r.hcl, "default     = \"9_Lives__Of-the-CAT_\""));
	arena_reset(a);
	rq.cloud = GEN_GCP;
	ck_assert_int_eq(gen_generate(a, &rq, &r), GEN_OK);
	ck_assert_ptr_nonnull(strstr(r.hcl, "project    = \"9_lives__of-the-cat_\""));
	arena_reset(a);
	/* a name that is all punctuation, and one that is too long for any provider */
	rq.project = "___";
	rq.cloud = GEN_AWS;
	ck_assert_int_eq(gen_generate(a, &rq, &r), GEN_OK);
	ck_assert_ptr_nonnull(strstr(r.hcl, "\"app-db\""));
	arena_reset(a);
	rq.project = "a-very-long-project-name-that-goes-on-and-on-and-on-well-past-every-limit";
	ck_assert_int_eq(gen_generate(a, &rq, &r), GEN_OK);
	ck_assert_ptr_nonnull(strstr(r.hcl, "identifier                = "
	                                    "\"a-very-long-project-name-db\""));
	check_all(&r, GEN_AWS, "long name");
	arena_free(a);
}
END_TEST

START_TEST(long_text_is_fast)
{
	static const char para[] =
	        "Our marketplace web app needs a postgres database, a redis cache, image uploads "
	        "and search; we do not need kubernetes. About 20,000 daily users in Europe. ";
	char *text = malloc(5001);
	struct arena *a = arena_new(1 << 16);
	struct gen_result r;
	struct timespec t0, t1;
	size_t n = 0;
	double us;

	while (n + sizeof(para) - 1 <= 5000) {
		memcpy(text + n, para, sizeof(para) - 1);
		n += sizeof(para) - 1;
	}
	memset(text + n, 'x', 5000 - n);
	text[5000] = '\0';
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	for (int i = 0; i < 21; i++) {
		arena_reset(a);
		ck_assert_int_eq(run(a, (enum gen_cloud)(i % 3), text, 300, &r), GEN_OK);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / 21;
	/* well under 1 ms in a normal build; this bound only catches blow-ups under valgrind */
	ck_assert_msg(us < 50000, "%.0f us per call", us);
	ck_assert(!has_type(&r, "google_container_cluster"));
	ck_assert(has_type(&r, "google_sql_database_instance"));
	free(text);
	arena_free(a);
}
END_TEST

START_TEST(prices_and_types)
{
	ck_assert_int_eq(gen_price(GEN_AWS, "aws_instance", "t3.micro"), 759);
	ck_assert_int_eq(gen_price(GEN_AWS, "aws_launch_template", "t3.micro"), 759);
	ck_assert_int_eq(gen_price(GEN_AWS, "aws_db_instance", "db.t3.micro"), 1544);
	ck_assert_int_eq(gen_price(GEN_AWS, "aws_eks_cluster", ""), 7300);
	ck_assert_int_eq(gen_price(GEN_AWS, "aws_vpc", ""), 0);
	ck_assert_int_eq(gen_price(GEN_AWS, "aws_instance", "t9.enormous"), -1);
	ck_assert_int_eq(gen_price(GEN_AWS, "aws_instance", ""), -1);
	ck_assert_int_eq(gen_price(GEN_AWS, "aws_no_such_thing", ""), -1);
	ck_assert_int_eq(gen_price(GEN_AZURE, "aws_instance", "t3.micro"), -1);
	ck_assert_int_eq(gen_price(GEN_AZURE, "azurerm_kubernetes_cluster", "Standard_B2s"), 3037);
	ck_assert_int_eq(gen_price(GEN_GCP, "google_sql_database_instance", "db-f1-micro"), 937);
	ck_assert_int_eq(gen_price(GEN_GCP, "google_container_cluster", NULL), 7300);
	ck_assert(gen_known_type(GEN_GCP, "google_compute_instance_template"));
	ck_assert(!gen_known_type(GEN_GCP, "aws_vpc"));
	ck_assert(!gen_known_type(GEN_AWS, NULL));
	ck_assert_str_eq(gen_size_attr(GEN_AWS, "aws_db_instance"), "instance_class");
	ck_assert_str_eq(gen_size_attr(GEN_AZURE, "azurerm_linux_virtual_machine_scale_set"),
	                 "sku");
	ck_assert_str_eq(gen_size_attr(GEN_GCP, "google_sql_database_instance"), "tier");
	ck_assert_ptr_null(gen_size_attr(GEN_AWS, "aws_vpc"));

	/* every ladder size has a price, cheapest first */
	for (int c = 0; c < GEN_CLOUD__MAX; c++)
		for (int l = 0; l < GEN_L__MAX; l++)
			for (int v = 0; v < GEN_DB__MAX; v++)
				for (int ha = 0; ha < 2; ha++) {
					const struct gen_ladder *ld = gen_ladder(
					        (enum gen_cloud)c, (enum gen_ladder_id)l, v, ha);
					int64_t last = -1;

					ck_assert_int_gt(ld->n, 0);
					ck_assert_int_lt(ld->ha_min, ld->n);
					for (int i = 0; i < ld->n; i++) {
						int64_t p = gen_price((enum gen_cloud)c, ld->type,
						                      ld->sizes[i]);

						ck_assert_msg(p > last, "%s %s", ld->type,
						              ld->sizes[i]);
						last = p;
					}
				}
}
END_TEST

START_TEST(cloud_names)
{
	enum gen_cloud c;

	ck_assert_int_eq(gen_cloud_parse("aws", &c), 0);
	ck_assert_int_eq(c, GEN_AWS);
	ck_assert_int_eq(gen_cloud_parse("azure", &c), 0);
	ck_assert_int_eq(c, GEN_AZURE);
	ck_assert_int_eq(gen_cloud_parse("gcp", &c), 0);
	ck_assert_int_eq(c, GEN_GCP);
	ck_assert_int_eq(gen_cloud_parse("AWS", &c), -1);
	ck_assert_int_eq(gen_cloud_parse("oracle", &c), -1);
	ck_assert_int_eq(gen_cloud_parse("", &c), -1);
	ck_assert_int_eq(gen_cloud_parse(NULL, &c), -1);
	ck_assert_str_eq(gen_cloud_name(GEN_AZURE), "azure");
	ck_assert_str_eq(gen_cloud_name(GEN_GCP), "gcp");
}
END_TEST

/* ---------------------------------------------------------------- the corpus */

/*
 * tests/generate/corpus.txt, which the HTTP suite runs through POST
 * /generate and a real HCL parser, is also checked here: every case and
 * provider generates, fits its budget, keeps the format, and has (or lacks)
 * the resource types it expects.
 */
START_TEST(corpus)
{
	char path[512], line[8192], req[8192] = "", exp[GEN_CLOUD__MAX][1024];
	const char *src = __FILE__, *cut = strstr(src, "unit/t_gen.c");
	FILE *f;
	int64_t budget = -1;
	int cases = 0, lineno = 0;

	ck_assert_ptr_nonnull(cut);
	snprintf(path, sizeof(path), "%.*sgenerate/corpus.txt", (int)(cut - src), src);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	memset(exp, 0, sizeof(exp));
	for (bool eof = false; !eof;) {
		eof = fgets(line, sizeof(line), f) == NULL;
		lineno++;
		if (!eof && line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (!eof && line[0] != '\0') {
			char *colon = strchr(line, ':');

			ck_assert_msg(colon != NULL, "corpus line %d", lineno);
			*colon = '\0';
			if (strcmp(line, "requirements") == 0)
				snprintf(req, sizeof(req), "%s", colon + 2);
			else if (strcmp(line, "budget") == 0)
				budget = atoll(colon + 2);
			else if (gen_cloud_parse(line, &(enum gen_cloud){ 0 }) == 0) {
				enum gen_cloud c;

				gen_cloud_parse(line, &c);
				snprintf(exp[c], sizeof(exp[c]), "%s", colon + 1);
			} else
				ck_abort_msg("corpus line %d: key %s", lineno, line);
			continue;
		}
		if (req[0] == '\0')
			continue;
		ck_assert_msg(budget >= 10, "corpus case before line %d: budget", lineno);
		for (int c = 0; c < GEN_CLOUD__MAX; c++) {
			struct arena *a = arena_new(1 << 16);
			struct gen_result r;
			char what[256], *save = NULL;

			snprintf(what, sizeof(what), "corpus line %d (%.40s) %s", lineno, req,
			         clouds[c]);
			ck_assert_msg(run(a, (enum gen_cloud)c, req, budget, &r) == GEN_OK,
			              "%s: over budget, min %lld", what, (long long)r.min_cost);
			ck_assert_int_le(r.cost, budget);
			check_all(&r, (enum gen_cloud)c, what);
			for (char *w = strtok_r(exp[c], " ", &save); w != NULL;
			     w = strtok_r(NULL, " ", &save)) {
				if (*w == '!')
					ck_assert_msg(!has_type(&r, w + 1), "%s: has %s", what,
					              w + 1);
				else
					ck_assert_msg(has_type(&r, w), "%s: lacks %s", what, w);
			}
			arena_free(a);
		}
		cases++;
		req[0] = '\0';
		budget = -1;
		memset(exp, 0, sizeof(exp));
	}
	fclose(f);
	ck_assert_int_ge(cases, 35);
}
END_TEST

Suite *suite_gen(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("gen");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, reads_components);
	tcase_add_test(tc, reads_engines);
	tcase_add_test(tc, reads_negation);
	tcase_add_test(tc, reads_traffic);
	tcase_add_test(tc, reads_regions);
	tcase_add_test(tc, defaults);
	tcase_add_loop_test(tc, rich_request_each_provider, 0, GEN_CLOUD__MAX);
	tcase_add_test(tc, engines_per_provider);
	tcase_add_loop_test(tc, budget_steps_down_with_warnings, 0, GEN_CLOUD__MAX);
	tcase_add_test(tc, too_small_budget);
	tcase_add_test(tc, deterministic);
	tcase_add_loop_test(tc, injection_never_becomes_code, 0, GEN_CLOUD__MAX);
	tcase_add_test(tc, project_names_are_made_safe);
	tcase_add_test(tc, long_text_is_fast);
	tcase_add_test(tc, prices_and_types);
	tcase_add_test(tc, cloud_names);
	tcase_add_test(tc, corpus);
	suite_add_tcase(s, tc);
	return s;
}
