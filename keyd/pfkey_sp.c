/*
 * PF_KEY requests on security policies (SPDADD, SPDUPDATE, SPDSETIDX,
 * SPDDELETE, SPDDELETE2, SPDGET, SPDDUMP, SPDFLUSH), with the checks and
 * error codes of FreeBSD 14's key_spdadd(), key_msg2sp() and friends.
 * Also the interface-scoped policies of ipsecN interfaces, and the
 * once-a-second policy lifetime check that sends SADB_X_SPDEXPIRE.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keyd.h"

static const char *const dir_names[] = { "any", "in", "out" };

/* Reads the selector (SRC, DST) and direction of m into sp. */
static int
read_selector(const struct key_msg *m, struct policy *sp)
{
	const struct sadb_x_policy *xpl = (const void *)m->ext[SADB_X_EXT_POLICY];
	struct sockaddr_storage src, dst;
	uint8_t proto_s, proto_d;

	if (m->ext[SADB_EXT_ADDRESS_SRC] == NULL ||
	    m->ext[SADB_EXT_ADDRESS_DST] == NULL || xpl == NULL)
		return EINVAL;
	if (key_msg_address(m, SADB_EXT_ADDRESS_SRC, &src, &sp->prefs,
	    &proto_s) == -1 ||
	    key_msg_address(m, SADB_EXT_ADDRESS_DST, &dst, &sp->prefd,
	    &proto_d) == -1)
		return errno == EAFNOSUPPORT ? EAFNOSUPPORT : EINVAL;
	sockaddr_union_set(&sp->src, (const struct sockaddr *)&src);
	sockaddr_union_set(&sp->dst, (const struct sockaddr *)&dst);
	if (src.ss_family != dst.ss_family || proto_s != proto_d ||
	    sp->prefs > key_sockaddr_bits(src.ss_family) ||
	    sp->prefd > key_sockaddr_bits(dst.ss_family))
		return EINVAL;
	sp->ul_proto = proto_s;
	sp->dir = xpl->sadb_x_policy_dir;
	if (sp->dir != IPSEC_DIR_INBOUND && sp->dir != IPSEC_DIR_OUTBOUND)
		return EINVAL;
	return 0;
}

/*
 * Reads the requests of the policy extension xpl (len bytes, a private
 * copy) into reqs, which has room for KEY_POLICY_MAXREQ, and their number
 * into *nreq.  Requests at level unique get reqids as FreeBSD's
 * key_msg2sp() assigns them: reqids above 16383 become 0, and 0 is
 * replaced by the next automatic reqid, which is written back into xpl so
 * that the reply shows it.  Requests at other levels keep reqid 0.
 */
static int
read_requests(struct keyd *k, struct sp_request *reqs_out, size_t *nreq,
    uint8_t *xpl, size_t len)
{
	struct key_ipsecrequest reqs[KEY_POLICY_MAXREQ];
	struct sadb_x_ipsecrequest rec;
	size_t n, i, off;
	uint32_t reqid;

	if (key_policy_requests((const struct sadb_x_policy *)(void *)xpl,
	    len, reqs, KEY_POLICY_MAXREQ, &n) == -1)
		return errno != 0 ? errno : EINVAL;
	if (n < 1)
		return EINVAL;
	off = sizeof(struct sadb_x_policy);
	for (i = 0; i < n; i++) {
		if (off + sizeof(rec) > len)
			return EINVAL;
		memcpy(&rec, xpl + off, sizeof(rec));
		if (rec.sadb_x_ipsecrequest_len < sizeof(rec) ||
		    rec.sadb_x_ipsecrequest_len > len - off)
			return EINVAL;
		/* FreeBSD's key_msg2sp() takes these alone for SPDADD. */
		if (reqs[i].proto != IPSEC_PROTO_ESP &&
		    reqs[i].proto != IPSEC_PROTO_AH &&
		    reqs[i].proto != IPSEC_PROTO_IPCOMP)
			return EPROTONOSUPPORT;
		if (reqs[i].mode != IPSEC_MODE_TRANSPORT &&
		    reqs[i].mode != IPSEC_MODE_TUNNEL)
			return EINVAL;
		reqid = 0;
		if (reqs[i].level == IPSEC_LEVEL_UNIQUE) {
			reqid = reqs[i].reqid;
			if (reqid > IPSEC_MANUAL_REQID_MAX)
				reqid = 0;
			if (reqid == 0)
				reqid = keyd_new_reqid(k);
			rec.sadb_x_ipsecrequest_reqid = (uint16_t)reqid;
			memcpy(xpl + off, &rec, sizeof(rec));
		}
		reqs_out[i].proto = reqs[i].proto;
		reqs_out[i].mode = reqs[i].mode;
		reqs_out[i].level = reqs[i].level;
		reqs_out[i].reqid = reqid;
		reqs_out[i].has_addrs = reqs[i].has_addrs;
		sockaddr_union_set(&reqs_out[i].src,
		    (const struct sockaddr *)&reqs[i].src);
		sockaddr_union_set(&reqs_out[i].dst,
		    (const struct sockaddr *)&reqs[i].dst);
		off += rec.sadb_x_ipsecrequest_len;
	}
	*nreq = n;
	return 0;
}

