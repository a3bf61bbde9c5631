/*
 * hostile: the driver of the hostile-input tests.  It does to keyd what
 * keyclient cannot: messages beyond the socket's default size, crowds of
 * concurrent clients, clients that vanish in the middle of a dump, and
 * floods of ESP on a raw socket.
 *
 *	hostile oversize BYTES
 *		send one SADB_DUMP of BYTES bytes (sadb_msg_len gives the
 *		same length, capped at its 16-bit maximum), print the
 *		reply, then send an ordinary SADB_DUMP on the same
 *		connection
 *	hostile broadcast BYTES
 *		send an SADB_X_PROMISC whose body of about BYTES bytes (one
 *		PROPOSAL extension) keyd passes on to every client; a
 *		second connection must receive it and still be served
 *	hostile crowd CLIENTS ROUNDS
 *		run CLIENTS processes at once; each adds, gets, dumps and
 *		deletes ROUNDS SAs of its own and checks every reply
 *	hostile vanish COUNT READ
 *		COUNT times: connect, send SADB_DUMP, read READ messages
 *		of the dump and close the connection
 *	hostile espflood KIND COUNT DST [SPI [ENCKEY AUTHKEY]]
 *		send COUNT ESP packets to DST on a raw socket: KIND is
 *		unknown (SPIs at 0x20000000 and above), badicv (SPI with
 *		random contents), garbage (0 to 40 random bytes) or replay
 *		(one packet encrypted for SPI with AES-CBC and HMAC-SHA1,
 *		keys in hex, sent COUNT times)
 *
 * Errors are printed by name (EINVAL, ...).  Exit status: 0, 1 when a
 * check failed, 2 for a usage error.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libkey.h"
#include "esp.h"

#define TIMEOUT_MS	10000


static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: hostile oversize BYTES\n"
	    "       hostile broadcast BYTES\n"
	    "       hostile crowd CLIENTS ROUNDS\n"
	    "       hostile vanish COUNT READ\n"
	    "       hostile espflood KIND COUNT DST [SPI [ENCKEY AUTHKEY]]\n");
	exit(2);
}

static unsigned long
number(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v > max)
		errx(2, "invalid number: %s", s);
	return v;
}

static const char *
errname(int e)
{
	const char *name;

	if (e == 0)
		return "0";
	name = strerrorname_np(e);
	return name != NULL ? name : "unknown";
}

/* xorshift64: reproducible random bytes, good enough for garbage. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void
rng_fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

static int
connect_keyd(void)
{
	int fd;

	if ((fd = key_open()) == -1)
		err(1, "connect to keyd %s", key_socket_name());
	return fd;
}

/* Builds a bare header message of the given type. */
static void
bare(struct key_buf *b, uint8_t type, uint8_t satype, uint32_t seq)
{
	key_buf_init(b);
	key_msg_begin(b, type, satype, seq, (uint32_t)getpid());
	if (key_msg_end(b) == -1)
		err(1, "build message");
}

static int
cmd_oversize(int argc, char **argv)
{
	struct sadb_msg *m, *reply;
	struct key_buf b;
	size_t bytes, len;
	int fd, size;

	if (argc != 1)
		usage();
	bytes = number(argv[0], 16 * 1024 * 1024);
	if (bytes < sizeof(*m))
		usage();
	fd = connect_keyd();
	/* Root may exceed net.core.wmem_max. */
	size = (int)(bytes * 2 + 65536);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size,
	    sizeof(size)) == -1)
		warn("SO_SNDBUFFORCE");
	if ((m = calloc(1, bytes)) == NULL)
		err(1, "calloc");
	m->sadb_msg_version = PF_KEY_V2;
	m->sadb_msg_type = SADB_DUMP;
	m->sadb_msg_len = (uint16_t)(bytes / 8 > 0xffff ? 0xffff : bytes / 8);
	m->sadb_msg_seq = 1;
	m->sadb_msg_pid = (uint32_t)getpid();
	if (key_send(fd, m, bytes) == -1) {
		printf("send error %s\n", errname(errno));
		free(m);
		return 0;
	}
	free(m);
	reply = key_recv_alloc(fd, &len, TIMEOUT_MS);
	if (reply == NULL) {
		printf("recv error %s\n", errname(errno));
		return 1;
	}
	printf("reply type=%u errno=%s len=%zu\n", reply->sadb_msg_type,
	    errname(reply->sadb_msg_errno), len);
	free(reply);

	bare(&b, SADB_DUMP, SADB_SATYPE_UNSPEC, 2);
	reply = key_request(fd, b.data, b.len, &len, TIMEOUT_MS);
	key_buf_free(&b);
	if (reply == NULL) {
		printf("after: recv error %s\n", errname(errno));
		return 1;
	}
	printf("after: type=%u errno=%s\n", reply->sadb_msg_type,
	    errname(reply->sadb_msg_errno));
	free(reply);
	key_close(fd);
	return 0;
}

