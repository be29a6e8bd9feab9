/* reconcile.c: stratus-reconcile: leases due tasks, runs their steps, records the outcomes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <sodium.h>

#include "db/builds.h"
#include "db/db.h"
#include "db/runs.h"
#include "lib/engine.h"
#include "jobs/exec_airflow.h"
#include "jobs/exec_terraform.h"
#include "jobs/executors.h"
#include "jobs/webhook.h"
#include "lib/httpc.h"
#include "lib/netcheck.h"
#include "lib/config.h"
#include "lib/log.h"
#include "lib/util.h"

/*
 * One process, one database connection, one thread. Each leased task runs
 * in a forked child that leads its own process group (the step, and the
 * Terraform it starts), so that a cancel or a timeout can end the whole
 * group with one killpg. The parent reads the children's stdout and stderr
 * line by line into run_events (secrets masked), extends their leases, and
 * records each outcome. At-least-once: a reconciler that dies leaves leases
 * that expire, and the next pass runs those attempts again.
 */

#define MAX_JOBS      64
#define LINE_MAX_     4000
#define KILL_GRACE_US (5 * 1000000LL)
#define MAX_SECRETS   64

/* A step's exit status besides 0 (done) and 1 (failed, may be retried). */
#define EXIT_FINAL 2  /* failed for good: no further attempt */
#define EXIT_WAIT  75 /* not finished elsewhere (EX_TEMPFAIL): look again later */

/* SIGTERM / SIGINT: finish the tasks in hand, lease no more, exit. */
static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* ------------------------------------------------------------------ options and state */

struct opts {
	bool loop;
	long interval_s;
	size_t jobs;
};

struct stream {
	int fd;
	char buf[LINE_MAX_ + 1];
	size_t len;
	const char *name; /* "stdout", "stderr", or NULL for the result pipe */
};

/* A task in hand. */
struct slot {
	bool used;
	struct leased l;
	pid_t pid;
	bool exited;
	int status;
	struct stream out, err;
	int res_fd;
	char *result; /* what the child wrote on its result pipe */
	size_t result_len, result_cap;
	char last_err[512]; /* the last stderr line, for the error when it fails */
	int64_t deadline_us, next_extend_us, kill_us;
	bool lost, timed_out, termed;
};

struct reconciler {
	struct config cfg;
	struct db *db;
	struct opts o;
	char owner[128];
	char host[256];
	struct tf_ctx tf;
	struct af_ctx af;
	struct exec_env ex; /* the executors' view of tf and af */
	char **env;         /* the clean environment of Terraform */
	size_t nenv;
	char *secrets[MAX_SECRETS]; /* values masked in everything recorded */
	size_t nsecrets;
	struct slot slots[MAX_JOBS];
	size_t running;
	int64_t tasks_run;
	bool db_down;
};

/* ------------------------------------------------------------------ the clean environment */

static void add_env(struct reconciler *R, const char *name, const char *value)
{
	char **ne = realloc(R->env, (R->nenv + 2) * sizeof(*ne));
	char *kv;

	if (ne == NULL)
		return;
	R->env = ne;
	if (asprintf(&kv, "%s=%s", name, value) < 0)
		return;
	R->env[R->nenv++] = kv;
	R->env[R->nenv] = NULL;
}

/* Adds a value to mask in everything recorded (short ones would mask too much). */
static void add_secret(struct reconciler *R, const char *value)
{
	if (value != NULL && strlen(value) >= 4 && R->nsecrets < MAX_SECRETS &&
	    (R->secrets[R->nsecrets] = strdup(value)) != NULL)
		R->nsecrets++;
}

/* Cloud credentials from the configuration; the sensitive ones are masked in logs. */
static void add_credential(const char *name, const char *value, void *ud)
{
	struct reconciler *R = ud;
	static const char *const sensitive[] = { "KEY",        "SECRET",      "TOKEN", "PASSWORD",
		                                 "PASSPHRASE", "FINGERPRINT", NULL };

	add_env(R, name, value);
	for (size_t i = 0; sensitive[i] != NULL; i++)
		if (strstr(name, sensitive[i]) != NULL) {
			add_secret(R, value);
			break;
		}
}

