/*
 * PF_KEY requests on security associations (GETSPI, UPDATE, ADD, DELETE,
 * GET, DUMP and FLUSH), with the checks and error codes of FreeBSD 14's
 * key_getspi(), key_update(), key_add(), key_setsaval(), key_delete(),
 * key_get(), key_dump() and key_flush().  Also the once-a-second lifetime
 * check that sends SADB_EXPIRE.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyd.h"

/* FreeBSD's net.key.spi_trycnt: random SPIs tried before giving up. */
#define SPI_TRIES		1000

/* The SA index a request names: protocol, addresses, mode and reqid. */
struct saidx {
	uint8_t proto;
	uint8_t mode;
	uint32_t reqid;
	struct sockaddr_storage src;
	struct sockaddr_storage dst;
};

static int	read_natt(const struct key_msg *, uint8_t, struct sa_natt **);

static const uint16_t reply_sa_exts[] = {
	SADB_EXT_SA, SADB_X_EXT_SA2, SADB_EXT_ADDRESS_SRC,
	SADB_EXT_ADDRESS_DST, SADB_EXT_LIFETIME_HARD, SADB_EXT_LIFETIME_SOFT,
	SADB_EXT_IDENTITY_SRC, SADB_EXT_IDENTITY_DST
};

static void
zero_port(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = 0;
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = 0;
}

/* Replaces the NAT-T settings of sa with natt, which sa then owns. */
static void
set_natt(struct sa *sa, struct sa_natt *natt)
{
	free(sa->natt);
	sa->natt = natt;
}

/* Reads SRC, DST and SA2 of m.  Returns 0 or an errno value. */
static int
read_saidx(const struct key_msg *m, struct saidx *x)
{
	const struct sadb_x_sa2 *sa2;

	memset(x, 0, sizeof(*x));
	x->proto = key_satype_to_proto(m->base->sadb_msg_satype);
	if (x->proto == 0)
		return EINVAL;
	if (m->ext[SADB_EXT_ADDRESS_SRC] == NULL ||
	    m->ext[SADB_EXT_ADDRESS_DST] == NULL)
		return EINVAL;
	if (key_msg_address(m, SADB_EXT_ADDRESS_SRC, &x->src, NULL,
	    NULL) == -1 ||
	    key_msg_address(m, SADB_EXT_ADDRESS_DST, &x->dst, NULL,
	    NULL) == -1)
		return errno == EAFNOSUPPORT ? EAFNOSUPPORT : EINVAL;
	if (x->src.ss_family != x->dst.ss_family)
		return EINVAL;
	zero_port(&x->src);
	zero_port(&x->dst);
	if ((sa2 = (const void *)m->ext[SADB_X_EXT_SA2]) != NULL) {
		x->mode = sa2->sadb_x_sa2_mode;
		x->reqid = sa2->sadb_x_sa2_reqid;
	}
	return 0;
}

/*
 * Rejects an SA2 mode other than any, transport or tunnel with EINVAL.
 * FreeBSD's key_add() and key_update() (main branch) store any mode
 * unchecked, which leaves an SA with a mode no policy request uses.
 */
static int
check_mode(const struct saidx *x)
{
	switch (x->mode) {
	case IPSEC_MODE_ANY:
	case IPSEC_MODE_TRANSPORT:
	case IPSEC_MODE_TUNNEL:
		return 0;
	default:
		log_debug("SA2 mode %u rejected: the mode must be 0 (any), "
		    "1 (transport) or 2 (tunnel)", x->mode);
		return EINVAL;
	}
}

/* Compares protocol and addresses, as FreeBSD's CMP_HEAD. */
static bool
match_head(const struct sa *sa, const struct saidx *x)
{
	return sa->proto == x->proto &&
	    sockaddr_equal_addr(&sa->src.sa,
	    (const struct sockaddr *)&x->src) &&
	    sockaddr_equal_addr(&sa->dst.sa,
	    (const struct sockaddr *)&x->dst);
}

/*
 * Compares as FreeBSD's CMP_MODE_REQID: a non-zero reqid in the request
 * must equal the SA's, and an SA mode other than any must equal the
 * request's.
 */
static bool
match_mode_reqid(const struct sa *sa, const struct saidx *x)
{
	if (x->reqid != 0 && sa->reqid != x->reqid)
		return false;
	if (sa->mode != IPSEC_MODE_ANY && sa->mode != x->mode)
		return false;
	return match_head(sa, x);
}

/*
 * Returns the TCP-MD5 SA between the addresses of x, the oldest mature or
 * dying one.  FreeBSD keeps one such SA per address pair and finds it by
 * the addresses whatever SPI a request names (key_getsav_tcpmd5()).
 */
static struct sa *
find_tcpmd5(struct keyd *k, const struct saidx *x)
{
	struct sa *sa, *best = NULL;

	for (sa = sad_chain_head(&k->sad, x->proto,
	    (const struct sockaddr *)&x->src,
	    (const struct sockaddr *)&x->dst); sa != NULL; sa = sa->idx_next) {
		if ((sa->state == SADB_SASTATE_MATURE ||
		    sa->state == SADB_SASTATE_DYING) && match_head(sa, x) &&
		    (best == NULL || sa->serial < best->serial))
			best = sa;
	}
	return best;
}

