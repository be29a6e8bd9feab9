/* gen_hcl.c: writes a generator design as terraform-fmt-clean HCL for AWS, Azure and GCP. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/gen_internal.h"

const char *const gen_comp_names[GC__MAX] = {
	"network",      /* GC_NETWORK */
	"web",          /* GC_WEB */
	"loadbalancer", /* GC_LB */
	"database",     /* GC_DATABASE */
	"cache",        /* GC_CACHE */
	"storage",      /* GC_STORAGE */
	"cdn",          /* GC_CDN */
	"queue",        /* GC_QUEUE */
	"kubernetes",   /* GC_KUBERNETES */
	"functions",    /* GC_FUNCTIONS */
	"search",       /* GC_SEARCH */
	"monitoring",   /* GC_MONITORING */
	"backup",       /* GC_BACKUP */
};

/* ================================================================ emitter */

/*
 * The emitter keeps terraform fmt's rules by construction: two spaces per
 * level, and the `=` of consecutive single-line attributes aligned. An
 * attribute is held back until something that is not an attribute comes
 * (a block, a multi-line value, the end of the block), then the whole run
 * is written with its `=` in one column, which is what fmt does. A blank
 * line separates top-level blocks and sets nested blocks apart from their
 * neighbours; fmt keeps blank lines as they are.
 */

enum { LAST_NONE, LAST_ATTR, LAST_BLOCK };

