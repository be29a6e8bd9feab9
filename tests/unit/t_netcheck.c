/* t_netcheck.c: which outbound URLs may be called (SSRF): parsing, address ranges, allow lists,
 * pinning. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/httpc.h"
#include "lib/netcheck.h"
#include "tests/unit/unit.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ address ranges */

START_TEST(addresses_are_public_or_named)
{
	/* NULL: public. Else a word the reason must contain. */
	static const struct {
		const char *addr;
		const char *cls;
	} cases[] = {
		{ "8.8.8.8", NULL },
		{ "1.1.1.1", NULL },
		{ "93.184.215.14", NULL },
		{ "0.0.0.0", "this network" },
		{ "0.1.2.3", "this network" },
		{ "9.255.255.255", NULL },
		{ "10.0.0.1", "private address (10.0.0.0/8)" },
		{ "10.255.255.255", "private" },
		{ "11.0.0.1", NULL },
		{ "100.63.255.255", NULL },
		{ "100.64.0.1", "CGNAT" },
		{ "100.127.255.255", "CGNAT" },
		{ "100.128.0.0", NULL },
		{ "126.255.255.255", NULL },
		{ "127.0.0.1", "loopback" },
		{ "127.255.255.254", "loopback" },
		{ "128.0.0.1", NULL },
		{ "169.254.169.254", "link-local address (169.254.0.0/16)" },
		{ "169.253.255.255", NULL },
		{ "172.15.255.255", NULL },
		{ "172.16.0.1", "private address (172.16.0.0/12)" },
		{ "172.31.255.255", "private" },
		{ "172.32.0.0", NULL },
		{ "192.0.0.8", "IETF" },
		{ "192.0.2.1", "documentation" },
		{ "192.168.1.1", "private address (192.168.0.0/16)" },
		{ "192.169.0.1", NULL },
		{ "198.18.0.1", "benchmarking" },
		{ "198.51.100.7", "documentation" },
		{ "203.0.113.9", "documentation" },
		{ "223.255.255.255", NULL },
		{ "224.0.0.1", "multicast" },
		{ "239.255.255.250", "multicast" },
		{ "240.0.0.1", "reserved" },
		{ "255.255.255.255", "broadcast" },
		{ "::", "unspecified" },
		{ "::1", "loopback" },
		{ "::ffff:127.0.0.1", "loopback" },
		{ "::ffff:169.254.169.254", "link-local" },
		{ "::ffff:10.1.2.3", "private" },
		{ "::ffff:8.8.8.8", NULL },
		{ "::127.0.0.1", "IPv4-compatible" },
		{ "64:ff9b::7f00:1", "loopback" },
		{ "64:ff9b::a9fe:a9fe", "link-local" },
		{ "64:ff9b::808:808", NULL },
		{ "64:ff9b:1::1", "NAT64" },
		{ "100::1", "discard" },
		{ "2001::1", "Teredo" },
		{ "2001:db8::1", "documentation" },
		{ "2002:7f00:1::", "loopback" },
		{ "2002:a9fe:a9fe::1", "link-local" },
		{ "2002:808:808::1", NULL },
		{ "fbff:ffff::1", NULL },
		{ "fc00::1", "unique-local address (fc00::/7)" },
		{ "fd12:3456::1", "unique-local" },
		{ "fe80::1", "link-local address (fe80::/10)" },
		{ "febf:ffff::1", "link-local" },
		{ "fec0::1", "site-local" },
		{ "ff02::1", "multicast" },
		{ "2606:4700:4700::1111", NULL },
		{ "2a00:1450:4001::200e", NULL },
	};

	for (size_t i = 0; i < NITEMS(cases); i++) {
		struct netcheck_addr a;
		const char *cls;

		ck_assert_msg(netcheck_addr_parse(cases[i].addr, &a) == 0, "%s", cases[i].addr);
		cls = netcheck_addr_class(&a);
		if (cases[i].cls == NULL)
			ck_assert_msg(cls == NULL, "%s should be public, is %s", cases[i].addr,
			              cls);
		else
			ck_assert_msg(cls != NULL && strstr(cls, cases[i].cls) != NULL,
			              "%s: expected %s, got %s", cases[i].addr, cases[i].cls,
			              cls ? cls : "public");
	}
}
END_TEST

