/*
 * The PF_KEY messages of setkey's statements, built with libkey in the
 * extension order FreeBSD's setkey uses.  A statement whose addresses
 * resolve to several addresses sends one message per source and
 * destination pair of the same family.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "setkey.h"

static void
begin(struct key_buf *b, uint8_t type, uint8_t satype)
{
	key_msg_begin(b, type, satype, 0, (uint32_t)getpid());
}

/* Returns the full prefix length of an address, or -1 for other families. */
static int
full_plen(const struct addrinfo *ai)
{
	unsigned int bits = key_sockaddr_bits(ai->ai_addr->sa_family);

	return bits == 0 ? -1 : (int)bits;
}

/* Appends SA and SA2, and SA_REPLAY for windows over 255 bytes. */
static void
add_sa(struct key_buf *b)
{
	uint8_t replay = sp.replay > UINT8_MAX ? UINT8_MAX : (uint8_t)sp.replay;

	key_msg_add_sa(b, sp.spi, replay, 0, sp.alg_auth, sp.alg_enc,
	    sp.ext);
	key_msg_add_sa2(b, sp.mode, 0, sp.reqid);
	if (sp.replay > UINT8_MAX)
		key_msg_add_sa_replay(b, sp.replay << 3);
}

static void
add_natt(struct key_buf *b)
{
	if (sp.natt_type == 0)
		return;
	key_msg_add_natt_type(b, sp.natt_type);
	key_msg_add_address(b, SADB_X_EXT_NAT_T_OAI, 0,
	    (uint8_t)full_plen(sp.natt_oai), sp.natt_oai->ai_addr);
	key_msg_add_natt_port(b, SADB_X_EXT_NAT_T_SPORT, sp.natt_sport);
	key_msg_add_address(b, SADB_X_EXT_NAT_T_OAR, 0,
	    (uint8_t)full_plen(sp.natt_oar), sp.natt_oar->ai_addr);
	key_msg_add_natt_port(b, SADB_X_EXT_NAT_T_DPORT, sp.natt_dport);
	if (sp.natt_fraglen != -1)
		key_msg_add_natt_frag(b, (uint16_t)sp.natt_fraglen);
}

static const char *
family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/*
 * Returns whether some source and destination address share a family.
 * When none do, prints an error naming the first address of each, where
 * FreeBSD's setkey only prints "parse failed".
 */
static bool
families_match(const struct addrinfo *srcs, const struct addrinfo *dsts)
{
	const struct addrinfo *s, *d;
	char src[NI_MAXHOST], dst[NI_MAXHOST], msg[2 * NI_MAXHOST + 96];

	for (s = srcs; s != NULL; s = s->ai_next)
		for (d = dsts; d != NULL; d = d->ai_next)
			if (s->ai_addr->sa_family == d->ai_addr->sa_family)
				return true;

	if (getnameinfo(srcs->ai_addr, srcs->ai_addrlen, src, sizeof(src),
	    NULL, 0, NI_NUMERICHOST) != 0)
		strcpy(src, "?");
	if (getnameinfo(dsts->ai_addr, dsts->ai_addrlen, dst, sizeof(dst),
	    NULL, 0, NI_NUMERICHOST) != 0)
		strcpy(dst, "?");
	snprintf(msg, sizeof(msg), "source %s is %s and destination %s is %s, "
	    "but both must be of the same address family", src,
	    family_name(srcs->ai_addr->sa_family), dst,
	    family_name(dsts->ai_addr->sa_family));
	yyerror(msg);
	return false;
}

/*
 * Sends the message in b once per source and destination pair, with the
 * address extensions appended after the first len0 bytes.  upper and the
 * prefix lengths apply to SPD messages; splen and dplen of -1 mean the
 * full length.  Returns the number of messages sent.
 */