static int
cmd_broadcast(int argc, char **argv)
{
	struct sadb_msg *m, *got;
	struct sadb_prop *prop;
	struct key_buf b;
	size_t bytes, len;
	int sender, listener, size;

	if (argc != 1)
		usage();
	bytes = number(argv[0], KEY_MSG_MAXLEN - sizeof(*m));
	if (bytes < sizeof(*prop))
		usage();
	/* The body must parse as extensions: one PROPOSAL of whole combs. */
	bytes = sizeof(*prop) + (bytes - sizeof(*prop)) /
	    sizeof(struct sadb_comb) * sizeof(struct sadb_comb);
	sender = connect_keyd();
	listener = connect_keyd();
	size = (int)(bytes * 2 + 65536);
	if (setsockopt(sender, SOL_SOCKET, SO_SNDBUFFORCE, &size,
	    sizeof(size)) == -1)
		warn("SO_SNDBUFFORCE");
	if ((m = calloc(1, sizeof(*m) + bytes)) == NULL)
		err(1, "calloc");
	m->sadb_msg_version = PF_KEY_V2;
	m->sadb_msg_type = SADB_X_PROMISC;
	m->sadb_msg_len = (uint16_t)((sizeof(*m) + bytes) / 8);
	m->sadb_msg_pid = (uint32_t)getpid();
	prop = (struct sadb_prop *)(void *)(m + 1);
	prop->sadb_prop_len = (uint16_t)(bytes / 8);
	prop->sadb_prop_exttype = SADB_EXT_PROPOSAL;
	if (key_send(sender, m, sizeof(*m) + bytes) == -1)
		err(1, "send");
	free(m);
	got = key_recv_alloc(listener, &len, TIMEOUT_MS);
	if (got == NULL) {
		printf("listener: recv error %s\n", errname(errno));
		return 1;
	}
	printf("listener: %zu bytes\n", len);
	free(got);

	bare(&b, SADB_DUMP, SADB_SATYPE_UNSPEC, 2);
	got = key_request(listener, b.data, b.len, &len, TIMEOUT_MS);
	key_buf_free(&b);
	if (got == NULL) {
		printf("listener after: recv error %s\n", errname(errno));
		return 1;
	}
	printf("listener after: type=%u errno=%s\n", got->sadb_msg_type,
	    errname(got->sadb_msg_errno));
	free(got);
	return 0;
}

/* Sends b and returns the errno of its reply, or -1 without a reply. */
static int
request(int fd, struct key_buf *b)
{
	struct sadb_msg *reply;
	size_t len;
	int e;

	reply = key_request(fd, b->data, b->len, &len, TIMEOUT_MS);
	key_buf_free(b);
	if (reply == NULL)
		return -1;
	e = reply->sadb_msg_errno;
	key_wipe(reply, len);
	free(reply);
	return e;
}

static void
sa_message(struct key_buf *b, uint8_t type, uint32_t spi, uint32_t seq,
    const struct sockaddr *src, const struct sockaddr *dst, bool keys)
{
	static const uint8_t key[16] = "hostile-crowd-k";

	key_buf_init(b);
	key_msg_begin(b, type, SADB_SATYPE_ESP, seq, (uint32_t)getpid());
	key_msg_add_sa(b, spi, 0, 0, SADB_AALG_NONE,
	    keys ? SADB_X_EALG_AESCBC : 0, SADB_X_EXT_CYCSEQ);
	key_msg_add_address(b, SADB_EXT_ADDRESS_SRC, IPSEC_ULPROTO_ANY, 32,
	    src);
	key_msg_add_address(b, SADB_EXT_ADDRESS_DST, IPSEC_ULPROTO_ANY, 32,
	    dst);
	if (keys)
		key_msg_add_key(b, SADB_EXT_KEY_ENCRYPT, key, 128);
	if (key_msg_end(b) == -1)
		err(1, "build message");
}

