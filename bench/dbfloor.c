/*
 * dbfloor.c: what MariaDB alone serves for an endpoint's statements, without HTTP.
 *
 *   dbfloor CLIENTS SECONDS SQL [PARAM...] [-- SQL [PARAM...]]...
 *
 * CLIENTS threads (up to 512) each open one connection (DBFLOOR_HOST, _PORT,
 * _USER, _PASSWORD, _DATABASE) and prepare every SQL once; once all are
 * connected, each executes the statements in order (one "request": what an
 * endpoint runs for one HTTP request), reading every row as a responder
 * does, in a loop for SECONDS. A value of digits only is bound as an
 * integer (as the responders bind ids, codes, limits), any other as a
 * string. A PARAM of the form
 *   @FILE    is the next line of FILE (round robin, each client from its own offset),
 *   %A,B,C   cycles through A, B, C,
 *   #uuid    is a fresh random uuid each time,
 *   #now     is the time now, to the microsecond (a write that changes the row),
 * anything else is itself. Prints one line: "executions=N seconds=S
 * cpu_busy=F errors=E", N the requests completed (every statement of the
 * sequence once), F the share of the machine's CPU time that was busy
 * meanwhile (all processes, MariaDB included), from /proc/stat. bench/run
 * turns it into requests a second and microseconds of the machine each.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#define MAXP   16  /* parameters of one statement */
#define MAXS   8   /* statements of one request */
#define MAXV   64  /* values of a %A,B,C list */
#define MAXC   512 /* clients */
#define VALLEN 40  /* a generated value: a uuid, a time to the microsecond */

/* A parameter's values: read once at start, shared read-only by the clients. */
struct param {
	char **values; /* a list to walk (@FILE, %A,B), or NULL */
	size_t n;
	int uuid;         /* #uuid */
	int now;          /* #now */
	const char *text; /* a constant */
};

struct stmt_spec {
	const char *sql;
	struct param ps[MAXP];
	int np;
};

static struct stmt_spec specs[MAXS];
static int nspecs;
static double seconds;

/* Every client connected and prepared (or failed) before the clock starts. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready, started;

struct client {
	pthread_t th;
	int id;
	long n, errors;
	int failed;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Busy and total jiffies of the whole machine. */
static void cpu(unsigned long long *busy, unsigned long long *total)
{
	unsigned long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");

	*busy = *total = 0;
	if (f == NULL)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
	           &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) >= 8) {
		for (int i = 0; i < 8; i++)
			*total += v[i];
		*busy = *total - v[3] - v[4]; /* idle, iowait */
	}
	fclose(f);
}

static int parse_param(struct param *p, const char *arg)
{
	memset(p, 0, sizeof(*p));
	if (strcmp(arg, "#uuid") == 0) {
		p->uuid = 1;
	} else if (strcmp(arg, "#now") == 0) {
		p->now = 1;
	} else if (arg[0] == '@' || arg[0] == '%') {
		char line[512], *copy = strdup(arg + 1), *save = NULL;
		FILE *f = arg[0] == '@' ? fopen(arg + 1, "r") : NULL;

		if (copy == NULL || (arg[0] == '@' && f == NULL))
			return -1;
		p->values = calloc(1 << 16, sizeof(char *));
		if (p->values == NULL)
			return -1;
		if (f != NULL) {
			while (p->n < (1 << 16) && fgets(line, sizeof(line), f) != NULL) {
				line[strcspn(line, "\r\n")] = '\0';
				if (line[0] != '\0')
					p->values[p->n++] = strdup(line);
			}
			fclose(f);
		} else {
			for (char *t = strtok_r(copy, ",", &save); t && p->n < MAXV;
			     t = strtok_r(NULL, ",", &save))
				p->values[p->n++] = strdup(t);
		}
		free(copy);
		if (p->n == 0)
			return -1;
	} else {
		p->text = arg;
	}
	return 0;
}

/* xorshift64*: random() would serialise the clients on glibc's lock. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void new_uuid(char out[VALLEN], uint64_t *seed)
{
	unsigned char b[16];
	uint64_t r0 = next_random(seed), r1 = next_random(seed);

	memcpy(b, &r0, 8);
	memcpy(b + 8, &r1, 8);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, VALLEN,
	         "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
	         b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
	         b[15]);
}

static void time_now(char out[VALLEN])
{
	struct timespec ts;
	struct tm tm;
	size_t k;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	k = strftime(out, VALLEN, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out + k, VALLEN - k, ".%06d", (int)(ts.tv_nsec / 1000 % 1000000));
}

/* Executes statement s once with its parameters; 0 or -1. */
static int run_one(MYSQL_STMT *st, const struct stmt_spec *s, size_t step, uint64_t *seed)
{
	MYSQL_BIND b[MAXP];
	unsigned long len[MAXP];
	char vals[MAXP][VALLEN];
	long long ints[MAXP];

	memset(b, 0, sizeof(b));
	for (int i = 0; i < s->np; i++) {
		const struct param *p = &s->ps[i];
		const char *v = p->text;

		if (p->uuid) {
			new_uuid(vals[i], seed);
			v = vals[i];
		} else if (p->now) {
			time_now(vals[i]);
			v = vals[i];
		} else if (p->values != NULL) {
			v = p->values[step % p->n];
		}
		len[i] = strlen(v);
		if (len[i] > 0 && len[i] < 19 && strspn(v, "0123456789") == len[i]) {
			ints[i] = atoll(v);
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = &ints[i];
			continue;
		}
		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer = (void *)v;
		b[i].buffer_length = len[i];
		b[i].length = &len[i];
	}
	if ((s->np > 0 && mysql_stmt_bind_param(st, b) != 0) || mysql_stmt_execute(st) != 0 ||
	    mysql_stmt_store_result(st) != 0)
		return -1;
	while (mysql_stmt_fetch(st) == 0)
		;
	mysql_stmt_free_result(st);
	return 0;
}

