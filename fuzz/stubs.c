/*
 * Stand-ins for the parts of keyd that touch devices and files, so that
 * a harness can create ipsecN interfaces and start captures as often as
 * it likes.  TAP devices are eventfd descriptors, which epoll accepts and
 * which reject every frame written to them.  Captures only count packets.
 * Nothing here writes a file or creates an interface.
 */

#include <sys/eventfd.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

struct capture {
	char *path;
	uint64_t packets;
};

static unsigned int next_ifindex = 100;

int
tap_open(const char *name, unsigned int *ifindex, uint8_t mac[6])
{
	int fd;

	(void)name;
	if ((fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		return -1;
	*ifindex = next_ifindex++;
	memcpy(mac, "\x02\x00\x5e\x00\x00\x01", 6);
	return fd;
}

int
tap_get_info(const char *name, unsigned int *mtu, bool *up)
{
	(void)name;
	*mtu = IFNET_MTU_DEFAULT;
	*up = false;
	return 0;
}

int
capture_start(struct capture **capp, const char *path)
{
	struct capture *cap;

	if ((cap = calloc(1, sizeof(*cap))) == NULL)
		return ENOMEM;
	if ((cap->path = strdup(path)) == NULL) {
		free(cap);
		return ENOMEM;
	}
	capture_stop(capp);
	*capp = cap;
	return 0;
}

void
capture_stop(struct capture **capp)
{
	if (*capp == NULL)
		return;
	free((*capp)->path);
	free(*capp);
	*capp = NULL;
}

void
capture_packet(struct capture *cap, const void *pkt, size_t len)
{
	if (cap != NULL && pkt != NULL && len > 0)
		cap->packets++;
}

void
capture_esp(struct capture *cap, const struct sockaddr *src,
    const struct sockaddr *dst, const void *esp, size_t len)
{
	if (cap != NULL && src != NULL && dst != NULL && esp != NULL &&
	    len > 0)
		cap->packets++;
}

const char *
capture_path(const struct capture *cap)
{
	return cap != NULL ? cap->path : NULL;
}
