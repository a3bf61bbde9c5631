/*
 * keyclient: a scriptable PF_KEYv2 client for testing keyd.
 *
 * Reads one command per line from standard input or -f FILE and prints
 * every message it receives as text, one line for the header and one for
 * each extension, every line prefixed with the name of the connection.
 * Received messages are decoded here field by field from the RFC 2367
 * layout with FreeBSD's extensions, without libkey's parser, so that the
 * output shows what keyd really sent.  Outgoing messages are built with
 * libkey, or given as raw hex with "sendhex".
 *
 * Commands:
 *	open NAME [SOCKET]	connect; SOCKET defaults to $KEYD_SOCKET or
 *				@keyd ('@' starts an abstract name)
 *	close NAME
 *	send NAME TYPE [KEY=VALUE ...]
 *	sendhex NAME HEX ...
 *	recv NAME [MS]		print one message, "timeout" or "closed"
 *	expect-none NAME MS	print "none", or the message and fail
 *	recvall NAME [MS]	print messages until MS pass without one
 *	drain NAME [MS]		discard messages until MS pass without one
 *	dumpall NAME [MS] [quiet]
 *				receive until a message with seq 0
 *	sleep MS
 *	echo TEXT ...
 *	pid			print this process's pid
 *
 * TYPE is a message name (ADD, X_SPDADD or SPDADD, ...) or a number.
 * The options of send, each adding or changing one field:
 *	satype= seq= pid=		header (pid defaults to getpid())
 *	spi= replay= state= flags=	SA extension (flags default 0x40)
 *	enc=ALG[:KEY] auth=ALG[:KEY] comp=ALG
 *					algorithm ids in SA, and key
 *					extensions when a KEY (0xHEX or text)
 *					is given
 *	mode= reqid= sa2seq=		SA2 extension
 *	sareplay=			SA_REPLAY extension, in packets
 *	src= dst= proxy=ADDR[/PLEN][[PORT]]  proto=
 *					address extensions
 *	lh= ls= bh= bs=			hard and soft lifetimes (s, bytes)
 *	spirange=MIN-MAX
 *	policy="TEXT" dir= ptype= scope= id= prio=
 *					X_POLICY from ipsec_set_policy(3)
 *					text, then field overrides
 *	ext=TYPE:HEX			any extension, body given in hex
 *	version= errno= len= reserved=	header overrides after building
 *	trunc=N pad=N			send only N bytes, or N extra zeros
 *
 * Exit status: 0, 1 when an expect-none received a message, 2 for a
 * usage or script error.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libkey.h"

#define MAXCONN		32
#define MAXTOKENS	64
#define RECV_TIMEOUT	2000
#define DRAIN_TIMEOUT	200
#define BUFSIZE		(KEY_MSG_MAXLEN + 8)

struct conn {
	char name[32];
	int fd;
};

static struct conn conns[MAXCONN];
static uint8_t rbuf[BUFSIZE];
static bool quiet;		/* -q: header lines only */
static bool rawtimes;		/* -t: print LIFETIME_CURRENT times */
static int status;
static unsigned long lineno;

static const char *const msgnames[] = {
	"RESERVED", "GETSPI", "UPDATE", "ADD", "DELETE", "GET", "ACQUIRE",
	"REGISTER", "EXPIRE", "FLUSH", "DUMP", "X_PROMISC", "X_PCHANGE",
	"X_SPDUPDATE", "X_SPDADD", "X_SPDDELETE", "X_SPDGET",
	"X_SPDACQUIRE", "X_SPDDUMP", "X_SPDFLUSH", "X_SPDSETIDX",
	"X_SPDEXPIRE", "X_SPDDELETE2"
};
#define NMSGNAMES	(sizeof(msgnames) / sizeof(msgnames[0]))

static const char *const extnames[] = {
	"reserved", "sa", "lifetime_current", "lifetime_hard",
	"lifetime_soft", "src", "dst", "proxy", "key_auth", "key_encrypt",
	"identity_src", "identity_dst", "sensitivity", "proposal",
	"supported_auth", "supported_encrypt", "spirange", "kmprivate",
	"policy", "sa2", "natt_type", "natt_sport", "natt_dport",
	"natt_oai", "natt_oar", "natt_frag", "sa_replay", "new_src",
	"new_dst"
};
#define NEXTNAMES	(sizeof(extnames) / sizeof(extnames[0]))

struct name_value {
	const char *name;
	unsigned int value;
};

static const struct name_value satypes[] = {
	{ "unspec", 0 }, { "ah", 2 }, { "esp", 3 }, { "rsvp", 5 },
	{ "ospfv2", 6 }, { "ripv2", 7 }, { "mip", 8 }, { "ipcomp", 9 },
	{ "tcp", 11 }, { NULL, 0 }
};

static const struct name_value states[] = {
	{ "larval", 0 }, { "mature", 1 }, { "dying", 2 }, { "dead", 3 },
	{ NULL, 0 }
};

static const struct name_value modes[] = {
	{ "any", 0 }, { "transport", 1 }, { "tunnel", 2 }, { "tcpmd5", 3 },
	{ NULL, 0 }
};

static const struct name_value policytypes[] = {
	{ "discard", 0 }, { "none", 1 }, { "ipsec", 2 }, { "entrust", 3 },
	{ "bypass", 4 }, { NULL, 0 }
};

static const struct name_value dirs[] = {
	{ "any", 0 }, { "in", 1 }, { "out", 2 }, { "max", 3 },
	{ "invalid", 4 }, { NULL, 0 }
};

static const struct name_value scopes[] = {
	{ "any", 0 }, { "global", 1 }, { "ifnet", 2 }, { "pcb", 4 },
	{ NULL, 0 }
};

static const struct name_value levels[] = {
	{ "default", 0 }, { "use", 1 }, { "require", 2 }, { "unique", 3 },
	{ NULL, 0 }
};

static const struct name_value protos[] = {
	{ "esp", 50 }, { "ah", 51 }, { "ipcomp", 108 }, { NULL, 0 }
};

static void	print_msg(const char *prefix, const uint8_t *p, size_t len,
		    int depth);

