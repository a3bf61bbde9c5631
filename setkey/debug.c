/*
 * The message dump of -v and -x, as FreeBSD's kdebug_sadb() prints it.
 * Like FreeBSD's, it stops at the first extension type it has no
 * printer for (NAT-T, SA_REPLAY and later types).
 */

#include <sys/types.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "setkey.h"

static void
hexdump(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i != 0 && i % 32 == 0)
			printf("\n");
		if (i % 4 == 0)
			printf(" ");
		printf("%02x", p[i]);
	}
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t
get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Prints a BSD sockaddr: its length, family, port and address bytes. */
static void
kdebug_sockaddr(const uint8_t *sa)
{
	printf("sockaddr{ len=%u family=%u", sa[0], sa[1]);
	switch (sa[1]) {
	case KEY_AF_INET:
		printf(" port=%u\n", ntohs(get16(sa + 2)));
		hexdump(sa + 4, 4);
		break;
	case KEY_AF_INET6:
		printf(" port=%u\n", ntohs(get16(sa + 2)));
		printf("  flowinfo=0x%08x, scope_id=0x%08x\n", get32(sa + 4),
		    get32(sa + 24));
		hexdump(sa + 8, 16);
		break;
	}
	printf("  }\n");
}

static void
kdebug_sa(const struct sadb_sa *sa)
{
	printf("sadb_sa{ spi=%u replay=%u state=%u\n", ntohl(sa->sadb_sa_spi),
	    sa->sadb_sa_replay, sa->sadb_sa_state);
	printf("  auth=%u encrypt=%u flags=0x%08x }\n", sa->sadb_sa_auth,
	    sa->sadb_sa_encrypt, sa->sadb_sa_flags);
}

static void
kdebug_lifetime(const struct sadb_lifetime *lft)
{
	printf("sadb_lifetime{ alloc=%u, bytes=%u\n",
	    lft->sadb_lifetime_allocations,
	    (uint32_t)lft->sadb_lifetime_bytes);
	printf("  addtime=%u, usetime=%u }\n",
	    (uint32_t)lft->sadb_lifetime_addtime,
	    (uint32_t)lft->sadb_lifetime_usetime);
}

static void
kdebug_address(const struct sadb_address *addr)
{
	const uint8_t *res = (const uint8_t *)&addr->sadb_address_reserved;

	printf("sadb_address{ proto=%u prefixlen=%u reserved=0x%02x%02x }\n",
	    addr->sadb_address_proto, addr->sadb_address_prefixlen,
	    res[0], res[1]);
	kdebug_sockaddr((const uint8_t *)(addr + 1));
}

static void
kdebug_key(const struct sadb_key *key)
{
	size_t room = PFKEY_UNUNIT64(key->sadb_key_len) - sizeof(*key);
	size_t bytes = key->sadb_key_bits >> 3;

	printf("sadb_key{ bits=%u reserved=%u\n", key->sadb_key_bits,
	    key->sadb_key_reserved);
	printf("  key=");
	if (bytes > room) {
		printf("kdebug_sadb_key: key length mismatch, bit:%zu "
		    "len:%zu.\n", bytes, room);
		bytes = room;
	}
	hexdump((const uint8_t *)(key + 1), bytes);
	printf(" }\n");
}

static void
kdebug_identity(const struct sadb_ident *id)
{
	size_t len = PFKEY_UNUNIT64(id->sadb_ident_len) - sizeof(*id);
	const char *p, *ep;

	printf("sadb_ident_%s{", id->sadb_ident_exttype ==
	    SADB_EXT_IDENTITY_SRC ? "src" : "dst");
	printf(" type=%d id=%lu", id->sadb_ident_type,
	    (unsigned long)id->sadb_ident_id);
	if (len != 0) {
		printf("\n  str=\"");
		p = (const char *)(id + 1);
		ep = p + len;
		for (; p < ep && *p != '\0'; p++) {
			if (isprint((unsigned char)*p))
				printf("%c", *p & 0xff);
			else
				printf("\\%03o", *p & 0xff);
		}
		printf("\"");
	}
	printf(" }\n");
}

