/* t_graph.c: a deployment's stack graph: the default template's layers, cycles, problems, limits.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/graph.h"
#include "tests/unit/unit.h"

/*
 * The default template's 16 stacks, in the document's order, with the
 * dependencies reconstructed from it: its deploy answer has layer 1
 * ["network", "security"] and layer 2 ["dns", "secrets"], its status
 * answer 4 layers in all, and its validate example has database-rds
 * depending on network and security. The rest follows what each stack
 * builds on (a VPC, keys, a zone, a registry, a database).
 */
static const struct {
	const char *name;
	const char *deps[5];
} deflt[] = {
	{ "network", { NULL } },
	{ "security", { NULL } },
	{ "dns", { "network", NULL } },
	{ "secrets", { "security", NULL } },
	{ "authentication", { "dns", "secrets", NULL } },
	{ "storage", { "security", "secrets", NULL } },
	{ "database-rds", { "network", "security", "secrets", NULL } },
	{ "containers-images", { "security", "secrets", NULL } },
	{ "containers-apps", { "network", "dns", "containers-images", NULL } },
	{ "services-ecr", { "security", "secrets", NULL } },
	{ "services-ecs", { "network", "security", "services-ecr", "database-rds", NULL } },
	{ "services-eks", { "network", "security", "services-ecr", NULL } },
	{ "services-api", { "network", "dns", "authentication", NULL } },
	{ "compute-ec2", { "network", "security", "secrets", NULL } },
	{ "compute-lambda", { "network", "security", "storage", "database-rds", NULL } },
	{ "monitoring", { "network", "storage", "database-rds", "compute-ec2", NULL } },
};
#define NDEFLT (sizeof(deflt) / sizeof(deflt[0]))

static const char *const deploy_layers[] = {
	"network security",
	"dns secrets",
	"authentication storage database-rds containers-images services-ecr compute-ec2",
	"containers-apps services-ecs services-eks services-api compute-lambda monitoring",
};

/* The default graph, stacks added in table order or (reversed) the other way round. */
static struct graph *default_graph(struct arena *a, bool reversed)
{
	struct graph *g = graph_new(a, 0, 0);

	ck_assert_ptr_nonnull(g);
	for (size_t k = 0; k < NDEFLT; k++) {
		size_t i = reversed ? NDEFLT - 1 - k : k;

		ck_assert_int_eq(graph_add(g, deflt[i].name, true), GRAPH_OK);
		for (size_t d = 0; deflt[i].deps[d] != NULL; d++)
			ck_assert_int_eq(graph_depend(g, deflt[i].name, deflt[i].deps[d]),
			                 GRAPH_OK);
	}
	ck_assert_int_eq(graph_check(g), GRAPH_OK);
	return g;
}

/* Layer k as "a b c". */
static const char *layer_text(const struct graph *g, const struct graph_layers *l, size_t k,
                              char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t j = l->start[k]; j < l->start[k + 1]; j++)
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", j > l->start[k] ? " " : "",
		                        graph_name(g, l->node[j]));
	return buf;
}

/* A node list as "a b c". */
static const char *list_text(const struct graph *g, const size_t *v, size_t n, char *buf,
                             size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t j = 0; j < n; j++)
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", j > 0 ? " " : "",
		                        graph_name(g, v[j]));
	return buf;
}

static struct graph *small(struct arena *a, const char *spec)
{
	/* "a:b,c b:c c" : nodes with their dependencies, all enabled */
	char copy[512], *save1 = NULL;
	struct graph *g = graph_new(a, 0, 0);

	snprintf(copy, sizeof(copy), "%s", spec);
	for (char *tok = strtok_r(copy, " ", &save1); tok != NULL;
	     tok = strtok_r(NULL, " ", &save1)) {
		char *colon = strchr(tok, ':'), *save2 = NULL;

		if (colon != NULL)
			*colon = '\0';
		ck_assert_int_eq(graph_add(g, tok, true), GRAPH_OK);
		if (colon == NULL)
			continue;
		for (char *d = strtok_r(colon + 1, ",", &save2); d != NULL;
		     d = strtok_r(NULL, ",", &save2))
			ck_assert_int_eq(graph_depend(g, tok, d), GRAPH_OK);
	}
	ck_assert_int_eq(graph_check(g), GRAPH_OK);
	return g;
}