static void put(struct gen_out *o, const char *s, size_t n)
{
	if (o->a == NULL || o->fail)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap != 0 ? o->cap * 2 : 16384;
		char *nb;

		while (cap < o->len + n + 1)
			cap *= 2;
		if ((nb = arena_alloc(o->a, cap)) == NULL) {
			o->fail = true;
			return;
		}
		if (o->len != 0)
			memcpy(nb, o->buf, o->len);
		o->buf = nb;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_(struct gen_out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void indent(struct gen_out *o)
{
	static const char spaces[] = "                                ";

	put(o, spaces,
	    (size_t)o->depth * 2 < sizeof(spaces) - 1 ? (size_t)o->depth * 2 : sizeof(spaces) - 1);
}

/* Writes the held-back run of attributes with aligned `=`. */
static void flush(struct gen_out *o)
{
	size_t w = 0;

	if (o->npend == 0)
		return;
	if (o->last[o->depth] == LAST_BLOCK)
		put(o, "\n", 1);
	for (int i = 0; i < o->npend; i++)
		if (strlen(o->pkey[i]) > w)
			w = strlen(o->pkey[i]);
	for (int i = 0; i < o->npend; i++) {
		size_t k = strlen(o->pkey[i]);

		indent(o);
		puts_(o, o->pkey[i]);
		while (k++ < w)
			put(o, " ", 1);
		put(o, " = ", 3);
		puts_(o, o->vbuf + o->pval[i]);
		put(o, "\n", 1);
	}
	o->last[o->depth] = LAST_ATTR;
	o->npend = 0;
	o->vlen = 0;
}

/* Starts something that is not a one-line attribute: a block or a multi-line value. */
static void open_line(struct gen_out *o)
{
	flush(o);
	if (o->depth == 0) {
		if (o->len != 0)
			put(o, "\n", 1);
	} else if (o->last[o->depth] != LAST_NONE) {
		put(o, "\n", 1);
	}
	indent(o);
}

static void descend(struct gen_out *o)
{
	if (o->depth + 1 >= (int)sizeof(o->last)) {
		o->fail = true;
		return;
	}
	o->depth++;
	o->last[o->depth] = LAST_NONE;
}

static void blk(struct gen_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void blk(struct gen_out *o, const char *fmt, ...)
{
	char head[256];
	va_list ap;

	if (o->a == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	open_line(o);
	puts_(o, head);
	put(o, " {\n", 3);
	descend(o);
}

/* An empty block on one line: `features {}`. */
static void empty(struct gen_out *o, const char *name)
{
	if (o->a == NULL)
		return;
	open_line(o);
	puts_(o, name);
	put(o, " {}\n", 4);
	o->last[o->depth] = LAST_BLOCK;
}

/* A multi-line value: `key = {` or `key = jsonencode({`, closed by close_val(). */
static void open_val(struct gen_out *o, const char *key, const char *opener)
{
	if (o->a == NULL)
		return;
	open_line(o);
	puts_(o, key);
	put(o, " = ", 3);
	puts_(o, opener);
	put(o, "\n", 1);
	descend(o);
}

static void close_val(struct gen_out *o, const char *closer)
{
	if (o->a == NULL)
		return;
	flush(o);
	o->depth--;
	indent(o);
	puts_(o, closer);
	put(o, "\n", 1);
	o->last[o->depth] = LAST_BLOCK;
}

static void end(struct gen_out *o)
{
	close_val(o, "}");
}

static char *pend(struct gen_out *o, const char *key)
{
	if (o->npend == GEN_MAX_PEND) {
		o->fail = true;
		return NULL;
	}
	o->pkey[o->npend] = key;
	o->pval[o->npend] = o->vlen;
	return o->vbuf + o->vlen;
}

/* An attribute whose value is an expression, written as given. */
static void attr(struct gen_out *o, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void attr(struct gen_out *o, const char *key, const char *fmt, ...)
{
	size_t room = sizeof(o->vbuf) - o->vlen;
	va_list ap;
	char *v;
	int n;

	if (o->a == NULL || (v = pend(o, key)) == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(v, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		o->fail = true;
		return;
	}
	o->vlen += (size_t)n + 1;
	o->npend++;
}

/*
 * An attribute whose value is the string `s`, quoted and escaped so that it
 * stays a literal: quotes and backslashes escaped, control characters as
 * \uNNNN, and the template introducers ${ and %{ doubled.
 */
static void str(struct gen_out *o, const char *key, const char *s)
{
	size_t room = sizeof(o->vbuf) - o->vlen, n = 0;
	char *v;

	if (o->a == NULL || (v = pend(o, key)) == NULL)
		return;
#define OUT(c)                                                                                     \
	do {                                                                                       \
		if (n + 1 >= room) {                                                               \
			o->fail = true;                                                            \
			return;                                                                    \
		}                                                                                  \
		v[n++] = (char)(c);                                                                \
	} while (0)
	OUT('"');
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			OUT('\\');
			OUT(*p);
		} else if (*p == '\n') {
			OUT('\\');
			OUT('n');
		} else if (*p < 0x20 || *p == 0x7f) {
			char u[8];

			snprintf(u, sizeof(u), "\\u%04x", *p);
			for (int i = 0; u[i] != '\0'; i++)
				OUT(u[i]);
		} else if ((*p == '$' || *p == '%') && p[1] == '{') {
			OUT(*p);
			OUT(*p);
		} else {
			OUT(*p);
		}
	}
	OUT('"');
#undef OUT
	v[n] = '\0';
	o->vlen += n + 1;
	o->npend++;
}

/* A string attribute built with printf from trusted parts (slugs, fixed words). */
static void strf(struct gen_out *o, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void strf(struct gen_out *o, const char *key, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	if (o->a == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	str(o, key, tmp);
}

static void comment(struct gen_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void comment(struct gen_out *o, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (o->a == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* only generator text reaches here, but a comment must stay one line */
	for (char *p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	flush(o);
	indent(o);
	put(o, "# ", 2);
	puts_(o, line);
	put(o, "\n", 1);
}

/* Opens `resource "type" "name" {` and adds the resource, priced, to the list. */
/* gen_price(), remembered by pointer: the fitter prices the same design many times. */
static int64_t price_of(struct gen_out *o, const char *type, const char *size)
{
	int64_t cents;

	for (int i = 0; i < o->npc; i++)
		if (o->pc[i].type == type && o->pc[i].size == size)
			return o->pc[i].cents;
	cents = gen_price(o->cloud, type, size);
	if (o->npc < (int)(sizeof(o->pc) / sizeof(o->pc[0]))) {
		o->pc[o->npc].type = type;
		o->pc[o->npc].size = size;
		o->pc[o->npc++].cents = cents;
	}
	return cents;
}

static void res(struct gen_out *o, const char *type, const char *name, enum gen_comp comp,
                const char *size, int count)
{
	int64_t unit = price_of(o, type, size);

	if (unit < 0) /* a table gap; the unit tests keep this from happening */
		unit = 0;
	if (o->nres < GEN_MAX_RES) {
		struct gen_resource *r = &o->res[o->nres++];

		r->type = type;
		r->name = name;
		r->component = gen_comp_names[comp];
		r->size = size;
		r->count = count;
		r->monthly_cents = unit * count;
		o->cents += r->monthly_cents;
		o->comp_cents[comp] += r->monthly_cents;
	} else {
		o->fail = true;
	}
	blk(o, "resource \"%s\" \"%s\"", type, name);
}

static void output(struct gen_out *o, const char *name, const char *desc, const char *value)
{
	blk(o, "output \"%s\"", name);
	str(o, "description", desc);
	attr(o, "value", "%s", value);
	end(o);
}

static void variable(struct gen_out *o, const char *name, const char *desc, const char *def,
                     bool sensitive)
{
	blk(o, "variable \"%s\"", name);
	str(o, "description", desc);
	attr(o, "type", "string");
	if (def != NULL)
		str(o, "default", def);
	if (sensitive)
		attr(o, "sensitive", "true");
	end(o);
}

static void password_variable(struct gen_out *o)
{
	blk(o, "variable \"db_password\"");
	str(o, "description",
	    "Database administrator password. No default: set it with "
	    "TF_VAR_db_password or a secret store, never in code.");
	attr(o, "type", "string");
	attr(o, "sensitive", "true");
	blk(o, "validation");
	attr(o, "condition", "length(var.db_password) >= 16");
	str(o, "error_message", "The database password must be at least 16 characters.");
	end(o);
	end(o);
	variable(o, "db_username", "Database administrator user name.", "app_admin", false);
}

static void header(struct gen_out *o, const struct gen_design *d, const char *cloud, int64_t cost)
{
	comment(o, "Terraform for project \"%s\" on %s, written by the Stratus generator.",
	        d->project, cloud);
	comment(o, "Estimated cost: $%lld/month at on-demand list prices of %s.", (long long)cost,
	        GEN_PRICE_DATE);
	comment(o, "Secrets are input variables without defaults: set them outside the code.");
}

static void required_provider(struct gen_out *o, const char *name, const char *source,
                              const char *version)
{
	blk(o, "terraform");
	str(o, "required_version", ">= 1.5.0");
	blk(o, "required_providers");
	open_val(o, name, "{");
	str(o, "source", source);
	str(o, "version", version);
	close_val(o, "}");
	end(o);
	end(o);
}

static const char *db_port(int engine)
{
	switch (engine) {
	case GEN_DB_MYSQL:
	case GEN_DB_MARIADB: return "3306";
	case GEN_DB_MSSQL: return "1433";
	default: return "5432";
	}
}

static const struct gen_ladder *ladder(const struct gen_design *d, enum gen_ladder_id l)
{
	switch (l) {
	case GEN_L_DB: return gen_ladder(d->cloud, l, d->engine, d->db_ha);
	case GEN_L_CACHE: return gen_ladder(d->cloud, l, d->cache_engine, d->cache_ha);
	default: return gen_ladder(d->cloud, l, 0, false);
	}
}

static const char *size_of(const struct gen_design *d, enum gen_ladder_id l, int i)
{
	const struct gen_ladder *lad = ladder(d, l);

	if (i < 0)
		i = 0;
	if (i >= lad->n)
		i = lad->n - 1;
	return lad->sizes[i];
}

/* ================================================================ AWS */

static void aws_assume_doc(struct gen_out *o, const char *name, const char *service)
{
	blk(o, "data \"aws_iam_policy_document\" \"%s\"", name);
	blk(o, "statement");
	attr(o, "actions", "[\"sts:AssumeRole\"]");
	blk(o, "principals");
	str(o, "type", "Service");
	attr(o, "identifiers", "[\"%s\"]", service);
	end(o);
	end(o);
	end(o);
}

static void aws_role(struct gen_out *o, const char *name, enum gen_comp comp, const char *slug,
                     const char *doc)
{
	res(o, "aws_iam_role", name, comp, "", 1);
	strf(o, "name_prefix", "%.24s-", slug);
	attr(o, "assume_role_policy", "data.aws_iam_policy_document.%s.json", doc);
	end(o);
}

static void aws_attach(struct gen_out *o, const char *name, enum gen_comp comp, const char *role,
                       const char *policy)
{
	res(o, "aws_iam_role_policy_attachment", name, comp, "", 1);
	attr(o, "role", "aws_iam_role.%s.name", role);
	strf(o, "policy_arn", "arn:aws:iam::aws:policy/%s", policy);
	end(o);
}

static void aws_egress_all(struct gen_out *o)
{
	blk(o, "egress");
	attr(o, "from_port", "0");
	attr(o, "to_port", "0");
	str(o, "protocol", "-1");
	attr(o, "cidr_blocks", "[\"0.0.0.0/0\"]");
	end(o);
}

static bool aws_lambda_vpc(const struct gen_design *d)
{
	return d->func && (d->db || d->cache || d->search);
}

/* A security group that admits `port` from the application's compute only. */
static void aws_data_sg(struct gen_out *o, const struct gen_design *d, const char *name,
                        enum gen_comp comp, const char *port, const char *what)
{
	char from[256] = "";

	if (d->app || aws_lambda_vpc(d))
		strcat(from, "aws_security_group.app.id");
	if (d->k8s)
		strcat(strcat(from, *from ? ", " : ""),
		       "aws_eks_cluster.main.vpc_config[0].cluster_security_group_id");
	res(o, "aws_security_group", name, comp, "", 1);
	strf(o, "name_prefix", "%s-%s-", d->slug, name);
	strf(o, "description", "%s: reachable from the application only", what);
	attr(o, "vpc_id", "aws_vpc.main.id");
	blk(o, "ingress");
	strf(o, "description", "%s from the application", what);
	attr(o, "from_port", "%s", port);
	attr(o, "to_port", "%s", port);
	str(o, "protocol", "tcp");
	if (*from)
		attr(o, "security_groups", "[%s]", from);
	else
		attr(o, "cidr_blocks", "[aws_vpc.main.cidr_block]");
	end(o);
	end(o);
}

static void aws_network(struct gen_out *o, const struct gen_design *d)
{
	res(o, "aws_vpc", "main", GC_NETWORK, "", 1);
	str(o, "cidr_block", "10.0.0.0/16");
	attr(o, "enable_dns_support", "true");
	attr(o, "enable_dns_hostnames", "true");
	open_val(o, "tags", "{");
	strf(o, "Name", "%s-vpc", d->slug);
	close_val(o, "}");
	end(o);

	res(o, "aws_internet_gateway", "main", GC_NETWORK, "", 1);
	attr(o, "vpc_id", "aws_vpc.main.id");
	end(o);

	/* Public subnets for the load balancer and the instances (no NAT gateway to pay for). */
	res(o, "aws_subnet", "public", GC_NETWORK, "", 2);
	attr(o, "count", "2");
	attr(o, "vpc_id", "aws_vpc.main.id");
	attr(o, "cidr_block", "cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)");
	attr(o, "availability_zone", "data.aws_availability_zones.available.names[count.index]");
	attr(o, "map_public_ip_on_launch", "true");
	end(o);

	/* Private subnets without a route out: databases, caches, search. */
	res(o, "aws_subnet", "private", GC_NETWORK, "", 2);
	attr(o, "count", "2");
	attr(o, "vpc_id", "aws_vpc.main.id");
	attr(o, "cidr_block", "cidrsubnet(aws_vpc.main.cidr_block, 8, count.index + 10)");
	attr(o, "availability_zone", "data.aws_availability_zones.available.names[count.index]");
	end(o);

	res(o, "aws_route_table", "public", GC_NETWORK, "", 1);
	attr(o, "vpc_id", "aws_vpc.main.id");
	blk(o, "route");
	str(o, "cidr_block", "0.0.0.0/0");
	attr(o, "gateway_id", "aws_internet_gateway.main.id");
	end(o);
	end(o);

	res(o, "aws_route_table_association", "public", GC_NETWORK, "", 2);
	attr(o, "count", "2");
	attr(o, "subnet_id", "aws_subnet.public[count.index].id");
	attr(o, "route_table_id", "aws_route_table.public.id");
	end(o);

	if (d->lb) {
		res(o, "aws_security_group", "lb", GC_LB, "", 1);
		strf(o, "name_prefix", "%s-lb-", d->slug);
		str(o, "description", "Load balancer: HTTP and HTTPS from anywhere");
		attr(o, "vpc_id", "aws_vpc.main.id");
		blk(o, "ingress");
		str(o, "description", "HTTP");
		attr(o, "from_port", "80");
		attr(o, "to_port", "80");
		str(o, "protocol", "tcp");
		attr(o, "cidr_blocks", "[\"0.0.0.0/0\"]");
		end(o);
		blk(o, "ingress");
		str(o, "description", "HTTPS");
		attr(o, "from_port", "443");
		attr(o, "to_port", "443");
		str(o, "protocol", "tcp");
		attr(o, "cidr_blocks", "[\"0.0.0.0/0\"]");
		end(o);
		aws_egress_all(o);
		end(o);
	}
	if (d->app || aws_lambda_vpc(d)) {
		res(o, "aws_security_group", "app", d->app ? GC_WEB : GC_FUNCTIONS, "", 1);
		strf(o, "name_prefix", "%s-app-", d->slug);
		str(o, "description",
		    d->lb ? "Application: HTTP from the load balancer only" : "Application");
		attr(o, "vpc_id", "aws_vpc.main.id");
		if (d->app && d->lb) {
			blk(o, "ingress");
			str(o, "description", "HTTP from the load balancer");
			attr(o, "from_port", "80");
			attr(o, "to_port", "80");
			str(o, "protocol", "tcp");
			attr(o, "security_groups", "[aws_security_group.lb.id]");
			end(o);
		} else if (d->app) {
			blk(o, "ingress");
			str(o, "description", "HTTP");
			attr(o, "from_port", "80");
			attr(o, "to_port", "80");
			str(o, "protocol", "tcp");
			attr(o, "cidr_blocks", "[\"0.0.0.0/0\"]");
			end(o);
			blk(o, "ingress");
			str(o, "description", "HTTPS");
			attr(o, "from_port", "443");
			attr(o, "to_port", "443");
			str(o, "protocol", "tcp");
			attr(o, "cidr_blocks", "[\"0.0.0.0/0\"]");
			end(o);
		}
		aws_egress_all(o);
		end(o);
	}
}

static void aws_web(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_WEB, d->web_size);

	blk(o, "data \"aws_ami\" \"linux\"");
	attr(o, "most_recent", "true");
	attr(o, "owners", "[\"amazon\"]");
	blk(o, "filter");
	str(o, "name", "name");
	attr(o, "values", "[\"al2023-ami-2023.*-x86_64\"]");
	end(o);
	end(o);

	res(o, "aws_launch_template", "web", GC_WEB, size, d->web_min);
	strf(o, "name_prefix", "%s-web-", d->slug);
	attr(o, "image_id", "data.aws_ami.linux.id");
	str(o, "instance_type", size);
	attr(o, "vpc_security_group_ids", "[aws_security_group.app.id]");
	blk(o, "metadata_options");
	str(o, "http_tokens", "required");
	end(o);
	blk(o, "block_device_mappings");
	str(o, "device_name", "/dev/xvda");
	blk(o, "ebs");
	attr(o, "volume_size", "8");
	str(o, "volume_type", "gp3");
	attr(o, "encrypted", "true");
	end(o);
	end(o);
	end(o);

	res(o, "aws_autoscaling_group", "web", GC_WEB, "", 1);
	strf(o, "name_prefix", "%s-web-", d->slug);
	attr(o, "min_size", "%d", d->web_min);
	attr(o, "max_size", "%d", d->web_max);
	attr(o, "desired_capacity", "%d", d->web_min);
	attr(o, "vpc_zone_identifier", "aws_subnet.public[*].id");
	if (d->lb) {
		attr(o, "target_group_arns", "[aws_lb_target_group.web.arn]");
		str(o, "health_check_type", "ELB");
	} else {
		str(o, "health_check_type", "EC2");
	}
	attr(o, "health_check_grace_period", "300");
	blk(o, "launch_template");
	attr(o, "id", "aws_launch_template.web.id");
	str(o, "version", "$Latest");
	end(o);
	blk(o, "tag");
	str(o, "key", "Name");
	strf(o, "value", "%s-web", d->slug);
	attr(o, "propagate_at_launch", "true");
	end(o);
	blk(o, "tag");
	str(o, "key", "Project");
	attr(o, "value", "var.project");
	attr(o, "propagate_at_launch", "true");
	end(o);
	end(o);

	if (d->autoscale) {
		res(o, "aws_autoscaling_policy", "web_cpu", GC_WEB, "", 1);
		strf(o, "name", "%s-web-cpu", d->slug);
		attr(o, "autoscaling_group_name", "aws_autoscaling_group.web.name");
		str(o, "policy_type", "TargetTrackingScaling");
		blk(o, "target_tracking_configuration");
		attr(o, "target_value", "60");
		blk(o, "predefined_metric_specification");
		str(o, "predefined_metric_type", "ASGAverageCPUUtilization");
		end(o);
		end(o);
		end(o);
	}

	if (d->lb) {
		res(o, "aws_lb", "web", GC_LB, "", 1);
		strf(o, "name", "%s-alb", d->slug);
		str(o, "load_balancer_type", "application");
		attr(o, "security_groups", "[aws_security_group.lb.id]");
		attr(o, "subnets", "aws_subnet.public[*].id");
		attr(o, "drop_invalid_header_fields", "true");
		end(o);

		res(o, "aws_lb_target_group", "web", GC_LB, "", 1);
		strf(o, "name", "%s-tg", d->slug);
		attr(o, "port", "80");
		str(o, "protocol", "HTTP");
		attr(o, "vpc_id", "aws_vpc.main.id");
		blk(o, "health_check");
		str(o, "path", "/");
		str(o, "matcher", "200-399");
		end(o);
		end(o);

		res(o, "aws_lb_listener", "http", GC_LB, "", 1);
		attr(o, "load_balancer_arn", "aws_lb.web.arn");
		attr(o, "port", "80");
		str(o, "protocol", "HTTP");
		blk(o, "default_action");
		str(o, "type", "forward");
		attr(o, "target_group_arn", "aws_lb_target_group.web.arn");
		end(o);
		end(o);
	}
}

static void aws_db(struct gen_out *o, const struct gen_design *d)
{
	static const char *const engines[GEN_DB__MAX] = { "postgres", "mysql", "mariadb",
		                                          "sqlserver-ex" };
	static const char *const versions[GEN_DB__MAX] = { "16", "8.0", "10.11", NULL };
	const char *size = size_of(d, GEN_L_DB, d->db_size);

	aws_data_sg(o, d, "db", GC_DATABASE, db_port(d->engine), "Database");

	res(o, "aws_db_subnet_group", "db", GC_DATABASE, "", 1);
	strf(o, "name", "%s-db", d->slug);
	attr(o, "subnet_ids", "aws_subnet.private[*].id");
	end(o);

	res(o, "aws_db_instance", "db", GC_DATABASE, size, d->db_ha ? 2 : 1);
	strf(o, "identifier", "%s-db", d->slug);
	str(o, "engine", engines[d->engine]);
	if (versions[d->engine] != NULL)
		str(o, "engine_version", versions[d->engine]);
	else
		str(o, "license_model", "license-included");
	str(o, "instance_class", size);
	attr(o, "allocated_storage", "20");
	attr(o, "max_allocated_storage", "100");
	str(o, "storage_type", "gp3");
	attr(o, "storage_encrypted", "true");
	if (d->engine != GEN_DB_MSSQL)
		str(o, "db_name", "app");
	attr(o, "username", "var.db_username");
	attr(o, "password", "var.db_password");
	attr(o, "port", "%s", db_port(d->engine));
	attr(o, "multi_az", d->db_ha ? "true" : "false");
	attr(o, "db_subnet_group_name", "aws_db_subnet_group.db.name");
	attr(o, "vpc_security_group_ids", "[aws_security_group.db.id]");
	attr(o, "publicly_accessible", "false");
	attr(o, "backup_retention_period", d->backup ? "35" : "7");
	attr(o, "copy_tags_to_snapshot", "true");
	attr(o, "deletion_protection", "true");
	attr(o, "skip_final_snapshot", "false");
	strf(o, "final_snapshot_identifier", "%s-db-final", d->slug);
	end(o);
}

static void aws_cache(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_CACHE, d->cache_size);
	bool redis = d->cache_engine == GEN_CACHE_REDIS;

	aws_data_sg(o, d, "cache", GC_CACHE, redis ? "6379" : "11211", "Cache");

	res(o, "aws_elasticache_subnet_group", "cache", GC_CACHE, "", 1);
	strf(o, "name", "%s-cache", d->slug);
	attr(o, "subnet_ids", "aws_subnet.private[*].id");
	end(o);

	if (redis) {
		res(o, "aws_elasticache_replication_group", "cache", GC_CACHE, size,
		    d->cache_ha ? 2 : 1);
		strf(o, "replication_group_id", "%s-cache", d->slug);
		strf(o, "description", "Redis cache for %s", d->project);
		str(o, "engine", "redis");
		str(o, "engine_version", "7.1");
		str(o, "node_type", size);
		attr(o, "num_cache_clusters", "%d", d->cache_ha ? 2 : 1);
		attr(o, "port", "6379");
		str(o, "parameter_group_name", "default.redis7");
		attr(o, "subnet_group_name", "aws_elasticache_subnet_group.cache.name");
		attr(o, "security_group_ids", "[aws_security_group.cache.id]");
		attr(o, "automatic_failover_enabled", d->cache_ha ? "true" : "false");
		attr(o, "multi_az_enabled", d->cache_ha ? "true" : "false");
		attr(o, "at_rest_encryption_enabled", "true");
		attr(o, "transit_encryption_enabled", "true");
		if (d->backup)
			attr(o, "snapshot_retention_limit", "7");
		end(o);
	} else {
		res(o, "aws_elasticache_cluster", "cache", GC_CACHE, size, d->cache_ha ? 2 : 1);
		strf(o, "cluster_id", "%s-cache", d->slug);
		str(o, "engine", "memcached");
		str(o, "node_type", size);
		attr(o, "num_cache_nodes", "%d", d->cache_ha ? 2 : 1);
		str(o, "az_mode", d->cache_ha ? "cross-az" : "single-az");
		attr(o, "port", "11211");
		str(o, "parameter_group_name", "default.memcached1.6");
		attr(o, "subnet_group_name", "aws_elasticache_subnet_group.cache.name");
		attr(o, "security_group_ids", "[aws_security_group.cache.id]");
		end(o);
	}
}

static void aws_bucket(struct gen_out *o, const struct gen_design *d, const char *name,
                       bool public_site)
{
	res(o, "aws_s3_bucket", name, GC_STORAGE, "", 1);
	strf(o, "bucket_prefix", "%s-%s-", d->slug, name);
	end(o);

	res(o, "aws_s3_bucket_public_access_block", name, GC_STORAGE, "", 1);
	attr(o, "bucket", "aws_s3_bucket.%s.id", name);
	attr(o, "block_public_acls", "true");
	attr(o, "block_public_policy", public_site ? "false" : "true");
	attr(o, "ignore_public_acls", "true");
	attr(o, "restrict_public_buckets", public_site ? "false" : "true");
	end(o);

	res(o, "aws_s3_bucket_server_side_encryption_configuration", name, GC_STORAGE, "", 1);
	attr(o, "bucket", "aws_s3_bucket.%s.id", name);
	blk(o, "rule");
	blk(o, "apply_server_side_encryption_by_default");
	str(o, "sse_algorithm", "AES256");
	end(o);
	end(o);
	end(o);

	if (d->backup) {
		res(o, "aws_s3_bucket_versioning", name, GC_BACKUP, "", 1);
		attr(o, "bucket", "aws_s3_bucket.%s.id", name);
		blk(o, "versioning_configuration");
		str(o, "status", "Enabled");
		end(o);
		end(o);
	}
}

static void aws_site(struct gen_out *o, const struct gen_design *d)
{
	aws_bucket(o, d, "site", !d->site_cdn);
	if (!d->site_cdn) {
		/* No CDN: the bucket itself serves the site, so it has to be public. */
		res(o, "aws_s3_bucket_website_configuration", "site", GC_STORAGE, "", 1);
		attr(o, "bucket", "aws_s3_bucket.site.id");
		blk(o, "index_document");
		str(o, "suffix", "index.html");
		end(o);
		blk(o, "error_document");
		str(o, "key", "404.html");
		end(o);
		end(o);
	}

	blk(o, "data \"aws_iam_policy_document\" \"site\"");
	blk(o, "statement");
	attr(o, "actions", "[\"s3:GetObject\"]");
	attr(o, "resources", "[\"${aws_s3_bucket.site.arn}/*\"]");
	blk(o, "principals");
	if (d->site_cdn) {
		str(o, "type", "Service");
		attr(o, "identifiers", "[\"cloudfront.amazonaws.com\"]");
	} else {
		str(o, "type", "*");
		attr(o, "identifiers", "[\"*\"]");
	}
	end(o);
	if (d->site_cdn) {
		blk(o, "condition");
		str(o, "test", "StringEquals");
		str(o, "variable", "AWS:SourceArn");
		attr(o, "values", "[aws_cloudfront_distribution.cdn.arn]");
		end(o);
	}
	end(o);
	end(o);

	res(o, "aws_s3_bucket_policy", "site", GC_STORAGE, "", 1);
	attr(o, "bucket", "aws_s3_bucket.site.id");
	attr(o, "policy", "data.aws_iam_policy_document.site.json");
	attr(o, "depends_on", "[aws_s3_bucket_public_access_block.site]");
	end(o);
}

static void aws_cdn(struct gen_out *o, const struct gen_design *d)
{
	if (d->site_cdn) {
		res(o, "aws_cloudfront_origin_access_control", "site", GC_CDN, "", 1);
		strf(o, "name", "%s-site", d->slug);
		str(o, "origin_access_control_origin_type", "s3");
		str(o, "signing_behavior", "always");
		str(o, "signing_protocol", "sigv4");
		end(o);
	}
	res(o, "aws_cloudfront_distribution", "cdn", GC_CDN, "", 1);
	attr(o, "enabled", "true");
	attr(o, "is_ipv6_enabled", "true");
	str(o, "price_class", "PriceClass_100");
	strf(o, "comment", "%s", d->project);
	if (d->site_cdn)
		str(o, "default_root_object", "index.html");
	blk(o, "origin");
	if (d->site_cdn) {
		attr(o, "domain_name", "aws_s3_bucket.site.bucket_regional_domain_name");
		str(o, "origin_id", "site");
		attr(o, "origin_access_control_id", "aws_cloudfront_origin_access_control.site.id");
	} else {
		attr(o, "domain_name", "aws_lb.web.dns_name");
		str(o, "origin_id", "web");
		blk(o, "custom_origin_config");
		attr(o, "http_port", "80");
		attr(o, "https_port", "443");
		str(o, "origin_protocol_policy", "http-only");
		attr(o, "origin_ssl_protocols", "[\"TLSv1.2\"]");
		end(o);
	}
	end(o);
	blk(o, "default_cache_behavior");
	if (d->site_cdn) {
		str(o, "target_origin_id", "site");
		attr(o, "allowed_methods", "[\"GET\", \"HEAD\"]");
		attr(o, "cached_methods", "[\"GET\", \"HEAD\"]");
		/* Managed-CachingOptimized */
		str(o, "cache_policy_id", "658327ea-f89d-4fab-a63d-7e88639e58f6");
	} else {
		str(o, "target_origin_id", "web");
		attr(o, "allowed_methods",
		     "[\"DELETE\", \"GET\", \"HEAD\", \"OPTIONS\", \"PATCH\", \"POST\", \"PUT\"]");
		attr(o, "cached_methods", "[\"GET\", \"HEAD\"]");
		/* Managed-CachingDisabled and Managed-AllViewer: the app sets its own caching */
		str(o, "cache_policy_id", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
		str(o, "origin_request_policy_id", "216adef6-5c7f-47e4-b989-5492eafa07d3");
	}
	str(o, "viewer_protocol_policy", "redirect-to-https");
	attr(o, "compress", "true");
	end(o);
	blk(o, "restrictions");
	blk(o, "geo_restriction");
	str(o, "restriction_type", "none");
	end(o);
	end(o);
	blk(o, "viewer_certificate");
	attr(o, "cloudfront_default_certificate", "true");
	end(o);
	end(o);
}

static void aws_queue(struct gen_out *o, const struct gen_design *d)
{
	res(o, "aws_sqs_queue", "jobs_dlq", GC_QUEUE, "", 1);
	strf(o, "name", "%s-jobs-dlq", d->slug);
	attr(o, "message_retention_seconds", "1209600");
	attr(o, "sqs_managed_sse_enabled", "true");
	end(o);

	res(o, "aws_sqs_queue", "jobs", GC_QUEUE, "", 1);
	strf(o, "name", "%s-jobs", d->slug);
	attr(o, "visibility_timeout_seconds", "120");
	attr(o, "message_retention_seconds", "345600");
	attr(o, "sqs_managed_sse_enabled", "true");
	open_val(o, "redrive_policy", "jsonencode({");
	attr(o, "deadLetterTargetArn", "aws_sqs_queue.jobs_dlq.arn");
	attr(o, "maxReceiveCount", "5");
	close_val(o, "})");
	end(o);
}

static void aws_k8s(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_K8S, d->k8s_size);
	char nodesz[64];

	aws_assume_doc(o, "eks_assume", "eks.amazonaws.com");
	aws_role(o, "eks_cluster", GC_KUBERNETES, d->slug, "eks_assume");
	aws_attach(o, "eks_cluster", GC_KUBERNETES, "eks_cluster", "AmazonEKSClusterPolicy");
	aws_assume_doc(o, "eks_nodes_assume", "ec2.amazonaws.com");
	aws_role(o, "eks_nodes", GC_KUBERNETES, d->slug, "eks_nodes_assume");
	aws_attach(o, "eks_nodes_worker", GC_KUBERNETES, "eks_nodes", "AmazonEKSWorkerNodePolicy");
	aws_attach(o, "eks_nodes_cni", GC_KUBERNETES, "eks_nodes", "AmazonEKS_CNI_Policy");
	aws_attach(o, "eks_nodes_ecr", GC_KUBERNETES, "eks_nodes",
	           "AmazonEC2ContainerRegistryReadOnly");

	res(o, "aws_eks_cluster", "main", GC_KUBERNETES, "", 1);
	str(o, "name", d->slug);
	attr(o, "role_arn", "aws_iam_role.eks_cluster.arn");
	blk(o, "vpc_config");
	attr(o, "subnet_ids", "concat(aws_subnet.public[*].id, aws_subnet.private[*].id)");
	attr(o, "endpoint_private_access", "true");
	attr(o, "endpoint_public_access", "true");
	end(o);
	attr(o, "depends_on", "[aws_iam_role_policy_attachment.eks_cluster]");
	end(o);

	res(o, "aws_eks_node_group", "main", GC_KUBERNETES, size, d->k8s_min);
	attr(o, "cluster_name", "aws_eks_cluster.main.name");
	str(o, "node_group_name", "main");
	attr(o, "node_role_arn", "aws_iam_role.eks_nodes.arn");
	attr(o, "subnet_ids", "aws_subnet.public[*].id");
	snprintf(nodesz, sizeof(nodesz), "[\"%s\"]", size);
	attr(o, "instance_types", "%s", nodesz);
	blk(o, "scaling_config");
	attr(o, "desired_size", "%d", d->k8s_min);
	attr(o, "min_size", "%d", d->k8s_min);
	attr(o, "max_size", "%d", d->k8s_max);
	end(o);
	blk(o, "update_config");
	attr(o, "max_unavailable", "1");
	end(o);
	attr(o, "depends_on",
	     "[aws_iam_role_policy_attachment.eks_nodes_worker, "
	     "aws_iam_role_policy_attachment.eks_nodes_cni, "
	     "aws_iam_role_policy_attachment.eks_nodes_ecr]");
	end(o);

	res(o, "aws_ecr_repository", "app", GC_KUBERNETES, "", 1);
	str(o, "name", d->slug);
	str(o, "image_tag_mutability", "IMMUTABLE");
	blk(o, "image_scanning_configuration");
	attr(o, "scan_on_push", "true");
	end(o);
	end(o);
}

static void aws_func(struct gen_out *o, const struct gen_design *d)
{
	static const char *const runtimes[GEN_RT__MAX] = { "nodejs20.x", "python3.12", "java21",
		                                           "provided.al2023", "dotnet8" };
	static const char *const handlers[GEN_RT__MAX] = {
		"index.handler", "main.handler", "example.Handler::handleRequest", "bootstrap",
		"Function::Function.Function::FunctionHandler"
	};
	const char *what = d->func_api ? "api" : "worker";

	aws_assume_doc(o, "lambda_assume", "lambda.amazonaws.com");
	aws_role(o, "lambda", GC_FUNCTIONS, d->slug, "lambda_assume");
	aws_attach(o, "lambda_logs", GC_FUNCTIONS, "lambda",
	           "service-role/AWSLambdaBasicExecutionRole");
	if (aws_lambda_vpc(d))
		aws_attach(o, "lambda_vpc", GC_FUNCTIONS, "lambda",
		           "service-role/AWSLambdaVPCAccessExecutionRole");
	if (d->func_queue)
		aws_attach(o, "lambda_sqs", GC_FUNCTIONS, "lambda",
		           "service-role/AWSLambdaSQSQueueExecutionRole");

	res(o, "aws_lambda_function", "app", GC_FUNCTIONS, "", 1);
	strf(o, "function_name", "%s-%s", d->slug, what);
	attr(o, "role", "aws_iam_role.lambda.arn");
	str(o, "runtime", runtimes[d->runtime]);
	str(o, "handler", handlers[d->runtime]);
	attr(o, "filename", "var.function_zip");
	attr(o, "source_code_hash", "filebase64sha256(var.function_zip)");
	attr(o, "memory_size", "512");
	attr(o, "timeout", "%d", d->func_queue ? 60 : 15);
	if (aws_lambda_vpc(d)) {
		blk(o, "vpc_config");
		attr(o, "subnet_ids", "aws_subnet.private[*].id");
		attr(o, "security_group_ids", "[aws_security_group.app.id]");
		end(o);
	}
	end(o);

	if (d->func_queue) {
		res(o, "aws_lambda_event_source_mapping", "jobs", GC_FUNCTIONS, "", 1);
		attr(o, "event_source_arn", "aws_sqs_queue.jobs.arn");
		attr(o, "function_name", "aws_lambda_function.app.arn");
		attr(o, "batch_size", "10");
		end(o);
	}
	if (!d->func_api)
		return;

	res(o, "aws_apigatewayv2_api", "api", GC_FUNCTIONS, "", 1);
	strf(o, "name", "%s-api", d->slug);
	str(o, "protocol_type", "HTTP");
	end(o);

	res(o, "aws_apigatewayv2_integration", "api", GC_FUNCTIONS, "", 1);
	attr(o, "api_id", "aws_apigatewayv2_api.api.id");
	str(o, "integration_type", "AWS_PROXY");
	attr(o, "integration_uri", "aws_lambda_function.app.invoke_arn");
	str(o, "payload_format_version", "2.0");
	end(o);

	res(o, "aws_apigatewayv2_route", "default", GC_FUNCTIONS, "", 1);
	attr(o, "api_id", "aws_apigatewayv2_api.api.id");
	str(o, "route_key", "$default");
	attr(o, "target", "\"integrations/${aws_apigatewayv2_integration.api.id}\"");
	end(o);

	res(o, "aws_apigatewayv2_stage", "default", GC_FUNCTIONS, "", 1);
	attr(o, "api_id", "aws_apigatewayv2_api.api.id");
	str(o, "name", "$default");
	attr(o, "auto_deploy", "true");
	end(o);

	res(o, "aws_lambda_permission", "api", GC_FUNCTIONS, "", 1);
	str(o, "statement_id", "AllowAPIGatewayInvoke");
	str(o, "action", "lambda:InvokeFunction");
	attr(o, "function_name", "aws_lambda_function.app.function_name");
	str(o, "principal", "apigateway.amazonaws.com");
	attr(o, "source_arn", "\"${aws_apigatewayv2_api.api.execution_arn}/*/*\"");
	end(o);
}

static void aws_search(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_SEARCH, d->search_size);
	int n = d->search_ha ? 2 : 1;

	aws_data_sg(o, d, "search", GC_SEARCH, "443", "Search");

	blk(o, "data \"aws_caller_identity\" \"current\"");
	end(o);

	res(o, "aws_opensearch_domain", "search", GC_SEARCH, size, n);
	strf(o, "domain_name", "%.21s-search", d->slug);
	str(o, "engine_version", "OpenSearch_2.13");
	blk(o, "cluster_config");
	str(o, "instance_type", size);
	attr(o, "instance_count", "%d", n);
	attr(o, "zone_awareness_enabled", n > 1 ? "true" : "false");
	end(o);
	blk(o, "ebs_options");
	attr(o, "ebs_enabled", "true");
	attr(o, "volume_size", "10");
	str(o, "volume_type", "gp3");
	end(o);
	blk(o, "vpc_options");
	attr(o, "subnet_ids", n > 1 ? "aws_subnet.private[*].id" : "[aws_subnet.private[0].id]");
	attr(o, "security_group_ids", "[aws_security_group.search.id]");
	end(o);
	blk(o, "encrypt_at_rest");
	attr(o, "enabled", "true");
	end(o);
	blk(o, "node_to_node_encryption");
	attr(o, "enabled", "true");
	end(o);
	blk(o, "domain_endpoint_options");
	attr(o, "enforce_https", "true");
	str(o, "tls_security_policy", "Policy-Min-TLS-1-2-2019-07");
	end(o);
	/* Reached only through the VPC and its security group; IAM decides the rest. */
	attr(o, "access_policies", "data.aws_iam_policy_document.search.json");
	end(o);

	blk(o, "data \"aws_iam_policy_document\" \"search\"");
	blk(o, "statement");
	attr(o, "actions", "[\"es:ESHttp*\"]");
	attr(o, "resources",
	     "[\"arn:aws:es:${var.region}:${data.aws_caller_identity.current.account_id}:"
	     "domain/%.21s-search/*\"]",
	     d->slug);
	blk(o, "principals");
	str(o, "type", "AWS");
	attr(o, "identifiers",
	     "[\"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\"]");
	end(o);
	end(o);
	end(o);
}

static void aws_monitor(struct gen_out *o, const struct gen_design *d)
{
	res(o, "aws_sns_topic", "alerts", GC_MONITORING, "", 1);
	strf(o, "name", "%s-alerts", d->slug);
	str(o, "kms_master_key_id", "alias/aws/sns");
	end(o);

	res(o, "aws_sns_topic_subscription", "alerts_email", GC_MONITORING, "", 1);
	attr(o, "topic_arn", "aws_sns_topic.alerts.arn");
	str(o, "protocol", "email");
	attr(o, "endpoint", "var.alert_email");
	end(o);

	res(o, "aws_cloudwatch_log_group", "app", GC_MONITORING, "", 1);
	strf(o, "name", "/%s/app", d->slug);
	attr(o, "retention_in_days", "30");
	end(o);

	struct {
		bool on;
		const char *name, *metric, *ns, *dim, *ref, *stat, *thr, *desc;
	} al[] = {
		{ d->app, "web_cpu", "CPUUtilization", "AWS/EC2", "AutoScalingGroupName",
		  "aws_autoscaling_group.web.name", "Average", "80",
		  "Web tier CPU above 80% for 10 minutes" },
		{ d->lb, "lb_5xx", "HTTPCode_ELB_5XX_Count", "AWS/ApplicationELB", "LoadBalancer",
		  "aws_lb.web.arn_suffix", "Sum", "10", "Load balancer answering 5xx" },
		{ d->db, "db_cpu", "CPUUtilization", "AWS/RDS", "DBInstanceIdentifier",
		  "aws_db_instance.db.identifier", "Average", "80",
		  "Database CPU above 80% for 10 minutes" },
		{ d->db, "db_storage", "FreeStorageSpace", "AWS/RDS", "DBInstanceIdentifier",
		  "aws_db_instance.db.identifier", "Average", "2000000000",
		  "Database free storage below 2 GB" },
		{ d->queue, "queue_age", "ApproximateAgeOfOldestMessage", "AWS/SQS", "QueueName",
		  "aws_sqs_queue.jobs.name", "Maximum", "900",
		  "Oldest queued job waiting over 15 minutes" },
		{ d->func, "fn_errors", "Errors", "AWS/Lambda", "FunctionName",
		  "aws_lambda_function.app.function_name", "Sum", "5", "Function errors" },
	};
	for (size_t i = 0; i < sizeof(al) / sizeof(al[0]); i++) {
		if (!al[i].on)
			continue;
		char dashed[32];

		snprintf(dashed, sizeof(dashed), "%s", al[i].name);
		for (char *p = dashed; *p != '\0'; p++)
			if (*p == '_')
				*p = '-';
		res(o, "aws_cloudwatch_metric_alarm", al[i].name, GC_MONITORING, "", 1);
		strf(o, "alarm_name", "%s-%s", d->slug, dashed);
		str(o, "alarm_description", al[i].desc);
		str(o, "comparison_operator",
		    strcmp(al[i].name, "db_storage") == 0 ? "LessThanThreshold"
		                                          : "GreaterThanThreshold");
		attr(o, "evaluation_periods", "2");
		str(o, "metric_name", al[i].metric);
		str(o, "namespace", al[i].ns);
		attr(o, "period", "300");
		str(o, "statistic", al[i].stat);
		attr(o, "threshold", "%s", al[i].thr);
		attr(o, "alarm_actions", "[aws_sns_topic.alerts.arn]");
		open_val(o, "dimensions", "{");
		attr(o, al[i].dim, "%s", al[i].ref);
		close_val(o, "}");
		end(o);
	}
}

static void aws_backup(struct gen_out *o, const struct gen_design *d)
{
	res(o, "aws_backup_vault", "main", GC_BACKUP, "", 1);
	strf(o, "name", "%s-vault", d->slug);
	end(o);

	res(o, "aws_backup_plan", "daily", GC_BACKUP, "", 1);
	strf(o, "name", "%s-daily", d->slug);
	blk(o, "rule");
	str(o, "rule_name", "daily");
	attr(o, "target_vault_name", "aws_backup_vault.main.name");
	str(o, "schedule", "cron(0 3 * * ? *)");
	blk(o, "lifecycle");
	attr(o, "delete_after", "35");
	end(o);
	end(o);
	end(o);

	aws_assume_doc(o, "backup_assume", "backup.amazonaws.com");
	aws_role(o, "backup", GC_BACKUP, d->slug, "backup_assume");
	aws_attach(o, "backup", GC_BACKUP, "backup",
	           "service-role/AWSBackupServiceRolePolicyForBackup");

	/* Everything tagged with the project (the provider's default_tags) is backed up. */
	res(o, "aws_backup_selection", "project", GC_BACKUP, "", 1);
	strf(o, "name", "%s-project", d->slug);
	attr(o, "plan_id", "aws_backup_plan.daily.id");
	attr(o, "iam_role_arn", "aws_iam_role.backup.arn");
	blk(o, "selection_tag");
	str(o, "type", "STRINGEQUALS");
	str(o, "key", "Project");
	attr(o, "value", "var.project");
	end(o);
	end(o);
}

static void write_aws(struct gen_out *o, const struct gen_design *d, int64_t cost)
{
	header(o, d, "AWS", cost);
	required_provider(o, "aws", "hashicorp/aws", "~> 5.0");

	blk(o, "provider \"aws\"");
	attr(o, "region", "var.region");
	blk(o, "default_tags");
	open_val(o, "tags", "{");
	attr(o, "Project", "var.project");
	str(o, "ManagedBy", "stratus");
	close_val(o, "}");
	end(o);
	end(o);

	variable(o, "region", "AWS region to deploy into.", d->region->aws, false);
	variable(o, "project", "Project name, used in tags.", d->project, false);
	if (d->db)
		password_variable(o);
	if (d->func)
		variable(o, "function_zip", "Path of the zip file with the function's code.",
		         "function.zip", false);
	if (d->monitor)
		variable(o, "alert_email", "E-mail address that receives the alarms.", NULL, false);

	if (d->net) {
		blk(o, "data \"aws_availability_zones\" \"available\"");
		str(o, "state", "available");
		end(o);
		aws_network(o, d);
	}
	if (d->app)
		aws_web(o, d);
	if (d->db)
		aws_db(o, d);
	if (d->cache)
		aws_cache(o, d);
	if (d->assets)
		aws_bucket(o, d, "assets", false);
	if (d->site)
		aws_site(o, d);
	if (d->site_cdn || d->app_cdn)
		aws_cdn(o, d);
	if (d->queue)
		aws_queue(o, d);
	if (d->k8s)
		aws_k8s(o, d);
	if (d->func)
		aws_func(o, d);
	if (d->search)
		aws_search(o, d);
	if (d->monitor)
		aws_monitor(o, d);
	if (d->backup)
		aws_backup(o, d);

	if (d->lb)
		output(o, "load_balancer_dns_name", "Public DNS name of the load balancer.",
		       "aws_lb.web.dns_name");
	else if (d->app)
		output(o, "autoscaling_group_name", "The web tier's auto scaling group.",
		       "aws_autoscaling_group.web.name");
	if (d->site_cdn || d->app_cdn)
		output(o, "cdn_domain_name", "Domain name of the CloudFront distribution.",
		       "aws_cloudfront_distribution.cdn.domain_name");
	if (d->site && !d->site_cdn)
		output(o, "site_endpoint", "Website endpoint of the site bucket.",
		       "aws_s3_bucket_website_configuration.site.website_endpoint");
	if (d->site)
		output(o, "site_bucket", "Bucket holding the static site.",
		       "aws_s3_bucket.site.bucket");
	if (d->assets)
		output(o, "assets_bucket", "Private bucket for files and uploads.",
		       "aws_s3_bucket.assets.bucket");
	if (d->db) {
		output(o, "db_endpoint", "Database host name (private).",
		       "aws_db_instance.db.address");
		output(o, "db_port", "Database port.", "aws_db_instance.db.port");
	}
	if (d->cache)
		output(o, "cache_endpoint", "Cache endpoint (private).",
		       d->cache_engine == GEN_CACHE_REDIS
		               ? "aws_elasticache_replication_group.cache.primary_endpoint_address"
		               : "aws_elasticache_cluster.cache.configuration_endpoint");
	if (d->queue)
		output(o, "queue_url", "URL of the job queue.", "aws_sqs_queue.jobs.url");
	if (d->k8s) {
		output(o, "cluster_name", "EKS cluster name.", "aws_eks_cluster.main.name");
		output(o, "cluster_endpoint", "EKS API server endpoint.",
		       "aws_eks_cluster.main.endpoint");
		output(o, "image_repository", "ECR repository for the images.",
		       "aws_ecr_repository.app.repository_url");
	}
	if (d->func && d->func_api)
		output(o, "api_endpoint", "Public URL of the HTTP API.",
		       "aws_apigatewayv2_api.api.api_endpoint");
	if (d->func)
		output(o, "function_name", "Name of the Lambda function.",
		       "aws_lambda_function.app.function_name");
	if (d->search)
		output(o, "search_endpoint", "OpenSearch endpoint (inside the VPC).",
		       "aws_opensearch_domain.search.endpoint");
}

/* ================================================================ Azure */

static void az_place(struct gen_out *o)
{
	attr(o, "location", "azurerm_resource_group.main.location");
	attr(o, "resource_group_name", "azurerm_resource_group.main.name");
}

static void az_tags(struct gen_out *o)
{
	attr(o, "tags", "local.tags");
}

static void az_dns_zone(struct gen_out *o, const char *name, enum gen_comp comp, const char *zone)
{
	char link[64];

	res(o, "azurerm_private_dns_zone", name, comp, "", 1);
	str(o, "name", zone);
	attr(o, "resource_group_name", "azurerm_resource_group.main.name");
	az_tags(o);
	end(o);

	snprintf(link, sizeof(link), "%s", name);
	res(o, "azurerm_private_dns_zone_virtual_network_link", name, comp, "", 1);
	strf(o, "name", "%s-link", link);
	attr(o, "resource_group_name", "azurerm_resource_group.main.name");
	attr(o, "private_dns_zone_name", "azurerm_private_dns_zone.%s.name", name);
	attr(o, "virtual_network_id", "azurerm_virtual_network.main.id");
	az_tags(o);
	end(o);
}

static void az_endpoint(struct gen_out *o, const struct gen_design *d, const char *name,
                        enum gen_comp comp, const char *target, const char *sub)
{
	res(o, "azurerm_private_endpoint", name, comp, "", 1);
	strf(o, "name", "%s-%s-pe", d->slug, name);
	az_place(o);
	attr(o, "subnet_id", "azurerm_subnet.endpoints.id");
	blk(o, "private_service_connection");
	strf(o, "name", "%s-%s", d->slug, name);
	attr(o, "private_connection_resource_id", "%s", target);
	attr(o, "subresource_names", "[\"%s\"]", sub);
	attr(o, "is_manual_connection", "false");
	end(o);
	blk(o, "private_dns_zone_group");
	str(o, "name", name);
	attr(o, "private_dns_zone_ids", "[azurerm_private_dns_zone.%s.id]", name);
	end(o);
	az_tags(o);
	end(o);
}

static bool az_db_delegated(const struct gen_design *d)
{
	return d->db && d->engine != GEN_DB_MSSQL;
}

static bool az_endpoints(const struct gen_design *d)
{
	return d->cache || (d->db && d->engine == GEN_DB_MSSQL);
}

static void az_network(struct gen_out *o, const struct gen_design *d)
{
	res(o, "azurerm_virtual_network", "main", GC_NETWORK, "", 1);
	strf(o, "name", "%s-vnet", d->slug);
	az_place(o);
	attr(o, "address_space", "[\"10.0.0.0/16\"]");
	az_tags(o);
	end(o);

	if (d->app || d->k8s) {
		res(o, "azurerm_subnet", "app", GC_NETWORK, "", 1);
		str(o, "name", "app");
		attr(o, "resource_group_name", "azurerm_resource_group.main.name");
		attr(o, "virtual_network_name", "azurerm_virtual_network.main.name");
		attr(o, "address_prefixes", "[\"10.0.1.0/24\"]");
		end(o);
	}
	if (az_db_delegated(d)) {
		bool pg = d->engine == GEN_DB_POSTGRES;

		res(o, "azurerm_subnet", "db", GC_NETWORK, "", 1);
		str(o, "name", "db");
		attr(o, "resource_group_name", "azurerm_resource_group.main.name");
		attr(o, "virtual_network_name", "azurerm_virtual_network.main.name");
		attr(o, "address_prefixes", "[\"10.0.2.0/24\"]");
		blk(o, "delegation");
		str(o, "name", "db");
		blk(o, "service_delegation");
		str(o, "name",
		    pg ? "Microsoft.DBforPostgreSQL/flexibleServers"
		       : "Microsoft.DBforMySQL/flexibleServers");
		attr(o, "actions", "[\"Microsoft.Network/virtualNetworks/subnets/join/action\"]");
		end(o);
		end(o);
		end(o);
	}
	if (az_endpoints(d)) {
		res(o, "azurerm_subnet", "endpoints", GC_NETWORK, "", 1);
		str(o, "name", "endpoints");
		attr(o, "resource_group_name", "azurerm_resource_group.main.name");
		attr(o, "virtual_network_name", "azurerm_virtual_network.main.name");
		attr(o, "address_prefixes", "[\"10.0.3.0/24\"]");
		end(o);
	}
	if (d->app) {
		res(o, "azurerm_network_security_group", "app", GC_WEB, "", 1);
		strf(o, "name", "%s-app-nsg", d->slug);
		az_place(o);
		blk(o, "security_rule");
		str(o, "name", "allow-web");
		attr(o, "priority", "100");
		str(o, "direction", "Inbound");
		str(o, "access", "Allow");
		str(o, "protocol", "Tcp");
		str(o, "source_port_range", "*");
		attr(o, "destination_port_ranges", "[\"80\", \"443\"]");
		str(o, "source_address_prefix", "*");
		str(o, "destination_address_prefix", "*");
		end(o);
		az_tags(o);
		end(o);

		res(o, "azurerm_subnet_network_security_group_association", "app", GC_WEB, "", 1);
		attr(o, "subnet_id", "azurerm_subnet.app.id");
		attr(o, "network_security_group_id", "azurerm_network_security_group.app.id");
		end(o);
	}
}

static void az_autoscale_rule(struct gen_out *o, bool up, const char *target)
{
	blk(o, "rule");
	blk(o, "metric_trigger");
	str(o, "metric_name", "Percentage CPU");
	attr(o, "metric_resource_id", "%s", target);
	str(o, "time_grain", "PT1M");
	str(o, "statistic", "Average");
	str(o, "time_window", "PT5M");
	str(o, "time_aggregation", "Average");
	str(o, "operator", up ? "GreaterThan" : "LessThan");
	attr(o, "threshold", up ? "70" : "25");
	end(o);
	blk(o, "scale_action");
	str(o, "direction", up ? "Increase" : "Decrease");
	str(o, "type", "ChangeCount");
	str(o, "value", "1");
	str(o, "cooldown", "PT5M");
	end(o);
	end(o);
}

static void az_web(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_WEB, d->web_size);

	if (d->lb) {
		res(o, "azurerm_public_ip", "web", GC_LB, "", 1);
		strf(o, "name", "%s-lb-ip", d->slug);
		az_place(o);
		str(o, "allocation_method", "Static");
		str(o, "sku", "Standard");
		if (d->app_cdn)
			str(o, "domain_name_label", d->slug);
		if (d->web_ha)
			attr(o, "zones", "[\"1\", \"2\", \"3\"]");
		az_tags(o);
		end(o);

		res(o, "azurerm_lb", "web", GC_LB, "", 1);
		strf(o, "name", "%s-lb", d->slug);
		az_place(o);
		str(o, "sku", "Standard");
		blk(o, "frontend_ip_configuration");
		str(o, "name", "public");
		attr(o, "public_ip_address_id", "azurerm_public_ip.web.id");
		end(o);
		az_tags(o);
		end(o);

		res(o, "azurerm_lb_backend_address_pool", "web", GC_LB, "", 1);
		str(o, "name", "web");
		attr(o, "loadbalancer_id", "azurerm_lb.web.id");
		end(o);

		res(o, "azurerm_lb_probe", "web", GC_LB, "", 1);
		str(o, "name", "http");
		attr(o, "loadbalancer_id", "azurerm_lb.web.id");
		str(o, "protocol", "Http");
		attr(o, "port", "80");
		str(o, "request_path", "/");
		end(o);

		res(o, "azurerm_lb_rule", "http", GC_LB, "", 1);
		str(o, "name", "http");
		attr(o, "loadbalancer_id", "azurerm_lb.web.id");
		str(o, "protocol", "Tcp");
		attr(o, "frontend_port", "80");
		attr(o, "backend_port", "80");
		str(o, "frontend_ip_configuration_name", "public");
		attr(o, "backend_address_pool_ids", "[azurerm_lb_backend_address_pool.web.id]");
		attr(o, "probe_id", "azurerm_lb_probe.web.id");
		attr(o, "disable_outbound_snat", "true");
		end(o);

		/* Standard load balancers give their backends no way out without a rule. */
		res(o, "azurerm_lb_outbound_rule", "web", GC_LB, "", 1);
		str(o, "name", "outbound");
		attr(o, "loadbalancer_id", "azurerm_lb.web.id");
		str(o, "protocol", "All");
		attr(o, "backend_address_pool_id", "azurerm_lb_backend_address_pool.web.id");
		blk(o, "frontend_ip_configuration");
		str(o, "name", "public");
		end(o);
		end(o);
	}

	res(o, "azurerm_linux_virtual_machine_scale_set", "web", GC_WEB, size, d->web_min);
	strf(o, "name", "%s-web", d->slug);
	az_place(o);
	str(o, "sku", size);
	attr(o, "instances", "%d", d->web_min);
	str(o, "admin_username", "azureuser");
	attr(o, "disable_password_authentication", "true");
	if (d->web_ha)
		attr(o, "zones", "[\"1\", \"2\", \"3\"]");
	blk(o, "admin_ssh_key");
	str(o, "username", "azureuser");
	attr(o, "public_key", "var.ssh_public_key");
	end(o);
	blk(o, "source_image_reference");
	str(o, "publisher", "Canonical");
	str(o, "offer", "0001-com-ubuntu-server-jammy");
	str(o, "sku", "22_04-lts-gen2");
	str(o, "version", "latest");
	end(o);
	blk(o, "os_disk");
	str(o, "storage_account_type", "Standard_LRS");
	str(o, "caching", "ReadWrite");
	end(o);
	blk(o, "network_interface");
	str(o, "name", "web");
	attr(o, "primary", "true");
	blk(o, "ip_configuration");
	str(o, "name", "internal");
	attr(o, "primary", "true");
	attr(o, "subnet_id", "azurerm_subnet.app.id");
	if (d->lb) {
		attr(o, "load_balancer_backend_address_pool_ids",
		     "[azurerm_lb_backend_address_pool.web.id]");
	} else {
		blk(o, "public_ip_address");
		str(o, "name", "public");
		end(o);
	}
	end(o);
	end(o);
	az_tags(o);
	end(o);

	if (d->autoscale) {
		res(o, "azurerm_monitor_autoscale_setting", "web", GC_WEB, "", 1);
		strf(o, "name", "%s-web-autoscale", d->slug);
		az_place(o);
		attr(o, "target_resource_id", "azurerm_linux_virtual_machine_scale_set.web.id");
		blk(o, "profile");
		str(o, "name", "cpu");
		blk(o, "capacity");
		attr(o, "default", "%d", d->web_min);
		attr(o, "minimum", "%d", d->web_min);
		attr(o, "maximum", "%d", d->web_max);
		end(o);
		az_autoscale_rule(o, true, "azurerm_linux_virtual_machine_scale_set.web.id");
		az_autoscale_rule(o, false, "azurerm_linux_virtual_machine_scale_set.web.id");
		end(o);
		az_tags(o);
		end(o);
	}
}

static void az_db(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_DB, d->db_size);
	char zone[128];

	if (d->engine == GEN_DB_MSSQL) {
		az_dns_zone(o, "db", GC_DATABASE, "privatelink.database.windows.net");

		res(o, "azurerm_mssql_server", "db", GC_DATABASE, "", 1);
		strf(o, "name", "%s-sql", d->slug);
		az_place(o);
		str(o, "version", "12.0");
		attr(o, "administrator_login", "var.db_username");
		attr(o, "administrator_login_password", "var.db_password");
		str(o, "minimum_tls_version", "1.2");
		attr(o, "public_network_access_enabled", "false");
		az_tags(o);
		end(o);

		res(o, "azurerm_mssql_database", "db", GC_DATABASE, size, 1);
		str(o, "name", "app");
		attr(o, "server_id", "azurerm_mssql_server.db.id");
		str(o, "sku_name", size);
		blk(o, "short_term_retention_policy");
		attr(o, "retention_days", d->backup && strcmp(size, "Basic") != 0 ? "35" : "7");
		end(o);
		az_tags(o);
		end(o);

		az_endpoint(o, d, "db", GC_DATABASE, "azurerm_mssql_server.db.id", "sqlServer");
		return;
	}

	bool pg = d->engine == GEN_DB_POSTGRES;
	const char *type =
	        pg ? "azurerm_postgresql_flexible_server" : "azurerm_mysql_flexible_server";

	snprintf(zone, sizeof(zone), "%s.private.%s.database.azure.com", d->slug,
	         pg ? "postgres" : "mysql");
	az_dns_zone(o, "db", GC_DATABASE, zone);

	res(o, type, "db", GC_DATABASE, size, d->db_ha ? 2 : 1);
	strf(o, "name", "%s-%s", d->slug, pg ? "pg" : "mysql");
	az_place(o);
	str(o, "version", pg ? "16" : "8.0.21");
	str(o, "sku_name", size);
	attr(o, "delegated_subnet_id", "azurerm_subnet.db.id");
	attr(o, "private_dns_zone_id", "azurerm_private_dns_zone.db.id");
	attr(o, "administrator_login", "var.db_username");
	attr(o, "administrator_password", "var.db_password");
	if (pg)
		attr(o, "storage_mb", "32768");
	attr(o, "backup_retention_days", d->backup ? "35" : "7");
	attr(o, "geo_redundant_backup_enabled", d->backup ? "true" : "false");
	str(o, "zone", "1");
	if (!pg) {
		blk(o, "storage");
		attr(o, "size_gb", "20");
		end(o);
	}
	if (d->db_ha) {
		blk(o, "high_availability");
		str(o, "mode", "ZoneRedundant");
		str(o, "standby_availability_zone", "2");
		end(o);
	}
	attr(o, "depends_on", "[azurerm_private_dns_zone_virtual_network_link.db]");
	az_tags(o);
	end(o);

	if (pg) {
		res(o, "azurerm_postgresql_flexible_server_database", "app", GC_DATABASE, "", 1);
		str(o, "name", "app");
		attr(o, "server_id", "azurerm_postgresql_flexible_server.db.id");
		str(o, "charset", "UTF8");
		str(o, "collation", "en_US.utf8");
		end(o);
	} else {
		res(o, "azurerm_mysql_flexible_database", "app", GC_DATABASE, "", 1);
		str(o, "name", "app");
		attr(o, "resource_group_name", "azurerm_resource_group.main.name");
		attr(o, "server_name", "azurerm_mysql_flexible_server.db.name");
		str(o, "charset", "utf8mb4");
		str(o, "collation", "utf8mb4_unicode_ci");
		end(o);
	}
}

static void az_cache(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_CACHE, d->cache_size);
	const char *sp = strchr(size, ' ');

	az_dns_zone(o, "cache", GC_CACHE, "privatelink.redis.cache.windows.net");

	res(o, "azurerm_redis_cache", "cache", GC_CACHE, size, 1);
	strf(o, "name", "%s-cache", d->slug);
	az_place(o);
	strf(o, "sku_name", "%.*s", (int)(sp - size), size);
	str(o, "family", "C");
	attr(o, "capacity", "%s", sp + 2);
	attr(o, "enable_non_ssl_port", "false");
	str(o, "minimum_tls_version", "1.2");
	attr(o, "public_network_access_enabled", "false");
	az_tags(o);
	end(o);

	az_endpoint(o, d, "cache", GC_CACHE, "azurerm_redis_cache.cache.id", "redisCache");
}

static void az_storage(struct gen_out *o, const struct gen_design *d)
{
	res(o, "azurerm_storage_account", "main", GC_STORAGE, "", 1);
	strf(o, "name", "%sst", d->compact);
	az_place(o);
	str(o, "account_tier", "Standard");
	str(o, "account_replication_type", d->web_ha || d->db_ha ? "ZRS" : "LRS");
	str(o, "account_kind", "StorageV2");
	str(o, "min_tls_version", "TLS1_2");
	attr(o, "enable_https_traffic_only", "true");
	attr(o, "allow_nested_items_to_be_public", "false");
	if (d->site) {
		blk(o, "static_website");
		str(o, "index_document", "index.html");
		str(o, "error_404_document", "404.html");
		end(o);
	}
	if (d->backup) {
		blk(o, "blob_properties");
		attr(o, "versioning_enabled", "true");
		blk(o, "delete_retention_policy");
		attr(o, "days", "30");
		end(o);
		end(o);
	}
	az_tags(o);
	end(o);

	if (d->assets) {
		res(o, "azurerm_storage_container", "uploads", GC_STORAGE, "", 1);
		str(o, "name", "uploads");
		attr(o, "storage_account_name", "azurerm_storage_account.main.name");
		str(o, "container_access_type", "private");
		end(o);
	}
}

static void az_cdn(struct gen_out *o, const struct gen_design *d)
{
	const char *host = d->site_cdn ? "azurerm_storage_account.main.primary_web_host"
	                               : "azurerm_public_ip.web.fqdn";

	res(o, "azurerm_cdn_profile", "cdn", GC_CDN, "Standard_Microsoft", 1);
	strf(o, "name", "%s-cdn", d->slug);
	az_place(o);
	str(o, "sku", "Standard_Microsoft");
	az_tags(o);
	end(o);

	res(o, "azurerm_cdn_endpoint", "cdn", GC_CDN, "", 1);
	strf(o, "name", "%s-cdn", d->slug);
	attr(o, "profile_name", "azurerm_cdn_profile.cdn.name");
	az_place(o);
	attr(o, "is_http_allowed", d->site_cdn ? "false" : "true");
	attr(o, "is_https_allowed", "true");
	attr(o, "origin_host_header", "%s", host);
	blk(o, "origin");
	str(o, "name", "origin");
	attr(o, "host_name", "%s", host);
	end(o);
	az_tags(o);
	end(o);
}

static void az_queue(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_QUEUE, d->queue_size);

	res(o, "azurerm_servicebus_namespace", "main", GC_QUEUE, size, 1);
	strf(o, "name", "%s-bus", d->slug);
	az_place(o);
	str(o, "sku", size);
	str(o, "minimum_tls_version", "1.2");
	az_tags(o);
	end(o);

	res(o, "azurerm_servicebus_queue", "jobs", GC_QUEUE, "", 1);
	str(o, "name", "jobs");
	attr(o, "namespace_id", "azurerm_servicebus_namespace.main.id");
	attr(o, "max_delivery_count", "5");
	attr(o, "dead_lettering_on_message_expiration", "true");
	end(o);
}

static void az_k8s(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_K8S, d->k8s_size);

	res(o, "azurerm_kubernetes_cluster", "main", GC_KUBERNETES, size, d->k8s_min);
	strf(o, "name", "%s-aks", d->slug);
	az_place(o);
	str(o, "dns_prefix", d->slug);
	str(o, "sku_tier", "Free");
	blk(o, "default_node_pool");
	str(o, "name", "system");
	str(o, "vm_size", size);
	attr(o, "vnet_subnet_id", "azurerm_subnet.app.id");
	if (d->autoscale && d->k8s_max > d->k8s_min) {
		attr(o, "enable_auto_scaling", "true");
		attr(o, "min_count", "%d", d->k8s_min);
		attr(o, "max_count", "%d", d->k8s_max);
	} else {
		attr(o, "node_count", "%d", d->k8s_min);
	}
	if (d->k8s_ha)
		attr(o, "zones", "[\"1\", \"2\", \"3\"]");
	end(o);
	blk(o, "identity");
	str(o, "type", "SystemAssigned");
	end(o);
	blk(o, "network_profile");
	str(o, "network_plugin", "azure");
	str(o, "network_plugin_mode", "overlay");
	str(o, "service_cidr", "172.16.0.0/16");
	str(o, "dns_service_ip", "172.16.0.10");
	end(o);
	if (d->monitor) {
		blk(o, "oms_agent");
		attr(o, "log_analytics_workspace_id", "azurerm_log_analytics_workspace.main.id");
		end(o);
	}
	az_tags(o);
	end(o);

	res(o, "azurerm_container_registry", "main", GC_KUBERNETES, "Basic", 1);
	strf(o, "name", "%sacr", d->compact);
	az_place(o);
	str(o, "sku", "Basic");
	attr(o, "admin_enabled", "false");
	az_tags(o);
	end(o);

	res(o, "azurerm_role_assignment", "aks_pull", GC_KUBERNETES, "", 1);
	attr(o, "principal_id", "azurerm_kubernetes_cluster.main.kubelet_identity[0].object_id");
	str(o, "role_definition_name", "AcrPull");
	attr(o, "scope", "azurerm_container_registry.main.id");
	attr(o, "skip_service_principal_aad_check", "true");
	end(o);
}

static void az_func(struct gen_out *o, const struct gen_design *d)
{
	res(o, "azurerm_storage_account", "functions", GC_FUNCTIONS, "", 1);
	strf(o, "name", "%sfn", d->compact);
	az_place(o);
	str(o, "account_tier", "Standard");
	str(o, "account_replication_type", "LRS");
	str(o, "min_tls_version", "TLS1_2");
	attr(o, "allow_nested_items_to_be_public", "false");
	az_tags(o);
	end(o);

	res(o, "azurerm_service_plan", "functions", GC_FUNCTIONS, "Y1", 1);
	strf(o, "name", "%s-functions", d->slug);
	az_place(o);
	str(o, "os_type", "Linux");
	str(o, "sku_name", "Y1");
	az_tags(o);
	end(o);

	res(o, "azurerm_linux_function_app", "app", GC_FUNCTIONS, "", 1);
	strf(o, "name", "%s-%s", d->slug, d->func_api ? "api" : "worker");
	az_place(o);
	attr(o, "service_plan_id", "azurerm_service_plan.functions.id");
	attr(o, "storage_account_name", "azurerm_storage_account.functions.name");
	attr(o, "storage_account_access_key",
	     "azurerm_storage_account.functions.primary_access_key");
	attr(o, "https_only", "true");
	blk(o, "site_config");
	str(o, "minimum_tls_version", "1.2");
	blk(o, "application_stack");
	switch (d->runtime) {
	case GEN_RT_PYTHON: str(o, "python_version", "3.11"); break;
	case GEN_RT_JAVA: str(o, "java_version", "17"); break;
	case GEN_RT_DOTNET:
		str(o, "dotnet_version", "8.0");
		attr(o, "use_dotnet_isolated_runtime", "true");
		break;
	case GEN_RT_GO: attr(o, "use_custom_runtime", "true"); break;
	default: str(o, "node_version", "18"); break;
	}
	end(o);
	end(o);
	blk(o, "identity");
	str(o, "type", "SystemAssigned");
	end(o);
	if (d->func_queue) {
		open_val(o, "app_settings", "{");
		attr(o, "ServiceBusConnection",
		     "azurerm_servicebus_namespace.main.default_primary_connection_string");
		close_val(o, "}");
	}
	az_tags(o);
	end(o);
}

static void az_search(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_SEARCH, d->search_size);
	int n = d->search_ha ? 2 : 1;

	res(o, "azurerm_search_service", "search", GC_SEARCH, size, n);
	strf(o, "name", "%s-search", d->slug);
	az_place(o);
	str(o, "sku", size);
	attr(o, "replica_count", "%d", n);
	attr(o, "partition_count", "1");
	az_tags(o);
	end(o);
}

