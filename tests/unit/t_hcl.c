/* t_hcl.c: the HCL2 reader: a real Terraform file, its inventory, bad inputs, limits, prefixes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/hcl.h"
#include "tests/unit/unit.h"

/* What a language model might answer: every kind of block and most of the syntax. */
static const char realistic[] =
        "# Generated infrastructure: a small web service (café ☕, 10 €/month).\n"
        "terraform {\n"
        "  required_version = \">= 1.5.0\"\n"
        "  required_providers {\n"
        "    aws = {\n"
        "      source  = \"hashicorp/aws\"\n"
        "      version = \"~> 5.0\"\n"
        "    }\n"
        "  }\n"
        "  backend \"s3\" {\n"
        "    bucket = \"stratus-state\"\n"
        "    key    = \"web/terraform.tfstate\"\n"
        "    region = \"eu-west-1\"\n"
        "  }\n"
        "}\n"
        "\n"
        "provider \"aws\" {\n"
        "  region = var.region\n"
        "  default_tags {\n"
        "    tags = local.common_tags\n"
        "  }\n"
        "}\n"
        "\n"
        "variable \"region\" {\n"
        "  type        = string\n"
        "  default     = \"eu-west-1\"\n"
        "  description = \"Where to deploy\"\n"
        "}\n"
        "\n"
        "variable \"instance_count\" {\n"
        "  type    = number\n"
        "  default = 2\n"
        "  validation {\n"
        "    condition     = var.instance_count > 0 && var.instance_count <= 10\n"
        "    error_message = \"Between 1 and 10 instances, please.\"\n"
        "  }\n"
        "}\n"
        "\n"
        "variable \"ingress\" {\n"
        "  type = list(object({ port = number, cidr = string }))\n"
        "  default = [\n"
        "    { port = 80, cidr = \"0.0.0.0/0\" },\n"
        "    { port = 443, cidr = \"0.0.0.0/0\" },\n"
        "  ]\n"
        "}\n"
        "\n"
        "locals {\n"
        "  name = \"web-${var.region}\"\n"
        "  common_tags = {\n"
        "    Project     = \"stratus\"\n"
        "    Environment = terraform.workspace == \"default\" ? \"dev\" : terraform.workspace\n"
        "  }\n"
        "  ports    = [for rule in var.ingress : rule.port if rule.port != 22]\n"
        "  by_port  = { for i, rule in var.ingress : tostring(rule.port) => rule.cidr... }\n"
        "  az_names = data.aws_availability_zones.available.names[*]\n"
        "  first_az = data.aws_availability_zones.available.names.0\n"
        "  ratio    = (var.instance_count * 2 + 1) / 3 % 2\n"
        "  negated  = !true || -1 < 0\n"
        "  scaled   = 1.5e3\n"
        "}\n"
        "\n"
        "data \"aws_availability_zones\" \"available\" {\n"
        "  state = \"available\"\n"
        "}\n"
        "\n"
        "/* The network. */\n"
        "resource \"aws_vpc\" \"main\" {\n"
        "  cidr_block           = \"10.0.0.0/16\"\n"
        "  enable_dns_hostnames = true\n"
        "  tags                 = merge(local.common_tags, { Name = \"${local.name}-vpc\" })\n"
        "}\n"
        "\n"
        "resource \"aws_security_group\" \"web\" {\n"
        "  name   = \"web\"\n"
        "  vpc_id = aws_vpc.main.id\n"
        "\n"
        "  dynamic \"ingress\" {\n"
        "    for_each = var.ingress\n"
        "    content {\n"
        "      from_port   = ingress.value.port\n"
        "      to_port     = ingress.value.port\n"
        "      protocol    = \"tcp\"\n"
        "      cidr_blocks = [ingress.value.cidr]\n"
        "    }\n"
        "  }\n"
        "\n"
        "  egress { from_port = 0 }\n"
        "}\n"
        "\n"
        "resource \"aws_instance\" \"web\" {\n"
        "  count         = var.instance_count\n"
        "  ami           = \"ami-0abcdef1234567890\"\n"
        "  instance_type = \"t3.micro\"\n"
        "  subnet_id     = element(aws_subnet.public[*].id, count.index)\n"
        "  user_data     = <<-EOT\n"
        "    #!/bin/bash\n"
        "    echo \"Hello from ${local.name}\" > /var/www/index.html\n"
        "    %{ for p in local.ports ~}\n"
        "    echo \"port ${p}\"\n"
        "    %{ endfor ~}\n"
        "    echo 'costs $${HOME}'\n"
        "  EOT\n"
        "  tags = {\n"
        "    Name = \"web-${count.index}\"\n"
        "    Note = \"tab\\there, quote \\\" and caf\\u00e9 \\U0001F600\"\n"
        "  }\n"
        "  root_block_device {\n"
        "    volume_size = 20\n"
        "    volume_type = \"gp3\"\n"
        "  }\n"
        "  lifecycle {\n"
        "    create_before_destroy = true\n"
        "    ignore_changes        = [tags[\"Note\"], user_data]\n"
        "  }\n"
        "  depends_on = [aws_security_group.web]\n"
        "}\n"
        "\n"
        "resource \"aws_db_instance\" \"db\" {\n"
        "  engine            = \"postgres\"\n"
        "  instance_class    = \"db.t3.small\"\n"
        "  allocated_storage = 50\n"
        "  password          = null\n"
        "  multi_az          = false\n"
        "  username          = \"app%{ if var.region == \"eu-west-1\" }-eu%{ else }-other%{ endif "
        "}\"\n"
        "}\n"
        "\n"
        "module \"cdn\" {\n"
        "  source = \"./modules/cdn\"\n"
        "  origin = aws_instance.web[0].public_dns\n"
        "}\n"
        "\n"
        "output \"instance_ips\" {\n"
        "  value       = aws_instance.web.*.public_ip\n"
        "  description = \"Public IPs\"\n"
        "}\n"
        "\n"
        "output \"summary\" {\n"
        "  value = join(\", \", [\n"
        "    for i in aws_instance.web : \"${i.id}=${i.private_ip}\"\n"
        "  ])\n"
        "  sensitive = false\n"
        "}\n"
        "\n"
        "output \"json\" {\n"
        "  value = jsonencode({\n"
        "    ports = local.ports,\n"
        "    zones = local.az_names\n"
        "  })\n"
        "}\n"
        "\n"
        "output \"args\" {\n"
        "  value = max(local.ports...)\n"
        "}\n";

