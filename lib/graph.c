/* graph.c: the dependency rules of a deployment's stacks: problems, layers, destroy order. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/graph.h"

static const char *const status_text[GRAPH__MAX] = {
	"ok",                                                /* GRAPH_OK */
	"out of memory",                                     /* GRAPH_ENOMEM */
	"a stack name must be 1 to 64 printable characters", /* GRAPH_ENAME */
	"too many stacks",                                   /* GRAPH_ENODES */
	"too many dependencies",                             /* GRAPH_EEDGES */
	"dependency of a stack never added",                 /* GRAPH_EUNKNOWN */
	"the graph was not checked",                         /* GRAPH_ESTATE */
	"stacks blocked by a circular dependency",           /* GRAPH_ECYCLE */
};

static const char *const kind_names[GP__MAX] = {
	"duplicate_stack",      /* GP_DUPLICATE_NODE */
	"self_dependency",      /* GP_SELF */
	"unknown_dependency",   /* GP_UNKNOWN */
	"disabled_dependency",  /* GP_DISABLED */
	"duplicate_dependency", /* GP_DUPLICATE_DEP */
	"cycle",                /* GP_CYCLE */
};

/* A dependency as declared: node `from` depends on the name `to`. */
struct edge {
	size_t from;
	const char *to;
};

struct graph {
	struct arena *a; /* owns everything below */
	size_t max_nodes, max_edges;

	const char **name; /* [cap] node names, copied */
	bool *enabled;     /* [cap] */
	size_t n, cap;
	unsigned *slot; /* [nslot] open-addressing name index: node + 1, 0 empty */
	size_t nslot;   /* a power of two, at least twice max_nodes */

	struct edge *e; /* [ecap] declared dependencies */
	size_t ne, ecap;
	const char **dup; /* [dupcap] names added a second time */
	size_t ndup, dupcap;

	char err[160]; /* graph_error() */

	/* Set by graph_check(). */
	bool checked;
	size_t *dep_start, *dep;   /* deps of i: dep[dep_start[i] .. dep_start[i + 1]) */
	size_t *rdep_start, *rdep; /* dependents of i, the same way */
	long *layer[2];            /* [n] by direction; -1 in or behind a cycle */
	size_t *seq[2];            /* [n] nodes by (layer, index), blocked ones last */
	struct graph_problem *prob;
	size_t nprob, nerr;
	unsigned *mark; /* [n] scratch of the closures, with epoch */
	unsigned epoch;
};

const char *graph_strerror(enum graph_status s)
{
	return (unsigned)s < GRAPH__MAX ? status_text[s] : "unknown graph status";
}

const char *graph_problem_kind_name(enum graph_problem_kind k)
{
	return (unsigned)k < GP__MAX ? kind_names[k] : NULL;
}

/* ------------------------------------------------------------------ building */

