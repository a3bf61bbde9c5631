/*
 * Delivery of decapsulated packets that no ipsecN interface takes into
 * the host's own IP stack.  FreeBSD's ipsec_if_input() leaves such a
 * packet (from an SA of mode any, or from one whose reqid and addresses
 * match no interface) as received on the physical interface, so the host
 * takes it in or forwards it.  keyd sends it to its own destination on a
 * raw socket that takes the IP header from the packet (IPPROTO_RAW, for
 * IPv4 and IPv6).  A packet for a local address loops back into the local
 * stack, and the kernel routes the others as packets the host sends.
 *
 * Each packet's destination is first looked up in the routing table with
 * RTM_GETROUTE, so that keyd forwards only what the host would:
 *  - a packet for a local address is sent as it is;
 *  - another is sent only while the host forwards packets of its family
 *    (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding), with its TTL or
 *    hop limit decreased by one, and dropped when that reaches 0;
 *  - loop guard: a packet whose route leads into an ipsecN interface is
 *    dropped.  Sent there, keyd would read it from the TAP and encrypt it
 *    again.  FreeBSD's if_ipsec drops only packets that IPsec output has
 *    already processed (mbuf tag IPSEC_OUT_DONE), but keyd cannot tag a
 *    packet that passes through the kernel, so it drops every packet of
 *    this path bound for an ipsecN interface.
 *
 * NOTE: a FreeBSD gateway would encrypt such a forwarded packet again
 * into the other if_ipsec tunnel, and would take in multicast and
 * broadcast packets; keyd drops both.  No ICMP time exceeded is sent for
 * a packet dropped here for its TTL.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "keyd.h"

#define RTNL_BUFSIZE		8192

static struct log_rate host_rate;

/* The route of a destination: its type and output interface. */
struct route {
	unsigned char type;		/* RTN_LOCAL, RTN_UNICAST, ... */
	unsigned int oif;		/* output interface index, 0 if none */
};

static int
open_raw(int family)
{
	/* A filter that accepts nothing: these sockets only send. */
	struct sock_filter none = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { 1, &none };
	int fd;

	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_RAW);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1)
		log_warn("raw host socket: SO_ATTACH_FILTER");
	return fd;
}

/*
 * Opens the raw sockets and the routing socket.  Without them, inbound
 * packets that no interface takes are dropped and counted.
 */
void
host_open(struct keyd *k)
{
	k->host4 = open_raw(AF_INET);
	if (k->host4 == -1)
		log_warn("cannot open the raw IPv4 socket for the host stack");
	k->host6 = open_raw(AF_INET6);
	if (k->host6 == -1)
		log_warn("cannot open the raw IPv6 socket for the host stack");
	k->rtnl = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_ROUTE);
	if (k->rtnl == -1)
		log_warn("cannot open a routing socket; packets for the host "
		    "stack will be dropped");
}

void
host_close(struct keyd *k)
{
	if (k->host4 != -1)
		close(k->host4);
	if (k->host6 != -1)
		close(k->host6);
	if (k->rtnl != -1)
		close(k->rtnl);
	k->host4 = k->host6 = k->rtnl = -1;
}

/* Reads the reply of request seq into *r.  Returns 0 or an errno value. */
static int
read_route(int fd, uint32_t seq, struct route *r)
{
	uint8_t buf[RTNL_BUFSIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlmsghdr *nh;
	const struct nlmsgerr *e;
	const struct rtmsg *rtm;
	const struct rtattr *rta;
	ssize_t n;
	int len, alen;

	/* The kernel queues its RTM_GETROUTE reply before send() returns. */
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		len = (int)n;
		for (nh = (const struct nlmsghdr *)(const void *)buf;
		    NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				if (NLMSG_PAYLOAD(nh, 0) < sizeof(*e))
					return EBADMSG;
				e = NLMSG_DATA(nh);
				return e->error < 0 ? -e->error : EBADMSG;
			}
			if (nh->nlmsg_type != RTM_NEWROUTE ||
			    NLMSG_PAYLOAD(nh, 0) < sizeof(*rtm))
				return EBADMSG;
			rtm = NLMSG_DATA(nh);
			r->type = rtm->rtm_type;
			r->oif = 0;
			alen = (int)NLMSG_PAYLOAD(nh, sizeof(*rtm));
			for (rta = RTM_RTA(rtm); RTA_OK(rta, alen);
			    rta = RTA_NEXT(rta, alen))
				if (rta->rta_type == RTA_OIF &&
				    RTA_PAYLOAD(rta) >= sizeof(uint32_t))
					memcpy(&r->oif, RTA_DATA(rta),
					    sizeof(uint32_t));
			return 0;
		}
	}
	return n == -1 ? errno : EBADMSG;
}

