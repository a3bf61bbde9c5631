/*
 * ifipsecctl: the command line.  Arguments after the interface name are
 * read through a keyword table in the manner of ifconfig(8).  A word that
 * is no keyword is an address for the current family.  Run as "ifconfig",
 * the program accepts the command lines of FreeBSD's if_ipsec(4) manual
 * page as written, and the generic settings (addresses, mtu, up, down) on
 * any interface.
 */

#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ifipsecctl.h"

#define CMD_IPSEC	0x01		/* ipsec interfaces only */

struct ctx {
	const char *name;
	bool is_ipsec;
	struct ifinfo info;
	unsigned int ifindex;
	int af;				/* from inet or inet6 */
	int naddrs;			/* bare address words seen */
	struct ifaddr_req addr;
	bool delete_addr;
	int updown;			/* -1 unchanged, 0 down, 1 up */
	int errors;
};

typedef int (*cmd_fn)(struct ctx *, char **);

struct cmd {
	const char *word;
	int nargs;
	cmd_fn fn;
	unsigned int flags;
};

const char *progname = "ifipsecctl";
static bool as_ifconfig;

static int	cmd_destroy(struct ctx *, char **);
static int	cmd_tunnel(struct ctx *, char **);
static int	cmd_deltunnel(struct ctx *, char **);
static int	cmd_reqid(struct ctx *, char **);
static int	cmd_inet(struct ctx *, char **);
static int	cmd_inet6(struct ctx *, char **);
static int	cmd_netmask(struct ctx *, char **);
static int	cmd_prefixlen(struct ctx *, char **);
static int	cmd_alias(struct ctx *, char **);
static int	cmd_delete(struct ctx *, char **);
static int	cmd_mtu(struct ctx *, char **);
static int	cmd_up(struct ctx *, char **);
static int	cmd_down(struct ctx *, char **);
static int	cmd_capture(struct ctx *, char **);
static int	cmd_nocapture(struct ctx *, char **);
static int	cmd_stats(struct ctx *, char **);
static int	cmd_tunnelfib(struct ctx *, char **);

static const struct cmd cmds[] = {
	{ "destroy",		0, cmd_destroy,		CMD_IPSEC },
	{ "tunnel",		2, cmd_tunnel,		CMD_IPSEC },
	{ "-tunnel",		0, cmd_deltunnel,	CMD_IPSEC },
	{ "deletetunnel",	0, cmd_deltunnel,	CMD_IPSEC },
	{ "reqid",		1, cmd_reqid,		CMD_IPSEC },
	{ "inet",		0, cmd_inet,		0 },
	{ "inet6",		0, cmd_inet6,		0 },
	{ "netmask",		1, cmd_netmask,		0 },
	{ "prefixlen",		1, cmd_prefixlen,	0 },
	{ "alias",		0, cmd_alias,		0 },
	{ "-alias",		0, cmd_delete,		0 },
	{ "delete",		0, cmd_delete,		0 },
	{ "mtu",		1, cmd_mtu,		0 },
	{ "up",			0, cmd_up,		0 },
	{ "down",		0, cmd_down,		0 },
	{ "capture",		1, cmd_capture,		CMD_IPSEC },
	{ "-capture",		0, cmd_nocapture,	CMD_IPSEC },
	{ "stats",		0, cmd_stats,		CMD_IPSEC },
	{ "tunnelfib",		1, cmd_tunnelfib,	CMD_IPSEC },
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: %s [-a]\n"
	    "       %s -s [interface]\n"
	    "       %s -w file | -W\n"
	    "       %s interface create [reqid N] [parameters]\n"
	    "       %s interface [parameters]\n",
	    progname, progname, progname, progname, progname);
	exit(1);
}

static void
list_words(void)
{
	size_t i;

	fprintf(stderr, "valid parameters:");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, " %s%s", cmds[i].word,
		    cmds[i].nargs == 1 ? " ARG" :
		    cmds[i].nargs == 2 ? " SRC DST" : "");
	fprintf(stderr, " ADDRESS[/LEN] [PEER]\n");
}