START_TEST(default_template_layers)
{
	struct arena *a = arena_new(16384);
	struct graph *g = default_graph(a, false);
	struct graph_layers l;
	size_t np;
	char buf[512];

	ck_assert_uint_eq(graph_count(g), 16);
	graph_problems(g, &np);
	ck_assert_uint_eq(np, 0);
	ck_assert_uint_eq(graph_nerrors(g), 0);
	ck_assert_int_eq(graph_layers(g, GRAPH_DEPLOY, NULL, &l), GRAPH_OK);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_uint_eq(l.blocked, 0);
	ck_assert_uint_eq(l.start[l.n], 16);
	for (size_t k = 0; k < l.n; k++)
		ck_assert_str_eq(layer_text(g, &l, k, buf, sizeof(buf)), deploy_layers[k]);
	/* The same with the enabled mask: every stack is enabled. */
	ck_assert_int_eq(graph_layers(g, GRAPH_DEPLOY, graph_enabled(g), &l), GRAPH_OK);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_int_eq(graph_layer_of(g, (size_t)graph_find(g, "network"), GRAPH_DEPLOY), 0);
	ck_assert_int_eq(graph_layer_of(g, (size_t)graph_find(g, "monitoring"), GRAPH_DEPLOY), 3);
	ck_assert_int_eq(graph_layer_of(g, (size_t)graph_find(g, "monitoring"), GRAPH_DESTROY), 0);
	ck_assert_int_eq(graph_layer_of(g, 99, GRAPH_DEPLOY), -1);
	/* Destroy: the same layers, last first. */
	ck_assert_int_eq(graph_layers(g, GRAPH_DESTROY, NULL, &l), GRAPH_OK);
	ck_assert_uint_eq(l.n, 4);
	for (size_t k = 0; k < l.n; k++)
		ck_assert_str_eq(layer_text(g, &l, k, buf, sizeof(buf)), deploy_layers[3 - k]);
	arena_free(a);
}
END_TEST

START_TEST(layers_respect_every_edge_both_ways)
{
	struct arena *a = arena_new(16384);
	struct graph *g = default_graph(a, false);
	size_t edges = 0;

	for (size_t i = 0; i < NDEFLT; i++) {
		const size_t *d;
		size_t nd = graph_deps(g, i, &d);

		for (size_t j = 0; j < nd; j++, edges++) {
			/* Deployed after its dependency, destroyed before it. */
			ck_assert_int_gt(graph_layer_of(g, i, GRAPH_DEPLOY),
			                 graph_layer_of(g, d[j], GRAPH_DEPLOY));
			ck_assert_int_lt(graph_layer_of(g, i, GRAPH_DESTROY),
			                 graph_layer_of(g, d[j], GRAPH_DESTROY));
			ck_assert(graph_depends_on(g, i, d[j]));
			ck_assert(!graph_depends_on(g, d[j], i));
		}
		/* Kahn: a node in layer k > 0 has a dependency in layer k - 1. */
		if (graph_layer_of(g, i, GRAPH_DEPLOY) > 0) {
			bool tight = false;

			for (size_t j = 0; j < nd; j++)
				tight |= graph_layer_of(g, d[j], GRAPH_DEPLOY) ==
				         graph_layer_of(g, i, GRAPH_DEPLOY) - 1;
			ck_assert(tight);
		}
	}
	ck_assert_uint_eq(edges, 37);
	ck_assert(graph_depends_on(g, (size_t)graph_find(g, "database-rds"),
	                           (size_t)graph_find(g, "network")));
	ck_assert(!graph_depends_on(g, (size_t)graph_find(g, "monitoring"),
	                            (size_t)graph_find(g, "security")));
	arena_free(a);
}
END_TEST

START_TEST(direct_dependents_and_deps_in_order)
{
	struct arena *a = arena_new(16384);
	struct graph *g = default_graph(a, false);
	const size_t *v;
	size_t n;
	char buf[512];

	n = graph_deps(g, (size_t)graph_find(g, "services-ecs"), &v);
	ck_assert_str_eq(list_text(g, v, n, buf, sizeof(buf)),
	                 "network security services-ecr database-rds");
	n = graph_rdeps(g, (size_t)graph_find(g, "database-rds"), &v);
	ck_assert_str_eq(list_text(g, v, n, buf, sizeof(buf)),
	                 "services-ecs compute-lambda monitoring");
	ck_assert_uint_eq(graph_rdeps(g, (size_t)graph_find(g, "monitoring"), &v), 0);
	ck_assert_uint_eq(graph_deps(g, 99, &v), 0);
	ck_assert_ptr_null(v);
	arena_free(a);
}
END_TEST