static int
send_pairs(struct key_buf *b, const struct addrinfo *srcs,
    const struct addrinfo *dsts, uint8_t upper, int splen, int dplen)
{
	const struct addrinfo *s, *d;
	size_t len0 = b->len;
	int n = 0, plen;

	if (!families_match(srcs, dsts))
		return 0;
	for (s = srcs; s != NULL; s = s->ai_next) {
		for (d = dsts; d != NULL; d = d->ai_next) {
			if (s->ai_addr->sa_family != d->ai_addr->sa_family)
				continue;
			plen = full_plen(s);
			if (plen < 0)
				continue;

			b->len = len0;
			key_msg_add_address(b, SADB_EXT_ADDRESS_SRC, upper,
			    (uint8_t)(splen >= 0 ? splen : plen), s->ai_addr);
			key_msg_add_address(b, SADB_EXT_ADDRESS_DST, upper,
			    (uint8_t)(dplen >= 0 ? dplen : plen), d->ai_addr);
			if (key_msg_end(b) < 0) {
				warn_msg(b);
				continue;
			}
			sendkeymsg(b->data, b->len);
			n++;
		}
	}
	return n;
}

/* Builds and sends add or update. */
int
msg_add(uint8_t type, uint8_t satype, const struct addrinfo *srcs,
    const struct addrinfo *dsts)
{
	struct key_buf b;
	int n;

	key_buf_init(&b);
	begin(&b, type, satype);
	if (satype != SADB_X_SATYPE_IPCOMP && sp.key_enc != NULL)
		key_msg_add_key(&b, SADB_EXT_KEY_ENCRYPT, sp.key_enc,
		    (unsigned int)sp.key_enc_len * 8);
	if (sp.key_auth != NULL)
		key_msg_add_key(&b, SADB_EXT_KEY_AUTH, sp.key_auth,
		    (unsigned int)sp.key_auth_len * 8);
	if (sp.lt_hard != 0 || sp.lb_hard != 0)
		key_msg_add_lifetime(&b, SADB_EXT_LIFETIME_HARD, 0,
		    sp.lb_hard, sp.lt_hard, 0);
	if (sp.lt_soft != 0 || sp.lb_soft != 0)
		key_msg_add_lifetime(&b, SADB_EXT_LIFETIME_SOFT, 0,
		    sp.lb_soft, sp.lt_soft, 0);
	add_sa(&b);
	add_natt(&b);

	n = send_pairs(&b, srcs, dsts, IPSEC_ULPROTO_ANY, -1, -1);
	key_buf_free(&b);
	return n == 0 ? -1 : 0;
}

/* Builds and sends get, delete, or (no_spi) deleteall. */
int
msg_addr(uint8_t type, uint8_t satype, const struct addrinfo *srcs,
    const struct addrinfo *dsts, bool no_spi)
{
	struct key_buf b;
	int n;

	key_buf_init(&b);
	begin(&b, type, satype);
	if (!no_spi)
		add_sa(&b);

	n = send_pairs(&b, srcs, dsts, IPSEC_ULPROTO_ANY, -1, -1);
	key_buf_free(&b);
	return n == 0 ? -1 : 0;
}

/* Builds and sends spdadd, spdupdate or spddelete. */
int
msg_spdaddr(uint8_t type, uint8_t upper, const void *policy, size_t policylen,
    const struct addrinfo *src, int splen, const struct addrinfo *dst,
    int dplen)
{
	struct key_buf b;
	int n;

	key_buf_init(&b);
	begin(&b, type, SADB_SATYPE_UNSPEC);
	key_msg_add_policy(&b, policy, policylen);

	n = send_pairs(&b, src, dst, upper, splen, dplen);
	key_buf_free(&b);
	return n == 0 ? -1 : 0;
}

/* Sends a bare header: flush, dump, spdflush, spddump, -D, -F. */
int
msg_short(uint8_t type, uint8_t satype)
{
	struct key_buf b;

	key_buf_init(&b);
	begin(&b, type, satype);
	if (key_msg_end(&b) == 0)
		sendkeymsg(b.data, b.len);
	key_buf_free(&b);
	return 0;
}

