/*
 * Building PF_KEYv2 messages one extension at a time.
 */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <errno.h>
#include <string.h>

#include "libkey.h"
#include "key_private.h"

/* Largest extension: sadb_ext_len is 16 bits of 8-byte units. */
#define EXT_MAXLEN	(0xffffu * 8)

/*
 * Appends an extension of len bytes (padded to 8) with its length and
 * type filled in, and returns it zeroed past the sadb_ext header.
 */
static uint8_t *
add_ext(struct key_buf *b, uint16_t exttype, size_t len)
{
	struct sadb_ext ext;
	uint8_t *p;

	if (b->len < sizeof(struct sadb_msg)) {
		key_buf_set_error(b, EINVAL);
		return NULL;
	}
	len = PFKEY_ALIGN8(len);
	if (len > EXT_MAXLEN) {
		key_buf_set_error(b, EMSGSIZE);
		return NULL;
	}
	if ((p = key_buf_append(b, len)) == NULL)
		return NULL;
	ext.sadb_ext_len = (uint16_t)PFKEY_UNIT64(len);
	ext.sadb_ext_type = exttype;
	memcpy(p, &ext, sizeof(ext));
	return p;
}

static int
reject(struct key_buf *b, int err)
{
	key_buf_set_error(b, err);
	return -1;
}

int
key_msg_begin(struct key_buf *b, uint8_t type, uint8_t satype,
    uint32_t seq, uint32_t pid)
{
	struct sadb_msg msg;
	uint8_t *p;

	if (b->data != NULL)
		key_wipe(b->data, b->len);
	b->len = 0;
	b->error = 0;
	if ((p = key_buf_append(b, sizeof(msg))) == NULL)
		return -1;
	memset(&msg, 0, sizeof(msg));
	msg.sadb_msg_version = PF_KEY_V2;
	msg.sadb_msg_type = type;
	msg.sadb_msg_satype = satype;
	msg.sadb_msg_len = (uint16_t)PFKEY_UNIT64(sizeof(msg));
	msg.sadb_msg_seq = seq;
	msg.sadb_msg_pid = pid;
	memcpy(p, &msg, sizeof(msg));
	return 0;
}

int
key_msg_end(struct key_buf *b)
{
	uint16_t units;

	if (b->error != 0) {
		errno = b->error;
		return -1;
	}
	if (b->len < sizeof(struct sadb_msg)) {
		errno = EINVAL;
		return -1;
	}
	if (b->len > KEY_MSG_MAXLEN) {
		errno = EMSGSIZE;
		return -1;
	}
	units = (uint16_t)PFKEY_UNIT64(b->len);
	memcpy(b->data + offsetof(struct sadb_msg, sadb_msg_len), &units,
	    sizeof(units));
	return 0;
}

int
key_msg_add_sa(struct key_buf *b, uint32_t spi, uint8_t replay,
    uint8_t state, uint8_t auth, uint8_t encrypt, uint32_t flags)
{
	struct sadb_sa sa;
	uint8_t *p;

	if ((p = add_ext(b, SADB_EXT_SA, sizeof(sa))) == NULL)
		return -1;
	memcpy(&sa, p, sizeof(sa));
	sa.sadb_sa_spi = htonl(spi);
	sa.sadb_sa_replay = replay;
	sa.sadb_sa_state = state;
	sa.sadb_sa_auth = auth;
	sa.sadb_sa_encrypt = encrypt;
	sa.sadb_sa_flags = flags;
	memcpy(p, &sa, sizeof(sa));
	return 0;
}

int
key_msg_add_lifetime(struct key_buf *b, uint16_t exttype,
    uint32_t allocations, uint64_t bytes, uint64_t addtime,
    uint64_t usetime)
{
	struct sadb_lifetime lt;
	uint8_t *p;

	if (exttype != SADB_EXT_LIFETIME_CURRENT &&
	    exttype != SADB_EXT_LIFETIME_HARD &&
	    exttype != SADB_EXT_LIFETIME_SOFT)
		return reject(b, EINVAL);
	if ((p = add_ext(b, exttype, sizeof(lt))) == NULL)
		return -1;
	memcpy(&lt, p, sizeof(lt));
	lt.sadb_lifetime_allocations = allocations;
	lt.sadb_lifetime_bytes = bytes;
	lt.sadb_lifetime_addtime = addtime;
	lt.sadb_lifetime_usetime = usetime;
	memcpy(p, &lt, sizeof(lt));
	return 0;
}

static bool
is_address_ext(uint16_t exttype)
{
	switch (exttype) {
	case SADB_EXT_ADDRESS_SRC:
	case SADB_EXT_ADDRESS_DST:
	case SADB_EXT_ADDRESS_PROXY:
	case SADB_X_EXT_NAT_T_OAI:
	case SADB_X_EXT_NAT_T_OAR:
	case SADB_X_EXT_NEW_ADDRESS_SRC:
	case SADB_X_EXT_NEW_ADDRESS_DST:
		return true;
	default:
		return false;
	}
}

