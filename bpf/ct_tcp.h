/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The TCP state machine of a tracked flow, after nf_conntrack's: each
 * side's sequence window is tracked (the idea of tcp_in_window), and only
 * segments inside it move the flow. Flag combinations TCP never sends do
 * not get here: the parser drops them (parse.h, tcp_flags_valid). The gateway
 * sees both directions, so a handshake completes only when the initiator's ACK
 * acknowledges the responder's SYN+ACK: a spoofer that never sees the SYN+ACK
 * cannot guess its ISN.
 *
 * Two CPUs may update one flow's windows at once, without a lock (the LRU
 * tables take none). A lost update leaves a window edge a little behind;
 * the checks allow a window's worth of slack, as nf_conntrack's do.
 */
#ifndef EDGEXDP_CT_TCP_H
#define EDGEXDP_CT_TCP_H

#include "conntrack.h"
#include "parse.h"

/* nf_conntrack's MAXACKWINDOW floor: how far behind an ACK may lag. */
#define TCP_MIN_ACK_WINDOW 66000
#define TCP_WSCALE_MASK 15 /* wscale is at most TCP_MAX_WSCALE */

/* Only a bare SYN may open a flow; SYN+ACK, SYN+RST, SYN+FIN cannot. */
static __always_inline bool tcp_opens_flow(__u8 flags)
{
	return (flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST | TCPHDR_FIN)) ==
	       TCPHDR_SYN;
}

/* Sequence-space comparisons, modulo 2^32 (RFC 9293 3.4). */
static __always_inline bool seq_before(__u32 a, __u32 b)
{
	return (__s32)(a - b) < 0;
}

static __always_inline bool seq_after(__u32 a, __u32 b)
{
	return seq_before(b, a);
}

/* The rest of the segment (tcp_seg_read() read seq, ack and window). */
static __always_inline void tcp_seg_load(struct tcp_seg *seg,
					 const struct packet *pkt)
{
	seg->flags = pkt->tcp_flags;
	seg->wscale = pkt->tcp_wscale;
	seg->end = seg->seq + pkt->tcp_len;
	if (pkt->tcp_flags & TCPHDR_SYN)
		seg->end++;
	if (pkt->tcp_flags & TCPHDR_FIN)
		seg->end++;
}

/* A side opens with its SYN (or SYN+ACK), whose window is never scaled. */
static __always_inline void tcp_side_init(struct edgexdp_ct_tcp_side *side,
					  const struct tcp_seg *seg,
					  __u8 wscale)
{
	side->end = seg->end;
	side->maxend = seg->end;
	side->maxwin = seg->win ? seg->win : 1;
	side->flags = EDGEXDP_CT_SIDE_SEEN;
	side->wscale = 0;
	if (wscale != TCP_WSCALE_NONE) {
		side->flags |= EDGEXDP_CT_SIDE_WSCALE;
		side->wscale = wscale & TCP_WSCALE_MASK;
	}
}

/* RFC 7323 2.2: windows are scaled only if both SYNs offered a scale. */
static __always_inline void tcp_wscale_agree(struct edgexdp_ct_tcp_side *x,
					     struct edgexdp_ct_tcp_side *y)
{
	if (!(x->flags & y->flags & EDGEXDP_CT_SIDE_WSCALE)) {
		x->wscale = 0;
		y->wscale = 0;
	}
}

/*
 * nf_conntrack's tcp_in_window: the segment lies within what the receiver
 * allowed, does not lag further behind than the receiver's window, and
 * acknowledges only data the receiver has sent, not much older than the
 * sender's window.
 */
static __always_inline bool tcp_in_window(const struct edgexdp_ct_tcp_side *snd,
					  const struct edgexdp_ct_tcp_side *rcv,
					  const struct tcp_seg *seg)
{
	__u32 ack = (seg->flags & TCPHDR_ACK) ? seg->ack : rcv->end;
	__u32 ack_window = snd->maxwin > TCP_MIN_ACK_WINDOW
				   ? snd->maxwin
				   : TCP_MIN_ACK_WINDOW;

	return !seq_after(seg->seq, snd->maxend) &&
	       !seq_before(seg->end, snd->end - rcv->maxwin) &&
	       !seq_after(ack, rcv->end) &&
	       !seq_before(ack, rcv->end - ack_window);
}

