%{
/*
 * Grammar of setkey's statements: FreeBSD 14's language plus ipsec-tools'
 * update, spdupdate and -bh/-bs.  Each statement is sent as soon as its
 * ';' is read, so statements before a failing one have taken effect.
 *
 * Errors print "line N: MESSAGE at [TOKEN]" on stdout, as FreeBSD's
 * setkey does; an action that returns -1 ends the parse, and parse()
 * then prints "parse failed, line N.".
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "setkey.h"

struct sa_params sp;

static struct addrinfo *parse_addr(const char *, const char *);
static int	fix_portstr(const struct vbuf *, struct vbuf *,
		    struct vbuf *);
static int	hexkey(const struct vbuf *, struct vbuf *);
static int	check_enc(const struct key_alg *, const struct vbuf *,
		    size_t);
static int	check_auth(const struct key_alg *, const struct vbuf *);
static int	spd_statement(uint8_t, struct vbuf *, int, struct vbuf *,
		    struct vbuf *, int, struct vbuf *, int, struct vbuf *,
		    struct vbuf *);
static void	warn_deprecated(const struct key_alg *);
static int	policy_fallback(const char *, const char *, void **,
		    size_t *);
%}

%union {
	int num;
	unsigned long ulnum;
	struct vbuf val;
	struct addrinfo *res;
	const struct key_alg *alg;
}

%token EOT SLASH BLCL ELCL
%token ADD UPDATE GET DELETE DELETEALL FLUSH DUMP
%token PR_ESP PR_AH PR_IPCOMP PR_TCP
%token F_AUTH F_ENC F_REPLAY F_COMP F_RAWCPI
%token F_MODE MODE F_REQID
%token F_EXT EXTENSION NOCYCLICSEQ
%token ALG_AUTH ALG_AUTH_NOKEY
%token ALG_ENC ALG_ENC_OLD ALG_ENC_SALT
%token ALG_COMP
%token F_LIFETIME_HARD F_LIFETIME_SOFT F_LIFEBYTE_HARD F_LIFEBYTE_SOFT
%token DECSTRING QUOTEDSTRING HEXSTRING STRING ANY
%token SPDADD SPDUPDATE SPDDELETE SPDDUMP SPDFLUSH
%token F_POLICY PL_REQUESTS
%token F_AIFLAGS F_NATT F_NATT_MTU F_ESN F_HWIF
%token TAGGED

%type <num> prefix protocol_spec upper_spec
%type <alg> ALG_ENC ALG_ENC_OLD ALG_ENC_SALT ALG_AUTH ALG_AUTH_NOKEY
%type <num> ALG_COMP
%type <num> PR_ESP PR_AH PR_IPCOMP PR_TCP
%type <num> EXTENSION MODE
%type <ulnum> DECSTRING
%type <val> PL_REQUESTS portstr key_string
%type <val> QUOTEDSTRING HEXSTRING STRING
%type <val> F_AIFLAGS
%type <val> upper_misc_spec policy_spec
%type <res> ipaddr

/* Strings a failed statement leaves unused may be keys. */
%destructor {
	if ($$.buf != NULL) {
		key_wipe($$.buf, $$.len);
		free($$.buf);
	}
} <val>
%destructor { freeaddrinfo($$); } <res>

%%

commands
	:	%empty
	|	commands command
		{
			parse_reset();
		}
	;

command
	:	add_command
	|	update_command
	|	get_command
	|	delete_command
	|	deleteall_command
	|	flush_command
	|	dump_command
	|	spdadd_command
	|	spdupdate_command
	|	spddelete_command
	|	spddump_command
	|	spdflush_command
	;

add_command
	:	ADD ipaddropts ipaddr ipaddr protocol_spec spi extension_spec
		algorithm_spec EOT
		{
			int status = msg_add(SADB_ADD, $5, $3, $4);

			freeaddrinfo($3);
			freeaddrinfo($4);
			if (status < 0)
				return -1;
		}
	;

update_command
	:	UPDATE ipaddropts ipaddr ipaddr protocol_spec spi
		extension_spec
		algorithm_spec EOT
		{
			int status = msg_add(SADB_UPDATE, $5, $3, $4);

			freeaddrinfo($3);
			freeaddrinfo($4);
			if (status < 0)
				return -1;
		}
	;

delete_command
	:	DELETE ipaddropts ipaddr ipaddr protocol_spec spi
		extension_spec EOT
		{
			int status;

			if ($3->ai_next != NULL || $4->ai_next != NULL) {
				yyerror("multiple address specified");
				return -1;
			}
			if (sp.mode != IPSEC_MODE_ANY)
				yyerror("WARNING: mode is obsolete");
			status = msg_addr(SADB_DELETE, $5, $3, $4, false);
			freeaddrinfo($3);
			freeaddrinfo($4);
			if (status < 0)
				return -1;
		}
	;

deleteall_command
	:	DELETEALL ipaddropts ipaddr ipaddr protocol_spec EOT
		{
			int status = msg_addr(SADB_DELETE, $5, $3, $4, true);

			freeaddrinfo($3);
			freeaddrinfo($4);
			if (status < 0)
				return -1;
		}
	;

get_command
	:	GET ipaddropts ipaddr ipaddr protocol_spec spi
		extension_spec EOT
		{
			int status;

			if (sp.mode != IPSEC_MODE_ANY)
				yyerror("WARNING: mode is obsolete");
			status = msg_addr(SADB_GET, $5, $3, $4, false);
			freeaddrinfo($3);
			freeaddrinfo($4);
			if (status < 0)
				return -1;
		}
	;

flush_command
	:	FLUSH protocol_spec EOT
		{
			msg_short(SADB_FLUSH, $2);
		}
	;

dump_command
	:	DUMP protocol_spec EOT
		{
			msg_short(SADB_DUMP, $2);
		}
	;

protocol_spec
	:	%empty
		{
			$$ = SADB_SATYPE_UNSPEC;
		}
	|	PR_ESP
		{
			$$ = SADB_SATYPE_ESP;
			if ($1 == 1)
				sp.ext |= SADB_X_EXT_OLD;
			else
				sp.ext &= ~SADB_X_EXT_OLD;
		}
	|	PR_AH
		{
			$$ = SADB_SATYPE_AH;
			if ($1 == 1)
				sp.ext |= SADB_X_EXT_OLD;
			else
				sp.ext &= ~SADB_X_EXT_OLD;
		}
	|	PR_IPCOMP
		{
			$$ = SADB_X_SATYPE_IPCOMP;
		}
	|	PR_TCP
		{
			$$ = SADB_X_SATYPE_TCPSIGNATURE;
		}
	;

spi
	:	DECSTRING
		{
			sp.spi = (uint32_t)$1;
		}
	|	HEXSTRING
		{
			char *end;
			unsigned long long v;

			errno = 0;
			v = strtoull($1.buf, &end, 16);
			if (*end != '\0') {
				yyerror("invalid SPI");
				return -1;
			}
			if (errno == ERANGE || v > UINT32_MAX) {
				yyerror("SPI too big.");
				return -1;
			}
			sp.spi = (uint32_t)v;
			free($1.buf);
		}
	;

algorithm_spec
	:	esp_spec
	|	ah_spec
	|	ipcomp_spec
	;

esp_spec
	:	F_ENC enc_alg F_AUTH auth_alg
	|	F_ENC enc_alg
	;

ah_spec
	:	F_AUTH auth_alg
	;

ipcomp_spec
	:	F_COMP ALG_COMP
		{
			sp.alg_enc = $2;
		}
	|	F_COMP ALG_COMP F_RAWCPI
		{
			sp.alg_enc = $2;
			sp.ext |= SADB_X_EXT_RAWCPI;
		}
	;

enc_alg
	:	ALG_ENC key_string
		{
			if (check_enc($1, &$2, 0) < 0)
				return -1;
		}
	|	ALG_ENC_OLD
		{
			struct vbuf none = { NULL, 0 };

			yyerror("WARNING: obsolete algorithm");
			if (check_enc($1, &none, 0) < 0)
				return -1;
		}
	|	ALG_ENC_SALT key_string
		{
			if (check_enc($1, &$2, $1->saltlen) < 0)
				return -1;
		}
	;

auth_alg
	:	ALG_AUTH key_string
		{
			if (check_auth($1, &$2) < 0)
				return -1;
		}
	|	ALG_AUTH_NOKEY
		{
			warn_deprecated($1);
			sp.alg_auth = $1->id;
			sp.key_auth = NULL;
			sp.key_auth_len = 0;
		}
	;

key_string
	:	QUOTEDSTRING
		{
			$$ = $1;
		}
	|	HEXSTRING
		{
			if (hexkey(&$1, &$$) < 0)
				return -1;
		}
	;

extension_spec
	:	%empty
	|	extension_spec extension
	;

extension
	:	F_EXT EXTENSION
		{
			sp.ext |= (uint32_t)$2;
		}
	|	F_EXT NOCYCLICSEQ
		{
			sp.ext &= ~(uint32_t)SADB_X_EXT_CYCSEQ;
		}
	|	F_MODE MODE
		{
			sp.mode = (uint8_t)$2;
		}
	|	F_MODE ANY
		{
			sp.mode = IPSEC_MODE_ANY;
		}
	|	F_REQID DECSTRING
		{
			sp.reqid = (uint32_t)$2;
		}
	|	F_REPLAY DECSTRING
		{
			if ((sp.ext & SADB_X_EXT_OLD) != 0) {
				yyerror("replay prevention cannot be used with "
				    "ah/esp-old");
				return -1;
			}
			sp.replay = (uint32_t)$2;
			if (sp.replay > (UINT32_MAX - 32) >> 3)
				yyerror("replay window is too large");
		}
	|	F_LIFETIME_HARD DECSTRING
		{
			sp.lt_hard = $2;
		}
	|	F_LIFETIME_SOFT DECSTRING
		{
			sp.lt_soft = $2;
		}
	|	F_LIFEBYTE_HARD DECSTRING
		{
			sp.lb_hard = $2;
		}
	|	F_LIFEBYTE_SOFT DECSTRING
		{
			sp.lb_soft = $2;
		}
	|	F_NATT ipaddr BLCL DECSTRING ELCL ipaddr BLCL DECSTRING ELCL
		{
			if (sp.natt_oai != NULL)
				freeaddrinfo(sp.natt_oai);
			if (sp.natt_oar != NULL)
				freeaddrinfo(sp.natt_oar);
			sp.natt_type = UDP_ENCAP_ESPINUDP;
			sp.natt_oai = $2;
			sp.natt_oar = $6;
			sp.natt_sport = (uint16_t)$4;
			sp.natt_dport = (uint16_t)$8;
		}
	|	F_NATT_MTU DECSTRING
		{
			sp.natt_fraglen = (long)(uint16_t)$2;
		}
	|	F_ESN
		{
			sp.ext |= SADB_X_SAFLAGS_ESN;
		}
	|	F_HWIF STRING
		{
			free(sp.hwif);
			sp.hwif = $2.buf;
		}
	;

spdadd_command
	:	SPDADD ipaddropts STRING prefix portstr STRING prefix portstr
		upper_spec upper_misc_spec policy_spec EOT
		{
			if (spd_statement(SADB_X_SPDADD, &$3, $4, &$5, &$6, $7,
			    &$8, $9, &$10, &$11) < 0)
				return -1;
		}
	|	SPDADD TAGGED QUOTEDSTRING policy_spec EOT
		{
			/* FreeBSD's grammar has the statement but no action. */
			free($3.buf);
			free($4.buf);
			return -1;
		}
	;

spdupdate_command
	:	SPDUPDATE ipaddropts STRING prefix portstr STRING prefix
		portstr
		upper_spec upper_misc_spec policy_spec EOT
		{
			if (spd_statement(SADB_X_SPDUPDATE, &$3, $4, &$5, &$6,
			    $7, &$8, $9, &$10, &$11) < 0)
				return -1;
		}
	;

spddelete_command
	:	SPDDELETE ipaddropts STRING prefix portstr STRING prefix
		portstr
		upper_spec upper_misc_spec policy_spec EOT
		{
			if (spd_statement(SADB_X_SPDDELETE, &$3, $4, &$5, &$6,
			    $7, &$8, $9, &$10, &$11) < 0)
				return -1;
		}
	;

spddump_command
	:	SPDDUMP EOT
		{
			msg_short(SADB_X_SPDDUMP, SADB_SATYPE_UNSPEC);
		}
	;

spdflush_command
	:	SPDFLUSH EOT
		{
			msg_short(SADB_X_SPDFLUSH, SADB_SATYPE_UNSPEC);
		}
	;

ipaddropts
	:	%empty
	|	ipaddropts ipaddropt
	;

ipaddropt
	:	F_AIFLAGS
		{
			const char *p;

			for (p = $1.buf + 1; *p != '\0'; p++) {
				switch (*p) {
				case '4':
					sp.ai_family = AF_INET;
					break;
				case '6':
					sp.ai_family = AF_INET6;
					break;
				case 'n':
					sp.ai_flags = AI_NUMERICHOST;
					break;
				default:
					yyerror("invalid flag");
					return -1;
				}
			}
			free($1.buf);
		}
	;

ipaddr
	:	STRING
		{
			$$ = parse_addr($1.buf, NULL);
			free($1.buf);
			if ($$ == NULL)
				return -1;
		}
	;

prefix
	:	%empty
		{
			$$ = -1;
		}
	|	SLASH DECSTRING
		{
			$$ = (int)$2;
		}
	;

portstr
	:	%empty
		{
			$$.buf = strdup("0");
			if ($$.buf == NULL)
				yyfatal("insufficient memory");
			$$.len = 1;
		}
	|	BLCL ANY ELCL
		{
			$$.buf = strdup("0");
			if ($$.buf == NULL)
				yyfatal("insufficient memory");
			$$.len = 1;
		}
	|	BLCL DECSTRING ELCL
		{
			char buf[24];

			snprintf(buf, sizeof(buf), "%lu", $2);
			$$.buf = strdup(buf);
			if ($$.buf == NULL)
				yyfatal("insufficient memory");
			$$.len = strlen(buf);
		}
	|	BLCL STRING ELCL
		{
			$$ = $2;
		}
	;

upper_spec
	:	DECSTRING
		{
			char msg[160];

			/*
			 * The selector's protocol field has 8 bits, where
			 * FreeBSD's setkey silently keeps the low 8 bits.
			 */
			if ($1 > UINT8_MAX) {
				snprintf(msg, sizeof(msg), "invalid upper layer "
				    "protocol %lu, which must be a number from 0 "
				    "to 255, a name from /etc/protocols, or any",
				    $1);
				yyerror(msg);
				return -1;
			}
			$$ = (int)$1;
		}
	|	ANY
		{
			$$ = IPSEC_ULPROTO_ANY;
		}
	|	PR_TCP
		{
			$$ = IPPROTO_TCP;
		}
	|	PR_ESP
		{
			$$ = IPPROTO_ESP;
		}
	|	STRING
		{
			struct protoent *ent;

			ent = getprotobyname($1.buf);
			if (ent != NULL)
				$$ = ent->p_proto;
			else if (strcmp($1.buf, "icmp6") == 0)
				$$ = IPPROTO_ICMPV6;
			else if (strcmp($1.buf, "ip4") == 0)
				$$ = IPPROTO_IPIP;
			else {
				yyerror("invalid upper layer protocol");
				return -1;
			}
			endprotoent();
			free($1.buf);
		}
	;

/* The ICMPv6 type and code after "icmp6": TYPE,CODE or TYPE. */
upper_misc_spec
	:	%empty
		{
			$$.buf = NULL;
			$$.len = 0;
		}
	|	STRING
		{
			$$ = $1;
		}
	|	DECSTRING
		{
			char buf[24];

			snprintf(buf, sizeof(buf), "%lu", $1);
			$$.buf = strdup(buf);
			if ($$.buf == NULL)
				yyfatal("insufficient memory");
			$$.len = strlen(buf);
		}
	;

policy_spec
	:	F_POLICY PL_REQUESTS
		{
			char errbuf[256];
			void *policy;
			size_t len;
			const char *reason;

			if (key_policy_parse($2.buf, &policy, &len, errbuf,
			    sizeof(errbuf)) < 0 && policy_fallback($2.buf,
			    errbuf, &policy, &len) < 0) {
				reason = policy_error(errbuf);
				yyerror(reason);
				return -1;
			}
			free($2.buf);
			$$.buf = policy;
			$$.len = len;
		}
	;

%%

/*
 * Parses statements from fp until its end.  Returns 0, or -1 after
 * printing "parse failed, line N." for a statement that failed.
 */
int
parse(FILE *fp)
{
	int status;

	scanner_reset(fp);
	parse_reset();
	status = yyparse();
	scanner_done();
	parse_reset();		/* wipes the keys of a failed statement */
	if (status != 0) {
		drain_replies();
		printf("parse failed, line %d.\n", lineno);
		return -1;
	}
	return 0;
}

/* Clears the statement parameters, wiping the keys of the last one. */
void
parse_reset(void)
{
	if (sp.key_enc != NULL) {
		key_wipe(sp.key_enc, sp.key_enc_len);
		free(sp.key_enc);
	}
	if (sp.key_auth != NULL) {
		key_wipe(sp.key_auth, sp.key_auth_len);
		free(sp.key_auth);
	}
	if (sp.natt_oai != NULL)
		freeaddrinfo(sp.natt_oai);
	if (sp.natt_oar != NULL)
		freeaddrinfo(sp.natt_oar);
	free(sp.hwif);

	memset(&sp, 0, sizeof(sp));
	sp.ext = SADB_X_EXT_CYCSEQ;
	sp.mode = IPSEC_MODE_ANY;
	sp.ai_family = AF_UNSPEC;
	sp.natt_fraglen = -1;
}

static struct addrinfo *
parse_addr(const char *host, const char *port)
{
	struct addrinfo hints, *res = NULL;
	int error;

	/*
	 * glibc keeps the low 16 bits of a numeric port over 65535, where
	 * FreeBSD's getaddrinfo() fails with EAI_SERVICE; fail the same way.
	 */
	if (port != NULL && port[0] != '\0' &&
	    strspn(port, "0123456789") == strlen(port)) {
		errno = 0;
		if (strtoul(port, NULL, 10) > 65535 || errno == ERANGE) {
			yyerror(gai_strerror(EAI_SERVICE));
			return NULL;
		}
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = sp.ai_family;
	/* One result per address; ports are looked up as UDP services. */
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_protocol = IPPROTO_UDP;
	hints.ai_flags = sp.ai_flags;
	error = getaddrinfo(host, port, &hints, &res);
	if (error != 0) {
		yyerror(gai_strerror(error));
		return NULL;
	}
	return res;
}

/*
 * Splits the ICMPv6 "TYPE,CODE" (or "TYPE") after icmp6 into the source
 * and destination port strings, where the selector carries them.
 */
static int
fix_portstr(const struct vbuf *spec, struct vbuf *sport, struct vbuf *dport)
{
	const char *comma, *code;
	size_t typelen;

	comma = strchr(spec->buf, ',');
	if (comma == NULL) {
		typelen = strlen(spec->buf);
		code = "0";
	} else {
		typelen = (size_t)(comma - spec->buf);
		code = comma + 1;
		if (*code == '\0' || strchr(code, ',') != NULL) {
			yyerror("invalid an upper layer protocol spec");
			return -1;
		}
	}
	sport->buf = strndup(spec->buf, typelen);
	dport->buf = strdup(code);
	if (sport->buf == NULL || dport->buf == NULL)
		yyfatal("insufficient memory");
	sport->len = strlen(sport->buf);
	dport->len = strlen(dport->buf);
	return 0;
}

static int
hexval(int c)
{
	if (isdigit(c))
		return c - '0';
	return tolower(c) - 'a' + 10;
}

/*
 * Converts hex digits to key bytes.  With an odd number of digits the
 * first digit alone makes the first byte, as in FreeBSD.
 */
static int
hexkey(const struct vbuf *hex, struct vbuf *key)
{
	const char *p = hex->buf;
	size_t n = strlen(p);
	uint8_t *out;
	size_t i = 0;

	key->len = n / 2 + n % 2;
	key->buf = calloc(1, key->len + 1);
	if (key->buf == NULL)
		yyfatal("insufficient memory");
	out = (uint8_t *)key->buf;
	if (n % 2 != 0) {
		out[i++] = (uint8_t)hexval((unsigned char)*p);
		p++;
	}
	for (; *p != '\0'; p += 2)
		out[i++] = (uint8_t)(hexval((unsigned char)p[0]) << 4 |
		    hexval((unsigned char)p[1]));
	key_wipe(hex->buf, n);
	free(hex->buf);
	return 0;
}

static void
warn_deprecated(const struct key_alg *alg)
{
	if (alg->flags & KEY_ALGF_DEPRECATED) {
		drain_replies();
		fprintf(stderr, "setkey: line %d: %s is deprecated by "
		    "RFC 8221\n", lineno, alg->name);
	}
}

/*
 * Takes the encryption key of a statement and checks its length against
 * the algorithms keyd supports.  saltlen bytes at the end of the key are
 * salt or nonce, which the supported ranges do not count.
 */
static int
check_enc(const struct key_alg *alg, const struct vbuf *key, size_t saltlen)
{
	const char *reason;
	size_t bits;

	warn_deprecated(alg);
	sp.alg_enc = alg->id;
	sp.key_enc = (uint8_t *)key->buf;
	sp.key_enc_len = key->len;
	if (sp.key_enc == NULL) {
		/* The obsolete "simple" takes no key. */
		sp.key_enc_len = 0;
	}

	/* Like FreeBSD, a key shorter than the salt wraps to a huge size. */
	bits = (key->len - saltlen) * 8;
	if (!keylen_ok(SADB_EXT_SUPPORTED_ENCRYPT, alg->id, bits, &reason)) {
		yyerror(reason);
		return -1;
	}
	return 0;
}

static int
check_auth(const struct key_alg *alg, const struct vbuf *key)
{
	const char *reason;

	warn_deprecated(alg);
	sp.alg_auth = alg->id;
	sp.key_auth = (uint8_t *)key->buf;
	sp.key_auth_len = key->len;

	/* TCP-MD5 keys are 1 to 80 bytes; FreeBSD fails with no message. */
	if (alg->id == SADB_X_AALG_TCP_MD5)
		return (key->len < 1 || key->len > 80) ? -1 : 0;
	if (!keylen_ok(SADB_EXT_SUPPORTED_AUTH, alg->id, key->len * 8,
	    &reason)) {
		yyerror(reason);
		return -1;
	}
	return 0;
}

/*
 * Accepts two policies FreeBSD's libipsec parses but libkey rejects:
 * requests after "none" or "discard", which FreeBSD's kernel ignores, so
 * the policy is built without them; and more than 4 requests, which the
 * kernel rejects with EINVAL, so the statement reports that instead of
 * sending.  Returns 0 with the policy, or -1 for any other error.
 */
static int
policy_fallback(const char *text, const char *errbuf, void **policyp,
    size_t *lenp)
{
	static const char need_ipsec[] =
	    "Invalid security policy (requests need";
	char dir[16], action[16], head[40], ignored[256];

	if (strncmp(errbuf, need_ipsec, sizeof(need_ipsec) - 1) != 0 &&
	    strncmp(errbuf, "Too many requests", 17) != 0)
		return -1;
	if (sscanf(text, "%15s %15s", dir, action) != 2)
		return -1;
	snprintf(head, sizeof(head), "%s %s", dir, action);
	if (strcmp(action, "ipsec") == 0) {
		/* Too many requests: the kernel's answer is known. */
		strcpy(head, dir);
		sp.policy_rejected = true;
	}
	return key_policy_parse(head, policyp, lenp, ignored,
	    sizeof(ignored));
}

/* Resolves the selector of spdadd, spdupdate or spddelete and sends it. */
static int
spd_statement(uint8_t type, struct vbuf *srcname, int splen,
    struct vbuf *sport, struct vbuf *dstname, int dplen, struct vbuf *dport,
    int upper, struct vbuf *icmp6spec, struct vbuf *policy)
{
	struct addrinfo *src, *dst;
	int status;

	if (icmp6spec->buf != NULL) {
		/* TYPE,CODE only follows icmp6; FreeBSD fails silently. */
		if (upper != IPPROTO_ICMPV6)
			return -1;
		free(sport->buf);
		free(dport->buf);
		if (fix_portstr(icmp6spec, sport, dport) < 0)
			return -1;
	}

	src = parse_addr(srcname->buf, sport->buf);
	dst = parse_addr(dstname->buf, dport->buf);
	if (src == NULL || dst == NULL)
		return -1;
	if (src->ai_next != NULL || dst->ai_next != NULL) {
		yyerror("multiple address specified");
		freeaddrinfo(src);
		freeaddrinfo(dst);
		return -1;
	}

	if (sp.policy_rejected) {
		/* FreeBSD's kernel answers more than 4 requests so. */
		if (opts.mode == MODE_SCRIPT && !opts.noaction) {
			drain_replies();
			printf("The result of line %d: Invalid argument.\n",
			    lineno);
		}
		status = 0;
	} else
		status = msg_spdaddr(type, (uint8_t)upper, policy->buf,
		    policy->len, src, splen, dst, dplen);
	freeaddrinfo(src);
	freeaddrinfo(dst);
	free(srcname->buf);
	free(dstname->buf);
	free(sport->buf);
	free(dport->buf);
	free(icmp6spec->buf);
	free(policy->buf);
	return status;
}