/* ------------------------------------------------------------------
 * Small helpers
 */

static void	scripterr(const char *, ...)
		    __attribute__((noreturn, format(printf, 1, 2)));

static void
scripterr(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "keyclient: line %lu: ", lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint16_t
rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t
rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static const char *
lookup_name(const struct name_value *table, unsigned int value,
    char *buf, size_t len)
{
	for (; table->name != NULL; table++)
		if (table->value == value)
			return table->name;
	snprintf(buf, len, "%u", value);
	return buf;
}

static bool
lookup_value(const struct name_value *table, const char *name,
    unsigned int *value)
{
	for (; table->name != NULL; table++) {
		if (strcasecmp(table->name, name) == 0) {
			*value = table->value;
			return true;
		}
	}
	return false;
}

static const char *
errname(int e, char *buf, size_t len)
{
	const char *name;

	if (e == 0)
		return "0";
	name = strerrorname_np(e);
	if (name != NULL)
		return name;
	snprintf(buf, len, "%d", e);
	return buf;
}

static unsigned long long
parse_number(const char *s, unsigned long long max, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v > max)
		scripterr("invalid %s \"%s\"", what, s);
	return v;
}

static unsigned int
parse_named(const struct name_value *table, const char *s,
    unsigned int max, const char *what)
{
	unsigned int v;

	if (lookup_value(table, s, &v))
		return v;
	return (unsigned int)parse_number(s, max, what);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes hex digits into out and returns the byte count. */
static size_t
parse_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi, lo;

	while (*s != '\0') {
		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		hi = hexval(s[0]);
		lo = s[1] != '\0' ? hexval(s[1]) : -1;
		if (hi < 0 || lo < 0)
			scripterr("invalid hex \"%s\"", s);
		if (n == cap)
			scripterr("hex data longer than %zu bytes", cap);
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return n;
}

static void
print_hex(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
}

/* ------------------------------------------------------------------
 * Connections
 */

static struct conn *
find_conn(const char *name, bool create)
{
	struct conn *free_slot = NULL;
	size_t i;

	for (i = 0; i < MAXCONN; i++) {
		if (conns[i].fd >= 0 && strcmp(conns[i].name, name) == 0)
			return &conns[i];
		if (conns[i].fd < 0 && free_slot == NULL)
			free_slot = &conns[i];
	}
	if (!create)
		scripterr("no open connection named \"%s\"", name);
	if (free_slot == NULL)
		scripterr("more than %d connections", MAXCONN);
	if (strlen(name) >= sizeof(free_slot->name))
		scripterr("connection name \"%s\" too long", name);
	strcpy(free_slot->name, name);
	return free_slot;
}

static int
connect_socket(const char *path)
{
	struct sockaddr_un sun;
	socklen_t addrlen;
	size_t len = strlen(path);
	int fd, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (len == 0 || len >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	if (path[0] != '@')
		addrlen++;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, addrlen) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static void
cmd_open(char **argv, int argc)
{
	struct conn *c;
	const char *path;
	char eb[16];

	if (argc < 2 || argc > 3)
		scripterr("usage: open NAME [SOCKET]");
	path = argc == 3 ? argv[2] : getenv("KEYD_SOCKET");
	if (path == NULL || *path == '\0')
		path = "@keyd";
	c = find_conn(argv[1], true);
	if (c->fd >= 0)
		scripterr("connection \"%s\" is already open", argv[1]);
	c->fd = connect_socket(path);
	if (c->fd < 0)
		printf("%s: open error %s\n", argv[1],
		    errname(errno, eb, sizeof(eb)));
	else
		printf("%s: open %s\n", argv[1], path);
}

static void
cmd_close(char **argv, int argc)
{
	struct conn *c;

	if (argc != 2)
		scripterr("usage: close NAME");
	c = find_conn(argv[1], false);
	close(c->fd);
	c->fd = -1;
	printf("%s: closed by client\n", argv[1]);
}

/* ------------------------------------------------------------------
 * Printing received messages
 */

/* Prints a BSD sockaddr of at most len bytes and returns its length. */
static size_t
print_sockaddr(const uint8_t *p, size_t len)
{
	char text[INET6_ADDRSTRLEN];
	size_t salen;
	uint16_t port;

	if (len < 2) {
		printf(" truncated-sockaddr");
		return len;
	}
	salen = p[0];
	if (salen > len) {
		printf(" salen=%zu-exceeds-%zu", salen, len);
		return len;
	}
	if (p[1] == KEY_AF_INET && salen == 16) {
		inet_ntop(AF_INET, p + 4, text, sizeof(text));
		printf(" %s", text);
	} else if (p[1] == KEY_AF_INET6 && salen == 28) {
		inet_ntop(AF_INET6, p + 8, text, sizeof(text));
		printf(" %s", text);
		if (rd32(p + 24) != 0)
			printf("%%%" PRIu32, rd32(p + 24));
	} else {
		printf(" family=%u salen=%zu raw=", p[1], salen);
		print_hex(p, salen);
		return salen;
	}
	memcpy(&port, p + 2, sizeof(port));
	if (port != 0)
		printf("[%u]", ntohs(port));
	return salen;
}

static void
print_address(const uint8_t *p, size_t len)
{
	size_t salen;

	printf(" proto=%u plen=%u", p[4], p[5]);
	if (rd16(p + 6) != 0)
		printf(" reserved=%u", rd16(p + 6));
	salen = print_sockaddr(p + 8, len - 8);
	if (PFKEY_ALIGN8(8 + salen) != len)
		printf(" extbytes=%zu", len);
}

static void
print_time(const char *name, uint64_t t, bool mask)
{
	if (mask && !rawtimes && t != 0)
		printf(" %s=T", name);
	else
		printf(" %s=%" PRIu64, name, t);
}

static void
print_lifetime(const uint8_t *p, bool current)
{
	printf(" alloc=%" PRIu32 " bytes=%" PRIu64, rd32(p + 4), rd64(p + 8));
	print_time("add", rd64(p + 16), current);
	print_time("use", rd64(p + 24), current);
}

static void
print_sa(const uint8_t *p)
{
	char nb[16];

	printf(" spi=%" PRIu32 " replay=%u state=%s auth=%u encrypt=%u"
	    " flags=0x%" PRIx32, ntohl(rd32(p + 4)), p[8],
	    lookup_name(states, p[9], nb, sizeof(nb)), p[10], p[11],
	    rd32(p + 12));
}

static void
print_sa2(const uint8_t *p)
{
	char nb[16];

	printf(" mode=%s reqid=%" PRIu32 " seq=%" PRIu32,
	    lookup_name(modes, p[4], nb, sizeof(nb)), rd32(p + 12),
	    rd32(p + 8));
	if (p[5] != 0 || rd16(p + 6) != 0)
		printf(" reserved=%u,%u", p[5], rd16(p + 6));
}

static void
print_key(const uint8_t *p, size_t len)
{
	size_t bytes = (rd16(p + 4) + 7u) / 8;

	printf(" bits=%u", rd16(p + 4));
	if (rd16(p + 6) != 0)
		printf(" reserved=%u", rd16(p + 6));
	if (8 + bytes > len) {
		printf(" key-exceeds-extension");
		bytes = len - 8;
	}
	printf(" ");
	print_hex(p + 8, bytes);
}

static void
print_identity(const uint8_t *p, size_t len)
{
	size_t n;

	printf(" type=%u id=%" PRIu64, rd16(p + 4), rd64(p + 8));
	n = strnlen((const char *)p + 16, len - 16);
	printf(" \"%.*s\"", (int)n, (const char *)p + 16);
}

static void
print_supported(const char *prefix, const uint8_t *p, size_t len)
{
	size_t off;

	printf(" count=%zu", (len - 8) / 8);
	for (off = 8; off + 8 <= len; off += 8) {
		printf("\n%s    alg id=%u ivlen=%u min=%u max=%u", prefix,
		    p[off], p[off + 1], rd16(p + off + 2),
		    rd16(p + off + 4));
		if (rd16(p + off + 6) != 0)
			printf(" reserved=%u", rd16(p + off + 6));
	}
}

static void
print_proposal(const char *prefix, const uint8_t *p, size_t len)
{
	const uint8_t *c;
	size_t off;

	printf(" replay=%u count=%zu", p[4], (len - 8) / 72);
	for (off = 8; off + 72 <= len; off += 72) {
		c = p + off;
		printf("\n%s    comb auth=%u encrypt=%u flags=0x%x"
		    " auth_bits=%u-%u encrypt_bits=%u-%u"
		    " alloc=%" PRIu32 "/%" PRIu32
		    " bytes=%" PRIu64 "/%" PRIu64
		    " add=%" PRIu64 "/%" PRIu64
		    " use=%" PRIu64 "/%" PRIu64, prefix,
		    c[0], c[1], rd16(c + 2), rd16(c + 4), rd16(c + 6),
		    rd16(c + 8), rd16(c + 10), rd32(c + 16), rd32(c + 20),
		    rd64(c + 24), rd64(c + 32), rd64(c + 40), rd64(c + 48),
		    rd64(c + 56), rd64(c + 64));
	}
}

static void
print_request(const uint8_t *r, size_t rlen)
{
	char nb[16];
	size_t salen;

	printf("request len=%zu proto=%s mode=%s level=%s reqid=%u",
	    rlen, lookup_name(protos, rd16(r + 2), nb, sizeof(nb)),
	    lookup_name(modes, r[4], nb, sizeof(nb)),
	    lookup_name(levels, r[5], nb, sizeof(nb)), rd16(r + 6));
	if (rlen <= 8)
		return;
	salen = print_sockaddr(r + 8, rlen - 8);
	if (8 + salen < rlen) {
		printf(" -");
		print_sockaddr(r + 8 + salen, rlen - 8 - salen);
	}
}

static void
print_policy(const char *prefix, const uint8_t *p, size_t len)
{
	char nb[16];
	size_t off, rlen;

	printf(" type=%s", lookup_name(policytypes, rd16(p + 4), nb,
	    sizeof(nb)));
	printf(" dir=%s", lookup_name(dirs, p[6], nb, sizeof(nb)));
	printf(" scope=%s", lookup_name(scopes, p[7], nb, sizeof(nb)));
	printf(" id=%" PRIu32 " prio=%" PRIu32, rd32(p + 8), rd32(p + 12));
	for (off = 16; off + 8 <= len; off += rlen) {
		rlen = rd16(p + off);
		printf("\n%s    ", prefix);
		if (rlen < 8 || off + rlen > len) {
			printf("bad-request len=%zu", rlen);
			return;
		}
		print_request(p + off, rlen);
	}
	if (off != len)
		printf("\n%s    trailing-bytes=%zu", prefix, len - off);
}

/* Prints the body of one extension of len bytes after its name. */
static void
print_ext_body(const char *prefix, unsigned int type, const uint8_t *p,
    size_t len)
{
	size_t want = 0;

	switch (type) {
	case SADB_EXT_SA:
	case SADB_X_EXT_SA2:
	case SADB_EXT_SPIRANGE:
		want = 16;
		break;
	case SADB_EXT_LIFETIME_CURRENT:
	case SADB_EXT_LIFETIME_HARD:
	case SADB_EXT_LIFETIME_SOFT:
		want = 32;
		break;
	case SADB_EXT_ADDRESS_SRC:
	case SADB_EXT_ADDRESS_DST:
	case SADB_EXT_ADDRESS_PROXY:
	case SADB_X_EXT_NAT_T_OAI:
	case SADB_X_EXT_NAT_T_OAR:
	case SADB_X_EXT_NEW_ADDRESS_SRC:
	case SADB_X_EXT_NEW_ADDRESS_DST:
		want = 8;
		break;
	case SADB_EXT_KEY_AUTH:
	case SADB_EXT_KEY_ENCRYPT:
	case SADB_EXT_SUPPORTED_AUTH:
	case SADB_EXT_SUPPORTED_ENCRYPT:
	case SADB_EXT_PROPOSAL:
	case SADB_X_EXT_NAT_T_TYPE:
	case SADB_X_EXT_NAT_T_SPORT:
	case SADB_X_EXT_NAT_T_DPORT:
	case SADB_X_EXT_NAT_T_FRAG:
	case SADB_X_EXT_SA_REPLAY:
		want = 8;
		break;
	case SADB_EXT_IDENTITY_SRC:
	case SADB_EXT_IDENTITY_DST:
	case SADB_X_EXT_POLICY:
		want = 16;
		break;
	default:
		break;
	}
	if (len < want) {
		printf(" too-short extbytes=%zu ", len);
		print_hex(p, len);
		return;
	}

	switch (type) {
	case SADB_EXT_SA:
		print_sa(p);
		break;
	case SADB_EXT_LIFETIME_CURRENT:
	case SADB_EXT_LIFETIME_HARD:
	case SADB_EXT_LIFETIME_SOFT:
		print_lifetime(p, type == SADB_EXT_LIFETIME_CURRENT);
		break;
	case SADB_EXT_ADDRESS_SRC:
	case SADB_EXT_ADDRESS_DST:
	case SADB_EXT_ADDRESS_PROXY:
	case SADB_X_EXT_NAT_T_OAI:
	case SADB_X_EXT_NAT_T_OAR:
	case SADB_X_EXT_NEW_ADDRESS_SRC:
	case SADB_X_EXT_NEW_ADDRESS_DST:
		print_address(p, len);
		break;
	case SADB_EXT_KEY_AUTH:
	case SADB_EXT_KEY_ENCRYPT:
		print_key(p, len);
		break;
	case SADB_EXT_IDENTITY_SRC:
	case SADB_EXT_IDENTITY_DST:
		print_identity(p, len);
		break;
	case SADB_EXT_PROPOSAL:
		print_proposal(prefix, p, len);
		break;
	case SADB_EXT_SUPPORTED_AUTH:
	case SADB_EXT_SUPPORTED_ENCRYPT:
		print_supported(prefix, p, len);
		break;
	case SADB_EXT_SPIRANGE:
		printf(" min=%" PRIu32 " max=%" PRIu32, rd32(p + 4),
		    rd32(p + 8));
		break;
	case SADB_X_EXT_POLICY:
		print_policy(prefix, p, len);
		break;
	case SADB_X_EXT_SA2:
		print_sa2(p);
		break;
	case SADB_X_EXT_NAT_T_TYPE:
		printf(" type=%u", p[4]);
		break;
	case SADB_X_EXT_NAT_T_SPORT:
	case SADB_X_EXT_NAT_T_DPORT:
		printf(" port=%u", ntohs(rd16(p + 4)));
		break;
	case SADB_X_EXT_NAT_T_FRAG:
		printf(" fraglen=%u", rd16(p + 4));
		break;
	case SADB_X_EXT_SA_REPLAY:
		printf(" replay=%" PRIu32, rd32(p + 4));
		break;
	default:
		printf(" extbytes=%zu ", len);
		print_hex(p + 4, len - 4);
		break;
	}
	if (want != 0 && want != 8 && len != want &&
	    type != SADB_EXT_IDENTITY_SRC && type != SADB_EXT_IDENTITY_DST &&
	    type != SADB_X_EXT_POLICY)
		printf(" extbytes=%zu", len);
}

static void
print_exts(const char *prefix, const uint8_t *p, size_t len, int depth)
{
	char indent[16];
	size_t off, elen;
	unsigned int type;

	snprintf(indent, sizeof(indent), "%*s", 2 * depth + 2, "");
	for (off = 16; off < len; off += elen) {
		if (len - off < 4) {
			printf("%s%strailing-bytes=%zu\n", prefix, indent,
			    len - off);
			return;
		}
		elen = PFKEY_UNUNIT64(rd16(p + off));
		type = rd16(p + off + 2);
		if (elen == 0 || off + elen > len) {
			printf("%s%sbad-ext offset=%zu len=%u type=%u\n",
			    prefix, indent, off, rd16(p + off), type);
			return;
		}
		if (type < NEXTNAMES)
			printf("%s%s%s", prefix, indent, extnames[type]);
		else
			printf("%s%sext%u", prefix, indent, type);
		print_ext_body(prefix, type, p + off, elen);
		printf("\n");
	}
}

static void
print_msg(const char *prefix, const uint8_t *p, size_t len, int depth)
{
	char nb[16], eb[16];
	size_t declared;

	if (len < 16) {
		printf("%s%*sshort-msg bytes=%zu ", prefix, 2 * depth, "", len);
		print_hex(p, len);
		printf("\n");
		return;
	}
	printf("%s%*s%s", prefix, 2 * depth, "", depth > 0 ? "inner" : "msg");
	if (p[1] < NMSGNAMES)
		printf(" type=%s", msgnames[p[1]]);
	else
		printf(" type=%u", p[1]);
	printf(" errno=%s satype=%s len=%u seq=%" PRIu32 " pid=%" PRIu32
	    " reserved=%u version=%u", errname(p[2], eb, sizeof(eb)),
	    lookup_name(satypes, p[3], nb, sizeof(nb)), rd16(p + 4),
	    rd32(p + 8), rd32(p + 12), rd16(p + 6), p[0]);
	declared = PFKEY_UNUNIT64(rd16(p + 4));
	if (declared != len)
		printf(" bytes=%zu BADLEN", len);
	printf("\n");
	if (quiet && depth == 0)
		return;
	if (declared < len)
		len = declared;

	/* A promiscuous copy carries the whole original message. */
	if (p[1] == SADB_X_PROMISC && len > 16 && depth == 0) {
		print_msg(prefix, p + 16, len - 16, depth + 1);
		return;
	}
	print_exts(prefix, p, len, depth);
}

/* ------------------------------------------------------------------
 * Receiving
 */

/*
 * Receives one message within timeout_ms.  Returns its length, 0 when the
 * peer closed the connection, -2 on timeout, or -1 with errno set.
 */
static ssize_t
recv_one(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	r = poll(&pfd, 1, timeout_ms);
	if (r < 0)
		return -1;
	if (r == 0)
		return -2;
	n = recv(fd, rbuf, sizeof(rbuf), MSG_TRUNC);
	if (n < 0 && errno == ECONNRESET)
		return 0;
	if (n > (ssize_t)sizeof(rbuf)) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

/* Prints the outcome of recv_one() and returns true for a message. */
static bool
report_recv(const struct conn *c, ssize_t n)
{
	char prefix[40], eb[16];

	if (n == -2) {
		printf("%s: timeout\n", c->name);
		return false;
	}
	if (n == 0) {
		printf("%s: closed\n", c->name);
		return false;
	}
	if (n < 0) {
		printf("%s: recv error %s\n", c->name,
		    errname(errno, eb, sizeof(eb)));
		return false;
	}
	snprintf(prefix, sizeof(prefix), "%s: ", c->name);
	print_msg(prefix, rbuf, (size_t)n, 0);
	return true;
}

static int
parse_timeout(char **argv, int argc, int idx, int dflt)
{
	if (argc <= idx)
		return dflt;
	return (int)parse_number(argv[idx], INT_MAX, "timeout");
}

static void
cmd_recv(char **argv, int argc)
{
	struct conn *c;

	if (argc < 2 || argc > 3)
		scripterr("usage: recv NAME [MS]");
	c = find_conn(argv[1], false);
	report_recv(c, recv_one(c->fd, parse_timeout(argv, argc, 2,
	    RECV_TIMEOUT)));
}

static void
cmd_expect_none(char **argv, int argc)
{
	struct conn *c;
	ssize_t n;

	if (argc != 3)
		scripterr("usage: expect-none NAME MS");
	c = find_conn(argv[1], false);
	n = recv_one(c->fd, parse_timeout(argv, argc, 2, 0));
	if (n == -2) {
		printf("%s: none\n", c->name);
		return;
	}
	report_recv(c, n);
	if (n > 0)
		status = 1;
}

static void
cmd_recvall(char **argv, int argc)
{
	struct conn *c;
	unsigned long count = 0;
	int timeout;
	ssize_t n;

	if (argc < 2 || argc > 3)
		scripterr("usage: recvall NAME [MS]");
	c = find_conn(argv[1], false);
	timeout = parse_timeout(argv, argc, 2, DRAIN_TIMEOUT);
	while ((n = recv_one(c->fd, timeout)) > 0) {
		report_recv(c, n);
		count++;
	}
	if (n != -2)
		report_recv(c, n);
	printf("%s: received %lu\n", c->name, count);
}

static void
cmd_drain(char **argv, int argc)
{
	struct conn *c;
	unsigned long count = 0;
	int timeout;

	if (argc < 2 || argc > 3)
		scripterr("usage: drain NAME [MS]");
	c = find_conn(argv[1], false);
	timeout = parse_timeout(argv, argc, 2, DRAIN_TIMEOUT);
	while (recv_one(c->fd, timeout) > 0)
		count++;
	printf("%s: drained %lu\n", c->name, count);
}

/*
 * Receives a dump: messages until one with sequence number 0, an error
 * reply, a timeout or the end of the connection.  The summary line shows
 * whether the sequence numbers counted down by one to 0.
 */
static void
cmd_dumpall(char **argv, int argc)
{
	struct conn *c;
	unsigned long count = 0;
	uint32_t seq, prev = 0;
	bool ordered = true, done = false, print = true;
	int timeout = RECV_TIMEOUT;
	ssize_t n;
	int i;

	if (argc < 2 || argc > 4)
		scripterr("usage: dumpall NAME [MS] [quiet]");
	c = find_conn(argv[1], false);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "quiet") == 0)
			print = false;
		else
			timeout = parse_timeout(argv, argc, i, RECV_TIMEOUT);
	}
	while (!done) {
		n = recv_one(c->fd, timeout);
		if (n < 16 || print)
			report_recv(c, n);
		if (n <= 0)
			break;
		if (n < 16)
			continue;
		seq = rd32(rbuf + 8);
		if (rbuf[2] != 0) {
			if (!print)
				report_recv(c, n);
			break;
		}
		if (count > 0 && seq + 1 != prev)
			ordered = false;
		prev = seq;
		count++;
		done = seq == 0;
	}
	printf("%s: dumpall count=%lu ordered=%s end=%s\n", c->name, count,
	    ordered ? "yes" : "no", done ? "seq0" : "incomplete");
}

