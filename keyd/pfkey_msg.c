/*
 * Messages keyd builds from its own state: SAs for GET, DUMP and EXPIRE,
 * policies for SPDGET, SPDDUMP and SPDEXPIRE, and the supported-algorithm
 * lists of REGISTER.  Each function fills b and returns 0, or -1 with
 * errno set.  On success b contains a complete message.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "keyd.h"

/* FreeBSD reports a reference count of 1 for idle SAs and policies. */
#define REFCNT_REPORTED		1

static int	add_addresses(struct key_buf *, const struct sockaddr *,
		    const struct sockaddr *, uint8_t, uint8_t, uint8_t);
static int	add_sa_core(struct key_buf *, const struct sa *);
static int	finish(struct key_buf *);

/* Ends the message and stores the reference count in sadb_msg_reserved. */
static int
finish(struct key_buf *b)
{
	uint16_t refcnt = REFCNT_REPORTED;

	if (key_msg_end(b) == -1)
		return -1;
	memcpy(b->data + offsetof(struct sadb_msg, sadb_msg_reserved),
	    &refcnt, sizeof(refcnt));
	return 0;
}

static int
add_addresses(struct key_buf *b, const struct sockaddr *src,
    const struct sockaddr *dst, uint8_t prefs, uint8_t prefd, uint8_t proto)
{
	key_msg_add_address(b, SADB_EXT_ADDRESS_SRC, proto, prefs, src);
	return key_msg_add_address(b, SADB_EXT_ADDRESS_DST, proto, prefd, dst);
}

/* Appends SA, SA2 and, for windows over 255 bytes, SA_REPLAY. */
static int
add_sa_core(struct key_buf *b, const struct sa *sa)
{
	uint8_t replay;

	replay = sa->replay > UINT8_MAX ? UINT8_MAX : (uint8_t)sa->replay;
	key_msg_add_sa(b, sa->spi, replay, sa->state, sa->auth, sa->enc,
	    sa->flags);
	key_msg_add_sa2(b, sa->mode, (uint32_t)sa->seq, sa->reqid);
	if (sa->replay > UINT8_MAX)
		key_msg_add_sa_replay(b, sa->replay * 8);
	return b->error == 0 ? 0 : -1;
}

static void
add_natt(struct key_buf *b, const struct sa_natt *natt)
{
	key_msg_add_natt_type(b, natt->type);
	key_msg_add_natt_port(b, SADB_X_EXT_NAT_T_SPORT, natt->sport);
	key_msg_add_natt_port(b, SADB_X_EXT_NAT_T_DPORT, natt->dport);
	if (natt->has_oai)
		key_msg_add_address(b, SADB_X_EXT_NAT_T_OAI, IPSEC_ULPROTO_ANY,
		    (uint8_t)key_sockaddr_bits(natt->oai.sa.sa_family),
		    &natt->oai.sa);
	if (natt->has_oar)
		key_msg_add_address(b, SADB_X_EXT_NAT_T_OAR, IPSEC_ULPROTO_ANY,
		    (uint8_t)key_sockaddr_bits(natt->oar.sa.sa_family),
		    &natt->oar.sa);
}

static int
add_current(struct key_buf *b, const struct sa *sa)
{
	return key_msg_add_lifetime(b, SADB_EXT_LIFETIME_CURRENT,
	    sa->allocations, sa->bytes, (uint64_t)sa->created,
	    (uint64_t)sa->firstused);
}

static int
add_limit(struct key_buf *b, uint16_t exttype, const struct sa_lifetime *l)
{
	return key_msg_add_lifetime(b, exttype, l->allocations, l->bytes,
	    l->addtime, l->usetime);
}

/*
 * Builds the full form of sa that GET and DUMP return, keys included:
 * base, SA, SA2, [SA_REPLAY], [LIFETIME_HARD, LIFETIME_SOFT],
 * LIFETIME_CURRENT, SRC, DST, [KEY_AUTH], [KEY_ENCRYPT], and for ESP in
 * UDP [NAT_T_TYPE, NAT_T_SPORT, NAT_T_DPORT, [NAT_T_OAI], [NAT_T_OAR]].
 */
int
msg_sa(struct key_buf *b, const struct sa *sa, uint8_t type, uint8_t satype,
    uint32_t seq, uint32_t pid)
{
	unsigned int bits;

	key_msg_begin(b, type, satype, seq, pid);
	add_sa_core(b, sa);
	if (sa->has_lifetime) {
		add_limit(b, SADB_EXT_LIFETIME_HARD, &sa->hard);
		add_limit(b, SADB_EXT_LIFETIME_SOFT, &sa->soft);
	}
	add_current(b, sa);
	add_addresses(b, &sa->src.sa, &sa->dst.sa,
	    (uint8_t)key_sockaddr_bits(sa->src.sa.sa_family),
	    (uint8_t)key_sockaddr_bits(sa->dst.sa.sa_family),
	    IPSEC_ULPROTO_ANY);
	if (sa->key_auth.present) {
		bits = sa->key_auth.bits;
		key_msg_add_key(b, SADB_EXT_KEY_AUTH, sa->key_auth.data, bits);
	}
	if (sa->key_enc.present) {
		bits = sa->key_enc.bits;
		key_msg_add_key(b, SADB_EXT_KEY_ENCRYPT, sa->key_enc.data, bits);
	}
	if (sa->natt != NULL)
		add_natt(b, sa->natt);
	return finish(b);
}

