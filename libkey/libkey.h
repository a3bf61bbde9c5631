/*
 * libkey: PF_KEYv2 messages and the connection to keyd.
 *
 * libkey never prints and never exits.  Functions that can fail return -1
 * (or NULL) and set errno; the errno values for malformed messages are the
 * ones FreeBSD's key engine returns for the same fault.
 */

#ifndef LIBKEY_LIBKEY_H
#define LIBKEY_LIBKEY_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pfkeyv2.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest message: sadb_msg_len is 16 bits of 8-byte units. */
#define KEY_MSG_MAXLEN		(0xffffu * 8)

/* Environment variable naming keyd's socket, and its default. */
#define KEY_SOCKET_ENV		"KEYD_SOCKET"
#define KEY_SOCKET_DEFAULT	"@keyd"

/* ---------------------------------------------------------------------
 * Wiping secrets
 */

/* Overwrites len bytes at p with zeros in a way the compiler keeps. */
void	key_wipe(void *p, size_t len);

/* ---------------------------------------------------------------------
 * Socket addresses
 *
 * PF_KEY messages carry BSD sockaddrs (struct key_sockaddr_in and
 * key_sockaddr_in6 in pfkeyv2.h).  These convert from and to Linux's
 * struct sockaddr_in and sockaddr_in6, ports and scope ids included.
 */

/*
 * Writes the BSD form of sa into out.  Returns the number of bytes written
 * (16 or 28), or -1 with errno EAFNOSUPPORT for a family other than
 * AF_INET and AF_INET6, or ENOSPC if cap is too small.
 */
ssize_t	key_sockaddr_to_bsd(const struct sockaddr *sa, void *out, size_t cap);

/*
 * Reads a BSD sockaddr of at most len bytes into out.  Returns 0, or -1
 * with errno EINVAL when the length byte is wrong or exceeds len, or
 * EAFNOSUPPORT for a family other than KEY_AF_INET and KEY_AF_INET6.
 */
int	key_sockaddr_from_bsd(const void *bsd, size_t len,
	    struct sockaddr_storage *out);

/* Returns the BSD sockaddr length for a Linux family: 16, 28, or 0. */
size_t	key_sockaddr_bsdlen(int family);

/* Returns the address length in bits for a Linux family: 32, 128, or 0. */
unsigned int key_sockaddr_bits(int family);

/* ---------------------------------------------------------------------
 * Building messages
 *
 * A struct key_buf grows as extensions are appended.  Each function
 * appends one extension, padded to 8 bytes, and returns 0; on failure it
 * returns -1 with errno set and the buffer records the first error, so a
 * caller may append several extensions and check only key_msg_end().
 * key_buf_free() wipes the buffer, which may hold keys.
 */

struct key_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	int error;		/* first errno seen, 0 if none */
};

void	key_buf_init(struct key_buf *b);
void	key_buf_free(struct key_buf *b);

/* Starts a message: resets b and writes the sadb_msg header. */
int	key_msg_begin(struct key_buf *b, uint8_t type, uint8_t satype,
	    uint32_t seq, uint32_t pid);

/*
 * Sets sadb_msg_len.  Returns 0, or -1 with the first error recorded by
 * any append, or EMSGSIZE when the message exceeds KEY_MSG_MAXLEN.
 */
int	key_msg_end(struct key_buf *b);

/* The spi argument is in host byte order; it is stored in network order. */
int	key_msg_add_sa(struct key_buf *b, uint32_t spi, uint8_t replay,
	    uint8_t state, uint8_t auth, uint8_t encrypt, uint32_t flags);
int	key_msg_add_lifetime(struct key_buf *b, uint16_t exttype,
	    uint32_t allocations, uint64_t bytes, uint64_t addtime,
	    uint64_t usetime);

/*
 * Appends an address extension (SRC, DST, PROXY, NAT_T_OAI, NAT_T_OAR,
 * NEW_ADDRESS_SRC or NEW_ADDRESS_DST) holding the BSD form of sa.
 */