static void az_alert(struct gen_out *o, const struct gen_design *d, const char *name,
                     const char *scope, const char *ns, const char *metric, const char *desc)
{
	char dashed[32];

	snprintf(dashed, sizeof(dashed), "%s", name);
	for (char *p = dashed; *p != '\0'; p++)
		if (*p == '_')
			*p = '-';
	res(o, "azurerm_monitor_metric_alert", name, GC_MONITORING, "", 1);
	strf(o, "name", "%s-%s", d->slug, dashed);
	attr(o, "resource_group_name", "azurerm_resource_group.main.name");
	attr(o, "scopes", "[%s]", scope);
	str(o, "description", desc);
	attr(o, "severity", "2");
	str(o, "frequency", "PT5M");
	str(o, "window_size", "PT15M");
	blk(o, "criteria");
	str(o, "metric_namespace", ns);
	str(o, "metric_name", metric);
	str(o, "aggregation", "Average");
	str(o, "operator", "GreaterThan");
	attr(o, "threshold", "80");
	end(o);
	blk(o, "action");
	attr(o, "action_group_id", "azurerm_monitor_action_group.alerts.id");
	end(o);
	az_tags(o);
	end(o);
}

static void az_monitor(struct gen_out *o, const struct gen_design *d)
{
	res(o, "azurerm_log_analytics_workspace", "main", GC_MONITORING, "PerGB2018", 1);
	strf(o, "name", "%s-logs", d->slug);
	az_place(o);
	str(o, "sku", "PerGB2018");
	attr(o, "retention_in_days", "30");
	az_tags(o);
	end(o);

	res(o, "azurerm_monitor_action_group", "alerts", GC_MONITORING, "", 1);
	strf(o, "name", "%s-alerts", d->slug);
	attr(o, "resource_group_name", "azurerm_resource_group.main.name");
	str(o, "short_name", "alerts");
	blk(o, "email_receiver");
	str(o, "name", "operations");
	attr(o, "email_address", "var.alert_email");
	end(o);
	az_tags(o);
	end(o);

	if (d->app)
		az_alert(o, d, "web_cpu", "azurerm_linux_virtual_machine_scale_set.web.id",
		         "Microsoft.Compute/virtualMachineScaleSets", "Percentage CPU",
		         "Web tier CPU above 80%");
	if (d->k8s)
		az_alert(o, d, "nodes_cpu", "azurerm_kubernetes_cluster.main.id",
		         "Microsoft.ContainerService/managedClusters", "node_cpu_usage_percentage",
		         "Kubernetes node CPU above 80%");
	if (d->db && d->engine == GEN_DB_MSSQL)
		az_alert(o, d, "db_dtu", "azurerm_mssql_database.db.id",
		         "Microsoft.Sql/servers/databases", "dtu_consumption_percent",
		         "Database DTU use above 80%");
	else if (d->db)
		az_alert(o, d, "db_cpu",
		         d->engine == GEN_DB_POSTGRES ? "azurerm_postgresql_flexible_server.db.id"
		                                      : "azurerm_mysql_flexible_server.db.id",
		         d->engine == GEN_DB_POSTGRES ? "Microsoft.DBforPostgreSQL/flexibleServers"
		                                      : "Microsoft.DBforMySQL/flexibleServers",
		         "cpu_percent", "Database CPU above 80%");
}