START_TEST(transitive_dependents_in_destroy_order)
{
	struct arena *a = arena_new(16384);
	struct graph *g = default_graph(a, false);
	size_t out[NDEFLT], n;
	char buf[1024];

	/* A failed secrets: everything but network, security, dns ends early_exit. */
	n = graph_dependents(g, (size_t)graph_find(g, "secrets"), out);
	ck_assert_str_eq(list_text(g, out, n, buf, sizeof(buf)),
	                 "containers-apps services-ecs services-eks services-api compute-lambda "
	                 "monitoring authentication storage database-rds containers-images "
	                 "services-ecr compute-ec2");
	n = graph_dependents(g, (size_t)graph_find(g, "storage"), out);
	ck_assert_str_eq(list_text(g, out, n, buf, sizeof(buf)), "compute-lambda monitoring");
	n = graph_dependents(g, (size_t)graph_find(g, "dns"), out);
	ck_assert_str_eq(list_text(g, out, n, buf, sizeof(buf)),
	                 "containers-apps services-api authentication");
	ck_assert_uint_eq(graph_dependents(g, (size_t)graph_find(g, "monitoring"), out), 0);
	/* Every dependent comes before anything it depends on (cascade destroy). */
	n = graph_dependents(g, (size_t)graph_find(g, "network"), out);
	ck_assert_uint_eq(n,
	                  10); /* not security, secrets, storage, containers-images, services-ecr */
	for (size_t x = 0; x < n; x++)
		for (size_t y = x + 1; y < n; y++)
			ck_assert(!graph_depends_on(g, out[y], out[x]));
	/* And the other way: what monitoring needs, in deploy order. */
	n = graph_dependencies(g, (size_t)graph_find(g, "monitoring"), out);
	ck_assert_str_eq(list_text(g, out, n, buf, sizeof(buf)),
	                 "network security secrets storage database-rds compute-ec2");
	n = graph_dependencies(g, (size_t)graph_find(g, "services-api"), out);
	ck_assert_str_eq(list_text(g, out, n, buf, sizeof(buf)),
	                 "network security dns secrets authentication");
	ck_assert_uint_eq(graph_dependencies(g, (size_t)graph_find(g, "network"), out), 0);
	arena_free(a);
}
END_TEST

START_TEST(deterministic_and_node_ordered)
{
	struct arena *a = arena_new(16384);
	struct graph *g1 = default_graph(a, false), *g2 = default_graph(a, false);
	struct graph *r = default_graph(a, true);
	struct graph_layers l1, l2, lr;
	char b1[512], b2[512];

	ck_assert_int_eq(graph_layers(g1, GRAPH_DEPLOY, NULL, &l1), GRAPH_OK);
	ck_assert_int_eq(graph_layers(g2, GRAPH_DEPLOY, NULL, &l2), GRAPH_OK);
	ck_assert_int_eq(graph_layers(r, GRAPH_DEPLOY, NULL, &lr), GRAPH_OK);
	ck_assert_uint_eq(l1.n, l2.n);
	ck_assert_uint_eq(l1.n, lr.n);
	for (size_t k = 0; k < l1.n; k++) {
		ck_assert_str_eq(layer_text(g1, &l1, k, b1, sizeof(b1)),
		                 layer_text(g2, &l2, k, b2, sizeof(b2)));
		/* Added the other way round: the same layers, each in the order added. */
		ck_assert_uint_eq(l1.start[k + 1] - l1.start[k], lr.start[k + 1] - lr.start[k]);
		for (size_t j = l1.start[k]; j < l1.start[k + 1]; j++)
			ck_assert_str_eq(
			        graph_name(g1, l1.node[j]),
			        graph_name(r, lr.node[lr.start[k + 1] - 1 - (j - l1.start[k])]));
	}
	ck_assert_str_eq(layer_text(r, &lr, 0, b1, sizeof(b1)), "security network");
	arena_free(a);
}
END_TEST