/* Finds the SA a GET or DELETE names: by SPI, or TCP-MD5 by addresses. */
static struct sa *
find_named(struct keyd *k, const struct saidx *x, const struct sadb_sa *sa0)
{
	struct sa *sa;

	if (x->proto == IPPROTO_TCP)
		return find_tcpmd5(k, x);
	sa = sad_lookup_spi(&k->sad, ntohl(sa0->sadb_sa_spi));
	return sa != NULL && match_head(sa, x) ? sa : NULL;
}

/* HARD and SOFT lifetimes come together or not at all. */
static bool
lifetimes_paired(const struct key_msg *m)
{
	return (m->ext[SADB_EXT_LIFETIME_HARD] == NULL) ==
	    (m->ext[SADB_EXT_LIFETIME_SOFT] == NULL);
}

static void
read_lifetime(const struct sadb_ext *ext, struct sa_lifetime *l)
{
	const struct sadb_lifetime *lt = (const void *)ext;

	l->allocations = lt->sadb_lifetime_allocations;
	l->bytes = lt->sadb_lifetime_bytes;
	l->addtime = lt->sadb_lifetime_addtime;
	l->usetime = lt->sadb_lifetime_usetime;
}

/* Formats "esp SPI 0x00002710 192.168.0.3->192.168.0.5" for logs. */
static const char *
sa_describe(const struct sa *sa, char *buf, size_t len)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	const void *s, *d;

	if (sa->src.sa.sa_family == AF_INET6) {
		s = &sa->src.sin6.sin6_addr;
		d = &sa->dst.sin6.sin6_addr;
	} else {
		s = &sa->src.sin.sin_addr;
		d = &sa->dst.sin.sin_addr;
	}
	if (inet_ntop(sa->src.sa.sa_family, s, src, sizeof(src)) == NULL)
		strcpy(src, "?");
	if (inet_ntop(sa->dst.sa.sa_family, d, dst, sizeof(dst)) == NULL)
		strcpy(dst, "?");
	snprintf(buf, len, "%s SPI 0x%08x %s->%s",
	    key_satype_name(sa->satype), sa->spi, src, dst);
	return buf;
}

/*
 * Logs an SA's change with -v only: loading 100,000 SAs would otherwise
 * write 100,000 lines to syslog.
 */
static void
log_sa(const struct sa *sa, const char *event)
{
	char desc[128];

	if (log_getverbose() < 1)
		return;
	log_debug("SA %s: %s", sa_describe(sa, desc, sizeof(desc)), event);
}

/* Checks the algorithms and keys of an ESP SA, as FreeBSD's esp_init(). */
static int
check_esp(const struct sa *sa)
{
	const struct key_alg *enc, *auth;

	if ((sa->flags & (SADB_X_EXT_OLD | SADB_X_EXT_DERIV)) ==
	    (SADB_X_EXT_OLD | SADB_X_EXT_DERIV))
		return EINVAL;
	if ((sa->flags & (SADB_X_EXT_OLD | SADB_X_EXT_IV4B)) ==
	    SADB_X_EXT_IV4B)
		return EINVAL;
	if ((enc = key_alg_byid(KEY_ALG_ENC, sa->enc)) == NULL ||
	    !sa->key_enc.present ||
	    !key_alg_keybits_ok(enc, sa->key_enc.bits))
		return EINVAL;
	if (sa->auth == SADB_AALG_NONE)
		return 0;
	/* Combined-mode ciphers bring their own integrity check. */
	if (enc->flags & KEY_ALGF_AEAD)
		return EINVAL;
	/* -A null sends no key, and FreeBSD's ah_init0() needs one. */
	if ((auth = key_alg_byid(KEY_ALG_AUTH, sa->auth)) == NULL ||
	    !sa->key_auth.present ||
	    !key_alg_keybits_ok(auth, sa->key_auth.bits))
		return EINVAL;
	return 0;
}

/* Checks an AH or TCP-MD5 SA, which needs exactly an integrity key. */
static int
check_auth_only(const struct sa *sa)
{
	const struct key_alg *auth;

	if (sa->satype == SADB_SATYPE_AH &&
	    ((sa->flags & SADB_X_EXT_DERIV) || sa->enc != SADB_EALG_NONE))
		return EINVAL;
	if (sa->satype == SADB_X_SATYPE_TCPSIGNATURE &&
	    sa->enc != SADB_EALG_NONE)
		return EINVAL;
	if ((auth = key_alg_byid(KEY_ALG_AUTH, sa->auth)) == NULL ||
	    !sa->key_auth.present ||
	    !key_alg_keybits_ok(auth, sa->key_auth.bits))
		return EINVAL;
	return 0;
}

static int
check_ipcomp(const struct sa *sa)
{
	if (sa->auth != SADB_AALG_NONE)
		return EINVAL;
	if ((sa->flags & SADB_X_EXT_RAWCPI) == 0 && sa->spi >= 0x10000)
		return EINVAL;
	/* FreeBSD's kernel implements deflate only, not oui or lzs. */
	if (sa->enc != SADB_X_CALG_DEFLATE)
		return EINVAL;
	return 0;
}