static void write_azure(struct gen_out *o, const struct gen_design *d, int64_t cost)
{
	header(o, d, "Azure", cost);
	required_provider(o, "azurerm", "hashicorp/azurerm", "~> 3.0");

	blk(o, "provider \"azurerm\"");
	empty(o, "features");
	end(o);

	variable(o, "location", "Azure region to deploy into.", d->region->azure, false);
	variable(o, "project", "Project name, used in tags.", d->project, false);
	if (d->db)
		password_variable(o);
	if (d->app)
		variable(o, "ssh_public_key", "SSH public key for the web tier's admin user.", NULL,
		         false);
	if (d->monitor)
		variable(o, "alert_email", "E-mail address that receives the alerts.", NULL, false);

	blk(o, "locals");
	open_val(o, "tags", "{");
	attr(o, "Project", "var.project");
	str(o, "ManagedBy", "stratus");
	close_val(o, "}");
	end(o);

	res(o, "azurerm_resource_group", "main", GC_NETWORK, "", 1);
	strf(o, "name", "%s-rg", d->slug);
	attr(o, "location", "var.location");
	az_tags(o);
	end(o);

	if (d->net)
		az_network(o, d);
	if (d->app)
		az_web(o, d);
	if (d->db)
		az_db(o, d);
	if (d->cache)
		az_cache(o, d);
	if (d->site || d->assets)
		az_storage(o, d);
	if (d->site_cdn || d->app_cdn)
		az_cdn(o, d);
	if (d->queue)
		az_queue(o, d);
	if (d->monitor)
		az_monitor(o, d);
	if (d->k8s)
		az_k8s(o, d);
	if (d->func)
		az_func(o, d);
	if (d->search)
		az_search(o, d);

	output(o, "resource_group", "Resource group holding everything.",
	       "azurerm_resource_group.main.name");
	if (d->lb)
		output(o, "load_balancer_ip", "Public IP address of the load balancer.",
		       "azurerm_public_ip.web.ip_address");
	else if (d->app)
		output(o, "scale_set_name", "The web tier's scale set (instances have public IPs).",
		       "azurerm_linux_virtual_machine_scale_set.web.name");
	if (d->site_cdn || d->app_cdn)
		output(o, "cdn_endpoint", "Host name of the CDN endpoint.",
		       "azurerm_cdn_endpoint.cdn.fqdn");
	if (d->site)
		output(o, "site_url", "The storage account's static website URL.",
		       "azurerm_storage_account.main.primary_web_endpoint");
	if (d->site || d->assets)
		output(o, "storage_account", "Storage account name.",
		       "azurerm_storage_account.main.name");
	if (d->db && d->engine == GEN_DB_MSSQL)
		output(o, "db_fqdn", "SQL server host name (private endpoint).",
		       "azurerm_mssql_server.db.fully_qualified_domain_name");
	else if (d->db)
		output(o, "db_fqdn", "Database host name (private).",
		       d->engine == GEN_DB_POSTGRES ? "azurerm_postgresql_flexible_server.db.fqdn"
		                                    : "azurerm_mysql_flexible_server.db.fqdn");
	if (d->cache)
		output(o, "cache_hostname", "Redis host name (private endpoint).",
		       "azurerm_redis_cache.cache.hostname");
	if (d->queue)
		output(o, "servicebus_namespace", "Service Bus namespace of the job queue.",
		       "azurerm_servicebus_namespace.main.name");
	if (d->k8s) {
		output(o, "cluster_name", "AKS cluster name.",
		       "azurerm_kubernetes_cluster.main.name");
		output(o, "registry_login_server", "Container registry for the images.",
		       "azurerm_container_registry.main.login_server");
	}
	if (d->func)
		output(o, "function_app_hostname", "Host name of the function app.",
		       "azurerm_linux_function_app.app.default_hostname");
	if (d->search)
		output(o, "search_endpoint", "Search service endpoint.",
		       "\"https://${azurerm_search_service.search.name}.search.windows.net\"");
}