/*
 * Builds the SADB_EXPIRE for sa: base, SA, SA2, [SA_REPLAY],
 * LIFETIME_CURRENT, the hard or soft limit reached, SRC, DST.  The
 * sequence number is that of the request that created the SA.
 */
int
msg_expire(struct key_buf *b, const struct sa *sa, bool hard)
{
	key_msg_begin(b, SADB_EXPIRE, sa->satype, sa->msg_seq, 0);
	add_sa_core(b, sa);
	add_current(b, sa);
	if (hard)
		add_limit(b, SADB_EXT_LIFETIME_HARD, &sa->hard);
	else
		add_limit(b, SADB_EXT_LIFETIME_SOFT, &sa->soft);
	add_addresses(b, &sa->src.sa, &sa->dst.sa,
	    (uint8_t)key_sockaddr_bits(sa->src.sa.sa_family),
	    (uint8_t)key_sockaddr_bits(sa->dst.sa.sa_family),
	    IPSEC_ULPROTO_ANY);
	return finish(b);
}

/* Appends the X_POLICY extension of sp, requests included. */
static int
add_policy(struct key_buf *b, const struct policy *sp)
{
	struct key_buf pb;
	const struct sp_request *r;
	size_t i;
	int rc = -1;

	key_buf_init(&pb);
	if (key_policy_begin(&pb, sp->action, sp->dir, sp->scope, sp->id,
	    sp->priority) == -1)
		goto done;
	for (i = 0; i < sp->nreq; i++) {
		r = &sp->req[i];
		if (key_policy_add_request(&pb, r->proto, r->mode, r->level,
		    (uint16_t)r->reqid,
		    r->has_addrs ? &r->src.sa : NULL,
		    r->has_addrs ? &r->dst.sa : NULL) == -1)
			goto done;
	}
	rc = key_msg_add_policy(b, pb.data, pb.len);
done:
	if (rc == -1 && b->error == 0)
		b->error = errno;
	key_buf_free(&pb);
	return rc;
}

static void
add_policy_lifetimes(struct key_buf *b, const struct policy *sp)
{
	key_msg_add_lifetime(b, SADB_EXT_LIFETIME_CURRENT, 0, 0,
	    (uint64_t)sp->created, (uint64_t)sp->lastused);
	key_msg_add_lifetime(b, SADB_EXT_LIFETIME_HARD, 0, 0,
	    sp->lifetime, sp->validtime);
}

/*
 * Builds the form of sp that SPDGET, SPDDUMP and SPDEXPIRE carry.  As in
 * FreeBSD's key_setdumpsp(), the order is base, SRC, DST, X_POLICY, then
 * LIFETIME_CURRENT and LIFETIME_HARD if the policy has a lifetime.  As in
 * key_spdexpire(), SPDEXPIRE puts the two lifetimes right after the base.
 */
int
msg_policy(struct key_buf *b, const struct policy *sp, uint8_t type,
    uint32_t seq, uint32_t pid)
{
	bool lifetimes = sp->lifetime != 0 || sp->validtime != 0;

	key_msg_begin(b, type, SADB_SATYPE_UNSPEC, seq, pid);
	if (lifetimes && type == SADB_X_SPDEXPIRE)
		add_policy_lifetimes(b, sp);
	add_addresses(b, &sp->src.sa, &sp->dst.sa, sp->prefs, sp->prefd,
	    sp->ul_proto);
	add_policy(b, sp);
	if (lifetimes && type != SADB_X_SPDEXPIRE)
		add_policy_lifetimes(b, sp);
	return finish(b);
}

/* Fills algs with the advertised algorithms of kind; returns how many. */
static size_t
collect_algs(enum key_alg_kind kind, struct sadb_alg *algs, size_t max)
{
	const struct key_alg *table;
	size_t count, i, n = 0;

	table = key_alg_table(&count);
	for (i = 0; i < count && n < max; i++) {
		if (table[i].kind != kind ||
		    (table[i].flags & KEY_ALGF_ADVERTISED) == 0)
			continue;
		memset(&algs[n], 0, sizeof(algs[n]));
		algs[n].sadb_alg_id = table[i].id;
		algs[n].sadb_alg_ivlen = kind == KEY_ALG_ENC ?
		    table[i].ivlen : 0;
		algs[n].sadb_alg_minbits = table[i].minbits;
		algs[n].sadb_alg_maxbits = table[i].maxbits;
		n++;
	}
	return n;
}

/*
 * Builds the REGISTER reply: the request's header, then SUPPORTED_AUTH and
 * SUPPORTED_ENCRYPT listing the algorithms libkey marks as advertised.
 */
int
msg_supported(struct key_buf *b, const struct sadb_msg *req)
{
	struct sadb_alg algs[64];
	size_t n;

	key_msg_begin(b, req->sadb_msg_type, req->sadb_msg_satype,
	    req->sadb_msg_seq, req->sadb_msg_pid);
	if ((n = collect_algs(KEY_ALG_AUTH, algs, 64)) > 0)
		key_msg_add_supported(b, SADB_EXT_SUPPORTED_AUTH, algs, n);
	if ((n = collect_algs(KEY_ALG_ENC, algs, 64)) > 0)
		key_msg_add_supported(b, SADB_EXT_SUPPORTED_ENCRYPT, algs, n);
	return key_msg_end(b);
}