static void build_env(struct reconciler *R)
{
	add_env(R, "PATH", "/usr/local/bin:/usr/bin:/bin");
	add_env(R, "HOME", R->cfg.workdir);
	add_env(R, "LANG", "C.UTF-8");
	add_env(R, "TF_IN_AUTOMATION", "1");
	add_env(R, "TF_INPUT", "0");
	config_each("AWS_", add_credential, R);
	config_each("OCI_", add_credential, R);
	/* So are the database password and Airflow's, should a step ever print them. */
	add_secret(R, R->cfg.db.password);
	add_secret(R, R->cfg.airflow_password);
	add_secret(R, R->cfg.airflow_token);
	add_secret(R, R->cfg.webhook_secret);
}

/* Replaces every configured secret in `s` (in place) with ****. */
static void mask(const struct reconciler *R, char *s)
{
	for (size_t i = 0; i < R->nsecrets; i++) {
		size_t n = strlen(R->secrets[i]);
		char *p;

		while ((p = strstr(s, R->secrets[i])) != NULL) {
			memcpy(p, "****", 4);
			memmove(p + 4, p + n, strlen(p + n) + 1);
		}
	}
}

/* ------------------------------------------------------------------ database calls */

static void event(struct reconciler *R, const struct leased *l, enum run_event_level lv,
                  const char *stream, const char *msg)
{
	char clean[LINE_MAX_ + 1];

	snprintf(clean, sizeof(clean), "%s", msg);
	mask(R, clean);
	if (db_event_add(R->db, l->run_id, l->task_id, l->attempt, lv, stream, clean) != DB_OK)
		log_msg(LOG_WARNING, l->run_uuid, "could not record a log line: %s",
		        db_last_error(R->db));
}

/*
 * Records an outcome, trying again while the database is away (up to a
 * minute): the lease would expire and the attempt run again anyway, so
 * nothing is lost when this gives up, only repeated.
 */
static void finish(struct reconciler *R, int64_t run_id, int64_t task_id, const char *owner,
                   int64_t attempt, const struct task_result *res, const char *label)
{
	for (int tries = 0; tries < 60; tries++) {
		enum db_rc rc = db_task_finish(R->db, run_id, task_id, owner, attempt, res);

		if (rc == DB_OK)
			return;
		if (rc == DB_NOT_FOUND) {
			log_msg(LOG_WARNING, label, "task %lld attempt %lld: no longer ours",
			        (long long)task_id, (long long)attempt);
			return;
		}
		log_msg(LOG_WARNING, label, "recording task %lld: %s; trying again",
		        (long long)task_id, db_last_error(R->db));
		sleep(1);
	}
	log_msg(LOG_ERROR, label, "gave up recording task %lld: its lease will expire",
	        (long long)task_id);
}

static double rnd(void)
{
	return (double)randombytes_uniform(1000000) / 1e6;
}

/* ------------------------------------------------------------------ children */

/* In the child: run the step, write its output (or why it failed) on fd 3, exit 0 or 1. */
static void child(struct reconciler *R, struct slot *s, int out, int err, int res)
{
	char why[1024] = "", *output = NULL;
	const struct executor *x;
	enum exec_outcome r;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setpgid(0, 0);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0 || dup2(res, 3) < 0)
		_exit(1);
	/* Nothing else: not the database socket, not the other children's pipes. */
	close_range(4, ~0U, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	x = executor_find(s->l.executor);
	r = x == NULL ? EXEC_FAILED
	              : x->run(&R->ex, s->l.name, s->l.input, &output, why, sizeof(why));
	if (x == NULL)
		snprintf(why, sizeof(why), "no executor here knows this step");
	if (r == EXEC_WAIT)
		_exit(EXIT_WAIT);
	if (r == EXEC_FAILED) {
		(void)!write(3, why, strlen(why));
		_exit(EXIT_FINAL);
	}
	if (r == EXEC_DONE) {
		if (output != NULL) {
			size_t n = strlen(output), off = 0;

			while (off < n) {
				ssize_t w = write(3, output + off, n - off);

				if (w <= 0)
					_exit(1);
				off += (size_t)w;
			}
		}
		_exit(0);
	}
	/* The reason goes on the result pipe: the parent puts it before the
	 * last line Terraform wrote on stderr, which says what went wrong. */
	(void)!write(3, why, strlen(why));
	_exit(1);
}