/* Reports an error from keyd or the kernel about the interface. */
static int
fail(struct ctx *c, int error, const char *what, const char *hint)
{
	warnx("%s: %s: %s%s%s", c->name, what, strerror(error),
	    hint != NULL ? "; " : "", hint != NULL ? hint : "");
	c->errors++;
	return -1;
}

static const char *
keyd_hint(int error)
{
	switch (error) {
	case ECONNREFUSED:
	case ENOENT:
		return "is keyd running in this network namespace?";
	case EACCES:
	case EPERM:
	case ECONNRESET:
	case EPIPE:
		return "keyd accepts only root and members of its group";
	case ENXIO:
		return "create it first with 'create'";
	case ENOBUFS:
		/* The tunnel's four policies count against keyd -M. */
		return "keyd has reached its policy limit (keyd -M) or is "
		    "out of memory";
	default:
		return NULL;
	}
}

/* Parses a numeric address of family af (AF_UNSPEC: either). */
static int
parse_addr(const char *text, int af, struct sockaddr_storage *ss)
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = af;
	hints.ai_flags = AI_NUMERICHOST;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(text, NULL, &hints, &res) != 0)
		return -1;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

static int
parse_u32(const char *text, uint32_t *v)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(text, &end, 0);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' ||
	    n > UINT32_MAX)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

static int
cmd_destroy(struct ctx *c, char **args)
{
	int error;

	(void)args;
	if ((error = kr_destroy(c->name)) != 0)
		return fail(c, error, "destroy", keyd_hint(error));
	c->is_ipsec = false;
	return 0;
}

static bool
is_unspecified(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)ss)->
		    sin_addr.s_addr == INADDR_ANY;
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)
	    (const void *)ss)->sin6_addr);
}

static int
cmd_tunnel(struct ctx *c, char **args)
{
	struct sockaddr_storage src, dst;
	char a[INET6_ADDRSTRLEN];
	int error;

	if (parse_addr(args[0], c->af, &src) == -1 ||
	    parse_addr(args[1], c->af, &dst) == -1) {
		warnx("%s: tunnel %s %s: invalid %saddress; give two numeric "
		    "IPv4 or two IPv6 addresses", c->name, args[0], args[1],
		    c->af == AF_INET ? "IPv4 " : c->af == AF_INET6 ?
		    "IPv6 " : "");
		c->errors++;
		return -1;
	}
	if (src.ss_family != dst.ss_family) {
		warnx("%s: tunnel %s %s: the addresses are of different "
		    "families; give two IPv4 or two IPv6 addresses", c->name,
		    args[0], args[1]);
		c->errors++;
		return -1;
	}
	error = kr_settunnel(c->name, (struct sockaddr *)&src,
	    (struct sockaddr *)&dst, &c->info);
	if (error == EADDRNOTAVAIL) {
		addr_str(is_unspecified(&src) ? &src : &dst, a, sizeof(a));
		warnx("%s: tunnel %s %s: %s is unspecified (%s); give the "
		    "local and remote endpoint addresses", c->name, args[0],
		    args[1], a, strerror(error));
		c->errors++;
		return -1;
	}
	if (error != 0)
		return fail(c, error, "tunnel", keyd_hint(error));
	return 0;
}

static int
cmd_deltunnel(struct ctx *c, char **args)
{
	int error;

	(void)args;
	if ((error = kr_deltunnel(c->name)) != 0)
		return fail(c, error, "-tunnel", keyd_hint(error));
	return 0;
}