int
key_msg_add_address(struct key_buf *b, uint16_t exttype,
    uint8_t proto, uint8_t prefixlen, const struct sockaddr *sa)
{
	struct sadb_address addr;
	size_t salen;
	uint8_t *p;

	if (!is_address_ext(exttype) || sa == NULL)
		return reject(b, EINVAL);
	if ((salen = key_sockaddr_bsdlen(sa->sa_family)) == 0)
		return reject(b, EAFNOSUPPORT);
	if ((p = add_ext(b, exttype, sizeof(addr) + salen)) == NULL)
		return -1;
	memcpy(&addr, p, sizeof(addr));
	addr.sadb_address_proto = proto;
	addr.sadb_address_prefixlen = prefixlen;
	memcpy(p, &addr, sizeof(addr));
	if (key_sockaddr_to_bsd(sa, p + sizeof(addr), salen) == -1)
		return reject(b, errno);
	return 0;
}

int
key_msg_add_key(struct key_buf *b, uint16_t exttype, const void *key,
    unsigned int bits)
{
	struct sadb_key k;
	size_t keylen;
	uint8_t *p;

	if (exttype != SADB_EXT_KEY_AUTH && exttype != SADB_EXT_KEY_ENCRYPT)
		return reject(b, EINVAL);
	if (bits > UINT16_MAX || (bits > 0 && key == NULL))
		return reject(b, EINVAL);
	keylen = (bits + 7) / 8;
	if ((p = add_ext(b, exttype, sizeof(k) + keylen)) == NULL)
		return -1;
	memcpy(&k, p, sizeof(k));
	k.sadb_key_bits = (uint16_t)bits;
	memcpy(p, &k, sizeof(k));
	if (keylen > 0)
		memcpy(p + sizeof(k), key, keylen);
	return 0;
}

int
key_msg_add_identity(struct key_buf *b, uint16_t exttype, uint16_t type,
    uint64_t id, const char *text)
{
	struct sadb_ident ident;
	size_t textlen;
	uint8_t *p;

	if (exttype != SADB_EXT_IDENTITY_SRC &&
	    exttype != SADB_EXT_IDENTITY_DST)
		return reject(b, EINVAL);
	textlen = text != NULL ? strlen(text) + 1 : 0;
	if (textlen > EXT_MAXLEN)
		return reject(b, EMSGSIZE);
	if ((p = add_ext(b, exttype, sizeof(ident) + textlen)) == NULL)
		return -1;
	memcpy(&ident, p, sizeof(ident));
	ident.sadb_ident_type = type;
	ident.sadb_ident_id = id;
	memcpy(p, &ident, sizeof(ident));
	if (textlen > 0)
		memcpy(p + sizeof(ident), text, textlen);
	return 0;
}

int
key_msg_add_sensitivity(struct key_buf *b, uint32_t dpd,
    uint8_t sens_level, const uint64_t *sens, uint8_t sens_words,
    uint8_t integ_level, const uint64_t *integ, uint8_t integ_words)
{
	struct sadb_sens s;
	size_t senslen = (size_t)sens_words * 8;
	size_t integlen = (size_t)integ_words * 8;
	uint8_t *p;

	if ((sens_words > 0 && sens == NULL) ||
	    (integ_words > 0 && integ == NULL))
		return reject(b, EINVAL);
	p = add_ext(b, SADB_EXT_SENSITIVITY, sizeof(s) + senslen + integlen);
	if (p == NULL)
		return -1;
	memcpy(&s, p, sizeof(s));
	s.sadb_sens_dpd = dpd;
	s.sadb_sens_sens_level = sens_level;
	s.sadb_sens_sens_len = sens_words;
	s.sadb_sens_integ_level = integ_level;
	s.sadb_sens_integ_len = integ_words;
	memcpy(p, &s, sizeof(s));
	if (senslen > 0)
		memcpy(p + sizeof(s), sens, senslen);
	if (integlen > 0)
		memcpy(p + sizeof(s) + senslen, integ, integlen);
	return 0;
}

int
key_msg_add_proposal(struct key_buf *b, uint8_t replay,
    const struct sadb_comb *combs, size_t ncombs)
{
	struct sadb_prop prop;
	uint8_t *p;

	if (ncombs > 0 && combs == NULL)
		return reject(b, EINVAL);
	if (ncombs > EXT_MAXLEN / sizeof(*combs))
		return reject(b, EMSGSIZE);
	p = add_ext(b, SADB_EXT_PROPOSAL,
	    sizeof(prop) + ncombs * sizeof(*combs));
	if (p == NULL)
		return -1;
	memcpy(&prop, p, sizeof(prop));
	prop.sadb_prop_replay = replay;
	memcpy(p, &prop, sizeof(prop));
	if (ncombs > 0)
		memcpy(p + sizeof(prop), combs, ncombs * sizeof(*combs));
	return 0;
}

