/* engine.c: the run engine's rules: statuses, task readiness, retries, run completion. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/engine.h"

static const char *const run_names[JR__MAX] = {
	"queued",    /* JR_QUEUED */
	"running",   /* JR_RUNNING */
	"succeeded", /* JR_SUCCEEDED */
	"failed",    /* JR_FAILED */
	"canceled",  /* JR_CANCELED */
};

static const char *const task_names[JT__MAX] = {
	"pending",   /* JT_PENDING */
	"ready",     /* JT_READY */
	"running",   /* JT_RUNNING */
	"retrying",  /* JT_RETRYING */
	"succeeded", /* JT_SUCCEEDED */
	"failed",    /* JT_FAILED */
	"canceled",  /* JT_CANCELED */
};

static const char *const public_names[JR__MAX] = {
	"in_progress", /* JR_QUEUED */
	"in_progress", /* JR_RUNNING */
	"completed",   /* JR_SUCCEEDED */
	"failed",      /* JR_FAILED */
	"canceled",    /* JR_CANCELED */
};

const char *jobs_run_status_name(enum jobs_run_status s)
{
	return (unsigned)s < JR__MAX ? run_names[s] : NULL;
}

const char *jobs_task_status_name(enum jobs_task_status s)
{
	return (unsigned)s < JT__MAX ? task_names[s] : NULL;
}

int jobs_run_status_parse(const char *s, enum jobs_run_status *out)
{
	for (int i = 0; i < JR__MAX; i++)
		if (strcmp(s, run_names[i]) == 0) {
			*out = (enum jobs_run_status)i;
			return 0;
		}
	return -1;
}

int jobs_task_status_parse(const char *s, enum jobs_task_status *out)
{
	for (int i = 0; i < JT__MAX; i++)
		if (strcmp(s, task_names[i]) == 0) {
			*out = (enum jobs_task_status)i;
			return 0;
		}
	return -1;
}

bool jobs_run_terminal(enum jobs_run_status s)
{
	return s == JR_SUCCEEDED || s == JR_FAILED || s == JR_CANCELED;
}

bool jobs_task_terminal(enum jobs_task_status s)
{
	return s == JT_SUCCEEDED || s == JT_FAILED || s == JT_CANCELED;
}

const char *jobs_public_status(enum jobs_run_status s)
{
	return (unsigned)s < JR__MAX ? public_names[s] : "in_progress";
}

int jobs_public_status_parse(const char *p, enum jobs_run_status out[2], size_t *n)
{
	*n = 0;
	for (int i = 0; i < JR__MAX; i++)
		if (strcmp(p, public_names[i]) == 0)
			out[(*n)++] = (enum jobs_run_status)i;
	return *n > 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ the graph */

/* Index of the task named name[0..len), or -1. */
static long find(const struct jobs_task *t, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) == len && memcmp(t[i].name, name, len) == 0)
			return (long)i;
	return -1;
}

/*
 * Calls fn(ctx, index) for each dependency of t[i]; an unknown name gives
 * index -1. Stops and returns fn's non-zero result.
 */
