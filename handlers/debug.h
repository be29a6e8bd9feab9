/* debug.h: development-only endpoints (ENVIRONMENT=development). */
#ifndef STRATUS_H_DEBUG_H
#define STRATUS_H_DEBUG_H

struct req;

int h_debug_echo(struct req *rq);
int h_debug_project(struct req *rq);

#endif
