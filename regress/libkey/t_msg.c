/*
 * Building PF_KEYv2 messages: the exact bytes of a FreeBSD setkey request
 * and a build-then-parse round trip of every extension type.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "libkey.h"

static struct sockaddr_in
sin4(const char *text, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	ATF_REQUIRE(inet_pton(AF_INET, text, &sin.sin_addr) == 1);
	return sin;
}

static struct sockaddr_in6
sin6(const char *text, uint16_t port, uint32_t scope)
{
	struct sockaddr_in6 s6;

	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(port);
	s6.sin6_scope_id = scope;
	ATF_REQUIRE(inet_pton(AF_INET6, text, &s6.sin6_addr) == 1);
	return s6;
}

/*
 * The SADB_ADD that FreeBSD's setkey sends for
 *   add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100
 *       -E rijndael-cbc "VerySecureKey!!1";
 * written out by hand for a little-endian host and pid 4242 (0x1092).
 */
static const uint8_t add_expected[120] = {
	/* sadb_msg: version 2, ADD, errno 0, ESP, len 15, seq 0, pid */
	0x02, 0x03, 0x00, 0x03, 0x0f, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x92, 0x10, 0x00, 0x00,
	/* KEY_ENCRYPT: len 3, type 9, bits 128, "VerySecureKey!!1" */
	0x03, 0x00, 0x09, 0x00, 0x80, 0x00, 0x00, 0x00,
	0x56, 0x65, 0x72, 0x79, 0x53, 0x65, 0x63, 0x75,
	0x72, 0x65, 0x4b, 0x65, 0x79, 0x21, 0x21, 0x31,
	/* SA: len 2, type 1, spi 10000 (network order), enc 12, 0x40 */
	0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x27, 0x10,
	0x00, 0x00, 0x00, 0x0c, 0x40, 0x00, 0x00, 0x00,
	/* SA2: len 2, type 19, mode tunnel, sequence 0, reqid 100 */
	0x02, 0x00, 0x13, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00,
	/* ADDRESS_SRC: len 3, type 5, proto 255, /32, 192.168.0.3 */
	0x03, 0x00, 0x05, 0x00, 0xff, 0x20, 0x00, 0x00,
	0x10, 0x02, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* ADDRESS_DST: len 3, type 6, proto 255, /32, 192.168.0.5 */
	0x03, 0x00, 0x06, 0x00, 0xff, 0x20, 0x00, 0x00,
	0x10, 0x02, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x05,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

ATF_TC_WITHOUT_HEAD(add_setkey_bytes);
ATF_TC_BODY(add_setkey_bytes, tc)
{
	struct key_buf b;
	struct sockaddr_in src = sin4("192.168.0.3", 0);
	struct sockaddr_in dst = sin4("192.168.0.5", 0);
	size_t i;

	key_buf_init(&b);
	ATF_REQUIRE_EQ(key_msg_begin(&b, SADB_ADD, SADB_SATYPE_ESP, 0, 4242),
	    0);
	ATF_REQUIRE_EQ(key_msg_add_key(&b, SADB_EXT_KEY_ENCRYPT,
	    "VerySecureKey!!1", 128), 0);
	ATF_REQUIRE_EQ(key_msg_add_sa(&b, 10000, 0, 0, SADB_AALG_NONE,
	    SADB_X_EALG_AESCBC, SADB_X_EXT_CYCSEQ), 0);
	ATF_REQUIRE_EQ(key_msg_add_sa2(&b, IPSEC_MODE_TUNNEL, 0, 100), 0);
	ATF_REQUIRE_EQ(key_msg_add_address(&b, SADB_EXT_ADDRESS_SRC,
	    IPSEC_ULPROTO_ANY, 32, (struct sockaddr *)&src), 0);
	ATF_REQUIRE_EQ(key_msg_add_address(&b, SADB_EXT_ADDRESS_DST,
	    IPSEC_ULPROTO_ANY, 32, (struct sockaddr *)&dst), 0);
	ATF_REQUIRE_EQ(key_msg_end(&b), 0);

	ATF_REQUIRE_EQ(b.len, sizeof(add_expected));
	for (i = 0; i < sizeof(add_expected); i++)
		ATF_CHECK_MSG(b.data[i] == add_expected[i],
		    "byte %zu: got 0x%02x, expected 0x%02x", i, b.data[i],
		    add_expected[i]);
	key_buf_free(&b);
	ATF_CHECK(b.data == NULL);
}

/* Every extension type 1..28 in one message, with distinct field values. */
static const uint64_t sens_bits[2] = { 0x1122334455667788ull, 0x99 };
static const uint64_t integ_bits[1] = { 0xa5a5a5a5a5a5a5a5ull };

static void
fill_combs(struct sadb_comb combs[2])
{
	memset(combs, 0, 2 * sizeof(*combs));
	combs[0].sadb_comb_auth = SADB_AALG_SHA1HMAC;
	combs[0].sadb_comb_encrypt = SADB_X_EALG_AESCBC;
	combs[0].sadb_comb_encrypt_minbits = 128;
	combs[0].sadb_comb_encrypt_maxbits = 256;
	combs[0].sadb_comb_hard_addtime = 3600;
	combs[1].sadb_comb_encrypt = SADB_X_EALG_AESGCM16;
	combs[1].sadb_comb_soft_usetime = 77;
}

static void
fill_algs(struct sadb_alg algs[3])
{
	memset(algs, 0, 3 * sizeof(*algs));
	algs[0].sadb_alg_id = SADB_X_EALG_AESCBC;
	algs[0].sadb_alg_ivlen = 16;
	algs[0].sadb_alg_minbits = 128;
	algs[0].sadb_alg_maxbits = 256;
	algs[1].sadb_alg_id = SADB_EALG_NULL;
	algs[1].sadb_alg_maxbits = 2048;
	algs[2].sadb_alg_id = SADB_X_EALG_AESGCM16;
	algs[2].sadb_alg_ivlen = 8;
}

static void
build_all(struct key_buf *b, const struct sadb_comb *combs,
    const struct sadb_alg *algs)
{
	struct sockaddr_in a4 = sin4("10.1.2.3", 500);
	struct sockaddr_in b4 = sin4("10.1.2.4", 4500);
	struct sockaddr_in6 a6 = sin6("2001:db8::1", 0, 0);
	struct sockaddr_in6 b6 = sin6("fe80::2", 1234, 7);
	struct sockaddr_in c4 = sin4("172.16.0.9", 0);
	struct sockaddr_in d4 = sin4("172.16.0.10", 0);
	struct sockaddr_in6 c6 = sin6("2001:db8::99", 0, 0);
	struct key_buf pol;
	static const uint8_t authkey[20] = "0123456789abcdefghij";
	static const uint8_t enckey[5] = { 1, 2, 3, 4, 5 };
	static const uint8_t kmp[4] = { 0xde, 0xad, 0xbe, 0xef };

	key_buf_init(&pol);
	ATF_REQUIRE_EQ(key_policy_begin(&pol, IPSEC_POLICY_IPSEC,
	    IPSEC_DIR_OUTBOUND, IPSEC_POLICYSCOPE_GLOBAL, 17, 9), 0);
	ATF_REQUIRE_EQ(key_policy_add_request(&pol, IPSEC_PROTO_ESP,
	    IPSEC_MODE_TUNNEL, IPSEC_LEVEL_UNIQUE, 100,
	    (struct sockaddr *)&c4, (struct sockaddr *)&d4), 0);

	ATF_REQUIRE_EQ(key_msg_begin(b, SADB_GET, SADB_SATYPE_ESP, 77, 99),
	    0);
	ATF_REQUIRE_EQ(key_msg_add_sa(b, 0x12345678, 32, SADB_SASTATE_DYING,
	    SADB_AALG_SHA1HMAC, SADB_X_EALG_AESCBC, 0x0240), 0);
	ATF_REQUIRE_EQ(key_msg_add_lifetime(b, SADB_EXT_LIFETIME_CURRENT,
	    1, 2, 3, 4), 0);
	ATF_REQUIRE_EQ(key_msg_add_lifetime(b, SADB_EXT_LIFETIME_HARD,
	    5, 6000000000ull, 7, 8), 0);
	ATF_REQUIRE_EQ(key_msg_add_lifetime(b, SADB_EXT_LIFETIME_SOFT,
	    9, 10, 11, 12), 0);
	ATF_REQUIRE_EQ(key_msg_add_address(b, SADB_EXT_ADDRESS_SRC, 17, 24,
	    (struct sockaddr *)&a4), 0);
	ATF_REQUIRE_EQ(key_msg_add_address(b, SADB_EXT_ADDRESS_DST, 17, 32,
	    (struct sockaddr *)&b4), 0);
	ATF_REQUIRE_EQ(key_msg_add_address(b, SADB_EXT_ADDRESS_PROXY, 6, 64,
	    (struct sockaddr *)&a6), 0);
	ATF_REQUIRE_EQ(key_msg_add_key(b, SADB_EXT_KEY_AUTH, authkey, 160),
	    0);
	ATF_REQUIRE_EQ(key_msg_add_key(b, SADB_EXT_KEY_ENCRYPT, enckey, 36),
	    0);
	ATF_REQUIRE_EQ(key_msg_add_identity(b, SADB_EXT_IDENTITY_SRC,
	    SADB_IDENTTYPE_FQDN, 42, "host.example.org"), 0);
	ATF_REQUIRE_EQ(key_msg_add_identity(b, SADB_EXT_IDENTITY_DST,
	    SADB_IDENTTYPE_USERFQDN, 43, "user@example.org"), 0);
	ATF_REQUIRE_EQ(key_msg_add_sensitivity(b, 3, 4, sens_bits, 2, 5,
	    integ_bits, 1), 0);
	ATF_REQUIRE_EQ(key_msg_add_proposal(b, 64, combs, 2), 0);
	ATF_REQUIRE_EQ(key_msg_add_supported(b, SADB_EXT_SUPPORTED_AUTH,
	    algs, 1), 0);
	ATF_REQUIRE_EQ(key_msg_add_supported(b, SADB_EXT_SUPPORTED_ENCRYPT,
	    algs, 3), 0);
	ATF_REQUIRE_EQ(key_msg_add_spirange(b, 0x100, 0x0fffffff), 0);
	ATF_REQUIRE_EQ(key_msg_add_raw(b, SADB_X_EXT_KMPRIVATE, kmp,
	    sizeof(kmp)), 0);
	ATF_REQUIRE_EQ(key_msg_add_policy(b, pol.data, pol.len), 0);
	ATF_REQUIRE_EQ(key_msg_add_sa2(b, IPSEC_MODE_TRANSPORT, 0xfeedf00d,
	    16385), 0);
	ATF_REQUIRE_EQ(key_msg_add_natt_type(b, UDP_ENCAP_ESPINUDP), 0);
	ATF_REQUIRE_EQ(key_msg_add_natt_port(b, SADB_X_EXT_NAT_T_SPORT, 4500),
	    0);
	ATF_REQUIRE_EQ(key_msg_add_natt_port(b, SADB_X_EXT_NAT_T_DPORT, 4501),
	    0);
	ATF_REQUIRE_EQ(key_msg_add_address(b, SADB_X_EXT_NAT_T_OAI, 0, 32,
	    (struct sockaddr *)&c4), 0);
	ATF_REQUIRE_EQ(key_msg_add_address(b, SADB_X_EXT_NAT_T_OAR, 0, 128,
	    (struct sockaddr *)&b6), 0);
	ATF_REQUIRE_EQ(key_msg_add_natt_frag(b, 1280), 0);
	ATF_REQUIRE_EQ(key_msg_add_sa_replay(b, 4096), 0);
	ATF_REQUIRE_EQ(key_msg_add_address(b, SADB_X_EXT_NEW_ADDRESS_SRC,
	    255, 128, (struct sockaddr *)&c6), 0);
	ATF_REQUIRE_EQ(key_msg_add_address(b, SADB_X_EXT_NEW_ADDRESS_DST,
	    255, 128, (struct sockaddr *)&a6), 0);
	ATF_REQUIRE_EQ(key_msg_end(b), 0);
	key_buf_free(&pol);
}

/* Returns a copy of extension type of m, checked to be len bytes. */
static void
ext_copy(const struct key_msg *m, uint16_t type, void *out, size_t len)
{
	const struct sadb_ext *ext = m->ext[type];

	ATF_REQUIRE_MSG(ext != NULL, "extension %s missing",
	    key_ext_type_name(type));
	memcpy(out, ext, len);
}

static void
check_addr4(const struct key_msg *m, uint16_t type, const char *text,
    uint16_t port, uint8_t plen, uint8_t proto)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in want = sin4(text, port);
	uint8_t gotplen, gotproto;

	ATF_REQUIRE_EQ(key_msg_address(m, type, &ss, &gotplen, &gotproto), 0);
	ATF_CHECK_EQ(ss.ss_family, AF_INET);
	ATF_CHECK_EQ(sin->sin_addr.s_addr, want.sin_addr.s_addr);
	ATF_CHECK_EQ(sin->sin_port, want.sin_port);
	ATF_CHECK_EQ(gotplen, plen);
	ATF_CHECK_EQ(gotproto, proto);
}