int	key_msg_add_address(struct key_buf *b, uint16_t exttype,
	    uint8_t proto, uint8_t prefixlen, const struct sockaddr *sa);

/* Appends KEY_AUTH or KEY_ENCRYPT; bits is the exact key length. */
int	key_msg_add_key(struct key_buf *b, uint16_t exttype,
	    const void *key, unsigned int bits);
int	key_msg_add_identity(struct key_buf *b, uint16_t exttype,
	    uint16_t type, uint64_t id, const char *text);
int	key_msg_add_sensitivity(struct key_buf *b, uint32_t dpd,
	    uint8_t sens_level, const uint64_t *sens, uint8_t sens_words,
	    uint8_t integ_level, const uint64_t *integ, uint8_t integ_words);
int	key_msg_add_proposal(struct key_buf *b, uint8_t replay,
	    const struct sadb_comb *combs, size_t ncombs);
int	key_msg_add_supported(struct key_buf *b, uint16_t exttype,
	    const struct sadb_alg *algs, size_t nalgs);
int	key_msg_add_spirange(struct key_buf *b, uint32_t min, uint32_t max);
int	key_msg_add_sa2(struct key_buf *b, uint8_t mode, uint32_t sequence,
	    uint32_t reqid);
int	key_msg_add_natt_type(struct key_buf *b, uint8_t type);

/* Appends NAT_T_SPORT or NAT_T_DPORT; port in host byte order. */
int	key_msg_add_natt_port(struct key_buf *b, uint16_t exttype,
	    uint16_t port);
int	key_msg_add_natt_frag(struct key_buf *b, uint16_t fraglen);

/* Appends SA_REPLAY; window counts packets. */
int	key_msg_add_sa_replay(struct key_buf *b, uint32_t window);

/*
 * Appends an X_POLICY extension built with key_policy_begin() and
 * key_policy_add_request() or returned by key_policy_parse(); policy
 * points at its struct sadb_x_policy and len counts its bytes.
 */
int	key_msg_add_policy(struct key_buf *b, const void *policy, size_t len);

/* Appends an extension whose body (after struct sadb_ext) is given. */
int	key_msg_add_raw(struct key_buf *b, uint16_t exttype,
	    const void *body, size_t bodylen);

/* ---------------------------------------------------------------------
 * Parsing and validating messages
 */

struct key_msg {
	const struct sadb_msg *base;
	size_t len;				/* bytes */
	const struct sadb_ext *ext[SADB_EXT_MAX + 1];	/* NULL if absent */
	const char *reason;	/* after a rejection: the rule broken */
};

/*
 * Splits the len bytes at buf into the header and its extensions and
 * applies every structural rule of FreeBSD's key_parse(), key_align()
 * and key_validate_ext(): header length and version, message type,
 * satype against message type, extension lengths in 8-byte units, unknown
 * and duplicate extensions, minimum extension sizes, sockaddr lengths and
 * families, prefix lengths, SRC and DST agreeing in family, length and
 * upper protocol, and the ipsecrequest records of an X_POLICY extension.
 * Returns 0, or -1 with FreeBSD's errno for the rule broken (EINVAL in
 * most cases, EOPNOTSUPP for RSVP, OSPFv2, RIPv2 and MIP satypes,
 * EAFNOSUPPORT for an unknown address family), and a static string
 * naming the rule in out->reason.  out points into buf.
 */
int	key_msg_parse(struct key_msg *out, const void *buf, size_t len);

/*
 * Reads the address extension exttype of m into sa, with its prefix
 * length and upper-layer protocol when those pointers are not NULL.
 * Returns 0, or -1 with ENOENT when the extension is absent.
 */
int	key_msg_address(const struct key_msg *m, uint16_t exttype,
	    struct sockaddr_storage *sa, uint8_t *prefixlen, uint8_t *proto);

