/*
 * Raw IP protocol 50 sockets, one per address family, which carry the
 * outer ESP packets.  They are opened when keyd starts and stay open:
 * while a protocol-50 raw socket exists, Linux passes incoming ESP to it
 * instead of replying with ICMP protocol unreachable.
 *
 * Outbound packets get their source address from IP_PKTINFO or
 * IPV6_PKTINFO, so one socket serves tunnels with different local
 * endpoints.  Outer IPv4 packets leave without DF and are fragmented by
 * the kernel when needed, as FreeBSD sends them by default.
 */

#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "keyd.h"

#define RAW_BUFSIZE		(4 * 1024 * 1024)

static void
set_bufsize(int fd, int opt_force, int opt)
{
	int size = RAW_BUFSIZE;

	/* The FORCE options pass the system limit, and keyd runs as root. */
	if (setsockopt(fd, SOL_SOCKET, opt_force, &size, sizeof(size)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

static int
open_raw(int family)
{
	int fd, on = 1, pmtu = IP_PMTUDISC_DONT;

	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_ESP);
	if (fd == -1)
		return -1;
	set_bufsize(fd, SO_RCVBUFFORCE, SO_RCVBUF);
	set_bufsize(fd, SO_SNDBUFFORCE, SO_SNDBUF);
	if (family == AF_INET &&
	    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
	    sizeof(pmtu)) == -1)
		log_warn("raw ESP socket: IP_MTU_DISCOVER");
	if (family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
	    sizeof(on)) == -1) {
		log_warn("raw ESP socket: IPV6_RECVPKTINFO");
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Adds fd to keyd's event loop for input, with ev as its event.  Returns
 * 0, or -1 with errno set; before the loop exists it does nothing.
 */
int
netio_watch(struct keyd *k, int fd, struct ev *ev)
{
	struct epoll_event e;

	if (k->epfd == -1)
		return 0;
	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.ptr = ev;
	return epoll_ctl(k->epfd, EPOLL_CTL_ADD, fd, &e);
}

void
netio_unwatch(struct keyd *k, int fd)
{
	if (k->epfd != -1)
		(void)epoll_ctl(k->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/*
 * Opens both raw sockets and adds them to the event loop.  A family
 * whose socket cannot be opened (no IPv6, no privilege) is logged and
 * left without a data plane.
 */
void
netio_open(struct keyd *k)
{
	k->raw4_ev.kind = k->raw6_ev.kind = EV_RAW;
	if ((k->raw4 = open_raw(AF_INET)) == -1)
		log_warn("cannot open the raw IPv4 ESP socket; IPv4 tunnels "
		    "will not carry traffic");
	else if (netio_watch(k, k->raw4, &k->raw4_ev) == -1)
		log_warn("epoll_ctl raw IPv4 socket");
	if ((k->raw6 = open_raw(AF_INET6)) == -1)
		log_warn("cannot open the raw IPv6 ESP socket; IPv6 tunnels "
		    "will not carry traffic");
	else if (netio_watch(k, k->raw6, &k->raw6_ev) == -1)
		log_warn("epoll_ctl raw IPv6 socket");
}

void
netio_close(struct keyd *k)
{
	if (k->raw4 != -1)
		close(k->raw4);
	if (k->raw6 != -1)
		close(k->raw6);
	k->raw4 = k->raw6 = -1;
}

union pktinfo_control {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/*
 * Fills mh with the destination and the source address (as packet info)
 * of ESP from src to dst, using the storage of to and control.  Returns
 * the raw socket to send on, or -1 with errno set.
 */
static int
send_header(struct keyd *k, const struct sockaddr *src,
    const struct sockaddr *dst, struct msghdr *mh,
    struct sockaddr_storage *to, union pktinfo_control *control)
{
	struct cmsghdr *cm;
	int fd;

	memset(mh, 0, sizeof(*mh));
	memset(control, 0, sizeof(*control));
	memset(to, 0, sizeof(*to));
	mh->msg_name = to;
	mh->msg_control = control->buf;
	cm = (struct cmsghdr *)(void *)control->buf;
	if (dst->sa_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)to;
		struct in_pktinfo pi;

		fd = k->raw4;
		sin->sin_family = AF_INET;
		sin->sin_addr = ((const struct sockaddr_in *)(const void *)
		    dst)->sin_addr;
		mh->msg_namelen = sizeof(*sin);
		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = ((const struct sockaddr_in *)(const void *)
		    src)->sin_addr;
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)to;
		const struct sockaddr_in6 *s6 = (const void *)src;
		struct in6_pktinfo pi;

		fd = k->raw6;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = ((const struct sockaddr_in6 *)(const void *)
		    dst)->sin6_addr;
		sin6->sin6_scope_id = ((const struct sockaddr_in6 *)
		    (const void *)dst)->sin6_scope_id;
		mh->msg_namelen = sizeof(*sin6);
		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = s6->sin6_addr;
		pi.ipi6_ifindex = s6->sin6_scope_id;
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	if (fd == -1)
		errno = EAFNOSUPPORT;
	return fd;
}

/*
 * Sends one ESP packet (len bytes from the SPI on) from src to dst, the
 * tunnel endpoints.  Returns 0, or -1 with errno set.
 */
int
netio_send(struct keyd *k, const struct sockaddr *src,
    const struct sockaddr *dst, const void *buf, size_t len)
{
	union pktinfo_control control;
	struct sockaddr_storage to;
	struct msghdr mh;
	struct iovec iov;
	int fd;

	if ((fd = send_header(k, src, dst, &mh, &to, &control)) == -1)
		return -1;
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (sendmsg(fd, &mh, MSG_DONTWAIT) == -1)
		return -1;
	return 0;
}

/*
 * Sends the n ESP packets of iov (at most NETIO_BATCH) from src to dst
 * with as few system calls as the socket allows.  Stores 0 or the errno
 * of each packet in err[i].  A full send buffer (EAGAIN, ENOBUFS) fails
 * the packet and all after it.  Returns the number sent.
 */
int
netio_send_batch(struct keyd *k, const struct sockaddr *src,
    const struct sockaddr *dst, struct iovec *iov, int n, int *err)
{
	union pktinfo_control control;
	struct mmsghdr mm[NETIO_BATCH];
	struct sockaddr_storage to;
	struct msghdr mh;
	int fd, i, done = 0, sent = 0, rc;

	if (n > NETIO_BATCH)
		n = NETIO_BATCH;
	if ((fd = send_header(k, src, dst, &mh, &to, &control)) == -1) {
		for (i = 0; i < n; i++)
			err[i] = errno;
		return 0;
	}
	for (i = 0; i < n; i++) {
		mm[i].msg_hdr = mh;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_len = 0;
		err[i] = 0;
	}
	while (done < n) {
		rc = sendmmsg(fd, mm + done, (unsigned int)(n - done),
		    MSG_DONTWAIT);
		if (rc > 0) {
			done += rc;
			sent += rc;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == ENOBUFS) {
			for (i = done; i < n; i++)
				err[i] = errno;
			break;
		}
		err[done++] = errno;
	}
	return sent;
}

/* Splits a received IPv4 packet: the header is part of what raw gives. */
static int
parse_ipv4(uint8_t *buf, size_t n, struct netio_pkt *p)
{
	struct sockaddr_in *src = (struct sockaddr_in *)&p->src;
	struct sockaddr_in *dst = (struct sockaddr_in *)&p->dst;
	size_t hl, total;

	if (n < 20 || (buf[0] >> 4) != 4)
		return -1;
	hl = (size_t)(buf[0] & 0x0f) * 4;
	total = (size_t)buf[2] << 8 | buf[3];
	if (hl < 20 || total < hl || total > n)
		return -1;
	memset(p, 0, sizeof(*p));
	src->sin_family = dst->sin_family = AF_INET;
	memcpy(&src->sin_addr, buf + 12, 4);
	memcpy(&dst->sin_addr, buf + 16, 4);
	p->ip = buf;
	p->esp = buf + hl;
	p->esplen = total - hl;
	p->wirelen = total;
	return 0;
}

/* Reads the destination of an IPv6 packet from its IPV6_PKTINFO. */
static int
ipv6_dst(struct msghdr *mh, struct sockaddr_in6 *dst)
{
	struct in6_pktinfo pi;
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6 ||
		    cm->cmsg_type != IPV6_PKTINFO ||
		    cm->cmsg_len < CMSG_LEN(sizeof(pi)))
			continue;
		memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
		dst->sin6_family = AF_INET6;
		dst->sin6_addr = pi.ipi6_addr;
		if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
			dst->sin6_scope_id = (uint32_t)pi.ipi6_ifindex;
		return 0;
	}
	return -1;
}

/*
 * Splits the packet of n bytes that recvmsg() stored in buf with mh.
 * Returns 1 with the packet in *p, or 0 for a packet too malformed to
 * attribute (counted in k->stats).
 */
static int
parse_received(struct keyd *k, int fd, struct msghdr *mh, uint8_t *buf,
    size_t n, struct netio_pkt *p)
{
	struct sockaddr_in6 *from = mh->msg_name;

	if (mh->msg_flags & MSG_TRUNC) {
		k->stats[SADB_X_IF_STAT_DROP_MALFORMED]++;
		return 0;
	}
	if (fd == k->raw4) {
		if (parse_ipv4(buf, n, p) == -1) {
			k->stats[SADB_X_IF_STAT_DROP_MALFORMED]++;
			return 0;
		}
		return 1;
	}
	memset(p, 0, sizeof(*p));
	if (mh->msg_namelen < sizeof(*from) || from->sin6_family != AF_INET6 ||
	    ipv6_dst(mh, (struct sockaddr_in6 *)&p->dst) == -1) {
		k->stats[SADB_X_IF_STAT_DROP_MALFORMED]++;
		return 0;
	}
	from->sin6_port = 0;
	from->sin6_flowinfo = 0;
	if (!IN6_IS_ADDR_LINKLOCAL(&from->sin6_addr))
		from->sin6_scope_id = 0;
	memcpy(&p->src, from, sizeof(*from));
	p->esp = buf;
	p->esplen = n;
	p->wirelen = n + 40;
	return 1;
}

/*
 * Receives one packet from raw socket fd into buf.  Returns 1 with the
 * packet in *p, 0 for a packet too malformed to attribute (counted in
 * k->stats), or -1 with errno set (EAGAIN when none is waiting).
 */
int
netio_recv(struct keyd *k, int fd, uint8_t *buf, size_t cap,
    struct netio_pkt *p)
{
	union pktinfo_control control;
	struct sockaddr_in6 from;
	struct msghdr mh;
	struct iovec iov;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = cap;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_name = &from;
	mh.msg_namelen = sizeof(from);
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);
	if ((n = recvmsg(fd, &mh, MSG_DONTWAIT)) == -1)
		return -1;
	return parse_received(k, fd, &mh, buf, (size_t)n, p);
}

/*
 * Receives up to n packets (at most NETIO_BATCH) from raw socket fd with
 * one system call, packet i into bufs[i] of cap bytes.  A packet stored
 * in p[i] with esp NULL was too malformed to attribute and is counted in
 * k->stats.  Returns the number received, or -1 with errno set (EAGAIN
 * when none is waiting).
 */
int
netio_recv_batch(struct keyd *k, int fd, uint8_t *const *bufs, size_t cap,
    struct netio_pkt *p, int n)
{
	union pktinfo_control control[NETIO_BATCH];
	struct sockaddr_in6 from[NETIO_BATCH];
	struct mmsghdr mm[NETIO_BATCH];
	struct iovec iov[NETIO_BATCH];
	int i, got;

	if (n > NETIO_BATCH)
		n = NETIO_BATCH;
	memset(mm, 0, sizeof(mm[0]) * (size_t)n);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = cap;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &from[i];
		mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		mm[i].msg_hdr.msg_control = control[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(control[i].buf);
	}
	got = recvmmsg(fd, mm, (unsigned int)n, MSG_DONTWAIT, NULL);
	if (got == -1)
		return -1;
	for (i = 0; i < got; i++)
		if (parse_received(k, fd, &mm[i].msg_hdr, bufs[i],
		    mm[i].msg_len, &p[i]) == 0)
			p[i].esp = NULL;
	return got;
}
