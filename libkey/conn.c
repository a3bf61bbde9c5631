/*
 * The SOCK_SEQPACKET connection to keyd.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libkey.h"

const char *
key_socket_name(void)
{
	const char *name = getenv(KEY_SOCKET_ENV);

	if (name == NULL || *name == '\0')
		return KEY_SOCKET_DEFAULT;
	return name;
}

int
key_open(void)
{
	return key_open_name(key_socket_name());
}

/* Fills sun from name and returns the address length to pass. */
static int
make_address(const char *name, struct sockaddr_un *sun, socklen_t *lenp)
{
	size_t len = strlen(name);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (name[0] == '@') {
		/* Abstract: a NUL byte, then the name without '@'. */
		if (len < 2 || len > sizeof(sun->sun_path)) {
			errno = len < 2 ? EINVAL : ENAMETOOLONG;
			return -1;
		}
		memcpy(sun->sun_path + 1, name + 1, len - 1);
		*lenp = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    len);
		return 0;
	}
	if (len == 0 || len >= sizeof(sun->sun_path)) {
		errno = len == 0 ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, name, len);
	*lenp = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	return 0;
}

int
key_open_name(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd, saved;

	if (name == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (make_address(name, &sun, &len) == -1)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	while (connect(fd, (struct sockaddr *)&sun, len) == -1) {
		if (errno == EINTR)
			continue;
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

ssize_t
key_send(int fd, const void *msg, size_t len)
{
	ssize_t n;

	do {
		n = send(fd, msg, len, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until fd is readable or the time at deadline (from now_ms(); -1
 * waits forever) has passed.  Returns 0, or -1 with errno ETIMEDOUT or
 * the error of poll(2).
 */
static int
wait_readable(int fd, int64_t deadline)
{
	struct pollfd pfd;
	int64_t left;
	int n;

	for (;;) {
		left = -1;
		if (deadline >= 0) {
			left = deadline - now_ms();
			if (left < 0)
				left = 0;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n == 0 && left == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

static int64_t
deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

/* Receives one message once fd is readable; see key_recv(). */
static ssize_t
recv_ready(int fd, void *buf, size_t cap)
{
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = cap;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	do {
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (n == 0) {
		errno = ECONNRESET;
		return -1;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		key_wipe(buf, cap);
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

ssize_t
key_recv(int fd, void *buf, size_t cap, int timeout_ms)
{
	int64_t deadline = deadline_of(timeout_ms);
	ssize_t n;

	for (;;) {
		if (wait_readable(fd, deadline) == -1)
			return -1;
		n = recv_ready(fd, buf, cap);
		/* Another reader may have taken the message first. */
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		return n;
	}
}

static void *
recv_alloc_deadline(int fd, size_t *lenp, int64_t deadline)
{
	uint8_t probe;
	ssize_t len, n;
	void *buf;

	for (;;) {
		if (wait_readable(fd, deadline) == -1)
			return NULL;
		len = recv(fd, &probe, sizeof(probe),
		    MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
		if (len == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			continue;
		if (len == -1)
			return NULL;
		if (len == 0) {
			errno = ECONNRESET;
			return NULL;
		}
		if ((buf = malloc((size_t)len)) == NULL)
			return NULL;
		n = recv_ready(fd, buf, (size_t)len);
		if (n >= 0) {
			*lenp = (size_t)n;
			return buf;
		}
		free(buf);
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EMSGSIZE)
			return NULL;
		/* Another reader took the message after the peek. */
	}
}

void *
key_recv_alloc(int fd, size_t *lenp, int timeout_ms)
{
	return recv_alloc_deadline(fd, lenp, deadline_of(timeout_ms));
}

static bool
is_reply(const void *reply, size_t len, const struct sadb_msg *req)
{
	struct sadb_msg msg;

	if (len < sizeof(msg))
		return false;
	memcpy(&msg, reply, sizeof(msg));
	return msg.sadb_msg_type == req->sadb_msg_type &&
	    msg.sadb_msg_seq == req->sadb_msg_seq &&
	    msg.sadb_msg_pid == req->sadb_msg_pid;
}

void *
key_request(int fd, const void *msg, size_t len, size_t *lenp,
    int timeout_ms)
{
	int64_t deadline = deadline_of(timeout_ms);
	struct sadb_msg req;
	size_t rlen;
	void *reply;

	if (msg == NULL || len < sizeof(req)) {
		errno = EINVAL;
		return NULL;
	}
	memcpy(&req, msg, sizeof(req));
	if (key_send(fd, msg, len) == -1)
		return NULL;
	for (;;) {
		reply = recv_alloc_deadline(fd, &rlen, deadline);
		if (reply == NULL)
			return NULL;
		if (is_reply(reply, rlen, &req)) {
			*lenp = rlen;
			return reply;
		}
		key_wipe(reply, rlen);
		free(reply);
	}
}

int
key_close(int fd)
{
	return close(fd);
}
