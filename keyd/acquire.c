/*
 * SADB_ACQUIRE: asking registered key managers for SAs that do not exist
 * yet.  Pending requests are kept per SA index, as in FreeBSD's acquire
 * tree, so that a burst of packets sends one ACQUIRE.  Further requests
 * are counted, and the ACQUIRE is sent again only after more than
 * KEYD_ACQ_COUNT of them.  An entry expires after KEYD_ACQ_LIFETIME
 * seconds.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keyd.h"

/* Lifetimes proposed to the key manager, in seconds. */
#define PROP_HARD_ADDTIME	86400
#define PROP_SOFT_ADDTIME	(PROP_HARD_ADDTIME * 80 / 100)
#define PROP_HARD_USETIME	28800
#define PROP_SOFT_USETIME	(PROP_HARD_USETIME * 80 / 100)

#define PROP_MAXCOMBS		128

/* Replay window proposed, in packets, as FreeBSD proposes it. */
#define PROP_REPLAY		32

static void
set_comb(struct sadb_comb *comb, const struct key_alg *enc,
    const struct key_alg *auth)
{
	memset(comb, 0, sizeof(*comb));
	if (enc != NULL) {
		comb->sadb_comb_encrypt = enc->id;
		comb->sadb_comb_encrypt_minbits = enc->minbits;
		comb->sadb_comb_encrypt_maxbits = enc->maxbits;
	}
	if (auth != NULL) {
		comb->sadb_comb_auth = auth->id;
		comb->sadb_comb_auth_minbits = auth->minbits;
		comb->sadb_comb_auth_maxbits = auth->maxbits;
	}
	comb->sadb_comb_soft_allocations = 1;
	comb->sadb_comb_hard_allocations = 1;
	comb->sadb_comb_soft_addtime = PROP_SOFT_ADDTIME;
	comb->sadb_comb_hard_addtime = PROP_HARD_ADDTIME;
	comb->sadb_comb_soft_usetime = PROP_SOFT_USETIME;
	comb->sadb_comb_hard_usetime = PROP_HARD_USETIME;
}

static bool
advertised(const struct key_alg *a, enum key_alg_kind kind)
{
	return a->kind == kind && (a->flags & KEY_ALGF_ADVERTISED) != 0;
}

/*
 * Fills combs with the proposal for proto and returns the number of
 * combinations.  ESP gets every advertised cipher, combined-mode ones
 * alone and the others with each advertised integrity algorithm but null.
 * AH gets every advertised integrity algorithm but null.
 */
static size_t
build_proposal(uint8_t proto, struct sadb_comb *combs, size_t max)
{
	const struct key_alg *table;
	size_t count, i, j, n = 0;

	table = key_alg_table(&count);
	for (i = 0; i < count && n < max; i++) {
		if (proto == IPSEC_PROTO_AH) {
			if (advertised(&table[i], KEY_ALG_AUTH) &&
			    table[i].id != SADB_X_AALG_NULL)
				set_comb(&combs[n++], NULL, &table[i]);
			continue;
		}
		if (proto != IPSEC_PROTO_ESP ||
		    !advertised(&table[i], KEY_ALG_ENC))
			continue;
		if (table[i].flags & KEY_ALGF_AEAD) {
			set_comb(&combs[n++], &table[i], NULL);
			continue;
		}
		for (j = 0; j < count && n < max; j++)
			if (advertised(&table[j], KEY_ALG_AUTH) &&
			    table[j].id != SADB_X_AALG_NULL)
				set_comb(&combs[n++], &table[i], &table[j]);
	}
	return n;
}

static struct acquire *
find_acquire(struct keyd *k, uint8_t proto, uint8_t mode, uint32_t reqid,
    const struct sockaddr *src, const struct sockaddr *dst)
{
	struct acquire *acq;

	TAILQ_FOREACH(acq, &k->acquires, entry)
		if (acq->proto == proto && acq->mode == mode &&
		    acq->reqid == reqid &&
		    sockaddr_equal_addr(&acq->src.sa, src) &&
		    sockaddr_equal_addr(&acq->dst.sa, dst))
			return acq;
	return NULL;
}

