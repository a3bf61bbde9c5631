/*
 * The output of -D, -DP, get, dump and -l, byte for byte as FreeBSD's
 * libipsec pfkey_sadump() and pfkey_spdump() and setkey's shortdump()
 * print it, trailing spaces included.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "setkey.h"

static const char *const str_satype[] = {
	"unspec", "unknown", "ah", "esp", "unknown", "rsvp", "ospfv2",
	"ripv2", "mip", "ipcomp", "policy", "tcp",
};

static const char *const str_mode[] = { "any", "transport", "tunnel" };

static const char *const str_state[] = { "larval", "mature", "dying", "dead" };

static const char *const str_comp[] = { "none", "oui", "deflate", "lzs" };

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Prints a table entry and a space, or the number and a space. */
static void
print_str(const char *const *tab, size_t n, unsigned int v)
{
	if (v < n)
		printf("%s ", tab[v]);
	else
		printf("%u ", v);
}

static void
print_alg(enum key_alg_kind kind, unsigned int id)
{
	const struct key_alg *alg;

	if (id == 0) {
		printf("none ");
		return;
	}
	alg = key_alg_byid(kind, (uint8_t)id);
	if (alg != NULL)
		printf("%s ", alg->print_name);
	else
		printf("%u ", id);
}

/* Returns the numeric form of an address, or NULL. */
static const char *
str_ipaddr(const struct sockaddr_storage *ss)
{
	static char buf[NI_MAXHOST];
	socklen_t len = ss->ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	if (getnameinfo((const struct sockaddr *)ss, len, buf, sizeof(buf),
	    NULL, 0, NI_NUMERICHOST) == 0)
		return buf;
	return NULL;
}

static uint16_t
sa_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* Formats t as ctime() does without the weekday, or 20 spaces for 0. */
static const char *
str_time(uint64_t t)
{
	static char buf[32];
	time_t tt = (time_t)t;
	char *s;

	if (t == 0 || (s = ctime(&tt)) == NULL)
		memset(buf, ' ', 20);
	else
		memcpy(buf, s + 4, 20);
	buf[20] = '\0';
	return buf;
}

static void
str_lifetime_byte(const struct sadb_lifetime *lt, const char *name)
{
	double bytes = lt == NULL ? 0 : (double)lt->sadb_lifetime_bytes;

	printf("\t%s: %.0f(bytes)", name, bytes);
}

/* Prints a key as FreeBSD's ipsec_hexdump(): groups of 4 bytes, 32 a line. */
static void
print_hex(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i != 0 && i % 32 == 0)
			printf("\n");
		if (i % 4 == 0)
			printf(" ");
		printf("%02x", p[i]);
	}
}

static void
print_key(const struct key_msg *km, uint16_t exttype)
{
	const struct sadb_key *key = (const struct sadb_key *)km->ext[exttype];

	print_hex((const uint8_t *)(key + 1), key->sadb_key_bits / 8);
	printf("\n");
}

static void
print_lifetimes(const struct key_msg *km)
{
	const struct sadb_lifetime *c, *h, *s;
	time_t now = time(NULL);

	c = (const struct sadb_lifetime *)km->ext[SADB_EXT_LIFETIME_CURRENT];
	h = (const struct sadb_lifetime *)km->ext[SADB_EXT_LIFETIME_HARD];
	s = (const struct sadb_lifetime *)km->ext[SADB_EXT_LIFETIME_SOFT];
	if (c == NULL)
		return;

	printf("\tcreated: %s", str_time(c->sadb_lifetime_addtime));
	printf("\tcurrent: %s\n", str_time((uint64_t)now));
	printf("\tdiff: %lu(s)", (unsigned long)(c->sadb_lifetime_addtime == 0 ?
	    0 : (uint64_t)now - c->sadb_lifetime_addtime));
	printf("\thard: %lu(s)",
	    (unsigned long)(h == NULL ? 0 : h->sadb_lifetime_addtime));
	printf("\tsoft: %lu(s)\n",
	    (unsigned long)(s == NULL ? 0 : s->sadb_lifetime_addtime));

	printf("\tlast: %s", str_time(c->sadb_lifetime_usetime));
	printf("\thard: %lu(s)",
	    (unsigned long)(h == NULL ? 0 : h->sadb_lifetime_usetime));
	printf("\tsoft: %lu(s)\n",
	    (unsigned long)(s == NULL ? 0 : s->sadb_lifetime_usetime));

	str_lifetime_byte(c, "current");
	str_lifetime_byte(h, "hard");
	str_lifetime_byte(s, "soft");
	printf("\n");

	printf("\tallocated: %lu", (unsigned long)c->sadb_lifetime_allocations);
	printf("\thard: %lu",
	    (unsigned long)(h == NULL ? 0 : h->sadb_lifetime_allocations));
	printf("\tsoft: %lu\n",
	    (unsigned long)(s == NULL ? 0 : s->sadb_lifetime_allocations));
}

