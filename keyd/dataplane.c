/*
 * The ESP data plane (RFC 4303, tunnel mode).  Frames that an ipsecN TAP
 * device passes to keyd are encrypted and sent to the tunnel's remote
 * endpoint.  ESP packets from the raw sockets are verified, decrypted and
 * written into the TAP of the interface their SA belongs to, or passed to
 * the host's stack (host.c) when their SA belongs to no interface.
 *
 * Each SA gets its transform state (struct sa_dp) when it first carries a
 * packet; the SAD frees it with the SA.  Every step that drops a packet
 * counts the reason on the interface (or keyd-wide when no interface is
 * known) and on the SA.
 *
 * Events are handled in batches of up to DP_BATCH packets per descriptor,
 * so that reads, and later writes, can be grouped without changing the
 * per-packet steps.
 */

#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <linux/virtio_net.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyd.h"
#include "esp.h"
#include "replay.h"

#define DP_BATCH		NETIO_BATCH
#define DP_BUFSIZE		(65536 + 256)
#define DP_TXSLOT		(9216 + 256)	/* an inner packet and ESP */
#define VNET_HDRLEN		GRO_VNET_HDRLEN
#define ETHER_HDRLEN		14
#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define NH_IPV4			4
#define NH_IPV6			41
#define NH_NONE			59	/* dummy packet, RFC 4303 2.6 */

struct sa_dp {
	struct esp_ctx esp;
	bool ready;			/* esp_ctx_init() succeeded */
	bool integrity;			/* ICV present: replay checks apply */
	struct replay_window window;
	struct replay_counter counter;
	uint64_t stats[SADB_X_IF_STAT_COUNT];
};

static struct log_rate in_rate;
static struct log_rate out_rate;
/* Debug lines about packets that match no SA, which anyone can send. */
static struct log_rate nosa_rate;

/*
 * ESP packets of one interface waiting for one sendmmsg().  Slot i holds
 * packet i; its SA and inner length are kept for the counters, which are
 * updated once the packet is sent.  The queue is flushed before the event
 * handler returns, so the SAs cannot go away meanwhile.
 */
static struct {
	uint8_t *slot[DP_BATCH];
	struct iovec iov[DP_BATCH];
	struct sa *sa[DP_BATCH];
	size_t inner[DP_BATCH];
	int n;
	struct ipsec_if *ifp;
} txq;

/* Buffers that one recvmmsg() fills, and received TCP being joined. */
static uint8_t *rxslot[DP_BATCH];
static struct gro gro;
static uint64_t gro_packets;		/* inner packets in gro */
static uint64_t gro_bytes;

void
dataplane_init(struct keyd *k)
{
	int i;

	if ((k->pkt = malloc(DP_BUFSIZE)) == NULL ||
	    (k->out = malloc(DP_BUFSIZE)) == NULL ||
	    (gro.buf = malloc(GRO_HEADROOM + GRO_MAXLEN)) == NULL)
		fatal("malloc");
	for (i = 0; i < DP_BATCH; i++)
		if ((txq.slot[i] = malloc(DP_TXSLOT)) == NULL ||
		    (rxslot[i] = malloc(DP_BUFSIZE)) == NULL)
			fatal("malloc");
}

void
dataplane_shutdown(struct keyd *k)
{
	int i;

	/* Decrypted packets passed through these buffers. */
	if (k->pkt != NULL)
		key_wipe(k->pkt, DP_BUFSIZE);
	if (k->out != NULL)
		key_wipe(k->out, DP_BUFSIZE);
	if (gro.buf != NULL)
		key_wipe(gro.buf, GRO_HEADROOM + GRO_MAXLEN);
	free(k->pkt);
	free(k->out);
	free(gro.buf);
	k->pkt = k->out = gro.buf = NULL;
	for (i = 0; i < DP_BATCH; i++) {
		if (txq.slot[i] != NULL)
			key_wipe(txq.slot[i], DP_TXSLOT);
		free(txq.slot[i]);
		free(rxslot[i]);
		txq.slot[i] = rxslot[i] = NULL;
	}
}

static void
dp_free(void *arg)
{
	struct sa_dp *dp = arg;

	if (dp->ready)
		esp_ctx_free(&dp->esp);
	replay_window_free(&dp->window);
	key_wipe(dp, sizeof(*dp));
	free(dp);
}

/*
 * Returns sa's data-plane state, creating it on first use, or NULL when
 * out of memory.  dp->ready is false when the SA's algorithms cannot be
 * set up; the reason is logged once.
 */
