/*
 * libFuzzer harness for keyd's inbound data plane: the IPv4 header split
 * of netio.c and the input steps of dataplane.c, run on packets from the
 * input instead of a raw socket.  The steps are the SA lookup by SPI, the
 * SA checks, the replay window, decryption, the inner packet checks and
 * delivery to the ipsecN interface.  Both files are compiled into this
 * one to reach their file-local functions.  TAP devices are /dev/null.
 *
 * keyd holds one IPv4 and one IPv6 tunnel SA per configuration of
 * esp_setup.c, SPIs 0x1000 + i and 0x2000 + i, and two interfaces with
 * their reqid and tunnel addresses.  The input is a sequence of packets,
 * each starting with a flag byte:
 *
 *	bit 0	IPv6 (else IPv4)
 *	bit 1	build: bytes 1-6 are the configuration, the 32-bit
 *		sequence number and the next header, bytes 7-8 a length,
 *		and the harness encrypts that many payload bytes with the
 *		SA's keys, so the packet passes the ICV
 *	else	bytes 1-2 are a length and that many bytes follow: the
 *		whole IPv4 packet, or the IPv6 payload (the ESP packet)
 *
 * Every packet must be counted: the interface, keyd-wide and per-SA
 * counters together must grow with each one.  The SAD keeps its SAs.
 */

#include <arpa/inet.h>

#include <fcntl.h>
#include <stdio.h>

#include "../keyd/dataplane.c"
#include "../keyd/netio.c"

#include "fuzz.h"

#define F_V6		0x01
#define F_BUILD		0x02
#define SPI_V4		0x1000
#define SPI_V6		0x2000
#define REQID		7

static struct esp_ctx *senders;
static bool *ready;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct fuzz_sa_setup *s;
	size_t i;

	(void)argc;
	(void)argv;
	fuzz_quiet();
	senders = calloc(fuzz_sa_nsetups, sizeof(*senders));
	ready = calloc(fuzz_sa_nsetups, sizeof(*ready));
	FUZZ_ASSERT(senders != NULL && ready != NULL);
	for (i = 0; i < fuzz_sa_nsetups; i++) {
		s = &fuzz_sa_setups[i];
		ready[i] = esp_ctx_init(&senders[i], s->enc, s->enckey,
		    s->enckeylen, s->auth, s->authkey, s->authkeylen,
		    s->flags) == 0;
		if (!ready[i])
			fprintf(stderr, "%s: not available: %s\n", s->name,
			    senders[i].error != NULL ? senders[i].error : "?");
	}
	return 0;
}

static void
set_addr(struct sockaddr_storage *ss, bool v6, bool local)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (v6) {
		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, local ? "2001:db8::1" : "2001:db8::2",
		    &sin6->sin6_addr);
	} else {
		sin->sin_family = AF_INET;
		inet_pton(AF_INET, local ? "10.0.0.1" : "10.0.0.2",
		    &sin->sin_addr);
	}
}

static void
add_sa(struct keyd *k, const struct fuzz_sa_setup *s, uint32_t spi, bool v6)
{
	struct sockaddr_storage ss;
	struct sa *sa;

	FUZZ_ASSERT((sa = sad_new(&k->sad)) != NULL);
	sa->spi = spi;
	sa->satype = SADB_SATYPE_ESP;
	sa->proto = IPPROTO_ESP;
	sa->state = SADB_SASTATE_MATURE;
	sa->mode = IPSEC_MODE_TUNNEL;
	sa->reqid = REQID;
	set_addr(&ss, v6, false);
	sockaddr_union_set(&sa->src, (const struct sockaddr *)&ss);
	set_addr(&ss, v6, true);
	sockaddr_union_set(&sa->dst, (const struct sockaddr *)&ss);
	sa->enc = s->enc;
	sa->auth = s->auth;
	sa->flags = s->flags | SADB_X_EXT_CYCSEQ;
	sa->replay = 4;
	if (s->enckey != NULL)
		FUZZ_ASSERT(sa_set_key(&sa->key_enc, s->enckey,
		    (unsigned int)s->enckeylen * 8) == 0);
	if (s->authkey != NULL)
		FUZZ_ASSERT(sa_set_key(&sa->key_auth, s->authkey,
		    (unsigned int)s->authkeylen * 8) == 0);
	FUZZ_ASSERT(sad_insert(&k->sad, sa) == 0);
}

static void
add_if(struct keyd *k, const char *name, bool v6)
{
	struct ipsec_if *ifp;

	FUZZ_ASSERT((ifp = calloc(1, sizeof(*ifp))) != NULL);
	snprintf(ifp->name, sizeof(ifp->name), "%s", name);
	ifp->ifindex = v6 ? 11 : 10;
	FUZZ_ASSERT((ifp->tapfd = open("/dev/null", O_WRONLY)) != -1);
	memcpy(ifp->mac, "\x02\x00\x5e\x00\x00\x01", 6);
	ifp->reqid = REQID;
	ifp->has_tunnel = true;
	set_addr(&ifp->src, v6, true);
	set_addr(&ifp->dst, v6, false);
	TAILQ_INSERT_TAIL(&k->ifs, ifp, entry);
}