/* What an in-window segment teaches about both sides. */
static __always_inline void tcp_window_update(struct edgexdp_ct_tcp_side *snd,
					      struct edgexdp_ct_tcp_side *rcv,
					      const struct tcp_seg *seg)
{
	__u32 win = seg->win << (snd->wscale & TCP_WSCALE_MASK);

	if (snd->maxwin < win)
		snd->maxwin = win;
	if (seq_after(seg->end, snd->end))
		snd->end = seg->end;
	/* A zero window still lets one byte through: the window probe. */
	if ((seg->flags & TCPHDR_ACK) &&
	    seq_after(seg->ack + (win ? win : 1), rcv->maxend))
		rcv->maxend = seg->ack + (win ? win : 1);
}

/*
 * The judge (ct_tcp_judge) works on the entry alone; a segment that ends
 * the flow says so with this bit beside its verdict, and the caller, who
 * knows the table, deletes the entry.
 */
#define CT_TCP_END_FLOW (1U << 16)

_Static_assert(CT_TCP_END_FLOW > VERDICT_ABORT_FLAG,
	       "CT_TCP_END_FLOW must not collide with a verdict bit");

static __always_inline __u32 ct_tcp_end(void)
{
	return VERDICT_PASS(EDGEXDP_PASS_FLOW) | CT_TCP_END_FLOW;
}

/*
 * RST (RFC 5961 3.2): only a reset carrying exactly the sequence number the
 * receiver expects next ends the flow. One elsewhere in the window passes
 * and leaves the flow as it was: the receiver answers it with a challenge
 * ACK, and a genuine sender then resets with the exact number. One outside
 * the window is a blind guess, dropped.
 */
static __always_inline __u32 ct_tcp_rst(struct edgexdp_ct_entry *ct,
					const struct tcp_seg *seg,
					const struct edgexdp_ct_tcp_side *snd,
					const struct edgexdp_ct_tcp_side *rcv,
					bool from_initiator)
{
	if (ct->flags & EDGEXDP_CT_F_LIBERAL)
		return ct_tcp_end();
	/* RFC 9293 3.10.7.3: a reset in SYN-SENT is acceptable when it
	 * acknowledges the SYN. */
	if (ct->state == EDGEXDP_CT_SYN_SENT && !from_initiator) {
		if ((seg->flags & TCPHDR_ACK) && seg->ack == rcv->end)
			return ct_tcp_end();
		return VERDICT_DROP(EDGEXDP_DROP_TCP_WINDOW);
	}
	if (seg->seq == snd->end)
		return ct_tcp_end();
	if (ct->state != EDGEXDP_CT_SYN_SENT &&
	    !seq_before(seg->seq, snd->end - rcv->maxwin) &&
	    !seq_after(seg->seq, snd->maxend))
		return VERDICT_PASS(EDGEXDP_PASS_FLOW);
	return VERDICT_DROP(EDGEXDP_DROP_TCP_WINDOW);
}

/*
 * SYN_SENT: the initiator may repeat its SYN; only the responder's SYN+ACK
 * acknowledging it moves the flow on. With local_responders, whose
 * SYN+ACKs never pass here, the initiator's ACK completes the handshake
 * unchecked (include/edgexdp.h, tcp_local_responders).
 */
static __always_inline __u32 ct_tcp_syn_sent(struct edgexdp_ct_entry *ct,
					     const struct tcp_seg *seg,
					     struct edgexdp_ct_tcp_side *snd,
					     struct edgexdp_ct_tcp_side *rcv,
					     bool from_initiator)
{
	if (from_initiator) {
		if (tcp_opens_flow(seg->flags)) {
			/* A retransmission, or a new ISN: the latest counts. */
			tcp_side_init(snd, seg, seg->wscale);
			return VERDICT_PASS(EDGEXDP_PASS_FLOW);
		}
		if (!(seg->flags & TCPHDR_SYN) && seg->local_responders) {
			ct->flags |= EDGEXDP_CT_F_LIBERAL;
			ct->state = EDGEXDP_CT_ESTABLISHED;
			return VERDICT_PASS(EDGEXDP_PASS_FLOW);
		}
		return VERDICT_DROP(EDGEXDP_DROP_TCP_STATE);
	}
	/* From the responder: a SYN+ACK, not a simultaneous open. */
	if ((seg->flags & (TCPHDR_SYN | TCPHDR_ACK)) !=
	    (TCPHDR_SYN | TCPHDR_ACK))
		return VERDICT_DROP(EDGEXDP_DROP_TCP_STATE);
	if (seg->ack != rcv->end)
		return VERDICT_DROP(EDGEXDP_DROP_TCP_WINDOW);
	tcp_side_init(snd, seg, seg->wscale);
	tcp_wscale_agree(snd, rcv);
	/* What the responder's window lets the initiator send. */
	rcv->maxend = seg->ack + snd->maxwin;
	ct->state = EDGEXDP_CT_SYN_RECV;
	return VERDICT_PASS(EDGEXDP_PASS_FLOW);
}

