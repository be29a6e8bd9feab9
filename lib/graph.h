/* graph.h: the dependency rules of a deployment's stacks: problems, layers, destroy order. */
#ifndef STRATUS_GRAPH_H
#define STRATUS_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * No HTTP, no SQL, no JSON here. A validator or the deploy code adds the
 * stacks (nodes, by name) and their dependencies ("a depends on b"), calls
 * graph_check() once, then reads the problems, the layers and the closures.
 *
 * Memory: every byte comes from the caller's arena (lib/arena.h) given to
 * graph_new(); nothing is malloc'ed here and nothing needs freeing: the
 * graph, its names, problems, messages and layer arrays live until the
 * arena is reset. A graph is not shared between threads.
 *
 * Order: everything this module returns is deterministic for a given input.
 * Nodes are numbered 0.. in the order they were added (a manifest's stack
 * order, as the original's "dependency_graph.nodes" lists them); inside a
 * layer, nodes keep that order.
 */

#define GRAPH_NAME_MAX  64   /* bytes of a node name */
#define GRAPH_NODES_MAX 512  /* hard cap on nodes, whatever graph_new() is given */
#define GRAPH_EDGES_MAX 8192 /* hard cap on dependencies */

enum graph_status {
	GRAPH_OK,       /* GRAPH_OK */
	GRAPH_ENOMEM,   /* GRAPH_ENOMEM: the arena could not grow */
	GRAPH_ENAME,    /* GRAPH_ENAME: empty, longer than GRAPH_NAME_MAX, or a control byte */
	GRAPH_ENODES,   /* GRAPH_ENODES: more nodes than the graph's limit */
	GRAPH_EEDGES,   /* GRAPH_EEDGES: more dependencies than the graph's limit */
	GRAPH_EUNKNOWN, /* GRAPH_EUNKNOWN: graph_depend() on a node never added (caller's bug) */
	GRAPH_ESTATE,   /* GRAPH_ESTATE: a query before graph_check() */
	GRAPH_ECYCLE,   /* GRAPH_ECYCLE: graph_layers(): some nodes are in or behind a cycle */
	GRAPH__MAX
};

/* A fixed sentence for a status ("too many stacks"); never NULL. */
const char *graph_strerror(enum graph_status s);

struct arena;
struct graph;

/*
 * A new empty graph in arena `a` holding at most `max_nodes` nodes and
 * `max_edges` dependencies (0, or more than the hard caps, means the hard
 * cap). Returns NULL when out of memory. The arena owns it.
 */
struct graph *graph_new(struct arena *a, size_t max_nodes, size_t max_edges);

/*
 * Adds node `name` (copied), enabled or not. A name added a second time is
 * not a failure: it is recorded as a GP_DUPLICATE_NODE problem and the first
 * node keeps its place and flag. Returns GRAPH_OK, GRAPH_ENAME, GRAPH_ENODES
 * or GRAPH_ENOMEM; graph_error() then has a sentence naming the limit.
 */
enum graph_status graph_add(struct graph *g, const char *name, bool enabled);

/*
 * Records that node `name` (already added) depends on `dep` (copied), which
 * may be added later or never (then a GP_UNKNOWN problem). Self and
 * duplicate dependencies are recorded too and reported by graph_check().
 * Returns GRAPH_OK, GRAPH_EUNKNOWN (`name` was never added), GRAPH_ENAME,
 * GRAPH_EEDGES or GRAPH_ENOMEM.
 */
enum graph_status graph_depend(struct graph *g, const char *name, const char *dep);

/* The last failure of graph_add/graph_depend/graph_check in a sentence, "" if none. */
const char *graph_error(const struct graph *g);

/*
 * Resolves the dependencies, finds every problem (see below) and computes
 * the deploy and destroy layers. Call it after the last graph_add/depend
 * and before any query; adding more afterwards needs another graph_check().
 * Returns GRAPH_OK (problems or not: see graph_nerrors) or GRAPH_ENOMEM.
 */
enum graph_status graph_check(struct graph *g);

/* ------------------------------------------------------------------ problems */

enum graph_problem_kind {
	GP_DUPLICATE_NODE, /* GP_DUPLICATE_NODE: "Duplicate stack 'x'" (error) */
	GP_SELF,           /* GP_SELF: "Stack 'x' depends on itself" (error) */
	GP_UNKNOWN,        /* GP_UNKNOWN: "Stack 'x' depends on unknown stack 'y'" (error) */
	GP_DISABLED,       /* GP_DISABLED: "Stack 'x' depends on disabled stack 'y'" (error) */
	GP_DUPLICATE_DEP,  /* GP_DUPLICATE_DEP: "Stack 'x' lists dependency 'y' more than
	                      once" (warning) */
	GP_CYCLE,          /* GP_CYCLE: "Circular dependency detected: a -> b -> a" (error) */
	GP__MAX
};

/* A stable short name for a kind ("cycle", "unknown_dependency"...); NULL when out of range. */
const char *graph_problem_kind_name(enum graph_problem_kind k);

struct graph_problem {
	enum graph_problem_kind kind;
	bool warning;        /* only GP_DUPLICATE_DEP: the graph is still valid */
	const char *node;    /* the stack it is about; a cycle's first stack */
	const char *dep;     /* the dependency named; NULL for GP_DUPLICATE_NODE, GP_CYCLE */
	const size_t *cycle; /* GP_CYCLE: the path's nodes, first one repeated last */
	size_t ncycle;       /* entries in cycle (>= 3), 0 for other kinds */
	const char *message; /* the whole sentence, as the API answers it */
};

/*
 * The problems found by graph_check(), every one of them, in this order:
 * duplicate nodes (as added); then for each node in order, each of its
 * dependencies as declared that is a self, unknown, duplicate or disabled
 * one (one problem per declared dependency at most); then one GP_CYCLE per
 * cycle component (a strongly connected set of two or more nodes), ordered
 * by its first node, with the shortest cycle through that node as its path.
 * A self-dependency is reported as GP_SELF only. Sets *n.
 */
const struct graph_problem *graph_problems(const struct graph *g, size_t *n);

/* Problems that are errors (not warnings): 0 means the graph is valid. */
size_t graph_nerrors(const struct graph *g);

/* ------------------------------------------------------------------ nodes and edges */

size_t graph_count(const struct graph *g);
const char *graph_name(const struct graph *g, size_t i);
bool graph_is_enabled(const struct graph *g, size_t i);
/* The enabled flags as an array of graph_count() entries (a mask for graph_layers). */
const bool *graph_enabled(const struct graph *g);
/* The index of node `name`, or -1. */
long graph_find(const struct graph *g, const char *name);

/*
 * The direct dependencies of node i that exist, without self or duplicate
 * ones, in the order declared: sets *out (owned by the graph) and returns
 * their count. 0 before graph_check().
 */
size_t graph_deps(const struct graph *g, size_t i, const size_t **out);
/* The nodes that depend directly on node i, in node order; as graph_deps. */
size_t graph_rdeps(const struct graph *g, size_t i, const size_t **out);
/* Whether node a depends directly on node b (a declared, existing dependency). */
bool graph_depends_on(const struct graph *g, size_t a, size_t b);

/*
 * The nodes that depend on node i, directly or not (i itself excluded), in
 * destroy order (each before everything it depends on): who must go first
 * when i is destroyed with ?cascade=true, and who ends early_exit when i
 * fails. `out` has room for graph_count() entries. Returns the count; 0
 * before graph_check(). Nodes in or behind a cycle come last, in node order.
 */
size_t graph_dependents(const struct graph *g, size_t i, size_t *out);
/* The nodes node i depends on, directly or not, in deploy order; as graph_dependents. */
size_t graph_dependencies(const struct graph *g, size_t i, size_t *out);

/* ------------------------------------------------------------------ layers */

enum graph_direction {
	GRAPH_DEPLOY,  /* GRAPH_DEPLOY: a node after everything it depends on */
	GRAPH_DESTROY, /* GRAPH_DESTROY: a node after everything that depends on it */
};

struct graph_layers {
	size_t n;            /* layers; the API's "layer" number is k + 1 */
	const size_t *start; /* n + 1 offsets: layer k is node[start[k] .. start[k + 1]) */
	const size_t *node;  /* node indexes, layer by layer, node order inside a layer */
	size_t blocked;      /* selected nodes in no layer (in or behind a cycle) */
};

/*
 * Kahn's algorithm over the whole graph. Deploy: layer 0 holds the nodes
 * with no dependency, layer k those whose dependencies are all in earlier
 * layers (and one of them in layer k - 1). Destroy is the same on the
 * reversed graph: layer 0 holds the nodes nothing depends on, and a node
 * comes only after every node that depends on it.
 *
 * `only` (NULL for all; graph_enabled() for a deploy) selects nodes by
 * index: the layers of the whole graph are filtered, and layers left empty
 * dropped, so the order stays right through nodes left out. Fills *out
 * (arrays in the graph's arena). Returns GRAPH_OK; GRAPH_ECYCLE when
 * selected nodes are blocked by a cycle (*out then has the others);
 * GRAPH_ESTATE before graph_check(); GRAPH_ENOMEM.
 */
enum graph_status graph_layers(struct graph *g, enum graph_direction dir, const bool *only,
                               struct graph_layers *out);

/* The 0-based layer of node i in the whole graph, or -1 (in or behind a cycle, or unchecked). */
long graph_layer_of(const struct graph *g, size_t i, enum graph_direction dir);

#endif