/* Builds the SPDADD-style reply from the request and the patched policy. */
static int
reply_policy(struct keyd *k, struct client *c, const struct key_msg *m,
    const uint8_t *xpl, size_t xlen, bool with_lifetime)
{
	static const uint16_t addrs[] = {
		SADB_EXT_ADDRESS_SRC, SADB_EXT_ADDRESS_DST
	};
	const struct sadb_ext *ext;
	struct key_buf b;
	size_t i;

	key_buf_init(&b);
	key_msg_begin(&b, m->base->sadb_msg_type, m->base->sadb_msg_satype,
	    m->base->sadb_msg_seq, m->base->sadb_msg_pid);
	key_msg_add_raw(&b, SADB_X_EXT_POLICY, xpl + sizeof(struct sadb_ext),
	    xlen - sizeof(struct sadb_ext));
	if (with_lifetime && (ext = m->ext[SADB_EXT_LIFETIME_HARD]) != NULL)
		key_msg_add_raw(&b, SADB_EXT_LIFETIME_HARD,
		    (const uint8_t *)ext + sizeof(*ext),
		    PFKEY_UNUNIT64(ext->sadb_ext_len) - sizeof(*ext));
	for (i = 0; i < nitems(addrs); i++) {
		ext = m->ext[addrs[i]];
		key_msg_add_raw(&b, addrs[i], (const uint8_t *)ext +
		    sizeof(*ext), PFKEY_UNUNIT64(ext->sadb_ext_len) -
		    sizeof(*ext));
	}
	if (key_msg_end(&b) == -1) {
		key_buf_free(&b);
		return ENOBUFS;
	}
	pfkey_send_buf(k, c, TO_ALL, &b);
	return 0;
}

static uint8_t *
copy_policy_ext(const struct key_msg *m, size_t *lenp)
{
	const struct sadb_ext *ext = m->ext[SADB_X_EXT_POLICY];
	uint8_t *copy;

	*lenp = PFKEY_UNUNIT64(ext->sadb_ext_len);
	if ((copy = malloc(*lenp)) != NULL)
		memcpy(copy, ext, *lenp);
	return copy;
}

static void
log_policy(const struct policy *sp, const char *event)
{
	log_info("SP id %u (%s %s, %s scope): %s", sp->id,
	    dir_names[sp->dir < IPSEC_DIR_MAX ? sp->dir : 0],
	    sp->action == IPSEC_POLICY_IPSEC ? "ipsec" :
	    sp->action == IPSEC_POLICY_NONE ? "none" : "discard",
	    sp->scope == IPSEC_POLICYSCOPE_IFNET ? "ifnet" : "global", event);
}

/*
 * SADB_X_SPDADD, and SPDSETIDX, which FreeBSD treats the same way:
 * directions in and out, actions discard, none and ipsec (the last with at
 * least one request), an optional hard lifetime; EEXIST for a selector and
 * direction already present.  SADB_X_SPDUPDATE replaces such a policy
 * instead.  The reply echoes the request with the new policy id.
 * The policy is built in draft without its requests, and allocated last,
 * when the number of requests is known.
 */