static struct sa_dp *
dp_get(struct sa *sa)
{
	struct sa_dp *dp;
	bool esn;
	int rc;

	if (sa->dp != NULL)
		return sa->dp;
	if ((dp = calloc(1, sizeof(*dp))) == NULL)
		return NULL;
	esn = (sa->flags & SADB_X_SAFLAGS_ESN) != 0;
	rc = esp_ctx_init(&dp->esp, sa->enc, sa->key_enc.data,
	    sa->key_enc.len, sa->auth, sa->key_auth.data, sa->key_auth.len,
	    sa->flags & (ESP_F_ESN | ESP_PAD_MASK));
	if (rc != 0)
		log_warnx("SA SPI 0x%08x: cannot set up ESP: %s; its packets "
		    "are dropped", sa->spi, dp->esp.error != NULL ?
		    dp->esp.error : strerror(-rc));
	else
		dp->ready = true;
	dp->integrity = dp->ready && (dp->esp.icvlen > 0);
	if (replay_window_init(&dp->window, dp->integrity ? sa->replay * 8 :
	    0, esn) != 0) {
		if (dp->ready)
			esp_ctx_free(&dp->esp);
		free(dp);
		return NULL;
	}
	replay_counter_init(&dp->counter, esn,
	    (sa->flags & SADB_X_EXT_CYCSEQ) != 0);
	dp->counter.last = sa->seq;
	sa->dp = dp;
	sa->dp_free = dp_free;
	return dp;
}

const uint64_t *
dataplane_sa_stats(const struct sa *sa)
{
	const struct sa_dp *dp = sa->dp;

	return dp != NULL ? dp->stats : NULL;
}

static void
drop(struct keyd *k, struct ipsec_if *ifp, struct sa_dp *dp, int reason)
{
	if (ifp != NULL)
		ifp->stats[reason]++;
	else
		k->stats[reason]++;
	if (dp != NULL)
		dp->stats[reason]++;
}

/*
 * Checks the IP packet of len bytes at ip against its EtherType or next
 * header (IPv4 or IPv6) and returns its length from its own header, or 0
 * if it is malformed.  Trailing bytes beyond that length are ignored.
 */
static size_t
ip_length(const uint8_t *ip, size_t len, bool v6)
{
	size_t total;

	if (!v6) {
		if (len < 20 || (ip[0] >> 4) != 4 || (ip[0] & 0x0f) < 5)
			return 0;
		total = (size_t)ip[2] << 8 | ip[3];
		if (total < (size_t)(ip[0] & 0x0f) * 4 || total > len)
			return 0;
		return total;
	}
	if (len < 40 || (ip[0] >> 4) != 6)
		return 0;
	total = 40 + ((size_t)ip[4] << 8 | ip[5]);
	if (total > len)
		return 0;
	return total;
}

static void
capture_clear(struct keyd *k, struct ipsec_if *ifp, const uint8_t *ip,
    size_t len)
{
	capture_packet(ifp->cap, ip, len);
	capture_packet(k->cap, ip, len);
}

static size_t
outer_hdrlen(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? 40 : 20;
}

/* Sends the queued ESP packets and counts them. */
static void
tx_flush(struct keyd *k)
{
	struct ipsec_if *ifp = txq.ifp;
	const struct sockaddr *src, *dst;
	int err[DP_BATCH], i, n = txq.n;
	size_t esplen;
	struct sa *sa;

	if (n == 0)
		return;
	txq.n = 0;
	src = (const struct sockaddr *)&ifp->src;
	dst = (const struct sockaddr *)&ifp->dst;
	(void)netio_send_batch(k, src, dst, txq.iov, n, err);
	for (i = 0; i < n; i++) {
		sa = txq.sa[i];
		if (err[i] != 0) {
			if (log_ratelimit(&out_rate, 5, 60))
				log_warnx("%s: sending ESP (SPI 0x%08x): %s",
				    ifp->name, sa->spi, strerror(err[i]));
			drop(k, ifp, sa->dp, SADB_X_IF_STAT_DROP_SEND);
			continue;
		}
		esplen = txq.iov[i].iov_len;
		capture_esp(ifp->cap, src, dst, txq.slot[i], esplen);
		capture_esp(k->cap, src, dst, txq.slot[i], esplen);
		sad_account(sa, outer_hdrlen(&ifp->src) + esplen);
		((struct sa_dp *)sa->dp)->stats[SADB_X_IF_STAT_OPACKETS]++;
		((struct sa_dp *)sa->dp)->stats[SADB_X_IF_STAT_OBYTES] +=
		    outer_hdrlen(&ifp->src) + esplen;
		ifp->stats[SADB_X_IF_STAT_OPACKETS]++;
		ifp->stats[SADB_X_IF_STAT_OBYTES] += txq.inner[i];
	}
}