static int start(struct reconciler *R, struct slot *s)
{
	int o[2], e[2], r[2];
	char line[256];

	if (pipe2(o, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(e, O_CLOEXEC) < 0) {
		close(o[0]);
		close(o[1]);
		return -1;
	}
	if (pipe2(r, O_CLOEXEC) < 0) {
		close(o[0]), close(o[1]), close(e[0]), close(e[1]);
		return -1;
	}
	snprintf(line, sizeof(line), "task %s started (attempt %lld of %lld) on %s", s->l.name,
	         (long long)s->l.attempt, (long long)s->l.max_attempts, R->owner);
	event(R, &s->l, EV_INFO, NULL, line);
	fflush(stdout);
	fflush(stderr);
	if ((s->pid = fork()) < 0) {
		close(o[0]), close(o[1]), close(e[0]), close(e[1]), close(r[0]), close(r[1]);
		return -1;
	}
	if (s->pid == 0)
		child(R, s, o[1], e[1], r[1]);
	/* Both sides set the group: whichever runs first, killpg works at once. */
	setpgid(s->pid, s->pid);
	close(o[1]);
	close(e[1]);
	close(r[1]);
	s->out = (struct stream){ .fd = o[0], .name = "stdout" };
	s->err = (struct stream){ .fd = e[0], .name = "stderr" };
	s->res_fd = r[0];
	s->exited = false;
	s->deadline_us = util_monotonic_us() + s->l.timeout_s * 1000000LL;
	s->next_extend_us = util_monotonic_us() + R->cfg.lease_s * 1000000LL / 3;
	return 0;
}

/* Records one complete line of a child's output. */
static void line_out(struct reconciler *R, struct slot *s, struct stream *st, char *line)
{
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = '\0';
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			*p = ' ';
	if (n == 0)
		return;
	if (st == &s->err) {
		snprintf(s->last_err, sizeof(s->last_err), "%s", line);
		mask(R, s->last_err);
	}
	event(R, &s->l, st == &s->err ? EV_WARNING : EV_INFO, st->name, line);
}

/* Reads what is there; returns false at EOF (and closes the fd). */
static bool drain(struct reconciler *R, struct slot *s, struct stream *st)
{
	ssize_t r = read(st->fd, st->buf + st->len, LINE_MAX_ - st->len);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (r <= 0) {
		if (st->len > 0) {
			st->buf[st->len] = '\0';
			line_out(R, s, st, st->buf);
			st->len = 0;
		}
		close(st->fd);
		st->fd = -1;
		return false;
	}
	st->len += (size_t)r;
	for (;;) {
		char *nl = memchr(st->buf, '\n', st->len);
		size_t take;

		if (nl == NULL) {
			if (st->len < LINE_MAX_)
				break;
			take = st->len; /* a line longer than we keep: cut it */
		} else {
			take = (size_t)(nl - st->buf) + 1;
		}
		{
			char line[LINE_MAX_ + 1];

			memcpy(line, st->buf, take);
			line[take] = '\0';
			line_out(R, s, st, line);
		}
		memmove(st->buf, st->buf + take, st->len - take);
		st->len -= take;
	}
	return true;
}

static void read_result(struct slot *s)
{
	char buf[8192];
	ssize_t r = read(s->res_fd, buf, sizeof(buf));

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) {
		close(s->res_fd);
		s->res_fd = -1;
		return;
	}
	if (s->result_len + (size_t)r + 1 > s->result_cap) {
		size_t cap = (s->result_len + (size_t)r + 1) * 2;
		char *nb = realloc(s->result, cap);

		if (nb == NULL)
			return;
		s->result = nb;
		s->result_cap = cap;
	}
	memcpy(s->result + s->result_len, buf, (size_t)r);
	s->result_len += (size_t)r;
	s->result[s->result_len] = '\0';
}