START_TEST(a_cycle_names_its_path)
{
	struct arena *a = arena_new(16384);
	struct graph *g = small(a, "network:security security:network dns:network vpn");
	const struct graph_problem *p;
	struct graph_layers l;
	size_t np;
	char buf[256];

	p = graph_problems(g, &np);
	ck_assert_uint_eq(np, 1);
	ck_assert_uint_eq(graph_nerrors(g), 1);
	ck_assert_int_eq(p[0].kind, GP_CYCLE);
	ck_assert(!p[0].warning);
	ck_assert_str_eq(p[0].message,
	                 "Circular dependency detected: network -> security -> network");
	ck_assert_str_eq(p[0].node, "network");
	ck_assert_ptr_null(p[0].dep);
	ck_assert_uint_eq(p[0].ncycle, 3);
	ck_assert_str_eq(list_text(g, p[0].cycle, p[0].ncycle, buf, sizeof(buf)),
	                 "network security network");
	/* dns waits behind the cycle; vpn deploys. */
	ck_assert_int_eq(graph_layers(g, GRAPH_DEPLOY, NULL, &l), GRAPH_ECYCLE);
	ck_assert_uint_eq(l.blocked, 3);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(layer_text(g, &l, 0, buf, sizeof(buf)), "vpn");
	ck_assert_int_eq(graph_layer_of(g, (size_t)graph_find(g, "dns"), GRAPH_DEPLOY), -1);
	arena_free(a);
}
END_TEST

START_TEST(each_cycle_component_once_with_its_shortest_path)
{
	struct arena *a = arena_new(16384);
	/*
	 * One component a b c d with several cycles (a->b->c->a, a->d->a):
	 * reported once, from a, the shortest way back (a -> d -> a). A second
	 * component x y z after it; ok depends on both but is in neither.
	 */
	struct graph *g = small(a, "ok:a,x a:b,d b:c c:a d:a x:y y:z z:x");
	const struct graph_problem *p;
	size_t np;

	p = graph_problems(g, &np);
	ck_assert_uint_eq(np, 2);
	ck_assert_str_eq(p[0].message, "Circular dependency detected: a -> d -> a");
	ck_assert_str_eq(p[1].message, "Circular dependency detected: x -> y -> z -> x");
	ck_assert_uint_eq(p[1].ncycle, 4);
	arena_free(a);
}
END_TEST

START_TEST(every_problem_at_once)
{
	struct arena *a = arena_new(16384);
	struct graph *g = graph_new(a, 0, 0);
	const struct graph_problem *p;
	size_t np;

	ck_assert_int_eq(graph_add(g, "network", true), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "dns", true), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "storage", false), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "compute-lambda", true), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "dns", false), GRAPH_OK); /* a duplicate */
	ck_assert_int_eq(graph_depend(g, "dns", "network"), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "dns", "dns"), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "dns", "netwrok"), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "dns", "network"), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "compute-lambda", "storage"), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "compute-lambda", "queue"), GRAPH_OK); /* added below */
	ck_assert_int_eq(graph_depend(g, "storage", "network"), GRAPH_OK);      /* fine */
	ck_assert_int_eq(graph_depend(g, "network", "security"), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "queue", true), GRAPH_OK);
	ck_assert_int_eq(graph_check(g), GRAPH_OK);

	p = graph_problems(g, &np);
	ck_assert_uint_eq(np, 6);
	ck_assert_uint_eq(graph_nerrors(g), 5);
	ck_assert_int_eq(p[0].kind, GP_DUPLICATE_NODE);
	ck_assert_str_eq(p[0].message, "Duplicate stack 'dns'");
	ck_assert_str_eq(graph_problem_kind_name(p[0].kind), "duplicate_stack");
	ck_assert_int_eq(p[1].kind, GP_UNKNOWN);
	ck_assert_str_eq(p[1].message, "Stack 'network' depends on unknown stack 'security'");
	ck_assert_str_eq(p[1].node, "network");
	ck_assert_str_eq(p[1].dep, "security");
	ck_assert_str_eq(graph_problem_kind_name(p[1].kind), "unknown_dependency");
	ck_assert_int_eq(p[2].kind, GP_SELF);
	ck_assert_str_eq(p[2].message, "Stack 'dns' depends on itself");
	ck_assert_int_eq(p[3].kind, GP_UNKNOWN);
	ck_assert_str_eq(p[3].message, "Stack 'dns' depends on unknown stack 'netwrok'");
	ck_assert_int_eq(p[4].kind, GP_DUPLICATE_DEP);
	ck_assert(p[4].warning);
	ck_assert_str_eq(p[4].message, "Stack 'dns' lists dependency 'network' more than once");
	ck_assert_int_eq(p[5].kind, GP_DISABLED);
	ck_assert(!p[5].warning);
	ck_assert_str_eq(p[5].message,
	                 "Stack 'compute-lambda' depends on disabled stack 'storage'");
	ck_assert_str_eq(p[5].dep, "storage");
	/* The duplicate kept the first node and its flag; queue, added after being named, resolved.
	 */
	ck_assert(graph_is_enabled(g, (size_t)graph_find(g, "dns")));
	ck_assert(graph_depends_on(g, (size_t)graph_find(g, "compute-lambda"),
	                           (size_t)graph_find(g, "queue")));
	arena_free(a);
}
END_TEST