int
pfkey_spdadd(struct keyd *k, struct client *c, const struct key_msg *m)
{
	const struct sadb_x_policy *xpl0 = (const void *)m->ext[SADB_X_EXT_POLICY];
	const struct sadb_lifetime *lft;
	struct sadb_x_policy xpl;
	struct sp_request reqs[KEY_POLICY_MAXREQ];
	struct policy draft, *sp = NULL, *old;
	uint8_t *copy = NULL;
	size_t xlen, nreq = 0;
	int error;

	memset(&draft, 0, sizeof(draft));
	if ((error = read_selector(m, &draft)) != 0)
		goto fail;
	draft.action = (uint8_t)xpl0->sadb_x_policy_type;
	if (xpl0->sadb_x_policy_type != IPSEC_POLICY_DISCARD &&
	    xpl0->sadb_x_policy_type != IPSEC_POLICY_NONE &&
	    xpl0->sadb_x_policy_type != IPSEC_POLICY_IPSEC) {
		error = EINVAL;
		goto fail;
	}
	draft.scope = IPSEC_POLICYSCOPE_GLOBAL;
	draft.priority = xpl0->sadb_x_policy_priority;
	old = spd_lookup_selector(&k->spd, &draft);
	if (old != NULL && m->base->sadb_msg_type != SADB_X_SPDUPDATE) {
		error = EEXIST;
		goto fail;
	}
	if ((copy = copy_policy_ext(m, &xlen)) == NULL) {
		error = ENOBUFS;
		goto fail;
	}
	if (draft.action == IPSEC_POLICY_IPSEC &&
	    (error = read_requests(k, reqs, &nreq, copy, xlen)) != 0)
		goto fail;
	if ((lft = (const void *)m->ext[SADB_EXT_LIFETIME_HARD]) != NULL) {
		draft.lifetime = lft->sadb_lifetime_addtime;
		draft.validtime = lft->sadb_lifetime_usetime;
	}
	draft.created = draft.lastused = k->now;
	draft.created_mono = draft.lastused_mono = k->now_mono;
	if ((sp = spd_new(nreq)) == NULL) {
		error = ENOBUFS;
		goto fail;
	}
	/* The assignment copies every member but the request array. */
	*sp = draft;
	sp->refcnt = 1;
	sp->nreq = nreq;
	memcpy(sp->req, reqs, nreq * sizeof(reqs[0]));
	if (old != NULL) {
		log_policy(old, "replaced by SPDUPDATE");
		spd_remove(&k->spd, old);
	}
	if (spd_insert(&k->spd, sp) == -1) {
		error = ENOBUFS;
		goto fail;
	}
	log_policy(sp, "added");

	memcpy(&xpl, copy, sizeof(xpl));
	xpl.sadb_x_policy_id = sp->id;
	memcpy(copy, &xpl, sizeof(xpl));
	error = reply_policy(k, c, m, copy, xlen, true);
	free(copy);
	return error;
fail:
	free(copy);
	spd_unref(sp);
	return error;
}

/*
 * SADB_X_SPDDELETE: removes the global policy with the selector and
 * direction given; EINVAL when there is none, as in FreeBSD.
 */
int
pfkey_spddelete(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct sadb_x_policy xpl;
	struct policy key, *sp;
	uint8_t *copy;
	size_t xlen;
	int error;

	memset(&key, 0, sizeof(key));
	if ((error = read_selector(m, &key)) != 0)
		return error;
	if ((sp = spd_lookup_selector(&k->spd, &key)) == NULL)
		return EINVAL;
	if ((copy = copy_policy_ext(m, &xlen)) == NULL)
		return ENOBUFS;
	memcpy(&xpl, copy, sizeof(xpl));
	xpl.sadb_x_policy_id = sp->id;
	memcpy(copy, &xpl, sizeof(xpl));
	log_policy(sp, "deleted");
	spd_remove(&k->spd, sp);
	error = reply_policy(k, c, m, copy, xlen, false);
	free(copy);
	return error;
}

/*
 * SADB_X_SPDDELETE2: removes a policy by id; EINVAL for an unknown id and
 * EACCES for an interface policy.  The reply is the header and the policy
 * extension of the request.
 */
int
pfkey_spddelete2(struct keyd *k, struct client *c, const struct key_msg *m)
{
	static const uint16_t types[] = { SADB_X_EXT_POLICY };
	const struct sadb_x_policy *xpl = (const void *)m->ext[SADB_X_EXT_POLICY];
	struct key_buf b;
	struct policy *sp;

	if (xpl == NULL)
		return EINVAL;
	if ((sp = spd_lookup_id(&k->spd, xpl->sadb_x_policy_id)) == NULL)
		return EINVAL;
	if (sp->scope == IPSEC_POLICYSCOPE_IFNET)
		return EACCES;
	log_policy(sp, "deleted");
	spd_remove(&k->spd, sp);
	key_buf_init(&b);
	if (pfkey_gather(&b, m, types, nitems(types)) == -1) {
		key_buf_free(&b);
		return ENOBUFS;
	}
	pfkey_send_buf(k, c, TO_ALL, &b);
	return 0;
}