static int parse_len(struct arena *a, const char *s, size_t len, struct hcl_file *f, char *why)
{
	char *copy = malloc(len ? len : 1); /* exactly len bytes: ASan sees any overread */
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len);
	rc = hcl_parse(a, copy, len, f, why, 200);
	free(copy);
	return rc;
}

static int parse(struct arena *a, const char *s, struct hcl_file *f, char *why)
{
	return parse_len(a, s, strlen(s), f, why);
}

static const struct hcl_block *block_at(const struct hcl_file *f, size_t i)
{
	const struct hcl_block *b = f->blocks;

	while (b != NULL && i-- > 0)
		b = b->next;
	ck_assert_ptr_nonnull(b);
	return b;
}

START_TEST(reads_a_realistic_terraform_file)
{
	static const struct {
		const char *type, *l0, *l1;
		int line;
	} want[] = {
		{ "terraform", NULL, NULL, 2 },
		{ "provider", "aws", NULL, 17 },
		{ "variable", "region", NULL, 24 },
		{ "variable", "instance_count", NULL, 30 },
		{ "variable", "ingress", NULL, 39 },
		{ "locals", NULL, NULL, 47 },
		{ "data", "aws_availability_zones", "available", 62 },
		{ "resource", "aws_vpc", "main", 67 },
		{ "resource", "aws_security_group", "web", 73 },
		{ "resource", "aws_instance", "web", 90 },
		{ "resource", "aws_db_instance", "db", 118 },
		{ "module", "cdn", NULL, 127 },
		{ "output", "instance_ips", NULL, 132 },
		{ "output", "summary", NULL, 137 },
		{ "output", "json", NULL, 144 },
		{ "output", "args", NULL, 151 },
	};
	static const char *instance_attrs[] = { "count",
		                                "ami",
		                                "instance_type",
		                                "subnet_id",
		                                "user_data",
		                                "tags",
		                                "root_block_device.volume_size",
		                                "root_block_device.volume_type",
		                                "lifecycle.create_before_destroy",
		                                "lifecycle.ignore_changes",
		                                "depends_on" };
	struct arena *a = arena_new(4096);
	struct hcl_file f;
	const struct hcl_block *b;
	const struct hcl_attr *at;
	char why[200];
	size_t i;

	ck_assert_msg(parse(a, realistic, &f, why) == 0, "%s", why);
	ck_assert_uint_eq(f.nblocks, sizeof(want) / sizeof(want[0]));
	for (i = 0, b = f.blocks; b != NULL; i++, b = b->next) {
		ck_assert_str_eq(b->type, want[i].type);
		ck_assert_uint_eq(b->nlabels, want[i].l1 ? 2 : want[i].l0 ? 1 : 0);
		if (want[i].l0 != NULL)
			ck_assert_str_eq(b->labels[0], want[i].l0);
		if (want[i].l1 != NULL)
			ck_assert_str_eq(b->labels[1], want[i].l1);
		ck_assert_int_eq(b->line, want[i].line);
	}
	ck_assert_uint_eq(i, f.nblocks);

	/* Attributes in order, those of nested blocks by their dotted path. */
	b = block_at(&f, 9);
	for (i = 0, at = b->attrs; at != NULL; i++, at = at->next) {
		ck_assert_uint_lt(i, sizeof(instance_attrs) / sizeof(instance_attrs[0]));
		ck_assert_str_eq(at->name, instance_attrs[i]);
	}
	ck_assert_uint_eq(i, sizeof(instance_attrs) / sizeof(instance_attrs[0]));
	ck_assert_str_eq(hcl_attr_literal(b, "instance_type"), "t3.micro");
	ck_assert_str_eq(hcl_attr_literal(b, "ami"), "ami-0abcdef1234567890");
	ck_assert_ptr_null(hcl_attr_literal(b, "count")); /* var.instance_count */
	ck_assert_str_eq(hcl_attr_literal(b, "root_block_device.volume_size"), "20");
	ck_assert_str_eq(hcl_attr_literal(b, "root_block_device.volume_type"), "gp3");
	ck_assert_ptr_null(hcl_attr_literal(b, "volume_size"));
	ck_assert_ptr_null(hcl_attr_literal(b, "user_data"));   /* a heredoc */
	ck_assert_ptr_null(hcl_attr_literal(b, "tags"));        /* an object */
	ck_assert_ptr_null(hcl_attr_literal(b, "volume_size")); /* nested: not listed */
	ck_assert_ptr_null(hcl_attr_literal(b, "no_such"));

	b = block_at(&f, 10);
	ck_assert_str_eq(hcl_attr_literal(b, "instance_class"), "db.t3.small");
	ck_assert_str_eq(hcl_attr_literal(b, "allocated_storage"), "50");
	ck_assert_str_eq(hcl_attr_literal(b, "password"), "null");
	ck_assert_str_eq(hcl_attr_literal(b, "multi_az"), "false");
	ck_assert_ptr_null(hcl_attr_literal(b, "username")); /* has %{ if } */
	ck_assert_str_eq(hcl_attr_literal(block_at(&f, 7), "enable_dns_hostnames"), "true");
	ck_assert_str_eq(hcl_attr_literal(block_at(&f, 5), "scaled"), "1.5e3");
	ck_assert_ptr_null(hcl_attr_literal(block_at(&f, 5), "name")); /* "web-${...}" */
	ck_assert_str_eq(hcl_attr_literal(block_at(&f, 0), "required_version"), ">= 1.5.0");
	ck_assert_ptr_null(hcl_attr_literal(NULL, "x"));
	arena_free(a);
}
END_TEST