static int
send_acquire(struct keyd *k, const struct acquire *acq,
    const struct policy *sp)
{
	struct sadb_comb combs[PROP_MAXCOMBS];
	struct key_buf b, pb;
	size_t ncombs;
	int rc = 0;

	key_buf_init(&b);
	key_buf_init(&pb);
	key_msg_begin(&b, SADB_ACQUIRE, key_proto_to_satype(acq->proto),
	    acq->seq, 0);
	key_msg_add_address(&b, SADB_EXT_ADDRESS_SRC, IPSEC_ULPROTO_ANY,
	    (uint8_t)key_sockaddr_bits(acq->src.sa.sa_family), &acq->src.sa);
	key_msg_add_address(&b, SADB_EXT_ADDRESS_DST, IPSEC_ULPROTO_ANY,
	    (uint8_t)key_sockaddr_bits(acq->dst.sa.sa_family), &acq->dst.sa);
	if (sp != NULL) {
		/* The policy header alone: type, direction and id. */
		key_policy_begin(&pb, sp->action, sp->dir, sp->scope, sp->id,
		    sp->priority);
		key_msg_add_policy(&b, pb.data, pb.len);
	}
	if (acq->reqid != 0)
		key_msg_add_sa2(&b, acq->mode, 0, acq->reqid);
	ncombs = build_proposal(acq->proto, combs, PROP_MAXCOMBS);
	key_msg_add_proposal(&b, PROP_REPLAY, combs, ncombs);
	if (key_msg_end(&b) == -1) {
		rc = errno;
		log_warn("cannot build SADB_ACQUIRE");
	} else {
		log_debug("SADB_ACQUIRE seq %u sent for %s", acq->seq,
		    key_satype_name(key_proto_to_satype(acq->proto)));
		deliver(k, NULL, TO_REGISTERED, b.data, b.len);
	}
	key_buf_free(&b);
	key_buf_free(&pb);
	return rc;
}

/*
 * Asks registered key managers for an SA of proto from src to dst with
 * mode and reqid, on behalf of the data plane (sp is the policy that
 * needs it) or of a user ACQUIRE (sp NULL).  Returns 0 or an errno value.
 */
int
keyd_acquire(struct keyd *k, uint8_t proto, uint8_t mode, uint32_t reqid,
    const struct sockaddr *src, const struct sockaddr *dst,
    const struct policy *sp)
{
	struct acquire *acq;
	size_t salen;

	if ((acq = find_acquire(k, proto, mode, reqid, src, dst)) != NULL) {
		if (acq->count <= KEYD_ACQ_COUNT) {
			acq->count++;
			return 0;
		}
		acq->count = 0;
		return send_acquire(k, acq, sp);
	}
	salen = src->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if (k->nacquires >= KEYD_ACQ_MAX ||
	    (acq = calloc(1, sizeof(*acq))) == NULL)
		return ENOBUFS;
	if (++k->acq_seq == 0)
		k->acq_seq = 1;
	acq->seq = k->acq_seq;
	acq->proto = proto;
	acq->mode = mode;
	acq->reqid = reqid;
	memcpy(&acq->src, src, salen);
	memcpy(&acq->dst, dst, salen);
	acq->created_mono = k->now_mono;
	TAILQ_INSERT_TAIL(&k->acquires, acq, entry);
	k->nacquires++;
	return send_acquire(k, acq, sp);
}

/* Forgets the pending ACQUIRE with sequence seq, now that an SA exists. */
void
keyd_acquire_done(struct keyd *k, uint32_t seq)
{
	struct acquire *acq;

	TAILQ_FOREACH(acq, &k->acquires, entry) {
		if (acq->seq == seq) {
			TAILQ_REMOVE(&k->acquires, acq, entry);
			k->nacquires--;
			free(acq);
			return;
		}
	}
}