/* ================================================================ GCP */

static bool gcp_front(const struct gen_design *d)
{
	return d->lb || d->site_cdn;
}

static void gcp_bucket(struct gen_out *o, const struct gen_design *d, const char *name,
                       enum gen_comp comp, bool public_site)
{
	res(o, "google_storage_bucket", name, comp, "", 1);
	attr(o, "name", "\"${var.project_id}-%s-%s\"", d->slug, name);
	attr(o, "location", "var.region");
	attr(o, "uniform_bucket_level_access", "true");
	str(o, "public_access_prevention", public_site ? "inherited" : "enforced");
	if (public_site) {
		blk(o, "website");
		str(o, "main_page_suffix", "index.html");
		str(o, "not_found_page", "404.html");
		end(o);
	}
	if (d->backup && comp == GC_STORAGE) {
		blk(o, "versioning");
		attr(o, "enabled", "true");
		end(o);
	}
	end(o);
}

static void gcp_network(struct gen_out *o, const struct gen_design *d)
{
	res(o, "google_compute_network", "main", GC_NETWORK, "", 1);
	strf(o, "name", "%s-vpc", d->slug);
	attr(o, "auto_create_subnetworks", "false");
	end(o);

	res(o, "google_compute_subnetwork", "main", GC_NETWORK, "", 1);
	strf(o, "name", "%s-subnet", d->slug);
	str(o, "ip_cidr_range", "10.0.0.0/20");
	attr(o, "region", "var.region");
	attr(o, "network", "google_compute_network.main.id");
	attr(o, "private_ip_google_access", "true");
	if (d->k8s) {
		blk(o, "secondary_ip_range");
		str(o, "range_name", "pods");
		str(o, "ip_cidr_range", "10.4.0.0/14");
		end(o);
		blk(o, "secondary_ip_range");
		str(o, "range_name", "services");
		str(o, "ip_cidr_range", "10.8.0.0/20");
		end(o);
	}
	end(o);

	if (d->app) {
		res(o, "google_compute_firewall", "web", GC_WEB, "", 1);
		strf(o, "name", "%s-allow-web", d->slug);
		attr(o, "network", "google_compute_network.main.id");
		blk(o, "allow");
		str(o, "protocol", "tcp");
		attr(o, "ports", d->lb ? "[\"80\"]" : "[\"80\", \"443\"]");
		end(o);
		/* Behind the load balancer only Google's front ends and health checkers get in. */
		attr(o, "source_ranges",
		     d->lb ? "[\"130.211.0.0/22\", \"35.191.0.0/16\"]" : "[\"0.0.0.0/0\"]");
		attr(o, "target_tags", "[\"web\"]");
		end(o);
	}
	if (d->search) {
		res(o, "google_compute_firewall", "search", GC_SEARCH, "", 1);
		strf(o, "name", "%s-allow-search", d->slug);
		attr(o, "network", "google_compute_network.main.id");
		blk(o, "allow");
		str(o, "protocol", "tcp");
		attr(o, "ports", "[\"9200\"]");
		end(o);
		attr(o, "source_ranges", "[\"10.0.0.0/8\"]");
		attr(o, "target_tags", "[\"search\"]");
		end(o);
	}
	if (d->db || d->cache) {
		/* Cloud SQL and Memorystore are reached over private services access. */
		res(o, "google_compute_global_address", "private_services", GC_NETWORK, "", 1);
		strf(o, "name", "%s-private-services", d->slug);
		str(o, "purpose", "VPC_PEERING");
		str(o, "address_type", "INTERNAL");
		attr(o, "prefix_length", "16");
		attr(o, "network", "google_compute_network.main.id");
		end(o);

		res(o, "google_service_networking_connection", "private_services", GC_NETWORK, "",
		    1);
		attr(o, "network", "google_compute_network.main.id");
		str(o, "service", "servicenetworking.googleapis.com");
		attr(o, "reserved_peering_ranges",
		     "[google_compute_global_address.private_services.name]");
		end(o);
	}
}