/* The child and every pipe are done: record the outcome and free the slot. */
static void complete(struct reconciler *R, struct slot *s)
{
	struct task_result res = { .rnd = rnd() };
	char why[800];

	if (s->lost) {
		event(R, &s->l, EV_WARNING, NULL,
		      "the step was stopped: the task was canceled or its lease lost");
	} else if (WIFEXITED(s->status) && WEXITSTATUS(s->status) == EXIT_WAIT && !s->timed_out) {
		res.defer_s = R->cfg.airflow_poll_s;
		finish(R, s->l.run_id, s->l.task_id, R->owner, s->l.attempt, &res, s->l.run_uuid);
	} else if (WIFEXITED(s->status) && WEXITSTATUS(s->status) == 0 && !s->timed_out) {
		struct json_object *o = s->result ? json_tokener_parse(s->result) : NULL;

		res.ok = true;
		res.output =
		        o != NULL && json_object_is_type(o, json_type_object) ? s->result : NULL;
		json_object_put(o);
		finish(R, s->l.run_id, s->l.task_id, R->owner, s->l.attempt, &res, s->l.run_uuid);
	} else {
		if (s->timed_out) {
			snprintf(why, sizeof(why), "timed out after %llds",
			         (long long)s->l.timeout_s);
		} else if (s->result != NULL && s->result[0]) {
			mask(R, s->result);
			event(R, &s->l, EV_ERROR, NULL, s->result);
			snprintf(why, sizeof(why), "%.250s%s%s", s->result,
			         s->last_err[0] ? ": " : "", s->last_err);
		} else if (s->last_err[0])
			snprintf(why, sizeof(why), "%s", s->last_err);
		else if (WIFSIGNALED(s->status))
			snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(s->status));
		else
			snprintf(why, sizeof(why), "exited with status %d", WEXITSTATUS(s->status));
		res.error = why;
		res.final = WIFEXITED(s->status) && WEXITSTATUS(s->status) == EXIT_FINAL;
		finish(R, s->l.run_id, s->l.task_id, R->owner, s->l.attempt, &res, s->l.run_uuid);
	}
	R->tasks_run++;
	leased_clear(&s->l);
	free(s->result);
	memset(s, 0, sizeof(*s));
	R->running--;
}

/* Stops a child's whole group: SIGTERM now, SIGKILL after the grace. */
static void terminate(struct slot *s, int64_t now)
{
	if (!s->termed) {
		killpg(s->pid, SIGTERM);
		s->termed = true;
		s->kill_us = now + KILL_GRACE_US;
	} else if (now >= s->kill_us) {
		killpg(s->pid, SIGKILL);
		s->kill_us = now + KILL_GRACE_US;
	}
}

