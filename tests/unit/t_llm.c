/* t_llm.c: what the language-model backend accepts from a model, without a server. */
#include "config.h"

#include <string.h>

#include "lib/arena.h"
#include "lib/gen.h"
#include "lib/llm.h"
#include "tests/unit/unit.h"

static struct arena *a;

static void setup(void)
{
	a = arena_new(64 * 1024);
}

static void teardown(void)
{
	arena_free(a);
}

static const char *const text =
        "A scalable web application with a PostgreSQL database, Redis caching, file uploads "
        "to object storage and a CDN for 20,000 users.";

/* The rule-based design for `cloud`, the context a model is given. */
static struct gen_result design(enum gen_cloud cloud, struct gen_request *rq)
{
	struct gen_result g;

	rq->project = "shop";
	rq->requirements = text;
	rq->budget = 100000;
	rq->cloud = cloud;
	ck_assert_int_eq(gen_generate(a, rq, &g), GEN_OK);
	return g;
}

static int accept_text(struct gen_request *rq, struct gen_result *g, const char *hcl, char *why,
                       size_t n)
{
	return llm_accept(a, rq, hcl, strlen(hcl), g, why, n);
}

/* The rules' own design, read back as if a model had sent it, costs the same. */
START_TEST(test_design_reprices_to_itself)
{
	for (int c = 0; c < GEN_CLOUD__MAX; c++) {
		struct gen_request rq;
		struct gen_result g = design((enum gen_cloud)c, &rq), back = g;
		char why[200] = "";

		ck_assert_msg(llm_accept(a, &rq, g.hcl, g.hcl_len, &back, why, sizeof(why)) == 0,
		              "%s: %s", gen_cloud_name((enum gen_cloud)c), why);
		ck_assert_int_eq(back.nresources, g.nresources);
		ck_assert_int_eq(back.cost, g.cost);
		for (size_t i = 0; i < g.nresources; i++) {
			ck_assert_str_eq(back.resources[i].type, g.resources[i].type);
			ck_assert_str_eq(back.resources[i].component, g.resources[i].component);
			ck_assert_int_eq(back.resources[i].monthly_cents,
			                 g.resources[i].monthly_cents);
		}
	}
}
END_TEST

/* Each answer is refused, with a reason containing `reason`. */
static void refused(enum gen_cloud cloud, const char *extra, const char *reason)
{
	struct gen_request rq;
	struct gen_result g = design(cloud, &rq), before = g;
	char why[200] = "";
	char *hcl = arena_printf(a, "%s\n%s", g.hcl, extra);

	ck_assert_int_eq(accept_text(&rq, &g, hcl, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, reason) != NULL, "'%s' lacks '%s'", why, reason);
	ck_assert_ptr_eq(g.hcl, before.hcl);
	ck_assert_int_eq(g.cost, before.cost);
}

START_TEST(test_refusals)
{
	refused(GEN_AWS, "resource \"google_storage_bucket\" \"x\" {\n  name = \"x\"\n}\n",
	        "not allowed");
	refused(GEN_AWS, "resource \"null_resource\" \"x\" {\n}\n", "not allowed");
	refused(GEN_AWS, "module \"m\" {\n  source = \"git::https://example.com/m\"\n}\n",
	        "'module' block");
	refused(GEN_GCP, "provider \"aws\" {\n  region = \"us-east-1\"\n}\n", "provider other");
	refused(GEN_AZURE, "data \"external\" \"x\" {\n  program = [\"sh\"]\n}\n", "data source");
	refused(GEN_AWS,
	        "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \"x\"\n  provisioner "
	        "\"local-exec\" "
	        "{\n    command = \"id\"\n  }\n}\n",
	        "provisioners");
	refused(GEN_AWS,
	        "resource \"aws_s3_bucket\" \"x\" {\n  bucket   = \"x\"\n  for_each = var.m\n}\n",
	        "for_each");
	refused(GEN_AWS,
	        "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \"x\"\n  count  = var.n\n}\n",
	        "count is not a number");
	refused(GEN_AWS,
	        "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \"x\"\n  count  = 101\n}\n",
	        "count must be");
	refused(GEN_AWS,
	        "resource \"aws_db_instance\" \"x\" {\n  instance_class = \"db.t3.micro\"\n"
	        "  password       = \"hunter2\"\n}\n",
	        "literal password");
	refused(GEN_AWS,
	        "resource \"aws_db_instance\" \"x\" {\n  instance_class = \"db.imaginary\"\n}\n",
	        "no price");
	refused(GEN_AWS, "resource \"aws_s3_bucket\" \"x\" {\n", "not valid HCL");
}
END_TEST