START_TEST(a_dependency_added_later_resolves)
{
	struct arena *a = arena_new(16384);
	struct graph *g = graph_new(a, 0, 0);
	size_t np;

	ck_assert_int_eq(graph_add(g, "dns", true), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "dns", "network"), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "network", true), GRAPH_OK);
	ck_assert_int_eq(graph_check(g), GRAPH_OK);
	graph_problems(g, &np);
	ck_assert_uint_eq(np, 0);
	ck_assert(graph_depends_on(g, 0, 1));
	ck_assert_int_eq(graph_layer_of(g, 0, GRAPH_DEPLOY), 1);
	/* Adding after a check needs another check. */
	ck_assert_int_eq(graph_add(g, "dns2", true), GRAPH_OK);
	ck_assert(!graph_depends_on(g, 0, 1));
	ck_assert_int_eq(graph_check(g), GRAPH_OK);
	ck_assert(graph_depends_on(g, 0, 1));
	arena_free(a);
}
END_TEST

START_TEST(disabled_stacks_leave_the_deploy_layers)
{
	struct arena *a = arena_new(16384);
	struct graph *g = graph_new(a, 0, 0);
	struct graph_layers l;
	size_t np;
	char buf[256];

	/* A disabled stack may depend on an enabled one; nothing enabled depends on it. */
	ck_assert_int_eq(graph_add(g, "network", true), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "services-eks", false), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "dns", true), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "services-api", true), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "services-eks", "network"), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "dns", "network"), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "services-api", "dns"), GRAPH_OK);
	ck_assert_int_eq(graph_check(g), GRAPH_OK);
	graph_problems(g, &np);
	ck_assert_uint_eq(np, 0);
	ck_assert(!graph_is_enabled(g, 1));
	ck_assert(graph_is_enabled(g, 2));
	ck_assert_int_eq(graph_layers(g, GRAPH_DEPLOY, graph_enabled(g), &l), GRAPH_OK);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(layer_text(g, &l, 0, buf, sizeof(buf)), "network");
	ck_assert_str_eq(layer_text(g, &l, 1, buf, sizeof(buf)), "dns");
	ck_assert_str_eq(layer_text(g, &l, 2, buf, sizeof(buf)), "services-api");
	/* Destroy of everything (a disabled stack may have been deployed before). */
	ck_assert_int_eq(graph_layers(g, GRAPH_DESTROY, NULL, &l), GRAPH_OK);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(layer_text(g, &l, 0, buf, sizeof(buf)), "services-eks services-api");
	ck_assert_str_eq(layer_text(g, &l, 1, buf, sizeof(buf)), "dns");
	ck_assert_str_eq(layer_text(g, &l, 2, buf, sizeof(buf)), "network");
	arena_free(a);
}
END_TEST

START_TEST(a_selection_keeps_order_through_nodes_left_out)
{
	struct arena *a = arena_new(16384);
	struct graph *g = small(a, "c:b b:a a d");
	bool only[4] = { true, false, false, true }; /* c and d: c still after where b was */
	struct graph_layers l;
	char buf[64];

	ck_assert_int_eq(graph_layers(g, GRAPH_DEPLOY, only, &l), GRAPH_OK);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(layer_text(g, &l, 0, buf, sizeof(buf)), "d");
	ck_assert_str_eq(layer_text(g, &l, 1, buf, sizeof(buf)), "c");
	arena_free(a);
}
END_TEST