START_TEST(address_text_round_trips)
{
	struct netcheck_addr a;
	char out[64];

	ck_assert_int_eq(netcheck_addr_parse("::FFFF:7F00:1", &a), 0);
	netcheck_addr_format(&a, out, sizeof(out));
	ck_assert_str_eq(out, "::ffff:127.0.0.1");
	ck_assert_int_eq(netcheck_addr_parse("127.1", &a), -1);
	ck_assert_int_eq(netcheck_addr_parse("localhost", &a), -1);
	ck_assert_int_eq(netcheck_addr_parse("[::1]", &a), -1);
}
END_TEST

/* ------------------------------------------------------------------ URLs */

START_TEST(urls_are_read_by_libcurl)
{
	/* host NULL: refused (BAD_URL) with `why` containing the text. */
	static const struct {
		const char *url;
		const char *host;
		unsigned port;
		const char *why;
	} cases[] = {
		{ "https://hooks.example.com/x?y=1", "hooks.example.com", 443, NULL },
		{ "http://h:8080/p", "h", 8080, NULL },
		{ "HTTPS://H.example/", "H.example", 443, NULL },
		{ "https://h/#frag", "h", 443, NULL },
		{ "https://h:/x", "h", 443, NULL },
		{ "https://[::1]:8443/", "::1", 8443, NULL },
		{ "https://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1", 443, NULL },
		/* every IPv4 spelling libcurl accepts is read as the address it means */
		{ "https://0x7f.1/", "127.0.0.1", 443, NULL },
		{ "https://2130706433/", "127.0.0.1", 443, NULL },
		{ "https://017700000001/", "127.0.0.1", 443, NULL },
		{ "https://0177.0.0.1/", "127.0.0.1", 443, NULL },
		{ "https://127.1/", "127.0.0.1", 443, NULL },
		{ "https://0/", "0.0.0.0", 443, NULL },
		{ "https://0xa9.0xfe.0xa9.0xfe/", "169.254.169.254", 443, NULL },
		{ "https://%31%32%37.0.0.1/", "127.0.0.1", 443, NULL },
		/* user information: what the host is is not what it looks like */
		{ "http://127.0.0.1:80@evil.example/", NULL, 0, "user information" },
		{ "https://user@h/", NULL, 0, "user information" },
		{ "https://@h/", NULL, 0, "user information" },
		{ "https://:@h/", NULL, 0, "user information" },
		{ "https://u:p@h/", NULL, 0, "user information" },
		{ "https://evil.example\\@good/", NULL, 0, "user information" },
		{ "https://h;o@x/", NULL, 0, "user information" },
		/* schemes */
		{ "ftp://h/", NULL, 0, "https://" },
		{ "gopher://h:70/_x", NULL, 0, "https://" },
		{ "file:///etc/passwd", NULL, 0, "https://" },
		{ "dict://h:11211/", NULL, 0, "https://" },
		{ "javascript:alert(1)", NULL, 0, "https://" },
		{ "https:x://y/", NULL, 0, "https://" },
		{ "//h/x", NULL, 0, "https://" },
		{ "h/x", NULL, 0, "https://" },
		/* no host, or one libcurl would make up */
		{ "https://", NULL, 0, "host" },
		{ "https:///x", NULL, 0, "host" },
		{ "https:/x", NULL, 0, "host" },
		{ "https://?x", NULL, 0, "host" },
		{ "", NULL, 0, "at most 2048" },
		/* characters */
		{ "https://a b/", NULL, 0, "spaces" },
		{ "https://h/\r\nX: y", NULL, 0, "control" },
		{ "https://h\xc3\xa9/", NULL, 0, "non-ASCII" },
		{ "https://h/\x7f", NULL, 0, "control" },
		/* zone, ports */
		{ "https://[fe80::1%25eth0]/", NULL, 0, "zone" },
		{ "https://h:0/", NULL, 0, "port 0" },
		{ "https://h:99999/", NULL, 0, "not a valid URL" },
		{ "https://h:-1/", NULL, 0, "not a valid URL" },
	};

	for (size_t i = 0; i < NITEMS(cases); i++) {
		struct netcheck_target t;
		char why[300] = "";
		enum netcheck_rc rc = netcheck_url_parse(cases[i].url, &t, why, sizeof(why));

		if (cases[i].host != NULL) {
			ck_assert_msg(rc == NETCHECK_OK, "%s: %s", cases[i].url, why);
			ck_assert_str_eq(t.host, cases[i].host);
			ck_assert_uint_eq(t.port, cases[i].port);
			ck_assert_uint_eq(t.naddrs, 0);
		} else {
			ck_assert_msg(rc == NETCHECK_BAD_URL, "%s passed", cases[i].url);
			ck_assert_msg(strstr(why, cases[i].why) != NULL, "%s: %s", cases[i].url,
			              why);
		}
	}
}
END_TEST