/* Copies the key extensions of m into sa, as key_setsaval() accepts them. */
static int
read_keys(struct sa *sa, const struct key_msg *m)
{
	const uint8_t *key;
	unsigned int bits;

	if (m->ext[SADB_EXT_KEY_AUTH] != NULL) {
		key = key_msg_key(m, SADB_EXT_KEY_AUTH, &bits);
		if (sa->satype == SADB_X_SATYPE_IPCOMP)
			return EINVAL;
		if (bits == 0 && sa->auth != SADB_X_AALG_NULL)
			return EINVAL;
		if (sa_set_key(&sa->key_auth, key, bits) == -1)
			return ENOBUFS;
	}
	if (m->ext[SADB_EXT_KEY_ENCRYPT] != NULL) {
		key = key_msg_key(m, SADB_EXT_KEY_ENCRYPT, &bits);
		switch (sa->satype) {
		case SADB_SATYPE_ESP:
			if (bits == 0 && sa->enc != SADB_EALG_NULL)
				return EINVAL;
			if (sa_set_key(&sa->key_enc, key, bits) == -1)
				return ENOBUFS;
			break;
		case SADB_X_SATYPE_IPCOMP:
			if (bits != 0)
				return EINVAL;
			break;
		default:
			return EINVAL;
		}
	}
	return 0;
}

/*
 * Sets everything but the SA index from an ADD or UPDATE: algorithms,
 * flags, replay window, keys and lifetimes, then checks them as FreeBSD's
 * key_setsaval() and the transforms' init functions do.  Returns 0 or an
 * errno value; on failure the caller frees the keys.
 */
static int
set_sa_values(struct keyd *k, struct sa *sa, const struct key_msg *m)
{
	const struct sadb_sa *sa0 = (const void *)m->ext[SADB_EXT_SA];
	const struct sadb_x_sa_replay *rp;
	struct sa_natt *natt;
	int error;

	sa->auth = sa0->sadb_sa_auth;
	sa->enc = sa0->sadb_sa_encrypt;
	sa->flags = sa0->sadb_sa_flags;
	if (sa->flags & ~(uint32_t)SADB_X_EXT_FLAGMASK)
		return EINVAL;
	if ((rp = (const void *)m->ext[SADB_X_EXT_SA_REPLAY]) != NULL) {
		if (rp->sadb_x_sa_replay_replay > UINT32_MAX - 32)
			return EINVAL;
		sa->replay = (rp->sadb_x_sa_replay_replay + 7) >> 3;
	} else
		sa->replay = sa0->sadb_sa_replay;
	/*
	 * FreeBSD allocates the window's bitmap with the SA and returns
	 * ENOBUFS when the kernel cannot spare it.  keyd allocates it when
	 * the first packet arrives, so it applies a fixed limit at once.
	 */
	if (sa->replay > KEYD_REPLAY_MAX_BYTES) {
		log_warnx("SA SPI 0x%08x rejected: a replay window of %u "
		    "bytes is over keyd's limit of %u bytes (%u packets)",
		    sa->spi, sa->replay, KEYD_REPLAY_MAX_BYTES,
		    KEYD_REPLAY_MAX_BYTES * 8);
		return ENOBUFS;
	}

	/* SPIs 1 to 255 are reserved and 0 is for local use (RFC 4302). */
	if ((sa->proto == IPSEC_PROTO_ESP || sa->proto == IPSEC_PROTO_AH) &&
	    sa->spi <= 255)
		return EINVAL;

	if ((error = read_keys(sa, m)) != 0 ||
	    (error = read_natt(m, sa->satype, &natt)) != 0)
		return error;
	if (natt != NULL)
		set_natt(sa, natt);

	sa->has_lifetime = false;
	memset(&sa->hard, 0, sizeof(sa->hard));
	memset(&sa->soft, 0, sizeof(sa->soft));
	if (m->ext[SADB_EXT_LIFETIME_HARD] != NULL &&
	    m->ext[SADB_EXT_LIFETIME_SOFT] != NULL) {
		read_lifetime(m->ext[SADB_EXT_LIFETIME_HARD], &sa->hard);
		read_lifetime(m->ext[SADB_EXT_LIFETIME_SOFT], &sa->soft);
		sa->has_lifetime = true;
	}

	switch (sa->satype) {
	case SADB_SATYPE_ESP:
		error = check_esp(sa);
		break;
	case SADB_SATYPE_AH:
	case SADB_X_SATYPE_TCPSIGNATURE:
		error = check_auth_only(sa);
		break;
	case SADB_X_SATYPE_IPCOMP:
		error = check_ipcomp(sa);
		break;
	default:
		error = EPROTONOSUPPORT;
		break;
	}
	if (error != 0)
		return error;

	sa->created = k->now;
	sa->created_mono = k->now_mono;
	sa->firstused = 0;
	sa->firstused_mono = 0;
	return 0;
}