static void gcp_web(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_WEB, d->web_size);

	res(o, "google_compute_instance_template", "web", GC_WEB, size, d->web_min);
	strf(o, "name_prefix", "%s-web-", d->slug);
	str(o, "machine_type", size);
	attr(o, "tags", "[\"web\"]");
	blk(o, "disk");
	str(o, "source_image", "debian-cloud/debian-12");
	attr(o, "auto_delete", "true");
	attr(o, "boot", "true");
	attr(o, "disk_size_gb", "10");
	end(o);
	blk(o, "network_interface");
	attr(o, "subnetwork", "google_compute_subnetwork.main.id");
	empty(o, "access_config");
	end(o);
	blk(o, "shielded_instance_config");
	attr(o, "enable_secure_boot", "true");
	end(o);
	blk(o, "lifecycle");
	attr(o, "create_before_destroy", "true");
	end(o);
	end(o);

	res(o, "google_compute_health_check", "web", GC_WEB, "", 1);
	strf(o, "name", "%s-web", d->slug);
	attr(o, "check_interval_sec", "10");
	blk(o, "http_health_check");
	attr(o, "port", "80");
	str(o, "request_path", "/");
	end(o);
	end(o);

	res(o, "google_compute_region_instance_group_manager", "web", GC_WEB, "", 1);
	strf(o, "name", "%s-web", d->slug);
	str(o, "base_instance_name", "web");
	attr(o, "region", "var.region");
	if (!d->autoscale)
		attr(o, "target_size", "%d", d->web_min);
	blk(o, "version");
	attr(o, "instance_template", "google_compute_instance_template.web.id");
	end(o);
	blk(o, "named_port");
	str(o, "name", "http");
	attr(o, "port", "80");
	end(o);
	blk(o, "auto_healing_policies");
	attr(o, "health_check", "google_compute_health_check.web.id");
	attr(o, "initial_delay_sec", "300");
	end(o);
	end(o);

	if (d->autoscale) {
		res(o, "google_compute_region_autoscaler", "web", GC_WEB, "", 1);
		strf(o, "name", "%s-web", d->slug);
		attr(o, "region", "var.region");
		attr(o, "target", "google_compute_region_instance_group_manager.web.id");
		blk(o, "autoscaling_policy");
		attr(o, "min_replicas", "%d", d->web_min);
		attr(o, "max_replicas", "%d", d->web_max);
		attr(o, "cooldown_period", "90");
		blk(o, "cpu_utilization");
		attr(o, "target", "0.6");
		end(o);
		end(o);
		end(o);
	}

	if (d->lb) {
		res(o, "google_compute_backend_service", "web", GC_LB, d->app_cdn ? "true" : "", 1);
		strf(o, "name", "%s-web", d->slug);
		str(o, "protocol", "HTTP");
		str(o, "port_name", "http");
		str(o, "load_balancing_scheme", "EXTERNAL_MANAGED");
		attr(o, "timeout_sec", "30");
		attr(o, "health_checks", "[google_compute_health_check.web.id]");
		if (d->app_cdn) {
			attr(o, "enable_cdn", "true");
			blk(o, "cdn_policy");
			str(o, "cache_mode", "USE_ORIGIN_HEADERS");
			end(o);
		}
		blk(o, "backend");
		attr(o, "group", "google_compute_region_instance_group_manager.web.instance_group");
		str(o, "balancing_mode", "UTILIZATION");
		attr(o, "capacity_scaler", "1");
		end(o);
		end(o);
	}
}

