// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "diag.h"

static edgexdp_print_fn print_fn;

/*
 * A message may quote a value from a file: its control characters would
 * reach the operator's terminal as escape sequences. Each becomes \xNN.
 */
static void escape_controls(char *msg, size_t size)
{
	char out[sizeof(((struct edgexdp_diag *)0)->msg)];
	size_t o = 0;

	for (const char *p = msg; *p && o + 5 < sizeof(out); p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(out + o, sizeof(out) - o,
					      "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
	snprintf(msg, size, "%s", out);
}

void diag_clear(struct edgexdp_diag *d)
{
	memset(d, 0, sizeof(*d));
}

const char *diag_privilege_hint(int err)
{
	/* BPF and XDP need CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN (to
	 * pin): say what to do, not only what the syscall said. */
	return err == -EPERM || err == -EACCES ? " (run as root)" : "";
}

int diag_set(struct edgexdp_diag *d, int err, const char *fmt, ...)
{
	char errbuf[256];
	size_t used;
	va_list ap;

	diag_clear(d);
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	escape_controls(d->msg, sizeof(d->msg));
	used = strlen(d->msg);
	if (err)
		snprintf(d->msg + used, sizeof(d->msg) - used, ": %s%s",
			 bpf_errstr(err, errbuf, sizeof(errbuf)),
			 diag_privilege_hint(err));
	return err;
}

void diag_add_hint(struct edgexdp_diag *d, const char *hint)
{
	size_t used = strlen(d->msg);

	snprintf(d->msg + used, sizeof(d->msg) - used, "\n%s", hint);
}

void diag_vset_at(struct edgexdp_diag *d, const char *file, unsigned int line,
		  unsigned int column, const char *fmt, va_list ap)
{
	size_t used;

	diag_clear(d);
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "config");
	d->line = line;
	d->column = column;
	snprintf(d->msg, sizeof(d->msg), "%s:%u:%u: ", d->file, line, column);
	used = strlen(d->msg);
	vsnprintf(d->msg + used, sizeof(d->msg) - used, fmt, ap);
	escape_controls(d->msg, sizeof(d->msg));
}

void diag_set_at(struct edgexdp_diag *d, const char *file, unsigned int line,
		 unsigned int column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vset_at(d, file, line, column, fmt, ap);
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

void edgexdp_log(enum edgexdp_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!print_fn)
		return;
	va_start(ap, fmt);
	print_fn(level, fmt, ap);
	va_end(ap);
}

/* libbpf's and libxdp's logs: their debug output, and the rest. */
static int forward(int debug, const char *fmt, va_list ap)
{
	if (print_fn)
		print_fn(debug ? EDGEXDP_LOG_DEBUG : EDGEXDP_LOG_LIBRARY, fmt,
			 ap);
	return 0;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return forward(level == LIBBPF_DEBUG, fmt, ap);
}

static int print_libxdp(enum libxdp_print_level level, const char *fmt,
			va_list ap)
{
	return forward(level == LIBXDP_DEBUG, fmt, ap);
}

void edgexdp_set_print(edgexdp_print_fn fn)
{
	print_fn = fn;
	libbpf_set_print(print_libbpf);
	libxdp_set_print(print_libxdp);
}
