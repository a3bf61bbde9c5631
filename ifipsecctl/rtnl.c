/*
 * Generic interface settings through rtnetlink, as FreeBSD's ifconfig
 * makes them with generic ioctls: the up flag and MTU (RTM_NEWLINK) and
 * addresses (RTM_NEWADDR, RTM_DELADDR, and an RTM_GETADDR dump for the
 * listing).  Every request sets NLM_F_ACK, and the
 * acknowledgement's error code is returned.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ifipsecctl.h"

#define NL_BUFSIZE		32768

struct nlreq {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
	} u;
	uint8_t attrs[256];
};

static uint32_t nlseq;

static void
add_attr(struct nlreq *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta;
	size_t off = NLMSG_ALIGN(r->nh.nlmsg_len);

	rta = (struct rtattr *)(void *)((uint8_t *)r + off);
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = (uint32_t)(off + RTA_ALIGN(rta->rta_len));
}

static int
nl_open(void)
{
	struct sockaddr_nl sa;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends r and waits for its acknowledgement.  Returns 0 or an errno. */
static int
nl_transact(struct nlreq *r)
{
	uint8_t buf[NL_BUFSIZE];
	struct nlmsghdr *nh;
	struct nlmsgerr err;
	ssize_t n;
	int fd, error = EIO;

	if ((fd = nl_open()) == -1)
		return errno;
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = ++nlseq;
	if (send(fd, r, r->nh.nlmsg_len, 0) == -1) {
		error = errno;
		goto done;
	}
	for (;;) {
		if ((n = recv(fd, buf, sizeof(buf), 0)) == -1) {
			error = errno;
			goto done;
		}
		for (nh = (struct nlmsghdr *)(void *)buf; NLMSG_OK(nh, n);
		    nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != r->nh.nlmsg_seq ||
			    nh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(err)))
				goto done;
			memcpy(&err, NLMSG_DATA(nh), sizeof(err));
			error = -err.error;
			goto done;
		}
	}
done:
	close(fd);
	return error;
}

static void
link_req(struct nlreq *r, unsigned int ifindex)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r->nh.nlmsg_type = RTM_NEWLINK;
	r->u.ifi.ifi_family = AF_UNSPEC;
	r->u.ifi.ifi_index = (int)ifindex;
}

int
rtnl_set_flags(unsigned int ifindex, bool up)
{
	struct nlreq r;

	link_req(&r, ifindex);
	r.u.ifi.ifi_change = IFF_UP;
	r.u.ifi.ifi_flags = up ? IFF_UP : 0;
	return nl_transact(&r);
}

int
rtnl_set_mtu(unsigned int ifindex, unsigned int mtu)
{
	struct nlreq r;
	uint32_t v = mtu;

	link_req(&r, ifindex);
	add_attr(&r, IFLA_MTU, &v, sizeof(v));
	return nl_transact(&r);
}

static const void *
addr_bytes(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = 4;
		return &((const struct sockaddr_in *)(const void *)ss)->
		    sin_addr;
	}
	*len = 16;
	return &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr;
}

/*
 * Adds or deletes an address.  With a peer, IFA_LOCAL is the address and
 * IFA_ADDRESS the peer, which makes a point-to-point address.
 */
int
rtnl_addr(bool add, unsigned int ifindex, const struct ifaddr_req *a)
{
	struct nlreq r;
	const void *local, *peer;
	size_t len;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	r.nh.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	if (add)
		r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	r.u.ifa.ifa_family = (uint8_t)a->family;
	r.u.ifa.ifa_prefixlen = (uint8_t)a->prefixlen;
	r.u.ifa.ifa_index = ifindex;
	local = addr_bytes(&a->addr, &len);
	peer = a->has_peer ? addr_bytes(&a->peer, &len) : local;
	add_attr(&r, IFA_LOCAL, local, len);
	add_attr(&r, IFA_ADDRESS, peer, len);
	return nl_transact(&r);
}

static void
set_sockaddr(struct sockaddr_storage *ss, int family, const void *data)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET)
		memcpy(&((struct sockaddr_in *)(void *)ss)->sin_addr, data, 4);
	else
		memcpy(&((struct sockaddr_in6 *)(void *)ss)->sin6_addr, data,
		    16);
}

/* Reads one RTM_NEWADDR record into a; returns false to skip it. */
static bool
read_addr(struct nlmsghdr *nh, unsigned int ifindex, struct rtnl_addr *a)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	const void *local = NULL, *address = NULL;
	struct rtattr *rta;
	size_t alen, need;
	int len;

	if (nh->nlmsg_type != RTM_NEWADDR ||
	    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) ||
	    ifa->ifa_index != ifindex ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return false;
	need = ifa->ifa_family == AF_INET ? 4 : 16;
	len = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa)));
	for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		alen = RTA_PAYLOAD(rta);
		if (alen != need)
			continue;
		if (rta->rta_type == IFA_LOCAL)
			local = RTA_DATA(rta);
		else if (rta->rta_type == IFA_ADDRESS)
			address = RTA_DATA(rta);
	}
	if (local == NULL)
		local = address;
	if (local == NULL)
		return false;
	memset(a, 0, sizeof(*a));
	a->family = ifa->ifa_family;
	a->prefixlen = ifa->ifa_prefixlen;
	set_sockaddr(&a->local, a->family, local);
	if (address != NULL && memcmp(address, local, need) != 0) {
		a->has_peer = true;
		set_sockaddr(&a->peer, a->family, address);
	}
	return true;
}

/* Lists the addresses of an interface into a malloc'd array. */
int
rtnl_get_addrs(unsigned int ifindex, struct rtnl_addr **list, size_t *n)
{
	uint8_t *buf;
	struct nlreq r;
	struct nlmsghdr *nh;
	struct rtnl_addr a, *p;
	ssize_t len;
	int fd, error = 0;
	bool done = false;

	*list = NULL;
	*n = 0;
	if ((buf = malloc(NL_BUFSIZE)) == NULL)
		return ENOMEM;
	if ((fd = nl_open()) == -1) {
		error = errno;
		free(buf);
		return error;
	}
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	r.nh.nlmsg_type = RTM_GETADDR;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.nh.nlmsg_seq = ++nlseq;
	if (send(fd, &r, r.nh.nlmsg_len, 0) == -1) {
		error = errno;
		goto out;
	}
	while (!done) {
		if ((len = recv(fd, buf, NL_BUFSIZE, 0)) == -1) {
			error = errno;
			goto out;
		}
		for (nh = (struct nlmsghdr *)(void *)buf; NLMSG_OK(nh, len);
		    nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_DONE ||
			    nh->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			if (!read_addr(nh, ifindex, &a))
				continue;
			if ((p = realloc(*list, (*n + 1) * sizeof(*p))) ==
			    NULL) {
				error = ENOMEM;
				goto out;
			}
			*list = p;
			p[(*n)++] = a;
		}
	}
out:
	close(fd);
	free(buf);
	return error;
}