START_TEST(inventory_literals_labels_and_unescaping)
{
	static const char text[] =
	        "x = 1 # top-level attributes are checked, not listed\r\n"
	        "resource \"a\\u0062c\" \"caf\\u00e9\" {\r\n"
	        "  s    = \"t\\tq\\\" b\\\\ \\u00e9 \\U0001F600 $${x} %%{y} $ % \\r\\n\"\r\n"
	        "  n    = 1.25e-3\r\n"
	        "  z    = 007\r\n"
	        "  neg  = -1\r\n"
	        "  par  = (\"x\")\r\n"
	        "  sum  = 1 + 2\r\n"
	        "  tpl  = \"${\"x\"}\"\r\n"
	        "  dir  = \"%{if true}x%{endif}\"\r\n"
	        "  cond = true ? \"a\" : \"b\"\r\n"
	        "  idx  = \"ab\"[0]\r\n"
	        "  e    = \"\"\r\n"
	        "  call = upper(\"x\")\r\n"
	        "  t    = true\r\n"
	        "  list = []\r\n"
	        "  nested {\r\n"
	        "    hidden = 1\r\n"
	        "  }\r\n"
	        "}\r\n"
	        "a b \"c\" d e { one = \"line\" }\r\n"
	        "empty {}\r\n";
	struct arena *a = arena_new(1024);
	struct hcl_file f;
	const struct hcl_block *b;
	char why[200];

	ck_assert_msg(parse(a, text, &f, why) == 0, "%s", why);
	ck_assert_uint_eq(f.nblocks, 3);
	b = f.blocks;
	ck_assert_str_eq(b->type, "resource");
	ck_assert_uint_eq(b->nlabels, 2);
	ck_assert_str_eq(b->labels[0], "abc");
	ck_assert_str_eq(b->labels[1], "caf\xc3\xa9");
	ck_assert_int_eq(b->line, 2);
	ck_assert_str_eq(hcl_attr_literal(b, "s"),
	                 "t\tq\" b\\ \xc3\xa9 \xf0\x9f\x98\x80 ${x} %{y} $ % \r\n");
	ck_assert_str_eq(hcl_attr_literal(b, "n"), "1.25e-3");
	ck_assert_str_eq(hcl_attr_literal(b, "z"), "007");
	ck_assert_str_eq(hcl_attr_literal(b, "e"), "");
	ck_assert_str_eq(hcl_attr_literal(b, "t"), "true");
	/* Expressions other than a lone literal have no literal. */
	ck_assert_ptr_null(hcl_attr_literal(b, "neg"));
	ck_assert_ptr_null(hcl_attr_literal(b, "par"));
	ck_assert_ptr_null(hcl_attr_literal(b, "sum"));
	ck_assert_ptr_null(hcl_attr_literal(b, "tpl"));
	ck_assert_ptr_null(hcl_attr_literal(b, "dir"));
	ck_assert_ptr_null(hcl_attr_literal(b, "cond"));
	ck_assert_ptr_null(hcl_attr_literal(b, "idx"));
	ck_assert_ptr_null(hcl_attr_literal(b, "call"));
	ck_assert_ptr_null(hcl_attr_literal(b, "list"));
	ck_assert_ptr_null(hcl_attr_literal(b, "hidden"));
	ck_assert_ptr_nonnull(b->attrs);
	ck_assert_str_eq(b->attrs->name, "s");

	/* Identifier labels; labels beyond two are checked and dropped; one-line blocks. */
	b = b->next;
	ck_assert_str_eq(b->type, "a");
	ck_assert_uint_eq(b->nlabels, 2);
	ck_assert_str_eq(b->labels[0], "b");
	ck_assert_str_eq(b->labels[1], "c");
	ck_assert_int_eq(b->line, 21);
	ck_assert_str_eq(hcl_attr_literal(b, "one"), "line");
	b = b->next;
	ck_assert_str_eq(b->type, "empty");
	ck_assert_uint_eq(b->nlabels, 0);
	ck_assert_ptr_null(b->attrs);
	ck_assert_ptr_null(b->next);

	/* Nothing at all is a valid, empty file. */
	ck_assert_int_eq(parse_len(a, "", 0, &f, why), 0);
	ck_assert_uint_eq(f.nblocks, 0);
	ck_assert_ptr_null(f.blocks);
	ck_assert_int_eq(parse(a, "# just a comment", &f, why), 0);
	ck_assert_uint_eq(f.nblocks, 0);
	arena_free(a);
}
END_TEST