/* Waits up to timeout_ms for output from any child, then does what is due. */
static void tend(struct reconciler *R, int timeout_ms)
{
	struct pollfd pfd[MAX_JOBS * 3];
	struct {
		struct slot *s;
		int which; /* 0 out, 1 err, 2 result */
	} who[MAX_JOBS * 3];
	size_t n = 0;
	int64_t now;

	for (size_t i = 0; i < R->o.jobs; i++) {
		struct slot *s = &R->slots[i];
		int fds[3];

		if (!s->used)
			continue;
		fds[0] = s->out.fd, fds[1] = s->err.fd, fds[2] = s->res_fd;
		for (int k = 0; k < 3; k++)
			if (fds[k] >= 0) {
				pfd[n] = (struct pollfd){ .fd = fds[k], .events = POLLIN };
				who[n].s = s;
				who[n].which = k;
				n++;
			}
	}
	if (poll(pfd, n, timeout_ms) > 0)
		for (size_t i = 0; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (who[i].which == 0)
				drain(R, who[i].s, &who[i].s->out);
			else if (who[i].which == 1)
				drain(R, who[i].s, &who[i].s->err);
			else
				read_result(who[i].s);
		}
	now = util_monotonic_us();
	for (size_t i = 0; i < R->o.jobs; i++) {
		struct slot *s = &R->slots[i];

		if (!s->used)
			continue;
		if (!s->exited && waitpid(s->pid, &s->status, WNOHANG) == s->pid)
			s->exited = true;
		if (s->exited) {
			/* The group may live on (a step's own children): end it. */
			if (s->out.fd < 0 && s->err.fd < 0 && s->res_fd < 0)
				complete(R, s);
			else if (now > s->deadline_us)
				killpg(s->pid, SIGKILL);
			continue;
		}
		if (now >= s->next_extend_us && !s->lost) {
			enum db_rc rc = db_task_extend(R->db, s->l.task_id, R->owner, s->l.attempt,
			                               R->cfg.lease_s);

			s->next_extend_us = now + R->cfg.lease_s * 1000000LL / 3;
			if (rc == DB_NOT_FOUND) {
				log_msg(LOG_WARNING, s->l.run_uuid,
				        "task %s: canceled or lease lost; stopping the step",
				        s->l.name);
				s->lost = true;
			} else if (rc != DB_OK) {
				log_msg(LOG_WARNING, s->l.run_uuid, "lease extension failed: %s",
				        db_last_error(R->db));
				s->next_extend_us = now + 1000000;
			}
		}
		if (!s->timed_out && now > s->deadline_us) {
			s->timed_out = true;
			event(R, &s->l, EV_ERROR, NULL,
			      "the step ran past its time limit: stopping it");
		}
		if (s->lost || s->timed_out)
			terminate(s, now);
	}
}

/* ------------------------------------------------------------------ webhooks */

/* The body of a completion webhook: what GET /status says, in short. New object. */
static struct json_object *webhook_payload(const struct webhook_due *w, const struct run *r)
{
	struct json_object *o = json_object_new_object(), *inst = NULL;

	if (r->output != NULL && r->status == JR_SUCCEEDED)
		json_object_object_get_ex(r->output, "instances", &inst);
	json_object_object_add(o, "event", json_object_new_string("run.finished"));
	json_object_object_add(o, "delivery_id", json_object_new_int64(w->id));
	json_object_object_add(o, "request_id", json_object_new_string(r->uuid));
	json_object_object_add(o, "kind", json_object_new_string(r->kind));
	json_object_object_add(o, "status", json_object_new_string(jobs_public_status(r->status)));
	json_object_object_add(o, "run_status",
	                       json_object_new_string(jobs_run_status_name(r->status)));
	json_object_object_add(o, "message",
	                       r->message[0] ? json_object_new_string(r->message) : NULL);
	json_object_object_add(o, "instances", inst ? json_object_get(inst) : NULL);
	json_object_object_add(o, "finished_at",
	                       r->finished_at[0] ? json_object_new_string(r->finished_at) : NULL);
	return o;
}

/*
 * Sends one webhook: POST with the signature header; 2xx is delivered,
 * anything else a failed attempt retried with backoff until
 * STRATUS_WEBHOOK_ATTEMPTS. The URL is checked again first (DNS and the
 * allow list may have changed since POST /provision checked it) and the
 * connection goes only to the addresses checked now; a URL that may no
 * longer be called is refused for good and never sent. The outcome goes
 * to the run's log. The run itself is never touched: it finished already.
 */