/* SADB_X_SPDGET: a policy of any scope by id, to the sender; ENOENT. */
int
pfkey_spdget(struct keyd *k, struct client *c, const struct key_msg *m)
{
	const struct sadb_x_policy *xpl = (const void *)m->ext[SADB_X_EXT_POLICY];
	struct key_buf b;
	struct policy *sp;

	if (xpl == NULL)
		return EINVAL;
	if ((sp = spd_lookup_id(&k->spd, xpl->sadb_x_policy_id)) == NULL)
		return ENOENT;
	key_buf_init(&b);
	if (msg_policy(&b, sp, SADB_X_SPDGET, m->base->sadb_msg_seq,
	    m->base->sadb_msg_pid) == -1) {
		key_buf_free(&b);
		return ENOBUFS;
	}
	pfkey_send_buf(k, c, TO_SENDER, &b);
	return 0;
}

/*
 * SADB_X_SPDDUMP: the policies of the scopes in the mask carried in
 * sadb_msg_satype (0 all, 1 global, 2 ifnet).  They are sent for
 * directions any, in and out in turn, global ones before interface ones,
 * with sequence numbers counting down to 0.  ENOENT when there are none.
 * The dump works on references to the policies present when it started.
 */
int
pfkey_spddump(struct keyd *k, struct client *c, const struct key_msg *m)
{
	uint8_t mask = m->base->sadb_msg_satype;
	struct policy *sp;
	size_t count, n = 0;
	int dir;

	if ((count = spd_count_scope(&k->spd, mask)) == 0)
		return ENOENT;
	dump_cancel(c);
	if ((c->dump.snap = calloc(count, sizeof(*c->dump.snap))) == NULL)
		return ENOBUFS;
	for (dir = 0; dir < IPSEC_DIR_MAX; dir++) {
		if (spd_scope_selected(mask, IPSEC_POLICYSCOPE_GLOBAL))
			TAILQ_FOREACH(sp, &k->spd.global[dir], entry)
				c->dump.snap[n++] = sp;
		if (spd_scope_selected(mask, IPSEC_POLICYSCOPE_IFNET))
			TAILQ_FOREACH(sp, &k->spd.ifnet[dir], entry)
				c->dump.snap[n++] = sp;
	}
	for (n = 0; n < count; n++)
		spd_ref(c->dump.snap[n]);
	c->dump.kind = DUMP_SPD;
	c->dump.nsnap = count;
	c->dump.pos = 0;
	c->dump.remaining = (uint32_t)count;
	c->dump.pid = m->base->sadb_msg_pid;
	client_fill(k, c);
	return 0;
}

/* Sends the next message of c's SPD dump; returns as pfkey_dump_next_sa(). */
int
pfkey_dump_next_sp(struct keyd *k, struct client *c)
{
	struct dump_cursor *d = &c->dump;
	struct key_buf b;
	struct policy *sp;
	int rc = 1;

	if (d->pos >= d->nsnap) {
		dump_cancel(c);
		return 0;
	}
	sp = d->snap[d->pos++];
	d->remaining = (uint32_t)(d->nsnap - d->pos);
	key_buf_init(&b);
	if (msg_policy(&b, sp, SADB_X_SPDDUMP, d->remaining, d->pid) == -1) {
		log_warn("client %llu: SPD dump abandoned",
		    (unsigned long long)c->id);
		key_buf_free(&b);
		rc = -1;
	} else
		pfkey_send_buf(k, c, TO_SENDER, &b);
	spd_unref(sp);
	if (rc == -1 || d->pos >= d->nsnap)
		dump_cancel(c);
	return rc;
}

/*
 * SADB_X_SPDFLUSH: removes every global policy; interface policies stay.
 * A message with extensions is rejected (EINVAL) as in FreeBSD.
 */
int
pfkey_spdflush(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct sadb_msg hdr;
	struct policy *sp;
	size_t n = 0;
	int dir;

	if (m->len != sizeof(struct sadb_msg))
		return EINVAL;
	for (dir = 0; dir < IPSEC_DIR_MAX; dir++) {
		while ((sp = TAILQ_FIRST(&k->spd.global[dir])) != NULL) {
			spd_remove(&k->spd, sp);
			n++;
		}
	}
	if (n > 0)
		log_info("SPD flushed: %zu policies deleted", n);
	memcpy(&hdr, m->base, sizeof(hdr));
	hdr.sadb_msg_errno = 0;
	deliver(k, c, TO_ALL, &hdr, sizeof(hdr));
	return 0;
}