static int each_dep(const struct jobs_task *t, size_t n, size_t i,
                    int (*fn)(void *ctx, long dep, const char *name, size_t len), void *ctx)
{
	const char *p = t[i].depends_on;

	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		int r;

		if (len > 0 && (r = fn(ctx, find(t, n, p, len), p, len)) != 0)
			return r;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

struct check_ctx {
	const struct jobs_task *t;
	size_t n;
	unsigned char *color; /* 0 new, 1 on the path, 2 done */
	char *why;
	size_t whylen;
	size_t from;
};

static int visit(struct check_ctx *c, size_t i);

static int visit_dep(void *ctx, long dep, const char *name, size_t len)
{
	struct check_ctx *c = ctx;

	if (dep < 0) {
		snprintf(c->why, c->whylen, "task %s depends on unknown task %.*s",
		         c->t[c->from].name, (int)len, name);
		return -1;
	}
	return visit(c, (size_t)dep);
}

static int visit(struct check_ctx *c, size_t i)
{
	size_t saved = c->from;
	int r;

	if (c->color[i] == 2)
		return 0;
	if (c->color[i] == 1) {
		snprintf(c->why, c->whylen, "the dependencies of task %s form a cycle",
		         c->t[i].name);
		return -1;
	}
	c->color[i] = 1;
	c->from = i;
	r = each_dep(c->t, c->n, i, visit_dep, c);
	c->from = saved;
	c->color[i] = 2;
	return r;
}

#define JOBS_MAX_TASKS 256

int jobs_graph_check(const struct jobs_task *t, size_t n, char *why, size_t whylen)
{
	unsigned char color[JOBS_MAX_TASKS] = { 0 };
	struct check_ctx c = { t, n, color, why, whylen, 0 };

	if (n == 0 || n > JOBS_MAX_TASKS) {
		snprintf(why, whylen, "a run has 1 to %d tasks", JOBS_MAX_TASKS);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(t[i].name);

		if (len == 0 || len > JOBS_NAME_MAX ||
		    strspn(t[i].name, "abcdefghijklmnopqrstuvwxyz0123456789_") != len) {
			snprintf(why, whylen, "task names are 1-64 of a-z, 0-9 and _: '%.64s'",
			         t[i].name);
			return -1;
		}
		if (find(t, i, t[i].name, len) >= 0) {
			snprintf(why, whylen, "two tasks are named %s", t[i].name);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		c.from = i;
		if (visit(&c, i) < 0)
			return -1;
	}
	return 0;
}

/* The state of a task's dependencies. */
struct deps_state {
	bool all_succeeded;
	bool any_dead; /* failed or canceled */
};

struct dep_ctx {
	const struct jobs_task *t;
	struct deps_state *s;
};

static int dep_state(void *ctx, long dep, const char *name, size_t len)
{
	struct dep_ctx *c = ctx;

	(void)name;
	(void)len;
	if (dep < 0) { /* checked at creation; treat as never satisfied */
		c->s->all_succeeded = false;
		return 0;
	}
	if (c->t[dep].status != JT_SUCCEEDED)
		c->s->all_succeeded = false;
	if (c->t[dep].status == JT_FAILED || c->t[dep].status == JT_CANCELED)
		c->s->any_dead = true;
	return 0;
}

static struct deps_state deps_of(const struct jobs_task *t, size_t n, size_t i)
{
	struct deps_state s = { true, false };
	struct dep_ctx c = { t, &s };

	each_dep(t, n, i, dep_state, &c);
	return s;
}

size_t jobs_settle(struct jobs_task *t, size_t n, enum jobs_run_status *run)
{
	size_t changed = 0;
	bool moved = true, all_terminal = true, any_failed = false, any_canceled = false;
	bool any_started = false;

	/* Cancellation travels down chains: repeat until nothing moves (n rounds at most). */
	for (size_t round = 0; moved && round <= n; round++) {
		moved = false;
		for (size_t i = 0; i < n; i++) {
			struct deps_state d;

			if (t[i].status != JT_PENDING && t[i].status != JT_READY)
				continue;
			d = deps_of(t, n, i);
			if (d.any_dead) {
				t[i].status = JT_CANCELED;
			} else if (t[i].status == JT_PENDING && d.all_succeeded) {
				t[i].status = JT_READY;
			} else {
				continue;
			}
			if (!t[i].changed)
				changed++;
			t[i].changed = true;
			moved = true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		all_terminal &= jobs_task_terminal(t[i].status);
		any_failed |= t[i].status == JT_FAILED;
		any_canceled |= t[i].status == JT_CANCELED;
		any_started |= t[i].status != JT_PENDING && t[i].status != JT_READY;
	}
	if (jobs_run_terminal(*run))
		return changed;
	if (all_terminal && n > 0)
		*run = any_failed ? JR_FAILED : any_canceled ? JR_CANCELED : JR_SUCCEEDED;
	else if (any_started)
		*run = JR_RUNNING;
	return changed;
}

/* ------------------------------------------------------------------ retries */

enum jobs_after_failure jobs_on_failure(int64_t attempts, int64_t max_attempts)
{
	return attempts < max_attempts ? JOBS_RETRY : JOBS_FAIL;
}

#define DAY_MS (24LL * 3600 * 1000)

int64_t jobs_retry_delay_ms(int64_t base_s, int64_t attempt, bool backoff, double jitter,
                            double rnd)
{
	int64_t ms = (base_s < 0 ? 0 : base_s > 86400 ? 86400 : base_s) * 1000;

	if (backoff)
		for (int64_t i = 1; i < attempt && ms < DAY_MS; i++)
			ms *= 2;
	if (ms > DAY_MS)
		ms = DAY_MS;
	if (jitter > 0 && rnd > 0) {
		if (jitter > 1)
			jitter = 1;
		if (rnd >= 1)
			rnd = 0.999999;
		ms += (int64_t)((double)ms * jitter * rnd);
	}
	return ms;
}

/* ------------------------------------------------------------------ actions */

struct jobs_actions jobs_run_actions(enum jobs_run_status s, const char *kind)
{
	struct jobs_actions a = { false, false, false };

	a.is_cancelable = s == JR_QUEUED || s == JR_RUNNING;
	a.is_retryable = s == JR_FAILED || s == JR_CANCELED;
	/* A provisioning run that ended may have left resources behind. */
	a.is_destroyable = kind != NULL && strcmp(kind, "provision") == 0 &&
	                   (s == JR_SUCCEEDED || s == JR_FAILED);
	return a;
}

/* ------------------------------------------------------------------ recording an attempt */

bool jobs_attempt_fenced(const struct jobs_attempt_task *t, int64_t attempt, const char *owner)
{
	if (t->status != JT_RUNNING || t->attempts != attempt)
		return false;
	if (owner == NULL)
		return t->lease_expired;
	return strcmp(t->lease_owner, owner) == 0;
}

void jobs_record_attempt(const struct jobs_attempt_task *t, int64_t attempt,
                         const struct task_result *res, struct jobs_recorded *out)
{
	memset(out, 0, sizeof(*out));
	out->status = t->status;
	if (res->defer_s > 0) {
		out->what = JOBS_REC_DEFER;
		out->status = JT_READY;
		return;
	}
	if (res->ok) {
		out->what = JOBS_REC_SUCCEEDED;
		out->status = JT_SUCCEEDED;
		out->level = EV_INFO;
		snprintf(out->line, sizeof(out->line), "task %s succeeded (attempt %lld of %lld)",
		         t->name, (long long)attempt, (long long)t->max_attempts);
		return;
	}
	out->error = res->error ? res->error : "failed";
	if (!res->final && jobs_on_failure(attempt, t->max_attempts) == JOBS_RETRY) {
		int64_t ms = res->retry_now
		                     ? 0
		                     : jobs_retry_delay_ms(t->retry_delay_s, attempt, t->backoff,
		                                           t->backoff ? 0.1 : 0, res->rnd);

		out->what = JOBS_REC_RETRY;
		out->status = JT_RETRYING;
		out->delay_ms = ms;
		out->level = EV_WARNING;
		snprintf(out->line, sizeof(out->line),
		         "task %s failed (attempt %lld of %lld), retrying in %lld.%03llds: %.2000s",
		         t->name, (long long)attempt, (long long)t->max_attempts,
		         (long long)(ms / 1000), (long long)(ms % 1000), out->error);
	} else {
		out->what = JOBS_REC_FAILED;
		out->status = JT_FAILED;
		out->level = EV_ERROR;
		snprintf(out->line, sizeof(out->line),
		         "task %s failed after %lld attempts: %.2000s", t->name, (long long)attempt,
		         out->error);
	}
	snprintf(out->message, sizeof(out->message), "%s failed after %lld attempts: %.2000s",
	         t->name, (long long)attempt, out->error);
}

/* ------------------------------------------------------------------ cancel and settle wording */

int jobs_cancel(struct jobs_task *t, size_t n, enum jobs_run_status status, const char *who,
                char *line, size_t len)
{
	if (jobs_run_terminal(status))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (jobs_task_terminal(t[i].status))
			continue;
		t[i].status = JT_CANCELED;
		t[i].changed = true;
	}
	snprintf(line, len, "canceled by %.254s", who ? who : "?");
	return 0;
}

enum run_event_level jobs_task_moved(const struct jobs_task *t, char *line, size_t len)
{
	const char *name = jobs_task_status_name(t->status);

	snprintf(line, len, "task %s is %s", t->name, name ? name : "?");
	return t->status == JT_CANCELED ? EV_WARNING : EV_INFO;
}

enum run_event_level jobs_run_moved(enum jobs_run_status s, char *line, size_t len)
{
	const char *name = jobs_run_status_name(s);

	snprintf(line, len, "run is %s", name ? name : "?");
	return s == JR_FAILED ? EV_ERROR : s == JR_CANCELED ? EV_WARNING : EV_INFO;
}

/* ------------------------------------------------------------------ destroy */

bool jobs_destroy_blocks(enum jobs_run_status d)
{
	return d == JR_QUEUED || d == JR_RUNNING || d == JR_SUCCEEDED;
}

bool jobs_destroy_allowed(enum jobs_run_status target, enum jobs_run_status last_destroy)
{
	return target < JR__MAX && jobs_run_terminal(target) && target != JR_CANCELED &&
	       !jobs_destroy_blocks(last_destroy);
}