/* ------------------------------------------------------------------
 * Building and sending
 */

struct addrspec {
	bool set;
	struct sockaddr_storage ss;
	unsigned int plen;
};

struct keyspec {
	bool set;		/* the algorithm was given */
	bool haskey;		/* a key extension is sent */
	unsigned int alg;
	uint8_t key[512];
	size_t keylen;
};

struct sendspec {
	unsigned int type, satype;
	unsigned long long seq, pid;
	bool sa;
	unsigned long long spi;
	unsigned int replay, state, flags;
	bool sa2;
	unsigned int mode;
	unsigned long long reqid, sa2seq;
	bool sareplay;
	unsigned long long sareplay_window;
	struct addrspec src, dst, proxy;
	unsigned int ulproto;
	struct keyspec enc, auth;
	long long lh, ls, bh, bs;
	bool spirange;
	unsigned long long spimin, spimax;
	const char *policy;
	long long scope, id, prio, dir, ptype;
	/* Header fields patched after building. */
	long long version, errno_, len, reserved;
	long long trunc, pad;
	const char *raw[8];
	int nraw;
};

static void
parse_addr(const char *s, struct addrspec *a)
{
	char buf[128], *p, *port = NULL, *plen = NULL;
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;
	unsigned int bits;

	if (strlen(s) >= sizeof(buf))
		scripterr("address \"%s\" too long", s);
	strcpy(buf, s);
	if ((p = strchr(buf, '[')) != NULL) {
		*p = '\0';
		port = p + 1;
		if ((p = strchr(port, ']')) == NULL || p[1] != '\0')
			scripterr("invalid port in \"%s\"", s);
		*p = '\0';
	}
	if ((p = strchr(buf, '/')) != NULL) {
		*p = '\0';
		plen = p + 1;
	}
	memset(&a->ss, 0, sizeof(a->ss));
	if (inet_pton(AF_INET, buf, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		bits = 128;
	} else {
		scripterr("invalid address \"%s\"", s);
	}
	a->plen = plen != NULL ? (unsigned int)parse_number(plen, 255,
	    "prefix length") : bits;
	if (port != NULL) {
		uint16_t nport = htons((uint16_t)parse_number(port, 65535,
		    "port"));

		if (sin->sin_family == AF_INET)
			sin->sin_port = nport;
		else
			sin6->sin6_port = nport;
	}
	a->set = true;
}

/* Parses ALG[:KEY], KEY being 0xHEX or a literal string. */
static void
parse_keyspec(const char *s, enum key_alg_kind kind, struct keyspec *k)
{
	const struct key_alg *alg;
	char name[64];
	const char *colon = strchr(s, ':');
	size_t nlen = colon != NULL ? (size_t)(colon - s) : strlen(s);

	if (nlen >= sizeof(name))
		scripterr("algorithm name too long in \"%s\"", s);
	memcpy(name, s, nlen);
	name[nlen] = '\0';
	if (isdigit((unsigned char)name[0]))
		k->alg = (unsigned int)parse_number(name, 255, "algorithm");
	else if ((alg = key_alg_byname(kind, name)) != NULL)
		k->alg = alg->id;
	else
		scripterr("unknown algorithm \"%s\"", name);
	k->set = true;
	if (colon == NULL)
		return;
	k->haskey = true;
	colon++;
	if (strncmp(colon, "0x", 2) == 0) {
		k->keylen = parse_hex(colon + 2, k->key, sizeof(k->key));
	} else {
		k->keylen = strlen(colon);
		if (k->keylen > sizeof(k->key))
			scripterr("key too long");
		memcpy(k->key, colon, k->keylen);
	}
}

static unsigned int
parse_msgtype(const char *s)
{
	size_t i;

	for (i = 0; i < NMSGNAMES; i++) {
		if (strcasecmp(s, msgnames[i]) == 0)
			return (unsigned int)i;
		if (strncmp(msgnames[i], "X_", 2) == 0 &&
		    strcasecmp(s, msgnames[i] + 2) == 0)
			return (unsigned int)i;
	}
	return (unsigned int)parse_number(s, 255, "message type");
}

static void
parse_option(struct sendspec *s, const char *key, const char *v)
{
	if (strcmp(key, "satype") == 0)
		s->satype = parse_named(satypes, v, 255, "satype");
	else if (strcmp(key, "seq") == 0)
		s->seq = parse_number(v, UINT32_MAX, "seq");
	else if (strcmp(key, "pid") == 0)
		s->pid = parse_number(v, UINT32_MAX, "pid");
	else if (strcmp(key, "spi") == 0) {
		s->spi = parse_number(v, UINT32_MAX, "spi");
		s->sa = true;
	} else if (strcmp(key, "replay") == 0) {
		s->replay = (unsigned int)parse_number(v, 255, "replay");
		s->sa = true;
	} else if (strcmp(key, "state") == 0) {
		s->state = parse_named(states, v, 255, "state");
		s->sa = true;
	} else if (strcmp(key, "flags") == 0) {
		s->flags = (unsigned int)parse_number(v, UINT32_MAX, "flags");
		s->sa = true;
	} else if (strcmp(key, "mode") == 0) {
		s->mode = parse_named(modes, v, 255, "mode");
		s->sa2 = true;
	} else if (strcmp(key, "reqid") == 0) {
		s->reqid = parse_number(v, UINT32_MAX, "reqid");
		s->sa2 = true;
	} else if (strcmp(key, "sa2seq") == 0) {
		s->sa2seq = parse_number(v, UINT32_MAX, "sa2seq");
		s->sa2 = true;
	} else if (strcmp(key, "sareplay") == 0) {
		s->sareplay_window = parse_number(v, UINT32_MAX, "sareplay");
		s->sareplay = true;
	} else if (strcmp(key, "src") == 0)
		parse_addr(v, &s->src);
	else if (strcmp(key, "dst") == 0)
		parse_addr(v, &s->dst);
	else if (strcmp(key, "proxy") == 0)
		parse_addr(v, &s->proxy);
	else if (strcmp(key, "proto") == 0)
		s->ulproto = (unsigned int)parse_number(v, 255, "proto");
	else if (strcmp(key, "enc") == 0)
		parse_keyspec(v, KEY_ALG_ENC, &s->enc);
	else if (strcmp(key, "comp") == 0)
		parse_keyspec(v, KEY_ALG_COMP, &s->enc);
	else if (strcmp(key, "auth") == 0)
		parse_keyspec(v, KEY_ALG_AUTH, &s->auth);
	else if (strcmp(key, "lh") == 0)
		s->lh = (long long)parse_number(v, INT64_MAX, "lh");
	else if (strcmp(key, "ls") == 0)
		s->ls = (long long)parse_number(v, INT64_MAX, "ls");
	else if (strcmp(key, "bh") == 0)
		s->bh = (long long)parse_number(v, INT64_MAX, "bh");
	else if (strcmp(key, "bs") == 0)
		s->bs = (long long)parse_number(v, INT64_MAX, "bs");
	else if (strcmp(key, "spirange") == 0) {
		const char *dash = strchr(v, '-');
		char lo[32];

		if (dash == NULL || (size_t)(dash - v) >= sizeof(lo))
			scripterr("usage: spirange=MIN-MAX");
		memcpy(lo, v, (size_t)(dash - v));
		lo[dash - v] = '\0';
		s->spimin = parse_number(lo, UINT32_MAX, "spirange");
		s->spimax = parse_number(dash + 1, UINT32_MAX, "spirange");
		s->spirange = true;
	} else if (strcmp(key, "policy") == 0)
		s->policy = v;
	else if (strcmp(key, "scope") == 0)
		s->scope = (long long)parse_named(scopes, v, 255, "scope");
	else if (strcmp(key, "id") == 0)
		s->id = (long long)parse_number(v, UINT32_MAX, "id");
	else if (strcmp(key, "dir") == 0)
		s->dir = (long long)parse_named(dirs, v, 255, "dir");
	else if (strcmp(key, "ptype") == 0)
		s->ptype = (long long)parse_named(policytypes, v, 65535,
		    "policy type");
	else if (strcmp(key, "prio") == 0)
		s->prio = (long long)parse_number(v, UINT32_MAX, "prio");
	else if (strcmp(key, "version") == 0)
		s->version = (long long)parse_number(v, 255, "version");
	else if (strcmp(key, "errno") == 0)
		s->errno_ = (long long)parse_number(v, 255, "errno");
	else if (strcmp(key, "len") == 0)
		s->len = (long long)parse_number(v, 65535, "len");
	else if (strcmp(key, "reserved") == 0)
		s->reserved = (long long)parse_number(v, 65535, "reserved");
	else if (strcmp(key, "trunc") == 0)
		s->trunc = (long long)parse_number(v, INT32_MAX, "trunc");
	else if (strcmp(key, "pad") == 0)
		s->pad = (long long)parse_number(v, 4096, "pad");
	else if (strcmp(key, "ext") == 0) {
		if (s->nraw == (int)(sizeof(s->raw) / sizeof(s->raw[0])))
			scripterr("too many ext= options");
		s->raw[s->nraw++] = v;
	} else
		scripterr("unknown option \"%s\"", key);
}

static void
add_lifetime(struct key_buf *b, uint16_t type, long long secs,
    long long bytes)
{
	if (secs < 0 && bytes < 0)
		return;
	key_msg_add_lifetime(b, type, 0, bytes < 0 ? 0 : (uint64_t)bytes,
	    secs < 0 ? 0 : (uint64_t)secs, 0);
}

static void
add_addr(struct key_buf *b, uint16_t type, const struct addrspec *a,
    unsigned int proto)
{
	if (a->set)
		key_msg_add_address(b, type, (uint8_t)proto, (uint8_t)a->plen,
		    (const struct sockaddr *)&a->ss);
}

static void
add_key(struct key_buf *b, uint16_t type, const struct keyspec *k)
{
	if (k->haskey)
		key_msg_add_key(b, type, k->key, (unsigned int)k->keylen * 8);
}

/* Appends ext=TYPE:HEX, an extension given as its body in hex. */
static void
add_raw(struct key_buf *b, const char *spec)
{
	uint8_t body[1024];
	const char *colon = strchr(spec, ':');
	char tbuf[16];
	size_t n;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(tbuf))
		scripterr("usage: ext=TYPE:HEX");
	memcpy(tbuf, spec, (size_t)(colon - spec));
	tbuf[colon - spec] = '\0';
	n = parse_hex(colon + 1, body, sizeof(body));
	key_msg_add_raw(b, (uint16_t)parse_number(tbuf, 65535, "ext type"),
	    body, n);
}