/* Reads this process's dump to its end.  Returns its length or -1. */
static long
read_dump(int fd, uint32_t spi_wanted, bool *found)
{
	struct sadb_msg *m;
	const struct sadb_sa *sa;
	struct key_msg km;
	size_t len;
	long n = 0;

	for (;;) {
		if ((m = key_recv_alloc(fd, &len, TIMEOUT_MS)) == NULL)
			return -1;
		if (m->sadb_msg_type != SADB_DUMP ||
		    m->sadb_msg_pid != (uint32_t)getpid()) {
			free(m);
			continue;
		}
		if (m->sadb_msg_errno != 0) {
			free(m);
			return -1;
		}
		n++;
		if (key_msg_parse(&km, m, len) == 0 &&
		    (sa = (const struct sadb_sa *)(const void *)
		    km.ext[SADB_EXT_SA]) != NULL &&
		    ntohl(sa->sadb_sa_spi) == spi_wanted)
			*found = true;
		if (m->sadb_msg_seq == 0) {
			key_wipe(m, len);
			free(m);
			return n;
		}
		key_wipe(m, len);
		free(m);
	}
}

/* One crowd member: returns the number of failed checks. */
static int
crowd_member(unsigned int id, unsigned long rounds)
{
	struct sockaddr_in src, dst;
	struct key_buf b;
	unsigned long r;
	uint32_t spi, seq = 0;
	int fd, e, failed = 0;
	bool found;

	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_addr.s_addr = htonl(0xc0a80000 | ((id / 250 + 10) << 8) |
	    (id % 250 + 1));
	dst = src;
	dst.sin_addr.s_addr = htonl(0xc0a80005);
	fd = connect_keyd();
	for (r = 0; r < rounds; r++) {
		spi = 0x100000 + id * 1000 + (uint32_t)r;
		sa_message(&b, SADB_ADD, spi, ++seq,
		    (struct sockaddr *)&src, (struct sockaddr *)&dst, true);
		if ((e = request(fd, &b)) != 0) {
			printf("client %u: ADD %u: %s\n", id, spi, errname(e));
			failed++;
		}
		sa_message(&b, SADB_GET, spi, ++seq, (struct sockaddr *)&src,
		    (struct sockaddr *)&dst, false);
		if ((e = request(fd, &b)) != 0) {
			printf("client %u: GET %u: %s\n", id, spi, errname(e));
			failed++;
		}
		bare(&b, SADB_DUMP, SADB_SATYPE_UNSPEC, ++seq);
		found = false;
		if (key_send(fd, b.data, b.len) == -1 ||
		    read_dump(fd, spi, &found) < 0 || !found) {
			printf("client %u: DUMP without SA %u\n", id, spi);
			failed++;
		}
		key_buf_free(&b);
		sa_message(&b, SADB_DELETE, spi, ++seq,
		    (struct sockaddr *)&src, (struct sockaddr *)&dst, false);
		if ((e = request(fd, &b)) != 0) {
			printf("client %u: DELETE %u: %s\n", id, spi,
			    errname(e));
			failed++;
		}
	}
	key_close(fd);
	return failed;
}

static int
cmd_crowd(int argc, char **argv)
{
	unsigned long clients, rounds, i, ok = 0, failed = 0;
	pid_t pid;
	int status;

	if (argc != 2)
		usage();
	clients = number(argv[0], 1000);
	rounds = number(argv[1], 1000);
	fflush(stdout);
	for (i = 0; i < clients; i++) {
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0)
			_exit(crowd_member((unsigned int)i, rounds) == 0 ?
			    0 : 1);
	}
	while (wait(&status) > 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
		else
			failed++;
	}
	printf("crowd: %lu clients, %lu passed, %lu failed\n", clients, ok,
	    failed);
	return failed == 0 ? 0 : 1;
}

static int
cmd_vanish(int argc, char **argv)
{
	unsigned long count, nread, i, j;
	struct key_buf b;
	size_t len;
	void *m;
	int fd;

	if (argc != 2)
		usage();
	count = number(argv[0], 100000);
	nread = number(argv[1], 100000);
	for (i = 0; i < count; i++) {
		fd = connect_keyd();
		bare(&b, SADB_DUMP, SADB_SATYPE_UNSPEC, (uint32_t)i + 1);
		if (key_send(fd, b.data, b.len) == -1)
			err(1, "send");
		key_buf_free(&b);
		for (j = 0; j < nread; j++) {
			if ((m = key_recv_alloc(fd, &len, TIMEOUT_MS)) == NULL)
				break;
			free(m);
		}
		close(fd);
	}
	printf("vanish: %lu clients closed during their dumps\n", count);
	return 0;
}

