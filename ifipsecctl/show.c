/*
 * Listing in the form of FreeBSD's ifconfig: a header line with the flags
 * and MTU, the tunnel, the addresses, then "reqid:" and "groups:".  Flag
 * bits are printed with FreeBSD's values (MULTICAST is 0x8000 there).
 */

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ifipsecctl.h"

/* FreeBSD's interface flag bits and names, in its printing order. */
static const struct {
	unsigned int bsd;
	unsigned int linux_flag;
	const char *name;
} flag_names[] = {
	{ 0x1, IFF_UP, "UP" },
	{ 0x2, IFF_BROADCAST, "BROADCAST" },
	{ 0x4, IFF_DEBUG, "DEBUG" },
	{ 0x8, IFF_LOOPBACK, "LOOPBACK" },
	{ 0x10, IFF_POINTOPOINT, "POINTOPOINT" },
	{ 0x40, IFF_RUNNING, "RUNNING" },
	{ 0x80, IFF_NOARP, "NOARP" },
	{ 0x100, IFF_PROMISC, "PROMISC" },
	{ 0x200, IFF_ALLMULTI, "ALLMULTI" },
	{ 0x8000, IFF_MULTICAST, "MULTICAST" },
};

/* Statistics counters by SADB_X_IF_STAT_* index, drops from 4 on. */
static const char *const stat_names[SADB_X_IF_STAT_COUNT] = {
	[SADB_X_IF_STAT_DROP_NOTIP] = "not IPv4 or IPv6",
	[SADB_X_IF_STAT_DROP_NOTUNNEL] = "no tunnel set",
	[SADB_X_IF_STAT_DROP_NOSA] = "no SA (ACQUIRE sent)",
	[SADB_X_IF_STAT_DROP_SEQ] = "sequence numbers used up",
	[SADB_X_IF_STAT_DROP_ENCRYPT] = "encryption failed",
	[SADB_X_IF_STAT_DROP_SEND] = "send failed",
	[SADB_X_IF_STAT_DROP_MALFORMED] = "malformed packet",
	[SADB_X_IF_STAT_DROP_NOSPI] = "unknown SPI",
	[SADB_X_IF_STAT_DROP_SAMISMATCH] = "SA state or address mismatch",
	[SADB_X_IF_STAT_DROP_REPLAY] = "replay check failed",
	[SADB_X_IF_STAT_DROP_ICV] = "ICV mismatch",
	[SADB_X_IF_STAT_DROP_PADDING] = "invalid padding",
	[SADB_X_IF_STAT_DROP_DECRYPT] = "decryption failed",
	[SADB_X_IF_STAT_DROP_INNER] = "invalid inner packet",
	[SADB_X_IF_STAT_DROP_NOIF] = "no interface for the SA",
	[SADB_X_IF_STAT_DROP_WRITE] = "write to interface failed",
	[SADB_X_IF_STAT_DROP_LOOP] = "loop guard (routed into an ipsec "
	    "interface)",
	[SADB_X_IF_STAT_DROP_HOST] = "host stack (no route, not forwarded)",
};

const char *
addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a;

	if (ss->ss_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)ss)->sin_addr;
	else
		a = &((const struct sockaddr_in6 *)(const void *)ss)->
		    sin6_addr;
	if (inet_ntop(ss->ss_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static void
print_flags(unsigned int bsdflags)
{
	size_t i;
	bool first = true;

	printf("flags=%x<", bsdflags);
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if ((bsdflags & flag_names[i].bsd) == 0)
			continue;
		printf("%s%s", first ? "" : ",", flag_names[i].name);
		first = false;
	}
	printf(">");
}

static uint32_t
netmask_of(unsigned int plen)
{
	return plen == 0 ? 0 : plen >= 32 ? 0xffffffffu :
	    ~((1u << (32 - plen)) - 1);
}

static void
print_addrs(unsigned int ifindex, const char *ifname)
{
	struct rtnl_addr *list;
	struct sockaddr_in6 *sin6;
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN];
	size_t n, i;

	if (rtnl_get_addrs(ifindex, &list, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		if (list[i].family != AF_INET)
			continue;
		printf("\tinet %s", addr_str(&list[i].local, a, sizeof(a)));
		if (list[i].has_peer)
			printf(" --> %s", addr_str(&list[i].peer, p,
			    sizeof(p)));
		printf(" netmask 0x%08x\n", netmask_of(list[i].prefixlen));
	}
	for (i = 0; i < n; i++) {
		if (list[i].family != AF_INET6)
			continue;
		sin6 = (struct sockaddr_in6 *)&list[i].local;
		printf("\tinet6 %s", addr_str(&list[i].local, a, sizeof(a)));
		if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			printf("%%%s", ifname);
		if (list[i].has_peer)
			printf(" --> %s", addr_str(&list[i].peer, p,
			    sizeof(p)));
		printf(" prefixlen %u", list[i].prefixlen);
		if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			printf(" scopeid 0x%x", ifindex);
		printf("\n");
	}
	free(list);
}

/* Returns true if ss is an address of one of the host's interfaces. */
static bool
is_local(const struct sockaddr_storage *ss)
{
	struct ifaddrs *list, *ifa;
	const void *a, *b;
	size_t len;
	bool found = false;

	if (getifaddrs(&list) == -1)
		return false;
	for (ifa = list; ifa != NULL && !found; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL ||
		    ifa->ifa_addr->sa_family != ss->ss_family)
			continue;
		if (ss->ss_family == AF_INET) {
			a = &((const struct sockaddr_in *)(const void *)ss)->
			    sin_addr;
			b = &((const struct sockaddr_in *)(const void *)
			    ifa->ifa_addr)->sin_addr;
			len = 4;
		} else {
			a = &((const struct sockaddr_in6 *)(const void *)ss)->
			    sin6_addr;
			b = &((const struct sockaddr_in6 *)(const void *)
			    ifa->ifa_addr)->sin6_addr;
			len = 16;
		}
		found = memcmp(a, b, len) == 0;
	}
	freeifaddrs(list);
	return found;
}