static void
add_policy(struct key_buf *b, const struct sendspec *s)
{
	struct sadb_x_policy *pol;
	char errbuf[256];
	void *policy;
	size_t len;
	uint32_t v;

	if (key_policy_parse(s->policy, &policy, &len, errbuf,
	    sizeof(errbuf)) < 0)
		scripterr("invalid policy \"%s\": %s", s->policy, errbuf);
	pol = policy;
	if (s->scope >= 0)
		pol->sadb_x_policy_scope = (uint8_t)s->scope;
	if (s->dir >= 0)
		pol->sadb_x_policy_dir = (uint8_t)s->dir;
	if (s->ptype >= 0) {
		uint16_t t = (uint16_t)s->ptype;

		memcpy(&pol->sadb_x_policy_type, &t, sizeof(t));
	}
	if (s->id >= 0) {
		v = (uint32_t)s->id;
		memcpy(&pol->sadb_x_policy_id, &v, sizeof(v));
	}
	if (s->prio >= 0) {
		v = (uint32_t)s->prio;
		memcpy(&pol->sadb_x_policy_priority, &v, sizeof(v));
	}
	key_msg_add_policy(b, policy, len);
	free(policy);
}

static void
build_msg(struct key_buf *b, const struct sendspec *s)
{
	key_msg_begin(b, (uint8_t)s->type, (uint8_t)s->satype,
	    (uint32_t)s->seq, (uint32_t)s->pid);
	if (s->sa)
		key_msg_add_sa(b, (uint32_t)s->spi, (uint8_t)s->replay,
		    (uint8_t)s->state, (uint8_t)s->auth.alg,
		    (uint8_t)s->enc.alg, s->flags);
	if (s->sa2)
		key_msg_add_sa2(b, (uint8_t)s->mode, (uint32_t)s->sa2seq,
		    (uint32_t)s->reqid);
	if (s->sareplay)
		key_msg_add_sa_replay(b, (uint32_t)s->sareplay_window);
	add_lifetime(b, SADB_EXT_LIFETIME_HARD, s->lh, s->bh);
	add_lifetime(b, SADB_EXT_LIFETIME_SOFT, s->ls, s->bs);
	add_addr(b, SADB_EXT_ADDRESS_SRC, &s->src, s->ulproto);
	add_addr(b, SADB_EXT_ADDRESS_DST, &s->dst, s->ulproto);
	add_addr(b, SADB_EXT_ADDRESS_PROXY, &s->proxy, s->ulproto);
	add_key(b, SADB_EXT_KEY_AUTH, &s->auth);
	add_key(b, SADB_EXT_KEY_ENCRYPT, &s->enc);
	if (s->spirange)
		key_msg_add_spirange(b, (uint32_t)s->spimin,
		    (uint32_t)s->spimax);
	if (s->policy != NULL)
		add_policy(b, s);
	for (int i = 0; i < s->nraw; i++)
		add_raw(b, s->raw[i]);
}

