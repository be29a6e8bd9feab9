/* llm.h: the generator's optional language-model backend (OpenAI-compatible chat completions). */
#ifndef STRATUS_LLM_H
#define STRATUS_LLM_H

#include <stddef.h>

#include "lib/gen.h"

struct arena;

struct llm_config {
	const char *url;     /* the chat-completions endpoint */
	const char *model;   /* sent as "model" */
	const char *api_key; /* sent as a Bearer token, or NULL */
	long timeout_ms;     /* for the whole exchange */
};

/*
 * Asks the model for Terraform that improves on the rule-based design in
 * *design (which gen_generate produced for `rq`). The answer is accepted
 * only if it parses as HCL2, declares nothing but the provider's known
 * resource types (no modules, no provisioners, no literal secrets), every
 * resource can be priced from the built-in table, and the re-priced total
 * fits the budget; then *design takes its HCL, resources and cost (from
 * `a`). Returns 0 when accepted, or -1 with a one-line reason in `why` and
 * *design unchanged.
 */
int llm_generate(struct arena *a, const struct llm_config *cfg, const struct gen_request *rq,
                 struct gen_result *design, char *why, size_t whylen);

/*
 * Checks `hcl` (the model's answer, already cut from its message) as
 * llm_generate does and, when it passes, replaces out's hcl, resources and
 * cost with the answer's (from `a`; each resource keeps the component that
 * out's design gave its type). Returns 0, or -1 with the reason and *out
 * unchanged. Separate so that the unit tests can exercise it without a server.
 */
int llm_accept(struct arena *a, const struct gen_request *rq, const char *hcl, size_t len,
               struct gen_result *out, char *why, size_t whylen);

#endif
