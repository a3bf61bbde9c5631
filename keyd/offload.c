/*
 * Offloads between keyd and the ipsecN TAP devices, which keyd opens with
 * a virtio-net header (IFF_VNET_HDR) in front of every frame.
 *
 * Outbound, the kernel may hand over a TCP packet of up to 64 KB (TSO)
 * with gso_size, the MSS, in the header.  tso_next() cuts it into the
 * segments the kernel would have sent, each with its own IP and TCP
 * header and checksums, so every ESP packet still fits the path MTU.
 * Packets with a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM) get it
 * completed by offload_csum_complete().
 *
 * Inbound, consecutive segments of one TCP stream are joined into one
 * large packet (what GRO does in a network driver) and written with one
 * system call; the kernel's TCP then handles one packet instead of many.
 * Every segment's TCP checksum is verified before it is joined, so the
 * joined packet can be marked as checksummed.
 */

#include <sys/ioctl.h>
#include <netinet/in.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include <string.h>

#include "keyd.h"

#define TCP_FIN			0x01
#define TCP_PSH			0x08
#define TCP_ACK			0x10
#define TCP_CWR			0x80

/*
 * Asks the TAP on fd for large TCP packets and partial checksums.
 * Returns 0, or -1 with errno set when the kernel offers neither.
 */
int
offload_tap_enable(int fd)
{
	unsigned int flags = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
	    TUN_F_TSO_ECN;

	return ioctl(fd, TUNSETOFFLOAD, flags);
}

/* Two 64-bit lanes, which compilers map onto one SSE2 or NEON register. */
typedef uint64_t csum_vec __attribute__((vector_size(16)));

/*
 * Adds len bytes at p to the ones' complement sum (RFC 1071) in native
 * byte order.  p must start at an even offset of the checksummed data.
 * Each 64-bit lane adds the two 32-bit words of every 8 bytes it gets.
 * No IP packet can overflow a 64-bit accumulator that way, so the loop
 * needs no carry handling.  Two vectors per step keep two additions in
 * flight.
 */
static uint64_t
csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	const csum_vec low = { 0xffffffff, 0xffffffff };
	csum_vec a = { 0, 0 }, b = { 0, 0 }, x, y;
	uint64_t s;
	uint32_t w;
	uint16_t h = 0;

	while (len >= 32) {
		memcpy(&x, p, 16);
		memcpy(&y, p + 16, 16);
		a += (x & low) + (x >> 32);
		b += (y & low) + (y >> 32);
		p += 32;
		len -= 32;
	}
	a += b;
	s = a[0] + a[1];
	while (len >= 4) {
		memcpy(&w, p, 4);
		s += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		s += h;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		h = 0;
		memcpy(&h, p, 1);
		s += h;
	}
	s = (s & 0xffffffff) + (s >> 32);
	sum += s;
	if (sum < s)
		sum++;
	return sum;
}

static uint16_t
csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Returns the sum of the TCP pseudo-header for tcplen bytes of TCP. */
static uint64_t
pseudo_sum(const uint8_t *ip, bool v6, size_t tcplen)
{
	uint8_t ph[40];

	if (!v6) {
		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = IPPROTO_TCP;
		put16(ph + 10, (uint16_t)tcplen);
		return csum_add(0, ph, 12);
	}
	memcpy(ph, ip + 8, 32);
	put32(ph + 32, (uint32_t)tcplen);
	memset(ph + 36, 0, 3);
	ph[39] = IPPROTO_TCP;
	return csum_add(0, ph, 40);
}

static void
ipv4_checksum(uint8_t *ip, size_t iphl)
{
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = (uint16_t)~csum_fold(csum_add(0, ip, iphl));
	memcpy(ip + 10, &c, 2);
}

/*
 * Completes a partial checksum.  The field at csum_start + csum_offset
 * contains the pseudo-header sum, and the sum from csum_start to the end
 * of the frame replaces it.  Returns 0, or -1 when the offsets lie outside
 * the frame of len bytes.
 */
int
offload_csum_complete(const struct virtio_net_hdr *h, uint8_t *frame,
    size_t len)
{
	size_t start = h->csum_start, off = h->csum_offset;
	uint16_t c;

	if (start >= len || off + 2 > len - start)
		return -1;
	c = (uint16_t)~csum_fold(csum_add(0, frame + start, len - start));
	/* As the kernel does, send 0 as 0xffff: for UDP 0 means none. */
	if (c == 0)
		c = 0xffff;
	memcpy(frame + start + off, &c, 2);
	return 0;
}