/* Applies the header overrides, which may make the message invalid. */
static void
patch_header(uint8_t *p, const struct sendspec *s)
{
	uint16_t v;

	if (s->version >= 0)
		p[0] = (uint8_t)s->version;
	if (s->errno_ >= 0)
		p[2] = (uint8_t)s->errno_;
	if (s->len >= 0) {
		v = (uint16_t)s->len;
		memcpy(p + 4, &v, sizeof(v));
	}
	if (s->reserved >= 0) {
		v = (uint16_t)s->reserved;
		memcpy(p + 6, &v, sizeof(v));
	}
}

static void
send_bytes(const struct conn *c, const uint8_t *p, size_t len)
{
	char eb[16];

	if (send(c->fd, p, len, MSG_NOSIGNAL) < 0)
		printf("%s: send error %s\n", c->name,
		    errname(errno, eb, sizeof(eb)));
	else if (!quiet)
		printf("%s: sent bytes=%zu\n", c->name, len);
}

static void
cmd_send(char **argv, int argc)
{
	struct sendspec s;
	struct key_buf b;
	struct conn *c;
	uint8_t *out;
	size_t len;
	char *eq;
	int i;

	if (argc < 3)
		scripterr("usage: send NAME TYPE [KEY=VALUE ...]");
	c = find_conn(argv[1], false);
	memset(&s, 0, sizeof(s));
	s.type = parse_msgtype(argv[2]);
	s.pid = (unsigned long long)getpid();
	s.flags = SADB_X_EXT_CYCSEQ;
	s.ulproto = IPSEC_ULPROTO_ANY;
	s.lh = s.ls = s.bh = s.bs = -1;
	s.scope = s.id = s.prio = s.dir = s.ptype = -1;
	s.version = s.errno_ = s.len = s.reserved = -1;
	s.trunc = s.pad = -1;
	for (i = 3; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL)
			scripterr("expected KEY=VALUE, got \"%s\"", argv[i]);
		*eq = '\0';
		parse_option(&s, argv[i], eq + 1);
	}

	key_buf_init(&b);
	build_msg(&b, &s);
	if (key_msg_end(&b) < 0)
		scripterr("building the message failed: %s",
		    strerror(b.error != 0 ? b.error : errno));
	len = b.len;
	if (s.pad > 0)
		len += (size_t)s.pad;
	out = calloc(1, len);
	if (out == NULL)
		err(2, "calloc");
	memcpy(out, b.data, b.len);
	key_buf_free(&b);
	patch_header(out, &s);
	if (s.trunc >= 0 && (size_t)s.trunc < len)
		len = (size_t)s.trunc;
	send_bytes(c, out, len);
	key_wipe(out, len);
	free(out);
}