/* The global HTTP front end: address, URL map, proxy, forwarding rule. */
static void gcp_front_end(struct gen_out *o, const struct gen_design *d)
{
	if (d->site_cdn) {
		res(o, "google_compute_backend_bucket", "site", GC_CDN, "", 1);
		strf(o, "name", "%s-site", d->slug);
		attr(o, "bucket_name", "google_storage_bucket.site.name");
		attr(o, "enable_cdn", "true");
		end(o);
	}

	res(o, "google_compute_global_address", "lb", GC_LB, "", 1);
	strf(o, "name", "%s-lb", d->slug);
	end(o);

	res(o, "google_compute_url_map", "web", GC_LB, "", 1);
	strf(o, "name", "%s-web", d->slug);
	if (d->site_cdn && d->lb) {
		/* The site from the bucket, the application under /api/. */
		attr(o, "default_service", "google_compute_backend_bucket.site.id");
		blk(o, "host_rule");
		attr(o, "hosts", "[\"*\"]");
		str(o, "path_matcher", "main");
		end(o);
		blk(o, "path_matcher");
		str(o, "name", "main");
		attr(o, "default_service", "google_compute_backend_bucket.site.id");
		blk(o, "path_rule");
		attr(o, "paths", "[\"/api\", \"/api/*\"]");
		attr(o, "service", "google_compute_backend_service.web.id");
		end(o);
		end(o);
	} else if (d->site_cdn) {
		attr(o, "default_service", "google_compute_backend_bucket.site.id");
	} else {
		attr(o, "default_service", "google_compute_backend_service.web.id");
	}
	end(o);

	res(o, "google_compute_target_http_proxy", "web", GC_LB, "", 1);
	strf(o, "name", "%s-web", d->slug);
	attr(o, "url_map", "google_compute_url_map.web.id");
	end(o);

	res(o, "google_compute_global_forwarding_rule", "web", GC_LB, "", 1);
	strf(o, "name", "%s-web", d->slug);
	attr(o, "target", "google_compute_target_http_proxy.web.id");
	str(o, "port_range", "80");
	attr(o, "ip_address", "google_compute_global_address.lb.id");
	str(o, "load_balancing_scheme", "EXTERNAL_MANAGED");
	end(o);
}

static void gcp_db(struct gen_out *o, const struct gen_design *d)
{
	static const char *const versions[GEN_DB__MAX] = { "POSTGRES_16", "MYSQL_8_0", "MYSQL_8_0",
		                                           "SQLSERVER_2019_EXPRESS" };
	const char *size = size_of(d, GEN_L_DB, d->db_size);

	res(o, "google_sql_database_instance", "db", GC_DATABASE, size, d->db_ha ? 2 : 1);
	strf(o, "name", "%s-db", d->slug);
	str(o, "database_version", versions[d->engine]);
	attr(o, "region", "var.region");
	attr(o, "deletion_protection", "true");
	if (d->engine == GEN_DB_MSSQL)
		attr(o, "root_password", "var.db_password");
	blk(o, "settings");
	str(o, "tier", size);
	str(o, "edition", "ENTERPRISE");
	str(o, "availability_type", d->db_ha ? "REGIONAL" : "ZONAL");
	str(o, "disk_type", "PD_SSD");
	attr(o, "disk_size", "10");
	attr(o, "disk_autoresize", "true");
	blk(o, "ip_configuration");
	attr(o, "ipv4_enabled", "false");
	attr(o, "private_network", "google_compute_network.main.id");
	str(o, "ssl_mode", "ENCRYPTED_ONLY");
	end(o);
	blk(o, "backup_configuration");
	attr(o, "enabled", "true");
	str(o, "start_time", "03:00");
	if (d->engine == GEN_DB_POSTGRES)
		attr(o, "point_in_time_recovery_enabled", "true");
	else if (d->engine != GEN_DB_MSSQL)
		attr(o, "binary_log_enabled", "true");
	blk(o, "backup_retention_settings");
	attr(o, "retained_backups", d->backup ? "30" : "7");
	end(o);
	end(o);
	end(o);
	attr(o, "depends_on", "[google_service_networking_connection.private_services]");
	end(o);

	res(o, "google_sql_database", "app", GC_DATABASE, "", 1);
	str(o, "name", "app");
	attr(o, "instance", "google_sql_database_instance.db.name");
	end(o);

	res(o, "google_sql_user", "app", GC_DATABASE, "", 1);
	attr(o, "name", "var.db_username");
	attr(o, "instance", "google_sql_database_instance.db.name");
	attr(o, "password", "var.db_password");
	end(o);
}