int
key_msg_add_supported(struct key_buf *b, uint16_t exttype,
    const struct sadb_alg *algs, size_t nalgs)
{
	uint8_t *p;

	if (exttype != SADB_EXT_SUPPORTED_AUTH &&
	    exttype != SADB_EXT_SUPPORTED_ENCRYPT)
		return reject(b, EINVAL);
	if (nalgs > 0 && algs == NULL)
		return reject(b, EINVAL);
	if (nalgs > EXT_MAXLEN / sizeof(*algs))
		return reject(b, EMSGSIZE);
	p = add_ext(b, exttype,
	    sizeof(struct sadb_supported) + nalgs * sizeof(*algs));
	if (p == NULL)
		return -1;
	if (nalgs > 0)
		memcpy(p + sizeof(struct sadb_supported), algs,
		    nalgs * sizeof(*algs));
	return 0;
}

int
key_msg_add_spirange(struct key_buf *b, uint32_t min, uint32_t max)
{
	struct sadb_spirange r;
	uint8_t *p;

	if ((p = add_ext(b, SADB_EXT_SPIRANGE, sizeof(r))) == NULL)
		return -1;
	memcpy(&r, p, sizeof(r));
	r.sadb_spirange_min = min;
	r.sadb_spirange_max = max;
	memcpy(p, &r, sizeof(r));
	return 0;
}

int
key_msg_add_sa2(struct key_buf *b, uint8_t mode, uint32_t sequence,
    uint32_t reqid)
{
	struct sadb_x_sa2 sa2;
	uint8_t *p;

	if ((p = add_ext(b, SADB_X_EXT_SA2, sizeof(sa2))) == NULL)
		return -1;
	memcpy(&sa2, p, sizeof(sa2));
	sa2.sadb_x_sa2_mode = mode;
	sa2.sadb_x_sa2_sequence = sequence;
	sa2.sadb_x_sa2_reqid = reqid;
	memcpy(p, &sa2, sizeof(sa2));
	return 0;
}

int
key_msg_add_natt_type(struct key_buf *b, uint8_t type)
{
	struct sadb_x_nat_t_type t;
	uint8_t *p;

	if ((p = add_ext(b, SADB_X_EXT_NAT_T_TYPE, sizeof(t))) == NULL)
		return -1;
	memcpy(&t, p, sizeof(t));
	t.sadb_x_nat_t_type_type = type;
	memcpy(p, &t, sizeof(t));
	return 0;
}

int
key_msg_add_natt_port(struct key_buf *b, uint16_t exttype, uint16_t port)
{
	struct sadb_x_nat_t_port np;
	uint8_t *p;

	if (exttype != SADB_X_EXT_NAT_T_SPORT &&
	    exttype != SADB_X_EXT_NAT_T_DPORT)
		return reject(b, EINVAL);
	if ((p = add_ext(b, exttype, sizeof(np))) == NULL)
		return -1;
	memcpy(&np, p, sizeof(np));
	np.sadb_x_nat_t_port_port = htons(port);
	memcpy(p, &np, sizeof(np));
	return 0;
}

int
key_msg_add_natt_frag(struct key_buf *b, uint16_t fraglen)
{
	struct sadb_x_nat_t_frag f;
	uint8_t *p;

	if ((p = add_ext(b, SADB_X_EXT_NAT_T_FRAG, sizeof(f))) == NULL)
		return -1;
	memcpy(&f, p, sizeof(f));
	f.sadb_x_nat_t_frag_fraglen = fraglen;
	memcpy(p, &f, sizeof(f));
	return 0;
}

int
key_msg_add_sa_replay(struct key_buf *b, uint32_t window)
{
	struct sadb_x_sa_replay r;
	uint8_t *p;

	if ((p = add_ext(b, SADB_X_EXT_SA_REPLAY, sizeof(r))) == NULL)
		return -1;
	memcpy(&r, p, sizeof(r));
	r.sadb_x_sa_replay_replay = window;
	memcpy(p, &r, sizeof(r));
	return 0;
}

int
key_msg_add_policy(struct key_buf *b, const void *policy, size_t len)
{
	struct sadb_ext ext;
	uint8_t *p;

	if (policy == NULL || len < sizeof(struct sadb_x_policy))
		return reject(b, EINVAL);
	if ((p = add_ext(b, SADB_X_EXT_POLICY, len)) == NULL)
		return -1;
	memcpy(p + sizeof(ext), (const uint8_t *)policy + sizeof(ext),
	    len - sizeof(ext));
	return 0;
}

int
key_msg_add_raw(struct key_buf *b, uint16_t exttype, const void *body,
    size_t bodylen)
{
	uint8_t *p;

	if (bodylen > 0 && body == NULL)
		return reject(b, EINVAL);
	if (bodylen > EXT_MAXLEN)
		return reject(b, EMSGSIZE);
	p = add_ext(b, exttype, sizeof(struct sadb_ext) + bodylen);
	if (p == NULL)
		return -1;
	if (bodylen > 0)
		memcpy(p + sizeof(struct sadb_ext), body, bodylen);
	return 0;
}
