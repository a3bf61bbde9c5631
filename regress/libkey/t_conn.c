/*
 * The connection to keyd: socket names, connecting, and message I/O on a
 * SOCK_SEQPACKET socket pair standing in for keyd.  No network is used.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include "libkey.h"

static void
make_pair(int sv[2])
{
	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
}

/* Writes a message of len bytes (at least 16) with the given header. */
static void
send_msg(int fd, uint8_t type, uint32_t seq, uint32_t pid, uint8_t err,
    size_t len)
{
	struct sadb_msg msg;
	uint8_t *buf;
	size_t i;

	buf = calloc(1, len);
	ATF_REQUIRE(buf != NULL);
	memset(&msg, 0, sizeof(msg));
	msg.sadb_msg_version = PF_KEY_V2;
	msg.sadb_msg_type = type;
	msg.sadb_msg_errno = err;
	msg.sadb_msg_len = (uint16_t)(len / 8);
	msg.sadb_msg_seq = seq;
	msg.sadb_msg_pid = pid;
	memcpy(buf, &msg, sizeof(msg));
	for (i = sizeof(msg); i < len; i++)
		buf[i] = (uint8_t)i;
	ATF_REQUIRE_EQ(send(fd, buf, len, 0), (ssize_t)len);
	free(buf);
}

static double
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1e3 +
	    (now.tv_nsec - start->tv_nsec) / 1e6;
}

ATF_TC_WITHOUT_HEAD(socket_name);
ATF_TC_BODY(socket_name, tc)
{
	ATF_REQUIRE(unsetenv(KEY_SOCKET_ENV) == 0);
	ATF_CHECK_STREQ(key_socket_name(), "@keyd");
	ATF_REQUIRE(setenv(KEY_SOCKET_ENV, "/run/keyd.sock", 1) == 0);
	ATF_CHECK_STREQ(key_socket_name(), "/run/keyd.sock");
	ATF_REQUIRE(setenv(KEY_SOCKET_ENV, "@other", 1) == 0);
	ATF_CHECK_STREQ(key_socket_name(), "@other");
	ATF_REQUIRE(setenv(KEY_SOCKET_ENV, "", 1) == 0);
	ATF_CHECK_STREQ(key_socket_name(), "@keyd");
}

ATF_TC_WITHOUT_HEAD(open_missing);
ATF_TC_BODY(open_missing, tc)
{
	char name[64];

	/* No process listens on this abstract name. */
	snprintf(name, sizeof(name), "@lkt-missing-%ld", (long)getpid());
	ATF_CHECK_EQ(key_open_name(name), -1);
	ATF_CHECK_EQ(errno, ECONNREFUSED);

	ATF_CHECK_EQ(key_open_name("/nonexistent/lkt/keyd.sock"), -1);
	ATF_CHECK_EQ(errno, ENOENT);

	ATF_REQUIRE(setenv(KEY_SOCKET_ENV, name, 1) == 0);
	ATF_CHECK_EQ(key_open(), -1);
	ATF_CHECK_EQ(errno, ECONNREFUSED);
}

