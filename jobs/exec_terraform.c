/* exec_terraform.c: the terraform executor: the steps of a provisioning run. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "jobs/exec_terraform.h"

const char *const tf_provision_steps[3] = {
	"prepare_terraform_vars",
	"terraform_init",
	"terraform_apply",
};

/* Markers a step leaves when it completed, so that a re-run knows. */
#define INIT_DONE  ".stratus-init.done"
#define APPLY_DONE ".stratus-apply.done"

/* The PATH Terraform runs with (the clean environment has its own). */
#define CLEAN_PATH "/usr/local/bin:/usr/bin:/bin"

/* The longest path a step builds; longer ones are refused, never cut. */
#define PATH_LEN 4096

/* out = a/b (or a/b/c); -1 when it would not fit. */
static int path_join(char *out, const char *a, const char *b, const char *c)
{
	int n = snprintf(out, PATH_LEN, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");

	return n < 0 || n >= PATH_LEN ? -1 : 0;
}

const char *const tf_destroy_step = "terraform_destroy";

bool tf_step_known(const char *step)
{
	for (size_t i = 0; i < sizeof(tf_provision_steps) / sizeof(tf_provision_steps[0]); i++)
		if (strcmp(step, tf_provision_steps[i]) == 0)
			return true;
	return strcmp(step, tf_destroy_step) == 0;
}

/* ------------------------------------------------------------------ input */

static const char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The variables of each provider's module, all strings but the lists named. */
static const char *const aws_vars[] = { "region", "instance_type", "subnet_id", "ami_id", NULL };
static const char *const oci_vars[] = { "region", "compartment_id", "availability_domain",
	                                "shape",  "image_id",       "subnet_id",
	                                NULL };

struct json_object *tf_vars(struct json_object *input, char *err, size_t errlen)
{
	const char *cloud = str_of(input, "cloud_provider"), *prefix;
	const char *const *names;
	struct json_object *pc, *count, *v, *o;

	if (cloud == NULL || !json_object_object_get_ex(input, "provider_config", &pc) ||
	    !json_object_is_type(pc, json_type_object) ||
	    (prefix = str_of(input, "instance_name_prefix")) == NULL ||
	    !json_object_object_get_ex(input, "count", &count) ||
	    !json_object_is_type(count, json_type_int)) {
		snprintf(err, errlen, "the run's input is incomplete");
		return NULL;
	}
	if (strcmp(cloud, "aws") == 0)
		names = aws_vars;
	else if (strcmp(cloud, "oci") == 0)
		names = oci_vars;
	else {
		snprintf(err, errlen, "no module for cloud provider %.32s", cloud);
		return NULL;
	}
	if ((o = json_object_new_object()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; names[i] != NULL; i++) {
		const char *s = str_of(pc, names[i]);

		if (s == NULL) {
			snprintf(err, errlen, "provider_config.%s is missing", names[i]);
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(o, names[i], json_object_new_string(s));
	}
	if (strcmp(cloud, "aws") == 0) {
		if (!json_object_object_get_ex(pc, "security_group_ids", &v) ||
		    !json_object_is_type(v, json_type_array)) {
			snprintf(err, errlen, "provider_config.security_group_ids is missing");
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(o, "security_group_ids", json_object_get(v));
	}
	json_object_object_add(o, "instance_name_prefix", json_object_new_string(prefix));
	json_object_object_add(o, "instance_count",
	                       json_object_new_int64(json_object_get_int64(count)));
	return o;
}

/* ------------------------------------------------------------------ files */

/* Reads a whole small file (NUL-terminated, malloc'd) or NULL. */
static char *slurp(const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	if ((buf = malloc(max + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max, f);
	if (ferror(f) || !feof(f)) {
		fclose(f);
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/*
 * Writes `content` to dir/name through a temporary file and rename, so a
 * killed step never leaves half a file; does nothing when the file already
 * holds exactly that. Returns 1 written, 0 unchanged, -1 (err set).
 */
static int put_file(const char *dir, const char *name, const char *content, char *err,
                    size_t errlen)
{
	char path[PATH_LEN], tmp[PATH_LEN + 64];
	char *old;
	FILE *f;
	size_t len = strlen(content);

	if (path_join(path, dir, name, NULL) < 0 || strlen(path) + 32 > sizeof(tmp)) {
		snprintf(err, errlen, "the path of %s is too long", name);
		return -1;
	}
	if ((old = slurp(path, 4 * 1024 * 1024)) != NULL) {
		bool same = strcmp(old, content) == 0;

		free(old);
		if (same)
			return 0;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return -1;
	if ((f = fopen(tmp, "wb")) == NULL || fwrite(content, 1, len, f) != len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", name, strerror(errno));
		if (f != NULL)
			fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", name, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 1;
}

static bool exists(const char *dir, const char *name)
{
	char path[PATH_LEN];
	struct stat st;

	return path_join(path, dir, name, NULL) == 0 && stat(path, &st) == 0;
}

/* mkdir -p with mode 0700 for what it creates. Returns 0 or -1 (errno). */
static int mkdir_p(const char *path)
{
	char buf[PATH_LEN];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* The request's working directory: STRATUS_WORKDIR/<request_id>. */
static int workdir_of(const struct tf_ctx *c, struct json_object *input, char *dir, size_t len,
                      char *err, size_t errlen)
{
	const char *rid = str_of(input, "request_id");

	/* A uuid: never a path of its own. */
	if (rid == NULL || strlen(rid) != 36 || strspn(rid, "0123456789abcdef-") != 36) {
		snprintf(err, errlen, "the run's input has no request_id");
		return -1;
	}
	if (len < PATH_LEN || path_join(dir, c->workdir_root, rid, NULL) < 0) {
		snprintf(err, errlen, "STRATUS_WORKDIR is too long");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ running terraform */

/*
 * Runs terraform with `args` in `dir` with the clean environment and waits.
 * Its stdout and stderr are ours (the reconciler reads them line by line),
 * unless `capture` is set: then stdout is collected into *capture (malloc'd).
 * Returns the exit status (0 success), or -1 with err set.
 */
static int terraform(const struct tf_ctx *c, const char *dir, const char *const *args,
                     char **capture, char *err, size_t errlen)
{
	const char *argv[16];
	int pfd[2] = { -1, -1 }, status;
	size_t n = 0, cap = 0, len = 0;
	char *buf = NULL;
	pid_t pid;

	argv[n++] = c->terraform_bin;
	for (size_t i = 0; args[i] != NULL && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (capture != NULL && pipe(pfd) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* Dies with the step, which dies with the reconciler. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (capture != NULL) {
			dup2(pfd[1], STDOUT_FILENO);
			close(pfd[0]);
			close(pfd[1]);
		}
		if (chdir(dir) < 0) {
			fprintf(stderr, "cannot enter %s: %s\n", dir, strerror(errno));
			_exit(126);
		}
		close_range(3, ~0U, 0);
		/* execvpe looks the name up in the PATH of this process. */
		setenv("PATH", CLEAN_PATH, 1);
		execvpe(argv[0], (char *const *)argv, c->env);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (capture != NULL) {
		close(pfd[1]);
		for (;;) {
			ssize_t r;

			if (len + 4096 + 1 > cap) {
				char *nb = realloc(buf, cap = cap ? cap * 2 : 16384);

				if (nb == NULL)
					break;
				buf = nb;
			}
			r = read(pfd[0], buf + len, cap - len - 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			len += (size_t)r;
		}
		close(pfd[0]);
		if (buf != NULL)
			buf[len] = '\0';
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			free(buf);
			return -1;
		}
	}
	if (capture != NULL)
		*capture = buf;
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) != 0)
			snprintf(err, errlen, "terraform %s exited with status %d", args[0],
			         WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	snprintf(err, errlen, "terraform %s was killed by signal %d", args[0],
	         WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* ------------------------------------------------------------------ steps */

static int step_prepare(const struct tf_ctx *c, const char *dir, struct json_object *input,
                        char *err, size_t errlen)
{
	const char *cloud = str_of(input, "cloud_provider");
	struct json_object *vars;
	char path[PATH_LEN], *module;
	int r1, r2;

	if (mkdir_p(c->workdir_root) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", c->workdir_root, strerror(errno));
		return -1;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create the working directory: %s", strerror(errno));
		return -1;
	}
	if ((vars = tf_vars(input, err, errlen)) == NULL)
		return -1;
	if (path_join(path, c->modules_dir, cloud, "main.tf") < 0 ||
	    (module = slurp(path, 1024 * 1024)) == NULL) {
		snprintf(err, errlen, "cannot read the %s module %s: %s", cloud, path,
		         strerror(errno));
		json_object_put(vars);
		return -1;
	}
	r1 = put_file(dir, "main.tf", module, err, errlen);
	r2 = r1 < 0 ? -1
	            : put_file(dir, "terraform.tfvars.json",
	                       json_object_to_json_string_ext(
	                               vars,
	                               JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE),
	                       err, errlen);
	free(module);
	json_object_put(vars);
	if (r1 < 0 || r2 < 0)
		return -1;
	printf("%s main.tf (the %s module) and %s terraform.tfvars.json\n", r1 ? "wrote" : "kept",
	       cloud, r2 ? "wrote" : "kept");
	return 0;
}

static int step_init(const struct tf_ctx *c, const char *dir, char *err, size_t errlen)
{
	static const char *const args[] = { "init", "-input=false", "-no-color", NULL };

	if (!exists(dir, "main.tf")) {
		snprintf(err, errlen, "main.tf is missing: prepare_terraform_vars has not run");
		return -1;
	}
	if (exists(dir, INIT_DONE) && exists(dir, ".terraform")) {
		printf("already initialised: skipping terraform init\n");
		return 0;
	}
	if (terraform(c, dir, args, NULL, err, errlen) != 0)
		return -1;
	return put_file(dir, INIT_DONE, "", err, errlen) < 0 ? -1 : 0;
}

struct json_object *tf_parse_outputs(const char *text, char *err, size_t errlen)
{
	static const char *const keys[3] = { "instance_ids", "private_ips", "public_ips" };
	static const char *const fields[3] = { "instance_id", "private_ip", "public_ip" };
	struct json_object *root = text ? json_tokener_parse(text) : NULL, *lists[3] = { 0 }, *out;
	size_t n;

	if (root == NULL || !json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "terraform output -json did not print a JSON object");
		json_object_put(root);
		return NULL;
	}
	for (int k = 0; k < 3; k++) {
		struct json_object *o, *v;

		if (!json_object_object_get_ex(root, keys[k], &o) ||
		    !json_object_object_get_ex(o, "value", &v) ||
		    !json_object_is_type(v, json_type_array)) {
			if (k == 0) {
				snprintf(err, errlen, "terraform output has no %s list", keys[k]);
				json_object_put(root);
				return NULL;
			}
			continue; /* no IPs: null */
		}
		lists[k] = v;
	}
	n = json_object_array_length(lists[0]);
	out = json_object_new_array();
	for (size_t i = 0; out != NULL && i < n; i++) {
		struct json_object *inst = json_object_new_object();

		for (int k = 0; k < 3; k++) {
			struct json_object *v =
			        lists[k] ? json_object_array_get_idx(lists[k], i) : NULL;

			json_object_object_add(
			        inst, fields[k],
			        v && json_object_is_type(v, json_type_string)
			                ? json_object_new_string(json_object_get_string(v))
			                : NULL);
		}
		json_object_array_add(out, inst);
	}
	json_object_put(root);
	return out;
}

static int step_apply(const struct tf_ctx *c, const char *dir, char **output, char *err,
                      size_t errlen)
{
	static const char *const apply[] = { "apply", "-input=false", "-auto-approve", "-no-color",
		                             NULL };
	static const char *const outs[] = { "output", "-json", NULL };
	struct json_object *inst, *o;
	char *text = NULL;

	if (!exists(dir, INIT_DONE)) {
		snprintf(err, errlen, "the working directory is not initialised");
		return -1;
	}
	if (exists(dir, APPLY_DONE) && exists(dir, "terraform.tfstate")) {
		printf("already applied: skipping terraform apply\n");
	} else {
		if (terraform(c, dir, apply, NULL, err, errlen) != 0)
			return -1;
		if (put_file(dir, APPLY_DONE, "", err, errlen) < 0)
			return -1;
	}
	if (terraform(c, dir, outs, &text, err, errlen) != 0) {
		free(text);
		return -1;
	}
	inst = tf_parse_outputs(text, err, errlen);
	free(text);
	if (inst == NULL)
		return -1;
	printf("%zu instance(s) in the outputs\n", json_object_array_length(inst));
	o = json_object_new_object();
	json_object_object_add(o, "instances", inst);
	*output = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	if (*output == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * Destroys what the request's apply made, in its directory. Nothing applied
 * (no state, or an empty one) is nothing to do; terraform destroy is itself
 * safe to run again. Afterwards the apply marker goes, so that a later
 * apply is not skipped.
 */
static int step_destroy(const struct tf_ctx *c, const char *dir, char *err, size_t errlen)
{
	static const char *const args[] = { "destroy", "-input=false", "-auto-approve", "-no-color",
		                            NULL };
	char path[PATH_LEN];

	if (!exists(dir, "terraform.tfstate") || !exists(dir, INIT_DONE)) {
		printf("nothing was applied: nothing to destroy\n");
		return 0;
	}
	if (terraform(c, dir, args, NULL, err, errlen) != 0)
		return -1;
	if (path_join(path, dir, APPLY_DONE, NULL) < 0 || (unlink(path) < 0 && errno != ENOENT)) {
		snprintf(err, errlen, "cannot remove %s: %s", APPLY_DONE, strerror(errno));
		return -1;
	}
	return 0;
}

int tf_step(const struct tf_ctx *c, const char *step, struct json_object *input, char **output,
            char *err, size_t errlen)
{
	char dir[PATH_LEN];
	int r;

	*output = NULL;
	if (workdir_of(c, input, dir, sizeof(dir), err, errlen) < 0)
		return -1;
	if (strcmp(step, "prepare_terraform_vars") == 0)
		r = step_prepare(c, dir, input, err, errlen);
	else if (strcmp(step, "terraform_init") == 0)
		r = step_init(c, dir, err, errlen);
	else if (strcmp(step, "terraform_apply") == 0)
		r = step_apply(c, dir, output, err, errlen);
	else if (strcmp(step, tf_destroy_step) == 0)
		r = step_destroy(c, dir, err, errlen);
	else {
		snprintf(err, errlen, "the terraform executor has no step %.64s", step);
		r = -1;
	}
	fflush(stdout);
	return r;
}