START_TEST(a_url_too_long_is_refused)
{
	char url[NETCHECK_URL_MAX + 2];
	struct netcheck_target t;
	char why[200];

	memset(url, 'a', sizeof(url) - 1);
	url[sizeof(url) - 1] = '\0';
	memcpy(url, "https://h/", 10);
	ck_assert_int_eq(netcheck_url_parse(url, &t, why, sizeof(why)), NETCHECK_BAD_URL);
	url[NETCHECK_URL_MAX] = '\0'; /* 2048: the longest accepted */
	ck_assert_int_eq(netcheck_url_parse(url, &t, why, sizeof(why)), NETCHECK_OK);
}
END_TEST

/* ------------------------------------------------------------------ the whole check */

/* Each URL is an address or localhost, so nothing here asks DNS. */
static const struct {
	const char *allow; /* STRATUS_WEBHOOK_ALLOW */
	const char *url;
	enum netcheck_rc rc;
	const char *why; /* text the reason contains */
} checks[] = {
	{ NULL, "https://8.8.8.8/hook", NETCHECK_OK, NULL },
	{ NULL, "https://[2606:4700:4700::1111]:8443/", NETCHECK_OK, NULL },
	{ NULL, "https://[::ffff:8.8.8.8]/", NETCHECK_OK, NULL },
	{ NULL, "http://8.8.8.8/", NETCHECK_FORBIDDEN, "https://" },
	{ NULL, "http://127.0.0.1:80@evil.example/", NETCHECK_BAD_URL, "user information" },
	{ NULL, "https://169.254.169.254/latest/meta-data/", NETCHECK_FORBIDDEN,
	  "points at 169.254.169.254, a link-local address" },
	{ NULL, "https://10.1.2.3/", NETCHECK_FORBIDDEN, "private" },
	{ NULL, "https://172.16.5.4/", NETCHECK_FORBIDDEN, "private" },
	{ NULL, "https://192.168.0.1/", NETCHECK_FORBIDDEN, "private" },
	{ NULL, "https://100.64.1.1/", NETCHECK_FORBIDDEN, "CGNAT" },
	{ NULL, "https://127.0.0.1/", NETCHECK_FORBIDDEN, "loopback" },
	{ NULL, "https://127.8.9.10:8443/", NETCHECK_FORBIDDEN, "loopback" },
	{ NULL, "https://localhost/", NETCHECK_FORBIDDEN, "resolves to" },
	{ NULL, "https://[::1]/", NETCHECK_FORBIDDEN, "loopback" },
	{ NULL, "https://[::]/", NETCHECK_FORBIDDEN, "unspecified" },
	{ NULL, "https://[::ffff:127.0.0.1]/", NETCHECK_FORBIDDEN, "loopback" },
	{ NULL, "https://[::ffff:a9fe:a9fe]/", NETCHECK_FORBIDDEN, "link-local" },
	{ NULL, "https://[fc00::1]/", NETCHECK_FORBIDDEN, "unique-local" },
	{ NULL, "https://[fd00:ec2::254]/", NETCHECK_FORBIDDEN, "unique-local" },
	{ NULL, "https://[fe80::1]/", NETCHECK_FORBIDDEN, "link-local" },
	{ NULL, "https://[ff02::1]/", NETCHECK_FORBIDDEN, "multicast" },
	{ NULL, "https://0.0.0.0/", NETCHECK_FORBIDDEN, "this network" },
	{ NULL, "https://0/", NETCHECK_FORBIDDEN, "this network" },
	{ NULL, "https://0x7f.1/", NETCHECK_FORBIDDEN, "loopback" },
	{ NULL, "https://2130706433/", NETCHECK_FORBIDDEN, "loopback" },
	{ NULL, "https://017700000001/", NETCHECK_FORBIDDEN, "loopback" },
	{ NULL, "https://0177.0.0.1/", NETCHECK_FORBIDDEN, "loopback" },
	{ NULL, "https://127.1/", NETCHECK_FORBIDDEN, "loopback" },
	{ NULL, "https://0xA9FEA9FE/", NETCHECK_FORBIDDEN, "link-local" },
	{ NULL, "https://0251.0376.0251.0376/", NETCHECK_FORBIDDEN, "link-local" },
	{ NULL, "https://224.0.0.1/", NETCHECK_FORBIDDEN, "multicast" },
	{ NULL, "https://255.255.255.255/", NETCHECK_FORBIDDEN, "broadcast" },
	/* what an allow list admits */
	{ "http://127.0.0.1", "http://127.0.0.1:8080/x", NETCHECK_OK, NULL },
	{ "http://127.0.0.1", "https://127.0.0.1/", NETCHECK_OK, NULL },
	{ "http://127.0.0.1", "http://localhost:9/", NETCHECK_OK, NULL },
	{ "http://127.0.0.1", "http://[::ffff:127.0.0.1]:9/", NETCHECK_OK, NULL },
	{ "http://127.0.0.1", "http://127.0.0.2/", NETCHECK_FORBIDDEN, "loopback" },
	{ "http://127.0.0.1", "http://8.8.8.8/", NETCHECK_FORBIDDEN, "https://" },
	{ "http://127.0.0.1", "http://127.0.0.1:80@evil.example/", NETCHECK_BAD_URL,
	  "user information" },
	{ "10.0.0.0/8", "https://10.9.8.7/", NETCHECK_OK, NULL },
	{ "10.0.0.0/8", "http://10.9.8.7/", NETCHECK_FORBIDDEN, "https://" },
	{ "10.0.0.0/8", "https://11.0.0.1/", NETCHECK_OK, NULL },
	{ "10.0.0.0/8", "https://169.254.169.254/", NETCHECK_FORBIDDEN, "link-local" },
	{ "https://10.0.0.5:8443", "https://10.0.0.5:8443/", NETCHECK_OK, NULL },
	{ "https://10.0.0.5:8443", "https://10.0.0.5/", NETCHECK_FORBIDDEN, "private" },
	{ "http://[fd00::/8]:8443", "http://[fd12::1]:8443/", NETCHECK_OK, NULL },
	{ "http://[fd00::/8]:8443", "http://[fd12::1]:8444/", NETCHECK_FORBIDDEN, "unique-local" },
	{ "http://[fd00::/8]:8443", "https://[fe80::1]:8443/", NETCHECK_FORBIDDEN, "link-local" },
	{ "localhost", "https://localhost/", NETCHECK_OK, NULL },
	{ "localhost", "https://127.0.0.1/", NETCHECK_FORBIDDEN, "loopback" },
	{ "localhost", "http://localhost/", NETCHECK_FORBIDDEN, "https://" },
	{ "http://LocalHost.:8080", "http://localhost:8080/", NETCHECK_OK, NULL },
	{ "http://localhost:8080", "http://localhost:8081/", NETCHECK_FORBIDDEN, "loopback" },
};

