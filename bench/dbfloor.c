/*
 * dbfloor.c: what MariaDB alone costs for one statement, without HTTP.
 *
 *   dbfloor PROCS SECONDS SQL [PARAM...]
 *
 * PROCS processes each open one connection (DBFLOOR_HOST, _PORT, _USER,
 * _PASSWORD, _DATABASE), prepare SQL once and execute it in a loop for
 * SECONDS, reading every row, as a responder does. Parameters are bound as
 * strings; a PARAM of the form
 *   @FILE    is the next line of FILE (round robin, each process from its own offset),
 *   %A,B,C   cycles through A, B, C,
 *   #uuid    is a fresh random uuid each time,
 *   #now     is the time now, to the microsecond (a write that changes the row),
 * anything else is itself. Prints one line: "executions=N seconds=S
 * cpu_busy=F errors=E", F the share of the machine's CPU time that was
 * busy meanwhile (all processes, MariaDB included), from /proc/stat.
 * bench/run turns it into microseconds of the machine per statement.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#define MAXP 16
#define MAXV 64

/* A parameter's values: read once at start, owned by the process until it exits. */
struct param {
	char **values; /* a list to walk (@FILE, %A,B), or NULL */
	size_t n;
	int uuid;         /* #uuid */
	int now;          /* #now */
	const char *text; /* a constant */
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

static void new_uuid(char out[37])
{
	unsigned char b[16];

	for (int i = 0; i < 16; i++)
		b[i] = (unsigned char)(random() & 0xff);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	         b[13], b[14], b[15]);
}

static int child(int id, double secs, const char *sql, struct param *ps, int np, int fd)
{
	MYSQL *c = mysql_init(NULL);
	MYSQL_STMT *st;
	MYSQL_BIND b[MAXP];
	unsigned long len[MAXP];
	char uuids[MAXP][37];
	long n = 0, errors = 0;
	size_t step = (size_t)id * 37;
	double t0;
	const char *port = getenv("DBFLOOR_PORT");

	srandom((unsigned)(getpid() ^ time(NULL)));
	if (c == NULL || !mysql_real_connect(c, getenv("DBFLOOR_HOST"), getenv("DBFLOOR_USER"),
	                                     getenv("DBFLOOR_PASSWORD"), getenv("DBFLOOR_DATABASE"),
	                                     port ? (unsigned)atoi(port) : 0, NULL, 0)) {
		fprintf(stderr, "dbfloor: connect: %s\n", c ? mysql_error(c) : "out of memory");
		return 1;
	}
	if ((st = mysql_stmt_init(c)) == NULL || mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		fprintf(stderr, "dbfloor: prepare: %s\n", st ? mysql_stmt_error(st) : mysql_error(c));
		return 1;
	}
	if ((int)mysql_stmt_param_count(st) != np) {
		fprintf(stderr, "dbfloor: the statement has %lu parameters, %d given\n",
		        mysql_stmt_param_count(st), np);
		return 1;
	}
	t0 = now();
	while (now() - t0 < secs) {
		memset(b, 0, sizeof(b));
		for (int i = 0; i < np; i++) {
			const char *v = ps[i].text;

			if (ps[i].uuid) {
				new_uuid(uuids[i]);
				v = uuids[i];
			} else if (ps[i].now) {
				struct timespec ts;
				struct tm tm;

				clock_gettime(CLOCK_REALTIME, &ts);
				gmtime_r(&ts.tv_sec, &tm);
				size_t k = strftime(uuids[i], sizeof(uuids[i]), "%Y-%m-%d %H:%M:%S", &tm);

				snprintf(uuids[i] + k, sizeof(uuids[i]) - k, ".%06d",
				         (int)(ts.tv_nsec / 1000 % 1000000));
				v = uuids[i];
			} else if (ps[i].values != NULL) {
				v = ps[i].values[(step + (size_t)n) % ps[i].n];
			}
			len[i] = strlen(v);
			b[i].buffer_type = MYSQL_TYPE_STRING;
			b[i].buffer = (void *)v;
			b[i].buffer_length = len[i];
			b[i].length = &len[i];
		}
		if ((np > 0 && mysql_stmt_bind_param(st, b) != 0) || mysql_stmt_execute(st) != 0 ||
		    mysql_stmt_store_result(st) != 0) {
			if (errors++ == 0)
				fprintf(stderr, "dbfloor: execute: %s\n", mysql_stmt_error(st));
		} else {
			while (mysql_stmt_fetch(st) == 0)
				;
			mysql_stmt_free_result(st);
		}
		n++;
	}
	mysql_stmt_close(st);
	mysql_close(c);
	/* One write of both, shorter than PIPE_BUF: the children's never interleave. */
	long out[2] = { n, errors };

	return write(fd, out, sizeof(out)) == sizeof(out) ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct param ps[MAXP];
	int procs, np = argc - 4, fds[2], rc = 0;
	unsigned long long b0, t0, b1, t1;
	long total = 0, errors = 0;
	double secs, w0, w1;

	if (argc < 4 || (procs = atoi(argv[1])) < 1 || procs > 64 || (secs = atof(argv[2])) <= 0 ||
	    np > MAXP) {
		fprintf(stderr, "usage: dbfloor PROCS SECONDS SQL [PARAM...] (at most %d)\n", MAXP);
		return 2;
	}
	for (int i = 0; i < np; i++)
		if (parse_param(&ps[i], argv[4 + i]) < 0) {
			fprintf(stderr, "dbfloor: bad parameter %s: %s\n", argv[4 + i], strerror(errno));
			return 2;
		}
	if (pipe(fds) != 0)
		return 1;
	cpu(&b0, &t0);
	w0 = now();
	for (int p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(child(p, secs, argv[3], ps, np, fds[1]));
	}
	close(fds[1]);
	for (int p = 0; p < procs; p++) {
		long in[2];

		if (read(fds[0], in, sizeof(in)) != sizeof(in))
			break;
		total += in[0];
		errors += in[1];
	}
	for (int p = 0; p < procs; p++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = 1;
	}
	w1 = now();
	cpu(&b1, &t1);
	printf("executions=%ld seconds=%.3f cpu_busy=%.3f errors=%ld\n", total, w1 - w0,
	       t1 > t0 ? (double)(b1 - b0) / (double)(t1 - t0) : 0.0, errors);
	return rc;
}