/*
 * Prepares to cut the IP packet of len bytes at ip, a TSO packet whose
 * virtio-net header is h, into segments.  Returns 0, or -1 when it is no
 * TCP packet keyd can cut (IPv6 extension headers, an MSS of 0).
 */
int
tso_init(struct tso *t, const struct virtio_net_hdr *h, const uint8_t *ip,
    size_t len, bool v6)
{
	uint8_t type = h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	memset(t, 0, sizeof(*t));
	if (type != (v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4))
		return -1;
	if (!v6) {
		if (len < 20 || ip[9] != IPPROTO_TCP)
			return -1;
		t->iphl = (size_t)(ip[0] & 0x0f) * 4;
	} else {
		if (len < 40 || ip[6] != IPPROTO_TCP)
			return -1;
		t->iphl = 40;
	}
	if (len < t->iphl + 20)
		return -1;
	t->hdrlen = t->iphl + (size_t)(ip[t->iphl + 12] >> 4) * 4;
	if (t->hdrlen < t->iphl + 20 || t->hdrlen > len || h->gso_size == 0)
		return -1;
	t->ip = ip;
	t->v6 = v6;
	t->mss = h->gso_size;
	t->paylen = len - t->hdrlen;
	return 0;
}

/*
 * Writes the next segment, an IP packet, into out, which has room for
 * cap bytes.  Returns its length, or 0 when no segment is left or it
 * does not fit.
 */
size_t
tso_next(struct tso *t, uint8_t *out, size_t cap)
{
	size_t seg, tcplen;
	uint8_t *tcp = out + t->iphl;
	uint16_t c;
	bool last;

	if (t->off >= t->paylen && !(t->paylen == 0 && t->nseg == 0))
		return 0;
	seg = t->paylen - t->off;
	if (seg > t->mss)
		seg = t->mss;
	if (t->hdrlen + seg > cap)
		return 0;
	last = t->off + seg >= t->paylen;
	memcpy(out, t->ip, t->hdrlen);
	memcpy(out + t->hdrlen, t->ip + t->hdrlen + t->off, seg);
	tcplen = t->hdrlen - t->iphl + seg;

	if (!t->v6) {
		put16(out + 2, (uint16_t)(t->hdrlen + seg));
		put16(out + 4, (uint16_t)(get16(t->ip + 4) + t->nseg));
		ipv4_checksum(out, t->iphl);
	} else {
		put16(out + 4, (uint16_t)tcplen);
	}
	put32(tcp + 4, get32(t->ip + t->iphl + 4) + (uint32_t)t->off);
	if (!last)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (t->nseg > 0)
		tcp[13] &= (uint8_t)~TCP_CWR;
	tcp[16] = tcp[17] = 0;
	c = (uint16_t)~csum_fold(csum_add(pseudo_sum(out, t->v6, tcplen),
	    tcp, tcplen));
	memcpy(tcp + 16, &c, 2);

	t->off += seg;
	t->nseg++;
	return t->hdrlen + seg;
}

/*
 * Checks that ip is a TCP segment that may be joined: no IP options or
 * fragments, an ACK with or without PSH and nothing else, some payload,
 * and a valid TCP checksum.  Stores its header lengths.
 */
static bool
joinable(const uint8_t *ip, size_t len, bool v6, size_t *iphl, size_t *thl)
{
	const uint8_t *tcp;
	uint8_t flags;

	if (!v6) {
		if (len < 40 || ip[0] != 0x45 || ip[9] != IPPROTO_TCP ||
		    (get16(ip + 6) & 0x3fff) != 0)
			return false;
		*iphl = 20;
	} else {
		if (len < 60 || ip[6] != IPPROTO_TCP)
			return false;
		*iphl = 40;
	}
	tcp = ip + *iphl;
	*thl = (size_t)(tcp[12] >> 4) * 4;
	flags = tcp[13];
	if (*thl < 20 || *iphl + *thl >= len ||
	    (flags & ~TCP_PSH) != TCP_ACK || get16(tcp + 18) != 0)
		return false;
	return csum_fold(csum_add(pseudo_sum(ip, v6, len - *iphl), tcp,
	    len - *iphl)) == 0xffff;
}

/*
 * Starts a joined packet for owner with the IP packet ip.  Returns false,
 * leaving g empty, when the packet cannot be joined with later ones.  g
 * must be empty.
 */