START_TEST(urls_are_resolved_and_every_address_checked)
{
	for (size_t i = 0; i < NITEMS(checks); i++) {
		struct netcheck_allow allow = { 0 };
		struct netcheck_target t;
		char why[300] = "";
		enum netcheck_rc rc;

		ck_assert_msg(
		        netcheck_allow_parse(&allow, checks[i].allow, false, why, sizeof(why)) == 0,
		        "%s: %s", checks[i].allow, why);
		rc = netcheck_url(checks[i].url, &allow, &t, why, sizeof(why));
		ck_assert_msg(rc == checks[i].rc, "%s with allow %s: %s, expected %s (%s)",
		              checks[i].url, checks[i].allow ? checks[i].allow : "(none)",
		              netcheck_rc_name(rc), netcheck_rc_name(checks[i].rc), why);
		if (rc == NETCHECK_OK) {
			ck_assert_uint_ge(t.naddrs, 1);
			continue;
		}
		ck_assert_uint_eq(t.naddrs, 0);
		ck_assert_msg(strstr(why, checks[i].why) != NULL, "%s: %s", checks[i].url, why);
	}
}
END_TEST

START_TEST(a_name_rule_matches_the_name_not_its_addresses)
{
	struct netcheck_allow allow = { 0 };
	struct netcheck_target t;
	struct netcheck_addr a;
	char why[300];

	/* No DNS: the name is only parsed, and its address given here. */
	ck_assert_int_eq(
	        netcheck_allow_parse(&allow, "hooks.internal:8443", false, why, sizeof(why)), 0);
	ck_assert_int_eq(netcheck_addr_parse("10.1.1.1", &a), 0);
	ck_assert_int_eq(netcheck_url_parse("https://HOOKS.Internal.:8443/x", &t, why, sizeof(why)),
	                 NETCHECK_OK);
	ck_assert_int_eq(netcheck_addr_check(&allow, &t, &a, why, sizeof(why)), NETCHECK_OK);
	ck_assert_int_eq(netcheck_url_parse("https://hooks.internal/x", &t, why, sizeof(why)),
	                 NETCHECK_OK);
	ck_assert_int_eq(netcheck_addr_check(&allow, &t, &a, why, sizeof(why)), NETCHECK_FORBIDDEN);
	ck_assert_ptr_nonnull(strstr(why, "has a host that resolves to 10.1.1.1, a private"));
	ck_assert_int_eq(
	        netcheck_url_parse("https://evil.hooks.internal:8443/", &t, why, sizeof(why)),
	        NETCHECK_OK);
	ck_assert_int_eq(netcheck_addr_check(&allow, &t, &a, why, sizeof(why)), NETCHECK_FORBIDDEN);
	ck_assert_int_eq(netcheck_addr_check(NULL, &t, &a, why, sizeof(why)), NETCHECK_FORBIDDEN);
}
END_TEST

