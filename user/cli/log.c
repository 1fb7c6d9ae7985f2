// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <xdp/libxdp.h>

#include "common.h"

struct global_opts g_opts;

/*
 * One error, as text on stderr or, under -j, as {"error": "..."} on stdout
 * (as bpftool does), so a script reading JSON gets JSON on failure too.
 */
static void emit_error(const char *msg)
{
	struct json_object *o;

	if (!g_opts.json) {
		fprintf(stderr, "edgexdp: %s\n", msg);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	fflush(stdout);
}

void pr_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit_error(msg);
}

void pr_err(int err, const char *fmt, ...)
{
	char msg[1024], buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s",
			 bpf_errstr(err, buf, sizeof(buf)));
	emit_error(msg);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("edgexdp: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	/* JSON output owns stdout; progress goes to stderr then. */
	va_start(ap, fmt);
	vfprintf(g_opts.json ? stderr : stdout, fmt, ap);
	va_end(ap);
}

const char *bpf_errstr(int err, char *buf, size_t len)
{
	if (err < 0)
		err = -err;
	/* libxdp's strerror knows libbpf's and its own codes, and errno. */
	if (libxdp_strerror(-err, buf, len) < 0)
		snprintf(buf, len, "%s", strerror(err));
	return buf;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && g_opts.verbose < 2)
		return 0;
	if (level != LIBBPF_WARN && !g_opts.verbose)
		return 0;
	if (!g_opts.verbose)
		return 0; /* warnings too: we report the error once, ourselves */
	return vfprintf(stderr, fmt, ap);
}

static int print_libxdp(enum libxdp_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBXDP_DEBUG && g_opts.verbose < 2)
		return 0;
	if (!g_opts.verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void setup_library_logging(void)
{
	libbpf_set_print(print_libbpf);
	libxdp_set_print(print_libxdp);
}