static void
cmd_sendhex(char **argv, int argc)
{
	static uint8_t buf[BUFSIZE];
	struct conn *c;
	size_t len = 0;
	int i;

	if (argc < 3)
		scripterr("usage: sendhex NAME HEX ...");
	c = find_conn(argv[1], false);
	for (i = 2; i < argc; i++)
		len += parse_hex(argv[i], buf + len, sizeof(buf) - len);
	send_bytes(c, buf, len);
}

/* ------------------------------------------------------------------
 * Script handling
 */

static void
cmd_sleep(char **argv, int argc)
{
	struct timespec ts;
	long long ms;

	if (argc != 2)
		scripterr("usage: sleep MS");
	ms = (long long)parse_number(argv[1], INT_MAX, "milliseconds");
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void
cmd_echo(char **argv, int argc)
{
	int i;

	for (i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
}

static void
cmd_pid(char **argv, int argc)
{
	(void)argv;
	if (argc != 1)
		scripterr("usage: pid");
	printf("pid %ld\n", (long)getpid());
}

static const struct {
	const char *name;
	void (*fn)(char **, int);
} commands[] = {
	{ "open", cmd_open },
	{ "close", cmd_close },
	{ "send", cmd_send },
	{ "sendhex", cmd_sendhex },
	{ "recv", cmd_recv },
	{ "expect-none", cmd_expect_none },
	{ "recvall", cmd_recvall },
	{ "drain", cmd_drain },
	{ "dumpall", cmd_dumpall },
	{ "sleep", cmd_sleep },
	{ "echo", cmd_echo },
	{ "pid", cmd_pid },
};

/*
 * Splits line into words at blanks.  Double quotes group blanks into a
 * word and are removed, so policy="out ipsec esp/transport//require" is
 * one word.  A '#' at the start of a word begins a comment.
 */
static int
tokenize(char *line, char **argv)
{
	char *in = line, *out;
	int argc = 0;
	bool quoted;

	for (;;) {
		while (isspace((unsigned char)*in))
			in++;
		if (*in == '\0' || *in == '#')
			break;
		if (argc == MAXTOKENS)
			scripterr("more than %d words", MAXTOKENS);
		argv[argc++] = out = in;
		quoted = false;
		while (*in != '\0' && (quoted || !isspace((unsigned char)*in))) {
			if (*in == '"')
				quoted = !quoted;
			else
				*out++ = *in;
			in++;
		}
		if (quoted)
			scripterr("unterminated quote");
		if (*in != '\0')
			in++;
		*out = '\0';
	}
	return argc;
}

static void
run_line(char *line)
{
	char *argv[MAXTOKENS];
	size_t i;
	int argc;

	argc = tokenize(line, argv);
	if (argc == 0)
		return;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			commands[i].fn(argv, argc);
			fflush(stdout);
			return;
		}
	}
	scripterr("unknown command \"%s\"", argv[0]);
}

static void
usage(void)
{
	fprintf(stderr, "usage: keyclient [-qt] [-f file]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	FILE *in = stdin;
	char *line = NULL;
	size_t cap = 0;
	int ch;
	size_t i;

	while ((ch = getopt(argc, argv, "f:qt")) != -1) {
		switch (ch) {
		case 'f':
			if ((in = fopen(optarg, "r")) == NULL)
				err(2, "%s", optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 't':
			rawtimes = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < MAXCONN; i++)
		conns[i].fd = -1;
	while (getline(&line, &cap, in) >= 0) {
		lineno++;
		run_line(line);
	}
	free(line);
	return status;
}
