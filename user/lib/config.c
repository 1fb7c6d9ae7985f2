// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The config file: YAML through libyaml's document API, so every node keeps
 * the line and column it came from. Parsing stops at the first error, which
 * names FILE:LINE:COLUMN, the offending value and what was expected.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "config_guard.h"
#include "config_parse.h"
#include "idtab.h"

/* ---- the document ---------------------------------------------------- */

enum top_key {
	TOP_INTERFACES,
	TOP_XDP_MODE,
	TOP_PROFILE,
	TOP_FEATURES,
	TOP_ADDRESSES,
	TOP_NAT,
	TOP_RULES,
	TOP_CONNTRACK,
	TOP_COUNT,
};

static int parse_top(struct pctx *c, const yaml_node_t *root)
{
	struct field f[TOP_COUNT] = {
		{.key = "interfaces"}, {.key = "xdp_mode"},  {.key = "profile"},
		{.key = "features"},   {.key = "addresses"}, {.key = "nat"},
		{.key = "rules"},      {.key = "conntrack"}};
	char keys[256], buf[VALUE_SHOWN_MAX + 8];
	int err;

	if (root->type != YAML_MAPPING_NODE) {
		key_list(f, TOP_COUNT, keys, sizeof(keys));
		return fail(c, root,
			    "top level is not a mapping: %s (expected a "
			    "mapping with keys %s)",
			    describe(root, buf, sizeof(buf)), keys);
	}
	err = map_fields(c, root, "config", f, TOP_COUNT);
	if (!err)
		err = require(c, root, "config", &f[TOP_INTERFACES],
			      "a list of interfaces");
	if (!err)
		err = parse_interfaces(c, f[TOP_INTERFACES].val);
	if (!err && f[TOP_XDP_MODE].val)
		err = parse_xdp_mode(c, f[TOP_XDP_MODE].val);
	if (!err && f[TOP_PROFILE].val)
		err = parse_profile(c, f[TOP_PROFILE].knode,
				    f[TOP_PROFILE].val);
	if (!err && f[TOP_FEATURES].val)
		err = parse_features(c, f[TOP_FEATURES].val);
	if (!err && f[TOP_ADDRESSES].val)
		err = parse_addresses(c, f[TOP_ADDRESSES].val);
	if (!err && f[TOP_NAT].val)
		err = parse_nat(c, f[TOP_NAT].val);
	if (!err && f[TOP_RULES].val)
		err = parse_rules(c, f[TOP_RULES].val);
	if (!err && f[TOP_CONNTRACK].val)
		err = parse_conntrack(c, f[TOP_CONNTRACK].val);
	if (!err)
		err = check_config(c);
	return err;
}

/* Line and column (0-based) of a byte offset, for reader errors. */
static yaml_mark_t mark_of_offset(const char *buf, size_t len, size_t offset)
{
	yaml_mark_t m = {0};

	for (size_t i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n') {
			m.line++;
			m.column = 0;
		} else {
			m.column++;
		}
	}
	return m;
}

static int syntax_error(struct pctx *c, const yaml_parser_t *p, const char *buf,
			size_t len)
{
	yaml_mark_t m = p->problem_mark;
	struct cfg_pos pos;

	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(c->err->msg, sizeof(c->err->msg), "%s: out of memory",
			 c->path);
		return -ENOMEM;
	}
	if (p->error == YAML_READER_ERROR)
		m = mark_of_offset(buf, len, p->problem_offset);
	pos.line = (unsigned int)m.line + 1;
	pos.column = (unsigned int)m.column + 1;
	return fail_at(c, pos, "YAML syntax error: %s%s%s%s",
		       p->problem ? p->problem : "unknown problem",
		       p->context ? " (" : "", p->context ? p->context : "",
		       p->context ? ")" : "");
}

static int empty_config(struct pctx *c)
{
	struct cfg_pos pos = {1, 1};

	return fail_at(
		c, pos,
		"empty config (expected a mapping with at least 'interfaces')");
}

/* Only one document: a second one (or junk after the first) is an error. */
static int check_end(struct pctx *c, yaml_parser_t *p, const char *buf,
		     size_t len)
{
	yaml_document_t next;
	yaml_node_t *root;
	int err = 0;

	if (!yaml_parser_load(p, &next))
		return syntax_error(c, p, buf, len);
	root = yaml_document_get_root_node(&next);
	if (root)
		err = fail(c, root,
			   "more than one YAML document: %s (expected a single "
			   "config)",
			   "'---'");
	yaml_document_delete(&next);
	return err;
}