ATF_TC_WITHOUT_HEAD(open_bad_names);
ATF_TC_BODY(open_bad_names, tc)
{
	char longname[200];

	ATF_CHECK_EQ(key_open_name(""), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(key_open_name("@"), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(key_open_name(NULL), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ATF_CHECK_EQ(key_open_name(longname), -1);
	ATF_CHECK_EQ(errno, ENAMETOOLONG);
	longname[0] = '@';
	ATF_CHECK_EQ(key_open_name(longname), -1);
	ATF_CHECK_EQ(errno, ENAMETOOLONG);
}

/* Listens on name (abstract if it starts with '@') and returns the fd. */
static int
listen_on(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	size_t n = strlen(name);
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (name[0] == '@') {
		memcpy(sun.sun_path + 1, name + 1, n - 1);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		memcpy(sun.sun_path, name, n);
		len = sizeof(sun);
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ATF_REQUIRE(fd != -1);
	ATF_REQUIRE_MSG(bind(fd, (struct sockaddr *)&sun, len) == 0,
	    "bind %s: %s", name, strerror(errno));
	ATF_REQUIRE(listen(fd, 4) == 0);
	return fd;
}

ATF_TC_WITHOUT_HEAD(open_abstract);
ATF_TC_BODY(open_abstract, tc)
{
	struct sockaddr_un peer;
	socklen_t len = sizeof(peer);
	char name[64];
	int lfd, fd, afd;

	snprintf(name, sizeof(name), "@lkt-open-%ld", (long)getpid());
	lfd = listen_on(name);
	fd = key_open_name(name);
	ATF_REQUIRE_MSG(fd != -1, "key_open_name: %s", strerror(errno));

	/*
	 * The address must be exactly NUL + name, with no trailing NULs,
	 * or it names a different abstract socket.
	 */
	ATF_REQUIRE(getpeername(fd, (struct sockaddr *)&peer, &len) == 0);
	ATF_CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) +
	    strlen(name));
	ATF_CHECK_EQ(peer.sun_path[0], '\0');
	ATF_CHECK(memcmp(peer.sun_path + 1, name + 1, strlen(name) - 1) ==
	    0);

	/* A message goes through to the accepted side. */
	afd = accept(lfd, NULL, NULL);
	ATF_REQUIRE(afd != -1);
	send_msg(afd, SADB_FLUSH, 1, 2, 0, 16);
	{
		uint8_t buf[64];

		ATF_CHECK_EQ(key_recv(fd, buf, sizeof(buf), 1000), 16);
		ATF_CHECK_EQ(buf[1], SADB_FLUSH);
	}
	ATF_CHECK_EQ(key_close(fd), 0);
	close(afd);
	close(lfd);
}

ATF_TC_WITHOUT_HEAD(open_path);
ATF_TC_BODY(open_path, tc)
{
	int lfd, fd;

	/* kyua runs each test case in a fresh working directory. */
	unlink("keyd.sock");
	lfd = listen_on("keyd.sock");
	ATF_REQUIRE(setenv(KEY_SOCKET_ENV, "keyd.sock", 1) == 0);
	fd = key_open();
	ATF_CHECK_MSG(fd != -1, "key_open: %s", strerror(errno));
	if (fd != -1)
		key_close(fd);
	close(lfd);
	unlink("keyd.sock");
}

ATF_TC_WITHOUT_HEAD(recv_timeout);
ATF_TC_BODY(recv_timeout, tc)
{
	struct timespec start;
	uint8_t buf[64];
	size_t len;
	int sv[2];
	double ms;

	make_pair(sv);
	clock_gettime(CLOCK_MONOTONIC, &start);
	ATF_CHECK_EQ(key_recv(sv[0], buf, sizeof(buf), 150), -1);
	ATF_CHECK_EQ(errno, ETIMEDOUT);
	ms = elapsed_ms(&start);
	ATF_CHECK_MSG(ms >= 140 && ms < 2000, "waited %.0f ms for 150", ms);

	ATF_CHECK(key_recv_alloc(sv[0], &len, 50) == NULL);
	ATF_CHECK_EQ(errno, ETIMEDOUT);

	/* Timeout 0 polls once. */
	ATF_CHECK_EQ(key_recv(sv[0], buf, sizeof(buf), 0), -1);
	ATF_CHECK_EQ(errno, ETIMEDOUT);
	send_msg(sv[1], SADB_DUMP, 0, 0, 0, 24);
	ATF_CHECK_EQ(key_recv(sv[0], buf, sizeof(buf), 0), 24);
	close(sv[0]);
	close(sv[1]);
}

ATF_TC_WITHOUT_HEAD(recv_emsgsize);
ATF_TC_BODY(recv_emsgsize, tc)
{
	uint8_t buf[32];
	int sv[2];

	make_pair(sv);
	send_msg(sv[1], SADB_GET, 7, 8, 0, 120);
	send_msg(sv[1], SADB_FLUSH, 9, 8, 0, 16);

	memset(buf, 0xee, sizeof(buf));
	ATF_CHECK_EQ(key_recv(sv[0], buf, sizeof(buf), 1000), -1);
	ATF_CHECK_EQ(errno, EMSGSIZE);
	/* The truncated part is not left behind in the buffer. */
	ATF_CHECK_EQ(buf[1], 0);

	/* The long message is gone; the next one arrives whole. */
	ATF_CHECK_EQ(key_recv(sv[0], buf, sizeof(buf), 1000), 16);
	ATF_CHECK_EQ(buf[1], SADB_FLUSH);

	/* Exactly cap bytes fit. */
	send_msg(sv[1], SADB_GET, 7, 8, 0, 32);
	ATF_CHECK_EQ(key_recv(sv[0], buf, sizeof(buf), 1000), 32);
	close(sv[0]);
	close(sv[1]);
}

ATF_TC_WITHOUT_HEAD(recv_alloc_sizes);
ATF_TC_BODY(recv_alloc_sizes, tc)
{
	static const size_t sizes[] = { 16, 24, 4096, 65536 };
	uint8_t *msg;
	size_t i, len;
	int sv[2], bufsize = 1 << 20;

	make_pair(sv);
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		send_msg(sv[1], SADB_DUMP, (uint32_t)i, 1, 0, sizes[i]);
		msg = key_recv_alloc(sv[0], &len, 1000);
		ATF_REQUIRE_MSG(msg != NULL, "size %zu: %s", sizes[i],
		    strerror(errno));
		ATF_CHECK_EQ(len, sizes[i]);
		ATF_CHECK_EQ(msg[8], (uint8_t)i);	/* seq */
		if (len > sizeof(struct sadb_msg))
			ATF_CHECK_EQ(msg[len - 1], (uint8_t)(len - 1));
		free(msg);
	}
	close(sv[0]);
	close(sv[1]);
}

ATF_TC_WITHOUT_HEAD(recv_peer_closed);
ATF_TC_BODY(recv_peer_closed, tc)
{
	uint8_t buf[32];
	size_t len;
	int sv[2];

	make_pair(sv);
	send_msg(sv[1], SADB_FLUSH, 1, 1, 0, 16);
	close(sv[1]);
	/* Queued messages are still delivered before the close is reported. */
	ATF_CHECK_EQ(key_recv(sv[0], buf, sizeof(buf), 1000), 16);
	ATF_CHECK_EQ(key_recv(sv[0], buf, sizeof(buf), 1000), -1);
	ATF_CHECK_EQ(errno, ECONNRESET);
	ATF_CHECK(key_recv_alloc(sv[0], &len, 1000) == NULL);
	ATF_CHECK_EQ(errno, ECONNRESET);
	close(sv[0]);
}

ATF_TC_WITHOUT_HEAD(send_whole_message);
ATF_TC_BODY(send_whole_message, tc)
{
	uint8_t msg[40], buf[64];
	int sv[2];

	make_pair(sv);
	memset(msg, 0x5a, sizeof(msg));
	ATF_CHECK_EQ(key_send(sv[0], msg, sizeof(msg)), (ssize_t)sizeof(msg));
	ATF_CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), (ssize_t)sizeof(msg));
	ATF_CHECK(memcmp(buf, msg, sizeof(msg)) == 0);

	/* A closed peer gives EPIPE, not SIGPIPE. */
	close(sv[1]);
	ATF_CHECK_EQ(key_send(sv[0], msg, sizeof(msg)), -1);
	ATF_CHECK_EQ(errno, EPIPE);
	close(sv[0]);
}