/*
 * Returns the outbound SA of ifp's tunnel with its data-plane state in
 * *dpp, or NULL after counting the drop (and asking key managers for an
 * SA when there is none).
 */
static struct sa *
out_sa(struct keyd *k, struct ipsec_if *ifp, bool v6, struct sa_dp **dpp)
{
	const struct sockaddr *src = (const struct sockaddr *)&ifp->src;
	const struct sockaddr *dst = (const struct sockaddr *)&ifp->dst;
	struct sa_dp *dp;
	struct sa *sa;

	sa = sad_lookup_out(&k->sad, src, dst, IPPROTO_ESP, ifp->reqid);
	if (sa == NULL) {
		keyd_acquire(k, IPPROTO_ESP, IPSEC_MODE_TUNNEL, ifp->reqid,
		    src, dst, ifp->sp[v6 ? IFNET_SP_OUT6 : IFNET_SP_OUT4]);
		drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_NOSA);
		return NULL;
	}
	if ((dp = dp_get(sa)) == NULL || !dp->ready) {
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_ENCRYPT);
		return NULL;
	}
	*dpp = dp;
	return sa;
}

/*
 * Encrypts the inner packet of len bytes that lies in out at the offset
 * of sa's ESP payload, in place, and sends it: at once from k->out, or
 * queued from a slot of txq.
 */
static void
seal(struct keyd *k, struct ipsec_if *ifp, struct sa *sa, struct sa_dp *dp,
    uint8_t *out, size_t cap, size_t len, bool v6)
{
	const struct sockaddr *src = (const struct sockaddr *)&ifp->src;
	const struct sockaddr *dst = (const struct sockaddr *)&ifp->dst;
	const uint8_t *ip = out + esp_header_len(&dp->esp);
	uint64_t seq;
	size_t esplen;
	int rc;

	if (replay_counter_next(&dp->counter, &seq) != 0) {
		if (log_ratelimit(&out_rate, 5, 60))
			log_warnx("SA SPI 0x%08x: sequence numbers used up; "
			    "packets are dropped until the SA is replaced",
			    sa->spi);
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_SEQ);
		return;
	}
	sa->seq = seq;
	if (seq >= SEQ_SOFT_LIMIT && !sa->watched)
		sad_watch_update(&k->sad, sa);
	rc = esp_encrypt(&dp->esp, sa->spi, seq, v6 ? NH_IPV6 : NH_IPV4, ip,
	    len, out, cap, (int)(sa->flags & ESP_PAD_MASK), &esplen);
	if (rc != ESP_OK) {
		if (log_ratelimit(&out_rate, 5, 60))
			log_warnx("SA SPI 0x%08x: encryption failed: %s",
			    sa->spi, esp_strerror(rc));
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_ENCRYPT);
		return;
	}
	if (out != k->out) {
		txq.iov[txq.n].iov_base = out;
		txq.iov[txq.n].iov_len = esplen;
		txq.sa[txq.n] = sa;
		txq.inner[txq.n] = len;
		txq.ifp = ifp;
		if (++txq.n == DP_BATCH)
			tx_flush(k);
		return;
	}
	if (netio_send(k, src, dst, k->out, esplen) == -1) {
		if (log_ratelimit(&out_rate, 5, 60))
			log_warn("%s: sending ESP (SPI 0x%08x)", ifp->name,
			    sa->spi);
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_SEND);
		return;
	}
	capture_esp(ifp->cap, src, dst, k->out, esplen);
	capture_esp(k->cap, src, dst, k->out, esplen);
	sad_account(sa, outer_hdrlen(&ifp->src) + esplen);
	dp->stats[SADB_X_IF_STAT_OPACKETS]++;
	dp->stats[SADB_X_IF_STAT_OBYTES] += outer_hdrlen(&ifp->src) + esplen;
	ifp->stats[SADB_X_IF_STAT_OPACKETS]++;
	ifp->stats[SADB_X_IF_STAT_OBYTES] += len;
}

/* Returns a free slot of txq with room for len bytes and ESP, or NULL. */
static uint8_t *
tx_slot(const struct sa_dp *dp, size_t len)
{
	if (len + esp_overhead_max(&dp->esp) > DP_TXSLOT)
		return NULL;
	return txq.slot[txq.n];
}

