/*
 * The policy text of FreeBSD's ipsec_set_policy(3), as setkey takes it
 * after -P:
 *
 *	DIR [ACTION [PROTO/MODE[/[SRC-DST|me-any|any-me][/[LEVEL]]] ...]]
 *
 * Error messages use the texts of libipsec's ipsec_strerror(3) followed
 * by the offending token, as libipsec reports them.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <netdb.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libkey.h"
#include "key_private.h"

#define TOKEN_MAX	256

struct parser {
	const char *next;		/* rest of the text */
	char token[TOKEN_MAX];		/* current token */
	uint8_t dir;
	uint16_t type;
	size_t nreqs;
	char *errbuf;
	size_t errlen;
	struct key_buf buf;
};

/* One request while it is parsed. */
struct request {
	uint16_t proto;
	uint8_t mode;
	uint8_t level;
	uint16_t reqid;
	bool has_addrs;
	struct sockaddr_storage src;
	struct sockaddr_storage dst;
};

struct keyword {
	const char *word;
	uint16_t value;
};

static const struct keyword actions[] = {
	{ "discard", IPSEC_POLICY_DISCARD },
	{ "none", IPSEC_POLICY_NONE },
	{ "ipsec", IPSEC_POLICY_IPSEC },
	{ "entrust", IPSEC_POLICY_ENTRUST },
	{ "bypass", IPSEC_POLICY_BYPASS },
}, protos[] = {
	{ "esp", IPSEC_PROTO_ESP },
	{ "ah", IPSEC_PROTO_AH },
	{ "ipcomp", IPSEC_PROTO_IPCOMP },
	{ "tcp", IPPROTO_TCP },		/* for TCP-MD5 */
}, modes[] = {
	{ "transport", IPSEC_MODE_TRANSPORT },
	{ "tunnel", IPSEC_MODE_TUNNEL },
}, levels[] = {
	{ "default", IPSEC_LEVEL_DEFAULT },
	{ "use", IPSEC_LEVEL_USE },
	{ "require", IPSEC_LEVEL_REQUIRE },
	{ "unique", IPSEC_LEVEL_UNIQUE },
};

#define LOOKUP(table, word, out)	lookup(table, \
    sizeof(table) / sizeof((table)[0]), word, out)

static bool
lookup(const struct keyword *t, size_t n, const char *word, uint16_t *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(t[i].word, word) == 0) {
			*out = t[i].value;
			return true;
		}
	}
	return false;
}

static int
fail(struct parser *p, const char *msg, const char *token)
{
	if (p->errbuf != NULL && p->errlen > 0)
		snprintf(p->errbuf, p->errlen, "%s while parsing \"%s\"", msg,
		    token);
	errno = EINVAL;
	return -1;
}

/*
 * Reads the next blank-separated token into p->token.  Returns 1, 0 at
 * the end of the text, or -1 for a token too long to be valid.
 */
static int
next_token(struct parser *p)
{
	size_t len;

	p->next += strspn(p->next, " \t\r\n");
	len = strcspn(p->next, " \t\r\n");
	if (len == 0) {
		p->token[0] = '\0';
		return 0;
	}
	if (len >= sizeof(p->token)) {
		snprintf(p->token, sizeof(p->token), "%.*s", 64, p->next);
		return fail(p, "Invalid security policy", p->token);
	}
	memcpy(p->token, p->next, len);
	p->token[len] = '\0';
	p->next += len;
	return 1;
}