static void
fill_index(struct keyd *k, struct sa *sa, const struct key_msg *m,
    const struct saidx *x, uint32_t spi)
{
	sa->spi = spi;
	sa->satype = m->base->sadb_msg_satype;
	sa->proto = x->proto;
	sa->mode = x->mode;
	sa->reqid = x->reqid;
	sockaddr_union_set(&sa->src, (const struct sockaddr *)&x->src);
	sockaddr_union_set(&sa->dst, (const struct sockaddr *)&x->dst);
	sa->msg_seq = m->base->sadb_msg_seq;
	sa->pid = m->base->sadb_msg_pid;
	sa->created = k->now;
	sa->created_mono = k->now_mono;
}

static int
reply_all(struct keyd *k, struct client *c, const struct key_msg *m,
    const uint16_t *types, size_t ntypes)
{
	struct key_buf b;

	key_buf_init(&b);
	if (pfkey_gather(&b, m, types, ntypes) == -1) {
		key_buf_free(&b);
		return ENOBUFS;
	}
	pfkey_send_buf(k, c, TO_ALL, &b);
	return 0;
}

/* Picks a free SPI in [min, max].  Returns it, or 0 if none was found. */
static uint32_t
pick_spi(struct keyd *k, uint32_t min, uint32_t max)
{
	uint32_t spi;
	int i;

	if (min == max)
		return sad_lookup_spi(&k->sad, min) == NULL ? min : 0;
	for (i = 0; i < SPI_TRIES; i++) {
		if (max - min == UINT32_MAX)
			spi = arc4random();
		else
			spi = min + arc4random_uniform(max - min + 1);
		if (spi != 0 && sad_lookup_spi(&k->sad, spi) == NULL)
			return spi;
	}
	return 0;
}

/*
 * SADB_GETSPI: allocates an SPI from SPIRANGE (default 0x100-0x0fffffff;
 * IPComp CPIs are 16 bits) and creates a larval SA holding it.  A single
 * requested SPI that is taken, or no free SPI found, gives EEXIST.
 */
int
pfkey_getspi(struct keyd *k, struct client *c, const struct key_msg *m)
{
	const struct sadb_spirange *range;
	struct key_buf b;
	struct saidx x;
	struct sa *sa;
	uint32_t min = KEYD_SPI_MIN, max = KEYD_SPI_MAX, spi, t;
	int error;

	if ((error = read_saidx(m, &x)) != 0)
		return error;
	if ((error = check_mode(&x)) != 0)
		return error;
	if ((range = (const void *)m->ext[SADB_EXT_SPIRANGE]) != NULL) {
		min = range->sadb_spirange_min;
		max = range->sadb_spirange_max;
	}
	if (x.proto == IPSEC_PROTO_IPCOMP) {
		if (min >= 0x10000)
			min = 0xffff;
		if (max >= 0x10000)
			max = 0xffff;
	}
	if (min > max) {
		t = min;
		min = max;
		max = t;
	}
	/* SPIs 1 to 255 are reserved and 0 is for local use (RFC 4302). */
	if (x.proto == IPSEC_PROTO_ESP || x.proto == IPSEC_PROTO_AH) {
		if (max <= 255)
			return EINVAL;
		if (min <= 255)
			min = 256;
	}
	if ((spi = pick_spi(k, min, max)) == 0)
		return EEXIST;
	if ((sa = sad_new(&k->sad)) == NULL)
		return ENOBUFS;
	fill_index(k, sa, m, &x, spi);
	sa->state = SADB_SASTATE_LARVAL;
	if (sad_insert(&k->sad, sa) == -1) {
		sa_free(sa);
		return ENOBUFS;
	}
	log_sa(sa, "larval SA created by GETSPI");

	key_buf_init(&b);
	key_msg_begin(&b, SADB_GETSPI, m->base->sadb_msg_satype,
	    m->base->sadb_msg_seq, m->base->sadb_msg_pid);
	key_msg_add_sa(&b, spi, 0, 0, 0, 0, 0);
	key_msg_add_raw(&b, SADB_EXT_ADDRESS_SRC,
	    (const uint8_t *)m->ext[SADB_EXT_ADDRESS_SRC] + 4,
	    PFKEY_UNUNIT64(m->ext[SADB_EXT_ADDRESS_SRC]->sadb_ext_len) - 4);
	key_msg_add_raw(&b, SADB_EXT_ADDRESS_DST,
	    (const uint8_t *)m->ext[SADB_EXT_ADDRESS_DST] + 4,
	    PFKEY_UNUNIT64(m->ext[SADB_EXT_ADDRESS_DST]->sadb_ext_len) - 4);
	if (key_msg_end(&b) == -1) {
		key_buf_free(&b);
		return ENOBUFS;
	}
	pfkey_send_buf(k, c, TO_SENDER, &b);
	return 0;
}

/*
 * Reads ESP-in-UDP settings (NAT_T_TYPE, _SPORT, _DPORT and the optional
 * original addresses _OAI and _OAR) of an SA of satype when m has a
 * NAT_T_TYPE, as FreeBSD's key_setnatt() accepts them: ESP only, type
 * ESP-in-UDP, both ports present and not 0.  Sets *nattp to the settings
 * in a new allocation, or to NULL when m has no NAT_T_TYPE.  Returns 0,
 * EINVAL or ENOBUFS.
 */