/* Encrypts one inner packet for ifp's tunnel and sends it. */
static void
output(struct keyd *k, struct ipsec_if *ifp, const uint8_t *ip, size_t len,
    bool v6)
{
	struct sa_dp *dp;
	struct sa *sa;
	uint8_t *out;
	size_t cap = DP_TXSLOT;

	if ((sa = out_sa(k, ifp, v6, &dp)) == NULL)
		return;
	if ((out = tx_slot(dp, len)) == NULL) {
		tx_flush(k);
		out = k->out;
		cap = DP_BUFSIZE;
	}
	memcpy(out + esp_header_len(&dp->esp), ip, len);
	seal(k, ifp, sa, dp, out, cap, len, v6);
}

/*
 * Cuts a TSO packet into the segments the kernel would have sent, each
 * written straight to the place of its ESP payload, and sends them.
 */
static void
output_tso(struct keyd *k, struct ipsec_if *ifp,
    const struct virtio_net_hdr *h, const uint8_t *ip, size_t len, bool v6)
{
	struct sa_dp *dp = NULL;
	struct sa *sa = NULL;
	struct tso t;
	size_t hdrlen = 0, seglen;
	uint8_t *out;

	if (tso_init(&t, h, ip, len, v6) == -1) {
		drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_MALFORMED);
		return;
	}
	for (;;) {
		if (ifp->has_tunnel && sa == NULL) {
			if ((sa = out_sa(k, ifp, v6, &dp)) == NULL)
				return;
			hdrlen = esp_header_len(&dp->esp);
		}
		out = txq.slot[txq.n];
		seglen = tso_next(&t, out + hdrlen, DP_TXSLOT - hdrlen -
		    (dp != NULL ? esp_overhead_max(&dp->esp) : 0));
		if (seglen == 0)
			break;
		capture_clear(k, ifp, out + hdrlen, seglen);
		if (!ifp->has_tunnel) {
			drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_NOTUNNEL);
			continue;
		}
		seal(k, ifp, sa, dp, out, DP_TXSLOT, seglen, v6);
	}
	if (t.off < t.paylen)
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_MALFORMED);
}

/* Handles one frame, with its virtio-net header, read from ifp's TAP. */
static void
tap_frame(struct keyd *k, struct ipsec_if *ifp, uint8_t *buf, size_t n)
{
	struct virtio_net_hdr h;
	uint8_t *frame = buf + VNET_HDRLEN;
	uint16_t type;
	size_t len;
	bool v6;

	if (n < VNET_HDRLEN + ETHER_HDRLEN) {
		drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_MALFORMED);
		return;
	}
	memcpy(&h, buf, sizeof(h));
	n -= VNET_HDRLEN;
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6) {
		drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_NOTIP);
		return;
	}
	v6 = type == ETHERTYPE_IPV6;
	len = ip_length(frame + ETHER_HDRLEN, n - ETHER_HDRLEN, v6);
	if (len == 0) {
		drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_MALFORMED);
		return;
	}
	if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		output_tso(k, ifp, &h, frame + ETHER_HDRLEN, len, v6);
		return;
	}
	if ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    offload_csum_complete(&h, frame, ETHER_HDRLEN + len) == -1) {
		drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_MALFORMED);
		return;
	}
	capture_clear(k, ifp, frame + ETHER_HDRLEN, len);
	if (!ifp->has_tunnel) {
		drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_NOTUNNEL);
		return;
	}
	output(k, ifp, frame + ETHER_HDRLEN, len, v6);
}

/* Reads and processes the frames waiting on ifp's TAP. */
void
dataplane_tap_event(struct keyd *k, struct ipsec_if *ifp)
{
	ssize_t n;
	int i;

	for (i = 0; i < DP_BATCH; i++) {
		n = read(ifp->tapfd, k->pkt, DP_BUFSIZE);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    log_ratelimit(&out_rate, 5, 60))
				log_warn("%s: read", ifp->name);
			break;
		}
		tap_frame(k, ifp, k->pkt, (size_t)n);
		/*
		 * Send the first frame's packets before reading again: when
		 * it is the only one, the read that finds the TAP empty would
		 * otherwise delay them.
		 */
		if (i == 0)
			tx_flush(k);
	}
	tx_flush(k);
}