/* Returns the key bytes of KEY_AUTH or KEY_ENCRYPT and their bit count. */
const uint8_t *key_msg_key(const struct key_msg *m, uint16_t exttype,
	    unsigned int *bits);

/* Returns a printable name for a message type, extension type or satype. */
const char *key_msg_type_name(uint8_t type);
const char *key_ext_type_name(uint16_t exttype);
const char *key_satype_name(uint8_t satype);

/* Maps an satype to its IP protocol number and back; 0 if none. */
uint8_t	key_satype_to_proto(uint8_t satype);
uint8_t	key_proto_to_satype(uint8_t proto);

/* ---------------------------------------------------------------------
 * Policies
 */

/* One decoded request of an ipsec policy. */
struct key_ipsecrequest {
	uint16_t proto;			/* IPSEC_PROTO_* */
	uint8_t mode;			/* IPSEC_MODE_* */
	uint8_t level;			/* IPSEC_LEVEL_* */
	uint16_t reqid;
	bool has_addrs;
	struct sockaddr_storage src;	/* tunnel endpoints if has_addrs */
	struct sockaddr_storage dst;
};

/* Maximum number of requests in one policy, as FreeBSD's IPSEC_MAXREQ. */
#define KEY_POLICY_MAXREQ	4

/*
 * Starts an X_POLICY extension in b, which must be empty (key_buf_init).
 * The policy is then complete after any key_policy_add_request() calls:
 * b->data points at its struct sadb_x_policy and b->len is its length.
 */
int	key_policy_begin(struct key_buf *b, uint16_t type, uint8_t dir,
	    uint8_t scope, uint32_t id, uint32_t priority);

/* Appends a request; src and dst may both be NULL (transport mode). */
int	key_policy_add_request(struct key_buf *b, uint16_t proto,
	    uint8_t mode, uint8_t level, uint16_t reqid,
	    const struct sockaddr *src, const struct sockaddr *dst);

/*
 * Decodes up to max requests of the policy of len bytes at policy into
 * reqs and stores their number in *nreqs.  Returns 0, or -1 with EINVAL
 * for a malformed record, an unknown protocol, mode or level, a tunnel
 * request without both addresses, or more than max requests.
 */
int	key_policy_requests(const struct sadb_x_policy *policy, size_t len,
	    struct key_ipsecrequest *reqs, size_t max, size_t *nreqs);

/*
 * Parses policy text in the syntax of FreeBSD's ipsec_set_policy(3):
 *	DIR [ACTION [PROTO/MODE/[SRC-DST]/[LEVEL] ...]]
 * such as "out ipsec esp/tunnel/192.168.0.3-192.168.0.5/unique:100".
 * On success, returns 0 and a malloc'd struct sadb_x_policy with its
 * requests in *policyp and its byte length in *lenp.  On failure, returns
 * -1 with errno EINVAL and writes a message naming the offending token to
 * errbuf, such as `Invalid direction (in or out) while parsing "fwd"`.
 */
int	key_policy_parse(const char *text, void **policyp, size_t *lenp,
	    char *errbuf, size_t errlen);

/*
 * Formats a policy as FreeBSD's ipsec_dump_policy(3) does: "DIR ACTION",
 * then for each request the delimiter and "PROTO/MODE/SRC-DST/LEVEL",
 * with ":N" after the level for reqids up to 16383 and "#N" above.  A NULL
 * delimiter means a single space.  Returns a malloc'd string, or NULL with
 * errno EINVAL for a malformed policy or ENOMEM.
 */
char	*key_policy_format(const struct sadb_x_policy *policy, size_t len,
	    const char *delimiter);

/* ---------------------------------------------------------------------
 * Algorithms
 */

enum key_alg_kind {
	KEY_ALG_ENC = 1,
	KEY_ALG_AUTH,
	KEY_ALG_COMP
};