static void
print_port_ext(const struct key_msg *km, uint16_t exttype)
{
	const struct sadb_x_nat_t_port *port;

	port = (const struct sadb_x_nat_t_port *)km->ext[exttype];
	if (km->ext[SADB_X_EXT_NAT_T_TYPE] != NULL && port != NULL)
		printf("[%u]", ntohs(port->sadb_x_nat_t_port_port));
}

static void
print_natt(const struct key_msg *km)
{
	struct sockaddr_storage ss;

	if (km->ext[SADB_X_EXT_NAT_T_TYPE] == NULL ||
	    (km->ext[SADB_X_EXT_NAT_T_OAI] == NULL &&
	    km->ext[SADB_X_EXT_NAT_T_OAR] == NULL))
		return;
	printf("\tNAT:");
	if (key_msg_address(km, SADB_X_EXT_NAT_T_OAI, &ss, NULL, NULL) == 0)
		printf(" OAI=%s", str_ipaddr(&ss));
	if (key_msg_address(km, SADB_X_EXT_NAT_T_OAR, &ss, NULL, NULL) == 0)
		printf(" OAR=%s", str_ipaddr(&ss));
	printf("\n");
}

/* Prints one SA of a get or dump reply. */
void
pfkey_sadump(const struct sadb_msg *m)
{
	struct key_msg km;
	struct sockaddr_storage ss;
	const struct sadb_sa *sa;
	const struct sadb_x_sa2 *sa2;
	const struct sadb_x_sa_replay *rpl;

	if (key_msg_parse(&km, m, PFKEY_UNUNIT64(m->sadb_msg_len)) < 0) {
		printf("%s\n", km.reason != NULL ? km.reason :
		    "Invalid sadb message");
		return;
	}
	sa = (const struct sadb_sa *)km.ext[SADB_EXT_SA];
	sa2 = (const struct sadb_x_sa2 *)km.ext[SADB_X_EXT_SA2];
	rpl = (const struct sadb_x_sa_replay *)km.ext[SADB_X_EXT_SA_REPLAY];

	if (key_msg_address(&km, SADB_EXT_ADDRESS_SRC, &ss, NULL, NULL) < 0) {
		printf("no ADDRESS_SRC extension.\n");
		return;
	}
	printf("%s", str_ipaddr(&ss));
	print_port_ext(&km, SADB_X_EXT_NAT_T_SPORT);

	if (key_msg_address(&km, SADB_EXT_ADDRESS_DST, &ss, NULL, NULL) < 0) {
		printf("\nno ADDRESS_DST extension.\n");
		return;
	}
	printf(" %s", str_ipaddr(&ss));
	print_port_ext(&km, SADB_X_EXT_NAT_T_DPORT);

	if (sa == NULL) {
		printf("\nno SA extension.\n");
		return;
	}
	if (sa2 == NULL) {
		printf("\nno SA2 extension.\n");
		return;
	}
	printf("\n\t");

	if (m->sadb_msg_satype == SADB_SATYPE_ESP &&
	    km.ext[SADB_X_EXT_NAT_T_TYPE] != NULL)
		printf("esp-udp ");
	else
		print_str(str_satype, NITEMS(str_satype), m->sadb_msg_satype);
	printf("mode=");
	print_str(str_mode, NITEMS(str_mode), sa2->sadb_x_sa2_mode);
	printf("spi=%u(0x%08x) reqid=%u(0x%08x)\n",
	    ntohl(sa->sadb_sa_spi), ntohl(sa->sadb_sa_spi),
	    sa2->sadb_x_sa2_reqid, sa2->sadb_x_sa2_reqid);
	print_natt(&km);

	if (m->sadb_msg_satype == SADB_X_SATYPE_IPCOMP) {
		/* FreeBSD ends this line without a newline. */
		printf("\tC: ");
		print_str(str_comp, NITEMS(str_comp), sa->sadb_sa_encrypt);
	} else if (m->sadb_msg_satype == SADB_SATYPE_ESP &&
	    km.ext[SADB_EXT_KEY_ENCRYPT] != NULL) {
		printf("\tE: ");
		print_alg(KEY_ALG_ENC, sa->sadb_sa_encrypt);
		print_key(&km, SADB_EXT_KEY_ENCRYPT);
	}
	if (km.ext[SADB_EXT_KEY_AUTH] != NULL) {
		printf("\tA: ");
		print_alg(KEY_ALG_AUTH, sa->sadb_sa_auth);
		print_key(&km, SADB_EXT_KEY_AUTH);
	}

	printf("\tseq=0x%08x replay=%u flags=0x%08x ",
	    sa2->sadb_x_sa2_sequence,
	    rpl != NULL ? rpl->sadb_x_sa_replay_replay >> 3 :
	    sa->sadb_sa_replay, sa->sadb_sa_flags);
	printf("state=");
	print_str(str_state, NITEMS(str_state), sa->sadb_sa_state);
	printf("\n");

	print_lifetimes(&km);

	printf("\tsadb_seq=%lu pid=%lu ", (unsigned long)m->sadb_msg_seq,
	    (unsigned long)m->sadb_msg_pid);
	printf("refcnt=%u\n", m->sadb_msg_reserved);
}