bool
gro_start(struct gro *g, void *owner, const uint8_t *ip, size_t len,
    bool v6)
{
	size_t iphl, thl;

	if (len > GRO_MAXLEN || !joinable(ip, len, v6, &iphl, &thl) ||
	    (ip[iphl + 13] & TCP_PSH))
		return false;
	memcpy(g->buf + GRO_HEADROOM, ip, len);
	g->owner = owner;
	g->len = len;
	g->v6 = v6;
	g->iphl = iphl;
	g->thl = thl;
	g->mss = len - iphl - thl;
	g->next_seq = get32(ip + iphl + 4) + (uint32_t)g->mss;
	g->nseg = 1;
	g->closed = false;
	return true;
}

/* Returns whether the headers of ip continue the stream of g's packet. */
static bool
same_stream(const struct gro *g, const uint8_t *ip, size_t iphl,
    size_t thl)
{
	const uint8_t *p = g->buf + GRO_HEADROOM;
	const uint8_t *pt = p + g->iphl, *t = ip + iphl;

	if (iphl != g->iphl || thl != g->thl)
		return false;
	if (!g->v6) {
		/* TOS, DF, TTL, protocol, addresses. */
		if (p[1] != ip[1] || p[6] != ip[6] || p[8] != ip[8] ||
		    memcmp(p + 12, ip + 12, 8) != 0)
			return false;
	} else {
		/* Version, traffic class, flow label, hop limit, addresses. */
		if (memcmp(p, ip, 4) != 0 || p[7] != ip[7] ||
		    memcmp(p + 8, ip + 8, 32) != 0)
			return false;
	}
	/* Ports, acknowledgement, window and options must all be equal. */
	return memcmp(pt, t, 4) == 0 && memcmp(pt + 8, t + 8, 5) == 0 &&
	    memcmp(pt + 14, t + 14, 2) == 0 &&
	    memcmp(pt + 20, t + 20, thl - 20) == 0 &&
	    get32(t + 4) == g->next_seq;
}

/*
 * Appends the IP packet ip to g's packet when both belong to owner and it
 * is the next segment of the same TCP stream.  Returns whether it did.
 */
bool
gro_merge(struct gro *g, const void *owner, const uint8_t *ip, size_t len,
    bool v6)
{
	size_t iphl, thl, seg;

	if (g->len == 0 || g->closed || g->owner != owner || g->v6 != v6 ||
	    !joinable(ip, len, v6, &iphl, &thl) ||
	    !same_stream(g, ip, iphl, thl))
		return false;
	seg = len - iphl - thl;
	if (seg > g->mss || g->len + seg > GRO_MAXLEN)
		return false;
	memcpy(g->buf + GRO_HEADROOM + g->len, ip + iphl + thl, seg);
	g->len += seg;
	g->next_seq += (uint32_t)seg;
	g->nseg++;
	/* A short segment or PSH ends a burst, as in the kernel's GRO. */
	if (seg < g->mss || (ip[iphl + 13] & TCP_PSH)) {
		g->buf[GRO_HEADROOM + g->iphl + 13] |= ip[iphl + 13] & TCP_PSH;
		g->closed = true;
	}
	return true;
}

/*
 * Finishes g's packet: fixes the IP length and checksum, and for more
 * than one segment fills the virtio-net header that marks it as a TSO
 * packet with a partial checksum.  Returns the IP packet's length and
 * leaves g empty; the frame to write starts at g->buf, with the
 * virtio-net header, and the caller fills the Ethernet header.
 */
size_t
gro_finish(struct gro *g)
{
	struct virtio_net_hdr h;
	uint8_t *ip = g->buf + GRO_HEADROOM, *tcp = ip + g->iphl;
	size_t len = g->len, tcplen = len - g->iphl;
	uint16_t c;

	memset(&h, 0, sizeof(h));
	if (g->nseg > 1) {
		if (!g->v6) {
			put16(ip + 2, (uint16_t)len);
			ipv4_checksum(ip, g->iphl);
		} else {
			put16(ip + 4, (uint16_t)tcplen);
		}
		/* A partial checksum field contains the pseudo-header sum. */
		c = csum_fold(pseudo_sum(ip, g->v6, tcplen));
		memcpy(tcp + 16, &c, 2);
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.gso_type = g->v6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
		    VIRTIO_NET_HDR_GSO_TCPV4;
		h.hdr_len = (uint16_t)(GRO_ETHER_HDRLEN + g->iphl + g->thl);
		h.gso_size = (uint16_t)g->mss;
		h.csum_start = (uint16_t)(GRO_ETHER_HDRLEN + g->iphl);
		h.csum_offset = 16;
	}
	memcpy(g->buf, &h, sizeof(h));
	g->len = 0;
	g->owner = NULL;
	return len;
}
