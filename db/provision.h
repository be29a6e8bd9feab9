/*
 * provision.h: the queries of provisioning: requests (runs of kind
 * provision) and the destroy runs that tear them down, linked by the
 * provision_destroys relation (schema/014), not by columns of the generic run.
 */
#ifndef STRATUS_DB_PROVISION_H
#define STRATUS_DB_PROVISION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/runs.h"
#include "lib/engine.h"

/* The latest destroy run of a provisioning request. */
struct provision_destroy {
	bool has;     /* false: none was ever requested (the rest is empty) */
	char run[40]; /* its uuid */
	enum jobs_run_status status;
};

/* The latest destroy run of provisioning run `run_id` into *d (d->has false: none). */
enum db_rc db_provision_destroy_of(struct db *db, int64_t run_id, struct provision_destroy *d);

/*
 * Creates destroy run `n` (kind "destroy") of provisioning request `target`
 * (a uuid) and its provision_destroys row, in one transaction that locks the
 * request's run first: only when that run finished (succeeded or failed) and
 * no destroy of it is queued, running or done (jobs_destroy_allowed).
 * DB_NOT_FOUND when there is no such request, DB_CONFLICT when it may not be
 * destroyed (now).
 */
enum db_rc db_provision_destroy_create(struct db *db, const char *target, const struct run_new *n,
                                       int64_t *id);

/*
 * Provisioning requests in the given statuses (all when nstatus is 0),
 * newest first, each with its latest destroy (one query, a join): calls
 * row() for each with a run and a destroy that live only for the call. Sets
 * *total to the count over every page.
 */
enum db_rc db_provision_list(struct db *db, const enum jobs_run_status *status, size_t nstatus,
                             int64_t limit, int64_t offset,
                             void (*row)(const struct run *r, const struct provision_destroy *d,
                                         void *ud),
                             void *ud, int64_t *total);

#endif