static int
read_natt(const struct key_msg *m, uint8_t satype, struct sa_natt **nattp)
{
	const struct sadb_x_nat_t_type *t =
	    (const void *)m->ext[SADB_X_EXT_NAT_T_TYPE];
	const struct sadb_x_nat_t_port *sport =
	    (const void *)m->ext[SADB_X_EXT_NAT_T_SPORT];
	const struct sadb_x_nat_t_port *dport =
	    (const void *)m->ext[SADB_X_EXT_NAT_T_DPORT];
	struct sockaddr_storage oai, oar;
	struct sa_natt *natt;

	*nattp = NULL;
	if (t == NULL)
		return 0;
	if (satype != SADB_SATYPE_ESP ||
	    t->sadb_x_nat_t_type_type != UDP_ENCAP_ESPINUDP ||
	    sport == NULL || dport == NULL ||
	    sport->sadb_x_nat_t_port_port == 0 ||
	    dport->sadb_x_nat_t_port_port == 0)
		return EINVAL;
	if ((m->ext[SADB_X_EXT_NAT_T_OAI] != NULL &&
	    key_msg_address(m, SADB_X_EXT_NAT_T_OAI, &oai, NULL, NULL) == -1) ||
	    (m->ext[SADB_X_EXT_NAT_T_OAR] != NULL &&
	    key_msg_address(m, SADB_X_EXT_NAT_T_OAR, &oar, NULL, NULL) == -1))
		return EINVAL;
	if ((natt = calloc(1, sizeof(*natt))) == NULL)
		return ENOBUFS;
	natt->type = t->sadb_x_nat_t_type_type;
	natt->sport = ntohs(sport->sadb_x_nat_t_port_port);
	natt->dport = ntohs(dport->sadb_x_nat_t_port_port);
	if (m->ext[SADB_X_EXT_NAT_T_OAI] != NULL) {
		natt->has_oai = true;
		sockaddr_union_set(&natt->oai, (const struct sockaddr *)&oai);
	}
	if (m->ext[SADB_X_EXT_NAT_T_OAR] != NULL) {
		natt->has_oar = true;
		sockaddr_union_set(&natt->oar, (const struct sockaddr *)&oar);
	}
	*nattp = natt;
	return 0;
}

/* Reads a NEW_ADDRESS extension into *u if m has it.  Returns 0 or errno. */
static int
read_new_address(const struct key_msg *m, uint16_t exttype,
    union sockaddr_union *u)
{
	struct sockaddr_storage ss;

	if (m->ext[exttype] == NULL)
		return 0;
	if (key_msg_address(m, exttype, &ss, NULL, NULL) == -1)
		return errno == EAFNOSUPPORT ? EAFNOSUPPORT : EINVAL;
	zero_port(&ss);
	sockaddr_union_set(u, (const struct sockaddr *)&ss);
	return 0;
}

/* Applies an UPDATE to a larval SA, which then becomes mature. */
static int
update_larval(struct keyd *k, struct sa *sa, const struct key_msg *m)
{
	struct sa tmp;
	int error;

	if ((sa->satype == SADB_SATYPE_ESP &&
	    m->ext[SADB_EXT_KEY_ENCRYPT] == NULL) ||
	    (sa->satype == SADB_SATYPE_AH &&
	    m->ext[SADB_EXT_KEY_AUTH] == NULL))
		return EINVAL;

	/*
	 * Work on a copy so that a rejected UPDATE leaves the SA as it was.
	 * The copy gets keys and NAT-T settings of its own, or none.
	 */
	tmp = *sa;
	memset(&tmp.key_auth, 0, sizeof(tmp.key_auth));
	memset(&tmp.key_enc, 0, sizeof(tmp.key_enc));
	tmp.natt = NULL;
	if ((error = set_sa_values(k, &tmp, m)) != 0) {
		sa_wipe_key(&tmp.key_auth);
		sa_wipe_key(&tmp.key_enc);
		free(tmp.natt);
		key_wipe(&tmp, sizeof(tmp));
		return error;
	}
	sa_wipe_key(&sa->key_auth);
	sa_wipe_key(&sa->key_enc);
	if (tmp.natt == NULL)
		tmp.natt = sa->natt;
	else
		free(sa->natt);
	/* The links in tmp are unchanged: nothing touched the SAD since. */
	*sa = tmp;
	key_wipe(&tmp, sizeof(tmp));
	sa->state = SADB_SASTATE_MATURE;
	log_sa(sa, "updated, now mature");
	return 0;
}

/*
 * Applies an UPDATE to a mature or dying SA.  Keys cannot change, but
 * lifetimes, NAT-T settings and, as a FreeBSD extension to RFC 2367 for
 * MOBIKE (RFC 4555), the addresses (X_NEW_ADDRESS_SRC and _DST) can.
 */
