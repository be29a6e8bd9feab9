/* builds.h: the queries of the Build State API: reference data, states, builds. */
#ifndef STRATUS_DB_BUILDS_H
#define STRATUS_DB_BUILDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* The three reference tables. */
enum ref_kind {
	REF_PLATFORM,   /* REF_PLATFORM: platforms (with aliases) */
	REF_OS_VERSION, /* REF_OS_VERSION: os_versions */
	REF_IMAGE_TYPE, /* REF_IMAGE_TYPE: image_types */
	REF__MAX
};

/*
 * The longest text each column holds: characters for a VARCHAR(n) of
 * utf8mb4 (MariaDB counts characters there, not bytes), bytes for the
 * JSON text of details (a TEXT). The handlers refuse longer input with a
 * 400 naming the field, so nothing is ever cut by MariaDB (whose strict
 * mode, set by db/db.c, would refuse it with an error anyway). README.md
 * lists them ("Free-text fields and their maximums"). Reference names are
 * REF_NAME_MAX (lib/util.h) ASCII characters.
 */
#define REF_DISPLAY_MAX        128  /* platforms|os_versions|image_types.display_name */
#define BUILD_ID_MAX           128  /* builds.build_id (ASCII) */
#define BUILD_PIPELINE_URL_MAX 2048 /* builds.pipeline_url */
#define BUILD_COMMIT_HASH_MAX  64   /* builds.commit_hash (ASCII hex) */
#define BUILD_MESSAGE_MAX      1000 /* what POST /builds/{uuid}/state takes */
#define FAILURE_MESSAGE_MAX    4000 /* build_failures.error_message */
/*
 * builds.current_message and build_state_history.message (schema/011): a
 * failure's error_message becomes the failed state's message.
 */
#define BUILD_STATE_MESSAGE_MAX FAILURE_MESSAGE_MAX
#define FAILURE_CODE_MAX        128  /* build_failures.error_code, build_failure_counts */
#define FAILURE_COMPONENT_MAX   128  /* build_failures.component */
#define FAILURE_DETAILS_MAX     8000 /* bytes of build_failures.details (TEXT: 65,535) */

/* Called with each row of a reference list, by name; valid during the call only. */
typedef void (*db_ref_row_fn)(const char *name, const char *display_name, const char *created_at,
                              void *ud);
enum db_rc db_ref_list(struct db *db, enum ref_kind k, db_ref_row_fn row, void *ud);
/* Calls `alias` with each alias of platform `name`, by name. */
enum db_rc db_platform_aliases(struct db *db, const char *name,
                               void (*alias)(const char *a, void *ud), void *ud);
/*
 * Inserts a row and (platforms) its aliases, in one transaction.
 * DB_DUPLICATE when the name or an alias exists; nothing is written then.
 */
enum db_rc db_ref_create(struct db *db, enum ref_kind k, const char *name, const char *display,
                         const char *const *aliases, size_t naliases);
/*
 * Finds a row by name (platforms: or alias); sets *id and the canonical name
 * (size 65). DB_NOT_FOUND when unknown.
 */
enum db_rc db_ref_resolve(struct db *db, enum ref_kind k, const char *name, int64_t *id,
                          char canonical[65]);
/* "a, b, c" of every name (platforms: "... (aliases: aws)"), for error messages. */
enum db_rc db_ref_names(struct db *db, enum ref_kind k, char *buf, size_t len);

/* Called with each build state, in code order; the strings are valid during the call only. */
typedef void (*db_state_row_fn)(int64_t code, const char *name, bool terminal,
                                const char *description, void *ud);
enum db_rc db_states_list(struct db *db, db_state_row_fn row, void *ud);
/* The name and terminal flag of a code; DB_NOT_FOUND when unknown. */
enum db_rc db_state_get(struct db *db, int64_t code, char name[65], bool *terminal);

/* One build as read, with the names of its reference rows and state. */
struct build {
	int64_t id;
	char uuid[40];
	char build_id[BUILD_ID_MAX + 4];
	char platform[68];
	char os_version[68];
	char image_type[68];
	char pipeline_url[4 * BUILD_PIPELINE_URL_MAX + 4]; /* bytes: 4 per character at most */
	bool no_url;
	char commit_hash[68];
	bool no_hash;
	int64_t current_state;
	char state_name[68];
	bool terminal;
	char message[4 * BUILD_STATE_MESSAGE_MAX + 4];
	bool no_message;
	char created_by[4 * 254 + 4];
	char created_at[32];
	char updated_at[32];
	char last_heartbeat_at[32];
	bool stale;
};

/* Called with each build of a list, in order; `b` is valid during the call only. */
typedef void (*db_build_row_fn)(const struct build *b, void *ud);

enum db_rc db_build_by_uuid(struct db *db, const char *uuid, int64_t stale_min, struct build *b);
enum db_rc db_build_by_build_id(struct db *db, const char *build_id, int64_t stale_min,
                                struct build *b);

/* What POST /builds inserts. */
struct build_new {
	const char *uuid;
	const char *build_id;
	int64_t platform_id, os_version_id, image_type_id;
	const char *pipeline_url; /* NULL for none */
	const char *commit_hash;  /* NULL for none */
	const char *created_by;
	const char *at; /* created_at: DATETIME text, so that the caller can answer with it */
};
/*
 * Inserts the build, and with it (trigger builds_ai) its first history row
 * (queued), in one statement.
 * DB_DUPLICATE when the build_id (or, once in 2^122, the uuid) exists.
 */
enum db_rc db_build_insert(struct db *db, const struct build_new *n);