/*
 * Formats "/plen" unless it is the full length, then "[port]" except for
 * ICMPv6, whose type and code are printed after the protocol.
 */
static const char *
str_prefport(int family, unsigned int pref, unsigned int port,
    unsigned int ulp)
{
	static char buf[128];
	char prefbuf[32], portbuf[32];
	unsigned int plen = key_sockaddr_bits(family);

	if (plen == 0)
		return "?";
	if (pref == plen)
		prefbuf[0] = '\0';
	else
		snprintf(prefbuf, sizeof(prefbuf), "/%u", pref);
	if (ulp == IPPROTO_ICMPV6)
		portbuf[0] = '\0';
	else if (port == IPSEC_PORT_ANY)
		snprintf(portbuf, sizeof(portbuf), "[any]");
	else
		snprintf(portbuf, sizeof(portbuf), "[%u]", port);
	snprintf(buf, sizeof(buf), "%s%s", prefbuf, portbuf);
	return buf;
}

static void
str_upperspec(unsigned int ulp, unsigned int p1, unsigned int p2)
{
	struct protoent *ent;

	if (ulp == IPSEC_ULPROTO_ANY)
		printf("any");
	else if (ulp == IPPROTO_ICMPV6) {
		printf("icmp6");
		if (!(p1 == IPSEC_PORT_ANY && p2 == IPSEC_PORT_ANY))
			printf(" %u,%u", p1, p2);
	} else if (ulp == IPPROTO_IPIP)
		printf("ip4");
	else {
		ent = getprotobynumber((int)ulp);
		if (ent != NULL)
			printf("%s", ent->p_name);
		else
			printf("%u", ulp);
		endprotoent();
	}
}

/* Prints "ADDR/PLEN[PORT] " for one end of a selector and returns the port. */
static unsigned int
print_selector_end(const struct key_msg *km, uint16_t exttype,
    unsigned int ulp)
{
	struct sockaddr_storage ss;
	uint8_t plen;
	unsigned int port;

	if (key_msg_address(km, exttype, &ss, &plen, NULL) < 0 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)) {
		printf("unknown-af ");
		return 0;
	}
	port = sa_port(&ss);
	printf("%s", str_ipaddr(&ss));
	printf("%s ", str_prefport(ss.ss_family, plen, port, ulp));
	return port;
}