/*
 * A SYN after SYN_SENT moves nothing: a repeat of the initiator's SYN
 * while the handshake runs, or of the responder's SYN+ACK whose ACK was
 * lost, passes; any other is stray.
 */
static __always_inline __u32
ct_tcp_syn_again(const struct edgexdp_ct_entry *ct, const struct tcp_seg *seg,
		 const struct edgexdp_ct_tcp_side *snd,
		 const struct edgexdp_ct_tcp_side *rcv, bool from_initiator)
{
	bool repeat = seg->end == snd->end;

	if (ct->flags & EDGEXDP_CT_F_LIBERAL)
		return VERDICT_DROP(EDGEXDP_DROP_TCP_STATE);
	if (seg->flags & TCPHDR_ACK) {
		if (!from_initiator && repeat && tcp_in_window(snd, rcv, seg))
			return VERDICT_PASS(EDGEXDP_PASS_FLOW);
		return VERDICT_DROP(EDGEXDP_DROP_TCP_STATE);
	}
	if (from_initiator && repeat && ct->state == EDGEXDP_CT_SYN_RECV)
		return VERDICT_PASS(EDGEXDP_PASS_FLOW);
	return VERDICT_DROP(EDGEXDP_DROP_TCP_STATE);
}

/*
 * Any segment without SYN or RST, so with ACK (parse.h, tcp_flags_valid). In
 * SYN_RECV, only the initiator's ACK of the SYN+ACK establishes the flow.
 */
static __always_inline __u32 ct_tcp_segment(struct edgexdp_ct_entry *ct,
					    const struct tcp_seg *seg,
					    struct edgexdp_ct_tcp_side *snd,
					    struct edgexdp_ct_tcp_side *rcv,
					    bool from_initiator)
{
	if (ct->flags & EDGEXDP_CT_F_LIBERAL)
		return VERDICT_NONE;
	if (!tcp_in_window(snd, rcv, seg))
		return VERDICT_DROP(EDGEXDP_DROP_TCP_WINDOW);
	if (ct->state == EDGEXDP_CT_SYN_RECV && from_initiator) {
		if (seg->ack != rcv->end)
			return VERDICT_DROP(EDGEXDP_DROP_TCP_WINDOW);
		ct->state = EDGEXDP_CT_ESTABLISHED;
	}
	return VERDICT_NONE;
}

/* What an accepted segment teaches (the second half of a segment's
 * judgement, on its own to keep each function's stack small). */
static __always_inline __u32 ct_tcp_learn(struct edgexdp_ct_entry *ct,
					  const struct tcp_seg *seg,
					  struct edgexdp_ct_tcp_side *snd,
					  struct edgexdp_ct_tcp_side *rcv,
					  bool from_initiator)
{
	if (!(ct->flags & EDGEXDP_CT_F_LIBERAL))
		tcp_window_update(snd, rcv, seg);
	/* The responder's FIN before the handshake completes waits. */
	if ((seg->flags & TCPHDR_FIN) && ct->state != EDGEXDP_CT_SYN_RECV) {
		ct->fin_seen |= seg->from_a ? CT_FIN_FROM_A : CT_FIN_FROM_B;
		ct->state = EDGEXDP_CT_CLOSING;
	}
	return VERDICT_PASS(EDGEXDP_PASS_FLOW);
}

