/*
 * setkey: manual keying of IPsec SAs and policies, FreeBSD's setkey(8)
 * on Linux.  It talks to keyd, the userspace key engine, through libkey.
 *
 * Exit status follows FreeBSD: 0 on success and also when keyd rejected
 * a statement (the error is only printed), 1 for usage and parse errors,
 * 255 when a file cannot be opened or keyd's algorithm list cannot be
 * read.
 */

#include <sys/types.h>
#include <sys/time.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "setkey.h"

#define getprogname()	program_invocation_short_name

#ifndef SETKEY_VERSION
#define SETKEY_VERSION	"0.1.0"
#endif

/* Time to wait for each reply, the SO_RCVTIMEO of FreeBSD's setkey. */
#define REPLY_TIMEOUT_MS	1000

/* Requests of a script sent before the replies to earlier ones are read. */
#define PIPELINE_MAX		64

struct setkey_opts opts;

static int so = -1;

/*
 * Scripts add, update and delete entries without waiting for each reply.
 * keyd replies to one connection's requests in order, so the replies are
 * read later, oldest first, each printed with the line of its statement.
 * Everything else setkey prints first reads the replies still due, so the
 * output keeps the order of the statements.
 */
static bool pipelining;
static struct {
	uint8_t type;
	int lineno;
} pending[PIPELINE_MAX];
static size_t pending_first, npending;

/* Algorithms keyd supports, from its SADB_REGISTER reply. */
static struct sadb_alg *supported_auth, *supported_enc;
static size_t nsupported_auth, nsupported_enc;

static void	usage(void) __attribute__((__noreturn__));
static FILE	*open_script(const char *);
static void	get_supported(void);
static void	local_supported(void);
static int	postproc(const struct sadb_msg *);
static void	promisc(void) __attribute__((__noreturn__));
static void	printdate(void);