static void
print_scope(const struct sadb_x_policy *xpl)
{
	char ifname[IF_NAMESIZE];

	switch (xpl->sadb_x_policy_scope) {
	case IPSEC_POLICYSCOPE_GLOBAL:
		printf("global ");
		break;
	case IPSEC_POLICYSCOPE_IFNET:
		printf("ifnet ");
		break;
	case IPSEC_POLICYSCOPE_PCB:
		printf("pcb ");
		break;
	default:
		printf("%u ", xpl->sadb_x_policy_scope);
		break;
	}
	if (xpl->sadb_x_policy_scope == IPSEC_POLICYSCOPE_IFNET &&
	    if_indextoname(xpl->sadb_x_policy_priority, ifname) != NULL)
		printf("ifname=%s", ifname);
	printf("\n");
}

/* Prints one policy of a -DP or spddump reply. */
void
pfkey_spdump(const struct sadb_msg *m)
{
	struct key_msg km;
	const struct sadb_address *saddr, *daddr;
	const struct sadb_x_policy *xpl;
	const struct sadb_lifetime *c, *h;
	char *text;
	unsigned int sport, dport;

	if (key_msg_parse(&km, m, PFKEY_UNUNIT64(m->sadb_msg_len)) < 0) {
		printf("%s\n", km.reason != NULL ? km.reason :
		    "Invalid sadb message");
		return;
	}
	saddr = (const struct sadb_address *)km.ext[SADB_EXT_ADDRESS_SRC];
	daddr = (const struct sadb_address *)km.ext[SADB_EXT_ADDRESS_DST];
	xpl = (const struct sadb_x_policy *)km.ext[SADB_X_EXT_POLICY];
	c = (const struct sadb_lifetime *)km.ext[SADB_EXT_LIFETIME_CURRENT];
	h = (const struct sadb_lifetime *)km.ext[SADB_EXT_LIFETIME_HARD];

	if (saddr != NULL && daddr != NULL) {
		sport = print_selector_end(&km, SADB_EXT_ADDRESS_SRC,
		    saddr->sadb_address_proto);
		dport = print_selector_end(&km, SADB_EXT_ADDRESS_DST,
		    saddr->sadb_address_proto);
		if (saddr->sadb_address_proto != daddr->sadb_address_proto) {
			printf("upper layer protocol mismatched.\n");
			return;
		}
		str_upperspec(saddr->sadb_address_proto, sport, dport);
	} else
		printf("(no selector, probably per-socket policy) ");

	if (xpl == NULL) {
		printf("no X_POLICY extension.\n");
		return;
	}
	text = key_policy_format(xpl, PFKEY_UNUNIT64(xpl->sadb_x_policy_len),
	    "\n\t");
	printf("\n\t%s\n", text != NULL ? text : "(null)");
	free(text);

	if (c != NULL) {
		printf("\tcreated: %s  ", str_time(c->sadb_lifetime_addtime));
		printf("lastused: %s\n", str_time(c->sadb_lifetime_usetime));
	}
	if (h != NULL) {
		printf("\tlifetime: %lu(s) ",
		    (unsigned long)h->sadb_lifetime_addtime);
		printf("validtime: %lu(s)\n",
		    (unsigned long)h->sadb_lifetime_usetime);
	}

	printf("\tspid=%lu seq=%lu pid=%lu scope=",
	    (unsigned long)xpl->sadb_x_policy_id,
	    (unsigned long)m->sadb_msg_seq, (unsigned long)m->sadb_msg_pid);
	print_scope(xpl);
	printf("\trefcnt=%u\n", m->sadb_msg_reserved);
}

/* -l: the header of the one-line-per-SA format. */
void
shortdump_hdr(void)
{
	printf("%-4s %-3s %-1s %-8s %-7s %s -> %s\n",
	    "time", "p", "s", "spi", "ltime", "src", "dst");
}