START_TEST(accepts_the_corners_of_the_syntax)
{
	static const char *good[] = {
		/* numbers, operators, conditionals */
		"x = 1E-7\n",
		"x = 1.e5\n",
		"x = a + b * c - d / e % f\n",
		"x = a == b != c < d > e <= f >= g && h || i\n",
		"x = !!a\n",
		"x = - -1\n",
		"x = a ? b ? c : d : e\n",
		"x = a ? b : c ? d : e\n",
		"x = (a ?\n b : c)\n",
		"x = a-b-c\n", /* one identifier: '-' continues identifiers */
		"x = 1-2\n",
		/* traversals and splats */
		"x = a.b.c[0][\"x\"].d\n",
		"x = a.0.b\n",
		"x = a.*.b[0]\n",
		"x = a[*].b[*].c\n",
		"x = a[*].b.*.c\n",
		"x = [1, 2][*]\n",
		"x = {a = 1}.a\n",
		"x = \"ab\"[0]\n",
		/* collections, spanning lines, trailing commas */
		"x = [\n1,\n2,\n]\n",
		"x = {\n  a = 1,\n  b = 2,\n}\n",
		"x = { a = 1\n b = 2 }\n",
		"x = { \"a\" = 1, (b) = 2, c: 3, d.e = 4 }\n",
		"x = {\n  # comment\n  a = 1 # comment\n  // comment\n  b = 2 /* c */\n}\n",
		"x = [[[[]]]]\n",
		"x = {}\n",
		/* function calls */
		"x = f()\n",
		"x = f(1,)\n",
		"x = f(\n a,\n b...\n)\n",
		"x = provider::aws::arn_parse(a)\n",
		"x = (f\n(1))\n",
		/* for expressions */
		"x = [for x in y : x]\n",
		"x = [for k, v in m : v if v > 1 && k != \"x\"]\n",
		"x = {for k, v in m : k => v... if v}\n",
		"x = {\n  for k, v in m :\n  k => v\n}\n",
		"x = [(for), 1]\n",
		"x = { \"for\" = 1 }\n",
		/* templates */
		"x = \"$${a} %%{b} $$${c} $ %\"\n",
		"x = \"${a}${b}\"\n",
		"x = \"a${~ b ~}c\"\n",
		"x = \"${\n  a +\n  b\n}\"\n",
		"x = \"${\"${\"a\"}\"}\"\n",
		"x = \"${ {a = 1}.a }\"\n",
		"x = \"${a}}\"\n",
		"x = \"%{ if a }%{ for b in c }%{ endfor }%{ else }%{ endif }\"\n",
		"x = \"%{~ if a ~}x%{~ endif ~}\"\n",
		"x = \"%{ for k, v in m }${k}=${v}%{ endfor }\"\n",
		/* heredocs */
		"x = <<EOT\nEOT\n",
		"x = <<EOT\nhello\n  EOT  \n",
		"x = <<-EOT\n    hello\n    EOT\n",
		"x = <<EOT\n\\not an escape \" quotes $${a}\nEOT\n",
		"x = <<EOT\n${a}EOT\nEOT\n",
		"x = <<EOT\nEOTX\n EOT\n",
		"x = <<EOT\n${<<INNER\nin\nINNER\n}\nEOT\n",
		"x = <<EOT\n%{ if a }\nyes\n%{ endif }\nEOT\n",
		"x = [<<EOT\na\nEOT\n, <<EOT\nb\nEOT\n]\n",
		"x = f(<<EOT\na\nEOT\n)\n",
		"x = <<EOT\r\na\r\nEOT\r\n",
		/* bodies, blocks, comments */
		"a {}\n",
		"a { }",
		"a {b=1}",
		"a \"b\" c \"d\" {\n}\n",
		"a { # comment\n  b = 1\n}\n",
		"a { /* c */ b = 1 }\n",
		"a {\n  b {}\n  b {}\n}\n",
		"a {\n  x = 1\n}\na {\n  x = 1\n}\n",
		"x = 1 # no newline at the end",
		"x = 1 /* multi\nline */\n",
		"/* top */ x = 1\n",
		"\n\n\nx = 1\n\n\n",
		"x = \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\" # \xe2\x98\x95\n",
	};
	struct arena *a = arena_new(1024);
	struct hcl_file f;
	char why[200];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		why[0] = '\0';
		ck_assert_msg(parse(a, good[i], &f, why) == 0, "case %zu: %s", i, why);
		arena_reset(a);
	}
	arena_free(a);
}
END_TEST

