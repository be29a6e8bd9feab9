/* fields.h: request bodies declared once as a table of fields, read by one call. */
#ifndef STRATUS_H_FIELDS_H
#define STRATUS_H_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
struct req;

/*
 * Reads fields of a JSON object, collecting every failure as
 * {"field", "message"} in `errors`; fields_done answers 400 with all of them.
 */
struct fields {
	struct req *rq;
	struct json_object *errors; /* array, created on first failure */
};

enum field_type {
	FT_STRING,  /* no control characters; min/max are characters */
	FT_TEXT,    /* free text: tab, LF and CR are allowed */
	FT_INT,     /* an integer in [min, max] */
	FT_BOOL,    /* true or false */
	FT_ENUM,    /* a string among `allowed` */
	FT_EMAIL,   /* user@domain.tld, 3-254 characters */
	FT_OBJECT,  /* an object read by `nested`, errors named "name.field" */
	FT_STRLIST, /* an array of at most `max_items` FT_STRING items, named "name[i]" */
	FT_JSON,    /* any value but null, borrowed in `o`: its `check` is its rule */
};

struct field_value;

/*
 * One field of a body. min = max = 0 means no bounds: a string of up to
 * 65536 characters, any integer.
 */
struct field_spec {
	const char *name;
	enum field_type type;
	bool required;
	int64_t min, max; /* characters (strings, list items) or range (FT_INT) */
	/*
	 * Strings: when set, only ASCII letters, digits and these characters
	 * ("-_") are allowed; the message lists them.
	 */
	const char *charset;
	/* Strings: when set, the value must start with it ("must start with 'ami-'"). */
	const char *prefix;
	/*
	 * Strings: when set, the one message for a value that breaks the length,
	 * control-character or charset rule (a wording clients already read);
	 * its type and prefix keep their own. Compare .message below.
	 */
	const char *string_message;
	const char *const *allowed;     /* FT_ENUM, NULL-terminated */
	const struct body_spec *nested; /* FT_OBJECT */
	size_t max_items;               /* FT_STRLIST */
	/*
	 * A rule of the field's own, run on a value that passed the rest;
	 * it calls field_fail under `path` and returns false to reject it.
	 */
	bool (*check)(struct fields *f, const char *path, const struct field_value *v);
	/*
	 * An optional field that is an alternative to an earlier one of the
	 * body, named here: when that one is present and valid, this one is
	 * not read at all (left unset, never a failure): "email" unless
	 * "identifier".
	 */
	const char *unless;
	/*
	 * Today's wording, where a body had its own: when set, the failure of
	 * the value itself (its type, bounds, characters, item count) is this
	 * message instead; nested fields and items fail as usual, `check`
	 * words its own.
	 */
	const char *message;
	/* FT_STRLIST: when set, any failing item is this one failure, named by the list. */
	const char *item_message;
	/* A JSON null is a value of the wrong type, not an absent field. */
	bool null_invalid;
	/*
	 * The field's meaning and any rule of `check`, in a sentence: the API
	 * description (handlers/openapi.c) shows it beside the bounds it
	 * derives from the rest of the row.
	 */
	const char *doc;
	/*
	 * What `check` adds, as JSON Schema keywords over the derived ones
	 * ("{\"minimum\":10}"), or "false" for a field never accepted. The
	 * behavioural drift tests (tests/openapi/) hold it to the code.
	 */
	const char *schema;
};

/*
 * Spec rows shared by every body that has such a field. A username is 3-64
 * letters, digits, '.', '_', '-': never an '@', so that no username can
 * equal somebody's email (the default username is the user's own email). A
 * password is a string of 1-PASSWORD_MAX_LEN characters (lib/password.h);
 * the policy (field_password_ok) is for new passwords only, after the read.
 */
#define FIELD_USERNAME(name_)                                                                      \
	{                                                                                          \
		.name = (name_), .type = FT_STRING, .min = 3, .max = 64, .charset = "._-"          \
	}
#define FIELD_PASSWORD(name_, required_)                                                           \
	{                                                                                          \
		.name = (name_), .type = FT_STRING, .required = (required_), .min = 1,             \
		.max = PASSWORD_MAX_LEN                                                            \
	}

/*
 * A password being chosen: FIELD_PASSWORD whose value the policy
 * (field_password_ok, PASSWORD_MIN_LEN and four kinds of character) checks
 * after the read; the API description states both.
 */
#define FIELD_NEW_PASSWORD(name_, required_)                                                       \
	{                                                                                          \
		.name = (name_), .type = FT_STRING, .required = (required_), .min = 1,             \
		.max = PASSWORD_MAX_LEN,                                                           \
		.doc = "The password policy: at least 12 characters, with an upper-case "          \
		       "letter, a lower-case letter, a digit and a symbol.",                       \
		.schema = "{\"minLength\":12,\"x-stratus-check\":true}"                            \
	}

/* A body: its fields, in the order their failures are reported. */
struct body_spec {
	const struct field_spec *fields;
	size_t nfields;
	bool strict; /* a name not in `fields` is a failure ("is not a known field") */
};

#define BODY_SPEC(table_, ...)                                                                     \
	{                                                                                          \
		.fields = (table_), .nfields = sizeof(table_) / sizeof((table_)[0]), __VA_ARGS__   \
	}

/* What fields_collect read for one field, at the field's index in the spec. */
struct field_value {
	bool set;                /* present and valid */
	const char *s;           /* strings, enums, emails */
	int64_t i;               /* FT_INT */
	bool b;                  /* FT_BOOL */
	struct json_object *o;   /* FT_OBJECT, FT_JSON (borrowed from the body) */
	struct field_value *sub; /* FT_OBJECT: its nested values (request arena) */
	const char **list;       /* FT_STRLIST items (request arena) */
	size_t n;                /* FT_STRLIST item count */
};

/*
 * Reads every field of `spec` from `body` (rq->json when NULL; a missing or
 * non-object body reads as empty) into out[0..nfields), prefixing each
 * failure's name with `prefix` (NULL at the top level). Returns the number
 * of failures added. Values live as long as the request.
 */
size_t fields_collect(struct fields *f, struct json_object *body, const char *prefix,
                      const struct body_spec *spec, struct field_value *out);

/*
 * The one call for a handler: fields_collect, then 400 with details.errors
 * when anything failed. Returns 0, or -1 after the 400.
 */
int fields_read(struct req *rq, struct json_object *body, const struct body_spec *spec,
                struct field_value *out);

/* Reads one field of `body` under `prefix`; true when it is present and valid. */
bool field_read(struct fields *f, struct json_object *body, const char *prefix,
                const struct field_spec *spec, struct field_value *out);

/* Applies the password policy to `pw`, recording what is missing. */
bool field_password_ok(struct fields *f, const char *name, const char *pw);
/* Adds a failure of its own ("field": message). */
void field_fail(struct fields *f, const char *name, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/*
 * True when `s` has only ASCII letters, digits and characters of `extra`
 * ("-_"): the one character-class check, for rules a spec cannot state.
 */
bool field_chars_ok(const char *s, const char *extra);
/* Failures so far. */
size_t fields_failed(const struct fields *f);
/* 0 when nothing failed, else answers 400 with details.errors and returns -1. */
int fields_done(struct fields *f);

#endif