/* ------------------------------------------------------------------ allow lists */

START_TEST(allow_lists_parse)
{
	struct netcheck_allow a = { 0 };
	char why[300];

	ck_assert_int_eq(netcheck_allow_parse(&a, NULL, false, why, sizeof(why)), 0);
	ck_assert_int_eq(netcheck_allow_parse(&a, " , ", false, why, sizeof(why)), 0);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_int_eq(netcheck_allow_parse(&a,
	                                      "10.0.0.0/8, fd00::/8 ,http://127.0.0.1,"
	                                      "https://Hooks.Internal.:8443, http://[::1]:8080,"
	                                      "http://h:",
	                                      false, why, sizeof(why)),
	                 0);
	ck_assert_uint_eq(a.n, 6);
	ck_assert(a.rule[0].family == AF_INET && a.rule[0].bits == 8 && !a.rule[0].http &&
	          a.rule[0].port == 0);
	ck_assert(a.rule[1].family == AF_INET6 && a.rule[1].bits == 8);
	ck_assert(a.rule[2].http && a.rule[2].family == AF_INET && a.rule[2].bits == 32);
	ck_assert(a.rule[3].family == 0 && a.rule[3].port == 8443 && !a.rule[3].http);
	ck_assert_str_eq(a.rule[3].host, "hooks.internal");
	ck_assert(a.rule[4].http && a.rule[4].family == AF_INET6 && a.rule[4].bits == 128 &&
	          a.rule[4].port == 8080);
	ck_assert(a.rule[5].http && a.rule[5].port == 0);
	ck_assert_str_eq(a.rule[5].host, "h");
}
END_TEST

START_TEST(bad_allow_entries_are_named)
{
	static const struct {
		const char *spec;
		const char *why;
	} cases[] = {
		{ "10.0.0.5/8", "bits set past" },
		{ "10.0.0.0/33", "CIDR" },
		{ "fd00::/129", "CIDR" },
		{ "10.0.0.0/", "CIDR" },
		{ "10.0.0.0/x", "CIDR" },
		{ "10.0.0.0/08x", "CIDR" },
		{ "127.1", "four decimal numbers" },
		{ "0x7f.1", "four decimal numbers" },
		{ "2130706433", "four decimal numbers" },
		{ "ftp://h", "http:// or https://" },
		{ "h:0", "1-65535" },
		{ "h:65536", "1-65535" },
		{ "h:x", "1-65535" },
		{ "[::1", "']'" },
		{ "[::1]x", "']'" },
		{ "a b", "not an address" },
		{ "-bad", "not an address" },
		{ "h/x", "CIDR" },
		{ "http://", "no host" },
		{ "ok.example, bad host", "'bad host'" },
	};

	for (size_t i = 0; i < NITEMS(cases); i++) {
		struct netcheck_allow a = { 0 };
		char why[300] = "";

		ck_assert_msg(netcheck_allow_parse(&a, cases[i].spec, false, why, sizeof(why)) < 0,
		              "%s was accepted", cases[i].spec);
		ck_assert_msg(strstr(why, cases[i].why) != NULL, "%s: %s", cases[i].spec, why);
	}
}
END_TEST