static void gcp_cache(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_CACHE, d->cache_size);

	res(o, "google_redis_instance", "cache", GC_CACHE, size, d->cache_ha ? 2 : 1);
	strf(o, "name", "%s-cache", d->slug);
	str(o, "tier", d->cache_ha ? "STANDARD_HA" : "BASIC");
	attr(o, "memory_size_gb", "%s", size);
	attr(o, "region", "var.region");
	str(o, "redis_version", "REDIS_7_0");
	attr(o, "authorized_network", "google_compute_network.main.id");
	str(o, "connect_mode", "PRIVATE_SERVICE_ACCESS");
	attr(o, "auth_enabled", "true");
	str(o, "transit_encryption_mode", "SERVER_AUTHENTICATION");
	attr(o, "depends_on", "[google_service_networking_connection.private_services]");
	end(o);
}

static void gcp_queue(struct gen_out *o, const struct gen_design *d)
{
	res(o, "google_pubsub_topic", "jobs", GC_QUEUE, "", 1);
	strf(o, "name", "%s-jobs", d->slug);
	end(o);

	if (d->func_queue) /* the function's trigger makes its own subscription */
		return;
	res(o, "google_pubsub_subscription", "jobs", GC_QUEUE, "", 1);
	strf(o, "name", "%s-jobs", d->slug);
	attr(o, "topic", "google_pubsub_topic.jobs.id");
	attr(o, "ack_deadline_seconds", "60");
	str(o, "message_retention_duration", "604800s");
	end(o);
}

static void gcp_k8s(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_K8S, d->k8s_size);
	/* A regional cluster runs its node count in each of three zones. */
	int per_zone = d->k8s_ha ? (d->k8s_min + 2) / 3 : d->k8s_min;
	int max_zone = d->k8s_ha ? (d->k8s_max + 2) / 3 : d->k8s_max;
	int nodes = d->k8s_ha ? per_zone * 3 : per_zone;
	const char *where = d->k8s_ha ? "var.region" : "var.zone";

	res(o, "google_container_cluster", "main", GC_KUBERNETES, "", 1);
	str(o, "name", d->slug);
	attr(o, "location", "%s", where);
	attr(o, "network", "google_compute_network.main.id");
	attr(o, "subnetwork", "google_compute_subnetwork.main.id");
	attr(o, "remove_default_node_pool", "true");
	attr(o, "initial_node_count", "1");
	str(o, "networking_mode", "VPC_NATIVE");
	blk(o, "ip_allocation_policy");
	str(o, "cluster_secondary_range_name", "pods");
	str(o, "services_secondary_range_name", "services");
	end(o);
	blk(o, "release_channel");
	str(o, "channel", "REGULAR");
	end(o);
	blk(o, "workload_identity_config");
	attr(o, "workload_pool", "\"${var.project_id}.svc.id.goog\"");
	end(o);
	end(o);

	res(o, "google_container_node_pool", "main", GC_KUBERNETES, size, nodes);
	str(o, "name", "main");
	attr(o, "cluster", "google_container_cluster.main.id");
	attr(o, "location", "%s", where);
	if (d->autoscale && max_zone > per_zone) {
		blk(o, "autoscaling");
		attr(o, "min_node_count", "%d", per_zone);
		attr(o, "max_node_count", "%d", max_zone);
		end(o);
	} else {
		attr(o, "node_count", "%d", per_zone);
	}
	blk(o, "node_config");
	str(o, "machine_type", size);
	attr(o, "disk_size_gb", "50");
	attr(o, "oauth_scopes", "[\"https://www.googleapis.com/auth/cloud-platform\"]");
	blk(o, "workload_metadata_config");
	str(o, "mode", "GKE_METADATA");
	end(o);
	end(o);
	blk(o, "management");
	attr(o, "auto_repair", "true");
	attr(o, "auto_upgrade", "true");
	end(o);
	end(o);

	res(o, "google_artifact_registry_repository", "images", GC_KUBERNETES, "", 1);
	attr(o, "location", "var.region");
	strf(o, "repository_id", "%s-images", d->slug);
	str(o, "format", "DOCKER");
	end(o);
}

static void gcp_func(struct gen_out *o, const struct gen_design *d)
{
	static const char *const runtimes[GEN_RT__MAX] = { "nodejs20", "python312", "java17",
		                                           "go122", "dotnet8" };

	gcp_bucket(o, d, "functions", GC_FUNCTIONS, false);

	res(o, "google_storage_bucket_object", "function_source", GC_FUNCTIONS, "", 1);
	str(o, "name", "function-source.zip");
	attr(o, "bucket", "google_storage_bucket.functions.name");
	attr(o, "source", "var.function_source");
	end(o);

	res(o, "google_cloudfunctions2_function", "app", GC_FUNCTIONS, "", 1);
	strf(o, "name", "%s-%s", d->slug, d->func_api ? "api" : "worker");
	attr(o, "location", "var.region");
	blk(o, "build_config");
	str(o, "runtime", runtimes[d->runtime]);
	str(o, "entry_point", "handler");
	blk(o, "source");
	blk(o, "storage_source");
	attr(o, "bucket", "google_storage_bucket.functions.name");
	attr(o, "object", "google_storage_bucket_object.function_source.name");
	end(o);
	end(o);
	end(o);
	blk(o, "service_config");
	attr(o, "min_instance_count", "0");
	attr(o, "max_instance_count", "%d", d->autoscale ? 100 : 10);
	str(o, "available_memory", "256M");
	attr(o, "timeout_seconds", "60");
	str(o, "ingress_settings", d->func_api ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY");
	end(o);
	if (d->func_queue) {
		blk(o, "event_trigger");
		attr(o, "trigger_region", "var.region");
		str(o, "event_type", "google.cloud.pubsub.topic.v1.messagePublished");
		attr(o, "pubsub_topic", "google_pubsub_topic.jobs.id");
		str(o, "retry_policy", "RETRY_POLICY_RETRY");
		end(o);
	}
	end(o);

	if (d->func_api) {
		/* The HTTP API is public; everything else needs an identity. */
		res(o, "google_cloud_run_service_iam_member", "app_public", GC_FUNCTIONS, "", 1);
		attr(o, "location", "google_cloudfunctions2_function.app.location");
		attr(o, "service", "google_cloudfunctions2_function.app.name");
		str(o, "role", "roles/run.invoker");
		str(o, "member", "allUsers");
		end(o);
	}
}

static void gcp_search(struct gen_out *o, const struct gen_design *d)
{
	const char *size = size_of(d, GEN_L_SEARCH, d->search_size);
	int n = d->search_ha ? 2 : 1;

	/* No managed Elasticsearch on GCP: a private VM for a self-managed OpenSearch node. */
	res(o, "google_compute_instance", "search", GC_SEARCH, size, n);
	if (n > 1) {
		attr(o, "count", "%d", n);
		attr(o, "name", "\"%s-search-${count.index}\"", d->slug);
	} else {
		strf(o, "name", "%s-search", d->slug);
	}
	str(o, "machine_type", size);
	attr(o, "zone", "var.zone");
	attr(o, "tags", "[\"search\"]");
	blk(o, "boot_disk");
	blk(o, "initialize_params");
	str(o, "image", "debian-cloud/debian-12");
	attr(o, "size", "30");
	end(o);
	end(o);
	blk(o, "network_interface");
	attr(o, "subnetwork", "google_compute_subnetwork.main.id");
	end(o);
	blk(o, "shielded_instance_config");
	attr(o, "enable_secure_boot", "true");
	end(o);
	end(o);
}

static void gcp_alert(struct gen_out *o, const char *name, const char *title, const char *filter)
{
	res(o, "google_monitoring_alert_policy", name, GC_MONITORING, "", 1);
	str(o, "display_name", title);
	str(o, "combiner", "OR");
	attr(o, "notification_channels", "[google_monitoring_notification_channel.email.id]");
	blk(o, "conditions");
	str(o, "display_name", title);
	blk(o, "condition_threshold");
	str(o, "filter", filter);
	str(o, "comparison", "COMPARISON_GT");
	attr(o, "threshold_value", "0.8");
	str(o, "duration", "300s");
	blk(o, "aggregations");
	str(o, "alignment_period", "60s");
	str(o, "per_series_aligner", "ALIGN_MEAN");
	end(o);
	end(o);
	end(o);
	end(o);
}

static void gcp_monitor(struct gen_out *o, const struct gen_design *d)
{
	res(o, "google_monitoring_notification_channel", "email", GC_MONITORING, "", 1);
	strf(o, "display_name", "%s alerts", d->project);
	str(o, "type", "email");
	open_val(o, "labels", "{");
	attr(o, "email_address", "var.alert_email");
	close_val(o, "}");
	end(o);

	if (d->app || d->k8s || d->search)
		gcp_alert(o, "vm_cpu", "VM CPU above 80%",
		          "resource.type = \"gce_instance\" AND metric.type = "
		          "\"compute.googleapis.com/instance/cpu/utilization\"");
	if (d->db)
		gcp_alert(o, "db_cpu", "Database CPU above 80%",
		          "resource.type = \"cloudsql_database\" AND metric.type = "
		          "\"cloudsql.googleapis.com/database/cpu/utilization\"");
}

static void write_gcp(struct gen_out *o, const struct gen_design *d, int64_t cost)
{
	header(o, d, "Google Cloud", cost);
	required_provider(o, "google", "hashicorp/google", "~> 5.0");

	blk(o, "provider \"google\"");
	attr(o, "project", "var.project_id");
	attr(o, "region", "var.region");
	open_val(o, "default_labels", "{");
	/* GCP label values must be lower case */
	str(o, "project", d->label);
	str(o, "managed-by", "stratus");
	close_val(o, "}");
	end(o);

	variable(o, "project_id", "Google Cloud project to deploy into.", NULL, false);
	variable(o, "region", "Google Cloud region to deploy into.", d->region->gcp, false);
	if (d->k8s || d->search)
		variable(o, "zone", "Zone for zonal resources.", d->region->gcp_zone, false);
	if (d->db)
		password_variable(o);
	if (d->func)
		variable(o, "function_source", "Path of the zip file with the function's code.",
		         "function-source.zip", false);
	if (d->monitor)
		variable(o, "alert_email", "E-mail address that receives the alerts.", NULL, false);

	if (d->net)
		gcp_network(o, d);
	if (d->app)
		gcp_web(o, d);
	if (d->site) {
		gcp_bucket(o, d, "site", GC_STORAGE, true);
		/* A static site (and Cloud CDN's backend bucket) needs public objects. */
		res(o, "google_storage_bucket_iam_member", "site_public", GC_STORAGE, "", 1);
		attr(o, "bucket", "google_storage_bucket.site.name");
		str(o, "role", "roles/storage.objectViewer");
		str(o, "member", "allUsers");
		end(o);
	}
	if (gcp_front(d))
		gcp_front_end(o, d);
	if (d->db)
		gcp_db(o, d);
	if (d->cache)
		gcp_cache(o, d);
	if (d->assets)
		gcp_bucket(o, d, "assets", GC_STORAGE, false);
	if (d->queue)
		gcp_queue(o, d);
	if (d->k8s)
		gcp_k8s(o, d);
	if (d->func)
		gcp_func(o, d);
	if (d->search)
		gcp_search(o, d);
	if (d->monitor)
		gcp_monitor(o, d);

	if (gcp_front(d))
		output(o, "load_balancer_ip",
		       d->site_cdn ? "Public IP of the CDN front end."
		                   : "Public IP of the load balancer.",
		       "google_compute_global_address.lb.address");
	else if (d->app)
		output(o, "instance_group", "The web tier's managed instance group.",
		       "google_compute_region_instance_group_manager.web.instance_group");
	if (d->site) {
		output(o, "site_bucket", "Bucket holding the static site.",
		       "google_storage_bucket.site.name");
		if (!d->site_cdn)
			output(o, "site_url", "Public URL of the site's index page.",
			       "\"https://storage.googleapis.com/"
			       "${google_storage_bucket.site.name}/"
			       "index.html\"");
	}
	if (d->assets)
		output(o, "assets_bucket", "Private bucket for files and uploads.",
		       "google_storage_bucket.assets.name");
	if (d->db) {
		output(o, "db_private_ip", "Database private IP address.",
		       "google_sql_database_instance.db.private_ip_address");
		output(o, "db_connection_name", "Connection name for the Cloud SQL connectors.",
		       "google_sql_database_instance.db.connection_name");
	}
	if (d->cache)
		output(o, "cache_host", "Redis host (private).",
		       "google_redis_instance.cache.host");
	if (d->queue)
		output(o, "pubsub_topic", "Pub/Sub topic of the job queue.",
		       "google_pubsub_topic.jobs.name");
	if (d->k8s) {
		output(o, "cluster_name", "GKE cluster name.",
		       "google_container_cluster.main.name");
		output(o, "cluster_endpoint", "GKE API server endpoint.",
		       "google_container_cluster.main.endpoint");
	}
	if (d->func)
		output(o, "function_uri", "URL of the function.",
		       "google_cloudfunctions2_function.app.service_config[0].uri");
	if (d->search)
		output(o, "search_internal_ip", "Private IP of the search node.",
		       d->search_ha
		               ? "google_compute_instance.search[0].network_interface[0].network_ip"
		               : "google_compute_instance.search.network_interface[0].network_ip");
}

/* ================================================================ entry */

void gen_write(struct gen_out *o, const struct gen_design *d, int64_t cost)
{
	o->cloud = d->cloud;
	switch (d->cloud) {
	case GEN_AWS: write_aws(o, d, cost); break;
	case GEN_AZURE: write_azure(o, d, cost); break;
	default: write_gcp(o, d, cost); break;
	}
	if (o->a != NULL && o->depth != 0)
		o->fail = true;
}