START_TEST(rejects_bad_input_with_a_line_and_reason)
{
	static const struct {
		const char *text;
		size_t len; /* 0: strlen */
		const char *why;
	} bad[] = {
		/* strings, heredocs, comments, blocks left open */
		{ "x = \"abc\n", 0, "line 1: unterminated string" },
		{ "a {\n  b = \"x\n}\n", 0, "line 2: unterminated string" },
		{ "x = \"abc", 0, "line 1: unterminated string" },
		{ "x = <<EOT\nfoo\n", 0, "line 1: unterminated heredoc" },
		{ "x = <<EOT\nfoo\nEOT", 0, "line 1: unterminated heredoc" }, /* as in HCL */
		{ "x = <<EOT foo\nEOT\n", 0, "line 1: invalid heredoc" },
		{ "x = 1 /* never closed\n\n", 0, "line 1: unterminated comment" },
		{ "\n\nresource \"a\" \"b\" {\n  x = 1\n", 0,
		  "line 3: unterminated block 'resource'" },
		{ "a {\n  b {\n}\n", 0, "line 1: unterminated block 'a'" },
		{ "x = [1, 2\n", 0, "unterminated '['" },
		{ "x = {\n  a = 1\n", 0, "unterminated '{'" },
		{ "x = f(1,\n", 0, "unterminated function call" },
		{ "x = (1\n", 0, "expected ')'" },
		/* attributes and blocks */
		{ "foo\n", 0, "line 1: expected '=' or a block after identifier 'foo'" },
		{ "a {\n  b\n}\n", 0, "line 2: expected '=' or a block after identifier 'b'" },
		{ "x = 1 y = 2\n", 0, "line 1: expected a newline after attribute 'x', found 'y'" },
		{ "x = 1, y = 2\n", 0, "not commas" },
		{ "x =\n", 0, "line 1: expected an expression, found end of line" },
		{ "x = 1\n}\n", 0, "line 2: unexpected '}'" },
		{ "a {\n}}\n", 0, "line 2: expected a newline after the block's '}'" },
		{ "a {} b {}\n", 0, "expected a newline after the block's '}'" },
		{ "a\n{\n}\n", 0, "line 1: expected '=' or a block" },
		{ "a \"b\"\n{\n}\n", 0, "must be on the same line" },
		{ "a \"b\" = 1\n", 0, "expected a block label or '{'" },
		{ "\"a\" = 1\n", 0, "cannot be quoted" },
		{ "a.b = 1\n", 0, "expected '=' or a block" },
		{ "x = 1\nx = 2\n", 0, "line 2: attribute 'x' is already set on line 1" },
		{ "a {\n  y = 1\n  b {}\n  y = 2\n}\n", 0, "line 4: attribute 'y' is already set" },
		{ "a { b = 1, c = 2 }\n", 0, "single-line block" },
		{ "a { b = 1\n}\n", 0, "single-line block" },
		{ "a { b {} }\n", 0, "single-line block holds one attribute" },
		{ "a {\n  b = 1 }\n", 0, "line 2: expected a newline after attribute 'b'" },
		/* labels */
		{ "a \"\" {\n}\n", 0, "line 1: a block label cannot be empty" },
		{ "a \"b\" \"\" {}\n", 0, "a block label cannot be empty" },
		{ "a \"${b}\" {}\n", 0, "a block label cannot contain '${'" },
		{ "a \"%{if b}%{endif}\" {}\n", 0, "a block label cannot contain '%{'" },
		{ "a 1 {}\n", 0, "line 1: expected '=' or a block after identifier 'a'" },
		/* escapes and templates */
		{ "x = \"\\q\"\n", 0, "line 1: invalid escape sequence '\\q'" },
		{ "x = \"\\u00\"\n", 0, "'\\u' must be followed by 4 hexadecimal digits" },
		{ "x = \"\\U0000FFF\"\n", 0, "'\\U' must be followed by 8 hexadecimal digits" },
		{ "x = \"\\ud800\"\n", 0, "not a Unicode character" },
		{ "x = \"\\U00110000\"\n", 0, "not a Unicode character" },
		{ "x = \"\\u0000\"\n", 0, "NUL" },
		{ "x = \"${a\"\n", 0, "line 1: unterminated '${' sequence" },
		{ "x = \"${a\n", 0, "line 1: unterminated '${' sequence" },
		{ "x = \"${}\"\n", 0, "expected an expression" },
		{ "x = \"${a b}\"\n", 0, "expected '}' to end the '${' interpolation" },
		{ "x = \"%{ if a }b\"\n", 0, "'%{ if }' without its '%{ endif }'" },
		{ "x = \"%{ endif }\"\n", 0, "without a matching '%{ if }'" },
		{ "x = \"%{ if a }%{ else }%{ else }%{ endif }\"\n", 0, "a second '%{ else }'" },
		{ "x = \"%{ for a in b }x%{ endif }\"\n", 0, "without a matching '%{ if }'" },
		{ "x = \"%{ for a in b }\"\n", 0, "'%{ for }' without its '%{ endfor }'" },
		{ "x = \"%{ while a }%{ endwhile }\"\n", 0, "unknown template directive 'while'" },
		{ "x = <<EOT\n%{ if a }\nEOT\n", 0, "line 2: '%{ if }' without" },
		/* expressions */
		{ "x = [1 2]\n", 0, "expected ',' or ']'" },
		{ "x = [1,,]\n", 0, "expected an expression, found ','" },
		{ "x = { a = 1 b = 2 }\n", 0, "expected ',' or a newline after the object item" },
		{ "x = { a }\n", 0, "expected '=' or ':' after the object key" },
		{ "x = { for = 1 }\n", 0, "expected a variable name after 'for'" },
		{ "x = [for x in y : x => x]\n", 0, "no 'key =>'" },
		{ "x = [for x in y : x...]\n", 0, "cannot group" },
		{ "x = {for x in y : x}\n", 0, "needs 'key => value'" },
		{ "x = [for x in y]\n", 0, "expected ':' after the 'for' collection" },
		{ "x = f(1 2)\n", 0, "expected ',' or ')'" },
		{ "x = f(a..., b)\n", 0, "expected ')' right after '...'" },
		{ "x = a::b\n", 0, "expected '(' after the function name" },
		{ "x = a ? b\n", 0, "expected ':' in the conditional" },
		{ "x = a +\n  b\n", 0, "line 1: expected an expression, found end of line" },
		{ "x = a.\n", 0, "expected an attribute name after '.'" },
		{ "x = a.0.1\n", 0, "legacy index '.0.1'" },
		{ "x = a.*.*\n", 0, "a splat '.*' cannot contain another" },
		{ "x = a[*\n", 0, "expected ']' after '[*'" },
		{ "x = 1..2\n", 0, "invalid number literal '1..2'" },
		{ "x = 'a'\n", 0, "double quotes" },
		{ "x = a & b\n", 0, "did you mean '&&'" },
		{ "x = $a\n", 0, "unexpected character '$'" },
		{ "x = a ~ b\n", 0, "unexpected '~'" },
		{ "x = 1;\n", 0, "unexpected character ';'" },
		{ "x = 1\ry = 2\n", 0, "carriage return" },
		{ "x = <<EOT\na\rb\nEOT\n", 0, "line 2: carriage return" },
		{ "x = \x01\n", 0, "control character 0x01" },
		/* encoding */
		{ "x = \"\xff\"\n", 0, "line 1: invalid UTF-8" },
		{ "a {\n  x = \"\xc3\x28\"\n}\n", 0, "line 2: invalid UTF-8" },
		{ "# \xc0\xaf overlong\n", 0, "invalid UTF-8" },
		{ "x = \"\xed\xa0\x80\"\n", 0, "invalid UTF-8" }, /* a surrogate */
		{ "x = \"\xe2\x82\"", 0, "invalid UTF-8" },       /* cut short */
		{ "x = 1\ny = \"a\0b\"\n", 16, "line 2: NUL byte" },
		{ "\xef\xbb\xbfx = 1\n", 0, "byte order mark" },
		{ "x = caf\xc3\xa9\n", 0, "non-ASCII" },
	};
	struct arena *a = arena_new(1024);
	struct hcl_file f;
	char why[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);

		ck_assert_msg(parse_len(a, bad[i].text, len, &f, why) == -1, "accepted case %zu",
		              i);
		ck_assert_ptr_null(f.blocks);
		ck_assert_uint_eq(f.nblocks, 0);
		ck_assert_msg(strstr(why, bad[i].why) != NULL, "case %zu: '%s' lacks '%s'", i, why,
		              bad[i].why);
		ck_assert_msg(strncmp(why, "line ", 5) == 0, "case %zu: '%s' has no line", i, why);
		arena_reset(a);
	}
	arena_free(a);
}
END_TEST