ATF_TC_WITHOUT_HEAD(request_skips_unrelated);
ATF_TC_BODY(request_skips_unrelated, tc)
{
	struct sadb_msg req, got;
	uint8_t *reply, buf[64];
	size_t len;
	int sv[2];

	make_pair(sv);
	/* Queued ahead of the reply: other clients' traffic. */
	send_msg(sv[1], SADB_ADD, 5, 999, 0, 40);	/* other pid */
	send_msg(sv[1], SADB_GET, 4, 4242, 0, 24);	/* other seq */
	send_msg(sv[1], SADB_DELETE, 5, 4242, 0, 16);	/* other type */
	send_msg(sv[1], SADB_GET, 5, 4242, ESRCH, 32);	/* the reply */
	send_msg(sv[1], SADB_GET, 5, 4242, 0, 48);	/* a later one */

	memset(&req, 0, sizeof(req));
	req.sadb_msg_version = PF_KEY_V2;
	req.sadb_msg_type = SADB_GET;
	req.sadb_msg_satype = SADB_SATYPE_ESP;
	req.sadb_msg_len = 2;
	req.sadb_msg_seq = 5;
	req.sadb_msg_pid = 4242;
	reply = key_request(sv[0], &req, sizeof(req), &len, 1000);
	ATF_REQUIRE_MSG(reply != NULL, "key_request: %s", strerror(errno));
	ATF_CHECK_EQ(len, 32);
	memcpy(&got, reply, sizeof(got));
	ATF_CHECK_EQ(got.sadb_msg_type, SADB_GET);
	ATF_CHECK_EQ(got.sadb_msg_seq, 5u);
	ATF_CHECK_EQ(got.sadb_msg_pid, 4242u);
	/* A reply carrying an error is still returned. */
	ATF_CHECK_EQ(got.sadb_msg_errno, ESRCH);
	free(reply);

	/* The request reached the peer unchanged. */
	ATF_CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), (ssize_t)sizeof(req));
	ATF_CHECK(memcmp(buf, &req, sizeof(req)) == 0);

	/* The message after the reply is left for the next read. */
	ATF_CHECK_EQ(key_recv(sv[0], buf, sizeof(buf), 1000), 48);
	close(sv[0]);
	close(sv[1]);
}