static void
check_addr6(const struct key_msg *m, uint16_t type, const char *text,
    uint16_t port, uint32_t scope, uint8_t plen, uint8_t proto)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in6 want = sin6(text, port, scope);
	uint8_t gotplen, gotproto;

	ATF_REQUIRE_EQ(key_msg_address(m, type, &ss, &gotplen, &gotproto), 0);
	ATF_CHECK_EQ(ss.ss_family, AF_INET6);
	ATF_CHECK(memcmp(&s6->sin6_addr, &want.sin6_addr, 16) == 0);
	ATF_CHECK_EQ(s6->sin6_port, want.sin6_port);
	ATF_CHECK_EQ(s6->sin6_scope_id, scope);
	ATF_CHECK_EQ(gotplen, plen);
	ATF_CHECK_EQ(gotproto, proto);
}

static void
check_lifetime(const struct key_msg *m, uint16_t type, uint32_t alloc,
    uint64_t bytes, uint64_t add, uint64_t use)
{
	struct sadb_lifetime lt;

	ext_copy(m, type, &lt, sizeof(lt));
	ATF_CHECK_EQ(lt.sadb_lifetime_len, 4);
	ATF_CHECK_EQ(lt.sadb_lifetime_allocations, alloc);
	ATF_CHECK_EQ(lt.sadb_lifetime_bytes, bytes);
	ATF_CHECK_EQ(lt.sadb_lifetime_addtime, add);
	ATF_CHECK_EQ(lt.sadb_lifetime_usetime, use);
}