static size_t
hexbytes(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	if (strncmp(hex, "0x", 2) == 0)
		hex += 2;
	while (hex[0] != '\0' && hex[1] != '\0' && n < cap) {
		if (sscanf(hex, "%2x", &v) != 1)
			errx(2, "invalid hex key");
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

/*
 * Builds one ESP packet for spi with AES-CBC and HMAC-SHA1 around an
 * IPv4 ICMP echo request from 10.99.0.1 to 10.99.0.2.
 */
static size_t
build_valid(uint32_t spi, const char *enchex, const char *authhex,
    uint8_t *out, size_t cap)
{
	static const uint8_t inner[28] = {
		0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00,
		0x40, 0x01, 0x00, 0x00, 10, 99, 0, 1, 10, 99, 0, 2,
		0x08, 0x00, 0xf7, 0xfe, 0x00, 0x01, 0x00, 0x00
	};
	uint8_t ek[32], ak[32];
	struct esp_ctx ctx;
	size_t eklen, aklen, len = 0;

	eklen = hexbytes(enchex, ek, sizeof(ek));
	aklen = hexbytes(authhex, ak, sizeof(ak));
	if (esp_ctx_init(&ctx, SADB_X_EALG_AESCBC, ek, eklen,
	    SADB_AALG_SHA1HMAC, ak, aklen, ESP_PAD_SEQ) != 0)
		errx(1, "ESP set-up: %s", ctx.error);
	if (esp_encrypt(&ctx, spi, 1, 4, inner, sizeof(inner), out, cap,
	    ESP_PAD_SEQ, &len) != ESP_OK)
		errx(1, "ESP encryption failed");
	esp_ctx_free(&ctx);
	return len;
}

static int
cmd_espflood(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	uint8_t pkt[256], valid[256];
	unsigned long count, i;
	uint32_t spi = 0, v;
	size_t len, validlen = 0;
	socklen_t sslen;
	const char *kind;
	int fd;

	if (argc < 3)
		usage();
	kind = argv[0];
	count = number(argv[1], 10000000);
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, argv[2], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, argv[2], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sslen = sizeof(*sin6);
	} else
		errx(2, "invalid address: %s", argv[2]);
	if (argc >= 4)
		spi = (uint32_t)number(argv[3], UINT32_MAX);
	if (strcmp(kind, "replay") == 0) {
		if (argc != 6)
			usage();
		validlen = build_valid(spi, argv[4], argv[5], valid,
		    sizeof(valid));
	} else if (strcmp(kind, "unknown") != 0 &&
	    strcmp(kind, "badicv") != 0 && strcmp(kind, "garbage") != 0)
		usage();
	if ((fd = socket(ss.ss_family, SOCK_RAW, IPPROTO_ESP)) == -1)
		err(1, "raw ESP socket");
	for (i = 0; i < count; i++) {
		if (strcmp(kind, "replay") == 0) {
			memcpy(pkt, valid, validlen);
			len = validlen;
		} else if (strcmp(kind, "garbage") == 0) {
			len = (size_t)(rng() % 41);
			rng_fill(pkt, len);
		} else {
			len = 8 + 16 + 64 + 12;
			rng_fill(pkt, len);
			v = strcmp(kind, "unknown") == 0 ?
			    (uint32_t)(0x20000000 + rng() % 0xdfffffff) : spi;
			v = htonl(v);
			memcpy(pkt, &v, 4);
			v = htonl((uint32_t)i + 1);
			memcpy(pkt + 4, &v, 4);
		}
		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&ss,
		    sslen) == -1)
			err(1, "sendto");
		/* Paced, so keyd's socket buffer never overflows. */
		if (i % 32 == 31)
			usleep(1000);
	}
	close(fd);
	printf("espflood: %lu %s packets sent\n", count, kind);
	return 0;
}

int
main(int argc, char *argv[])
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "oversize") == 0)
		return cmd_oversize(argc - 2, argv + 2);
	if (strcmp(argv[1], "broadcast") == 0)
		return cmd_broadcast(argc - 2, argv + 2);
	if (strcmp(argv[1], "crowd") == 0)
		return cmd_crowd(argc - 2, argv + 2);
	if (strcmp(argv[1], "vanish") == 0)
		return cmd_vanish(argc - 2, argv + 2);
	if (strcmp(argv[1], "espflood") == 0)
		return cmd_espflood(argc - 2, argv + 2);
	usage();
}