static void
usage(void)
{
	printf("usage: setkey [-v] -c\n");
	printf("       setkey [-v] -f filename\n");
	printf("       setkey [-v] -e \"<script>\"\n");
	printf("       setkey [-Pagltv] -D\n");
	printf("       setkey [-Pv] -F\n");
	printf("       setkey [-h] -x\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	FILE *fp = stdin;
	bool have_input = false;
	int c, i;

	if (argc == 1)
		usage();

	/* getopt's own messages are glibc's; FreeBSD's follow below. */
	opterr = 0;
	while ((c = getopt(argc, argv, "acde:f:ghltvxDFPnV")) != -1) {
		switch (c) {
		case 'c':
			opts.mode = MODE_SCRIPT;
			fp = stdin;
			have_input = true;
			break;
		case 'e':
			if (fp != stdin)
				errx(255, "only one -f/-e option is accepted");
			opts.mode = MODE_SCRIPT;
			fp = fmemopen(optarg, strlen(optarg), "r");
			if (fp == NULL)
				err(255, "fmemopen");
			have_input = true;
			break;
		case 'f':
			if (fp != stdin)
				errx(255, "only one -f/-e option is accepted");
			opts.mode = MODE_SCRIPT;
			if ((fp = fopen(optarg, "r")) == NULL)
				err(255, "fopen");
			have_input = true;
			break;
		case 'D':
			opts.mode = MODE_CMDDUMP;
			break;
		case 'F':
			opts.mode = MODE_CMDFLUSH;
			break;
		case 'a':
			opts.all = true;
			break;
		case 'l':
			opts.forever = true;
			break;
		case 'h':
			opts.hexdump = true;
			break;
		case 'x':
			opts.mode = MODE_PROMISC;
			opts.tflag++;
			break;
		case 'P':
			opts.policy = true;
			break;
		case 'g':
			opts.scope |= IPSEC_POLICYSCOPE_GLOBAL;
			break;
		case 't':
			opts.scope |= IPSEC_POLICYSCOPE_IFNET;
			break;
		case 'v':
			opts.verbose = true;
			break;
		case 'n':
			opts.noaction = true;
			break;
		case 'V':
			printf("setkey (ipsec-userland) %s\n", SETKEY_VERSION);
			exit(0);
		case 'd':
			/* In FreeBSD's option string, but never handled. */
			usage();
		default:
			if (optopt == 'e' || optopt == 'f')
				fprintf(stderr, "%s: option requires an "
				    "argument -- %c\n", getprogname(), optopt);
			else
				fprintf(stderr, "%s: illegal option -- %c\n",
				    getprogname(), optopt);
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	/* ipsec-tools: files named as operands are scripts too. */
	if (argc > 0) {
		if (opts.mode != MODE_NONE && opts.mode != MODE_SCRIPT)
			usage();
		opts.mode = MODE_SCRIPT;
	}
	if (opts.mode == MODE_NONE)
		usage();

	/* An interactive -c session prints each result at once. */
	pipelining = opts.mode == MODE_SCRIPT && !opts.verbose &&
	    !opts.hexdump && !opts.noaction && !(fp == stdin && isatty(0));
	if (!opts.noaction) {
		so = key_open();
		if (so < 0) {
			fprintf(stderr, "pfkey_open: %s: %s\n",
			    key_socket_name(), strerror(errno));
			exit(1);
		}
	}

	switch (opts.mode) {
	case MODE_CMDDUMP:
		msg_short(opts.policy ? SADB_X_SPDDUMP : SADB_DUMP,
		    opts.policy ? opts.scope : SADB_SATYPE_UNSPEC);
		break;
	case MODE_CMDFLUSH:
		msg_short(opts.policy ? SADB_X_SPDFLUSH : SADB_FLUSH,
		    SADB_SATYPE_UNSPEC);
		break;
	case MODE_SCRIPT:
		if (opts.noaction)
			local_supported();
		else
			get_supported();
		if (have_input && parse(fp) < 0) {
			drain_replies();
			exit(1);
		}
		for (i = 0; i < argc; i++) {
			fp = open_script(argv[i]);
			if (parse(fp) < 0) {
				drain_replies();
				exit(1);
			}
			fclose(fp);
		}
		drain_replies();
		break;
	case MODE_PROMISC:
		if (!opts.noaction)
			promisc();
		break;
	default:
		usage();
	}

	if (so >= 0)
		key_close(so);
	exit(0);
}

static FILE *
open_script(const char *path)
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return stdin;
	fp = fopen(path, "r");
	if (fp == NULL)
		err(255, "%s", path);
	return fp;
}

/*
 * Receives the reply to a request of the given type: the next message
 * from keyd with that type and this process's pid.  Other messages, such
 * as other clients' broadcasts, are skipped.  Returns NULL with errno set
 * on a timeout or a broken connection.
 */
static struct sadb_msg *
recv_reply(uint8_t type, size_t *lenp)
{
	struct sadb_msg *m;
	uint32_t pid = (uint32_t)getpid();

	for (;;) {
		m = key_recv_alloc(so, lenp, REPLY_TIMEOUT_MS);
		if (m == NULL)
			return NULL;
		if (*lenp >= sizeof(*m) && m->sadb_msg_type == type &&
		    m->sadb_msg_pid == pid)
			return m;
		key_wipe(m, *lenp);
		free(m);
	}
}

/* Prints a receive error as FreeBSD's perror("recv") does. */
/*
 * Exits with status 1 when keyd has closed the connection.  keyd does so
 * at once for a peer that is neither root nor in its allowed group, and
 * FreeBSD's setkey exits 1 when it may not open a PF_KEY socket.
 */
static void
check_closed(const char *what)
{
	if (errno == EPIPE || errno == ECONNRESET)
		errx(1, "%s: keyd closed the connection; only root and "
		    "members of the group given to keyd -g may use it", what);
}

static void
send_error(void)
{
	check_closed("send");
	perror("send");
}

static void
recv_error(void)
{
	check_closed("recv");
	/* FreeBSD's timeout comes from SO_RCVTIMEO, hence EAGAIN. */
	if (errno == ETIMEDOUT)
		errno = EAGAIN;
	perror("recv");
}

/* Copies the supported algorithms of one extension of a REGISTER reply. */
static void
copy_supported(const struct key_msg *km, uint16_t exttype,
    struct sadb_alg **algs, size_t *nalgs)
{
	const struct sadb_supported *sup;
	size_t len;

	sup = (const struct sadb_supported *)km->ext[exttype];
	if (sup == NULL)
		return;
	len = PFKEY_UNUNIT64(sup->sadb_supported_len) - sizeof(*sup);
	*nalgs = len / sizeof(struct sadb_alg);
	*algs = calloc(*nalgs + 1, sizeof(struct sadb_alg));
	if (*algs == NULL)
		err(1, "calloc");
	memcpy(*algs, sup + 1, *nalgs * sizeof(struct sadb_alg));
}

/*
 * Fetches the algorithms keyd supports with an SADB_REGISTER of satype 0,
 * for the key length checks of add and update.
 */
static void
get_supported(void)
{
	struct key_buf b;
	struct key_msg km;
	struct sadb_msg *reply;
	size_t len;

	key_buf_init(&b);
	key_msg_begin(&b, SADB_REGISTER, SADB_SATYPE_UNSPEC, 0,
	    (uint32_t)getpid());
	if (key_msg_end(&b) < 0 || key_send(so, b.data, b.len) < 0)
		errx(255, "%s", strerror(errno));
	key_buf_free(&b);

	reply = recv_reply(SADB_REGISTER, &len);
	if (reply == NULL)
		errx(255, "%s", strerror(errno == ETIMEDOUT ? EAGAIN : errno));
	if (reply->sadb_msg_errno != 0)
		errx(255, "%s", strerror(reply->sadb_msg_errno));
	if (key_msg_parse(&km, reply, len) < 0)
		errx(255, "Invalid sadb message");
	copy_supported(&km, SADB_EXT_SUPPORTED_AUTH, &supported_auth,
	    &nsupported_auth);
	copy_supported(&km, SADB_EXT_SUPPORTED_ENCRYPT, &supported_enc,
	    &nsupported_enc);
	free(reply);
}

/* Fills the supported lists from libkey's table of what keyd advertises. */
static void
local_supported(void)
{
	const struct key_alg *tab;
	size_t n, i;

	tab = key_alg_table(&n);
	supported_auth = calloc(n + 1, sizeof(struct sadb_alg));
	supported_enc = calloc(n + 1, sizeof(struct sadb_alg));
	if (supported_auth == NULL || supported_enc == NULL)
		err(1, "calloc");
	for (i = 0; i < n; i++) {
		struct sadb_alg *a;

		if (!(tab[i].flags & KEY_ALGF_ADVERTISED))
			continue;
		if (tab[i].kind == KEY_ALG_AUTH)
			a = &supported_auth[nsupported_auth++];
		else if (tab[i].kind == KEY_ALG_ENC)
			a = &supported_enc[nsupported_enc++];
		else
			continue;
		a->sadb_alg_id = tab[i].id;
		a->sadb_alg_ivlen = tab[i].ivlen;
		a->sadb_alg_minbits = tab[i].minbits;
		a->sadb_alg_maxbits = tab[i].maxbits;
	}
}

/*
 * Checks a key of the given bit length for algorithm id against keyd's
 * supported list, as libipsec's ipsec_check_keylen() does.  On failure
 * stores FreeBSD's message in *reason.
 */
bool
keylen_ok(uint16_t exttype, uint8_t id, size_t bits, const char **reason)
{
	const struct sadb_alg *algs;
	size_t n, i;

	if (exttype == SADB_EXT_SUPPORTED_AUTH) {
		algs = supported_auth;
		n = nsupported_auth;
	} else {
		algs = supported_enc;
		n = nsupported_enc;
	}
	for (i = 0; i < n; i++)
		if (algs[i].sadb_alg_id == id)
			break;
	if (i == n) {
		*reason = "Not supported";
		return false;
	}
	if (bits < algs[i].sadb_alg_minbits ||
	    bits > algs[i].sadb_alg_maxbits) {
		*reason = "Invalid key length";
		return false;
	}
	return true;
}

/* Prints len bytes as FreeBSD's -h does: offset, then 16 bytes a line. */
void
hexdump_msg(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			printf("%08x: ", (unsigned int)i);
		printf("%02x ", p[i]);
		if (i % 16 == 15)
			printf("\n");
	}
	if (len % 16 != 0)
		printf("\n");
}

/* Returns whether a reply to req only reports success or an error. */
static bool
pipelinable(const struct sadb_msg *req)
{
	if (!pipelining)
		return false;
	switch (req->sadb_msg_type) {
	case SADB_ADD:
	case SADB_UPDATE:
	case SADB_DELETE:
	case SADB_X_SPDADD:
	case SADB_X_SPDUPDATE:
	case SADB_X_SPDDELETE:
		return true;
	}
	return false;
}

/* Reads and prints the reply to the oldest pending request. */
static void
read_pending(void)
{
	struct sadb_msg *m;
	size_t rlen;
	int saved = lineno;

	m = recv_reply(pending[pending_first].type, &rlen);
	if (m == NULL) {
		/* The connection failed; the other replies are lost too. */
		recv_error();
		npending = 0;
		return;
	}
	pending_first = (pending_first + 1) % PIPELINE_MAX;
	npending--;
	if (PFKEY_UNUNIT64(m->sadb_msg_len) != rlen)
		warnx("invalid keymsg length");
	else {
		lineno = pending[(pending_first + PIPELINE_MAX - 1) %
		    PIPELINE_MAX].lineno;
		(void)postproc(m);
		lineno = saved;
	}
	key_wipe(m, rlen);
	free(m);
}

/* Reads and prints the replies to all requests sent without waiting. */
void
drain_replies(void)
{
	while (npending > 0)
		read_pending();
	fflush(stdout);
}

/*
 * Sends one request and prints its replies: every message of a dump up
 * to the one with sequence number 0, or the error.  With -l it repeats
 * every second, forever.  With -n it only prints what -v and -h ask for.
 * In a script, requests that pipelinable() accepts return at once and
 * their replies are read later.
 */
int
sendkeymsg(const void *buf, size_t len)
{
	const struct sadb_msg *req = buf;
	struct sadb_msg *m;
	size_t rlen;
	bool more;

	if (pipelinable(req)) {
		if (npending == PIPELINE_MAX)
			read_pending();
		if (key_send(so, buf, len) < 0) {
			send_error();
			return 0;
		}
		pending[(pending_first + npending) % PIPELINE_MAX].type =
		    req->sadb_msg_type;
		pending[(pending_first + npending) % PIPELINE_MAX].lineno =
		    lineno;
		npending++;
		return 0;
	}
	drain_replies();
	if (opts.forever)
		shortdump_hdr();
again:
	if (opts.verbose) {
		kdebug_sadb(req);
		printf("\n");
	}
	if (opts.hexdump)
		hexdump_msg(buf, len);
	if (opts.noaction)
		return 0;

	if (key_send(so, buf, len) < 0) {
		send_error();
		return 0;
	}

	do {
		m = recv_reply(req->sadb_msg_type, &rlen);
		if (m == NULL) {
			recv_error();
			return 0;
		}
		if (PFKEY_UNUNIT64(m->sadb_msg_len) != rlen) {
			warnx("invalid keymsg length");
			free(m);
			break;
		}
		if (opts.verbose) {
			kdebug_sadb(m);
			printf("\n");
		}
		more = m->sadb_msg_errno == 0 && m->sadb_msg_seq != 0;
		if (postproc(m) < 0)
			more = false;
		key_wipe(m, rlen);
		free(m);
	} while (more);

	if (opts.forever) {
		fflush(stdout);
		sleep(1);
		goto again;
	}
	return 0;
}

/* Prints a reply: an error, an SA of get or dump, or a policy. */
static int
postproc(const struct sadb_msg *msg)
{
	if (msg->sadb_msg_errno != 0) {
		const char *errmsg = NULL;

		if (opts.mode == MODE_SCRIPT)
			printf("The result of line %d: ", lineno);
		if (msg->sadb_msg_errno == ENOENT) {
			switch (msg->sadb_msg_type) {
			case SADB_DELETE:
			case SADB_GET:
			case SADB_X_SPDDELETE:
				errmsg = "No entry";
				break;
			case SADB_DUMP:
				errmsg = "No SAD entries";
				break;
			case SADB_X_SPDDUMP:
				errmsg = "No SPD entries";
				break;
			default:
				errmsg = "(null)";
				break;
			}
		} else
			errmsg = strerror(msg->sadb_msg_errno);
		printf("%s.\n", errmsg);
		return -1;
	}

	switch (msg->sadb_msg_type) {
	case SADB_GET:
		pfkey_sadump(msg);
		break;
	case SADB_DUMP:
		if (!opts.all) {
			struct key_msg km;
			const struct sadb_sa *sa;

			if (key_msg_parse(&km, msg,
			    PFKEY_UNUNIT64(msg->sadb_msg_len)) == 0) {
				sa = (const struct sadb_sa *)
				    km.ext[SADB_EXT_SA];
				if (sa != NULL &&
				    sa->sadb_sa_state == SADB_SASTATE_DEAD)
					break;
			}
		}
		if (opts.forever)
			shortdump(msg);
		else
			pfkey_sadump(msg);
		break;
	case SADB_X_SPDDUMP:
		pfkey_spdump(msg);
		break;
	}
	return 0;
}

/*
 * -x: puts the connection in promiscuous mode and prints every message
 * keyd sends, each after a timestamp line, until killed.
 */
static void
promisc(void)
{
	struct key_buf b;
	const struct sadb_msg *base;
	void *m;
	size_t len;

	key_buf_init(&b);
	key_msg_begin(&b, SADB_X_PROMISC, 1, 0, (uint32_t)getpid());
	if (key_msg_end(&b) < 0 || key_send(so, b.data, b.len) < 0)
		err(1, "send");
	key_buf_free(&b);

	for (;;) {
		m = key_recv_alloc(so, &len, -1);
		if (m == NULL)
			err(1, "recv");
		if (len < sizeof(struct sadb_msg)) {
			free(m);
			continue;
		}
		printdate();
		if (opts.hexdump)
			hexdump_msg(m, len);
		base = m;
		/* Copies of other messages follow a header of their own. */
		if (base->sadb_msg_type == SADB_X_PROMISC)
			base = len > sizeof(*base) ? base + 1 : NULL;
		if (base != NULL) {
			kdebug_sadb(base);
			printf("\n");
		}
		fflush(stdout);
		key_wipe(m, len);
		free(m);
	}
}

/* Prints the -x timestamp line: local time of day, or seconds with -xx. */
static void
printdate(void)
{
	struct timeval tv;
	struct tm tm;

	if (gettimeofday(&tv, NULL) == -1) {
		perror("gettimeofday");
		return;
	}
	if (opts.tflag == 1) {
		localtime_r(&tv.tv_sec, &tm);
		printf("%02d:%02d:%02d.%06u ", tm.tm_hour, tm.tm_min,
		    tm.tm_sec, (unsigned int)tv.tv_usec);
	} else if (opts.tflag > 1)
		printf("%u.%06u ", (unsigned int)tv.tv_sec,
		    (unsigned int)tv.tv_usec);
	printf("\n");
}