static int
cmd_reqid(struct ctx *c, char **args)
{
	uint32_t reqid;
	int error;

	if (parse_u32(args[0], &reqid) == -1) {
		warnx("%s: reqid %s: invalid; give a number from 0 to %u "
		    "(0 assigns one)", c->name, args[0], UINT32_MAX);
		c->errors++;
		return -1;
	}
	error = kr_setreqid(c->name, reqid, &c->info);
	if (error == EEXIST) {
		warnx("%s: reqid %u is already used by another ipsec "
		    "interface (%s); choose another reqid", c->name, reqid,
		    strerror(error));
		c->errors++;
		return -1;
	}
	if (error != 0)
		return fail(c, error, "reqid", keyd_hint(error));
	return 0;
}

static int
cmd_inet(struct ctx *c, char **args)
{
	(void)args;
	c->af = AF_INET;
	return 0;
}

static int
cmd_inet6(struct ctx *c, char **args)
{
	(void)args;
	c->af = AF_INET6;
	return 0;
}

static int
cmd_netmask(struct ctx *c, char **args)
{
	struct in_addr mask;
	uint32_t m;
	unsigned int plen = 0;

	if (inet_pton(AF_INET, args[0], &mask) != 1 &&
	    parse_u32(args[0], &m) == -1) {
		warnx("%s: netmask %s: invalid; give a dotted or 0x mask",
		    c->name, args[0]);
		c->errors++;
		return -1;
	}
	if (inet_pton(AF_INET, args[0], &mask) == 1)
		m = ntohl(mask.s_addr);
	while (plen < 32 && (m & (0x80000000u >> plen)))
		plen++;
	c->addr.prefixlen = plen;
	return 0;
}

static int
cmd_prefixlen(struct ctx *c, char **args)
{
	uint32_t plen;

	if (parse_u32(args[0], &plen) == -1 || plen > 128) {
		warnx("%s: prefixlen %s: invalid; give 0 to 128", c->name,
		    args[0]);
		c->errors++;
		return -1;
	}
	c->addr.prefixlen = plen;
	return 0;
}

static int
cmd_alias(struct ctx *c, char **args)
{
	(void)c;
	(void)args;
	return 0;
}

static int
cmd_delete(struct ctx *c, char **args)
{
	(void)args;
	c->delete_addr = true;
	return 0;
}

static int
cmd_mtu(struct ctx *c, char **args)
{
	uint32_t mtu;
	int error;

	if (parse_u32(args[0], &mtu) == -1) {
		warnx("%s: mtu %s: invalid; give a number of bytes", c->name,
		    args[0]);
		c->errors++;
		return -1;
	}
	if (c->is_ipsec && (mtu < 1280 || mtu > 8192)) {
		warnx("%s: mtu %u: out of range (%s); ipsec interfaces take "
		    "1280 to 8192", c->name, mtu, strerror(EINVAL));
		c->errors++;
		return -1;
	}
	if ((error = rtnl_set_mtu(c->ifindex, mtu)) != 0)
		return fail(c, error, "mtu", NULL);
	return 0;
}

static int
cmd_up(struct ctx *c, char **args)
{
	(void)args;
	c->updown = 1;
	return 0;
}

static int
cmd_down(struct ctx *c, char **args)
{
	(void)args;
	c->updown = 0;
	return 0;
}

/* Makes path absolute, because keyd opens it from its own directory. */
static char *
absolute(const char *path)
{
	char cwd[PATH_MAX], *abs;

	if (path[0] == '/')
		return strdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	if (asprintf(&abs, "%s/%s", cwd, path) == -1)
		return NULL;
	return abs;
}

static int
cmd_capture(struct ctx *c, char **args)
{
	char *path;
	int error;

	if ((path = absolute(args[0])) == NULL)
		err(1, "capture %s", args[0]);
	error = kr_capture(c->name, path);
	if (error != 0) {
		warnx("%s: capture %s: %s", c->name, path, strerror(error));
		c->errors++;
	}
	free(path);
	return error != 0 ? -1 : 0;
}

static int
cmd_nocapture(struct ctx *c, char **args)
{
	int error;

	(void)args;
	if ((error = kr_capture(c->name, NULL)) != 0)
		return fail(c, error, "-capture", keyd_hint(error));
	return 0;
}