static const char *
numstr(unsigned int x)
{
	static char buf[20];

	snprintf(buf, sizeof(buf), "#%u", x);
	return buf;
}

/* Protocol names of FreeBSD's shortdump(), indexed by number. */
static const char *
short_proto(unsigned int p)
{
	static const char *const ipproto[] = {
		[0] = "ip", [1] = "icmp", [2] = "igmp", [3] = "ggp",
		[4] = "ip4", [6] = "tcp", [8] = "egp", [17] = "udp",
		[22] = "idp", [29] = "tp", [41] = "ip6", [43] = "rt6",
		[44] = "frag6", [46] = "rsvp", [47] = "gre", [50] = "esp",
		[51] = "ah", [58] = "icmp6", [59] = "none", [60] = "dst6",
	};

	if (p < NITEMS(ipproto) && ipproto[p] != NULL)
		return ipproto[p];
	return numstr(p);
}

static void
short_addr(const struct key_msg *km, uint16_t exttype)
{
	const struct sadb_address *addr;
	struct sockaddr_storage ss;
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	socklen_t len;

	addr = (const struct sadb_address *)km->ext[exttype];
	if (addr == NULL ||
	    key_msg_address(km, exttype, &ss, NULL, NULL) < 0) {
		printf("?");
		return;
	}
	if (addr->sadb_address_proto != 0)
		printf("%s ", short_proto(addr->sadb_address_proto));
	len = ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host),
	    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		printf("?");
		return;
	}
	if (strcmp(serv, "0") != 0)
		printf("%s[%s]", host, serv);
	else
		printf("%s", host);
}

/* -l: one line per SA. */
void
shortdump(const struct sadb_msg *m)
{
	static const char *const satype[] = { NULL, NULL, "ah", "esp" };
	static const char *const sastate[] = { "L", "M", "D", "d" };
	struct key_msg km;
	const struct sadb_sa *sa;
	const struct sadb_lifetime *lts, *lth, *ltc;
	time_t cur = time(NULL);
	unsigned long t;

	if (key_msg_parse(&km, m, PFKEY_UNUNIT64(m->sadb_msg_len)) < 0)
		return;

	printf("%02lu%02lu", (unsigned long)(cur % 3600) / 60,
	    (unsigned long)(cur % 60));
	printf(" %-3s", m->sadb_msg_satype < NITEMS(satype) &&
	    satype[m->sadb_msg_satype] != NULL ?
	    satype[m->sadb_msg_satype] : numstr(m->sadb_msg_satype));

	sa = (const struct sadb_sa *)km.ext[SADB_EXT_SA];
	if (sa != NULL) {
		printf(" %-1s", sa->sadb_sa_state < NITEMS(sastate) ?
		    sastate[sa->sadb_sa_state] : numstr(sa->sadb_sa_state));
		printf(" %08x", ntohl(sa->sadb_sa_spi));
	} else
		printf("%-1s %-8s", "?", "?");

	lts = (const struct sadb_lifetime *)km.ext[SADB_EXT_LIFETIME_SOFT];
	lth = (const struct sadb_lifetime *)km.ext[SADB_EXT_LIFETIME_HARD];
	ltc = (const struct sadb_lifetime *)km.ext[SADB_EXT_LIFETIME_CURRENT];
	if (lts != NULL && lth != NULL && ltc != NULL) {
		t = ltc->sadb_lifetime_addtime == 0 ? 0 :
		    (unsigned long)(cur - (time_t)ltc->sadb_lifetime_addtime);
		if (t >= 1000)
			printf(" big/");
		else
			printf(" %3lu/", t);
		t = (unsigned long)lth->sadb_lifetime_addtime;
		if (t >= 1000)
			printf("big");
		else
			printf("%-3lu", t);
	} else
		printf(" ??\?/???");	/* "??/" would be a trigraph */

	printf(" ");
	short_addr(&km, SADB_EXT_ADDRESS_SRC);
	printf(" -> ");
	short_addr(&km, SADB_EXT_ADDRESS_DST);
	printf("\n");
}