static int
decrypt_reason(int rc)
{
	switch (rc) {
	case ESP_ERR_ICV:
		return SADB_X_IF_STAT_DROP_ICV;
	case ESP_ERR_PADLEN:
	case ESP_ERR_PADDING:
		return SADB_X_IF_STAT_DROP_PADDING;
	case ESP_ERR_TRUNCATED:
	case ESP_ERR_LENGTH:
	case ESP_ERR_TOOBIG:
		return SADB_X_IF_STAT_DROP_MALFORMED;
	default:
		return SADB_X_IF_STAT_DROP_DECRYPT;
	}
}

/* Logs an inbound drop of an SA, at most 10 a minute. */
static void
log_in_drop(const struct sa *sa, const char *why)
{
	if (!log_ratelimit(&in_rate, 10, 60))
		return;
	log_warnx("SA SPI 0x%08x: inbound packet dropped: %s%s", sa->spi, why,
	    in_rate.suppressed > 0 ? " (more drops were not logged)" : "");
	in_rate.suppressed = 0;
}

/*
 * Writes the frame at buf into ifp's TAP: a virtio-net header, room for
 * the Ethernet header, then an IP packet of len bytes.  It carries
 * npackets inner packets of nbytes in all, for the counters.
 */
static void
tap_write(struct ipsec_if *ifp, uint8_t *buf, size_t len, bool v6,
    uint64_t npackets, uint64_t nbytes)
{
	uint8_t *frame = buf + VNET_HDRLEN;
	uint16_t type = v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;

	/* The kernel drops unicast frames not addressed to the TAP's MAC. */
	memcpy(frame, ifp->mac, 6);
	memcpy(frame + 6, ifp->mac, 6);
	frame[11] ^= 1;
	frame[12] = (uint8_t)(type >> 8);
	frame[13] = (uint8_t)type;
	if (write(ifp->tapfd, buf, VNET_HDRLEN + ETHER_HDRLEN + len) == -1) {
		ifp->stats[SADB_X_IF_STAT_DROP_WRITE] += npackets;
		return;
	}
	ifp->stats[SADB_X_IF_STAT_IPACKETS] += npackets;
	ifp->stats[SADB_X_IF_STAT_IBYTES] += nbytes;
}

/* Writes the joined packet waiting in gro, if any, and wipes it. */
static void
gro_flush(void)
{
	struct ipsec_if *ifp = gro.owner;
	bool v6 = gro.v6;
	size_t len;

	if (gro.len == 0)
		return;
	len = gro_finish(&gro);
	tap_write(ifp, gro.buf, len, v6, gro_packets, gro_bytes);
	key_wipe(gro.buf, GRO_HEADROOM + len);
	gro_packets = gro_bytes = 0;
}

/*
 * Passes a decrypted inner packet, which lies in buf after GRO_HEADROOM
 * bytes, to ifp's TAP: joined to the TCP segments before it, kept to be
 * joined with the next ones, or written alone.
 */
static void
deliver_inner(struct keyd *k, struct ipsec_if *ifp, uint8_t *buf,
    size_t len, bool v6)
{
	const uint8_t *ip = buf + GRO_HEADROOM;

	capture_clear(k, ifp, ip, len);
	if (!gro_merge(&gro, ifp, ip, len, v6)) {
		gro_flush();
		if (!gro_start(&gro, ifp, ip, len, v6)) {
			memset(buf, 0, VNET_HDRLEN);
			tap_write(ifp, buf, len, v6, 1, len);
			return;
		}
	}
	gro_packets++;
	gro_bytes += len;
}

/*
 * Passes a decrypted inner packet that no ipsecN interface takes to the
 * host's stack, as FreeBSD leaves it as received on the physical
 * interface.  It is counted keyd-wide and on its SA.
 */
static void
to_host(struct keyd *k, struct sa *sa, uint8_t *ip, size_t len, bool v6)
{
	struct sa_dp *dp = sa->dp;
	int reason;

	capture_packet(k->cap, ip, len);
	reason = host_deliver(k, sa->spi, ip, len, v6);
	if (reason != SADB_X_IF_STAT_HOST) {
		drop(k, NULL, dp, reason);
		return;
	}
	k->stats[SADB_X_IF_STAT_HOST]++;
	dp->stats[SADB_X_IF_STAT_HOST]++;
}

/* Captures a received ESP packet with its outer header. */
static void
capture_received(struct capture *cap, const struct netio_pkt *p)
{
	if (cap == NULL)
		return;
	if (p->ip != NULL)
		capture_packet(cap, p->ip, p->wirelen);
	else
		capture_esp(cap, (const struct sockaddr *)&p->src,
		    (const struct sockaddr *)&p->dst, p->esp, p->esplen);
}