START_TEST(closures_through_a_cycle_end)
{
	struct arena *a = arena_new(16384);
	struct graph *g = small(a, "a:b b:a c:a d");
	size_t out[4], n;
	char buf[64];

	/* c can be destroyed first (nothing depends on it); a and b are stuck: last. */
	n = graph_dependents(g, (size_t)graph_find(g, "b"), out);
	ck_assert_str_eq(list_text(g, out, n, buf, sizeof(buf)), "c a");
	n = graph_dependencies(g, (size_t)graph_find(g, "c"), out);
	ck_assert_str_eq(list_text(g, out, n, buf, sizeof(buf)), "a b");
	ck_assert_uint_eq(graph_dependents(g, (size_t)graph_find(g, "d"), out), 0);
	ck_assert_int_eq(graph_layer_of(g, (size_t)graph_find(g, "c"), GRAPH_DESTROY), 0);
	ck_assert_int_eq(graph_layer_of(g, (size_t)graph_find(g, "c"), GRAPH_DEPLOY), -1);
	arena_free(a);
}
END_TEST

START_TEST(empty_graph)
{
	struct arena *a = arena_new(16384);
	struct graph *g = graph_new(a, 0, 0);
	struct graph_layers l;
	size_t np, out[1];

	ck_assert_int_eq(graph_layers(g, GRAPH_DEPLOY, NULL, &l), GRAPH_ESTATE);
	ck_assert_str_eq(graph_error(g), "the graph was not checked");
	ck_assert_uint_eq(graph_nerrors(g), 0);
	graph_problems(g, &np);
	ck_assert_uint_eq(np, 0);
	ck_assert_int_eq(graph_check(g), GRAPH_OK);
	ck_assert_uint_eq(graph_count(g), 0);
	graph_problems(g, &np);
	ck_assert_uint_eq(np, 0);
	ck_assert_int_eq(graph_layers(g, GRAPH_DEPLOY, NULL, &l), GRAPH_OK);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(l.start[0], 0);
	ck_assert_int_eq(graph_layers(g, GRAPH_DESTROY, NULL, &l), GRAPH_OK);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(graph_find(g, "network"), -1);
	ck_assert_ptr_null(graph_name(g, 0));
	ck_assert_uint_eq(graph_dependents(g, 0, out), 0);
	arena_free(a);
}
END_TEST

START_TEST(limits_are_clear_errors)
{
	struct arena *a = arena_new(16384);
	struct graph *g = graph_new(a, 3, 2);
	char name[GRAPH_NAME_MAX + 2];

	ck_assert_int_eq(graph_add(g, "a", true), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "b", true), GRAPH_OK);
	ck_assert_int_eq(graph_add(g, "a", true), GRAPH_OK); /* a duplicate counts */
	ck_assert_int_eq(graph_add(g, "c", true), GRAPH_ENODES);
	ck_assert_str_eq(graph_error(g), "too many stacks: the limit is 3");
	ck_assert_int_eq(graph_depend(g, "a", "b"), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "b", "x"), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "b", "y"), GRAPH_EEDGES);
	ck_assert_str_eq(graph_error(g), "too many dependencies: the limit is 2");
	ck_assert_int_eq(graph_depend(g, "c", "a"), GRAPH_EUNKNOWN);
	ck_assert_str_eq(graph_error(g), "stack 'c' was not added before its dependencies");
	ck_assert_int_eq(graph_add(g, "", true), GRAPH_ENAME);
	ck_assert_str_eq(graph_error(g), "a stack name must be 1 to 64 characters");
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_int_eq(graph_add(g, name, true), GRAPH_ENAME);
	name[GRAPH_NAME_MAX] = '\0';
	ck_assert_int_eq(graph_depend(g, "a", name), GRAPH_EEDGES); /* the name is fine */
	ck_assert_int_eq(graph_depend(g, "a", "x\ny"), GRAPH_ENAME);
	ck_assert_str_eq(graph_error(g), "a stack name may not hold control characters");
	ck_assert_int_eq(graph_check(g), GRAPH_OK);
	ck_assert_uint_eq(graph_count(g), 2);
	ck_assert_uint_eq(graph_nerrors(g), 2); /* the duplicate and x */
	ck_assert_str_eq(graph_strerror(GRAPH_ENODES), "too many stacks");
	ck_assert_str_eq(graph_strerror(GRAPH__MAX), "unknown graph status");
	ck_assert_ptr_null(graph_problem_kind_name(GP__MAX));
	arena_free(a);
}
END_TEST