static void
check_identity(const struct key_msg *m, uint16_t type, uint16_t itype,
    uint64_t id, const char *text)
{
	struct sadb_ident ident;
	const char *s;

	ext_copy(m, type, &ident, sizeof(ident));
	ATF_CHECK_EQ(ident.sadb_ident_type, itype);
	ATF_CHECK_EQ(ident.sadb_ident_id, id);
	ATF_CHECK_EQ(ident.sadb_ident_len,
	    (sizeof(ident) + ((strlen(text) + 1 + 7) & ~7u)) / 8);
	s = (const char *)m->ext[type] + sizeof(ident);
	ATF_CHECK_STREQ(s, text);
}

static void
check_simple_exts(const struct key_msg *m)
{
	struct sadb_sa sa;
	struct sadb_x_sa2 sa2;
	struct sadb_spirange r;
	struct sadb_x_nat_t_type nt;
	struct sadb_x_nat_t_port np;
	struct sadb_x_nat_t_frag nf;
	struct sadb_x_sa_replay rp;

	ext_copy(m, SADB_EXT_SA, &sa, sizeof(sa));
	ATF_CHECK_EQ(sa.sadb_sa_len, 2);
	ATF_CHECK_EQ(ntohl(sa.sadb_sa_spi), 0x12345678u);
	ATF_CHECK_EQ(sa.sadb_sa_replay, 32);
	ATF_CHECK_EQ(sa.sadb_sa_state, SADB_SASTATE_DYING);
	ATF_CHECK_EQ(sa.sadb_sa_auth, SADB_AALG_SHA1HMAC);
	ATF_CHECK_EQ(sa.sadb_sa_encrypt, SADB_X_EALG_AESCBC);
	ATF_CHECK_EQ(sa.sadb_sa_flags, 0x0240u);

	ext_copy(m, SADB_X_EXT_SA2, &sa2, sizeof(sa2));
	ATF_CHECK_EQ(sa2.sadb_x_sa2_mode, IPSEC_MODE_TRANSPORT);
	ATF_CHECK_EQ(sa2.sadb_x_sa2_sequence, 0xfeedf00du);
	ATF_CHECK_EQ(sa2.sadb_x_sa2_reqid, 16385u);

	ext_copy(m, SADB_EXT_SPIRANGE, &r, sizeof(r));
	ATF_CHECK_EQ(r.sadb_spirange_min, 0x100u);
	ATF_CHECK_EQ(r.sadb_spirange_max, 0x0fffffffu);

	ext_copy(m, SADB_X_EXT_NAT_T_TYPE, &nt, sizeof(nt));
	ATF_CHECK_EQ(nt.sadb_x_nat_t_type_type, UDP_ENCAP_ESPINUDP);
	ext_copy(m, SADB_X_EXT_NAT_T_SPORT, &np, sizeof(np));
	ATF_CHECK_EQ(ntohs(np.sadb_x_nat_t_port_port), 4500);
	ext_copy(m, SADB_X_EXT_NAT_T_DPORT, &np, sizeof(np));
	ATF_CHECK_EQ(ntohs(np.sadb_x_nat_t_port_port), 4501);
	ext_copy(m, SADB_X_EXT_NAT_T_FRAG, &nf, sizeof(nf));
	ATF_CHECK_EQ(nf.sadb_x_nat_t_frag_fraglen, 1280);
	ext_copy(m, SADB_X_EXT_SA_REPLAY, &rp, sizeof(rp));
	ATF_CHECK_EQ(rp.sadb_x_sa_replay_replay, 4096u);
}