static void
announce(struct keyd *k, const struct policy *sp, uint8_t type,
    enum deliver_target target)
{
	struct key_buf b;

	key_buf_init(&b);
	if (msg_policy(&b, sp, type, 0, 0) == -1) {
		log_warn("SP id %u: cannot build %s", sp->id,
		    key_msg_type_name(type));
		key_buf_free(&b);
		return;
	}
	pfkey_send_buf(k, NULL, target, &b);
}

static void
any_address(union sockaddr_union *u, int family)
{
	memset(u, 0, sizeof(*u));
	u->sa.sa_family = (sa_family_t)family;
}

/*
 * Installs an interface policy for ipsecN: selector family/0 to family/0,
 * any protocol, direction dir, one request esp/tunnel/tsrc-tdst/unique
 * with reqid.  ifindex is stored as the priority, which SPDDUMP reports.
 * The addition is announced to every client as an SADB_X_SPDADD with pid
 * 0.  Returns the policy, which stays valid until
 * keyd_ifnet_policy_remove(), or NULL with errno set.
 */
struct policy *
keyd_ifnet_policy_add(struct keyd *k, unsigned int ifindex, uint8_t dir,
    int family, const struct sockaddr *tsrc, const struct sockaddr *tdst,
    uint32_t reqid)
{
	struct policy *sp;

	if ((family != AF_INET && family != AF_INET6) ||
	    (dir != IPSEC_DIR_INBOUND && dir != IPSEC_DIR_OUTBOUND) ||
	    tsrc->sa_family != tdst->sa_family ||
	    (tsrc->sa_family != AF_INET && tsrc->sa_family != AF_INET6)) {
		errno = EINVAL;
		return NULL;
	}
	if ((sp = spd_new(1)) == NULL)
		return NULL;
	sp->dir = dir;
	sp->action = IPSEC_POLICY_IPSEC;
	sp->scope = IPSEC_POLICYSCOPE_IFNET;
	sp->priority = ifindex;
	any_address(&sp->src, family);
	any_address(&sp->dst, family);
	sp->ul_proto = IPSEC_ULPROTO_ANY;
	sp->req[0].proto = IPSEC_PROTO_ESP;
	sp->req[0].mode = IPSEC_MODE_TUNNEL;
	sp->req[0].level = IPSEC_LEVEL_UNIQUE;
	sp->req[0].reqid = reqid;
	sp->req[0].has_addrs = true;
	sockaddr_union_set(&sp->req[0].src, tsrc);
	sockaddr_union_set(&sp->req[0].dst, tdst);
	sp->created = sp->lastused = k->now;
	sp->created_mono = sp->lastused_mono = k->now_mono;
	if (spd_insert(&k->spd, sp) == -1) {
		spd_unref(sp);
		return NULL;
	}
	log_policy(sp, "added");
	announce(k, sp, SADB_X_SPDADD, TO_ALL);
	return sp;
}

/* Removes an interface policy and announces it as an SADB_X_SPDDELETE. */
void
keyd_ifnet_policy_remove(struct keyd *k, struct policy *sp)
{
	announce(k, sp, SADB_X_SPDDELETE, TO_ALL);
	log_policy(sp, "deleted");
	spd_remove(&k->spd, sp);
}

/*
 * The once-a-second SPD check: a global policy past its lifetime (since
 * creation) or validtime (since last use) is removed and reported to
 * registered clients in an SADB_X_SPDEXPIRE.
 */
void
keyd_spd_tick(struct keyd *k)
{
	struct policy *sp, *next;
	uint64_t now = k->now_mono;
	int dir;

	for (dir = 0; dir < IPSEC_DIR_MAX; dir++) {
		for (sp = TAILQ_FIRST(&k->spd.global[dir]); sp != NULL;
		    sp = next) {
			next = TAILQ_NEXT(sp, entry);
			if ((sp->lifetime == 0 ||
			    now - sp->created_mono <= sp->lifetime) &&
			    (sp->validtime == 0 ||
			    now - sp->lastused_mono <= sp->validtime))
				continue;
			announce(k, sp, SADB_X_SPDEXPIRE, TO_REGISTERED);
			log_policy(sp, "lifetime expired, deleted");
			spd_remove(&k->spd, sp);
		}
	}
}