static void deliver(struct reconciler *R, const struct webhook_due *w)
{
	struct leased l = { .task_id = 0, .run_id = w->run_id, .attempt = 0 };
	struct httpc_response res = { 0 };
	struct json_object *body = NULL;
	struct netcheck_target t;
	char sig[160], hsig[200], hid[64], why[512] = "", line[700];
	const char *headers[6], *text;
	bool ok = false, final, refused = false;
	enum netcheck_rc nc;
	int64_t ms = 0;
	struct run r;

	snprintf(l.run_uuid, sizeof(l.run_uuid), "%s", w->run_uuid);
	if (db_run_get(R->db, w->run_uuid, NULL, &r) != DB_OK) {
		log_msg(LOG_WARNING, w->run_uuid, "webhook %lld: the run could not be read: %s",
		        (long long)w->id, db_last_error(R->db));
		return; /* its lease runs out and it is tried again */
	}
	body = webhook_payload(w, &r);
	run_clear(&r);
	text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
	webhook_signature(R->cfg.webhook_secret, (int64_t)time(NULL), text, strlen(text), sig,
	                  sizeof(sig));
	snprintf(hsig, sizeof(hsig), "%s: %s", WEBHOOK_SIGNATURE_HEADER, sig);
	snprintf(hid, sizeof(hid), "X-Stratus-Delivery: %lld", (long long)w->id);
	headers[0] = "Content-Type: application/json";
	headers[1] = "User-Agent: stratus-webhook/" PACKAGE_VERSION;
	headers[2] = "X-Stratus-Event: run.finished";
	headers[3] = hid;
	headers[4] = hsig;
	headers[5] = NULL;
	nc = netcheck_url(w->url, R->cfg.webhook_allow, &t, why, sizeof(why));
	if (nc == NETCHECK_BAD_URL || nc == NETCHECK_FORBIDDEN) {
		refused = true; /* no later attempt can do better: not sent, failed now */
	} else if (nc == NETCHECK_OK &&
	           httpc_request_pinned("POST", &t, headers, text, strlen(text), 10000, 64 * 1024,
	                                &res, why, sizeof(why)) == 0) {
		ok = res.status >= 200 && res.status < 300;
		if (!ok)
			snprintf(why, sizeof(why), "the receiver answered HTTP %ld", res.status);
	}
	free(res.body);
	json_object_put(body);
	final = refused || (!ok && w->attempt >= R->cfg.webhook_attempts);
	if (!ok && !final)
		ms = jobs_retry_delay_ms(R->cfg.retry_delay_s, w->attempt, true, 0.1, rnd());
	if (db_webhook_done(R->db, w->id, w->attempt, ok, final, res.status, why, ms) != DB_OK)
		log_msg(LOG_WARNING, w->run_uuid, "webhook %lld: could not record the outcome: %s",
		        (long long)w->id, db_last_error(R->db));
	if (ok)
		snprintf(line, sizeof(line), "webhook delivered to %.300s (HTTP %ld, attempt %lld)",
		         w->url, res.status, (long long)w->attempt);
	else if (refused)
		snprintf(line, sizeof(line), "webhook to %.300s refused, not sent: the URL %.300s",
		         w->url, why);
	else if (final)
		snprintf(line, sizeof(line), "webhook to %.300s failed after %lld attempts: %.300s",
		         w->url, (long long)w->attempt, why);
	else
		snprintf(
		        line, sizeof(line),
		        "webhook to %.300s failed (attempt %lld of %ld), retrying in %llds: %.300s",
		        w->url, (long long)w->attempt, R->cfg.webhook_attempts,
		        (long long)((ms + 999) / 1000), why);
	event(R, &l, ok ? EV_INFO : final ? EV_ERROR : EV_WARNING, NULL, line);
}

/* Sends the completion webhooks that are due (only with a secret to sign them). */
static void deliver_webhooks(struct reconciler *R)
{
	struct webhook_due *due;
	size_t n = 0;

	if (R->cfg.webhook_secret == NULL || stop || (due = calloc(16, sizeof(*due))) == NULL)
		return;
	if (db_webhooks_lease(R->db, 60, 16, due, &n) != DB_OK)
		log_msg(LOG_WARNING, NULL, "leasing webhooks: %s", db_last_error(R->db));
	for (size_t i = 0; i < n; i++)
		deliver(R, &due[i]);
	free(due);
}

/* ------------------------------------------------------------------ a pass */