ATF_TC_WITHOUT_HEAD(request_timeout);
ATF_TC_BODY(request_timeout, tc)
{
	struct timespec start;
	struct sadb_msg req;
	size_t len;
	double ms;
	int sv[2];

	make_pair(sv);
	send_msg(sv[1], SADB_ADD, 1, 77, 0, 16);
	memset(&req, 0, sizeof(req));
	req.sadb_msg_version = PF_KEY_V2;
	req.sadb_msg_type = SADB_DUMP;
	req.sadb_msg_len = 2;
	req.sadb_msg_seq = 1;
	req.sadb_msg_pid = 78;
	clock_gettime(CLOCK_MONOTONIC, &start);
	ATF_CHECK(key_request(sv[0], &req, sizeof(req), &len, 200) == NULL);
	ATF_CHECK_EQ(errno, ETIMEDOUT);
	ms = elapsed_ms(&start);
	ATF_CHECK_MSG(ms >= 190 && ms < 2000, "waited %.0f ms for 200", ms);

	/* Too short to be a request. */
	ATF_CHECK(key_request(sv[0], &req, 8, &len, 200) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	close(sv[0]);
	close(sv[1]);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, socket_name);
	ATF_TP_ADD_TC(tp, open_missing);
	ATF_TP_ADD_TC(tp, open_bad_names);
	ATF_TP_ADD_TC(tp, open_abstract);
	ATF_TP_ADD_TC(tp, open_path);
	ATF_TP_ADD_TC(tp, recv_timeout);
	ATF_TP_ADD_TC(tp, recv_emsgsize);
	ATF_TP_ADD_TC(tp, recv_alloc_sizes);
	ATF_TP_ADD_TC(tp, recv_peer_closed);
	ATF_TP_ADD_TC(tp, send_whole_message);
	ATF_TP_ADD_TC(tp, request_skips_unrelated);
	ATF_TP_ADD_TC(tp, request_timeout);
	return atf_no_error();
}