static void
check_keys(const struct key_msg *m)
{
	const uint8_t *k;
	unsigned int bits;

	k = key_msg_key(m, SADB_EXT_KEY_AUTH, &bits);
	ATF_REQUIRE(k != NULL);
	ATF_CHECK_EQ(bits, 160);
	ATF_CHECK(memcmp(k, "0123456789abcdefghij", 20) == 0);
	ATF_CHECK_EQ(m->ext[SADB_EXT_KEY_AUTH]->sadb_ext_len, 4);

	k = key_msg_key(m, SADB_EXT_KEY_ENCRYPT, &bits);
	ATF_REQUIRE(k != NULL);
	ATF_CHECK_EQ(bits, 36);
	ATF_CHECK(k[0] == 1 && k[4] == 5);
	ATF_CHECK_EQ(k[5], 0);		/* padding is zero */
	ATF_CHECK_EQ(m->ext[SADB_EXT_KEY_ENCRYPT]->sadb_ext_len, 2);
}

static void
check_lists(const struct key_msg *m, const struct sadb_comb *combs,
    const struct sadb_alg *algs)
{
	struct sadb_sens sens;
	struct sadb_prop prop;
	const uint8_t *p;

	ext_copy(m, SADB_EXT_SENSITIVITY, &sens, sizeof(sens));
	ATF_CHECK_EQ(sens.sadb_sens_len, 5);
	ATF_CHECK_EQ(sens.sadb_sens_dpd, 3u);
	ATF_CHECK_EQ(sens.sadb_sens_sens_level, 4);
	ATF_CHECK_EQ(sens.sadb_sens_sens_len, 2);
	ATF_CHECK_EQ(sens.sadb_sens_integ_level, 5);
	ATF_CHECK_EQ(sens.sadb_sens_integ_len, 1);
	p = (const uint8_t *)m->ext[SADB_EXT_SENSITIVITY] + sizeof(sens);
	ATF_CHECK(memcmp(p, sens_bits, 16) == 0);
	ATF_CHECK(memcmp(p + 16, integ_bits, 8) == 0);

	ext_copy(m, SADB_EXT_PROPOSAL, &prop, sizeof(prop));
	ATF_CHECK_EQ(prop.sadb_prop_len, (8 + 2 * 72) / 8);
	ATF_CHECK_EQ(prop.sadb_prop_replay, 64);
	p = (const uint8_t *)m->ext[SADB_EXT_PROPOSAL] + sizeof(prop);
	ATF_CHECK(memcmp(p, combs, 2 * sizeof(*combs)) == 0);

	ATF_CHECK_EQ(m->ext[SADB_EXT_SUPPORTED_AUTH]->sadb_ext_len, 2);
	p = (const uint8_t *)m->ext[SADB_EXT_SUPPORTED_AUTH] + 8;
	ATF_CHECK(memcmp(p, algs, sizeof(*algs)) == 0);
	ATF_CHECK_EQ(m->ext[SADB_EXT_SUPPORTED_ENCRYPT]->sadb_ext_len, 4);
	p = (const uint8_t *)m->ext[SADB_EXT_SUPPORTED_ENCRYPT] + 8;
	ATF_CHECK(memcmp(p, algs, 3 * sizeof(*algs)) == 0);
}