static int
cmd_stats(struct ctx *c, char **args)
{
	struct statrec *list;
	size_t n;
	int error;

	(void)args;
	if ((error = kr_stats(c->name, &list, &n)) != 0)
		return fail(c, error, "stats", keyd_hint(error));
	show_stats(list, n);
	free(list);
	return 0;
}

/*
 * FreeBSD's routing table for the outer packets.  Linux has no FIBs, so
 * only 0, the default table, is accepted.
 */
static int
cmd_tunnelfib(struct ctx *c, char **args)
{
	uint32_t fib;

	if (parse_u32(args[0], &fib) == -1 || fib != 0) {
		warnx("%s: tunnelfib %s: only FIB 0 is supported (%s); omit "
		    "tunnelfib", c->name, args[0], strerror(EOPNOTSUPP));
		c->errors++;
		return -1;
	}
	return 0;
}

/* A word that is no keyword: the address, then the peer address. */
static int
address_word(struct ctx *c, const char *word)
{
	char text[INET6_ADDRSTRLEN + 8], *slash;
	struct sockaddr_storage *ss;
	uint32_t plen;
	int af = c->af == AF_UNSPEC ? AF_INET : c->af;

	if (c->naddrs >= 2) {
		warnx("%s: %s: unknown parameter", c->name, word);
		list_words();
		c->errors++;
		return -1;
	}
	snprintf(text, sizeof(text), "%s", word);
	slash = c->naddrs == 0 ? strchr(text, '/') : NULL;
	if (slash != NULL) {
		*slash++ = '\0';
		if (parse_u32(slash, &plen) == -1 ||
		    plen > (af == AF_INET ? 32u : 128u)) {
			warnx("%s: %s: invalid prefix length", c->name, word);
			c->errors++;
			return -1;
		}
		c->addr.prefixlen = plen;
	}
	ss = c->naddrs == 0 ? &c->addr.addr : &c->addr.peer;
	if (parse_addr(text, af, ss) == -1) {
		warnx("%s: %s: unknown parameter or invalid %s address",
		    c->name, word, af == AF_INET ? "IPv4" : "IPv6");
		list_words();
		c->errors++;
		return -1;
	}
	c->addr.family = af;
	if (c->naddrs++ == 1)
		c->addr.has_peer = true;
	return 0;
}

/* The prefix length an address gets when none is given. */
static unsigned int
default_prefixlen(const struct ifaddr_req *a)
{
	uint32_t ip;

	if (a->family == AF_INET6)
		return 64;
	if (a->has_peer)
		return 32;
	ip = ntohl(((const struct sockaddr_in *)(const void *)&a->addr)->
	    sin_addr.s_addr);
	if ((ip & 0x80000000u) == 0)
		return 8;
	if ((ip & 0xc0000000u) == 0x80000000u)
		return 16;
	return 24;
}

/*
 * Applies the address and the up flag: an address added brings the
 * interface up as it does on FreeBSD, unless "down" was given.  The
 * interface goes up first: on Linux 6.18 an IPv6 point-to-point address
 * added while the interface is down sometimes comes up without the route
 * to its peer.  NOTE: an address that fails to be added thus still
 * leaves the interface up.
 */
static void
finish(struct ctx *c)
{
	int error;
	bool adding = c->naddrs > 0 && !c->delete_addr;

	if (c->updown == -1 && adding)
		c->updown = 1;
	if (c->updown == 1 && (error = rtnl_set_flags(c->ifindex, true)) != 0)
		fail(c, error, "up", NULL);
	if (c->naddrs > 0) {
		if (c->addr.prefixlen == 0)
			c->addr.prefixlen = default_prefixlen(&c->addr);
		error = rtnl_addr(adding, c->ifindex, &c->addr);
		if (error != 0)
			fail(c, error, adding ? "add address" :
			    "delete address", NULL);
	}
	if (c->updown == 0 && (error = rtnl_set_flags(c->ifindex, false)) != 0)
		fail(c, error, "down", NULL);
}