static int
parse_sockaddr(struct parser *p, const char *text, const char *token,
    struct sockaddr_storage *ss)
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (*text == '\0' || getaddrinfo(text, NULL, &hints, &res) != 0)
		return fail(p, "Invalid address specification", token);
	if (res->ai_addrlen > sizeof(*ss) ||
	    key_sockaddr_bsdlen(res->ai_family) == 0) {
		freeaddrinfo(res);
		return fail(p, "Invalid address specification", token);
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

/* Parses the SRC-DST part of a request; me-any and any-me give none. */
static int
parse_addresses(struct parser *p, char *text, const char *token,
    struct request *r)
{
	char *dash;

	if (*text == '\0')
		return 0;
	if (strcmp(text, "me-any") == 0 || strcmp(text, "any-me") == 0) {
		if (p->dir != (text[0] == 'm' ? IPSEC_DIR_OUTBOUND :
		    IPSEC_DIR_INBOUND))
			return fail(p, "Invalid direction", token);
		return 0;
	}
	if ((dash = strchr(text, '-')) == NULL)
		return fail(p, "Invalid address specification", token);
	*dash = '\0';
	if (parse_sockaddr(p, text, token, &r->src) == -1 ||
	    parse_sockaddr(p, dash + 1, token, &r->dst) == -1)
		return -1;
	if (r->src.ss_family != r->dst.ss_family)
		return fail(p, "Family mismatch", token);
	r->has_addrs = true;
	return 0;
}

static int
parse_level(struct parser *p, const char *text, const char *token,
    struct request *r)
{
	unsigned long reqid;
	uint16_t level;
	char *end;

	if (*text == '\0')
		return 0;
	if (LOOKUP(levels, text, &level)) {
		r->level = (uint8_t)level;
		return 0;
	}
	if (strncmp(text, "unique:", 7) != 0 || text[7] < '0' ||
	    text[7] > '9')
		return fail(p, "Invalid ipsec level", token);
	errno = 0;
	reqid = strtoul(text + 7, &end, 10);
	if (*end != '\0' || errno != 0 || reqid > UINT16_MAX)
		return fail(p, "Invalid ipsec level", token);
	r->level = IPSEC_LEVEL_UNIQUE;
	r->reqid = (uint16_t)reqid;
	return 0;
}

/* Parses one PROTO/MODE[/[ADDRS][/[LEVEL]]] token. */
static int
parse_request(struct parser *p, struct request *r)
{
	char text[TOKEN_MAX];
	char *field[4];
	size_t n = 0;
	uint16_t v;
	char *s;

	memset(r, 0, sizeof(*r));
	strcpy(text, p->token);
	for (s = text; n < 4; n++) {
		field[n] = s;
		if ((s = strchr(s, '/')) == NULL) {
			n++;
			break;
		}
		*s++ = '\0';
	}
	if (s != NULL)
		return fail(p, "Invalid security policy", p->token);
	if (!LOOKUP(protos, field[0], &v))
		return fail(p, "Invalid ipsec protocol", p->token);
	r->proto = v;
	if (n < 2 || *field[1] == '\0')
		return fail(p, "Too few arguments", p->token);
	if (!LOOKUP(modes, field[1], &v))
		return fail(p, "Invalid ipsec mode", p->token);
	r->mode = (uint8_t)v;
	if (n > 2 && parse_addresses(p, field[2], p->token, r) == -1)
		return -1;
	if (n > 3 && parse_level(p, field[3], p->token, r) == -1)
		return -1;
	if (r->mode == IPSEC_MODE_TUNNEL && !r->has_addrs)
		return fail(p, "Invalid address specification (tunnel mode "
		    "requires SRC-DST)", p->token);
	return 0;
}

static int
add_request(struct parser *p)
{
	struct request r;

	if (p->type != IPSEC_POLICY_IPSEC)
		return fail(p, "Invalid security policy (requests need the "
		    "ipsec action)", p->token);
	if (p->nreqs == KEY_POLICY_MAXREQ)
		return fail(p, "Too many requests (at most 4)", p->token);
	if (parse_request(p, &r) == -1)
		return -1;
	if (key_policy_add_request(&p->buf, r.proto, r.mode, r.level,
	    r.reqid, r.has_addrs ? (struct sockaddr *)&r.src : NULL,
	    r.has_addrs ? (struct sockaddr *)&r.dst : NULL) == -1)
		return -1;
	p->nreqs++;
	return 0;
}

static int
parse_policy(struct parser *p)
{
	int rc;

	if ((rc = next_token(p)) <= 0)
		return rc == 0 ? fail(p, "Too few arguments", "") : -1;
	if (strcmp(p->token, "in") == 0)
		p->dir = IPSEC_DIR_INBOUND;
	else if (strcmp(p->token, "out") == 0)
		p->dir = IPSEC_DIR_OUTBOUND;
	else
		return fail(p, "Invalid direction (in or out)", p->token);

	/* A direction alone has type 0, which the kernel ignores. */
	p->type = IPSEC_POLICY_DISCARD;
	if ((rc = next_token(p)) == 1 &&
	    !LOOKUP(actions, p->token, &p->type))
		return fail(p, "Invalid security policy", p->token);
	if (rc == -1)
		return -1;
	if (key_policy_begin(&p->buf, p->type, p->dir, 0, 0, 0) == -1)
		return -1;
	while (rc == 1 && (rc = next_token(p)) == 1)
		if (add_request(p) == -1)
			return -1;
	return rc;
}

int
key_policy_parse(const char *text, void **policyp, size_t *lenp,
    char *errbuf, size_t errlen)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	p.errbuf = errbuf;
	p.errlen = errlen;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (text == NULL || policyp == NULL || lenp == NULL) {
		errno = EINVAL;
		return -1;
	}
	p.next = text;
	key_buf_init(&p.buf);
	if (parse_policy(&p) == -1) {
		int saved = errno;

		key_buf_free(&p.buf);
		errno = saved;
		return -1;
	}
	*policyp = p.buf.data;
	*lenp = p.buf.len;
	return 0;
}
