/*
 * setkey: FreeBSD's setkey(8) on top of libkey and keyd.
 *
 * main and the options live in setkey.c, the statements in parse.y and
 * token.l, the PF_KEY messages the statements build in msg.c, and the
 * output formats in dump.c and debug.c.
 */

#ifndef SETKEY_SETKEY_H
#define SETKEY_SETKEY_H

#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libkey.h"

/* The operation selected on the command line. */
enum setkey_mode {
	MODE_NONE = 0,
	MODE_SCRIPT,
	MODE_CMDDUMP,
	MODE_CMDFLUSH,
	MODE_PROMISC
};

/* Command-line flags shared by the modules. */
struct setkey_opts {
	enum setkey_mode mode;
	bool all;		/* -a: show dead SAs too */
	bool forever;		/* -l: dump every second */
	bool hexdump;		/* -h: hex dump of every message */
	bool policy;		/* -P: -D and -F act on the SPD */
	bool verbose;		/* -v: print every message */
	bool noaction;		/* -n: parse and check, send nothing */
	int tflag;		/* -x count: timestamp style */
	uint8_t scope;		/* -g, -t: SPDDUMP scope mask */
};

extern struct setkey_opts opts;

/* A bounded byte string from the scanner: hex digits, a key, a name. */
struct vbuf {
	char *buf;
	size_t len;
};

/*
 * The parameters of the statement being parsed.  The grammar fills them
 * in and msg.c turns them into messages; parse_reset() clears them and
 * wipes the keys.
 */
struct sa_params {
	uint32_t spi;
	uint32_t ext;			/* sadb_sa_flags */
	uint8_t alg_enc;
	uint8_t alg_auth;
	uint32_t replay;		/* -r, in bytes */
	uint8_t mode;
	uint32_t reqid;
	uint8_t *key_enc;
	size_t key_enc_len;
	uint8_t *key_auth;
	size_t key_auth_len;
	uint64_t lt_hard, lt_soft;	/* -lh, -ls: seconds */
	uint64_t lb_hard, lb_soft;	/* -bh, -bs: bytes */
	int ai_flags;			/* -n */
	int ai_family;			/* -4, -6 */
	uint8_t natt_type;
	struct addrinfo *natt_oai, *natt_oar;
	uint16_t natt_sport, natt_dport;
	long natt_fraglen;		/* -1 when -natt_mtu is absent */
	char *hwif;
	bool policy_rejected;		/* keyd would reject the policy */
};

extern struct sa_params sp;

/* token.l */
extern int lineno;
extern char *yytext;
int	yylex(void);
void	yyerror(const char *);
void	yyfatal(const char *) __attribute__((__noreturn__));
void	scanner_reset(FILE *);
void	scanner_done(void);

/* parse.y */
int	yyparse(void);
int	parse(FILE *);
void	parse_reset(void);

/* setkey.c */
int	sendkeymsg(const void *, size_t);
void	drain_replies(void);
bool	keylen_ok(uint16_t exttype, uint8_t alg, size_t bits,
	    const char **reason);

/* msg.c */
int	msg_add(uint8_t type, uint8_t satype, const struct addrinfo *srcs,
	    const struct addrinfo *dsts);
int	msg_addr(uint8_t type, uint8_t satype, const struct addrinfo *srcs,
	    const struct addrinfo *dsts, bool no_spi);
int	msg_spdaddr(uint8_t type, uint8_t upper, const void *policy,
	    size_t policylen, const struct addrinfo *src, int splen,
	    const struct addrinfo *dst, int dplen);
int	msg_short(uint8_t type, uint8_t satype);
void	warn_msg(const struct key_buf *);
const char *policy_error(const char *);

/* dump.c */
void	pfkey_sadump(const struct sadb_msg *);
void	pfkey_spdump(const struct sadb_msg *);
void	shortdump_hdr(void);
void	shortdump(const struct sadb_msg *);
void	hexdump_msg(const void *, size_t);

/* debug.c */
void	kdebug_sadb(const struct sadb_msg *);

#endif /* SETKEY_SETKEY_H */