/*
 * The hard caps: a chain of GRAPH_NODES_MAX stacks, each depending on
 * every one of the previous 16, the last one on more up to GRAPH_EDGES_MAX,
 * then closed into one cycle: no recursion, no overflow, one problem.
 */
START_TEST(hard_caps_and_a_long_cycle)
{
	struct arena *a = arena_new(16384);
	struct graph *g = graph_new(a, 100000, 100000);
	char name[32], dep[32];
	size_t edges = 0, np;
	struct graph_layers l;
	const struct graph_problem *p;

	for (size_t i = 0; i < GRAPH_NODES_MAX; i++) {
		snprintf(name, sizeof(name), "s%zu", i);
		ck_assert_int_eq(graph_add(g, name, true), GRAPH_OK);
		for (size_t d = 1; d <= 16 && d <= i && edges < GRAPH_EDGES_MAX - 1; d++, edges++) {
			snprintf(dep, sizeof(dep), "s%zu", i - d);
			ck_assert_int_eq(graph_depend(g, name, dep), GRAPH_OK);
		}
	}
	/* Up to the last edge: s511 also depends on s1, s2, ... */
	for (size_t k = 1; edges < GRAPH_EDGES_MAX - 1; k++, edges++) {
		snprintf(dep, sizeof(dep), "s%zu", k);
		ck_assert_int_eq(graph_depend(g, "s511", dep), GRAPH_OK);
	}
	ck_assert_int_eq(graph_add(g, "one-more", true), GRAPH_ENODES);
	ck_assert_str_eq(graph_error(g), "too many stacks: the limit is 512");
	ck_assert_int_eq(graph_check(g), GRAPH_OK);
	ck_assert_int_eq(graph_layers(g, GRAPH_DEPLOY, NULL, &l), GRAPH_OK);
	ck_assert_uint_eq(l.n, GRAPH_NODES_MAX);
	/* s0 depends on the last one: every stack is in one cycle. */
	ck_assert_int_eq(graph_depend(g, "s0", "s511"), GRAPH_OK);
	ck_assert_int_eq(graph_depend(g, "s0", "s1"), GRAPH_EEDGES);
	ck_assert_str_eq(graph_error(g), "too many dependencies: the limit is 8192");
	ck_assert_int_eq(graph_check(g), GRAPH_OK);
	p = graph_problems(g, &np);
	ck_assert_uint_eq(np, 1);
	ck_assert_int_eq(p[0].kind, GP_CYCLE);
	/* The shortest way back from s0, not the 512-long one. */
	ck_assert_str_eq(p[0].message, "Circular dependency detected: s0 -> s511 -> s1 -> s0");
	ck_assert_uint_eq(p[0].ncycle, 4);
	ck_assert_int_eq(graph_layers(g, GRAPH_DESTROY, NULL, &l), GRAPH_ECYCLE);
	ck_assert_uint_eq(l.blocked, GRAPH_NODES_MAX);
	ck_assert_uint_eq(l.n, 0);
	arena_free(a);
}
END_TEST

Suite *suite_graph(void)
{
	Suite *s = suite_create("graph");
	TCase *tc = tcase_create("graph");

	tcase_add_test(tc, default_template_layers);
	tcase_add_test(tc, layers_respect_every_edge_both_ways);
	tcase_add_test(tc, direct_dependents_and_deps_in_order);
	tcase_add_test(tc, transitive_dependents_in_destroy_order);
	tcase_add_test(tc, deterministic_and_node_ordered);
	tcase_add_test(tc, a_cycle_names_its_path);
	tcase_add_test(tc, each_cycle_component_once_with_its_shortest_path);
	tcase_add_test(tc, every_problem_at_once);
	tcase_add_test(tc, a_dependency_added_later_resolves);
	tcase_add_test(tc, disabled_stacks_leave_the_deploy_layers);
	tcase_add_test(tc, a_selection_keeps_order_through_nodes_left_out);
	tcase_add_test(tc, closures_through_a_cycle_end);
	tcase_add_test(tc, empty_graph);
	tcase_add_test(tc, limits_are_clear_errors);
	tcase_add_test(tc, hard_caps_and_a_long_cycle);
	suite_add_tcase(s, tc);
	return s;
}