/* Attempts whose reconciler vanished: ready again (or failed, attempts spent). */
static void recover(struct reconciler *R)
{
	struct expired ex[32];
	size_t n = 0;

	if (db_tasks_expired(R->db, 32, ex, &n) != DB_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		struct task_result res = {
			.ok = false,
			.error = "the reconciler running it stopped (lease expired)",
			.retry_now = true,
			.rnd = rnd()
		};
		char label[32];

		snprintf(label, sizeof(label), "task-%lld", (long long)ex[i].task_id);
		log_msg(LOG_WARNING, NULL, "task %lld: lease expired, recovering",
		        (long long)ex[i].task_id);
		finish(R, ex[i].run_id, ex[i].task_id, NULL, ex[i].attempt, &res, label);
	}
}

/*
 * The executors this reconciler leases tasks of: the configured rows of the
 * table (db_tasks_lease takes two names; one is named twice when alone).
 */
static void lease_names(const struct reconciler *R, const char *names[2])
{
	size_t k = 0;

	names[0] = names[1] = NULL;
	for (size_t i = 0; i < executors_n && k < 2; i++)
		if (executors[i].available(&R->ex))
			names[k++] = executors[i].name;
	if (names[1] == NULL)
		names[1] = names[0];
}

/* Whether this reconciler can run a leased task: its executor is configured here and knows the
 * step. */
static bool step_known(const struct reconciler *R, const struct leased *l)
{
	const struct executor *x = executor_find(l->executor);

	return x != NULL && x->available(&R->ex) && x->validate(l->name);
}

/* Leases what fits in the free slots and starts it. Returns the number leased, -1 on error. */
static int lease_more(struct reconciler *R)
{
	struct leased got[MAX_JOBS];
	size_t free_slots = R->o.jobs - R->running, n = 0;
	const char *names[2];
	enum db_rc rc;

	if (free_slots == 0 || stop)
		return 0;
	/* Only what this reconciler can carry out: Airflow's tasks when it is configured. */
	lease_names(R, names);
	rc = db_tasks_lease(R->db, R->owner, names, R->cfg.lease_s, free_slots, got, &n);
	if (rc != DB_OK) {
		log_msg(LOG_ERROR, NULL, "leasing tasks: %s", db_last_error(R->db));
		R->db_down = rc == DB_UNAVAILABLE;
	}
	for (size_t i = 0; i < n; i++) {
		struct slot *s = NULL;

		for (size_t k = 0; k < R->o.jobs && s == NULL; k++)
			if (!R->slots[k].used)
				s = &R->slots[k];
		memset(s, 0, sizeof(*s));
		s->used = true;
		s->l = got[i];
		s->out.fd = s->err.fd = s->res_fd = -1;
		R->running++;
		const char *why = s->l.input == NULL      ? "the run's input is unreadable"
		                  : !step_known(R, &s->l) ? "no executor here knows this step"
		                                          : NULL;

		if (why != NULL || start(R, s) < 0) {
			struct task_result res = { .ok = false, .rnd = rnd() };

			res.error = why ? why : "could not start the step";
			finish(R, s->l.run_id, s->l.task_id, R->owner, s->l.attempt, &res,
			       s->l.run_uuid);
			leased_clear(&s->l);
			memset(s, 0, sizeof(*s));
			R->running--;
		}
	}
	return rc == DB_OK ? (int)n : -1;
}

/*
 * One pass: recover expired leases, then lease and run due tasks until
 * none is due and none is running (tasks that become ready during the pass
 * run in it too). Returns 0, or -1 when the database failed.
 */
