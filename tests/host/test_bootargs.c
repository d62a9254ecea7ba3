/* SPDX-License-Identifier: BSD-2-Clause */
/* bootargs_parse tokenising, dispatch and reporting; parse_u64 and parse_ipv4, table-driven. */
#include <stdint.h>
#include <string.h>
#include "lib/bootargs.h"
#include "lib/errno.h" /* after string.h: its strerror is renamed kstrerror */
#include "lib/kprintf.h"
#include "tests/host/test.h"

/* Every handler call appends "key=[value];" here. */
static char calls[1024];

static void record(const char *key, const char *value)
{
	size_t n = strlen(calls);
	snprintf(calls + n, sizeof(calls) - n, "%s=[%s];", key, value);
}

static int set_ip(const char *v)
{
	record("ip", v);
	return 0;
}

static int set_port(const char *v)
{
	unsigned long long x;
	record("echo.port", v);
	return parse_u64(v, &x) || x == 0 || x > 65535 ? -EINVAL : 0;
}

static int set_quiet(const char *v)
{
	record("quiet", v);
	return 0;
}

/* Two modules' tables, as the composition root lists them: keys are found in either. */
static const struct bootarg net_table[] = {
	{ "ip", set_ip, "dhcp or a.b.c.d/prefix" },
};
static const struct bootarg app_table[] = {
	{ "echo.port", set_port, "UDP echo port" },
	{ "quiet", set_quiet, NULL },
};
static const struct bootarg_table net_args = { net_table, 1 }, app_args = { app_table, 2 };
static const struct bootarg_table *const table[] = { &net_args, &app_args };

static const struct {
	const char *cmdline;
	int problems;
	const char *calls;
	const char *console; /* a substring the log must contain, or NULL for an empty log */
} cases[] = {
	{ "", 0, "", NULL },
	{ "   \t ", 0, "", NULL },
	{ "ip=dhcp", 0, "ip=[dhcp];", NULL },
	{ "  ip=dhcp   echo.port=7  ", 0, "ip=[dhcp];echo.port=[7];", NULL },
	{ "quiet", 0, "quiet=[];", NULL },
	{ "quiet=", 0, "quiet=[];", NULL },
	{ "ip=a=b", 0, "ip=[a=b];", NULL },
	{ "ip=\"a b\" quiet", 0, "ip=[a b];quiet=[];", NULL },
	{ "\"ip=a b\"", 0, "ip=[a b];", NULL },
	{ "ip=\"\"", 0, "ip=[];", NULL },
	{ "ip=1 ip=2", 0, "ip=[1];ip=[2];", NULL },
	{ "ip=x\tquiet\necho.port=0x10", 0, "ip=[x];quiet=[];echo.port=[0x10];", NULL },
	{ "foo=1 ip=dhcp", 1, "ip=[dhcp];", "unknown key \"foo\"" },
	{ "bar", 1, "", "unknown key \"bar\"" },
	{ "=5", 1, "", "unknown key \"\"" },
	{ "IP=dhcp", 1, "", "unknown key \"IP\"" },
	{ "echo.port=70000", 1, "echo.port=[70000];", "echo.port=\"70000\" rejected" },
	{ "echo.port=seven quiet", 1, "echo.port=[seven];quiet=[];", "invalid argument" },
	{ "echo.port", 1, "echo.port=[];", "echo.port=\"\" rejected" },
	{ "ip=\"open quiet", 1, "", "unterminated quote" },
	{ "a b c", 3, "", "unknown key \"c\"" },
};

static void test_parse(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;
		calls[0] = 0;
		host_console_clear();
		r = bootargs_parse(cases[i].cmdline, table, 2);
		ok(r == cases[i].problems, "\"%s\": %d problems", cases[i].cmdline, r);
		ok(!strcmp(calls, cases[i].calls), "\"%s\": calls %s", cases[i].cmdline, calls);
		if (cases[i].console)
			ok(strstr(host_console, cases[i].console) != NULL, "\"%s\": log %s",
			   cases[i].cmdline, host_console);
		else
			ok(host_console_len == 0, "\"%s\": log %s", cases[i].cmdline, host_console);
	}
}

static void test_long_tokens(void)
{
	static char line[1200];
	int r;
	/* 255 bytes is the longest accepted token, 256 is rejected; parsing continues. */
	strcpy(line, "ip=");
	memset(line + 3, 'x', 252);
	strcpy(line + 255, " quiet");
	calls[0] = 0;
	host_console_clear();
	r = bootargs_parse(line, table, 2);
	ok(r == 0 && strlen(calls) == strlen("ip=[") + 252 + strlen("];quiet=[];"),
	   "255-byte token");
	line[255] = 'x';
	strcpy(line + 256, " quiet");
	calls[0] = 0;
	r = bootargs_parse(line, table, 2);
	ok(r == 1 && !strcmp(calls, "quiet=[];"), "256-byte token: %d %s", r, calls);
	ok(strstr(host_console, "longer than 255") != NULL, "long token log: %s", host_console);
	memset(line, 'y', sizeof(line) - 1);
	r = bootargs_parse(line, table, 2);
	ok(r == 1, "1199-byte token");
	ok(bootargs_parse(NULL, table, 2) == 0, "NULL cmdline");
}

