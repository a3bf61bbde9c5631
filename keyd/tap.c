/*
 * TAP devices behind ipsecN interfaces.  A TAP lives only while its file
 * descriptor is open, so keyd creates and holds it.  keyd sets it up as a
 * point-to-point link: NOARP, so the kernel sends IP frames at once with
 * the TAP's own MAC as destination, FreeBSD's if_ipsec MTU of 1400, and no
 * automatic IPv6 link-local address, so an idle tunnel carries no
 * neighbour discovery or MLD traffic.
 */

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if_tun.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "keyd.h"

/* Runs one SIOC* request on ifr through a throw-away socket. */
static int
if_ioctl(unsigned long req, struct ifreq *ifr)
{
	int fd, rc, saved;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = ioctl(fd, req, ifr);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static void
ifr_init(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
}

/*
 * Turns off IPv6 address generation on the interface (addr_gen_mode 1).
 * Failure is not an error: without IPv6 the file does not exist.
 */
static void
no_ipv6_autoconf(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/addr_gen_mode",
	    name);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return;
	if (write(fd, "1\n", 2) != 2)
		log_debug("%s: cannot set addr_gen_mode: %s", name,
		    strerror(errno));
	close(fd);
}

static int
configure(const char *name, unsigned int *ifindex, uint8_t mac[6])
{
	struct ifreq ifr;

	ifr_init(&ifr, name);
	if (if_ioctl(SIOCGIFFLAGS, &ifr) == -1)
		return -1;
	ifr.ifr_flags |= IFF_NOARP;
	if (if_ioctl(SIOCSIFFLAGS, &ifr) == -1)
		return -1;
	ifr_init(&ifr, name);
	ifr.ifr_mtu = IFNET_MTU_DEFAULT;
	if (if_ioctl(SIOCSIFMTU, &ifr) == -1)
		return -1;
	ifr_init(&ifr, name);
	if (if_ioctl(SIOCGIFHWADDR, &ifr) == -1)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	ifr_init(&ifr, name);
	if (if_ioctl(SIOCGIFINDEX, &ifr) == -1)
		return -1;
	*ifindex = (unsigned int)ifr.ifr_ifindex;
	no_ipv6_autoconf(name);
	return 0;
}

/*
 * Creates the TAP device name, down, and configures it.  Stores its
 * interface index and MAC.  Returns the non-blocking descriptor that
 * keeps it alive, or -1 with errno set (EEXIST if an interface of that
 * name exists).
 */
int
tap_open(const char *name, unsigned int *ifindex, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd, saved;

	if (if_nametoindex(name) != 0) {
		errno = EEXIST;
		return -1;
	}
	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	ifr_init(&ifr, name);
	/* Every frame read or written starts with a virtio-net header. */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) == -1 ||
	    configure(name, ifindex, mac) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (offload_tap_enable(fd) == -1)
		log_debug("%s: no TCP segmentation offload: %s", name,
		    strerror(errno));
	return fd;
}

/* Reads the MTU and the up flag of an interface.  Returns 0 or -1. */
int
tap_get_info(const char *name, unsigned int *mtu, bool *up)
{
	struct ifreq ifr;

	ifr_init(&ifr, name);
	if (if_ioctl(SIOCGIFMTU, &ifr) == -1)
		return -1;
	*mtu = (unsigned int)ifr.ifr_mtu;
	ifr_init(&ifr, name);
	if (if_ioctl(SIOCGIFFLAGS, &ifr) == -1)
		return -1;
	*up = (ifr.ifr_flags & IFF_UP) != 0;
	return 0;
}