/* Flags of struct key_alg. */
#define KEY_ALGF_AEAD		0x01	/* combined mode; no -A allowed */
#define KEY_ALGF_DEPRECATED	0x02	/* removed by RFC 8221 and FreeBSD 13 */
#define KEY_ALGF_NOKEY		0x04	/* takes no key (-A null, -C) */
#define KEY_ALGF_AESKEY		0x08	/* key of exactly 128, 192 or 256 bits */
#define KEY_ALGF_ADVERTISED	0x10	/* listed in SADB_REGISTER replies */

struct key_alg {
	const char *name;		/* name setkey accepts */
	const char *print_name;		/* name setkey -D prints */
	enum key_alg_kind kind;
	uint8_t id;			/* SADB_*ALG_* id */
	uint16_t minbits;		/* key bits, salt excluded */
	uint16_t maxbits;
	uint8_t saltlen;		/* bytes of salt or nonce after the key */
	uint8_t ivlen;			/* explicit IV bytes on the wire */
	uint8_t blocklen;		/* ESP padding block, at least 4 */
	uint8_t icvlen;			/* ICV bytes on the wire */
	unsigned int flags;		/* KEY_ALGF_* */
};

/*
 * Looks up an algorithm by a name setkey accepts, aliases included
 * (rijndael-cbc, hmac-sha256, ...).  Returns NULL if there is none.
 */
const struct key_alg *key_alg_byname(enum key_alg_kind kind,
	    const char *name);
const struct key_alg *key_alg_byid(enum key_alg_kind kind, uint8_t id);

/* Returns the table of canonical entries and stores its size in *count. */
const struct key_alg *key_alg_table(size_t *count);

/*
 * Returns true if a key of keybits bits (salt included) suits alg: the
 * salt is removed, then the rest must lie within minbits and maxbits and
 * be 128, 192 or 256 for KEY_ALGF_AESKEY algorithms.
 */
bool	key_alg_keybits_ok(const struct key_alg *alg, unsigned int keybits);

/* ---------------------------------------------------------------------
 * The connection to keyd
 *
 * keyd listens on a SOCK_SEQPACKET Unix socket, so each send and receive
 * carries exactly one message.  A name starting with '@' is an abstract
 * socket, which Linux scopes to the network namespace; any other name is
 * a filesystem path.
 */

/* Returns the name key_open() uses: $KEYD_SOCKET or "@keyd". */
const char *key_socket_name(void);

/* Connects to keyd.  Returns a descriptor, or -1 with errno set. */
int	key_open(void);
int	key_open_name(const char *name);

/* Sends one message.  Returns len, or -1 with errno set. */
ssize_t	key_send(int fd, const void *msg, size_t len);

/*
 * Receives one message into buf.  timeout_ms < 0 waits forever.  Returns
 * its length, or -1 with errno ETIMEDOUT, EMSGSIZE (message longer than
 * cap; it is discarded), ECONNRESET (keyd closed the connection) or the
 * error of recv(2).
 */
ssize_t	key_recv(int fd, void *buf, size_t cap, int timeout_ms);

/*
 * Receives one message into a malloc'd buffer of exactly its size.
 * Returns the buffer and stores the length in *lenp, or NULL with errno
 * set as for key_recv().  The caller wipes and frees the buffer.
 */
void	*key_recv_alloc(int fd, size_t *lenp, int timeout_ms);

/*
 * Sends msg and waits for the reply that carries the same message type,
 * sequence number and pid, skipping other messages (broadcasts from other
 * clients).  Returns the malloc'd reply as key_recv_alloc() does; a reply
 * with sadb_msg_errno set is still returned.  Dump records count their
 * sequence numbers down to 0, so read those with key_recv_alloc().
 */
void	*key_request(int fd, const void *msg, size_t len, size_t *lenp,
	    int timeout_ms);

int	key_close(int fd);

#ifdef __cplusplus
}
#endif

#endif /* LIBKEY_LIBKEY_H */