/*
 * A write to one locked build, inside db_build_update's transaction: gets
 * the build's id and current state; database work only, as it runs again
 * from the start when the transaction is retried (db_transaction).
 */
typedef enum db_rc (*db_build_write_fn)(struct db *db, int64_t id, int64_t state, void *arg);
/*
 * Runs `fn` on the build `uuid` locked FOR UPDATE, in one transaction that
 * is retried whole on a deadlock or lock wait timeout (db_transaction), so
 * concurrent writers to one build serialise and none is lost. Sets
 * *terminal, without calling `fn`, when the build has finished. Returns
 * DB_OK (committed), DB_NOT_FOUND (no such uuid), `fn`'s error or the
 * database's.
 */
enum db_rc db_build_update(struct db *db, const char *uuid, db_build_write_fn fn, void *arg,
                           bool *terminal);
/*
 * Sets build `uuid`'s state in one UPDATE, atomic on its own (or inside a
 * db_build_update transaction): its triggers write the history row
 * (builds_au_history, schema/007) and move the dashboard counters. `at` is the change's
 * time as DATETIME text ("2026-11-23 01:02:03.123456"), so that the caller
 * can answer with what it wrote. A finished build is left as it is: DB_OK
 * with *finished. DB_NOT_FOUND when no build has this uuid.
 */
enum db_rc db_build_set_state(struct db *db, const char *uuid, int64_t code, bool terminal,
                              const char *message, const char *who, const char *at, bool *finished);
/* Records a failure (details: JSON text or NULL) at `at`; sets *failure_id. */
enum db_rc db_build_add_failure(struct db *db, int64_t id, const char *message, const char *code,
                                const char *component, const char *details, const char *who,
                                const char *at, int64_t *failure_id);
/* Records a heartbeat at `at` in one UPDATE; DB_NOT_FOUND and *finished as db_build_set_state. */
enum db_rc db_build_heartbeat(struct db *db, const char *uuid, const char *at, bool *finished);

/* One entry of a build's state history; the strings are valid during the row call only. */
struct build_history {
	int64_t state_code;
	const char *state_name;
	const char *message;    /* NULL when none */
	const char *created_by; /* NULL when none */
	const char *created_at; /* ISO 8601 UTC */
};
typedef void (*db_history_row_fn)(const struct build_history *h, void *ud);
/*
 * Reads build `uuid` (as db_build_by_uuid) and calls `row` with each entry of
 * its history, oldest first, in one round trip; *failed is false when the build
 * certainly has no failures. DB_NOT_FOUND when no such build.
 */
enum db_rc db_build_with_history(struct db *db, const char *uuid, int64_t stale_min,
                                 struct build *b, db_history_row_fn row, void *ud, bool *failed);

/* One failure of a build; the strings are valid during the row call only. */
struct build_failure {
	int64_t id;
	const char *error_message;
	const char *error_code; /* NULL when none */
	const char *component;  /* NULL when none */
	const char *details;    /* the JSON text stored (validated on the way in), or NULL */
	const char *created_at; /* ISO 8601 UTC */
};
typedef void (*db_failure_row_fn)(const struct build_failure *f, void *ud);
/* Calls `row` with each failure of build `id`, oldest first. */
enum db_rc db_build_failures(struct db *db, int64_t id, db_failure_row_fn row, void *ud);

/* GET /builds filters: 0 / NULL when not given. */
struct build_filter {
	int64_t platform_id, os_version_id, image_type_id;
	int64_t state;             /* -1 when not given */
	const char *since, *until; /* "YYYY-MM-DD HH:MM:SS[.ffffff]" UTC */
	const char *build_id;
};
enum db_rc db_build_list(struct db *db, const struct build_filter *f, int64_t limit, int64_t offset,
                         int64_t stale_min, db_build_row_fn row, void *ud, int64_t *total);

/*
 * Calls `row` with the `limit` newest builds, of one platform when platform_id > 0,
 * newest first (as db_build_list orders them), without counting them.
 */
enum db_rc db_build_recent(struct db *db, int64_t platform_id, int64_t limit, int64_t stale_min,
                           db_build_row_fn row, void *ud);

/*
 * Forgets the hours of build_hours older than two days: the dashboards
 * count the last 24 hours (the reconciler calls it on each pass).
 */
enum db_rc db_build_hours_prune(struct db *db);

/* A count of builds by state (id: the code) or by platform (id: its id). */
struct build_count {
	int64_t id, n;
	char name[65];
};
#define BUILD_TOP_FAILURES 5
/*
 * The dashboard counts, as read: the figures derived from them (rates,
 * means) are the handler's. Free the arrays with db_build_counts_free.
 */
struct build_counts {
	int64_t total;                /* builds */
	int64_t finished;             /* in a terminal state */
	int64_t succeeded;            /* in the state "succeeded" */
	int64_t finished_us;          /* the durations of the finished builds, added up */
	int64_t last_24h;             /* created in the last 24 hours */
	int64_t stale;                /* unfinished and idle longer than stale_min */
	struct build_count *by_state; /* states with builds, in code order */
	size_t nstates;
	struct build_count *by_platform; /* platforms with builds, by name (case-insensitive) */
	size_t nplatforms;
	struct {
		char code[FAILURE_CODE_MAX * 4 + 1];
		int64_t n;
	} top[BUILD_TOP_FAILURES]; /* the most frequent failure codes, most first */
	size_t ntop;
};
/* The dashboard counts of all builds (platform_id 0) or of one platform. */
enum db_rc db_build_summary(struct db *db, int64_t platform_id, int64_t stale_min,
                            struct build_counts *c);
void db_build_counts_free(struct build_counts *c);

#endif