static int
update_mature(struct keyd *k, struct sa *sa, const struct key_msg *m)
{
	union sockaddr_union src = sa->src, dst = sa->dst;
	struct sa_natt *natt;
	int error;

	if (m->ext[SADB_EXT_KEY_ENCRYPT] != NULL ||
	    m->ext[SADB_EXT_KEY_AUTH] != NULL)
		return EINVAL;
	if ((error = read_new_address(m, SADB_X_EXT_NEW_ADDRESS_SRC,
	    &src)) != 0 ||
	    (error = read_new_address(m, SADB_X_EXT_NEW_ADDRESS_DST,
	    &dst)) != 0)
		return error;
	if (src.sa.sa_family != dst.sa.sa_family)
		return EINVAL;
	if ((error = read_natt(m, sa->satype, &natt)) != 0)
		return error;

	if (m->ext[SADB_EXT_LIFETIME_HARD] != NULL) {
		read_lifetime(m->ext[SADB_EXT_LIFETIME_HARD], &sa->hard);
		read_lifetime(m->ext[SADB_EXT_LIFETIME_SOFT], &sa->soft);
		sa->has_lifetime = true;
	}
	if (natt != NULL)
		set_natt(sa, natt);
	if (!sockaddr_equal_addr(&src.sa, &sa->src.sa) ||
	    !sockaddr_equal_addr(&dst.sa, &sa->dst.sa)) {
		sad_move(&k->sad, sa, &src, &dst);
		log_sa(sa, "moved to new addresses");
	}
	if (sa->state == SADB_SASTATE_DYING)
		sa->state = SADB_SASTATE_MATURE;
	log_sa(sa, "updated");
	return 0;
}

/*
 * SADB_UPDATE: completes a larval SA made by GETSPI, or changes the
 * lifetimes of a mature or dying one.  Only the process that created the
 * SA may update it, so another pid gets EINVAL, as does an unknown SPI.
 * An SA index that does not match gives ESRCH.  The reply, the request without keys,
 * goes to every client.
 */
int
pfkey_update(struct keyd *k, struct client *c, const struct key_msg *m)
{
	const struct sadb_sa *sa0 = (const void *)m->ext[SADB_EXT_SA];
	struct saidx x;
	struct sa *sa;
	int error;

	if (sa0 == NULL || !lifetimes_paired(m))
		return EINVAL;
	if ((error = read_saidx(m, &x)) != 0)
		return error;
	if ((error = check_mode(&x)) != 0)
		return error;
	if ((sa = sad_lookup_spi(&k->sad, ntohl(sa0->sadb_sa_spi))) == NULL)
		return EINVAL;
	if (sa->pid != m->base->sadb_msg_pid)
		return EINVAL;
	if (!match_mode_reqid(sa, &x))
		return ESRCH;
	if (sa->state == SADB_SASTATE_LARVAL)
		error = update_larval(k, sa, m);
	else
		error = update_mature(k, sa, m);
	sad_watch_update(&k->sad, sa);
	if (error != 0)
		return error;
	if (m->base->sadb_msg_seq != 0)
		keyd_acquire_done(k, m->base->sadb_msg_seq);
	return reply_all(k, c, m, reply_sa_exts, nitems(reply_sa_exts));
}

/*
 * SADB_ADD: creates a mature SA.  SPIs are unique across the SAD (EEXIST).
 * The reply, the request without keys, goes to every client.
 */
int
pfkey_add(struct keyd *k, struct client *c, const struct key_msg *m)
{
	const struct sadb_sa *sa0 = (const void *)m->ext[SADB_EXT_SA];
	uint8_t satype = m->base->sadb_msg_satype;
	struct saidx x;
	struct sa *sa;
	uint32_t spi;
	int error;

	if (sa0 == NULL || !lifetimes_paired(m) ||
	    (satype == SADB_SATYPE_ESP &&
	    m->ext[SADB_EXT_KEY_ENCRYPT] == NULL) ||
	    (satype == SADB_SATYPE_AH && m->ext[SADB_EXT_KEY_AUTH] == NULL))
		return EINVAL;
	if ((error = read_saidx(m, &x)) != 0)
		return error;
	if ((error = check_mode(&x)) != 0)
		return error;
	spi = ntohl(sa0->sadb_sa_spi);
	if (x.proto == IPPROTO_TCP) {
		/* One TCP-MD5 SA per address pair; its SPI only has to be free. */
		if (find_tcpmd5(k, &x) != NULL)
			return EEXIST;
		if (sad_lookup_spi(&k->sad, spi) != NULL &&
		    (spi = pick_spi(k, KEYD_SPI_MIN, KEYD_SPI_MAX)) == 0)
			return EEXIST;
	} else if (sad_lookup_spi(&k->sad, spi) != NULL)
		return EEXIST;
	if ((sa = sad_new(&k->sad)) == NULL)
		return ENOBUFS;
	fill_index(k, sa, m, &x, spi);
	if ((error = set_sa_values(k, sa, m)) != 0) {
		sa_free(sa);
		return error;
	}
	sa->state = SADB_SASTATE_MATURE;
	if (sad_insert(&k->sad, sa) == -1) {
		sa_free(sa);
		return ENOBUFS;
	}
	log_sa(sa, "added");
	if (m->base->sadb_msg_seq != 0)
		keyd_acquire_done(k, m->base->sadb_msg_seq);
	return reply_all(k, c, m, reply_sa_exts, nitems(reply_sa_exts));
}