static int pass(struct reconciler *R)
{
	int64_t ran = R->tasks_run;
	bool failed = false;

	R->db_down = false;
	recover(R);
	for (;;) {
		int leased = lease_more(R);

		if (leased < 0)
			failed = true;
		if (R->running == 0 && (leased <= 0 || stop))
			break;
		tend(R, 200);
	}
	deliver_webhooks(R);
	if (db_reconciler_beat(R->db, R->owner, R->host, (int64_t)getpid(), R->tasks_run - ran) !=
	    DB_OK) {
		log_msg(LOG_WARNING, NULL, "could not record the pass: %s", db_last_error(R->db));
		failed = true;
	}
	if (db_build_hours_prune(R->db) != DB_OK) {
		log_msg(LOG_WARNING, NULL, "could not prune build_hours: %s", db_last_error(R->db));
		failed = true;
	}
	return failed ? -1 : 0;
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *f)
{
	fprintf(f, "usage: stratus-reconcile --once | --loop [--interval SECONDS] [--jobs N]\n"
	           "\n"
	           "  --once          one pass: run every due task, then exit\n"
	           "  --loop          a pass every --interval seconds (default 5) until SIGTERM,\n"
	           "                  which lets the tasks in hand finish first\n"
	           "  --jobs N        tasks run at once (default 4, at most 64)\n"
	           "\n"
	           "Configuration as for stratusctl: the environment or STRATUS_CONFIG.\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int mode = 0;

	*o = (struct opts){ .loop = false, .interval_s = 5, .jobs = 4 };
	for (int i = 1; i < argc; i++) {
		int64_t v;

		if (strcmp(argv[i], "--once") == 0) {
			mode |= 1;
		} else if (strcmp(argv[i], "--loop") == 0) {
			mode |= 2;
			o->loop = true;
		} else if (strcmp(argv[i], "--interval") == 0 && i + 1 < argc &&
		           util_parse_int64(argv[i + 1], 1, 3600, &v) == 0) {
			o->interval_s = (long)v;
			i++;
		} else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc &&
		           util_parse_int64(argv[i + 1], 1, MAX_JOBS, &v) == 0) {
			o->jobs = (size_t)v;
			i++;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			exit(0);
		} else {
			return -1;
		}
	}
	return mode == 1 || mode == 2 ? 0 : -1;
}

static void cleanup(struct reconciler *R)
{
	for (size_t i = 0; i < R->nenv; i++)
		free(R->env[i]);
	free(R->env);
	for (size_t i = 0; i < R->nsecrets; i++)
		free(R->secrets[i]);
	db_free(R->db);
	config_free(&R->cfg);
	curl_global_cleanup();
}

int main(int argc, char **argv)
{
	static struct reconciler R;
	struct sigaction sa;
	char err[512];
	int rc = 0;

	if (parse_opts(argc, argv, &R.o) < 0) {
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "stratus-reconcile: libsodium or libcurl failed to initialise\n");
		return 1;
	}
	if (config_load(&R.cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "stratus-reconcile: configuration error: %s\n", err);
		return 1;
	}
	log_init(R.cfg.log_level, "stratus-reconcile");
	if (gethostname(R.host, sizeof(R.host) - 1) < 0)
		snprintf(R.host, sizeof(R.host), "localhost");
	snprintf(R.owner, sizeof(R.owner), "%.100s:%ld", R.host, (long)getpid());
	build_env(&R);
	R.tf = (struct tf_ctx){ R.cfg.workdir, R.cfg.terraform_bin, R.cfg.modules_dir, R.env };
	R.af = (struct af_ctx){ R.cfg.airflow_url,   R.cfg.airflow_dag,
		                R.cfg.airflow_user,  R.cfg.airflow_password,
		                R.cfg.airflow_token, R.cfg.airflow_timeout_ms };
	R.ex = (struct exec_env){ &R.tf, &R.af };
	if ((R.db = db_new(&R.cfg.db, false)) == NULL || db_connect(R.db) != DB_OK) {
		fprintf(stderr, "stratus-reconcile: the database is unreachable: %s\n",
		        R.db ? db_last_error(R.db) : "out of memory");
		cleanup(&R);
		return 3;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	do {
		if (pass(&R) < 0) {
			rc = 1;
			if (R.db_down)
				fprintf(stderr,
				        "stratus-reconcile: the database is unreachable: %s\n",
				        db_last_error(R.db));
		} else {
			rc = 0;
		}
		for (long s = 0; R.o.loop && !stop && s < R.o.interval_s * 10; s++) {
			struct timespec ts = { 0, 100 * 1000000L };

			nanosleep(&ts, NULL);
		}
	} while (R.o.loop && !stop);
	cleanup(&R);
	return rc;
}
