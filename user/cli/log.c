// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one place that prints what the library reports. */
#include <stdarg.h>
#include <string.h>

#include <json-c/json.h>

#include "common.h"
#include "edgexdp.h"

struct global_opts g_opts;

/*
 * One error, as text on stderr or, under -j, as {"error": "..."} on stdout
 * (as bpftool does), so a script reading JSON gets JSON on failure too.
 */
static void emit_error(const char *msg, const struct edgexdp_diag *d)
{
	struct json_object *o;

	if (!g_opts.json) {
		fprintf(stderr, "edgexdp: %s\n", msg);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	if (d && d->line) { /* where in the config, for a machine */
		json_object_object_add(o, "file",
				       json_object_new_string(d->file));
		json_object_object_add(o, "line",
				       json_object_new_int64(d->line));
		json_object_object_add(o, "column",
				       json_object_new_int64(d->column));
	}
	puts(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
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
	emit_error(msg, NULL);
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
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s%s",
			 bpf_errstr(err, buf, sizeof(buf)),
			 diag_privilege_hint(err));
	emit_error(msg, NULL);
}

static void vpr_warn(const char *fmt, va_list ap)
{
	fputs("edgexdp: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpr_warn(fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	/* JSON output owns stdout; progress goes to stderr then. */
	va_start(ap, fmt);
	vfprintf(g_opts.json ? stderr : stdout, fmt, ap);
	va_end(ap);
}

void pr_diag(const struct edgexdp_diag *d)
{
	emit_error(d->msg, d);
}

static void print_library(enum edgexdp_log_level level, const char *fmt,
			  va_list ap)
{
	switch (level) {
	case EDGEXDP_LOG_WARN:
		vpr_warn(fmt, ap);
		break;
	case EDGEXDP_LOG_INFO:
		vfprintf(g_opts.json ? stderr : stdout, fmt, ap);
		fputc('\n', g_opts.json ? stderr : stdout);
		break;
	case EDGEXDP_LOG_LIBRARY:
		/* Without -v we report the error once, ourselves. */
		if (g_opts.verbose)
			vfprintf(stderr, fmt, ap);
		break;
	case EDGEXDP_LOG_DEBUG:
		if (g_opts.verbose >= 2)
			vfprintf(stderr, fmt, ap);
		break;
	}
}

void setup_library_logging(void)
{
	edgexdp_set_print(print_library);
}

enum pins_state pins_state_explained(void)
{
	enum pins_state state = pins_state();
	struct edgexdp_diag d;

	if (state == PINS_NO_BPFFS && pins_why_no_bpffs(&d))
		pr_diag(&d);
	return state;
}

void pr_not_loaded(enum pins_state state)
{
	if (state == PINS_NO_ACCESS)
		pr_error("permission denied reading %s/%s: run as root",
			 bpffs_root(), EDGEXDP_PIN_DIR);
	else if (state == PINS_NO_BPFFS)
		pr_error("not loaded here (%s is no bpffs)", bpffs_root());
	else if (state == PINS_KEPT_ONLY)
		pr_error("not loaded; flow tables kept under %s/%s for the "
			 "next load",
			 bpffs_root(), EDGEXDP_PIN_DIR);
	else
		pr_error("not loaded (nothing pinned under %s/%s)",
			 bpffs_root(), EDGEXDP_PIN_DIR);
}