/*
 * Verifies and decrypts one ESP packet in the steps of RFC 4303 section
 * 3.4: SA by SPI, replay check, ICV and decryption, replay window update,
 * then the inner packet to its interface or the host's stack.
 */
static void
input(struct keyd *k, struct netio_pkt *p)
{
	struct ipsec_if *ifp;
	struct sa_dp *dp;
	struct sa *sa;
	uint32_t spi, seq_lo;
	uint64_t seq;
	uint8_t nh;
	size_t plen, len;
	uint8_t *inner;
	int rc;

	capture_received(k->cap, p);
	if (esp_peek(p->esp, p->esplen, &spi, &seq_lo) != ESP_OK) {
		drop(k, NULL, NULL, SADB_X_IF_STAT_DROP_MALFORMED);
		return;
	}
	if ((sa = sad_lookup_spi(&k->sad, spi)) == NULL) {
		drop(k, NULL, NULL, SADB_X_IF_STAT_DROP_NOSPI);
		if (log_ratelimit(&nosa_rate, 10, 60))
			log_debug("inbound ESP with unknown SPI 0x%08x "
			    "dropped", spi);
		return;
	}
	if ((ifp = ifnet_for_sa(k, sa)) != NULL)
		capture_received(ifp->cap, p);
	if (sa->proto != IPPROTO_ESP ||
	    (sa->state != SADB_SASTATE_MATURE &&
	    sa->state != SADB_SASTATE_DYING) ||
	    !sockaddr_equal_addr((struct sockaddr *)&sa->dst,
	    (struct sockaddr *)&p->dst)) {
		drop(k, ifp, sa->dp, SADB_X_IF_STAT_DROP_SAMISMATCH);
		if (log_ratelimit(&nosa_rate, 10, 60))
			log_debug("SA SPI 0x%08x: inbound packet does not "
			    "match the SA's protocol, state or destination",
			    spi);
		return;
	}
	if ((dp = dp_get(sa)) == NULL || !dp->ready) {
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_DECRYPT);
		return;
	}
	seq = seq_lo;
	if (dp->integrity &&
	    (rc = replay_check(&dp->window, seq_lo, &seq)) != REPLAY_OK) {
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_REPLAY);
		log_in_drop(sa, replay_strerror(rc));
		return;
	}
	inner = k->out + GRO_HEADROOM;
	rc = esp_decrypt(&dp->esp, p->esp, p->esplen, (uint32_t)(seq >> 32),
	    inner, DP_BUFSIZE - GRO_HEADROOM, &nh, &plen);
	if (rc != ESP_OK) {
		drop(k, ifp, dp, decrypt_reason(rc));
		log_in_drop(sa, esp_strerror(rc));
		return;
	}
	if (dp->integrity &&
	    (rc = replay_update(&dp->window, seq)) != REPLAY_OK) {
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_REPLAY);
		log_in_drop(sa, replay_strerror(rc));
		return;
	}
	sad_account(sa, p->wirelen);
	dp->stats[SADB_X_IF_STAT_IPACKETS]++;
	dp->stats[SADB_X_IF_STAT_IBYTES] += p->wirelen;
	if (nh == NH_NONE) {
		dp->stats[SADB_X_IF_STAT_DUMMY]++;
		return;
	}
	if ((nh != NH_IPV4 && nh != NH_IPV6) ||
	    (len = ip_length(inner, plen, nh == NH_IPV6)) == 0) {
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_INNER);
		log_in_drop(sa, "not an IPv4 or IPv6 packet in tunnel mode");
		return;
	}
	if (ifp == NULL) {
		to_host(k, sa, inner, len, nh == NH_IPV6);
		key_wipe(inner, plen);
		return;
	}
	deliver_inner(k, ifp, k->out, len, nh == NH_IPV6);
	key_wipe(inner, plen);
}

/* Receives and processes the ESP packets waiting on raw socket fd. */
void
dataplane_raw_event(struct keyd *k, int fd)
{
	struct netio_pkt p[DP_BATCH];
	int i, n;

	n = netio_recv_batch(k, fd, rxslot, DP_BUFSIZE, p, DP_BATCH);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    log_ratelimit(&in_rate, 10, 60))
			log_warn("raw ESP socket: recvmmsg");
		return;
	}
	for (i = 0; i < n; i++)
		if (p[i].esp != NULL)
			input(k, &p[i]);
	gro_flush();
}
