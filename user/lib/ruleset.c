// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The rule compiler: the profile's enabled rules then the site rules, each
 * side resolved to address sets (NAT partners added), then port groups,
 * address classes and the match entries of include/edgexdp.h's scheme.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "profile.h"
#include "ruleset_internal.h"

#define PREFIX_TEXT_LEN 64

static const struct cfg_pos no_pos = {1, 1};

void rs_set_error(struct rs_build *b, struct cfg_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vset_at(b->err, b->cfg->path, pos.line, pos.column, fmt, ap);
	va_end(ap);
}

/* ---- rule sides ------------------------------------------------------ */

static int side_add(struct ruleset_side *side, uint32_t set, size_t cap)
{
	if (!side->sets) {
		side->sets = calloc(cap ? cap : 1, sizeof(*side->sets));
		if (!side->sets)
			return -ENOMEM;
	}
	side->sets[side->n_sets++] = set;
	return 0;
}

static int close_display(FILE *f, char **display)
{
	if (fclose(f) || !*display) {
		free(*display);
		*display = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int profile_side(struct rs_build *b, const struct profile_rule *pr,
			const struct profile_side *ps,
			struct ruleset_side *side, char **display)
{
	size_t len;
	uint32_t id;
	FILE *f;
	int err = 0;

	f = open_memstream(display, &len);
	if (!f)
		return -ENOMEM;
	for (size_t k = 0; k < PROFILE_MAX_ROLES && ps->roles[k] && !err; k++) {
		const char *role = ps->roles[k];

		if (!rs_find_addrset(b, role, &id)) {
			if (!ps->optional)
				err = rs_fail(b, no_pos, EINVAL,
					      "address set needed by profile "
					      "rule '%s' is not defined: '%s' "
					      "(expected it under addresses:)",
					      pr->name, role);
			continue;
		}
		err = rs_named_set(b, role, no_pos, &id);
		if (!err)
			err = side_add(side, id, PROFILE_MAX_ROLES);
		if (!err)
			fprintf(f, "%s%s", side->n_sets > 1 ? "|" : "", role);
	}
	side->any = side->n_sets == 0;
	if (side->any)
		fputs("any", f);
	if (close_display(f, display))
		return -ENOMEM;
	return err;
}

static int site_side(struct rs_build *b, const struct cfg_rule *r,
		     const struct cfg_endpoint *ep, struct ruleset_side *side,
		     char **display)
{
	size_t len, cap = ep->n_set_names + 1, shown = 0;
	char buf[PREFIX_TEXT_LEN];
	uint32_t id;
	FILE *f;
	int err = 0;

	f = open_memstream(display, &len);
	if (!f)
		return -ENOMEM;
	side->any = ep->any;
	if (ep->any)
		fputs("any", f);
	for (size_t i = 0; !ep->any && i < ep->n_set_names && !err; i++) {
		err = rs_named_set(b, ep->set_names[i], ep->set_pos[i], &id);
		if (!err)
			err = side_add(side, id, cap);
		if (!err)
			fprintf(f, "%s%s", shown++ ? "|" : "",
				ep->set_names[i]);
	}
	if (!ep->any && ep->n_prefixes && !err) {
		err = rs_literal_set(b, ep->prefixes, ep->n_prefixes, r->pos,
				     &id);
		if (!err)
			err = side_add(side, id, cap);
		for (size_t i = 0; i < ep->n_prefixes && !err; i++) {
			prefix_format(&ep->prefixes[i], buf, sizeof(buf));
			fprintf(f, "%s%s", shown++ ? "|" : "", buf);
		}
	}
	if (!ep->any && !shown)
		fputs("none", f);
	if (close_display(f, display))
		return -ENOMEM;
	return err;
}

/* ---- rules ----------------------------------------------------------- */

static int dup_str(char **out, const char *s)
{
	*out = strdup(s ? s : "");
	return *out ? 0 : -ENOMEM;
}

static int new_rule(struct rs_build *b, struct cfg_pos pos, uint32_t *id)
{
	struct ruleset *rs = b->rs;

	if (rs->n_rules >= EDGEXDP_MAX_RULES)
		return rs_fail(b, pos, E2BIG,
			       "too many rules: '%zu' (expected at most %d "
			       "with the profile's)",
			       rs->n_rules + 1, EDGEXDP_MAX_RULES);
	*id = (uint32_t)rs->n_rules++;
	b->rule_pos[*id] = pos;
	return 0;
}

static int add_profile_rule(struct rs_build *b, const struct profile_rule *pr)
{
	struct ruleset_rule *r;
	uint32_t id;
	int err;

	err = new_rule(b, no_pos, &id);
	if (err)
		return err;
	r = &b->rs->rules[id];
	r->feature = pr->feature;
	r->zone = pr->zone;
	r->proto = pr->proto;
	r->port_lo = pr->port_lo;
	r->port_hi = pr->port_hi;
	r->sport_lo = pr->sport_lo;
	r->sport_hi = pr->sport_hi;
	err = dup_str(&r->name, pr->name);
	if (!err)
		err = dup_str(&r->seed, pr->seed);
	if (!err && pr->note)
		err = dup_str(&r->note, pr->note);
	if (!err)
		err = profile_side(b, pr, &pr->from, &b->from[id], &r->from);
	if (!err)
		err = profile_side(b, pr, &pr->to, &b->to[id], &r->to);
	return err;
}

static int add_site_rule(struct rs_build *b, const struct cfg_rule *cr)
{
	struct ruleset_rule *r;
	uint32_t id;
	int err;

	err = new_rule(b, cr->pos, &id);
	if (err)
		return err;
	r = &b->rs->rules[id];
	r->zone = cr->zone;
	r->proto = cr->proto;
	r->port_lo = cr->port_lo;
	r->port_hi = cr->port_hi;
	r->sport_lo = cr->sport_lo;
	r->sport_hi = cr->sport_hi;
	if (cr->port_lo > cr->port_hi || cr->sport_lo > cr->sport_hi)
		return rs_fail(
			b, cr->pos, EINVAL,
			"bad port range: '%u-%u' (expected lo-hi with "
			"lo <= hi)",
			cr->port_lo > cr->port_hi ? cr->port_lo : cr->sport_lo,
			cr->port_lo > cr->port_hi ? cr->port_hi : cr->sport_hi);
	err = dup_str(&r->name, cr->name);
	if (!err)
		err = dup_str(&r->seed, "site");
	if (!err && cr->note)
		err = dup_str(&r->note, cr->note);
	if (!err)
		err = site_side(b, cr, &cr->from, &b->from[id], &r->from);
	if (!err)
		err = site_side(b, cr, &cr->to, &b->to[id], &r->to);
	return err;
}

static int add_rules(struct rs_build *b)
{
	const struct edgexdp_config *cfg = b->cfg;
	unsigned int features = cfg->features | CFG_FEATURE_CORE;
	const struct profile_rule *pr = NULL;
	size_t n_pr = 0, cap;
	int err = 0;

	if (cfg->profile) {
		pr = profile_find(cfg->profile, &n_pr);
		if (!pr)
			return rs_fail(
				b, no_pos, EINVAL,
				"unknown profile: '%s' (expected %s or none)",
				cfg->profile, PROFILE_LYNC2013_EDGE);
	}
	cap = n_pr + cfg->n_rules;
	b->rs->rules = calloc(cap ? cap : 1, sizeof(*b->rs->rules));
	b->from = calloc(cap ? cap : 1, sizeof(*b->from));
	b->to = calloc(cap ? cap : 1, sizeof(*b->to));
	b->rule_pos = calloc(cap ? cap : 1, sizeof(*b->rule_pos));
	b->named_set_id = calloc(cfg->n_addrsets + 1, sizeof(*b->named_set_id));
	if (!b->rs->rules || !b->from || !b->to || !b->rule_pos ||
	    !b->named_set_id || rs_index_addrsets(b))
		return -ENOMEM;
	for (size_t i = 0; i < n_pr && !err; i++)
		if (pr[i].feature & features)
			err = add_profile_rule(b, &pr[i]);
	for (size_t i = 0; i < cfg->n_rules && !err; i++)
		err = add_site_rule(b, &cfg->rules[i]);
	return err;
}

/* ---- NAT ------------------------------------------------------------- */

struct nat_host {
	struct cfg_prefix addr;
	struct cfg_prefix partner;
};

static int cmp_nat_host(const void *a, const void *b)
{
	return prefix_cmp(&((const struct nat_host *)a)->addr,
			  &((const struct nat_host *)b)->addr);
}

/* Add to a set the NAT partner of every host address it holds. */
static int nat_expand_set(struct rs_set *s, const struct nat_host *hosts,
			  size_t n_hosts)
{
	size_t n = s->n_prefixes, extra = 0;
	struct cfg_prefix *p;

	for (size_t i = 0; i < n; i++)
		if (bsearch(&s->prefixes[i], hosts, n_hosts, sizeof(*hosts),
			    cmp_nat_host))
			extra++;
	if (!extra)
		return 0;
	p = realloc(s->prefixes, (n + extra) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->prefixes = p;
	for (size_t i = 0; i < n; i++) {
		const struct nat_host *h = bsearch(
			&p[i], hosts, n_hosts, sizeof(*hosts), cmp_nat_host);

		if (h)
			p[s->n_prefixes++] = h->partner;
	}
	s->n_prefixes = rs_sort_unique(p, s->n_prefixes);
	return 0;
}

static int nat_expand(struct rs_build *b)
{
	const struct edgexdp_config *cfg = b->cfg;
	struct nat_host *hosts;
	int err = 0;

	if (!cfg->n_nat)
		return 0;
	hosts = calloc(cfg->n_nat * 2, sizeof(*hosts));
	if (!hosts)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_nat; i++) {
		hosts[2 * i].addr = cfg->nat[i].private_addr;
		hosts[2 * i].partner = cfg->nat[i].public_addr;
		hosts[2 * i + 1].addr = cfg->nat[i].public_addr;
		hosts[2 * i + 1].partner = cfg->nat[i].private_addr;
	}
	qsort(hosts, cfg->n_nat * 2, sizeof(*hosts), cmp_nat_host);
	for (size_t i = 0; i < b->n_sets && !err; i++)
		err = nat_expand_set(&b->sets[i], hosts, cfg->n_nat * 2);
	free(hosts);
	return err;
}

static int emit_nat(struct rs_build *b)
{
	const struct edgexdp_config *cfg = b->cfg;
	struct ruleset *rs = b->rs;

	if (!cfg->n_nat)
		return 0;
	rs->nat = calloc(cfg->n_nat, sizeof(*rs->nat));
	if (!rs->nat)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_nat; i++) {
		rs->nat[i].family = cfg->nat[i].private_addr.family;
		rs->nat[i].private_addr = cfg->nat[i].private_addr.addr;
		rs->nat[i].public_addr = cfg->nat[i].public_addr.addr;
	}
	rs->n_nat = cfg->n_nat;
	return 0;
}

/* ---- settings and interfaces ----------------------------------------- */

static uint64_t secs_ns(uint32_t secs, uint32_t dflt)
{
	return (uint64_t)(secs ? secs : dflt) * EDGEXDP_NSEC_PER_SEC;
}

static int emit_settings(struct rs_build *b)
{
	const struct edgexdp_config *cfg = b->cfg;
	struct ruleset *rs = b->rs;
	struct edgexdp_settings *s = &rs->settings;

	s->tcp_established_timeout_ns = secs_ns(
		cfg->tcp_established_timeout, EDGEXDP_TCP_ESTABLISHED_TIMEOUT);
	s->udp_timeout_ns = secs_ns(cfg->udp_timeout, EDGEXDP_UDP_TIMEOUT);
	s->tcp_transitory_timeout_ns =
		secs_ns(EDGEXDP_TCP_TRANSITORY_TIMEOUT, 0);
	s->frag_timeout_ns = secs_ns(EDGEXDP_FRAG_TIMEOUT, 0);
	s->tcp_handshake_timeout_ns = secs_ns(EDGEXDP_TCP_HANDSHAKE_TIMEOUT, 0);
	s->udp_unreplied_timeout_ns = secs_ns(EDGEXDP_UDP_UNREPLIED_TIMEOUT, 0);
	s->tcp_local_responders = cfg->local_responders;
	s->nat_enabled = rs->n_nat > 0;
	for (size_t i = 0; i < rs->n_nat; i++) {
		__u32 bit = edgexdp_nat_filter_bit(&rs->nat[i].private_addr);

		s->nat_filter[bit / 64] |= 1ULL << (bit % 64);
	}
	rs->xdp_mode = cfg->xdp_mode;
	rs->ct_max_entries = cfg->ct_max_entries ? cfg->ct_max_entries
						 : EDGEXDP_CT_DEFAULT_ENTRIES;
	rs->ct_unconfirmed_max_entries =
		cfg->ct_unconfirmed_max_entries
			? cfg->ct_unconfirmed_max_entries
			: EDGEXDP_CT_UNCONFIRMED_DEFAULT_ENTRIES;
	if (!cfg->n_ifaces)
		return 0;
	rs->ifaces = calloc(cfg->n_ifaces, sizeof(*rs->ifaces));
	if (!rs->ifaces)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_ifaces; i++) {
		rs->ifaces[i].zone = cfg->ifaces[i].zone;
		rs->ifaces[i].source_check = cfg->ifaces[i].source_check;
		rs->ifaces[i].internet = cfg->ifaces[i].internet;
		if (dup_str(&rs->ifaces[i].name, cfg->ifaces[i].name))
			return -ENOMEM;
		rs->n_ifaces = i + 1;
	}
	return 0;
}