/*
 * A bare SYN on a flow both sides have closed starts a new connection on
 * the same tuple, as Linux allows when a port is reused from TIME_WAIT:
 * the old entry goes and the rules decide the SYN afresh. A half-closed
 * flow still carries data one way: a SYN there is stray.
 */
static __always_inline bool ct_tcp_reopens(const struct ct_table *t,
					   const struct edgexdp_ct_entry *ct,
					   const struct edgexdp_ct_key *key,
					   const struct packet *pkt)
{
	if (pkt->l4proto != IPPROTO_TCP || ct->state != EDGEXDP_CT_CLOSING ||
	    ct->fin_seen != CT_FIN_BOTH || !tcp_opens_flow(pkt->tcp_flags))
		return false;
	ct_delete(t, key);
	return true;
}

/*
 * The verdict on one segment of a tracked flow, whose flags the parser
 * accepted, and the entry's new state; CT_TCP_END_FLOW beside the verdict
 * when the segment ends the flow. One global function per kind of segment:
 * the verifier checks each once on its own, not once for every way the
 * packet's headers can be laid out before it, and each is small enough
 * that its stack and the program's fit the 512 bytes they share.
 */
#define CT_TCP_JUDGE(name, step)                                               \
	__noinline __u32 name(struct edgexdp_ct_entry *ct,                     \
			      const struct tcp_seg *seg)                       \
	{                                                                      \
		struct edgexdp_ct_tcp_side *snd, *rcv;                         \
		bool from_initiator;                                           \
                                                                               \
		if (!ct || !seg)                                               \
			return VERDICT_ABORT;                                  \
		from_initiator = seg->from_a == ct->initiator_is_a;            \
		snd = seg->from_a ? &ct->side[0] : &ct->side[1];               \
		rcv = seg->from_a ? &ct->side[1] : &ct->side[0];               \
		return step(ct, seg, snd, rcv, from_initiator);                \
	}

CT_TCP_JUDGE(ct_tcp_judge_rst, ct_tcp_rst)
CT_TCP_JUDGE(ct_tcp_judge_syn_sent, ct_tcp_syn_sent)
CT_TCP_JUDGE(ct_tcp_judge_syn_again, ct_tcp_syn_again)
CT_TCP_JUDGE(ct_tcp_judge_segment, ct_tcp_segment)
CT_TCP_JUDGE(ct_tcp_judge_learn, ct_tcp_learn)

/* A segment of a tracked flow in table t. */
static __always_inline __u32
ct_tcp_update(const struct ct_table *t, struct edgexdp_ct_entry *ct,
	      const struct edgexdp_ct_key *key, const struct packet *pkt,
	      bool from_a, const struct edgexdp_settings *s, __u64 now)
{
	struct ct_scratch *scratch = ct_scratch_get();
	struct tcp_seg *seg;
	__u32 verdict;

	if (!scratch)
		return VERDICT_ABORT;
	seg = &scratch->seg;
	tcp_seg_load(seg, pkt);
	seg->from_a = from_a;
	seg->local_responders = s->tcp_local_responders != 0;
	if (seg->flags & TCPHDR_RST)
		verdict = ct_tcp_judge_rst(ct, seg);
	else if (ct->state == EDGEXDP_CT_SYN_SENT)
		verdict = ct_tcp_judge_syn_sent(ct, seg);
	else if (seg->flags & TCPHDR_SYN)
		verdict = ct_tcp_judge_syn_again(ct, seg);
	else
		verdict = ct_tcp_judge_segment(ct, seg)
				  ?: ct_tcp_judge_learn(ct, seg);
	if (verdict & CT_TCP_END_FLOW) {
		ct_delete(t, key);
		return verdict & ~CT_TCP_END_FLOW;
	}
	if (verdict_is_pass(verdict))
		ct_touch(ct, now);
	return verdict;
}

/* The entry of a flow a bare SYN opens: the initiator's side is known. */
static __always_inline void ct_tcp_open(struct ct_scratch *scratch,
					const struct packet *pkt, bool from_a)
{
	struct edgexdp_ct_entry *ct = &scratch->entry;
	struct tcp_seg *seg = &scratch->seg;

	tcp_seg_load(seg, pkt);
	tcp_side_init(from_a ? &ct->side[0] : &ct->side[1], seg, seg->wscale);
}

#endif /* EDGEXDP_CT_TCP_H */