/*
 * SADB_ACQUIRE from a client.  A bare header with a sequence number and
 * errno reports that the key manager failed to negotiate that ACQUIRE.
 * No reply is sent, and the pending entry is restarted so that no new
 * ACQUIRE goes out for it until it expires, as in FreeBSD's
 * key_acquire2().  A full message (SRC, DST, PROPOSAL, optionally SA2)
 * makes keyd send an ACQUIRE to the registered clients, or fails with
 * EEXIST if an SA between the addresses exists.
 */
int
pfkey_acquire(struct keyd *k, struct client *c, const struct key_msg *m)
{
	const struct sadb_x_sa2 *sa2 = (const void *)m->ext[SADB_X_EXT_SA2];
	struct sockaddr_storage src, dst;
	struct acquire *acq;
	uint8_t proto, mode = IPSEC_MODE_ANY;
	uint32_t reqid = 0;

	if (m->len == sizeof(struct sadb_msg)) {
		if (m->base->sadb_msg_seq == 0 || m->base->sadb_msg_errno == 0)
			return 0;
		log_info("key manager (client %llu) failed ACQUIRE seq %u: %s",
		    (unsigned long long)c->id, m->base->sadb_msg_seq,
		    strerror(m->base->sadb_msg_errno));
		TAILQ_FOREACH(acq, &k->acquires, entry) {
			if (acq->seq == m->base->sadb_msg_seq) {
				acq->created_mono = k->now_mono;
				acq->count = 0;
				break;
			}
		}
		return 0;
	}
	if ((proto = key_satype_to_proto(m->base->sadb_msg_satype)) == 0)
		return EINVAL;
	if (m->ext[SADB_EXT_ADDRESS_SRC] == NULL ||
	    m->ext[SADB_EXT_ADDRESS_DST] == NULL ||
	    m->ext[SADB_EXT_PROPOSAL] == NULL)
		return EINVAL;
	if (key_msg_address(m, SADB_EXT_ADDRESS_SRC, &src, NULL, NULL) == -1 ||
	    key_msg_address(m, SADB_EXT_ADDRESS_DST, &dst, NULL, NULL) == -1)
		return errno == EAFNOSUPPORT ? EAFNOSUPPORT : EINVAL;
	if (src.ss_family != dst.ss_family)
		return EINVAL;
	if (sad_head_exists(&k->sad, proto, (struct sockaddr *)&src,
	    (struct sockaddr *)&dst))
		return EEXIST;
	/* SA2 names the mode and reqid the SA is wanted for. */
	if (sa2 != NULL) {
		mode = sa2->sadb_x_sa2_mode;
		reqid = sa2->sadb_x_sa2_reqid;
	}
	return keyd_acquire(k, proto, mode, reqid, (struct sockaddr *)&src,
	    (struct sockaddr *)&dst, NULL);
}

/* Drops pending ACQUIREs older than KEYD_ACQ_LIFETIME seconds. */
void
keyd_acquire_tick(struct keyd *k)
{
	struct acquire *acq, *next;

	for (acq = TAILQ_FIRST(&k->acquires); acq != NULL; acq = next) {
		next = TAILQ_NEXT(acq, entry);
		if (k->now_mono - acq->created_mono > KEYD_ACQ_LIFETIME) {
			TAILQ_REMOVE(&k->acquires, acq, entry);
			k->nacquires--;
			free(acq);
		}
	}
}

void
keyd_acquire_clear(struct keyd *k)
{
	struct acquire *acq;

	while ((acq = TAILQ_FIRST(&k->acquires)) != NULL) {
		TAILQ_REMOVE(&k->acquires, acq, entry);
		free(acq);
	}
	k->nacquires = 0;
}
