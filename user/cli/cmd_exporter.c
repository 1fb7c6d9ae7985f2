// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp exporter: serve the counters to Prometheus over HTTP
 * (libmicrohttpd), read from the pinned maps on every scrape. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "cmdline.h"
#include "common.h"
#include "ct.h"
#include "pins.h"
#include "prom.h"
#include "sample.h"

#define EXPORTER_LISTEN_DEFAULT "127.0.0.1:9739"
#define EXPORTER_TIMEOUT_S 10 /* a stuck client cannot hold a slot */

struct exporter_opts {
	const char *listen;
};

static int on_exporter_opt(void *ctx, int key, const char *arg,
			   struct edgexdp_diag *d)
{
	struct exporter_opts *eo = ctx;

	(void)key;
	(void)d;
	eo->listen = arg;
	return 0;
}

/* "192.0.2.1:9739" or "[2001:db8::1]:9739" into a socket address. */
static int parse_listen(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	const char *colon = strrchr(text, ':');
	char addr[INET6_ADDRSTRLEN + 2];
	unsigned long port;
	size_t len;

	if (!colon || parse_uint(colon + 1, 1, 65535, &port))
		return -EINVAL;
	len = (size_t)(colon - text);
	if (len >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, text, len);
	addr[len] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (len > 2 && addr[0] == '[' && addr[len - 1] == ']') {
		addr[len - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, addr + 1, &s6->sin6_addr) == 1
			       ? 0
			       : -EINVAL;
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, addr, &s4->sin_addr) == 1 ? 0 : -EINVAL;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int code,
			     const char *type, char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	/* MUST_FREE: the body is ours (malloc'ed), libmicrohttpd frees it. */
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn,
				  unsigned int code, const char *text)
{
	char *body = strdup(text);

	return body ? reply(conn, code, "text/plain; charset=utf-8", body,
			    strlen(body))
		    : MHD_NO;
}

static enum MHD_Result scrape(struct MHD_Connection *conn)
{
	struct stats_sample s;
	struct edgexdp_diag d;
	char *body = NULL;
	size_t len = 0;
	int err;

	if (pins_state() != PINS_LOADED)
		return reply_text(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				  "edgexdp is not loaded\n");
	err = stats_sample_read(&s, &d);
	if (!err)
		err = prom_format(&s, &s.ct, EDGEXDP_VERSION, &body, &len);
	stats_sample_free(&s);
	if (err)
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "cannot read the counters\n");
	return reply(conn, MHD_HTTP_OK, PROM_CONTENT_TYPE, body, len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	(void)cls;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "only GET\n");
	if (strcmp(url, "/metrics") == 0)
		return scrape(conn);
	if (strcmp(url, "/") == 0)
		return reply_text(conn, MHD_HTTP_OK,
				  "edgexdp exporter: metrics at /metrics\n");
	return reply_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* Serve until SIGINT or SIGTERM; blocked here first, so that the server's
 * thread (which inherits the mask) never takes them. */
static int serve(const char *listen, const struct sockaddr_storage *ss)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD;
	struct MHD_Daemon *d;
	sigset_t set;
	int sig, err;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
			     MHD_OPTION_SOCK_ADDR, ss,
			     MHD_OPTION_CONNECTION_TIMEOUT,
			     (unsigned int)EXPORTER_TIMEOUT_S, MHD_OPTION_END);
	if (!d) {
		err = errno ? -errno : -EADDRNOTAVAIL;
		pr_err(err, "exporter: cannot listen on %s", listen);
		return err;
	}
	pr_info("edgexdp: serving metrics at http://%s/metrics\n", listen);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}

static int check_exporter_opts(void *ctx, int argc, char **argv,
			       struct edgexdp_diag *d)
{
	struct exporter_opts *eo = ctx;
	struct sockaddr_storage ss;

	if (!eo->listen)
		eo->listen = EXPORTER_LISTEN_DEFAULT;
	if (!parse_listen(eo->listen, &ss))
		return 0;
	diag_set(d, 0,
		 "exporter: bad --listen '%s' (expected ADDR:PORT, e.g. "
		 "127.0.0.1:9739 or [::1]:9739)",
		 eo->listen);
	return -EINVAL;
}

static int do_exporter(void *ctx, int argc, char **argv)
{
	const struct exporter_opts *eo = ctx;
	struct sockaddr_storage ss;

	if (parse_listen(eo->listen, &ss))
		return EXIT_USAGE;
	return serve(eo->listen, &ss) ? 1 : 0;
}

static const struct cmd_option exporter_options[] = {
	{'l', "listen", "ADDR:PORT",
	 "numeric address and port to listen on,\n"
	 "[ADDR]:PORT for IPv6 (default " EXPORTER_LISTEN_DEFAULT ")"},
	{0},
};

const struct cmd cmd_exporter = {
	.name = "exporter",
	.summary = "serve the counters to Prometheus over HTTP",
	.text = "Serve the counters of `edgexdp stats` in the Prometheus text\n"
		"format at http://ADDR:PORT/metrics, read from the pinned "
		"maps\n"
		"on every scrape, until interrupted (SIGINT, SIGTERM). A "
		"scrape\n"
		"while edgexdp is not loaded gets 503.\n",
	.options = exporter_options,
	.ctx_size = sizeof(struct exporter_opts),
	.on_opt = on_exporter_opt,
	.check = check_exporter_opts,
	.run = do_exporter,
};