/* ---- the whole ------------------------------------------------------- */

/* The resolved sides move from the build into rs, for whoever reads the
 * rules' addresses (export) after the compiler is done. */
static int keep_sides(struct rs_build *b)
{
	struct ruleset *rs = b->rs;

	rs->sets = calloc(b->n_sets ? b->n_sets : 1, sizeof(*rs->sets));
	if (!rs->sets)
		return -ENOMEM;
	for (size_t i = 0; i < b->n_sets; i++) {
		struct ruleset_set *s = &rs->sets[i];

		if (b->sets[i].name && !(s->name = strdup(b->sets[i].name)))
			return -ENOMEM;
		s->prefixes = b->sets[i].prefixes;
		s->n_prefixes = b->sets[i].n_prefixes;
		b->sets[i].prefixes = NULL;
		rs->n_sets = i + 1;
	}
	rs->from = b->from;
	rs->to = b->to;
	b->from = b->to = NULL;
	return 0;
}

static void build_free(struct rs_build *b)
{
	for (size_t i = 0; i < b->n_sets; i++)
		free(b->sets[i].prefixes);
	for (size_t i = 0; b->from && i < b->rs->n_rules; i++) {
		free(b->from[i].sets);
		free(b->to[i].sets);
	}
	free(b->sets);
	free(b->named_set_id);
	idtab_free(&b->literal_sets);
	idtab_free(&b->set_names);
	free(b->from);
	free(b->to);
	free(b->rule_pos);
	free(b->set_cls_off);
	free(b->set_classes);
	free(b->groups.rules);
	free(b->groups.off);
	free(b->groups.len);
	for (int z = 0; z < EDGEXDP_ZONE_COUNT; z++)
		for (int p = 0; p < EDGEXDP_PROTO_COUNT; p++) {
			free(b->zone_groups[z][p].dst);
			free(b->zone_groups[z][p].src);
		}
}