static void
check_policy_ext(const struct key_msg *m)
{
	struct sadb_x_policy pol;
	struct key_ipsecrequest reqs[KEY_POLICY_MAXREQ];
	struct sockaddr_in *s, *d;
	size_t n = 0;

	ext_copy(m, SADB_X_EXT_POLICY, &pol, sizeof(pol));
	ATF_CHECK_EQ(pol.sadb_x_policy_len, (16 + 40) / 8);
	ATF_CHECK_EQ(pol.sadb_x_policy_type, IPSEC_POLICY_IPSEC);
	ATF_CHECK_EQ(pol.sadb_x_policy_dir, IPSEC_DIR_OUTBOUND);
	ATF_CHECK_EQ(pol.sadb_x_policy_scope, IPSEC_POLICYSCOPE_GLOBAL);
	ATF_CHECK_EQ(pol.sadb_x_policy_id, 17u);
	ATF_CHECK_EQ(pol.sadb_x_policy_priority, 9u);
	ATF_REQUIRE_EQ(key_policy_requests((const struct sadb_x_policy *)
	    (const void *)m->ext[SADB_X_EXT_POLICY], 56, reqs,
	    KEY_POLICY_MAXREQ, &n), 0);
	ATF_REQUIRE_EQ(n, 1);
	ATF_CHECK_EQ(reqs[0].proto, IPSEC_PROTO_ESP);
	ATF_CHECK_EQ(reqs[0].mode, IPSEC_MODE_TUNNEL);
	ATF_CHECK_EQ(reqs[0].level, IPSEC_LEVEL_UNIQUE);
	ATF_CHECK_EQ(reqs[0].reqid, 100);
	ATF_REQUIRE(reqs[0].has_addrs);
	s = (struct sockaddr_in *)&reqs[0].src;
	d = (struct sockaddr_in *)&reqs[0].dst;
	ATF_CHECK_EQ(ntohl(s->sin_addr.s_addr), 0xac100009u);
	ATF_CHECK_EQ(ntohl(d->sin_addr.s_addr), 0xac10000au);
}