/* n times `open`, then `middle`, then n times `close`. */
static char *nest(size_t n, const char *open, const char *middle, const char *close)
{
	size_t lo = strlen(open), lm = strlen(middle), lc = strlen(close);
	char *s = malloc(n * (lo + lc) + lm + 1), *d = s;

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++, d += lo)
		memcpy(d, open, lo);
	memcpy(d, middle, lm);
	d += lm;
	for (size_t i = 0; i < n; i++, d += lc)
		memcpy(d, close, lc);
	*d = '\0';
	return s;
}

START_TEST(nesting_is_limited_to_64_levels)
{
	static const struct {
		const char *open, *middle, *close;
		size_t per; /* levels each repetition opens */
	} kinds[] = {
		{ "(", "1", ")", 1 },
		{ "[", "1", "]", 1 },
		{ "{a = ", "1", "}", 1 },
		{ "f(", "1", ")", 1 },
		{ "a[", "0", "]", 1 },
		{ "true ? ", "1", " : 2", 1 }, /* the true branch nests */
		{ "\"${", "1", "}\"", 2 },     /* the template, then the interpolation */
		{ "<<E\n${", "1", "}\nE\n", 2 },
	};
	struct arena *a = arena_new(4096);
	struct hcl_file f;
	char why[200], *inner, *text;
	size_t n;

	/* Blocks: 64 nested bodies pass, 65 fail. */
	for (n = 62; n <= 66; n++) {
		inner = nest(n, "a {\n", "", "}\n");
		ck_assert_int_eq(parse(a, inner, &f, why), n <= 64 ? 0 : -1);
		if (n > 64)
			ck_assert_str_eq(why, "line 65: nested deeper than 64 levels");
		free(inner);
		arena_reset(a);
	}
	/* Expressions in a top-level attribute: 64 levels pass, 65 fail. */
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t fit = 64 / kinds[k].per;

		for (n = fit - 1; n <= fit + 2; n++) {
			int rc;

			inner = nest(n, kinds[k].open, kinds[k].middle, kinds[k].close);
			text = malloc(strlen(inner) + 8);
			ck_assert_ptr_nonnull(text);
			sprintf(text, "x = %s\n", inner);
			rc = parse(a, text, &f, why);
			if (n <= fit)
				ck_assert_msg(rc == 0, "kind %zu, %zu deep: %s", k, n, why);
			else
				ck_assert_msg(rc == -1 &&
				                      strstr(why, "nested deeper than 64") != NULL,
				              "kind %zu, %zu deep: rc %d '%s'", k, n, rc, why);
			free(text);
			free(inner);
			arena_reset(a);
		}
	}
	/* In a block, the block counts: 63 brackets fit. */
	inner = nest(63, "[", "", "]");
	text = malloc(strlen(inner) + 16);
	ck_assert_ptr_nonnull(text);
	sprintf(text, "a {\n  x = %s\n}\n", inner);
	ck_assert_msg(parse(a, text, &f, why) == 0, "%s", why);
	sprintf(text, "a {\n  x = [%s]\n}\n", inner);
	ck_assert_int_eq(parse(a, text, &f, why), -1);
	free(text);
	free(inner);

	/* Very deep input stops at the limit (the C stack is safe)... */
	n = 200000;
	inner = nest(n, "[", "", "]");
	memcpy(inner, "x=", 2);
	ck_assert_int_eq(parse(a, inner, &f, why), -1);
	ck_assert_ptr_nonnull(strstr(why, "nested deeper"));
	free(inner);
	inner = nest(n, "a {\n", "", "}\n");
	ck_assert_int_eq(parse(a, inner, &f, why), -1);
	free(inner);
	inner = nest(n, "{\"${", "", "}\"}");
	memcpy(inner, "x=", 2);
	ck_assert_int_eq(parse(a, inner, &f, why), -1);
	free(inner);

	/* ...while long flat input is fine: operator chains and prefixes do not recurse. */
	text = malloc(n * 4 + 16);
	ck_assert_ptr_nonnull(text);
	strcpy(text, "x = 1");
	for (size_t i = 0; i < n; i++)
		memcpy(text + 5 + i * 4, " + 1", 4);
	strcpy(text + 5 + n * 4, "\n");
	ck_assert_msg(parse(a, text, &f, why) == 0, "%s", why);
	memset(text, '!', n);
	strcpy(text + n, "a\n");
	memcpy(text, "x = ", 4);
	ck_assert_msg(parse(a, text, &f, why) == 0, "%s", why);
	for (size_t i = 0; i < n; i++)
		memcpy(text + i * 4, "b{}\n", 4);
	text[n * 4] = '\0';
	ck_assert_msg(parse(a, text, &f, why) == 0, "%s", why);
	ck_assert_uint_eq(f.nblocks, n);
	free(text);

	/* Many attributes in one body, then one set again. */
	n = 50000;
	text = malloc(n * 12 + 32);
	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < n; i++)
		sprintf(text + i * 12, "a%06zu = 1\n", i);
	strcpy(text + n * 12, "a000042 = 2\n");
	ck_assert_int_eq(parse(a, text, &f, why), -1);
	ck_assert_str_eq(why, "line 50001: attribute 'a000042' is already set on line 43");
	free(text);
	arena_free(a);
}
END_TEST