/* Reports a message libkey could not build, such as one over 512 KiB. */
void
warn_msg(const struct key_buf *b)
{
	drain_replies();
	fprintf(stderr, "setkey: line %d: building the message failed: %s\n",
	    lineno, strerror(b->error != 0 ? b->error : errno));
}

/* Copies field n (from 0) of a '/'-separated request token to out. */
static void
request_field(const char *token, int n, char *out, size_t outlen)
{
	const char *p = token, *end;

	for (; n > 0 && p != NULL; n--) {
		p = strchr(p, '/');
		if (p != NULL)
			p++;
	}
	if (p == NULL)
		p = "";
	end = strchr(p, '/');
	snprintf(out, outlen, "%.*s", (int)(end != NULL ?
	    (size_t)(end - p) : strlen(p)), p);
}

/*
 * Reports a bad tunnel address of a request as FreeBSD's libipsec does:
 * the address that failed, and getaddrinfo()'s message as the error.
 */
static const char *
address_error(const char *token)
{
	static char msg[128];
	struct addrinfo hints, *res;
	char addrs[256], *dash, *addr;
	int error, i;

	request_field(token, 2, addrs, sizeof(addrs));
	if ((dash = strchr(addrs, '-')) == NULL) {
		fprintf(stderr, "libipsec: syntax error while parsing "
		    "\"/\"\n");
		return "Invalid argument";
	}
	*dash = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST;
	for (i = 0, addr = addrs; i < 2; i++, addr = dash + 1) {
		error = getaddrinfo(addr, NULL, &hints, &res);
		if (error != 0) {
			fprintf(stderr, "libipsec: invalid IP address while "
			    "parsing \"%s\"\n", addr);
			snprintf(msg, sizeof(msg), "%s", gai_strerror(error));
			return msg;
		}
		freeaddrinfo(res);
	}
	return "Invalid address specification";
}

/*
 * Maps libkey's policy parse error to the messages FreeBSD's libipsec
 * gives: a "libipsec: ..." line on stderr for the errors its grammar
 * finds, and the ipsec_strerror() text that setkey prints in
 * "line N: ... at [...]".  Words FreeBSD's policy grammar does not know
 * are syntax errors there, reported as "Invalid argument".
 */
const char *
policy_error(const char *errbuf)
{
	char msg[256], token[256], word[256];
	const char *q;
	size_t n;

	drain_replies();
	q = strstr(errbuf, " while parsing \"");
	if (q == NULL) {
		fprintf(stderr, "libipsec: %s\n", errbuf);
		return "Invalid argument";
	}
	n = (size_t)(q - errbuf);
	snprintf(msg, sizeof(msg), "%.*s", (int)n, errbuf);
	snprintf(token, sizeof(token), "%s", q + strlen(" while parsing \""));
	n = strlen(token);
	if (n > 0 && token[n - 1] == '"')
		token[n - 1] = '\0';

	if (strcmp(msg, "Too few arguments") == 0)
		return "Too few arguments";
	if (strcmp(msg, "Invalid direction") == 0)
		return "Invalid direciton";	/* sic, libipsec's spelling */
	if (strncmp(msg, "Invalid address specification (", 31) == 0)
		return "Invalid address specification";
	if (strcmp(msg, "Family mismatch") == 0)
		return "Family mismatch";
	if (strcmp(msg, "Invalid address specification") == 0)
		return address_error(token);

	if (strcmp(msg, "Invalid ipsec protocol") == 0)
		request_field(token, 0, word, sizeof(word));
	else if (strcmp(msg, "Invalid ipsec mode") == 0)
		request_field(token, 1, word, sizeof(word));
	else if (strcmp(msg, "Invalid ipsec level") == 0)
		request_field(token, 3, word, sizeof(word));
	else
		snprintf(word, sizeof(word), "%s", token);
	fprintf(stderr, "libipsec: syntax error while parsing \"%s\"\n",
	    word);
	return "Invalid argument";
}