/*
 * Prints an ipsecN interface as FreeBSD's ifconfig prints if_ipsec.  As
 * there, RUNNING means that the local tunnel endpoint is an address of
 * the host.
 */
void
show_ipsec(const struct ifinfo *info)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	unsigned int flags = 0x10 | 0x8000;
	bool up = (info->flags & SADB_X_IF_F_UP) != 0;

	if (up)
		flags |= 0x1;
	if (up && info->has_tunnel && is_local(&info->src))
		flags |= 0x40;
	printf("%s: ", info->name);
	print_flags(flags);
	printf(" metric 0 mtu %u\n", info->mtu);
	if (info->has_tunnel)
		printf("\ttunnel %s %s --> %s\n",
		    info->src.ss_family == AF_INET6 ? "inet6" : "inet",
		    addr_str(&info->src, src, sizeof(src)),
		    addr_str(&info->dst, dst, sizeof(dst)));
	print_addrs(info->ifindex, info->name);
	printf("\treqid: %u\n", info->reqid);
	if (info->capture[0] != '\0')
		printf("\tcapture: %s\n", info->capture);
	printf("\tgroups: ipsec\n");
}

/* Prints any other interface: flags, MTU and addresses. */
void
show_generic(const char *name)
{
	struct ifreq ifr;
	unsigned int flags = 0, ifindex;
	size_t i;
	int fd, mtu = 0;

	if ((ifindex = if_nametoindex(name)) == 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) != -1) {
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
			for (i = 0; i < sizeof(flag_names) /
			    sizeof(flag_names[0]); i++)
				if ((unsigned int)ifr.ifr_flags &
				    flag_names[i].linux_flag)
					flags |= flag_names[i].bsd;
		if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
			mtu = ifr.ifr_mtu;
		close(fd);
	}
	printf("%s: ", name);
	print_flags(flags);
	printf(" metric 0 mtu %d\n", mtu);
	print_addrs(ifindex, name);
}

static void
print_counters(const uint64_t *c)
{
	int i;

	printf("\toutput: %llu packets, %llu bytes\n",
	    (unsigned long long)c[SADB_X_IF_STAT_OPACKETS],
	    (unsigned long long)c[SADB_X_IF_STAT_OBYTES]);
	printf("\tinput: %llu packets, %llu bytes\n",
	    (unsigned long long)c[SADB_X_IF_STAT_IPACKETS],
	    (unsigned long long)c[SADB_X_IF_STAT_IBYTES]);
	if (c[SADB_X_IF_STAT_DUMMY] != 0)
		printf("\tdummy packets: %llu\n",
		    (unsigned long long)c[SADB_X_IF_STAT_DUMMY]);
	if (c[SADB_X_IF_STAT_HOST] != 0)
		printf("\tdelivered to the host stack: %llu packets\n",
		    (unsigned long long)c[SADB_X_IF_STAT_HOST]);
	for (i = 0; i < SADB_X_IF_STAT_COUNT; i++)
		if (stat_names[i] != NULL && c[i] != 0)
			printf("\tdropped, %s: %llu\n", stat_names[i],
			    (unsigned long long)c[i]);
}

static const char *
mode_name(uint8_t mode)
{
	switch (mode) {
	case IPSEC_MODE_TRANSPORT:
		return "transport";
	case IPSEC_MODE_TUNNEL:
		return "tunnel";
	default:
		return "any";
	}
}

static const char *
state_name(uint8_t state)
{
	static const char *const names[] = {
		"larval", "mature", "dying", "dead"
	};

	return state <= SADB_SASTATE_DEAD ? names[state] : "unknown";
}

/* Prints the records of an SADB_X_IF_STATS reply. */
void
show_stats(const struct statrec *r, size_t n)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < n; i++) {
		switch (r[i].kind) {
		case STAT_IF:
			printf("%s: reqid %u\n", r[i].name, r[i].reqid);
			break;
		case STAT_GLOBAL:
			printf("no interface:\n");
			break;
		case STAT_SA:
			printf("esp spi=%u(0x%08x) %s -> %s mode=%s "
			    "reqid=%u state=%s seq=%u\n", r[i].spi, r[i].spi,
			    addr_str(&r[i].src, src, sizeof(src)),
			    addr_str(&r[i].dst, dst, sizeof(dst)),
			    mode_name(r[i].mode), r[i].reqid,
			    state_name(r[i].state), r[i].seq);
			break;
		}
		print_counters(r[i].counters);
	}
}