START_TEST(every_prefix_parses_or_fails_cleanly)
{
	size_t len = strlen(realistic), ok = 0;
	struct arena *a = arena_new(4096);
	struct hcl_file f;
	char why[200];

	/* Cut anywhere (even inside a UTF-8 character): a clean answer, never an overread. */
	for (size_t n = 0; n <= len; n++) {
		int rc;

		why[0] = '\0';
		rc = parse_len(a, realistic, n, &f, why);
		if (rc == 0) {
			ok++;
		} else {
			ck_assert_int_eq(rc, -1);
			ck_assert_msg(strncmp(why, "line ", 5) == 0, "prefix %zu: '%s'", n, why);
			ck_assert_ptr_null(f.blocks);
		}
		arena_reset(a);
	}
	ck_assert_uint_gt(ok, 10); /* cuts between blocks parse */
	arena_free(a);
}
END_TEST

START_TEST(why_may_be_short_or_absent)
{
	struct arena *a = arena_new(1024);
	struct hcl_file f;
	char why[8];

	ck_assert_int_eq(hcl_parse(a, "x = \"", 5, &f, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "line 1:");
	ck_assert_int_eq(hcl_parse(a, "x = \"", 5, &f, NULL, 0), -1);
	ck_assert_int_eq(hcl_parse(a, NULL, 0, &f, why, sizeof(why)), 0);
	arena_free(a);
}
END_TEST

/* Sizes live in nested blocks (settings.tier, default_node_pool.vm_size): they are listed. */
START_TEST(nested_attributes_have_dotted_paths)
{
	static const char text[] = "resource \"google_sql_database_instance\" \"db\" {\n"
	                           "  name = \"db\"\n"
	                           "  settings {\n"
	                           "    tier = \"db-f1-micro\"\n"
	                           "    backup_configuration { enabled = true }\n"
	                           "    ip_configuration {\n"
	                           "      ipv4_enabled = false\n"
	                           "    }\n"
	                           "  }\n"
	                           "  dynamic \"x\" {\n"
	                           "    for_each = var.xs\n"
	                           "  }\n"
	                           "}\n";
	static const char *const names[] = { "name", "settings.tier",
		                             "settings.backup_configuration.enabled",
		                             "settings.ip_configuration.ipv4_enabled",
		                             "dynamic.for_each" };
	struct arena *a = arena_new(4096);
	struct hcl_file f;
	const struct hcl_attr *at;
	char why[200];
	size_t i = 0;

	ck_assert_msg(parse(a, text, &f, why) == 0, "%s", why);
	ck_assert_uint_eq(f.nblocks, 1);
	for (at = f.blocks->attrs; at != NULL; at = at->next, i++) {
		ck_assert_uint_lt(i, sizeof(names) / sizeof(names[0]));
		ck_assert_str_eq(at->name, names[i]);
	}
	ck_assert_uint_eq(i, sizeof(names) / sizeof(names[0]));
	ck_assert_str_eq(hcl_attr_literal(f.blocks, "settings.tier"), "db-f1-micro");
	ck_assert_str_eq(hcl_attr_literal(f.blocks, "settings.backup_configuration.enabled"),
	                 "true");
	ck_assert_ptr_null(hcl_attr_literal(f.blocks, "dynamic.for_each"));
	arena_free(a);
}
END_TEST

Suite *suite_hcl(void)
{
	Suite *s = suite_create("hcl");
	TCase *tc = tcase_create("hcl");

	tcase_add_test(tc, reads_a_realistic_terraform_file);
	tcase_add_test(tc, inventory_literals_labels_and_unescaping);
	tcase_add_test(tc, accepts_the_corners_of_the_syntax);
	tcase_add_test(tc, rejects_bad_input_with_a_line_and_reason);
	tcase_add_test(tc, nesting_is_limited_to_64_levels);
	tcase_add_test(tc, every_prefix_parses_or_fails_cleanly);
	tcase_add_test(tc, why_may_be_short_or_absent);
	tcase_add_test(tc, nested_attributes_have_dotted_paths);
	tcase_set_timeout(tc, 120); /* valgrind */
	suite_add_tcase(s, tc);
	return s;
}