ATF_TC_WITHOUT_HEAD(roundtrip_every_ext);
ATF_TC_BODY(roundtrip_every_ext, tc)
{
	struct key_buf b;
	struct key_msg m;
	struct sadb_comb combs[2];
	struct sadb_alg algs[3];
	struct sadb_msg hdr;
	const uint8_t *kmp;
	int type;

	fill_combs(combs);
	fill_algs(algs);
	key_buf_init(&b);
	build_all(&b, combs, algs);

	/* KMPRIVATE is rejected by the parser, as FreeBSD does. */
	ATF_CHECK_EQ(key_msg_parse(&m, b.data, b.len), -1);
	ATF_CHECK_EQ(errno, EINVAL);

	/* Drop it by hand: it is the 8-byte extension of type 17. */
	kmp = NULL;
	for (size_t off = 16; off < b.len;) {
		struct sadb_ext ext;

		memcpy(&ext, b.data + off, sizeof(ext));
		if (ext.sadb_ext_type == SADB_X_EXT_KMPRIVATE) {
			kmp = b.data + off;
			ATF_CHECK_EQ(ext.sadb_ext_len, 1);
			ATF_CHECK(memcmp(kmp + 4, "\xde\xad\xbe\xef", 4) == 0);
			memmove(b.data + off, b.data + off + 8,
			    b.len - off - 8);
			b.len -= 8;
			break;
		}
		off += ext.sadb_ext_len * 8;
	}
	ATF_REQUIRE(kmp != NULL);
	ATF_REQUIRE_EQ(key_msg_end(&b), 0);

	ATF_REQUIRE_MSG(key_msg_parse(&m, b.data, b.len) == 0, "parse: %s",
	    m.reason);
	memcpy(&hdr, m.base, sizeof(hdr));
	ATF_CHECK_EQ(hdr.sadb_msg_type, SADB_GET);
	ATF_CHECK_EQ(hdr.sadb_msg_satype, SADB_SATYPE_ESP);
	ATF_CHECK_EQ(hdr.sadb_msg_seq, 77u);
	ATF_CHECK_EQ(hdr.sadb_msg_pid, 99u);
	ATF_CHECK_EQ(hdr.sadb_msg_len * 8u, b.len);
	ATF_CHECK_EQ(m.len, b.len);
	for (type = 1; type <= SADB_EXT_MAX; type++) {
		if (type == SADB_X_EXT_KMPRIVATE)
			ATF_CHECK(m.ext[type] == NULL);
		else
			ATF_CHECK_MSG(m.ext[type] != NULL, "%s missing",
			    key_ext_type_name(type));
	}

	check_simple_exts(&m);
	check_lifetime(&m, SADB_EXT_LIFETIME_CURRENT, 1, 2, 3, 4);
	check_lifetime(&m, SADB_EXT_LIFETIME_HARD, 5, 6000000000ull, 7, 8);
	check_lifetime(&m, SADB_EXT_LIFETIME_SOFT, 9, 10, 11, 12);
	check_addr4(&m, SADB_EXT_ADDRESS_SRC, "10.1.2.3", 500, 24, 17);
	check_addr4(&m, SADB_EXT_ADDRESS_DST, "10.1.2.4", 4500, 32, 17);
	check_addr6(&m, SADB_EXT_ADDRESS_PROXY, "2001:db8::1", 0, 0, 64, 6);
	check_addr4(&m, SADB_X_EXT_NAT_T_OAI, "172.16.0.9", 0, 32, 0);
	check_addr6(&m, SADB_X_EXT_NAT_T_OAR, "fe80::2", 1234, 7, 128, 0);
	check_addr6(&m, SADB_X_EXT_NEW_ADDRESS_SRC, "2001:db8::99", 0, 0,
	    128, 255);
	check_addr6(&m, SADB_X_EXT_NEW_ADDRESS_DST, "2001:db8::1", 0, 0,
	    128, 255);
	check_keys(&m);
	check_identity(&m, SADB_EXT_IDENTITY_SRC, SADB_IDENTTYPE_FQDN, 42,
	    "host.example.org");
	check_identity(&m, SADB_EXT_IDENTITY_DST, SADB_IDENTTYPE_USERFQDN, 43,
	    "user@example.org");
	check_lists(&m, combs, algs);
	check_policy_ext(&m);
	key_buf_free(&b);
}