static const struct {
	const char *s;
	int r;
	unsigned long long v;
} u64_cases[] = {
	{ "0", 0, 0 },
	{ "7", 0, 7 },
	{ "010", 0, 10 },
	{ "65535", 0, 65535 },
	{ "0x10", 0, 16 },
	{ "0XfF", 0, 255 },
	{ "4k", 0, 4096 },
	{ "4K", 0, 4096 },
	{ "16M", 0, 16ull << 20 },
	{ "2G", 0, 2ull << 30 },
	{ "0x10M", 0, 16ull << 20 },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "0xffffffffffffffff", 0, UINT64_MAX },
	{ "17179869183G", 0, 17179869183ull << 30 },
	{ "18446744073709551616", -EINVAL, 0 },
	{ "0x10000000000000000", -EINVAL, 0 },
	{ "17179869184G", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "0x", -EINVAL, 0 },
	{ "k", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
	{ " 1", -EINVAL, 0 },
	{ "1 ", -EINVAL, 0 },
	{ "12a", -EINVAL, 0 },
	{ "4kk", -EINVAL, 0 },
	{ "4T", -EINVAL, 0 },
	{ "0x1g0", -EINVAL, 0 },
};

static const struct {
	const char *s;
	int r;
	uint32_t v;
} ip_cases[] = {
	{ "10.0.2.15", 0, 0x0a00020f },
	{ "0.0.0.0", 0, 0 },
	{ "255.255.255.255", 0, 0xffffffff },
	{ "192.168.1.100", 0, 0xc0a80164 },
	{ "256.0.0.1", -EINVAL, 0 },
	{ "1.2.3", -EINVAL, 0 },
	{ "1.2.3.4.5", -EINVAL, 0 },
	{ "1.2.3.", -EINVAL, 0 },
	{ ".1.2.3", -EINVAL, 0 },
	{ "1..2.3", -EINVAL, 0 },
	{ "01.2.3.4", -EINVAL, 0 },
	{ "1.2.3.04", -EINVAL, 0 },
	{ "1.2.3.0004", -EINVAL, 0 },
	{ "1.2.3.4 ", -EINVAL, 0 },
	{ " 1.2.3.4", -EINVAL, 0 },
	{ "1.2.3.4/24", -EINVAL, 0 },
	{ "1.2.3.-4", -EINVAL, 0 },
	{ "0x1.2.3.4", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "a.b.c.d", -EINVAL, 0 },
	{ "99999999999.1.1.1", -EINVAL, 0 },
};

static void test_numbers(void)
{
	for (size_t i = 0; i < sizeof(u64_cases) / sizeof(u64_cases[0]); i++) {
		unsigned long long v = 0xdead;
		int r = parse_u64(u64_cases[i].s, &v);
		ok(r == u64_cases[i].r && (r || v == u64_cases[i].v),
		   "parse_u64(\"%s\") = %d, %llu", u64_cases[i].s, r, v);
		ok(r == 0 || v == 0xdead, "parse_u64(\"%s\") wrote on error", u64_cases[i].s);
	}
	for (size_t i = 0; i < sizeof(ip_cases) / sizeof(ip_cases[0]); i++) {
		uint32_t v = 0xdead;
		int r = parse_ipv4(ip_cases[i].s, &v);
		ok(r == ip_cases[i].r && (r || v == ip_cases[i].v), "parse_ipv4(\"%s\") = %d, %08x",
		   ip_cases[i].s, r, v);
		ok(r == 0 || v == 0xdead, "parse_ipv4(\"%s\") wrote on error", ip_cases[i].s);
	}
}

static void test_ports(void)
{
	static const struct {
		const char *s;
		bool zero_off;
		int r;
		uint16_t v;
	} t[] = {
		{ "7", false, 0, 7 },	       { "65535", false, 0, 65535 },
		{ "65536", true, -EINVAL, 0 }, { "0", false, -EINVAL, 0 },
		{ "0", true, 0, 0 },	       { "0x1f90", false, 0, 8080 },
		{ "7x", true, -EINVAL, 0 },    { "", true, -EINVAL, 0 },
		{ "-1", true, -EINVAL, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint16_t v = 0xbeef;
		int r = parse_port(t[i].s, t[i].zero_off, &v);
		ok(r == t[i].r && (r ? v == 0xbeef : v == t[i].v),
		   "parse_port(\"%s\", %d) = %d, %u", t[i].s, t[i].zero_off, r, v);
	}
}

static void test_strerror(void)
{
	ok(!strcmp(strerror(-EINVAL), "invalid argument"), "strerror(-EINVAL)");
	ok(!strcmp(strerror(EINVAL), "invalid argument"), "strerror(EINVAL)");
	ok(!strcmp(strerror(0), "success"), "strerror(0)");
	ok(!strcmp(strerror(-12345), "unknown error"), "strerror(-12345)");
	ok(!strcmp(strerror(-2147483647 - 1), "unknown error"), "strerror(INT_MIN)");
	/* names, as log lines print them: the header's spelling for every code */
	static const struct {
		int code;
		const char *name;
	} names[] = { { -EBUSY, "EBUSY" },     { EINVAL, "EINVAL" },
		      { -ENOMEM, "ENOMEM" },   { -ETIMEDOUT, "ETIMEDOUT" },
		      { -ENOTSUP, "ENOTSUP" }, { 0, "OK" },
		      { -12345, "EUNKNOWN" },  { -2147483647 - 1, "EUNKNOWN" } };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ok(!strcmp(errname(names[i].code), names[i].name), "errname(%d) = %s",
		   names[i].code, errname(names[i].code));
}

int main(void)
{
	test_parse();
	test_long_tokens();
	test_numbers();
	test_ports();
	test_strerror();
	TEST_DONE();
}