/*
 * Looks up the route of the packet's destination, addr of alen bytes,
 * as the kernel looks it up for a packet the host sends.  Returns 0 or an
 * errno value (ENETUNREACH and the like when there is no route).
 */
static int
lookup_route(struct keyd *k, int family, const uint8_t *addr, size_t alen,
    struct route *r)
{
	static uint32_t seq;
	struct {
		struct nlmsghdr nh;
		struct rtmsg rtm;
		uint8_t attrs[RTA_SPACE(16)];
	} req;
	struct rtattr *rta;

	if (k->rtnl == -1)
		return EBADF;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(req.rtm)) +
	    RTA_SPACE(alen));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = ++seq;
	req.rtm.rtm_family = (unsigned char)family;
	req.rtm.rtm_dst_len = (unsigned char)(alen * 8);
	rta = RTM_RTA(&req.rtm);
	rta->rta_type = RTA_DST;
	rta->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(rta), addr, alen);
	if (send(k->rtnl, &req, req.nh.nlmsg_len, 0) == -1)
		return errno;
	return read_route(k->rtnl, seq, r);
}

/* Returns true if the host forwards packets of the family. */
static bool
forwarding(bool v6)
{
	const char *path = v6 ? "/proc/sys/net/ipv6/conf/all/forwarding" :
	    "/proc/sys/net/ipv4/ip_forward";
	char c = '0';
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c != '0';
}

static bool
is_ipsec_if(const struct keyd *k, unsigned int ifindex)
{
	const struct ipsec_if *ifp;

	TAILQ_FOREACH(ifp, &k->ifs, entry)
		if (!ifp->dead && ifp->ifindex == ifindex)
			return true;
	return false;
}

/* Logs a drop, at most 10 a minute. */
static void
log_drop(uint32_t spi, const char *why, int error)
{
	if (!log_ratelimit(&host_rate, 10, 60))
		return;
	log_warnx("SA SPI 0x%08x: inbound packet for the host stack "
	    "dropped: %s%s%s", spi, why, error != 0 ? ": " : "",
	    error != 0 ? strerror(error) : "");
}

/*
 * Sends the IP packet of len bytes at ip, decapsulated with the SA of spi
 * and checked by ip_length(), into the host's stack.  The TTL or hop limit
 * of a forwarded packet is decreased in place.  Returns
 * SADB_X_IF_STAT_HOST when the packet was sent, or the counter of the
 * reason it was dropped: SADB_X_IF_STAT_DROP_LOOP or
 * SADB_X_IF_STAT_DROP_HOST.
 */
int
host_deliver(struct keyd *k, uint32_t spi, uint8_t *ip, size_t len, bool v6)
{
	struct sockaddr_storage to;
	struct route r;
	socklen_t tolen;
	uint8_t *ttl = v6 ? &ip[7] : &ip[8];
	int error, fd = v6 ? k->host6 : k->host4;

	if (fd == -1) {
		log_drop(spi, "no raw socket", 0);
		return SADB_X_IF_STAT_DROP_HOST;
	}
	memset(&to, 0, sizeof(to));
	if (v6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&to;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, ip + 24, 16);
		tolen = sizeof(*sin6);
		error = lookup_route(k, AF_INET6, ip + 24, 16, &r);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&to;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, ip + 16, 4);
		tolen = sizeof(*sin);
		error = lookup_route(k, AF_INET, ip + 16, 4, &r);
	}
	if (error != 0) {
		log_drop(spi, "route lookup", error);
		return SADB_X_IF_STAT_DROP_HOST;
	}
	if (r.type == RTN_MULTICAST || r.type == RTN_BROADCAST) {
		/* Sent on a raw socket, it would leave the host again. */
		log_drop(spi, "multicast or broadcast destination", 0);
		return SADB_X_IF_STAT_DROP_HOST;
	}
	if (r.type != RTN_LOCAL) {
		if (r.oif != 0 && is_ipsec_if(k, r.oif)) {
			log_drop(spi, "routed into an ipsec interface",
			    0);
			return SADB_X_IF_STAT_DROP_LOOP;
		}
		if (!forwarding(v6)) {
			log_drop(spi, "not for this host, and "
			    "forwarding is off", 0);
			return SADB_X_IF_STAT_DROP_HOST;
		}
		if (*ttl <= 1) {
			log_drop(spi, "TTL or hop limit exceeded", 0);
			return SADB_X_IF_STAT_DROP_HOST;
		}
		(*ttl)--;	/* the kernel recomputes the IPv4 checksum */
	}
	if (sendto(fd, ip, len, MSG_DONTWAIT, (struct sockaddr *)&to,
	    tolen) == -1) {
		log_drop(spi, "sendto", errno);
		return SADB_X_IF_STAT_DROP_HOST;
	}
	return SADB_X_IF_STAT_HOST;
}