ATF_TC_WITHOUT_HEAD(build_rejects_bad_args);
ATF_TC_BODY(build_rejects_bad_args, tc)
{
	struct key_buf b;
	struct sockaddr_in src = sin4("192.168.0.3", 0);
	struct sockaddr sa;

	key_buf_init(&b);

	/* An extension before key_msg_begin() has no header to follow. */
	ATF_CHECK_EQ(key_msg_add_sa2(&b, 0, 0, 0), -1);
	ATF_CHECK_EQ(errno, EINVAL);

	ATF_REQUIRE_EQ(key_msg_begin(&b, SADB_ADD, SADB_SATYPE_ESP, 1, 2), 0);
	ATF_CHECK_EQ(b.error, 0);
	ATF_CHECK_EQ(key_msg_add_address(&b, SADB_EXT_KEY_AUTH, 0, 32,
	    (struct sockaddr *)&src), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(b.error, EINVAL);

	/* The first error sticks; key_msg_end() reports it. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	ATF_CHECK_EQ(key_msg_add_address(&b, SADB_EXT_ADDRESS_SRC, 0, 32, &sa),
	    -1);
	ATF_CHECK_EQ(errno, EAFNOSUPPORT);
	ATF_CHECK_EQ(b.error, EINVAL);
	ATF_CHECK_EQ(key_msg_end(&b), -1);
	ATF_CHECK_EQ(errno, EINVAL);

	/* key_msg_begin() starts over and clears the error. */
	ATF_REQUIRE_EQ(key_msg_begin(&b, SADB_FLUSH, 0, 1, 2), 0);
	ATF_CHECK_EQ(key_msg_add_key(&b, SADB_EXT_ADDRESS_SRC, "k", 8), -1);
	ATF_REQUIRE_EQ(key_msg_begin(&b, SADB_FLUSH, 0, 1, 2), 0);
	ATF_CHECK_EQ(key_msg_add_lifetime(&b, SADB_EXT_SA, 0, 0, 0, 0), -1);
	ATF_CHECK_EQ(key_msg_add_natt_port(&b, SADB_EXT_SA, 1), -1);
	ATF_CHECK_EQ(key_msg_add_supported(&b, SADB_EXT_SA, NULL, 0), -1);
	ATF_CHECK_EQ(key_msg_add_identity(&b, SADB_EXT_SA, 0, 0, NULL), -1);
	ATF_CHECK_EQ(key_msg_add_policy(&b, NULL, 0), -1);
	ATF_REQUIRE_EQ(key_msg_begin(&b, SADB_FLUSH, 0, 1, 2), 0);
	ATF_CHECK_EQ(key_msg_end(&b), 0);
	ATF_CHECK_EQ(b.len, 16);
	key_buf_free(&b);
}

ATF_TC_WITHOUT_HEAD(build_too_large);
ATF_TC_BODY(build_too_large, tc)
{
	struct key_buf b;
	uint8_t *big;
	size_t chunk = 60000;
	int i, rc = 0;

	big = calloc(1, chunk);
	ATF_REQUIRE(big != NULL);
	key_buf_init(&b);
	ATF_REQUIRE_EQ(key_msg_begin(&b, SADB_ADD, SADB_SATYPE_ESP, 0, 0), 0);
	/* Nine raw extensions of 60 kB exceed the 512 kB message limit. */
	for (i = 0; i < 9 && rc == 0; i++)
		rc = key_msg_add_raw(&b, SADB_EXT_SENSITIVITY, big, chunk);
	ATF_CHECK_EQ(rc, -1);
	ATF_CHECK_EQ(errno, EMSGSIZE);
	ATF_CHECK_EQ(key_msg_end(&b), -1);
	ATF_CHECK_EQ(errno, EMSGSIZE);

	/* One extension larger than its 16-bit length field can count. */
	ATF_REQUIRE_EQ(key_msg_begin(&b, SADB_ADD, SADB_SATYPE_ESP, 0, 0), 0);
	ATF_CHECK_EQ(key_msg_add_key(&b, SADB_EXT_KEY_AUTH, big, 65536), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	free(big);
	key_buf_free(&b);
}

ATF_TC_WITHOUT_HEAD(sockaddr_conversion);
ATF_TC_BODY(sockaddr_conversion, tc)
{
	struct sockaddr_in a4 = sin4("192.0.2.1", 80);
	struct sockaddr_in6 a6 = sin6("2001:db8::5", 443, 3);
	struct sockaddr_storage ss;
	struct sockaddr_un_like { sa_family_t f; char p[20]; } un;
	uint8_t out[32];
	static const uint8_t want4[16] = {
		16, 2, 0, 80, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0
	};

	ATF_CHECK_EQ(key_sockaddr_to_bsd((struct sockaddr *)&a4, out,
	    sizeof(out)), 16);
	ATF_CHECK(memcmp(out, want4, 16) == 0);
	ATF_CHECK_EQ(key_sockaddr_from_bsd(out, 16, &ss), 0);
	ATF_CHECK_EQ(ss.ss_family, AF_INET);
	ATF_CHECK(memcmp(&ss, &a4, sizeof(a4)) == 0);

	ATF_CHECK_EQ(key_sockaddr_to_bsd((struct sockaddr *)&a6, out,
	    sizeof(out)), 28);
	ATF_CHECK_EQ(out[0], 28);
	ATF_CHECK_EQ(out[1], KEY_AF_INET6);
	ATF_CHECK_EQ(out[2], 0x01);
	ATF_CHECK_EQ(out[3], 0xbb);
	ATF_CHECK_EQ(out[8], 0x20);
	ATF_CHECK_EQ(out[9], 0x01);
	ATF_CHECK_EQ(out[23], 0x05);
	ATF_CHECK_EQ(key_sockaddr_from_bsd(out, 28, &ss), 0);
	ATF_CHECK(memcmp(&ss, &a6, sizeof(a6)) == 0);

	/* Too small a buffer, an unknown family, a bad length byte. */
	ATF_CHECK_EQ(key_sockaddr_to_bsd((struct sockaddr *)&a6, out, 27), -1);
	ATF_CHECK_EQ(errno, ENOSPC);
	memset(&un, 0, sizeof(un));
	un.f = AF_UNIX;
	ATF_CHECK_EQ(key_sockaddr_to_bsd((struct sockaddr *)&un, out,
	    sizeof(out)), -1);
	ATF_CHECK_EQ(errno, EAFNOSUPPORT);
	ATF_CHECK_EQ(key_sockaddr_from_bsd(out, 27, &ss), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	out[0] = 16;
	ATF_CHECK_EQ(key_sockaddr_from_bsd(out, 28, &ss), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	out[1] = 10;	/* Linux's AF_INET6, not FreeBSD's */
	ATF_CHECK_EQ(key_sockaddr_from_bsd(out, 28, &ss), -1);
	ATF_CHECK_EQ(errno, EAFNOSUPPORT);

	ATF_CHECK_EQ(key_sockaddr_bsdlen(AF_INET), 16);
	ATF_CHECK_EQ(key_sockaddr_bsdlen(AF_INET6), 28);
	ATF_CHECK_EQ(key_sockaddr_bsdlen(AF_UNIX), 0);
	ATF_CHECK_EQ(key_sockaddr_bits(AF_INET), 32);
	ATF_CHECK_EQ(key_sockaddr_bits(AF_INET6), 128);
	ATF_CHECK_EQ(key_sockaddr_bits(AF_UNIX), 0);
}

ATF_TC_WITHOUT_HEAD(wipe_clears);
ATF_TC_BODY(wipe_clears, tc)
{
	uint8_t secret[32];
	size_t i;

	memset(secret, 0xa5, sizeof(secret));
	key_wipe(secret, sizeof(secret));
	for (i = 0; i < sizeof(secret); i++)
		ATF_CHECK_EQ(secret[i], 0);
	key_wipe(NULL, 10);	/* must not crash */
}

ATF_TC_WITHOUT_HEAD(names);
ATF_TC_BODY(names, tc)
{
	ATF_CHECK_STREQ(key_msg_type_name(SADB_ADD), "SADB_ADD");
	ATF_CHECK_STREQ(key_msg_type_name(SADB_X_SPDDELETE2),
	    "SADB_X_SPDDELETE2");
	ATF_CHECK_STREQ(key_msg_type_name(SADB_X_IF_CREATE),
	    "SADB_X_IF_CREATE");
	ATF_CHECK_STREQ(key_msg_type_name(SADB_X_IF_CAPTURE),
	    "SADB_X_IF_CAPTURE");
	ATF_CHECK_STREQ(key_msg_type_name(23), "unknown");
	ATF_CHECK_STREQ(key_msg_type_name(249), "unknown");
	ATF_CHECK_STREQ(key_ext_type_name(SADB_EXT_KEY_ENCRYPT),
	    "SADB_EXT_KEY_ENCRYPT");
	ATF_CHECK_STREQ(key_ext_type_name(SADB_X_EXT_NEW_ADDRESS_DST),
	    "SADB_X_EXT_NEW_ADDRESS_DST");
	ATF_CHECK_STREQ(key_ext_type_name(29), "unknown");
	ATF_CHECK_STREQ(key_satype_name(SADB_SATYPE_ESP), "esp");
	ATF_CHECK_STREQ(key_satype_name(SADB_SATYPE_AH), "ah");
	ATF_CHECK_STREQ(key_satype_name(SADB_X_SATYPE_IPCOMP), "ipcomp");
	ATF_CHECK_STREQ(key_satype_name(SADB_X_SATYPE_TCPSIGNATURE), "tcp");
	ATF_CHECK_STREQ(key_satype_name(1), "unknown");
	ATF_CHECK_STREQ(key_satype_name(200), "unknown");

	ATF_CHECK_EQ(key_satype_to_proto(SADB_SATYPE_ESP), 50);
	ATF_CHECK_EQ(key_satype_to_proto(SADB_SATYPE_AH), 51);
	ATF_CHECK_EQ(key_satype_to_proto(SADB_X_SATYPE_IPCOMP), 108);
	ATF_CHECK_EQ(key_satype_to_proto(SADB_X_SATYPE_TCPSIGNATURE), 6);
	ATF_CHECK_EQ(key_satype_to_proto(SADB_SATYPE_RSVP), 0);
	ATF_CHECK_EQ(key_proto_to_satype(50), SADB_SATYPE_ESP);
	ATF_CHECK_EQ(key_proto_to_satype(51), SADB_SATYPE_AH);
	ATF_CHECK_EQ(key_proto_to_satype(108), SADB_X_SATYPE_IPCOMP);
	ATF_CHECK_EQ(key_proto_to_satype(6), SADB_X_SATYPE_TCPSIGNATURE);
	ATF_CHECK_EQ(key_proto_to_satype(17), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, add_setkey_bytes);
	ATF_TP_ADD_TC(tp, roundtrip_every_ext);
	ATF_TP_ADD_TC(tp, build_rejects_bad_args);
	ATF_TP_ADD_TC(tp, build_too_large);
	ATF_TP_ADD_TC(tp, sockaddr_conversion);
	ATF_TP_ADD_TC(tp, wipe_clears);
	ATF_TP_ADD_TC(tp, names);
	return atf_no_error();
}