/* Removes sa from the SAD, wipes and frees it; logs why unless NULL. */
void
keyd_sa_delete(struct keyd *k, struct sa *sa, const char *why)
{
	if (why != NULL)
		log_sa(sa, why);
	sad_remove(&k->sad, sa);
	sa_free(sa);
}

/*
 * SADB_DELETE.  With an SA extension it deletes that SPI, which must have
 * the protocol and addresses given (ESRCH otherwise).  Without one it
 * deletes every SA but larval ones from SRC to DST of the protocol, and
 * succeeds even if there are none.
 */
int
pfkey_delete(struct keyd *k, struct client *c, const struct key_msg *m)
{
	static const uint16_t one[] = {
		SADB_EXT_SA, SADB_EXT_ADDRESS_SRC, SADB_EXT_ADDRESS_DST
	};
	static const uint16_t all[] = {
		SADB_EXT_ADDRESS_SRC, SADB_EXT_ADDRESS_DST
	};
	const struct sadb_sa *sa0 = (const void *)m->ext[SADB_EXT_SA];
	struct sa *sa, *next;
	struct saidx x;
	int error;

	if ((error = read_saidx(m, &x)) != 0)
		return error;
	if (sa0 == NULL) {
		for (sa = sad_chain_head(&k->sad, x.proto,
		    (struct sockaddr *)&x.src, (struct sockaddr *)&x.dst);
		    sa != NULL; sa = next) {
			next = sa->idx_next;
			if (sa->state != SADB_SASTATE_LARVAL &&
			    match_head(sa, &x))
				keyd_sa_delete(k, sa, "deleted");
		}
		return reply_all(k, c, m, all, nitems(all));
	}
	if ((sa = find_named(k, &x, sa0)) == NULL)
		return ESRCH;
	keyd_sa_delete(k, sa, "deleted");
	return reply_all(k, c, m, one, nitems(one));
}

/* SADB_GET: the full SA, keys included, to the sender; ESRCH if none. */
int
pfkey_get(struct keyd *k, struct client *c, const struct key_msg *m)
{
	const struct sadb_sa *sa0 = (const void *)m->ext[SADB_EXT_SA];
	struct key_buf b;
	struct saidx x;
	struct sa *sa;
	int error;

	if (sa0 == NULL)
		return EINVAL;
	if ((error = read_saidx(m, &x)) != 0)
		return error;
	if ((sa = find_named(k, &x, sa0)) == NULL)
		return ESRCH;
	key_buf_init(&b);
	if (msg_sa(&b, sa, SADB_GET, sa->satype, m->base->sadb_msg_seq,
	    m->base->sadb_msg_pid) == -1) {
		key_buf_free(&b);
		return ENOBUFS;
	}
	pfkey_send_buf(k, c, TO_SENDER, &b);
	return 0;
}

static struct sa *
next_matching(struct sa *sa, uint8_t satype)
{
	while (sa != NULL && !sa_matches_satype(sa, satype))
		sa = TAILQ_NEXT(sa, entry);
	return sa;
}

/*
 * SADB_DUMP: one DUMP message per SA of the satype (all for 0), newest
 * first, larval ones included, with sequence numbers counting down to 0;
 * ENOENT when there are none.  The messages are produced as the client's
 * queue drains (client_fill()).
 */
int
pfkey_dump(struct keyd *k, struct client *c, const struct key_msg *m)
{
	uint8_t satype = m->base->sadb_msg_satype;
	size_t count;

	count = sad_count_satype(&k->sad, satype);
	if (count == 0)
		return ENOENT;
	dump_cancel(c);
	c->dump.kind = DUMP_SAD;
	c->dump.satype = satype;
	c->dump.pid = m->base->sadb_msg_pid;
	c->dump.remaining = (uint32_t)count;
	c->dump.next = next_matching(TAILQ_FIRST(&k->sad.list), satype);
	client_fill(k, c);
	return 0;
}

/* Sends sa as the DUMP message with sequence number seq. */
static int
send_dump_sa(struct keyd *k, struct client *c, const struct sa *sa,
    uint32_t seq)
{
	struct key_buf b;
	uint8_t satype;

	satype = c->dump.satype != SADB_SATYPE_UNSPEC ? c->dump.satype :
	    sa->satype;
	key_buf_init(&b);
	if (msg_sa(&b, sa, SADB_DUMP, satype, seq, c->dump.pid) == -1) {
		log_warn("client %llu: SAD dump abandoned",
		    (unsigned long long)c->id);
		key_buf_free(&b);
		return -1;
	}
	pfkey_send_buf(k, c, TO_SENDER, &b);
	return 0;
}

/*
 * Sends the next message of c's SAD dump.  Returns 1 if one was sent, 0
 * when the dump is over, -1 if building the message failed (the dump is
 * then abandoned).
 */
int
pfkey_dump_next_sa(struct keyd *k, struct client *c)
{
	struct dump_cursor *d = &c->dump;
	struct sa *sa = d->next;

	if (sa == NULL || d->remaining == 0) {
		dump_cancel(c);
		return 0;
	}
	d->remaining--;
	d->next = next_matching(TAILQ_NEXT(sa, entry), d->satype);
	if (send_dump_sa(k, c, sa, d->remaining) == -1) {
		dump_cancel(c);
		return -1;
	}
	if (d->remaining == 0)
		dump_cancel(c);
	return 1;
}