static int load_document(struct pctx *c, yaml_parser_t *p, const char *buf,
			 size_t len)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int err;

	if (!yaml_parser_load(p, &doc))
		return syntax_error(c, p, buf, len);
	c->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root || is_null(root))
		err = empty_config(c);
	else
		err = parse_top(c, root);
	if (!err)
		err = check_end(c, p, buf, len);
	yaml_document_delete(&doc);
	c->doc = NULL;
	return err;
}

int config_load_buffer(const char *name, const char *buf, size_t len,
		       struct edgexdp_config *cfg, struct edgexdp_diag *err)
{
	struct pctx c = {.path = name, .cfg = cfg, .err = err};
	yaml_parser_t parser;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	diag_clear(err);
	cfg->xdp_mode = CFG_XDP_AUTO;
	cfg->features = CFG_FEATURE_CORE;
	cfg->ct_max_entries = EDGEXDP_CT_DEFAULT_ENTRIES;
	cfg->ct_unconfirmed_max_entries =
		EDGEXDP_CT_UNCONFIRMED_DEFAULT_ENTRIES;
	cfg->tcp_established_timeout = EDGEXDP_TCP_ESTABLISHED_TIMEOUT;
	cfg->udp_timeout = EDGEXDP_UDP_TIMEOUT;
	cfg->path = strdup(name);
	if (!cfg->path || !yaml_parser_initialize(&parser)) {
		free(cfg->path);
		cfg->path = NULL;
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	ret = config_guard_scan(name, buf, len, err);
	if (!ret)
		ret = load_document(&c, &parser, buf, len);
	yaml_parser_delete(&parser);
	idtab_free(&c.set_names);
	idtab_free(&c.rule_names);
	if (ret == -ENOMEM && !err->msg[0])
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
	if (ret)
		config_free(cfg);
	return ret;
}

/*
 * Only a regular file, opened without blocking: a FIFO would wait for a
 * writer forever, a device could be endless. Its size is known before a
 * byte is read, so a file over the limit costs nothing.
 */
static int read_file(const char *path, char **out, size_t *out_len)
{
	struct stat st;
	size_t len = 0;
	char *buf;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	} else if ((uint64_t)st.st_size > CFG_FILE_MAX) {
		err = -EFBIG;
	}
	buf = err ? NULL : malloc((size_t)st.st_size + 1);
	if (!err && !buf)
		err = -ENOMEM;
	while (!err && len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n == 0)
			break; /* it shrank while we read: take what is there */
		else if (n > 0)
			len += (size_t)n;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

int config_load_file(const char *path, struct edgexdp_config *cfg,
		     struct edgexdp_diag *err)
{
	size_t len = 0;
	char *buf = NULL;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = read_file(path, &buf, &len);
	if (ret == -EINVAL)
		diag_set(err, 0,
			 "%s: not a regular file (expected a config file)",
			 path);
	else if (ret == -EFBIG)
		diag_set(err, 0, "%s: file too large (expected at most %u MiB)",
			 path, CFG_FILE_MAX >> 20);
	else if (ret)
		diag_set(err, 0, "%s: %s", path, strerror(-ret));
	if (ret)
		return ret;
	ret = config_load_buffer(path, buf, len, cfg, err);
	free(buf);
	return ret;
}

int config_check_host(const struct edgexdp_config *cfg,
		      struct edgexdp_diag *err)
{
	for (size_t i = 0; i < cfg->n_ifaces; i++) {
		const struct cfg_iface *ifc = &cfg->ifaces[i];

		if (if_nametoindex(ifc->name))
			continue;
		diag_set_at(err, cfg->path, ifc->pos.line, ifc->pos.column,
			    "interface not found on this host: '%s'",
			    ifc->name);
		return -ENODEV;
	}
	return 0;
}

static void free_endpoint(struct cfg_endpoint *ep)
{
	for (size_t i = 0; i < ep->n_set_names; i++)
		free(ep->set_names[i]);
	free(ep->set_names);
	free(ep->set_pos);
	free(ep->prefixes);
}

void config_free(struct edgexdp_config *cfg)
{
	for (size_t i = 0; i < cfg->n_ifaces; i++)
		free(cfg->ifaces[i].name);
	for (size_t i = 0; i < cfg->n_addrsets; i++) {
		free(cfg->addrsets[i].name);
		free(cfg->addrsets[i].prefixes);
	}
	for (size_t i = 0; i < cfg->n_rules; i++) {
		free(cfg->rules[i].name);
		free(cfg->rules[i].note);
		free_endpoint(&cfg->rules[i].from);
		free_endpoint(&cfg->rules[i].to);
	}
	free(cfg->path);
	free(cfg->ifaces);
	free(cfg->profile);
	free(cfg->addrsets);
	free(cfg->nat);
	free(cfg->rules);
	memset(cfg, 0, sizeof(*cfg));
}
