/*
 * The ESP data plane (RFC 4303, tunnel mode).  Frames that an ipsecN TAP
 * device passes to keyd are encrypted and sent to the tunnel's remote
 * endpoint.  ESP packets from the raw sockets are verified, decrypted and
 * written into the TAP of the interface their SA belongs to.
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
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyd.h"
#include "esp.h"
#include "replay.h"

#define DP_BATCH		64
#define DP_BUFSIZE		(65536 + 256)
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

void
dataplane_init(struct keyd *k)
{
	if ((k->pkt = malloc(DP_BUFSIZE)) == NULL ||
	    (k->out = malloc(DP_BUFSIZE)) == NULL)
		fatal("malloc");
}

void
dataplane_shutdown(struct keyd *k)
{
	/* Decrypted packets passed through these buffers. */
	if (k->pkt != NULL)
		key_wipe(k->pkt, DP_BUFSIZE);
	if (k->out != NULL)
		key_wipe(k->out, DP_BUFSIZE);
	free(k->pkt);
	free(k->out);
	k->pkt = k->out = NULL;
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

/* Encrypts one inner packet for ifp's tunnel and sends it. */
static void
output(struct keyd *k, struct ipsec_if *ifp, const uint8_t *ip, size_t len,
    bool v6)
{
	const struct sockaddr *src = (const struct sockaddr *)&ifp->src;
	const struct sockaddr *dst = (const struct sockaddr *)&ifp->dst;
	struct sa_dp *dp;
	struct sa *sa;
	uint64_t seq;
	size_t esplen;
	int rc;

	sa = sad_lookup_out(&k->sad, src, dst, IPPROTO_ESP, ifp->reqid);
	if (sa == NULL) {
		keyd_acquire(k, IPPROTO_ESP, IPSEC_MODE_TUNNEL, ifp->reqid,
		    src, dst, ifp->sp[v6 ? IFNET_SP_OUT6 : IFNET_SP_OUT4]);
		drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_NOSA);
		return;
	}
	if ((dp = dp_get(sa)) == NULL || !dp->ready) {
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_ENCRYPT);
		return;
	}
	if (replay_counter_next(&dp->counter, &seq) != 0) {
		if (log_ratelimit(&out_rate, 5, 60))
			log_warnx("SA SPI 0x%08x: sequence numbers used up; "
			    "packets are dropped until the SA is replaced",
			    sa->spi);
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_SEQ);
		return;
	}
	sa->seq = seq;
	rc = esp_encrypt(&dp->esp, sa->spi, seq, v6 ? NH_IPV6 : NH_IPV4, ip,
	    len, k->out, DP_BUFSIZE, (int)(sa->flags & ESP_PAD_MASK),
	    &esplen);
	if (rc != ESP_OK) {
		if (log_ratelimit(&out_rate, 5, 60))
			log_warnx("SA SPI 0x%08x: encryption failed: %s",
			    sa->spi, esp_strerror(rc));
		drop(k, ifp, dp, SADB_X_IF_STAT_DROP_ENCRYPT);
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

/* Handles one frame read from ifp's TAP. */
static void
tap_frame(struct keyd *k, struct ipsec_if *ifp, const uint8_t *frame,
    size_t n)
{
	uint16_t type;
	size_t len;
	bool v6;

	if (n < ETHER_HDRLEN) {
		drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_MALFORMED);
		return;
	}
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
			return;
		}
		tap_frame(k, ifp, k->pkt, (size_t)n);
	}
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

/* Writes a decrypted inner packet into ifp's TAP. */
static void
deliver_inner(struct keyd *k, struct ipsec_if *ifp, uint8_t *frame,
    size_t len, bool v6)
{
	uint16_t type = v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;

	/* The kernel drops unicast frames not addressed to the TAP's MAC. */
	memcpy(frame, ifp->mac, 6);
	memcpy(frame + 6, ifp->mac, 6);
	frame[11] ^= 1;
	frame[12] = (uint8_t)(type >> 8);
	frame[13] = (uint8_t)type;
	capture_clear(k, ifp, frame + ETHER_HDRLEN, len);
	if (write(ifp->tapfd, frame, ETHER_HDRLEN + len) == -1) {
		drop(k, ifp, NULL, SADB_X_IF_STAT_DROP_WRITE);
		return;
	}
	ifp->stats[SADB_X_IF_STAT_IPACKETS]++;
	ifp->stats[SADB_X_IF_STAT_IBYTES] += len;
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
 * then the inner packet to its interface.
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
		log_debug("inbound ESP with unknown SPI 0x%08x dropped", spi);
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
		log_debug("SA SPI 0x%08x: inbound packet does not match the "
		    "SA's protocol, state or destination", spi);
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
	inner = k->out + ETHER_HDRLEN;
	rc = esp_decrypt(&dp->esp, p->esp, p->esplen, (uint32_t)(seq >> 32),
	    inner, DP_BUFSIZE - ETHER_HDRLEN, &nh, &plen);
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
		drop(k, NULL, dp, SADB_X_IF_STAT_DROP_NOIF);
		log_debug("SA SPI 0x%08x: no ipsec interface has its reqid "
		    "and tunnel addresses; packet dropped", spi);
		return;
	}
	deliver_inner(k, ifp, k->out, len, nh == NH_IPV6);
	key_wipe(inner, plen);
}

/* Receives and processes the ESP packets waiting on raw socket fd. */
void
dataplane_raw_event(struct keyd *k, int fd)
{
	struct netio_pkt p;
	int i, rc;

	for (i = 0; i < DP_BATCH; i++) {
		rc = netio_recv(k, fd, k->pkt, DP_BUFSIZE, &p);
		if (rc == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    log_ratelimit(&in_rate, 10, 60))
				log_warn("raw ESP socket: recvmsg");
			return;
		}
		if (rc == 1)
			input(k, &p);
	}
}
