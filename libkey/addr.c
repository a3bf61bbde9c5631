/*
 * Conversion between Linux sockaddrs and the BSD sockaddrs of PF_KEY.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>

#include "libkey.h"
#include "key_private.h"

size_t
key_sockaddr_bsdlen(int family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct key_sockaddr_in);
	case AF_INET6:
		return sizeof(struct key_sockaddr_in6);
	default:
		return 0;
	}
}

unsigned int
key_sockaddr_bits(int family)
{
	switch (family) {
	case AF_INET:
		return 32;
	case AF_INET6:
		return 128;
	default:
		return 0;
	}
}

unsigned int
key_bsd_bits(uint8_t bsd_family)
{
	switch (bsd_family) {
	case KEY_AF_INET:
		return 32;
	case KEY_AF_INET6:
		return 128;
	default:
		return 0;
	}
}

ssize_t
key_sockaddr_to_bsd(const struct sockaddr *sa, void *out, size_t cap)
{
	struct key_sockaddr_in ksin;
	struct key_sockaddr_in6 ksin6;
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;

	switch (sa->sa_family) {
	case AF_INET:
		if (cap < sizeof(ksin)) {
			errno = ENOSPC;
			return -1;
		}
		sin = (const struct sockaddr_in *)(const void *)sa;
		memset(&ksin, 0, sizeof(ksin));
		ksin.ksin_len = sizeof(ksin);
		ksin.ksin_family = KEY_AF_INET;
		ksin.ksin_port = sin->sin_port;
		memcpy(ksin.ksin_addr, &sin->sin_addr, sizeof(ksin.ksin_addr));
		memcpy(out, &ksin, sizeof(ksin));
		return sizeof(ksin);
	case AF_INET6:
		if (cap < sizeof(ksin6)) {
			errno = ENOSPC;
			return -1;
		}
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		memset(&ksin6, 0, sizeof(ksin6));
		ksin6.ksin6_len = sizeof(ksin6);
		ksin6.ksin6_family = KEY_AF_INET6;
		ksin6.ksin6_port = sin6->sin6_port;
		ksin6.ksin6_flowinfo = sin6->sin6_flowinfo;
		memcpy(ksin6.ksin6_addr, &sin6->sin6_addr,
		    sizeof(ksin6.ksin6_addr));
		ksin6.ksin6_scope_id = sin6->sin6_scope_id;
		memcpy(out, &ksin6, sizeof(ksin6));
		return sizeof(ksin6);
	default:
		errno = EAFNOSUPPORT;
		return -1;
	}
}

int
key_bsd_check(const uint8_t *p, size_t avail, const char **reason)
{
	size_t want;

	if (avail < 2) {
		*reason = "sockaddr does not fit";
		errno = EINVAL;
		return -1;
	}
	switch (p[1]) {
	case KEY_AF_INET:
		want = sizeof(struct key_sockaddr_in);
		break;
	case KEY_AF_INET6:
		want = sizeof(struct key_sockaddr_in6);
		break;
	default:
		*reason = "unsupported address family";
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (p[0] != want) {
		*reason = "sockaddr length does not match its family";
		errno = EINVAL;
		return -1;
	}
	if (want > avail) {
		*reason = "sockaddr does not fit";
		errno = EINVAL;
		return -1;
	}
	return (int)want;
}

int
key_sockaddr_from_bsd(const void *bsd, size_t len,
    struct sockaddr_storage *out)
{
	struct key_sockaddr_in ksin;
	struct key_sockaddr_in6 ksin6;
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;
	const char *reason;
	const uint8_t *p = bsd;

	if (key_bsd_check(p, len, &reason) == -1)
		return -1;
	memset(out, 0, sizeof(*out));
	if (p[1] == KEY_AF_INET) {
		memcpy(&ksin, p, sizeof(ksin));
		sin = (struct sockaddr_in *)(void *)out;
		sin->sin_family = AF_INET;
		sin->sin_port = ksin.ksin_port;
		memcpy(&sin->sin_addr, ksin.ksin_addr, sizeof(ksin.ksin_addr));
	} else {
		memcpy(&ksin6, p, sizeof(ksin6));
		sin6 = (struct sockaddr_in6 *)(void *)out;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = ksin6.ksin6_port;
		sin6->sin6_flowinfo = ksin6.ksin6_flowinfo;
		memcpy(&sin6->sin6_addr, ksin6.ksin6_addr,
		    sizeof(ksin6.ksin6_addr));
		sin6->sin6_scope_id = ksin6.ksin6_scope_id;
	}
	return 0;
}
