/* hcl.c: a strict recursive-descent reader of HCL2 native syntax over a hand-written scanner. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/hcl.h"
#include "lib/util.h"

/*
 * The grammar is hclsyntax's spec.md; where the prose and the reference
 * implementation (hashicorp/hcl, hclsyntax/parser.go and scan_tokens.rl)
 * differ in detail, this follows the implementation, so that what it
 * accepts is what Terraform accepts. Deliberately stricter: identifiers are
 * ASCII, block labels may not be empty, a byte order mark and the escape
 * \u0000 are refused. The parser builds no syntax tree: it checks, and keeps
 * only the inventory of top-level blocks.
 *
 * Every construct that nests (block bodies, brackets, parentheses, braces,
 * function calls, templates, ${ } and %{ } sequences, the true branch of a
 * conditional) goes one level deeper, and no more than HCL_MAX_DEPTH levels
 * are allowed, so that the C stack stays bounded whatever the input.
 */
#define HCL_MAX_DEPTH 64

/* ------------------------------------------------------------------------ */
/* Tokens                                                                   */
/* ------------------------------------------------------------------------ */

enum tk {
	TK_ERR,          /* the scanner failed: the reason is already in `why` */
	TK_EOF,          /* end of the input */
	TK_NEWLINE,      /* only where newlines matter (bodies, objects) */
	TK_IDENT,        /* foo, foo_bar, foo-bar */
	TK_NUMBER,       /* 1, 1.5, 1e-3 */
	TK_OQUOTE,       /* '"': the parser reads the quoted template itself */
	TK_HEREDOC,      /* "<<EOT\n" or "<<-EOT\n": the parser reads the rest */
	TK_LBRACE,       /* { */
	TK_RBRACE,       /* } */
	TK_TILDE_RBRACE, /* ~}: closes a template sequence, stripping spaces */
	TK_LBRACK,       /* [ */
	TK_RBRACK,       /* ] */
	TK_LPAREN,       /* ( */
	TK_RPAREN,       /* ) */
	TK_COMMA,        /* , */
	TK_DOT,          /* . */
	TK_ELLIPSIS,     /* ... */
	TK_COLON,        /* : */
	TK_DCOLON,       /* :: (provider::name::function) */
	TK_QUESTION,     /* ? */
	TK_ASSIGN,       /* = */
	TK_FATARROW,     /* => */
	TK_MINUS,        /* - (binary or unary) */
	TK_STAR,         /* * (binary or splat) */
	TK_BANG,         /* ! */
	TK_BINOP,        /* || && == != < > <= >= + / % */
};

struct tok {
	enum tk type;
	size_t start, end; /* the token's bytes in the input */
	int line;          /* where it starts */
	int end_line;      /* the line just after it */
};

struct parser {
	struct arena *a;
	const char *s;
	size_t len;
	size_t pos; /* the next byte to read */
	int line;   /* the line of s[pos], 1-based */
	bool nl;    /* newlines are tokens (bodies, objects) rather than spaces (brackets) */

	/* The token at `pos`, scanned once in newline mode `tok_nl`. */
	struct tok tok;
	bool tok_ok;
	size_t tok_pos;
	bool tok_nl;

	struct hcl_block **blocks_tail; /* where the next top-level block goes */

	char *why;
	size_t whylen;
	bool failed;
};

/* Names defined in one body, to refuse a second definition (a small hash set). */
struct name {
	const char *s;
	size_t len;
	int line;
};
struct names {
	struct name *tab;
	size_t cap, n;
};

/* The %{ if } / %{ for } directives open in one template. */
enum dir { DIR_IF, DIR_ELSE, DIR_FOR };
struct dirs {
	unsigned char kind[HCL_MAX_DEPTH + 1];
	int line[HCL_MAX_DEPTH + 1];
	int n;
};

static int expr(struct parser *p, int depth, const char **lit);