START_TEST(too_many_allow_entries)
{
	struct netcheck_allow a = { 0 };
	char spec[NETCHECK_ALLOW_MAX * 8 + 8] = "", why[300];

	for (int i = 0; i < NETCHECK_ALLOW_MAX; i++)
		snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), "h%d,", i);
	ck_assert_int_eq(netcheck_allow_parse(&a, spec, false, why, sizeof(why)), 0);
	ck_assert_int_eq(netcheck_allow_parse(&a, "one-more", false, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "more than 64"));
}
END_TEST

START_TEST(legacy_prefixes_become_scheme_host_port)
{
	struct netcheck_allow a = { 0 };
	char why[300];

	/* STRATUS_CALLBACK_ALLOW as ./dev test and sites wrote it: URL prefixes. */
	ck_assert_int_eq(netcheck_allow_parse(&a,
	                                      "http://127.0.0.1:, http://10.0.0.5:8080/hook,"
	                                      "https://[fd00::5]:8443/x/y, http://hooks.lan/",
	                                      true, why, sizeof(why)),
	                 0);
	ck_assert_uint_eq(a.n, 4);
	ck_assert(a.rule[0].http && a.rule[0].port == 0 && a.rule[0].family == AF_INET &&
	          a.rule[0].bits == 32);
	ck_assert(a.rule[1].http && a.rule[1].port == 8080 && a.rule[1].bits == 32);
	ck_assert(!a.rule[2].http && a.rule[2].port == 8443 && a.rule[2].family == AF_INET6);
	ck_assert(a.rule[3].http && a.rule[3].family == 0);
	ck_assert_str_eq(a.rule[3].host, "hooks.lan");
	ck_assert_int_eq(netcheck_allow_parse(&a, "10.0.0.5", true, why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "must start with http:// or https://"));
	/* No longer a prefix: the address must be the one named, not one that starts so. */
	{
		struct netcheck_allow b = { 0 };
		struct netcheck_target t;

		ck_assert_int_eq(
		        netcheck_allow_parse(&b, "http://10.0.0.5:", true, why, sizeof(why)), 0);
		ck_assert_int_eq(netcheck_url("http://10.0.0.50/", &b, &t, why, sizeof(why)),
		                 NETCHECK_FORBIDDEN);
		ck_assert_int_eq(netcheck_url("http://10.0.0.5:9/", &b, &t, why, sizeof(why)),
		                 NETCHECK_OK);
		ck_assert_int_eq(
		        netcheck_url("http://10.0.0.5:1@127.0.0.1/", &b, &t, why, sizeof(why)),
		        NETCHECK_BAD_URL);
	}
}
END_TEST

/* ------------------------------------------------------------------ pinning */

/* A one-shot HTTP server on 127.0.0.1 answering 204 to one connection. */
struct tiny {
	int fd;
	unsigned port;
	pthread_t th;
};

static void *tiny_serve(void *arg)
{
	struct tiny *s = arg;
	int c = accept(s->fd, NULL, NULL);
	char buf[4096];
	static const char answer[] =
	        "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

	if (c >= 0) {
		/* The request's head; the body is small enough to come with it or not matter. */
		if (read(c, buf, sizeof(buf)) > 0 && write(c, answer, sizeof(answer) - 1) < 0)
			buf[0] = '\0';
		close(c);
	}
	return NULL;
}