int ruleset_compile(const struct edgexdp_config *cfg, struct ruleset *rs,
		    struct edgexdp_diag *err)
{
	struct rs_build b = {.cfg = cfg, .rs = rs, .err = err};
	int ret;

	memset(rs, 0, sizeof(*rs));
	diag_clear(err);
	ret = add_rules(&b);
	if (!ret)
		ret = nat_expand(&b);
	if (!ret)
		ret = emit_nat(&b);
	if (!ret)
		ret = emit_settings(&b);
	if (!ret)
		ret = rs_build_port_groups(&b);
	if (!ret)
		ret = rs_build_addr_classes(&b);
	if (!ret)
		ret = rs_build_matches(&b);
	if (!ret)
		ret = keep_sides(&b);
	if (ret == -ENOMEM && !err->msg[0])
		snprintf(err->msg, sizeof(err->msg),
			 "%s: out of memory compiling the rules",
			 cfg->path ? cfg->path : "config");
	build_free(&b);
	if (ret)
		ruleset_free(rs);
	return ret;
}

void ruleset_free(struct ruleset *rs)
{
	for (size_t i = 0; rs->rules && i < rs->n_rules; i++) {
		free(rs->rules[i].name);
		free(rs->rules[i].from);
		free(rs->rules[i].to);
		free(rs->rules[i].seed);
		free(rs->rules[i].note);
	}
	for (size_t i = 0; rs->ifaces && i < rs->n_ifaces; i++)
		free(rs->ifaces[i].name);
	for (size_t i = 0; i < rs->n_sets; i++) {
		free(rs->sets[i].name);
		free(rs->sets[i].prefixes);
	}
	for (size_t i = 0; rs->from && i < rs->n_rules; i++) {
		free(rs->from[i].sets);
		free(rs->to[i].sets);
	}
	free(rs->sets);
	free(rs->from);
	free(rs->to);
	free(rs->rules);
	free(rs->ports);
	free(rs->lpm_v4);
	free(rs->lpm_v6);
	free(rs->class_own);
	free(rs->matches);
	free(rs->nat);
	free(rs->ifaces);
	memset(rs, 0, sizeof(*rs));
}