static void
kdebug_prop(const struct sadb_prop *prop)
{
	const struct sadb_comb *comb = (const struct sadb_comb *)(prop + 1);
	size_t n = (PFKEY_UNUNIT64(prop->sadb_prop_len) - sizeof(*prop)) /
	    sizeof(*comb);

	printf("sadb_prop{ replay=%u\n", prop->sadb_prop_replay);
	for (; n > 0; n--, comb++) {
		printf("sadb_comb{ auth=%u encrypt=%u flags=0x%04x "
		    "reserved=0x%08x\n", comb->sadb_comb_auth,
		    comb->sadb_comb_encrypt, comb->sadb_comb_flags,
		    comb->sadb_comb_reserved);
		printf("  auth_minbits=%u auth_maxbits=%u encrypt_minbits=%u "
		    "encrypt_maxbits=%u\n", comb->sadb_comb_auth_minbits,
		    comb->sadb_comb_auth_maxbits,
		    comb->sadb_comb_encrypt_minbits,
		    comb->sadb_comb_encrypt_maxbits);
		printf("  soft_alloc=%u hard_alloc=%u soft_bytes=%lu "
		    "hard_bytes=%lu\n", comb->sadb_comb_soft_allocations,
		    comb->sadb_comb_hard_allocations,
		    (unsigned long)comb->sadb_comb_soft_bytes,
		    (unsigned long)comb->sadb_comb_hard_bytes);
		/* FreeBSD labels the four times with the names above. */
		printf("  soft_alloc=%lu hard_alloc=%lu soft_bytes=%lu "
		    "hard_bytes=%lu }\n",
		    (unsigned long)comb->sadb_comb_soft_addtime,
		    (unsigned long)comb->sadb_comb_hard_addtime,
		    (unsigned long)comb->sadb_comb_soft_usetime,
		    (unsigned long)comb->sadb_comb_hard_usetime);
	}
	printf("}\n");
}

static void
kdebug_supported(const struct sadb_supported *sup)
{
	const struct sadb_alg *alg = (const struct sadb_alg *)(sup + 1);
	size_t n = (PFKEY_UNUNIT64(sup->sadb_supported_len) - sizeof(*sup)) /
	    sizeof(*alg);

	printf("sadb_sup{\n");
	for (; n > 0; n--, alg++)
		printf("  { id=%d ivlen=%d min=%d max=%d }\n",
		    alg->sadb_alg_id, alg->sadb_alg_ivlen,
		    alg->sadb_alg_minbits, alg->sadb_alg_maxbits);
	printf("}\n");
}

static void
kdebug_sa2(const struct sadb_x_sa2 *sa2)
{
	printf("sadb_x_sa2{ mode=%u reqid=%u\n", sa2->sadb_x_sa2_mode,
	    sa2->sadb_x_sa2_reqid);
	printf("  reserved1=%u reserved2=%u sequence=%u }\n",
	    sa2->sadb_x_sa2_reserved1, sa2->sadb_x_sa2_reserved2,
	    sa2->sadb_x_sa2_sequence);
}

static void
kdebug_policy(const struct sadb_x_policy *xpl)
{
	const uint8_t *p = (const uint8_t *)(xpl + 1);
	long tlen;

	printf("sadb_x_policy{ type=%u dir=%u id=%x }\n",
	    xpl->sadb_x_policy_type, xpl->sadb_x_policy_dir,
	    xpl->sadb_x_policy_id);
	if (xpl->sadb_x_policy_type != IPSEC_POLICY_IPSEC)
		return;

	tlen = (long)PFKEY_UNUNIT64(xpl->sadb_x_policy_len) -
	    (long)sizeof(*xpl);
	while (tlen > 0) {
		struct sadb_x_ipsecrequest req;

		memcpy(&req, p, sizeof(req));
		printf(" { len=%u proto=%u mode=%u level=%u reqid=%u\n",
		    req.sadb_x_ipsecrequest_len,
		    req.sadb_x_ipsecrequest_proto,
		    req.sadb_x_ipsecrequest_mode,
		    req.sadb_x_ipsecrequest_level,
		    req.sadb_x_ipsecrequest_reqid);
		if (req.sadb_x_ipsecrequest_len > sizeof(req)) {
			const uint8_t *sa = p + sizeof(req);

			kdebug_sockaddr(sa);
			kdebug_sockaddr(sa + sa[0]);
		}
		printf(" }\n");
		if (req.sadb_x_ipsecrequest_len == 0) {
			printf("kdebug_sadb_x_policy: wrong policy struct.\n");
			return;
		}
		if (req.sadb_x_ipsecrequest_len > tlen) {
			printf("kdebug_sadb_x_policy: invalid ipsec policy "
			    "length (%u > %ld)\n",
			    req.sadb_x_ipsecrequest_len, tlen);
			return;
		}
		tlen -= req.sadb_x_ipsecrequest_len;
		p += req.sadb_x_ipsecrequest_len;
	}
	if (tlen != 0)
		printf("kdebug_sadb_x_policy: wrong policy struct.\n");
}