static const struct cmd *
lookup(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].word, word) == 0)
			return &cmds[i];
	return NULL;
}

/* Runs the parameters after the interface name, in order. */
static void
run_params(struct ctx *c, int argc, char **argv)
{
	const struct cmd *cmd;
	int i;

	for (i = 0; i < argc; i++) {
		if ((cmd = lookup(argv[i])) == NULL) {
			address_word(c, argv[i]);
			continue;
		}
		if (i + cmd->nargs >= argc) {
			warnx("%s: %s needs %d argument%s", c->name,
			    argv[i], cmd->nargs, cmd->nargs == 1 ? "" : "s");
			c->errors++;
			return;
		}
		if ((cmd->flags & CMD_IPSEC) && !c->is_ipsec) {
			warnx("%s: %s applies only to ipsec interfaces", c->name,
			    argv[i]);
			c->errors++;
			i += cmd->nargs;
			continue;
		}
		if (cmd->fn(c, argv + i + 1) == -1 &&
		    cmd->fn == cmd_destroy)
			return;
		i += cmd->nargs;
		if (cmd->fn == cmd_destroy)
			return;
	}
	finish(c);
}

/* Creates the interface, taking a "reqid N" that follows create. */
static int
create(struct ctx *c, int *argc, char ***argv)
{
	uint32_t reqid = 0;
	int error;

	if (*argc >= 2 && strcmp((*argv)[0], "reqid") == 0) {
		if (parse_u32((*argv)[1], &reqid) == -1) {
			warnx("%s: reqid %s: invalid; give a number from 0 "
			    "to %u", c->name, (*argv)[1], UINT32_MAX);
			return -1;
		}
		*argc -= 2;
		*argv += 2;
	}
	if (strcmp(c->name, "ipsec") != 0 && if_nametoindex(c->name) != 0) {
		warnx("%s: cannot create: an interface of that name exists "
		    "(%s)", c->name, strerror(EEXIST));
		return -1;
	}
	error = kr_create(c->name, reqid, &c->info);
	if (error == EEXIST && reqid != 0) {
		warnx("%s: cannot create: reqid %u is already used by another "
		    "ipsec interface (%s); choose another reqid", c->name,
		    reqid, strerror(error));
		return -1;
	}
	if (error == EINVAL) {
		warnx("%s: cannot create: invalid name (%s); ipsec interfaces "
		    "are named ipsec0, ipsec1, ...", c->name,
		    strerror(error));
		return -1;
	}
	if (error != 0) {
		warnx("%s: cannot create: %s%s%s", c->name, strerror(error),
		    keyd_hint(error) != NULL ? "; " : "",
		    keyd_hint(error) != NULL ? keyd_hint(error) : "");
		return -1;
	}
	if (strcmp(c->name, c->info.name) != 0)
		printf("%s\n", c->info.name);
	c->name = c->info.name;
	c->is_ipsec = true;
	c->ifindex = c->info.ifindex;
	return 0;
}

static bool
looks_ipsec(const char *name)
{
	return strncmp(name, "ipsec", 5) == 0;
}

/* Finds out whether name is an ipsec interface and its index. */
static int
identify(struct ctx *c)
{
	int error;

	if (!as_ifconfig || looks_ipsec(c->name)) {
		error = kr_get(c->name, &c->info);
		if (error == 0) {
			c->is_ipsec = true;
			c->ifindex = c->info.ifindex;
			return 0;
		}
		if (error != ENXIO || !as_ifconfig) {
			if (error == ENXIO && if_nametoindex(c->name) != 0)
				warnx("%s: not an ipsec interface; configure "
				    "it with ifconfig or ip", c->name);
			else
				warnx("%s: %s%s%s", c->name, error == ENXIO ?
				    "interface does not exist" :
				    strerror(error),
				    keyd_hint(error) != NULL ? "; " : "",
				    keyd_hint(error) != NULL ?
				    keyd_hint(error) : "");
			return -1;
		}
	}
	if ((c->ifindex = if_nametoindex(c->name)) == 0) {
		warnx("interface %s does not exist", c->name);
		return -1;
	}
	return 0;
}