/* Listens on 127.0.0.1 (AF_INET) or ::1 (AF_INET6), any free port. */
static void tiny_start(struct tiny *s, int family)
{
	struct sockaddr_storage ss;
	socklen_t len =
	        family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	s->fd = socket(family, SOCK_STREAM, 0);
	ck_assert_int_ge(s->fd, 0);
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&ss, len), 0);
	ck_assert_int_eq(listen(s->fd, 4), 0);
	ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&ss, &len), 0);
	s->port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                  : ((struct sockaddr_in6 *)&ss)->sin6_port);
	ck_assert_int_eq(pthread_create(&s->th, NULL, tiny_serve, s), 0);
}

static void tiny_stop(struct tiny *s)
{
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	pthread_join(s->th, NULL);
}

START_TEST(a_pinned_request_goes_to_the_checked_address)
{
	static const char *const headers[] = { "X-Test: 1", NULL };
	static const char *const loop[2] = { "127.0.0.1", "::1" };
	struct httpc_response res;
	struct netcheck_target t;
	struct tiny s;
	char url[128], why[300] = "";

	tiny_start(&s, _i == 0 ? AF_INET : AF_INET6);
	/*
	 * A name no resolver knows, pinned to 127.0.0.1: the answer can only
	 * come from our server if libcurl connects to the checked address
	 * instead of asking DNS again.
	 */
	snprintf(url, sizeof(url), "http://pinned-name.invalid:%u/hook", s.port);
	ck_assert_int_eq(netcheck_url_parse(url, &t, why, sizeof(why)), NETCHECK_OK);
	ck_assert(!t.host_is_ip);
	ck_assert_int_eq(netcheck_addr_parse(loop[_i], &t.addr[0]), 0);
	t.naddrs = 1;
	ck_assert_msg(httpc_request_pinned("POST", &t, headers, "{}", 2, 5000, 1024, &res, why,
	                                   sizeof(why)) == 0,
	              "%s", why);
	ck_assert_int_eq(res.status, 204);
	free(res.body);
	tiny_stop(&s);
}
END_TEST

START_TEST(a_pinned_request_connects_nowhere_else)
{
	struct httpc_response res;
	struct netcheck_target t;
	struct tiny s;
	char url[128], why[300] = "";

	tiny_start(&s, AF_INET);
	/* The URL's own address was not the one checked: the socket is never opened. */
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/hook", s.port);
	ck_assert_int_eq(netcheck_url_parse(url, &t, why, sizeof(why)), NETCHECK_OK);
	ck_assert(t.host_is_ip);
	ck_assert_int_eq(netcheck_addr_parse("127.0.0.2", &t.addr[0]), 0);
	t.naddrs = 1;
	ck_assert_int_eq(
	        httpc_request_pinned("POST", &t, NULL, "{}", 2, 5000, 1024, &res, why, sizeof(why)),
	        -1);
	ck_assert_msg(strstr(why, "refused to connect to 127.0.0.1") != NULL, "%s", why);
	ck_assert_int_eq(res.status, 0);
	free(res.body);
	/* No address at all: nothing is tried. */
	t.naddrs = 0;
	ck_assert_int_eq(
	        httpc_request_pinned("POST", &t, NULL, NULL, 0, 5000, 1024, &res, why, sizeof(why)),
	        -1);
	free(res.body);
	tiny_stop(&s);
}
END_TEST

Suite *suite_netcheck(void)
{
	Suite *s = suite_create("netcheck");
	TCase *tc = tcase_create("netcheck");

	tcase_add_test(tc, addresses_are_public_or_named);
	tcase_add_test(tc, address_text_round_trips);
	tcase_add_test(tc, urls_are_read_by_libcurl);
	tcase_add_test(tc, a_url_too_long_is_refused);
	tcase_add_test(tc, urls_are_resolved_and_every_address_checked);
	tcase_add_test(tc, a_name_rule_matches_the_name_not_its_addresses);
	tcase_add_test(tc, allow_lists_parse);
	tcase_add_test(tc, bad_allow_entries_are_named);
	tcase_add_test(tc, too_many_allow_entries);
	tcase_add_test(tc, legacy_prefixes_become_scheme_host_port);
	/* _i 0: a name pinned to 127.0.0.1; 1: to ::1 (an IPv6 address in CURLOPT_RESOLVE) */
	tcase_add_loop_test(tc, a_pinned_request_goes_to_the_checked_address, 0, 2);
	tcase_add_test(tc, a_pinned_request_connects_nowhere_else);
	suite_add_tcase(s, tc);
	return s;
}