/* Prints a whole message, extension by extension. */
void
kdebug_sadb(const struct sadb_msg *base)
{
	const uint8_t *p = (const uint8_t *)(base + 1);
	long tlen;

	printf("sadb_msg{ version=%u type=%u errno=%u satype=%u\n",
	    base->sadb_msg_version, base->sadb_msg_type,
	    base->sadb_msg_errno, base->sadb_msg_satype);
	printf("  len=%u reserved=%u seq=%u pid=%u\n",
	    base->sadb_msg_len, base->sadb_msg_reserved,
	    base->sadb_msg_seq, base->sadb_msg_pid);

	tlen = (long)PFKEY_UNUNIT64(base->sadb_msg_len) - (long)sizeof(*base);
	while (tlen > 0) {
		const struct sadb_ext *ext = (const struct sadb_ext *)p;

		printf("sadb_ext{ len=%u type=%u }\n", ext->sadb_ext_len,
		    ext->sadb_ext_type);
		if (ext->sadb_ext_len == 0) {
			printf("kdebug_sadb: invalid ext_len=0 was passed.\n");
			return;
		}
		if ((long)PFKEY_UNUNIT64(ext->sadb_ext_len) > tlen) {
			printf("kdebug_sadb: ext_len too big (%u > %ld).\n",
			    ext->sadb_ext_len, tlen);
			return;
		}

		switch (ext->sadb_ext_type) {
		case SADB_EXT_SA:
			kdebug_sa((const struct sadb_sa *)p);
			break;
		case SADB_EXT_LIFETIME_CURRENT:
		case SADB_EXT_LIFETIME_HARD:
		case SADB_EXT_LIFETIME_SOFT:
			kdebug_lifetime((const struct sadb_lifetime *)p);
			break;
		case SADB_EXT_ADDRESS_SRC:
		case SADB_EXT_ADDRESS_DST:
		case SADB_EXT_ADDRESS_PROXY:
			kdebug_address((const struct sadb_address *)p);
			break;
		case SADB_EXT_KEY_AUTH:
		case SADB_EXT_KEY_ENCRYPT:
			kdebug_key((const struct sadb_key *)p);
			break;
		case SADB_EXT_IDENTITY_SRC:
		case SADB_EXT_IDENTITY_DST:
			kdebug_identity((const struct sadb_ident *)p);
			break;
		case SADB_EXT_SENSITIVITY:
			break;
		case SADB_EXT_PROPOSAL:
			kdebug_prop((const struct sadb_prop *)p);
			break;
		case SADB_EXT_SUPPORTED_AUTH:
		case SADB_EXT_SUPPORTED_ENCRYPT:
			kdebug_supported((const struct sadb_supported *)p);
			break;
		case SADB_EXT_SPIRANGE:
		case SADB_X_EXT_KMPRIVATE:
			break;
		case SADB_X_EXT_POLICY:
			kdebug_policy((const struct sadb_x_policy *)p);
			break;
		case SADB_X_EXT_SA2:
			kdebug_sa2((const struct sadb_x_sa2 *)p);
			break;
		default:
			printf("kdebug_sadb: invalid ext_type %u\n",
			    ext->sadb_ext_type);
			return;
		}
		tlen -= (long)PFKEY_UNUNIT64(ext->sadb_ext_len);
		p += PFKEY_UNUNIT64(ext->sadb_ext_len);
	}
}