static void
setup(struct keyd *k)
{
	size_t i;

	keyd_init(k, 64, 8, KEYD_QUEUE_MAX_MIN);
	for (i = 0; i < fuzz_sa_nsetups; i++) {
		add_sa(k, &fuzz_sa_setups[i], SPI_V4 + (uint32_t)i, false);
		add_sa(k, &fuzz_sa_setups[i], SPI_V6 + (uint32_t)i, true);
	}
	add_if(k, "ipsec0", false);
	add_if(k, "ipsec1", true);
}

static void
teardown(struct keyd *k)
{
	struct ipsec_if *ifp;

	while ((ifp = TAILQ_FIRST(&k->ifs)) != NULL) {
		TAILQ_REMOVE(&k->ifs, ifp, entry);
		close(ifp->tapfd);
		free(ifp);
	}
	keyd_shutdown(k);
	FUZZ_ASSERT(k->sad.count == 0);
}

/* Sums every drop and delivery counter keyd keeps. */
static uint64_t
counted(const struct keyd *k)
{
	const struct ipsec_if *ifp;
	const struct sa *sa;
	const uint64_t *st;
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < SADB_X_IF_STAT_COUNT; i++)
		n += k->stats[i];
	TAILQ_FOREACH(ifp, &k->ifs, entry)
		for (i = 0; i < SADB_X_IF_STAT_COUNT; i++)
			n += ifp->stats[i];
	TAILQ_FOREACH(sa, &k->sad.list, entry)
		if ((st = dataplane_sa_stats(sa)) != NULL)
			for (i = 0; i < SADB_X_IF_STAT_COUNT; i++)
				n += st[i];
	return n;
}

/* Puts an IPv4 header with protocol 50 in front of len bytes at buf+20. */
static void
ipv4_header(uint8_t *buf, size_t len)
{
	size_t total = len + 20;

	memset(buf, 0, 20);
	buf[0] = 0x45;
	buf[2] = (uint8_t)(total >> 8);
	buf[3] = (uint8_t)total;
	buf[8] = 64;
	buf[9] = IPPROTO_ESP;
	memcpy(buf + 12, "\x0a\x00\x00\x02\x0a\x00\x00\x01", 8);
}

/* Feeds the packet at buf (IPv4: with its header) to keyd's input. */
static void
feed(struct keyd *k, uint8_t *buf, size_t len, bool v6)
{
	struct netio_pkt p;
	uint64_t before = counted(k);
	size_t nsa = k->sad.count;

	if (v6) {
		memset(&p, 0, sizeof(p));
		set_addr(&p.src, true, false);
		set_addr(&p.dst, true, true);
		p.esp = buf;
		p.esplen = len;
		p.wirelen = len + 40;
	} else if (parse_ipv4(buf, len, &p) == -1) {
		k->stats[SADB_X_IF_STAT_DROP_MALFORMED]++;
		return;
	}
	input(k, &p);
	/* keyd writes the joined inner packets after each batch. */
	gro_flush();
	FUZZ_ASSERT(counted(k) > before);
	FUZZ_ASSERT(k->sad.count == nsa);
}

/* Encrypts a payload from the input with a known SA and feeds it. */
static size_t
build(struct keyd *k, uint8_t flags, const uint8_t *data, size_t size)
{
	struct esp_ctx *ctx;
	uint8_t *pkt;
	size_t i, len, plen, off, cap;
	uint32_t seq;
	bool v6 = flags & F_V6;

	if (size < 8)
		return size;
	i = data[0] % fuzz_sa_nsetups;
	seq = (uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 |
	    (uint32_t)data[3] << 8 | data[4];
	plen = (size_t)data[6] | (size_t)data[7] << 8;
	if (plen > size - 8)
		plen = size - 8;
	if (!ready[i])
		return 8 + plen;
	ctx = &senders[i];
	off = v6 ? 0 : 20;
	cap = off + esp_packet_len(ctx, plen);
	if ((pkt = malloc(cap)) == NULL)
		return 8 + plen;
	if (esp_encrypt(ctx, (v6 ? SPI_V6 : SPI_V4) + (uint32_t)i, seq,
	    data[5], data + 8, plen, pkt + off, cap - off,
	    ctx->flags & ESP_PAD_MASK, &len) == ESP_OK) {
		if (!v6)
			ipv4_header(pkt, len);
		feed(k, pkt, off + len, v6);
	}
	free(pkt);
	return 8 + plen;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keyd k;
	size_t pos = 0, len;
	uint8_t flags, *pkt;

	setup(&k);
	while (pos < size) {
		flags = data[pos++];
		if (flags & F_BUILD) {
			pos += build(&k, flags, data + pos, size - pos);
			continue;
		}
		if (size - pos < 2)
			break;
		len = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
		pos += 2;
		if (len > size - pos)
			len = size - pos;
		if ((pkt = malloc(len > 0 ? len : 1)) == NULL)
			break;
		memcpy(pkt, data + pos, len);
		feed(&k, pkt, len, flags & F_V6);
		free(pkt);
		pos += len;
	}
	teardown(&k);
	return 0;
}