/*
 * The SAD's removal hook: moves every SAD dump cursor past sa and, when sa
 * was still to be sent, lowers the count so the last message keeps
 * sequence number 0.  The list is newest first, so sa is still to be sent
 * exactly when it is not newer than the cursor's next SA.  When sa is the
 * last one to be sent it is sent now, because readers such as setkey wait
 * for the message with sequence 0.
 */
void
pfkey_sa_removed(struct sa *sa, void *arg)
{
	struct keyd *k = arg;
	struct client *c;
	struct dump_cursor *d;

	TAILQ_FOREACH(c, &k->clients, entry) {
		d = &c->dump;
		if (d->kind != DUMP_SAD || d->next == NULL ||
		    !sa_matches_satype(sa, d->satype) ||
		    sa->serial > d->next->serial)
			continue;
		if (d->remaining <= 1) {
			send_dump_sa(k, c, sa, 0);
			dump_cancel(c);
			continue;
		}
		if (d->next == sa)
			d->next = next_matching(TAILQ_NEXT(sa, entry),
			    d->satype);
		d->remaining--;
		if (d->next == NULL)
			dump_cancel(c);
	}
}

/*
 * SADB_FLUSH: removes every SA of the satype (all for 0), wiping keys;
 * the reply is the bare header, to every client.
 */
int
pfkey_flush(struct keyd *k, struct client *c, const struct key_msg *m)
{
	uint8_t satype = m->base->sadb_msg_satype;
	struct sadb_msg hdr;
	struct sa *sa, *next;
	size_t n = 0;

	for (sa = TAILQ_FIRST(&k->sad.list); sa != NULL; sa = next) {
		next = TAILQ_NEXT(sa, entry);
		if (!sa_matches_satype(sa, satype))
			continue;
		keyd_sa_delete(k, sa, NULL);
		n++;
	}
	if (n > 0)
		log_info("SAD flushed: %zu%s%s SAs deleted", n,
		    satype == SADB_SATYPE_UNSPEC ? "" : " ",
		    satype == SADB_SATYPE_UNSPEC ? "" :
		    key_satype_name(satype));
	memcpy(&hdr, m->base, sizeof(hdr));
	hdr.sadb_msg_errno = 0;
	hdr.sadb_msg_len = (uint16_t)PFKEY_UNIT64(sizeof(hdr));
	deliver(k, c, TO_ALL, &hdr, sizeof(hdr));
	return 0;
}

static bool
limit_reached(const struct sa *sa, const struct sa_lifetime *l,
    uint64_t now)
{
	if (l->addtime != 0 && now - sa->created_mono > l->addtime)
		return true;
	if (l->usetime != 0 && sa->firstused != 0 &&
	    now - sa->firstused_mono > l->usetime)
		return true;
	if (l->bytes != 0 && sa->bytes > l->bytes)
		return true;
	if (l->allocations != 0 && sa->allocations > l->allocations)
		return true;
	return false;
}

static void
send_expire(struct keyd *k, struct sa *sa, bool hard)
{
	struct key_buf b;

	key_buf_init(&b);
	if (msg_expire(&b, sa, hard) == -1) {
		log_warn("SA SPI 0x%08x: cannot build SADB_EXPIRE", sa->spi);
		key_buf_free(&b);
		return;
	}
	pfkey_send_buf(k, NULL, TO_REGISTERED, &b);
}

/*
 * The once-a-second SAD check, over the SAs on the watch list.  Larval
 * SAs older than 30 s are deleted without a message.  An SA past a hard
 * limit is reported in a hard SADB_EXPIRE and deleted.  A mature SA past
 * a soft limit becomes dying and is reported in a soft SADB_EXPIRE.
 * Expiry messages go to registered clients.
 */
void
keyd_sad_tick(struct keyd *k)
{
	struct sa *sa, *next;
	uint64_t now = k->now_mono;

	for (sa = TAILQ_FIRST(&k->sad.watch); sa != NULL; sa = next) {
		next = TAILQ_NEXT(sa, watch_entry);
		if (sa->state == SADB_SASTATE_LARVAL) {
			if (now - sa->created_mono > KEYD_LARVAL_LIFETIME)
				keyd_sa_delete(k, sa,
				    "larval SA expired, deleted");
			continue;
		}
		if (sa->has_lifetime && limit_reached(sa, &sa->hard, now)) {
			sa->state = SADB_SASTATE_DEAD;
			send_expire(k, sa, true);
			keyd_sa_delete(k, sa, "hard lifetime expired, deleted");
			continue;
		}
		if (sa->state == SADB_SASTATE_MATURE &&
		    ((sa->has_lifetime && limit_reached(sa, &sa->soft, now)) ||
		    ((sa->flags & SADB_X_SAFLAGS_ESN) == 0 &&
		    sa->seq >= SEQ_SOFT_LIMIT))) {
			sa->state = SADB_SASTATE_DYING;
			send_expire(k, sa, false);
			log_sa(sa, "soft lifetime expired, now dying");
		}
		sad_watch_update(&k->sad, sa);
	}
}
