/* exec_terraform.h: the terraform executor: the steps of a provisioning run. */
#ifndef STRATUS_JOBS_EXEC_TERRAFORM_H
#define STRATUS_JOBS_EXEC_TERRAFORM_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* What a step needs besides its run's input. Owned by the reconciler. */
struct tf_ctx {
	const char *workdir_root;  /* STRATUS_WORKDIR: one directory per request below it */
	const char *terraform_bin; /* TERRAFORM_BIN: a path, or a name looked up in PATH */
	const char *modules_dir;   /* STRATUS_MODULES_DIR: <dir>/<provider>/main.tf */
	char *const *env;          /* the whole environment Terraform gets */
};

/* The steps of a provisioning request, in order, with what each depends on. */
extern const char *const tf_provision_steps[3];

/* The one step of a destroy run. */
extern const char *const tf_destroy_step;

/* True when `step` is one of this executor's steps. */
bool tf_step_known(const char *step);

/*
 * Runs one step for a run whose input is `input` ({"request_id",
 * "cloud_provider","provider_config","instance_name_prefix","count"}), in
 * STRATUS_WORKDIR/<request_id>/. Meant for the reconciler's child process:
 * progress goes to stdout, Terraform's own output to stdout and stderr.
 * Each step first checks what it already did (at-least-once execution).
 * On success returns 0 and sets *output to a JSON object text the caller
 * frees, or NULL; on failure returns -1 with one line in err.
 */
int tf_step(const struct tf_ctx *c, const char *step, struct json_object *input, char **output,
            char *err, size_t errlen);

/*
 * The terraform.tfvars.json object for `input` (a new object), or NULL with
 * one line in err when the input lacks something.
 */
struct json_object *tf_vars(struct json_object *input, char *err, size_t errlen);

/*
 * Parses `terraform output -json` (instance_ids, private_ips, public_ips,
 * each {"value":[...]}) into [{"instance_id","private_ip","public_ip"}]
 * (a new array), or NULL with one line in err.
 */
struct json_object *tf_parse_outputs(const char *text, char *err, size_t errlen);

#endif
