/* audit.h: the audit log: recording an event, and GET /audit. */
#ifndef STRATUS_H_AUDIT_H
#define STRATUS_H_AUDIT_H

struct req;

/*
 * Records an audit event `action` on `target` by the caller (or by `who`
 * when not NULL: a login names the account it aims at), with the client's
 * address and the request id. A failure is logged, never answered: the
 * action it records has already happened.
 */
void api_audit(struct req *rq, const char *action, const char *target, const char *who);

int h_audit_list(struct req *rq);

#endif