static void arrive(int ok, struct client *cl)
{
	pthread_mutex_lock(&mu);
	cl->failed = !ok;
	ready++;
	pthread_cond_broadcast(&cv);
	while (!started)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void *client(void *arg)
{
	struct client *cl = arg;
	MYSQL *c;
	MYSQL_STMT *st[MAXS] = { 0 };
	const char *port = getenv("DBFLOOR_PORT");
	uint64_t seed = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)cl->id << 32) ^ (uint64_t)time(NULL) ^
	                ((uint64_t)getpid() << 16);
	size_t step = (size_t)cl->id * 37;
	int ok = 1;
	double t0;

	mysql_thread_init();
	c = mysql_init(NULL);
	if (c == NULL || !mysql_real_connect(c, getenv("DBFLOOR_HOST"), getenv("DBFLOOR_USER"),
	                                     getenv("DBFLOOR_PASSWORD"), getenv("DBFLOOR_DATABASE"),
	                                     port ? (unsigned)atoi(port) : 0, NULL, 0)) {
		fprintf(stderr, "dbfloor: connect: %s\n", c ? mysql_error(c) : "out of memory");
		ok = 0;
	}
	for (int k = 0; ok && k < nspecs; k++) {
		if ((st[k] = mysql_stmt_init(c)) == NULL ||
		    mysql_stmt_prepare(st[k], specs[k].sql, strlen(specs[k].sql)) != 0) {
			fprintf(stderr, "dbfloor: prepare: %s\n",
			        st[k] ? mysql_stmt_error(st[k]) : mysql_error(c));
			ok = 0;
		} else if ((int)mysql_stmt_param_count(st[k]) != specs[k].np) {
			fprintf(stderr, "dbfloor: statement %d has %lu parameters, %d given\n",
			        k + 1, mysql_stmt_param_count(st[k]), specs[k].np);
			ok = 0;
		}
	}
	arrive(ok, cl);
	t0 = now();
	while (ok && now() - t0 < seconds) {
		for (int k = 0; k < nspecs; k++)
			if (run_one(st[k], &specs[k], step + (size_t)cl->n, &seed) < 0) {
				if (cl->errors++ == 0)
					fprintf(stderr, "dbfloor: execute: %s\n",
					        mysql_stmt_error(st[k]));
				break;
			}
		cl->n++;
	}
	for (int k = 0; k < nspecs; k++)
		if (st[k] != NULL)
			mysql_stmt_close(st[k]);
	if (c != NULL)
		mysql_close(c);
	mysql_thread_end();
	return NULL;
}

int main(int argc, char **argv)
{
	static struct client cls[MAXC];
	int nclients, a = 3, rc = 0;
	unsigned long long b0, t0, b1, t1;
	long total = 0, errors = 0;
	double w0, w1;

	if (argc < 4 || (nclients = atoi(argv[1])) < 1 || nclients > MAXC ||
	    (seconds = atof(argv[2])) <= 0) {
		fprintf(stderr,
		        "usage: dbfloor CLIENTS SECONDS SQL [PARAM...] [-- SQL [PARAM...]]... "
		        "(at most %d clients, %d statements of %d parameters)\n",
		        MAXC, MAXS, MAXP);
		return 2;
	}
	while (a < argc) {
		struct stmt_spec *s;

		if (nspecs == MAXS) {
			fprintf(stderr, "dbfloor: at most %d statements\n", MAXS);
			return 2;
		}
		s = &specs[nspecs++];
		s->sql = argv[a++];
		for (; a < argc && strcmp(argv[a], "--") != 0; a++) {
			if (s->np == MAXP || parse_param(&s->ps[s->np++], argv[a]) < 0) {
				fprintf(stderr, "dbfloor: bad parameter %s: %s\n", argv[a],
				        s->np == MAXP ? "too many" : strerror(errno));
				return 2;
			}
		}
		if (a < argc)
			a++; /* the "--" */
	}
	if (mysql_library_init(0, NULL, NULL) != 0)
		return 1;
	for (int i = 0; i < nclients; i++) {
		cls[i].id = i;
		if (pthread_create(&cls[i].th, NULL, client, &cls[i]) != 0) {
			fprintf(stderr, "dbfloor: pthread_create: %s\n", strerror(errno));
			return 1;
		}
	}
	pthread_mutex_lock(&mu);
	while (ready < nclients)
		pthread_cond_wait(&cv, &mu);
	cpu(&b0, &t0);
	w0 = now();
	started = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < nclients; i++) {
		pthread_join(cls[i].th, NULL);
		total += cls[i].n;
		errors += cls[i].errors;
		if (cls[i].failed)
			rc = 1;
	}
	w1 = now();
	cpu(&b1, &t1);
	mysql_library_end();
	printf("executions=%ld seconds=%.3f cpu_busy=%.3f errors=%ld\n", total, w1 - w0,
	       t1 > t0 ? (double)(b1 - b0) / (double)(t1 - t0) : 0.0, errors);
	return rc;
}