static int
list_all(void)
{
	struct if_nameindex *names, *p;
	struct ifinfo *list = NULL;
	size_t n = 0, i;
	int error;

	error = kr_dump(&list, &n);
	if (error != 0 && !as_ifconfig) {
		warnx("cannot list interfaces: %s%s%s", strerror(error),
		    keyd_hint(error) != NULL ? "; " : "",
		    keyd_hint(error) != NULL ? keyd_hint(error) : "");
		return 1;
	}
	if (!as_ifconfig) {
		for (i = 0; i < n; i++)
			show_ipsec(&list[i]);
		free(list);
		return 0;
	}
	if ((names = if_nameindex()) == NULL)
		err(1, "if_nameindex");
	for (p = names; p->if_index != 0; p++) {
		for (i = 0; i < n; i++)
			if (strcmp(list[i].name, p->if_name) == 0)
				break;
		if (i < n)
			show_ipsec(&list[i]);
		else
			show_generic(p->if_name);
	}
	if_freenameindex(names);
	free(list);
	return 0;
}

static int
stats_all(const char *name)
{
	struct statrec *list;
	size_t n;
	int error;

	if ((error = kr_stats(name, &list, &n)) != 0) {
		warnx("%s%sstats: %s%s%s", name != NULL ? name : "",
		    name != NULL ? ": " : "", error == ENXIO ?
		    "interface does not exist" : strerror(error),
		    keyd_hint(error) != NULL ? "; " : "",
		    keyd_hint(error) != NULL ? keyd_hint(error) : "");
		return 1;
	}
	show_stats(list, n);
	free(list);
	return 0;
}

static int
capture_all(const char *path)
{
	char *abs = NULL;
	int error;

	if (path != NULL && (abs = absolute(path)) == NULL)
		err(1, "%s", path);
	if ((error = kr_capture(NULL, abs)) != 0) {
		warnx("capture%s%s: %s", abs != NULL ? " " : "",
		    abs != NULL ? abs : "", strerror(error));
		free(abs);
		return 1;
	}
	free(abs);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct ctx c;
	const char *base;
	int ch;
	bool stats = false, created = false;

	base = strrchr(argv[0], '/');
	base = base != NULL ? base + 1 : argv[0];
	if (strcmp(base, "ifconfig") == 0) {
		as_ifconfig = true;
		progname = "ifconfig";
	}
	while ((ch = getopt(argc, argv, "+asw:W")) != -1) {
		switch (ch) {
		case 'a':
			break;
		case 's':
			stats = true;
			break;
		case 'w':
			return capture_all(optarg);
		case 'W':
			return capture_all(NULL);
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (stats)
		return argc > 1 ? (usage(), 1) :
		    stats_all(argc == 1 ? argv[0] : NULL);
	if (argc == 0)
		return list_all();

	memset(&c, 0, sizeof(c));
	c.name = argv[0];
	c.updown = -1;
	if (strlen(c.name) >= IF_NAMESIZE) {
		warnx("%s: interface name longer than %d characters", c.name,
		    IF_NAMESIZE - 1);
		return 1;
	}
	argc--;
	argv++;
	if (argc > 0 && strcmp(argv[0], "create") == 0) {
		argc--;
		argv++;
		if (create(&c, &argc, &argv) == -1)
			return 1;
		created = true;
	} else if (identify(&c) == -1)
		return 1;
	if (argc == 0) {
		if (created)
			return 0;
		if (c.is_ipsec)
			show_ipsec(&c.info);
		else
			show_generic(c.name);
		return 0;
	}
	run_params(&c, argc, argv);
	return c.errors > 0 ? 1 : 0;
}