START_TEST(test_budget_and_emptiness)
{
	struct gen_request rq;
	struct gen_result g = design(GEN_AWS, &rq);
	char why[200] = "";

	rq.budget = g.cost - 1;
	ck_assert_int_eq(llm_accept(a, &rq, g.hcl, g.hcl_len, &g, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "over the"));
	rq.budget = g.cost;
	ck_assert_int_eq(llm_accept(a, &rq, g.hcl, g.hcl_len, &g, why, sizeof(why)), 0);
	ck_assert_int_eq(accept_text(&rq, &g, "variable \"x\" {\n}\n", why, sizeof(why)), -1);
	ck_assert_str_eq(why, "no resources");
	ck_assert_int_eq(accept_text(&rq, &g, "", why, sizeof(why)), -1);
}
END_TEST

/* A count multiplies the price, and a resource the rules never used is "other". */
START_TEST(test_counts_and_components)
{
	struct gen_request rq;
	struct gen_result g = design(GEN_AWS, &rq);
	char why[200] = "";
	int64_t one = gen_price(GEN_AWS, "aws_sqs_queue", "");
	const char *hcl = "resource \"aws_sqs_queue\" \"q\" {\n  name  = \"q\"\n  count = 3\n}\n";

	ck_assert_int_ge(one, 0);
	ck_assert_int_eq(accept_text(&rq, &g, hcl, why, sizeof(why)), 0);
	ck_assert_int_eq(g.nresources, 1);
	ck_assert_int_eq(g.resources[0].count, 3);
	ck_assert_int_eq(g.resources[0].monthly_cents, 3 * one);
	ck_assert_int_eq(g.cost, (3 * one + 99) / 100);
}
END_TEST

/* Sizes nested in blocks or given as a one-string list are read too. */
START_TEST(test_nested_and_list_sizes)
{
	struct gen_request rq;
	struct gen_result g = design(GEN_GCP, &rq), aws;
	char why[200] = "";
	const char *sql = "resource \"google_sql_database_instance\" \"other\" {\n"
	                  "  settings {\n"
	                  "    tier = \"db-g1-small\"\n"
	                  "  }\n"
	                  "}\n";

	ck_assert_msg(accept_text(&rq, &g, sql, why, sizeof(why)) == 0, "%s", why);
	ck_assert_str_eq(g.resources[0].size, "db-g1-small");
	ck_assert_int_eq(g.resources[0].monthly_cents,
	                 gen_price(GEN_GCP, "google_sql_database_instance", "db-g1-small"));
	aws = design(GEN_AWS, &rq);
	ck_assert_msg(accept_text(&rq, &aws,
	                          "resource \"aws_eks_node_group\" \"ng\" {\n"
	                          "  instance_types = [ \"m6i.large\" ]\n}\n",
	                          why, sizeof(why)) == 0,
	              "%s", why);
	ck_assert_str_eq(aws.resources[0].size, "m6i.large");
	ck_assert_int_eq(accept_text(&rq, &aws,
	                             "resource \"aws_eks_node_group\" \"ng\" {\n"
	                             "  instance_types = [var.size]\n}\n",
	                             why, sizeof(why)),
	                 -1);
	ck_assert_ptr_nonnull(strstr(why, "instance_types is not a literal"));
}
END_TEST

Suite *suite_llm(void)
{
	Suite *s = suite_create("llm");
	TCase *tc = tcase_create("accept");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_design_reprices_to_itself);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_budget_and_emptiness);
	tcase_add_test(tc, test_counts_and_components);
	tcase_add_test(tc, test_nested_and_list_sizes);
	suite_add_tcase(s, tc);
	return s;
}