/* A copy of old[0..n) in a new arena array of `cap` elements (old stays in the arena). */
static void *grow(struct arena *a, const void *old, size_t n, size_t cap, size_t size)
{
	void *p;

	if (cap > SIZE_MAX / size || (p = arena_alloc(a, cap * size)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, old, n * size);
	return p;
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The slot holding `name`, or the empty slot where it would go. */
static size_t lookup(const struct graph *g, const char *name)
{
	size_t mask = g->nslot - 1;
	size_t i = hash(name) & mask;

	while (g->slot[i] != 0 && strcmp(g->name[g->slot[i] - 1], name) != 0)
		i = (i + 1) & mask;
	return i;
}

struct graph *graph_new(struct arena *a, size_t max_nodes, size_t max_edges)
{
	struct graph *g;

	if ((g = arena_calloc(a, sizeof(*g))) == NULL)
		return NULL;
	g->a = a;
	g->max_nodes = max_nodes == 0 || max_nodes > GRAPH_NODES_MAX ? GRAPH_NODES_MAX : max_nodes;
	g->max_edges = max_edges == 0 || max_edges > GRAPH_EDGES_MAX ? GRAPH_EDGES_MAX : max_edges;
	for (g->nslot = 16; g->nslot < 2 * g->max_nodes; g->nslot *= 2)
		;
	if ((g->slot = arena_calloc(a, g->nslot * sizeof(*g->slot))) == NULL)
		return NULL;
	return g;
}

static enum graph_status fail(struct graph *g, enum graph_status s, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static enum graph_status fail(struct graph *g, enum graph_status s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->err, sizeof(g->err), fmt, ap);
	va_end(ap);
	return s;
}

static enum graph_status check_name(struct graph *g, const char *s)
{
	size_t len = strnlen(s, GRAPH_NAME_MAX + 1);

	if (len == 0 || len > GRAPH_NAME_MAX)
		return fail(g, GRAPH_ENAME, "a stack name must be 1 to %d characters",
		            GRAPH_NAME_MAX);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(g, GRAPH_ENAME, "a stack name may not hold control characters");
	return GRAPH_OK;
}

enum graph_status graph_add(struct graph *g, const char *name, bool enabled)
{
	enum graph_status s;
	const char *copy;
	size_t slot;

	if ((s = check_name(g, name)) != GRAPH_OK)
		return s;
	/* Duplicates count too: the limit bounds the memory a request can take. */
	if (g->n + g->ndup >= g->max_nodes)
		return fail(g, GRAPH_ENODES, "too many stacks: the limit is %zu", g->max_nodes);
	g->checked = false;
	slot = lookup(g, name);
	if (g->slot[slot] != 0) {
		if (g->ndup == g->dupcap) {
			size_t cap = g->dupcap == 0 ? 4 : 2 * g->dupcap;
			const char **d = grow(g->a, g->dup, g->ndup, cap, sizeof(*d));

			if (d == NULL)
				return fail(g, GRAPH_ENOMEM, "out of memory");
			g->dup = d;
			g->dupcap = cap;
		}
		g->dup[g->ndup++] = g->name[g->slot[slot] - 1];
		return GRAPH_OK;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap == 0 ? 16 : 2 * g->cap;
		const char **nm;
		bool *en;

		if (cap > g->max_nodes)
			cap = g->max_nodes;
		nm = grow(g->a, g->name, g->n, cap, sizeof(*nm));
		en = nm == NULL ? NULL : grow(g->a, g->enabled, g->n, cap, sizeof(*en));
		if (en == NULL)
			return fail(g, GRAPH_ENOMEM, "out of memory");
		g->name = nm;
		g->enabled = en;
		g->cap = cap;
	}
	if ((copy = arena_strdup(g->a, name)) == NULL)
		return fail(g, GRAPH_ENOMEM, "out of memory");
	g->name[g->n] = copy;
	g->enabled[g->n] = enabled;
	g->slot[slot] = (unsigned)(++g->n);
	return GRAPH_OK;
}

enum graph_status graph_depend(struct graph *g, const char *name, const char *dep)
{
	enum graph_status s;
	long from;
	const char *copy;

	if ((s = check_name(g, name)) != GRAPH_OK || (s = check_name(g, dep)) != GRAPH_OK)
		return s;
	if ((from = graph_find(g, name)) < 0)
		return fail(g, GRAPH_EUNKNOWN, "stack '%s' was not added before its dependencies",
		            name);
	if (g->ne >= g->max_edges)
		return fail(g, GRAPH_EEDGES, "too many dependencies: the limit is %zu",
		            g->max_edges);
	g->checked = false;
	if (g->ne == g->ecap) {
		size_t cap = g->ecap == 0 ? 32 : 2 * g->ecap;
		struct edge *e;

		if (cap > g->max_edges)
			cap = g->max_edges;
		if ((e = grow(g->a, g->e, g->ne, cap, sizeof(*e))) == NULL)
			return fail(g, GRAPH_ENOMEM, "out of memory");
		g->e = e;
		g->ecap = cap;
	}
	if ((copy = arena_strdup(g->a, dep)) == NULL)
		return fail(g, GRAPH_ENOMEM, "out of memory");
	g->e[g->ne].from = (size_t)from;
	g->e[g->ne].to = copy;
	g->ne++;
	return GRAPH_OK;
}

const char *graph_error(const struct graph *g)
{
	return g->err;
}

/* ------------------------------------------------------------------ checking */

/* Appends a problem; the array was sized for the worst case by graph_check. */
static struct graph_problem *problem(struct graph *g, enum graph_problem_kind k, const char *node,
                                     const char *dep, const char *message)
{
	struct graph_problem *p = &g->prob[g->nprob++];

	memset(p, 0, sizeof(*p));
	p->kind = k;
	p->warning = k == GP_DUPLICATE_DEP;
	p->node = node;
	p->dep = dep;
	p->message = message;
	if (!p->warning)
		g->nerr++;
	return p;
}

/*
 * Kahn's algorithm, one layer at a time: a node waits for the
 * wait_start[i + 1] - wait_start[i] nodes before it; placing node i frees
 * succ[succ_start[i] ..). A layer is found whole before it frees anything,
 * so a node never joins the layer of what it waits for. Fills layer[] (-1:
 * never freed, i.e. in or behind a cycle) and returns the number of layers.
 */
static size_t kahn(size_t n, const size_t *wait_start, const size_t *succ_start, const size_t *succ,
                   long *layer, size_t *rem, size_t *cur)
{
	size_t k;

	for (size_t i = 0; i < n; i++) {
		rem[i] = wait_start[i + 1] - wait_start[i];
		layer[i] = -1;
	}
	for (k = 0;; k++) {
		size_t ncur = 0;

		for (size_t i = 0; i < n; i++)
			if (layer[i] < 0 && rem[i] == 0) {
				layer[i] = (long)k;
				cur[ncur++] = i;
			}
		if (ncur == 0)
			return k;
		for (size_t c = 0; c < ncur; c++)
			for (size_t j = succ_start[cur[c]]; j < succ_start[cur[c] + 1]; j++)
				rem[succ[j]]--;
	}
}

/* Nodes by (layer, index), the unplaced ones last in index order. */
static void sequence(size_t n, const long *layer, size_t nlayers, size_t *seq)
{
	size_t pos = 0;

	for (size_t k = 0; k < nlayers; k++)
		for (size_t i = 0; i < n; i++)
			if (layer[i] == (long)k)
				seq[pos++] = i;
	for (size_t i = 0; i < n; i++)
		if (layer[i] < 0)
			seq[pos++] = i;
}

/*
 * Tarjan's strongly connected components, without recursion (a deep chain
 * must not exhaust a worker's stack). comp[i] gets the component number,
 * csize[c] its size. Scratch: idx, low (long[n]), stk, fv, fpos (size_t[n]),
 * on (bool[n]).
 */
static void tarjan(const struct graph *g, size_t n, size_t *comp, size_t *csize, long *idx,
                   long *low, size_t *stk, size_t *fv, size_t *fpos, bool *on)
{
	long next = 0;
	size_t sp = 0, ncomp = 0;

	for (size_t i = 0; i < n; i++) {
		idx[i] = -1;
		on[i] = false;
	}
	for (size_t s = 0; s < n; s++) {
		size_t fp = 0;

		if (idx[s] >= 0)
			continue;
		idx[s] = low[s] = next++;
		stk[sp++] = s;
		on[s] = true;
		fv[fp] = s;
		fpos[fp++] = g->dep_start[s];
		while (fp > 0) {
			size_t v = fv[fp - 1];

			if (fpos[fp - 1] < g->dep_start[v + 1]) {
				size_t w = g->dep[fpos[fp - 1]++];

				if (idx[w] < 0) {
					idx[w] = low[w] = next++;
					stk[sp++] = w;
					on[w] = true;
					fv[fp] = w;
					fpos[fp++] = g->dep_start[w];
				} else if (on[w] && idx[w] < low[v]) {
					low[v] = idx[w];
				}
				continue;
			}
			fp--;
			if (low[v] == idx[v]) {
				size_t w;

				csize[ncomp] = 0;
				do {
					w = stk[--sp];
					on[w] = false;
					comp[w] = ncomp;
					csize[ncomp]++;
				} while (w != v);
				ncomp++;
			}
			if (fp > 0 && low[v] < low[fv[fp - 1]])
				low[fv[fp - 1]] = low[v];
		}
	}
}

/*
 * The shortest cycle through s inside its component, by breadth-first
 * search along dependencies: path[0] = s, ..., path[len - 1] = s. Returns
 * len. Scratch: parent (long[n]), queue (size_t[n]).
 */
static size_t cycle_path(const struct graph *g, size_t n, size_t s, const size_t *comp,
                         long *parent, size_t *queue, size_t *path)
{
	size_t head = 0, tail = 0, end = SIZE_MAX, len = 0;

	for (size_t i = 0; i < n; i++)
		parent[i] = -1;
	parent[s] = (long)s;
	queue[tail++] = s;
	while (head < tail && end == SIZE_MAX) {
		size_t u = queue[head++];

		for (size_t j = g->dep_start[u]; j < g->dep_start[u + 1]; j++) {
			size_t w = g->dep[j];

			if (comp[w] != comp[s])
				continue;
			if (w == s) {
				end = u;
				break;
			}
			if (parent[w] < 0) {
				parent[w] = (long)u;
				queue[tail++] = w;
			}
		}
	}
	/* s is in a component of two or more nodes: a way back always exists. */
	if (end == SIZE_MAX)
		return 0;
	for (size_t v = end; v != s; v = (size_t)parent[v])
		path[len++] = v;
	path[len++] = s;
	for (size_t i = 0; i < len / 2; i++) {
		size_t t = path[i];

		path[i] = path[len - 1 - i];
		path[len - 1 - i] = t;
	}
	path[len++] = s;
	return len;
}

/* "Circular dependency detected: a -> b -> a" in the arena, or NULL. */
static char *cycle_message(const struct graph *g, const size_t *path, size_t len)
{
	static const char head[] = "Circular dependency detected: ";
	size_t total = sizeof(head);
	char *m, *p;

	for (size_t i = 0; i < len; i++)
		total += strlen(g->name[path[i]]) + 4;
	if ((m = arena_alloc(g->a, total)) == NULL)
		return NULL;
	p = m + sizeof(head) - 1;
	memcpy(m, head, sizeof(head) - 1);
	for (size_t i = 0; i < len; i++) {
		size_t l = strlen(g->name[path[i]]);

		if (i > 0) {
			memcpy(p, " -> ", 4);
			p += 4;
		}
		memcpy(p, g->name[path[i]], l);
		p += l;
	}
	*p = '\0';
	return m;
}

#define ALLOC(ptr, count)                                                                          \
	do {                                                                                       \
		if (((ptr) = grow(g->a, NULL, 0, (count) > 0 ? (count) : 1, sizeof(*(ptr)))) ==    \
		    NULL)                                                                          \
			goto nomem;                                                                \
	} while (0)

enum graph_status graph_check(struct graph *g)
{
	size_t n = g->n, ne = g->ne, ndep = 0;
	long *to, *lscratch1, *lscratch2;
	size_t *order, *cnt, *s1, *s2, *s3, *s4, *comp, *csize, *path;
	bool *on;
	char *msg;

	g->checked = false;
	g->nprob = g->nerr = 0;
	/* Worst case: every duplicate, every declared edge, a cycle per two nodes. */
	ALLOC(g->prob, g->ndup + ne + n / 2 + 1);
	ALLOC(to, ne);
	ALLOC(order, ne);
	ALLOC(cnt, n + 1);
	ALLOC(g->dep_start, n + 1);
	ALLOC(g->dep, ne);
	ALLOC(g->rdep_start, n + 1);
	ALLOC(g->rdep, ne);
	ALLOC(g->layer[GRAPH_DEPLOY], n);
	ALLOC(g->layer[GRAPH_DESTROY], n);
	ALLOC(g->seq[GRAPH_DEPLOY], n);
	ALLOC(g->seq[GRAPH_DESTROY], n);
	ALLOC(g->mark, n);
	ALLOC(lscratch1, n);
	ALLOC(lscratch2, n);
	ALLOC(s1, n);
	ALLOC(s2, n);
	ALLOC(s3, n);
	ALLOC(s4, n);
	ALLOC(comp, n);
	ALLOC(csize, n);
	ALLOC(path, n + 1);
	ALLOC(on, n);
	memset(g->mark, 0, n * sizeof(*g->mark));
	g->epoch = 0;

	for (size_t i = 0; i < g->ndup; i++) {
		if ((msg = arena_printf(g->a, "Duplicate stack '%s'", g->dup[i])) == NULL)
			goto nomem;
		problem(g, GP_DUPLICATE_NODE, g->dup[i], NULL, msg);
	}

	/* Declared edges grouped by node, in the order declared (a stable counting sort). */
	memset(cnt, 0, (n + 1) * sizeof(*cnt));
	for (size_t k = 0; k < ne; k++) {
		to[k] = graph_find(g, g->e[k].to);
		cnt[g->e[k].from + 1]++;
	}
	for (size_t i = 0; i < n; i++)
		cnt[i + 1] += cnt[i];
	for (size_t k = 0; k < ne; k++)
		order[cnt[g->e[k].from]++] = k;

	/* Each node's dependencies: the problems, and the edges kept. s1 marks seen deps. */
	for (size_t i = 0; i < n; i++)
		s1[i] = SIZE_MAX;
	for (size_t i = 0, k0 = 0; i < n; i++) {
		g->dep_start[i] = ndep;
		for (; k0 < ne && g->e[order[k0]].from == i; k0++) {
			const struct edge *e = &g->e[order[k0]];
			long t = to[order[k0]];
			enum graph_problem_kind kind;

			if (t == (long)i) {
				kind = GP_SELF;
				msg = arena_printf(g->a, "Stack '%s' depends on itself",
				                   g->name[i]);
			} else if (t < 0) {
				kind = GP_UNKNOWN;
				msg = arena_printf(g->a, "Stack '%s' depends on unknown stack '%s'",
				                   g->name[i], e->to);
			} else if (s1[t] == i) {
				kind = GP_DUPLICATE_DEP;
				msg = arena_printf(
				        g->a, "Stack '%s' lists dependency '%s' more than once",
				        g->name[i], e->to);
			} else {
				s1[t] = i;
				g->dep[ndep++] = (size_t)t;
				if (!g->enabled[i] || g->enabled[t])
					continue;
				kind = GP_DISABLED;
				msg = arena_printf(g->a,
				                   "Stack '%s' depends on disabled stack '%s'",
				                   g->name[i], e->to);
			}
			if (msg == NULL)
				goto nomem;
			problem(g, kind, g->name[i], t >= 0 ? g->name[t] : e->to, msg);
		}
	}
	g->dep_start[n] = ndep;

	/* Dependents: for each node, the nodes depending on it, in node order. */
	memset(cnt, 0, (n + 1) * sizeof(*cnt));
	for (size_t j = 0; j < ndep; j++)
		cnt[g->dep[j] + 1]++;
	for (size_t i = 0; i < n; i++)
		cnt[i + 1] += cnt[i];
	memcpy(g->rdep_start, cnt, (n + 1) * sizeof(*cnt));
	for (size_t i = 0; i < n; i++)
		for (size_t j = g->dep_start[i]; j < g->dep_start[i + 1]; j++)
			g->rdep[cnt[g->dep[j]]++] = i;

	/* Layers both ways, and the sequences the closures are ordered by. */
	{
		size_t nl;

		nl = kahn(n, g->dep_start, g->rdep_start, g->rdep, g->layer[GRAPH_DEPLOY], s1, s2);
		sequence(n, g->layer[GRAPH_DEPLOY], nl, g->seq[GRAPH_DEPLOY]);
		nl = kahn(n, g->rdep_start, g->dep_start, g->dep, g->layer[GRAPH_DESTROY], s1, s2);
		sequence(n, g->layer[GRAPH_DESTROY], nl, g->seq[GRAPH_DESTROY]);
	}

	/* Cycles: one per component of two or more, from its first node. */
	tarjan(g, n, comp, csize, lscratch1, lscratch2, s1, s2, s3, on);
	for (size_t i = 0; i < n; i++)
		on[i] = false; /* now: component already reported */
	for (size_t i = 0; i < n; i++) {
		struct graph_problem *p;
		size_t len, *copy;

		if (csize[comp[i]] < 2 || on[comp[i]])
			continue;
		on[comp[i]] = true;
		if ((len = cycle_path(g, n, i, comp, lscratch1, s4, path)) == 0)
			continue;
		ALLOC(copy, len);
		memcpy(copy, path, len * sizeof(*copy));
		if ((msg = cycle_message(g, path, len)) == NULL)
			goto nomem;
		p = problem(g, GP_CYCLE, g->name[i], NULL, msg);
		p->cycle = copy;
		p->ncycle = len;
	}
	g->checked = true;
	return GRAPH_OK;
nomem:
	g->nprob = g->nerr = 0;
	return fail(g, GRAPH_ENOMEM, "out of memory");
}

/* ------------------------------------------------------------------ queries */

const struct graph_problem *graph_problems(const struct graph *g, size_t *n)
{
	*n = g->checked ? g->nprob : 0;
	return g->prob;
}

size_t graph_nerrors(const struct graph *g)
{
	return g->checked ? g->nerr : 0;
}

size_t graph_count(const struct graph *g)
{
	return g->n;
}

const char *graph_name(const struct graph *g, size_t i)
{
	return i < g->n ? g->name[i] : NULL;
}

bool graph_is_enabled(const struct graph *g, size_t i)
{
	return i < g->n && g->enabled[i];
}

const bool *graph_enabled(const struct graph *g)
{
	return g->enabled;
}

long graph_find(const struct graph *g, const char *name)
{
	size_t slot = lookup(g, name);

	return g->slot[slot] == 0 ? -1 : (long)g->slot[slot] - 1;
}

size_t graph_deps(const struct graph *g, size_t i, const size_t **out)
{
	*out = NULL;
	if (!g->checked || i >= g->n)
		return 0;
	*out = g->dep + g->dep_start[i];
	return g->dep_start[i + 1] - g->dep_start[i];
}

size_t graph_rdeps(const struct graph *g, size_t i, const size_t **out)
{
	*out = NULL;
	if (!g->checked || i >= g->n)
		return 0;
	*out = g->rdep + g->rdep_start[i];
	return g->rdep_start[i + 1] - g->rdep_start[i];
}

bool graph_depends_on(const struct graph *g, size_t a, size_t b)
{
	const size_t *d;
	size_t nd = graph_deps(g, a, &d);

	for (size_t j = 0; j < nd; j++)
		if (d[j] == b)
			return true;
	return false;
}

/*
 * Everything reachable from i along succ (i excluded), ordered by seq.
 * `out` is the search's queue, then the answer. g->mark is scratch: the
 * pointer is const in a const graph, what it points to is not.
 */
static size_t closure(const struct graph *g, size_t i, const size_t *succ_start, const size_t *succ,
                      const size_t *seq, size_t *out)
{
	unsigned ep;
	size_t head = 0, tail = 0, c = 0;
	struct graph *mg = (struct graph *)g; /* the epoch only: see above */

	if (!g->checked || i >= g->n)
		return 0;
	if (++mg->epoch == 0) {
		memset(g->mark, 0, g->n * sizeof(*g->mark));
		mg->epoch = 1;
	}
	ep = g->epoch;
	g->mark[i] = ep;
	out[tail++] = i;
	while (head < tail) {
		size_t u = out[head++];

		for (size_t j = succ_start[u]; j < succ_start[u + 1]; j++)
			if (g->mark[succ[j]] != ep) {
				g->mark[succ[j]] = ep;
				out[tail++] = succ[j];
			}
	}
	for (size_t k = 0; k < g->n; k++)
		if (seq[k] != i && g->mark[seq[k]] == ep)
			out[c++] = seq[k];
	return c;
}

size_t graph_dependents(const struct graph *g, size_t i, size_t *out)
{
	return closure(g, i, g->rdep_start, g->rdep, g->seq[GRAPH_DESTROY], out);
}

size_t graph_dependencies(const struct graph *g, size_t i, size_t *out)
{
	return closure(g, i, g->dep_start, g->dep, g->seq[GRAPH_DEPLOY], out);
}

enum graph_status graph_layers(struct graph *g, enum graph_direction dir, const bool *only,
                               struct graph_layers *out)
{
	size_t *node, *start, pos = 0, nl = 0;
	long cur = -1;

	memset(out, 0, sizeof(*out));
	if (!g->checked || (unsigned)dir > GRAPH_DESTROY)
		return fail(g, GRAPH_ESTATE, "the graph was not checked");
	if ((node = grow(g->a, NULL, 0, g->n > 0 ? g->n : 1, sizeof(*node))) == NULL ||
	    (start = grow(g->a, NULL, 0, g->n + 1, sizeof(*start))) == NULL)
		return fail(g, GRAPH_ENOMEM, "out of memory");
	for (size_t k = 0; k < g->n; k++) {
		size_t i = g->seq[dir][k];
		long l = g->layer[dir][i];

		if (only != NULL && !only[i])
			continue;
		if (l < 0) {
			out->blocked++;
			continue;
		}
		if (l != cur) {
			start[nl++] = pos;
			cur = l;
		}
		node[pos++] = i;
	}
	start[nl] = pos;
	out->n = nl;
	out->start = start;
	out->node = node;
	return out->blocked > 0 ? GRAPH_ECYCLE : GRAPH_OK;
}

long graph_layer_of(const struct graph *g, size_t i, enum graph_direction dir)
{
	if (!g->checked || i >= g->n || (unsigned)dir > GRAPH_DESTROY)
		return -1;
	return g->layer[dir][i];
}
