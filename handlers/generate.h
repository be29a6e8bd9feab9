/* generate.h: the infrastructure-code generator's endpoint. */
#ifndef STRATUS_H_GENERATE_H
#define STRATUS_H_GENERATE_H

struct req;
struct body_spec;

/* The body POST /generate reads (its ROUTE row names it). */
extern const struct body_spec generate_body;

int h_generate(struct req *rq);

#endif