/* Records the first error only: later ones are consequences of it. */
__attribute__((format(printf, 3, 4))) static int fail(struct parser *p, int line, const char *fmt,
                                                      ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return -1;
	p->failed = true;
	if (p->why == NULL || p->whylen == 0)
		return -1;
	n = snprintf(p->why, p->whylen, "line %d: ", line);
	if (n >= 0 && (size_t)n < p->whylen) {
		va_start(ap, fmt);
		vsnprintf(p->why + n, p->whylen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* How much of a name or number goes into a message. */
static int clip(size_t n)
{
	return n > 40 ? 40 : (int)n;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_id_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_id_char(unsigned char c)
{
	return is_id_start(c) || is_digit(c) || c == '-';
}

static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The byte at i, or 0 past the end (the input holds no NUL, so 0 means "none"). */
static unsigned char at(const struct parser *p, size_t i)
{
	return i < p->len ? (unsigned char)p->s[i] : 0;
}

static bool tok_is(const struct parser *p, const struct tok *t, const char *word)
{
	size_t n = strlen(word);

	return t->type == TK_IDENT && t->end - t->start == n &&
	       memcmp(p->s + t->start, word, n) == 0;
}

/* A token for a message: identifiers are ASCII words, so they are safe to quote. */
static const char *describe(const struct parser *p, const struct tok *t, char *buf, size_t n)
{
	int len = clip(t->end - t->start);

	switch (t->type) {
	case TK_EOF: return "end of file";
	case TK_NEWLINE: return "end of line";
	case TK_OQUOTE: return "a string";
	case TK_HEREDOC: return "a heredoc";
	case TK_IDENT: snprintf(buf, n, "'%.*s'", len, p->s + t->start); return buf;
	case TK_NUMBER: snprintf(buf, n, "number %.*s", len, p->s + t->start); return buf;
	default: snprintf(buf, n, "'%.*s'", len, p->s + t->start); return buf;
	}
}

/*
 * Length of the number at s[i] (a digit), as the reference scanner cuts it:
 * digits, dots and exponents, not ending with a dot (so `foo.0.bar` is a
 * legacy index). Whether that is a valid number is checked separately.
 */
static size_t number_len(const struct parser *p, size_t i)
{
	size_t j = i + 1, end = i + 1;

	for (;;) {
		unsigned char c = at(p, j);

		if (is_digit(c)) {
			end = ++j;
		} else if (c == '.') {
			j++;
		} else if (c == 'e' || c == 'E') {
			size_t k = j + 1;

			if (at(p, k) == '+' || at(p, k) == '-')
				k++;
			if (!is_digit(at(p, k)))
				break;
			j = end = k + 1;
		} else {
			break;
		}
	}
	return end - i;
}

/* digits ("." digits*)? (("e"|"E") ("+"|"-")? digits)?, as cty parses a number. */
static bool number_ok(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_digit((unsigned char)s[i]))
		i++;
	if (i < n && s[i] == '.')
		for (i++; i < n && is_digit((unsigned char)s[i]);)
			i++;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t d;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && is_digit((unsigned char)s[i]);)
			i++;
		if (i == d)
			return false;
	}
	return i == n;
}

/*
 * "<<" "-"? identifier newline at s[i]: the length of the whole introducer
 * including its newline, or 0 when it is not one.
 */
static size_t heredoc_intro_len(const struct parser *p, size_t i)
{
	size_t j = i + 2;

	if (at(p, j) == '-')
		j++;
	if (!is_id_start(at(p, j)))
		return 0;
	while (is_id_char(at(p, j)))
		j++;
	if (at(p, j) == '\r')
		j++;
	if (at(p, j) != '\n')
		return 0;
	return j + 1 - i;
}

/* Scans the token at p->pos in the current newline mode, without consuming it. */
static void scan(struct parser *p, struct tok *t)
{
	const char *s = p->s;
	size_t i = p->pos, n = 1;
	int line = p->line;
	unsigned char c;

	/* Spaces, comments and (between brackets) newlines. */
	for (;;) {
		c = at(p, i);
		if (c == ' ' || c == '\t') {
			i++;
		} else if (c == '#' || (c == '/' && at(p, i + 1) == '/')) {
			/* Up to the end of the line: the newline itself is still a token. */
			while (i < p->len && s[i] != '\n' &&
			       !(s[i] == '\r' && at(p, i + 1) == '\n'))
				i++;
		} else if (c == '/' && at(p, i + 1) == '*') {
			int from = line;

			for (i += 2; i < p->len && !(s[i] == '*' && at(p, i + 1) == '/'); i++)
				if (s[i] == '\n')
					line++;
			if (i >= p->len) {
				fail(p, from, "unterminated comment");
				goto error;
			}
			i += 2;
		} else if (c == '\n' || (c == '\r' && at(p, i + 1) == '\n')) {
			size_t w = c == '\r' ? 2 : 1;

			if (p->nl) {
				*t = (struct tok){ TK_NEWLINE, i, i + w, line, line + 1 };
				return;
			}
			i += w;
			line++;
		} else {
			break;
		}
	}

	t->start = i;
	t->line = t->end_line = line;
	if (i >= p->len) {
		t->type = TK_EOF;
		t->end = i;
		return;
	}
	c = (unsigned char)s[i];
	if (is_id_start(c)) {
		while (is_id_char(at(p, i + n)))
			n++;
		t->type = TK_IDENT;
	} else if (is_digit(c)) {
		n = number_len(p, i);
		if (!number_ok(s + i, n)) {
			fail(p, line, "invalid number literal '%.*s'", clip(n), s + i);
			goto error;
		}
		t->type = TK_NUMBER;
	} else {
		unsigned char d = at(p, i + 1);

		switch (c) {
		case '"': t->type = TK_OQUOTE; break;
		case '{': t->type = TK_LBRACE; break;
		case '}': t->type = TK_RBRACE; break;
		case '[': t->type = TK_LBRACK; break;
		case ']': t->type = TK_RBRACK; break;
		case '(': t->type = TK_LPAREN; break;
		case ')': t->type = TK_RPAREN; break;
		case ',': t->type = TK_COMMA; break;
		case '?': t->type = TK_QUESTION; break;
		case '*': t->type = TK_STAR; break;
		case '-': t->type = TK_MINUS; break;
		case '+':
		case '/':
		case '%': t->type = TK_BINOP; break;
		case '.':
			t->type = d == '.' && at(p, i + 2) == '.' ? TK_ELLIPSIS : TK_DOT;
			n = t->type == TK_ELLIPSIS ? 3 : 1;
			break;
		case ':':
			t->type = d == ':' ? TK_DCOLON : TK_COLON;
			n = d == ':' ? 2 : 1;
			break;
		case '=':
			t->type = d == '=' ? TK_BINOP : d == '>' ? TK_FATARROW : TK_ASSIGN;
			n = d == '=' || d == '>' ? 2 : 1;
			break;
		case '!':
			t->type = d == '=' ? TK_BINOP : TK_BANG;
			n = d == '=' ? 2 : 1;
			break;
		case '>':
			t->type = TK_BINOP;
			n = d == '=' ? 2 : 1;
			break;
		case '<':
			if (d == '<' && (n = heredoc_intro_len(p, i)) > 0) {
				t->type = TK_HEREDOC;
				t->end_line = line + 1;
				break;
			}
			if (d == '<') {
				fail(p, line,
				     "invalid heredoc: '<<' must be followed by an identifier "
				     "and a newline");
				goto error;
			}
			t->type = TK_BINOP;
			n = d == '=' ? 2 : 1;
			break;
		case '&':
		case '|':
			if (d != c) {
				fail(p, line, "unexpected '%c' (did you mean '%c%c'?)", c, c, c);
				goto error;
			}
			t->type = TK_BINOP;
			n = 2;
			break;
		case '~':
			if (d != '}') {
				fail(p, line, "unexpected '~' outside a template sequence");
				goto error;
			}
			t->type = TK_TILDE_RBRACE;
			n = 2;
			break;
		case '\'':
			fail(p, line, "strings must be in double quotes, not single");
			goto error;
		case '\r': fail(p, line, "carriage return without a line feed"); goto error;
		default:
			if (c >= 0x21 && c < 0x7f)
				fail(p, line, "unexpected character '%c'", c);
			else if (c < 0x80)
				fail(p, line, "unexpected control character 0x%02x", c);
			else
				fail(p, line,
				     "unexpected non-ASCII character (identifiers are ASCII)");
			goto error;
		}
	}
	t->end = i + n;
	return;

error:
	*t = (struct tok){ TK_ERR, i, i, line, line };
}

static const struct tok *peek(struct parser *p)
{
	if (!p->tok_ok || p->tok_pos != p->pos || p->tok_nl != p->nl) {
		scan(p, &p->tok);
		p->tok_ok = true;
		p->tok_pos = p->pos;
		p->tok_nl = p->nl;
	}
	return &p->tok;
}

static struct tok next(struct parser *p)
{
	struct tok t = *peek(p);

	p->pos = t.end;
	p->line = t.end_line;
	return t;
}

/* "expected WHAT, found X" for the token t (nothing new when the scanner already failed). */
static int unexpected(struct parser *p, const struct tok *t, const char *what)
{
	char buf[64];

	if (t->type == TK_ERR)
		return -1;
	return fail(p, t->line, "expected %s, found %s", what, describe(p, t, buf, sizeof(buf)));
}

static int expect(struct parser *p, enum tk type, const char *what)
{
	const struct tok *t = peek(p);

	if (t->type != type)
		return unexpected(p, t, what);
	next(p);
	return 0;
}

/* One level deeper, or an error beyond HCL_MAX_DEPTH. */
static int deeper(struct parser *p, int *depth)
{
	if (++*depth > HCL_MAX_DEPTH)
		return fail(p, p->line, "nested deeper than %d levels", HCL_MAX_DEPTH);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Templates: "quoted", <<HEREDOC, ${ interpolation } and %{ directives }   */
/* ------------------------------------------------------------------------ */

/*
 * Checks the escape at s[i] (a backslash) in a quoted template. Returns its
 * length, or -1. \u0000 is refused: it would cut the C string short.
 */
static int check_escape(struct parser *p, size_t i, int line)
{
	unsigned char c = at(p, i + 1);
	uint32_t cp = 0;
	int digits;

	switch (c) {
	case 'n':
	case 'r':
	case 't':
	case '"':
	case '\\': return 2;
	case 'u': digits = 4; break;
	case 'U': digits = 8; break;
	default:
		if (c > 0x20 && c < 0x7f)
			return fail(p, line, "invalid escape sequence '\\%c'", c);
		return fail(p, line, "invalid escape sequence");
	}
	for (int k = 0; k < digits; k++) {
		unsigned char h = at(p, i + 2 + (size_t)k);

		if (!is_hex(h))
			return fail(p, line, "'\\%c' must be followed by %d hexadecimal digits", c,
			            digits);
		cp = cp << 4 | (uint32_t)(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
	}
	if (cp == 0)
		return fail(p, line, "the escape of a NUL character ('\\%c%0*d') is not allowed", c,
		            digits, 0);
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail(p, line, "escape U+%04X is not a Unicode character", (unsigned)cp);
	return 2 + digits;
}

/* Appends code point cp to d as UTF-8; returns the bytes written. */
static size_t put_utf8(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The value of a quoted template s[from, to) that has no ${ } or %{ }
 * sequence and whose escapes have been checked: escapes resolved, $${ and
 * %%{ undoubled. It is never longer than its source. NULL when out of memory.
 */
static char *unescape(struct parser *p, size_t from, size_t to)
{
	char *out = arena_alloc(p->a, to - from + 1), *d = out;
	const char *s = p->s;

	if (out == NULL) {
		fail(p, p->line, "out of memory");
		return NULL;
	}
	for (size_t i = from; i < to;) {
		if (s[i] == '\\') {
			char c = s[i + 1];
			uint32_t cp = 0;
			int digits = c == 'u' ? 4 : c == 'U' ? 8 : 0;

			if (digits == 0) {
				*d++ = c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
				i += 2;
				continue;
			}
			for (int k = 0; k < digits; k++) {
				unsigned char h = (unsigned char)s[i + 2 + (size_t)k];

				cp = cp << 4 |
				     (uint32_t)(is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
			}
			d += put_utf8(d, cp);
			i += 2 + (size_t)digits;
		} else if ((s[i] == '$' || s[i] == '%') && at(p, i + 1) == (unsigned char)s[i] &&
		           at(p, i + 2) == '{') {
			*d++ = s[i];
			*d++ = '{';
			i += 3;
		} else {
			*d++ = s[i++];
		}
	}
	*d = '\0';
	return out;
}

/*
 * A ${ interpolation } or %{ directive } whose '$' or '%' is at p->pos,
 * inside a template at `depth` with the open directives `d`. Newlines are
 * spaces inside the sequence, even in a quoted template.
 */
static int sequence(struct parser *p, int depth, struct dirs *d)
{
	char kind = p->s[p->pos];
	int line = p->line;
	bool saved = p->nl;
	struct tok t;

	if (deeper(p, &depth) < 0)
		return -1;
	p->pos += 2;
	if (at(p, p->pos) == '~')
		p->pos++;
	p->nl = false;
	if (kind == '$') {
		if (expr(p, depth, NULL) < 0)
			return -1;
	} else {
		t = next(p);
		if (t.type != TK_IDENT)
			return unexpected(p, &t,
			                  "a directive (if, else, endif, for, endfor) after '%{'");
		if (tok_is(p, &t, "if") || tok_is(p, &t, "for")) {
			bool is_for = tok_is(p, &t, "for");

			if (d->n >= HCL_MAX_DEPTH)
				return fail(p, line, "nested deeper than %d levels", HCL_MAX_DEPTH);
			if (is_for) {
				if (expect(p, TK_IDENT, "a variable name after 'for'") < 0)
					return -1;
				if (peek(p)->type == TK_COMMA) {
					next(p);
					if (expect(p, TK_IDENT,
					           "a second variable name after ','") < 0)
						return -1;
				}
				t = next(p);
				if (!tok_is(p, &t, "in"))
					return unexpected(p, &t, "'in' after the 'for' variables");
			}
			if (expr(p, depth, NULL) < 0)
				return -1;
			d->kind[d->n] = is_for ? DIR_FOR : DIR_IF;
			d->line[d->n++] = line;
		} else if (tok_is(p, &t, "else")) {
			if (d->n > 0 && d->kind[d->n - 1] == DIR_ELSE)
				return fail(p, line, "a second '%%{ else }' for one '%%{ if }'");
			if (d->n == 0 || d->kind[d->n - 1] != DIR_IF)
				return fail(p, line, "'%%{ else }' without a matching '%%{ if }'");
			d->kind[d->n - 1] = DIR_ELSE;
		} else if (tok_is(p, &t, "endif")) {
			if (d->n == 0 || d->kind[d->n - 1] == DIR_FOR)
				return fail(p, line, "'%%{ endif }' without a matching '%%{ if }'");
			d->n--;
		} else if (tok_is(p, &t, "endfor")) {
			if (d->n == 0 || d->kind[d->n - 1] != DIR_FOR)
				return fail(p, line,
				            "'%%{ endfor }' without a matching '%%{ for }'");
			d->n--;
		} else {
			return fail(p, t.line, "unknown template directive '%.*s'",
			            clip(t.end - t.start), p->s + t.start);
		}
	}
	t = next(p);
	if (t.type != TK_RBRACE && t.type != TK_TILDE_RBRACE) {
		if (t.type == TK_ERR)
			return -1;
		if (t.type == TK_EOF || t.type == TK_OQUOTE)
			return fail(p, line, "unterminated '%c{' sequence", kind);
		return unexpected(p, &t,
		                  kind == '$' ? "'}' to end the '${' interpolation"
		                              : "'}' to end the '%{' directive");
	}
	p->nl = saved;
	return 0;
}

/* At the end of a template, every %{ if } and %{ for } must be closed. */
static int dirs_closed(struct parser *p, const struct dirs *d)
{
	if (d->n == 0)
		return 0;
	return fail(p, d->line[d->n - 1], "'%%{ %s }' without its '%%{ %s }'",
	            d->kind[d->n - 1] == DIR_FOR ? "for" : "if",
	            d->kind[d->n - 1] == DIR_FOR ? "endfor" : "endif");
}

/*
 * The rest of a quoted template whose '"' was just read, up to and past its
 * closing '"'. In a block label (`label`) no sequence is allowed. When
 * `value` is not NULL it receives the unescaped string, or NULL when the
 * template has sequences (its value is only known at run time).
 */
static int quoted(struct parser *p, int depth, bool label, const char **value)
{
	size_t from = p->pos;
	int line = p->line;
	bool sequences = false;
	struct dirs d;
	int n;

	d.n = 0;
	if (deeper(p, &depth) < 0)
		return -1;
	for (;;) {
		unsigned char c = at(p, p->pos);

		if (p->pos >= p->len || c == '\n' || c == '\r')
			return fail(p, line, "unterminated string");
		if (c == '"')
			break;
		if (c == '\\') {
			if ((n = check_escape(p, p->pos, line)) < 0)
				return -1;
			p->pos += (size_t)n;
		} else if ((c == '$' || c == '%') && at(p, p->pos + 1) == c &&
		           at(p, p->pos + 2) == '{') {
			p->pos += 3; /* $${ and %%{ stand for ${ and %{ */
		} else if ((c == '$' || c == '%') && at(p, p->pos + 1) == '{') {
			if (label)
				return fail(p, line,
				            "a block label cannot contain '%c{' (write '%c%c{')", c,
				            c, c);
			sequences = true;
			if (sequence(p, depth, &d) < 0)
				return -1;
		} else {
			p->pos++;
		}
	}
	if (dirs_closed(p, &d) < 0)
		return -1;
	p->pos++; /* the closing quote */
	if (value != NULL) {
		*value = NULL;
		if (!sequences && (*value = unescape(p, from, p->pos - 1)) == NULL)
			return -1;
	}
	return 0;
}

/* Spaces that may surround a heredoc's closing marker. */
static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/*
 * When the line at p->pos holds only the heredoc marker (spaces around it
 * allowed) and ends with a newline, consumes the marker but not the
 * newline, which ends the attribute like any other. As in the reference
 * scanner, a marker on the last line with no newline after it does not
 * count.
 */
static bool heredoc_end(struct parser *p, const char *marker, size_t mlen)
{
	const char *nl = memchr(p->s + p->pos, '\n', p->len - p->pos);
	size_t b = p->pos, e;

	if (nl == NULL)
		return false;
	e = (size_t)(nl - p->s);
	if (e > b && p->s[e - 1] == '\r')
		e--;
	while (b < e && is_blank((unsigned char)p->s[b]))
		b++;
	while (e > b && is_blank((unsigned char)p->s[e - 1]))
		e--;
	if (e - b != mlen || memcmp(p->s + b, marker, mlen) != 0)
		return false;
	p->pos = (size_t)(nl - p->s);
	if (p->s[p->pos - 1] == '\r')
		p->pos--;
	return true;
}

/*
 * The body of a heredoc whose introducer `t` (with its newline) was just
 * read: lines of template up to a line holding only the marker. Backslashes
 * are literal here; ${ } and %{ } work as in quoted templates.
 */
static int heredoc(struct parser *p, int depth, const struct tok *t)
{
	size_t m = t->start + 2;
	const char *marker;
	size_t mlen;
	bool bol = true; /* at the start of a line: the marker may be there */
	struct dirs d;

	d.n = 0;
	if (deeper(p, &depth) < 0)
		return -1;
	if (p->s[m] == '-')
		m++;
	marker = p->s + m;
	for (mlen = 0; is_id_char((unsigned char)marker[mlen]);)
		mlen++;
	for (;;) {
		unsigned char c = at(p, p->pos);

		if (bol && heredoc_end(p, marker, mlen))
			break;
		bol = false;
		if (p->pos >= p->len)
			return fail(p, t->line,
			            "unterminated heredoc: no line '%.*s' followed by a newline",
			            clip(mlen), marker);
		if (c == '\n' || (c == '\r' && at(p, p->pos + 1) == '\n')) {
			p->pos += c == '\r' ? 2 : 1;
			p->line++;
			bol = true;
		} else if (c == '\r') {
			return fail(p, p->line, "carriage return without a line feed");
		} else if ((c == '$' || c == '%') && at(p, p->pos + 1) == c &&
		           at(p, p->pos + 2) == '{') {
			p->pos += 3;
		} else if ((c == '$' || c == '%') && at(p, p->pos + 1) == '{') {
			if (sequence(p, depth, &d) < 0)
				return -1;
		} else {
			p->pos++;
		}
	}
	return dirs_closed(p, &d);
}

/* ------------------------------------------------------------------------ */
/* Expressions                                                              */
/* ------------------------------------------------------------------------ */

/*
 * The part of a for expression after its opening bracket or brace:
 * `for k, v in coll : [key =>] value [...] [if cond]` and the closer.
 */
static int for_expr(struct parser *p, int depth, enum tk close, int line)
{
	struct tok t;
	bool has_key = false, group = false;

	next(p); /* for */
	if (expect(p, TK_IDENT, "a variable name after 'for'") < 0)
		return -1;
	if (peek(p)->type == TK_COMMA) {
		next(p);
		if (expect(p, TK_IDENT, "a second variable name after ','") < 0)
			return -1;
	}
	t = next(p);
	if (!tok_is(p, &t, "in"))
		return unexpected(p, &t, "'in' after the 'for' variables");
	if (expr(p, depth, NULL) < 0 || expect(p, TK_COLON, "':' after the 'for' collection") < 0)
		return -1;
	if (expr(p, depth, NULL) < 0)
		return -1;
	if (peek(p)->type == TK_FATARROW) {
		next(p);
		has_key = true;
		if (expr(p, depth, NULL) < 0)
			return -1;
	}
	if (peek(p)->type == TK_ELLIPSIS) {
		next(p);
		group = true;
	}
	if (tok_is(p, peek(p), "if")) {
		next(p);
		if (expr(p, depth, NULL) < 0)
			return -1;
	}
	if (expect(p, close,
	           close == TK_RBRACK ? "']' to end the 'for' expression"
	                              : "'}' to end the 'for' expression") < 0)
		return -1;
	if (close == TK_RBRACK && has_key)
		return fail(p, line, "a '[for ...]' expression makes a tuple: it has no 'key =>'");
	if (close == TK_RBRACK && group)
		return fail(p, line, "a '[for ...]' expression cannot group with '...'");
	if (close == TK_RBRACE && !has_key)
		return fail(p, line, "a '{for ...}' expression needs 'key => value'");
	return 0;
}

/* [ a, b, ] or [for ...], the '[' just read. Newlines are spaces inside. */
static int tuple(struct parser *p, int depth, int line)
{
	const struct tok *t;

	if (deeper(p, &depth) < 0)
		return -1;
	p->nl = false;
	if (tok_is(p, peek(p), "for"))
		return for_expr(p, depth, TK_RBRACK, line);
	for (;;) {
		if (peek(p)->type == TK_RBRACK)
			break;
		if (peek(p)->type == TK_EOF)
			return fail(p, line, "unterminated '[' (no closing ']')");
		if (expr(p, depth, NULL) < 0)
			return -1;
		t = peek(p);
		if (t->type == TK_RBRACK)
			break;
		if (t->type == TK_EOF)
			return fail(p, line, "unterminated '[' (no closing ']')");
		if (t->type != TK_COMMA)
			return unexpected(p, t, "',' or ']' in the tuple");
		next(p);
	}
	next(p);
	return 0;
}

/*
 * { k = v, k: v } or {for ...}, the '{' just read. Items are separated by
 * commas or newlines (the only bracket in which newlines matter).
 */
static int object(struct parser *p, int depth, int line)
{
	const struct tok *t;

	if (deeper(p, &depth) < 0)
		return -1;
	p->nl = false;
	if (tok_is(p, peek(p), "for"))
		return for_expr(p, depth, TK_RBRACE, line);
	p->nl = true;
	for (;;) {
		t = peek(p);
		if (t->type == TK_NEWLINE) {
			next(p);
			continue;
		}
		if (t->type == TK_RBRACE)
			break;
		if (t->type == TK_EOF)
			return fail(p, line, "unterminated '{' (no closing '}')");
		if (expr(p, depth, NULL) < 0)
			return -1;
		t = peek(p);
		if (t->type == TK_EOF)
			return fail(p, line, "unterminated '{' (no closing '}')");
		if (t->type != TK_ASSIGN && t->type != TK_COLON)
			return unexpected(p, t, "'=' or ':' after the object key");
		next(p);
		if (expr(p, depth, NULL) < 0)
			return -1;
		t = peek(p);
		if (t->type == TK_RBRACE)
			break;
		if (t->type == TK_EOF)
			return fail(p, line, "unterminated '{' (no closing '}')");
		if (t->type != TK_COMMA && t->type != TK_NEWLINE)
			return unexpected(p, t, "',' or a newline after the object item");
		next(p);
	}
	next(p);
	return 0;
}

/* name(args) or ns::name(args), the name just read; `(a, b...)` expands b. */
static int call(struct parser *p, int depth, int line)
{
	struct tok t;

	while (peek(p)->type == TK_DCOLON) {
		next(p);
		if (expect(p, TK_IDENT, "a function name after '::'") < 0)
			return -1;
	}
	if (expect(p, TK_LPAREN, "'(' after the function name") < 0 || deeper(p, &depth) < 0)
		return -1;
	p->nl = false;
	for (;;) {
		if (peek(p)->type == TK_RPAREN)
			break;
		if (peek(p)->type == TK_EOF)
			return fail(p, line, "unterminated function call (no closing ')')");
		if (expr(p, depth, NULL) < 0)
			return -1;
		t = *peek(p);
		if (t.type == TK_RPAREN)
			break;
		if (t.type == TK_ELLIPSIS) {
			next(p);
			if (peek(p)->type != TK_RPAREN)
				return unexpected(p, peek(p), "')' right after '...'");
			break;
		}
		if (t.type == TK_EOF)
			return fail(p, line, "unterminated function call (no closing ')')");
		if (t.type != TK_COMMA)
			return unexpected(p, &t, "',' or ')' in the function call");
		next(p);
	}
	next(p);
	return 0;
}

/*
 * A term: a literal, a template, a variable, a call, a collection, a for
 * expression or a parenthesised expression. *lit (when lit is not NULL)
 * receives its value when it is a literal, else NULL.
 */
static int term(struct parser *p, int depth, const char **lit)
{
	struct tok t = next(p);
	bool saved = p->nl;
	const char *v = NULL;
	int rc;

	switch (t.type) {
	case TK_NUMBER:
		if (lit != NULL &&
		    (v = arena_strndup(p->a, p->s + t.start, t.end - t.start)) == NULL)
			return fail(p, t.line, "out of memory");
		rc = 0;
		break;
	case TK_IDENT:
		if (peek(p)->type == TK_LPAREN || peek(p)->type == TK_DCOLON) {
			rc = call(p, depth, t.line);
			break;
		}
		v = tok_is(p, &t, "true")    ? "true"
		    : tok_is(p, &t, "false") ? "false"
		    : tok_is(p, &t, "null")  ? "null"
		                             : NULL;
		rc = 0;
		break;
	case TK_OQUOTE: rc = quoted(p, depth, false, lit != NULL ? &v : NULL); break;
	case TK_HEREDOC: rc = heredoc(p, depth, &t); break;
	case TK_LBRACK: rc = tuple(p, depth, t.line); break;
	case TK_LBRACE: rc = object(p, depth, t.line); break;
	case TK_LPAREN:
		if (deeper(p, &depth) < 0)
			return -1;
		p->nl = false;
		rc = expr(p, depth, NULL) < 0 ? -1 : expect(p, TK_RPAREN, "')'");
		break;
	default: return unexpected(p, &t, "an expression");
	}
	p->nl = saved;
	if (lit != NULL)
		*lit = v;
	return rc;
}

/*
 * The step after a '.': an attribute name, or a legacy index `.0` (but not
 * `.0.1`, which scans as one number, as in HCL).
 */
static int dot_step(struct parser *p)
{
	const struct tok *t = peek(p);

	if (t->type == TK_NUMBER && memchr(p->s + t->start, '.', t->end - t->start))
		return fail(p, t->line, "legacy index '.%.*s' cannot chain two indexes",
		            clip(t->end - t->start), p->s + t->start);
	if (t->type != TK_IDENT && t->type != TK_NUMBER)
		return unexpected(p, t, "an attribute name after '.'");
	next(p);
	return 0;
}

/*
 * What may follow a term: .attr, .0 (legacy index), .* (attribute splat),
 * [index] and [*] (full splat). Sets *more when there was any.
 */
static int traversals(struct parser *p, int depth, bool *more)
{
	for (;;) {
		const struct tok *t = peek(p);

		if (t->type == TK_DOT) {
			next(p);
			if (peek(p)->type != TK_STAR) {
				if (dot_step(p) < 0)
					return -1;
			} else {
				/* .* takes the attribute steps after it, but not another splat. */
				for (next(p); peek(p)->type == TK_DOT;) {
					next(p);
					if (peek(p)->type == TK_STAR)
						return fail(p, peek(p)->line,
						            "a splat '.*' cannot contain another");
					if (dot_step(p) < 0)
						return -1;
				}
			}
		} else if (t->type == TK_LBRACK) {
			bool saved = p->nl;
			int d = depth;

			next(p);
			if (peek(p)->type == TK_STAR) {
				next(p);
				if (expect(p, TK_RBRACK, "']' after '[*'") < 0)
					return -1;
			} else {
				if (deeper(p, &d) < 0)
					return -1;
				p->nl = false;
				if (expr(p, d, NULL) < 0 ||
				    expect(p, TK_RBRACK, "']' after the index") < 0)
					return -1;
				p->nl = saved;
			}
		} else {
			return 0;
		}
		*more = true;
	}
}

/* Unary operators, a term and its traversals. */
static int operand(struct parser *p, int depth, const char **lit)
{
	bool more = false;

	while (peek(p)->type == TK_MINUS || peek(p)->type == TK_BANG) {
		next(p);
		more = true;
	}
	if (term(p, depth, lit) < 0 || traversals(p, depth, &more) < 0)
		return -1;
	if (more && lit != NULL)
		*lit = NULL;
	return 0;
}

/*
 * An expression: operands joined by binary operators, possibly the
 * condition of `? :`. Precedence only shapes a tree, which is not built,
 * so the operators are one flat loop; the false branch of a conditional
 * is a loop too, and only its true branch recurses.
 */
static int expr(struct parser *p, int depth, const char **lit)
{
	bool simple = true;

	for (;;) {
		const struct tok *t;

		if (operand(p, depth, simple ? lit : NULL) < 0)
			return -1;
		t = peek(p);
		if (t->type == TK_BINOP || t->type == TK_MINUS || t->type == TK_STAR) {
			next(p);
		} else if (t->type == TK_QUESTION) {
			int d = depth;

			next(p);
			if (deeper(p, &d) < 0 || expr(p, d, NULL) < 0 ||
			    expect(p, TK_COLON, "':' in the conditional expression") < 0)
				return -1;
		} else {
			break;
		}
		simple = false;
	}
	if (!simple && lit != NULL)
		*lit = NULL;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Bodies, attributes and blocks                                            */
/* ------------------------------------------------------------------------ */

/* FNV-1a, for the names of one body. */
static size_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Adds the attribute name t to the set, or fails when it is already there. */
static int names_add(struct parser *p, struct names *ns, const struct tok *t)
{
	const char *s = p->s + t->start;
	size_t n = t->end - t->start, i;

	if (ns->n * 4 >= ns->cap * 3) {
		/* Grow (old tables stay in the arena: at most as much again). */
		size_t cap = ns->cap ? ns->cap * 2 : 16;
		struct name *tab = arena_calloc(p->a, cap * sizeof(*tab));

		if (tab == NULL)
			return fail(p, t->line, "out of memory");
		for (size_t k = 0; k < ns->cap; k++) {
			if (ns->tab[k].s == NULL)
				continue;
			for (i = name_hash(ns->tab[k].s, ns->tab[k].len) & (cap - 1);
			     tab[i].s != NULL;)
				i = (i + 1) & (cap - 1);
			tab[i] = ns->tab[k];
		}
		ns->tab = tab;
		ns->cap = cap;
	}
	for (i = name_hash(s, n) & (ns->cap - 1); ns->tab[i].s != NULL; i = (i + 1) & (ns->cap - 1))
		if (ns->tab[i].len == n && memcmp(ns->tab[i].s, s, n) == 0)
			return fail(p, t->line, "attribute '%.*s' is already set on line %d",
			            clip(n), s, ns->tab[i].line);
	ns->tab[i] = (struct name){ s, n, t->line };
	ns->n++;
	return 0;
}

/*
 * `name = value`, the name `t` read and '=' next. When `tail` is not NULL
 * the attribute is appended there (top-level blocks' attributes).
 */
static int attribute(struct parser *p, int depth, const struct tok *t, struct hcl_attr ***tail,
                     const char *prefix)
{
	const char *lit = NULL;
	struct hcl_attr *attr;
	int n = t->end - t->start;

	size_t from;

	next(p); /* = */
	from = peek(p)->start;
	if (expr(p, depth, tail != NULL ? &lit : NULL) < 0)
		return -1;
	if (tail == NULL)
		return 0;
	if ((attr = arena_calloc(p->a, sizeof(*attr))) == NULL ||
	    (attr->name = prefix != NULL ? arena_printf(p->a, "%s.%.*s", prefix, n, p->s + t->start)
	                                 : arena_strndup(p->a, p->s + t->start, (size_t)n)) == NULL)
		return fail(p, t->line, "out of memory");
	attr->literal = lit;
	attr->src = p->s + from;
	attr->srclen = p->pos - from;
	**tail = attr;
	*tail = &attr->next;
	return 0;
}

static int body(struct parser *p, int depth, const struct tok *opener, struct hcl_file *file,
                struct hcl_attr ***tail, const char *prefix);

/*
 * `type label "label" { body }` or `type { name = value }` on one line,
 * the type `t` read. When `file` is not NULL (top level) the block is
 * added to its inventory; otherwise its attributes go to `tail` (the
 * enclosing top-level block's list, or NULL) named "<prefix>.<type>.<name>".
 */
static int block(struct parser *p, int depth, const struct tok *t, struct hcl_file *file,
                 struct hcl_attr ***tail, const char *prefix)
{
	struct hcl_block *b = NULL;
	struct hcl_attr **next_attr = NULL;
	const char *inner = NULL; /* the prefix of this block's attributes */
	struct tok l;
	char buf[64];
	const struct tok *e;

	if (file != NULL) {
		if ((b = arena_calloc(p->a, sizeof(*b))) == NULL ||
		    (b->type = arena_strndup(p->a, p->s + t->start, t->end - t->start)) == NULL)
			return fail(p, t->line, "out of memory");
		b->line = t->line;
		next_attr = &b->attrs;
		tail = &next_attr;
	} else if (tail != NULL) {
		int n = t->end - t->start;

		inner = prefix != NULL ? arena_printf(p->a, "%s.%.*s", prefix, n, p->s + t->start)
		                       : arena_strndup(p->a, p->s + t->start, (size_t)n);
		if (inner == NULL)
			return fail(p, t->line, "out of memory");
	}
	/* Labels, up to the '{' on the same line. */
	for (;;) {
		const char *v = NULL;

		l = next(p);
		if (l.type == TK_LBRACE)
			break;
		if (l.type == TK_OQUOTE) {
			if (quoted(p, depth, true, b != NULL && b->nlabels < 2 ? &v : NULL) < 0)
				return -1;
			if (p->pos - l.end == 1)
				return fail(p, l.line, "a block label cannot be empty");
		} else if (l.type == TK_IDENT) {
			if (b != NULL && b->nlabels < 2 &&
			    (v = arena_strndup(p->a, p->s + l.start, l.end - l.start)) == NULL)
				return fail(p, l.line, "out of memory");
		} else if (l.type == TK_NEWLINE) {
			return fail(p, l.line, "the '{' of block '%.*s' must be on the same line",
			            clip(t->end - t->start), p->s + t->start);
		} else {
			return unexpected(p, &l, "a block label or '{'");
		}
		if (b != NULL && b->nlabels < 2)
			b->labels[b->nlabels++] = v;
	}
	e = peek(p);
	if (e->type == TK_NEWLINE || e->type == TK_RBRACE || e->type == TK_EOF) {
		if (body(p, depth + 1, t, NULL, tail, inner) < 0)
			return -1;
	} else {
		/* A single-line block: one attribute, then '}' on the same line. */
		struct tok name = *e;
		int d = depth;

		if (deeper(p, &d) < 0)
			return -1;
		if (name.type != TK_IDENT)
			return unexpected(p, &name, "an attribute name in the single-line block");
		next(p);
		if (peek(p)->type != TK_ASSIGN)
			return fail(p, name.line,
			            "a single-line block holds one attribute: expected '=' after "
			            "'%.*s'",
			            clip(name.end - name.start), p->s + name.start);
		if (attribute(p, d, &name, tail, inner) < 0)
			return -1;
		e = peek(p);
		if (e->type == TK_EOF)
			return fail(p, t->line, "unterminated block '%.*s' (no closing '}')",
			            clip(t->end - t->start), p->s + t->start);
		if (e->type != TK_RBRACE)
			return unexpected(p, e,
			                  "'}' closing the single-line block on the same line");
		next(p);
	}
	e = peek(p);
	if (e->type != TK_NEWLINE && e->type != TK_EOF) {
		if (e->type == TK_ERR)
			return -1;
		return fail(p, e->line, "expected a newline after the block's '}', found %s",
		            describe(p, e, buf, sizeof(buf)));
	}
	next(p);
	if (file != NULL) {
		*p->blocks_tail = b;
		p->blocks_tail = &b->next;
		file->nblocks++;
	}
	return 0;
}

/*
 * Attributes and blocks, one per line, up to the '}' of the block whose
 * type is `opener` or, at the top level (depth 0), the end of the input.
 * `file` receives the top-level blocks, `tail` a top-level block's attributes.
 */
static int body(struct parser *p, int depth, const struct tok *opener, struct hcl_file *file,
                struct hcl_attr ***tail, const char *prefix)
{
	struct names names = { NULL, 0, 0 };
	char buf[64];

	if (depth > HCL_MAX_DEPTH)
		return fail(p, p->line, "nested deeper than %d levels", HCL_MAX_DEPTH);
	p->nl = true;
	for (;;) {
		struct tok t = next(p), n;

		switch (t.type) {
		case TK_NEWLINE: continue;
		case TK_EOF:
			if (depth == 0)
				return 0;
			return fail(p, opener->line, "unterminated block '%.*s' (no closing '}')",
			            clip(opener->end - opener->start), p->s + opener->start);
		case TK_RBRACE:
			if (depth > 0)
				return 0;
			return fail(p, t.line, "unexpected '}' (no block is open)");
		case TK_IDENT: break;
		case TK_OQUOTE: return fail(p, t.line, "attribute names cannot be quoted");
		case TK_ERR: return -1;
		default:
			return fail(p, t.line, "expected an attribute or a block, found %s",
			            describe(p, &t, buf, sizeof(buf)));
		}
		n = *peek(p);
		if (n.type == TK_ASSIGN) {
			if (names_add(p, &names, &t) < 0 ||
			    attribute(p, depth, &t, tail, prefix) < 0)
				return -1;
			n = *peek(p);
			if (n.type == TK_NEWLINE) {
				next(p);
			} else if (n.type == TK_COMMA) {
				return fail(p, n.line,
				            "attributes are separated by newlines, not commas");
			} else if (n.type != TK_EOF) {
				if (n.type == TK_ERR)
					return -1;
				return fail(p, n.line,
				            "expected a newline after attribute '%.*s', found %s",
				            clip(t.end - t.start), p->s + t.start,
				            describe(p, &n, buf, sizeof(buf)));
			}
		} else if (n.type == TK_IDENT || n.type == TK_OQUOTE || n.type == TK_LBRACE) {
			if (block(p, depth, &t, depth == 0 ? file : NULL, tail, prefix) < 0)
				return -1;
		} else {
			if (n.type == TK_ERR)
				return -1;
			return fail(p, t.line, "expected '=' or a block after identifier '%.*s'",
			            clip(t.end - t.start), p->s + t.start);
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                             */
/* ------------------------------------------------------------------------ */

int hcl_parse(struct arena *a, const char *text, size_t len, struct hcl_file *out, char *why,
              size_t whylen)
{
	struct parser p = { 0 };
	const char *nul;

	memset(out, 0, sizeof(*out));
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	p.a = a;
	p.s = text;
	p.len = text != NULL ? len : 0;
	p.line = 1;
	p.why = why;
	p.whylen = whylen;

	/* The whole text first: no NUL, valid UTF-8 (a multi-byte character never holds '\n'). */
	if (p.len > 0 && (nul = memchr(p.s, '\0', p.len)) != NULL) {
		for (const char *c = p.s; c < nul; c++)
			p.line += *c == '\n';
		return fail(&p, p.line, "NUL byte in the text");
	}
	for (size_t i = 0; i < p.len;) {
		const char *eol = memchr(p.s + i, '\n', p.len - i);
		size_t e = eol != NULL ? (size_t)(eol - p.s) : p.len;

		if (!util_utf8_valid(p.s + i, e - i))
			return fail(&p, p.line, "invalid UTF-8");
		i = e + 1;
		p.line++;
	}
	p.line = 1;
	if (p.len >= 3 && memcmp(p.s, "\xef\xbb\xbf", 3) == 0)
		return fail(&p, 1, "byte order mark at the start of the text");

	p.blocks_tail = &out->blocks;
	if (body(&p, 0, NULL, out, NULL, NULL) < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

const char *hcl_attr_literal(const struct hcl_block *b, const char *name)
{
	if (b == NULL || name == NULL)
		return NULL;
	for (const struct hcl_attr *attr = b->attrs; attr != NULL; attr = attr->next)
		if (strcmp(attr->name, name) == 0)
			return attr->literal;
	return NULL;
}
