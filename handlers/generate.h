/* generate.h: the infrastructure-code generator's endpoint. */
#ifndef STRATUS_H_GENERATE_H
#define STRATUS_H_GENERATE_H

struct req;

int h_generate(struct req *rq);

#endif
