/*
 * PF_KEYv2 wire format (RFC 2367) with the KAME and FreeBSD extensions,
 * using FreeBSD 14's numbering, so that a message built here has the same
 * bytes as one built on FreeBSD.
 *
 * Every length field counts 8-byte units, except sadb_x_ipsecrequest_len,
 * which counts bytes.  SPIs and NAT-T ports are in network byte order;
 * every other multi-byte field is in host byte order.
 *
 * The struct and constant names are FreeBSD's.  Do not include this header
 * together with <linux/pfkeyv2.h> or <linux/ipsec.h>, which define the
 * same names with partly different values.
 */

#ifndef LIBKEY_PFKEYV2_H
#define LIBKEY_PFKEYV2_H

#include <stdint.h>

#define PF_KEY_V2		2
#define PFKEYV2_REVISION	199806L

/* Message types (sadb_msg_type). */
#define SADB_RESERVED		0
#define SADB_GETSPI		1
#define SADB_UPDATE		2
#define SADB_ADD		3
#define SADB_DELETE		4
#define SADB_GET		5
#define SADB_ACQUIRE		6
#define SADB_REGISTER		7
#define SADB_EXPIRE		8
#define SADB_FLUSH		9
#define SADB_DUMP		10
#define SADB_X_PROMISC		11
#define SADB_X_PCHANGE		12
#define SADB_X_SPDUPDATE	13
#define SADB_X_SPDADD		14
#define SADB_X_SPDDELETE	15
#define SADB_X_SPDGET		16
#define SADB_X_SPDACQUIRE	17
#define SADB_X_SPDDUMP		18
#define SADB_X_SPDFLUSH		19
#define SADB_X_SPDSETIDX	20
#define SADB_X_SPDEXPIRE	21
#define SADB_X_SPDDELETE2	22
#define SADB_MAX		22

/*
 * Private message types for ipsecN interface requests between ifipsecctl
 * and keyd.  They use the PF_KEY framing but lie far above SADB_MAX, so no
 * FreeBSD message can be mistaken for one.  Every request carries an
 * SADB_X_EXT_IF naming the interface, satype 0 and the sender's pid.  keyd
 * replies to the sender alone, with an error header (sadb_msg_errno set)
 * or with the request's type, sequence number and pid and the interface
 * as it now is: SADB_X_EXT_IF, the tunnel endpoints if set, and the
 * capture file if any.
 *
 *	CREATE		reqid 0 or a reqid no other interface has (EEXIST);
 *			an empty name or "ipsec" picks the lowest free unit
 *	DESTROY		ENXIO for an unknown interface, as in every request
 *	SETTUNNEL	ADDRESS_SRC (local) and ADDRESS_DST (remote): one
 *			family (EINVAL), not unspecified (EADDRNOTAVAIL)
 *	DELTUNNEL	removes the endpoints and policies, keeps the reqid
 *	SETREQID	0 assigns an automatic reqid unless there is one;
 *			EEXIST as for CREATE
 *	GET		the interface
 *	DUMP		one reply per interface, sequence counting down to
 *			0; ENOENT when there is none
 *	STATS		counters of one interface, or with SADB_X_IF_F_ALL
 *			of all of them and of every ESP SA, in replies with
 *			sequence counting down to 0
 *	CAPTURE		SADB_X_IF_F_CAPTURE and an absolute path in
 *			SADB_X_EXT_IF_PATH start a capture, no flag stops
 *			it; SADB_X_IF_F_ALL means every interface
 */
#define SADB_X_IF_CREATE	240
#define SADB_X_IF_DESTROY	241
#define SADB_X_IF_SETTUNNEL	242
#define SADB_X_IF_DELTUNNEL	243
#define SADB_X_IF_SETREQID	244
#define SADB_X_IF_GET		245
#define SADB_X_IF_DUMP		246
#define SADB_X_IF_STATS		247
#define SADB_X_IF_CAPTURE	248

/* Base message header: 16 bytes. */
struct sadb_msg {
	uint8_t sadb_msg_version;	/* PF_KEY_V2 */
	uint8_t sadb_msg_type;		/* SADB_* message type */
	uint8_t sadb_msg_errno;		/* Linux errno in replies, else 0 */
	uint8_t sadb_msg_satype;	/* SADB_SATYPE_*; scope mask in SPDDUMP */
	uint16_t sadb_msg_len;		/* whole message, 8-byte units */
	uint16_t sadb_msg_reserved;	/* reference count in keyd's replies */
	uint32_t sadb_msg_seq;		/* echoed; counts down to 0 in dumps */
	uint32_t sadb_msg_pid;		/* pid of the requesting process */
};

/* Header common to every extension. */
struct sadb_ext {
	uint16_t sadb_ext_len;		/* 8-byte units, header included */
	uint16_t sadb_ext_type;		/* SADB_EXT_* */
};

/* SADB_EXT_SA: 16 bytes. */
struct sadb_sa {
	uint16_t sadb_sa_len;
	uint16_t sadb_sa_exttype;
	uint32_t sadb_sa_spi;		/* network byte order */
	uint8_t sadb_sa_replay;		/* replay window in bytes, max 255 */
	uint8_t sadb_sa_state;		/* SADB_SASTATE_* */
	uint8_t sadb_sa_auth;		/* SADB_AALG_* */
	uint8_t sadb_sa_encrypt;	/* SADB_EALG_* or SADB_X_CALG_* */
	uint32_t sadb_sa_flags;		/* SADB_X_EXT_* flags, within 0xfff */
};

/* SADB_EXT_LIFETIME_CURRENT, _HARD, _SOFT: 32 bytes. */
struct sadb_lifetime {
	uint16_t sadb_lifetime_len;
	uint16_t sadb_lifetime_exttype;
	uint32_t sadb_lifetime_allocations;
	uint64_t sadb_lifetime_bytes;
	uint64_t sadb_lifetime_addtime;	/* seconds; a time of day in CURRENT */
	uint64_t sadb_lifetime_usetime;	/* seconds; first use in CURRENT */
};

/*
 * SADB_EXT_ADDRESS_*: 8 bytes, followed by a BSD sockaddr (struct
 * key_sockaddr_in or key_sockaddr_in6) padded to a multiple of 8 bytes.
 */
struct sadb_address {
	uint16_t sadb_address_len;
	uint16_t sadb_address_exttype;
	uint8_t sadb_address_proto;	/* upper-layer protocol, 255 = any */
	uint8_t sadb_address_prefixlen;
	uint16_t sadb_address_reserved;
};

/* SADB_EXT_KEY_AUTH, _ENCRYPT: 8 bytes, then the key padded to 8. */
struct sadb_key {
	uint16_t sadb_key_len;
	uint16_t sadb_key_exttype;
	uint16_t sadb_key_bits;		/* exact key length in bits */
	uint16_t sadb_key_reserved;
};

/* SADB_EXT_IDENTITY_SRC, _DST: 16 bytes, then a NUL-padded string. */
struct sadb_ident {
	uint16_t sadb_ident_len;
	uint16_t sadb_ident_exttype;
	uint16_t sadb_ident_type;	/* SADB_IDENTTYPE_* */
	uint16_t sadb_ident_reserved;
	uint64_t sadb_ident_id;
};

/* SADB_EXT_SENSITIVITY: 16 bytes, then the level bitmaps. */
struct sadb_sens {
	uint16_t sadb_sens_len;
	uint16_t sadb_sens_exttype;
	uint32_t sadb_sens_dpd;
	uint8_t sadb_sens_sens_level;
	uint8_t sadb_sens_sens_len;	/* 64-bit words */
	uint8_t sadb_sens_integ_level;
	uint8_t sadb_sens_integ_len;	/* 64-bit words */
	uint32_t sadb_sens_reserved;
};

/* SADB_EXT_PROPOSAL: 8 bytes, then struct sadb_comb records. */
struct sadb_prop {
	uint16_t sadb_prop_len;
	uint16_t sadb_prop_exttype;
	uint8_t sadb_prop_replay;
	uint8_t sadb_prop_reserved[3];
};

/* One algorithm combination of a proposal: 72 bytes. */
struct sadb_comb {
	uint8_t sadb_comb_auth;
	uint8_t sadb_comb_encrypt;
	uint16_t sadb_comb_flags;
	uint16_t sadb_comb_auth_minbits;
	uint16_t sadb_comb_auth_maxbits;
	uint16_t sadb_comb_encrypt_minbits;
	uint16_t sadb_comb_encrypt_maxbits;
	uint32_t sadb_comb_reserved;
	uint32_t sadb_comb_soft_allocations;
	uint32_t sadb_comb_hard_allocations;
	uint64_t sadb_comb_soft_bytes;
	uint64_t sadb_comb_hard_bytes;
	uint64_t sadb_comb_soft_addtime;
	uint64_t sadb_comb_hard_addtime;
	uint64_t sadb_comb_soft_usetime;
	uint64_t sadb_comb_hard_usetime;
};

/* SADB_EXT_SUPPORTED_AUTH, _ENCRYPT: 8 bytes, then struct sadb_alg. */
struct sadb_supported {
	uint16_t sadb_supported_len;
	uint16_t sadb_supported_exttype;
	uint32_t sadb_supported_reserved;
};

/* One supported algorithm: 8 bytes. */
struct sadb_alg {
	uint8_t sadb_alg_id;
	uint8_t sadb_alg_ivlen;		/* bytes */
	uint16_t sadb_alg_minbits;	/* key bits, salt excluded */
	uint16_t sadb_alg_maxbits;
	uint16_t sadb_alg_reserved;
};

/* SADB_EXT_SPIRANGE: 16 bytes; bounds in host byte order. */
struct sadb_spirange {
	uint16_t sadb_spirange_len;
	uint16_t sadb_spirange_exttype;
	uint32_t sadb_spirange_min;
	uint32_t sadb_spirange_max;
	uint32_t sadb_spirange_reserved;
};

/* SADB_X_EXT_KMPRIVATE: 8 bytes; keyd rejects it as FreeBSD does. */
struct sadb_x_kmprivate {
	uint16_t sadb_x_kmprivate_len;
	uint16_t sadb_x_kmprivate_exttype;
	uint32_t sadb_x_kmprivate_reserved;
};

/* SADB_X_EXT_SA2: 16 bytes. */
struct sadb_x_sa2 {
	uint16_t sadb_x_sa2_len;
	uint16_t sadb_x_sa2_exttype;
	uint8_t sadb_x_sa2_mode;	/* IPSEC_MODE_* */
	uint8_t sadb_x_sa2_reserved1;
	uint16_t sadb_x_sa2_reserved2;
	uint32_t sadb_x_sa2_sequence;	/* low 32 bits of the sequence counter */
	uint32_t sadb_x_sa2_reqid;
};

/*
 * SADB_X_EXT_POLICY: 16 bytes, followed for IPSEC_POLICY_IPSEC by one or
 * more struct sadb_x_ipsecrequest records.
 */
struct sadb_x_policy {
	uint16_t sadb_x_policy_len;	/* header and requests, 8-byte units */
	uint16_t sadb_x_policy_exttype;
	uint16_t sadb_x_policy_type;	/* IPSEC_POLICY_* */
	uint8_t sadb_x_policy_dir;	/* IPSEC_DIR_* */
	uint8_t sadb_x_policy_scope;	/* IPSEC_POLICYSCOPE_* */
	uint32_t sadb_x_policy_id;
	uint32_t sadb_x_policy_priority; /* interface index for ifnet scope */
};

/*
 * One request of an ipsec policy: 8 bytes, then the tunnel source and
 * destination BSD sockaddrs back to back, the whole record padded to a
 * multiple of 8.  A transport request may carry no addresses.
 */
struct sadb_x_ipsecrequest {
	uint16_t sadb_x_ipsecrequest_len;	/* bytes, not 8-byte units */
	uint16_t sadb_x_ipsecrequest_proto;	/* IPPROTO_ESP, _AH, _IPCOMP */
	uint8_t sadb_x_ipsecrequest_mode;	/* IPSEC_MODE_* */
	uint8_t sadb_x_ipsecrequest_level;	/* IPSEC_LEVEL_* */
	uint16_t sadb_x_ipsecrequest_reqid;
};

/* SADB_X_EXT_NAT_T_TYPE: 8 bytes. */
struct sadb_x_nat_t_type {
	uint16_t sadb_x_nat_t_type_len;
	uint16_t sadb_x_nat_t_type_exttype;
	uint8_t sadb_x_nat_t_type_type;	/* UDP_ENCAP_ESPINUDP = 2 */
	uint8_t sadb_x_nat_t_type_reserved[3];
};

/* SADB_X_EXT_NAT_T_SPORT, _DPORT: 8 bytes. */
struct sadb_x_nat_t_port {
	uint16_t sadb_x_nat_t_port_len;
	uint16_t sadb_x_nat_t_port_exttype;
	uint16_t sadb_x_nat_t_port_port;	/* network byte order */
	uint16_t sadb_x_nat_t_port_reserved;
};

/* SADB_X_EXT_NAT_T_FRAG: 8 bytes. */
struct sadb_x_nat_t_frag {
	uint16_t sadb_x_nat_t_frag_len;
	uint16_t sadb_x_nat_t_frag_exttype;
	uint16_t sadb_x_nat_t_frag_fraglen;
	uint16_t sadb_x_nat_t_frag_reserved;
};

/* SADB_X_EXT_SA_REPLAY: 8 bytes; for windows over 255 bytes. */
struct sadb_x_sa_replay {
	uint16_t sadb_x_sa_replay_len;
	uint16_t sadb_x_sa_replay_exttype;
	uint32_t sadb_x_sa_replay_replay;	/* window in packets */
};

/* Extension types (sadb_ext_type). */
#define SADB_EXT_RESERVED		0
#define SADB_EXT_SA			1
#define SADB_EXT_LIFETIME_CURRENT	2
#define SADB_EXT_LIFETIME_HARD		3
#define SADB_EXT_LIFETIME_SOFT		4
#define SADB_EXT_ADDRESS_SRC		5
#define SADB_EXT_ADDRESS_DST		6
#define SADB_EXT_ADDRESS_PROXY		7
#define SADB_EXT_KEY_AUTH		8
#define SADB_EXT_KEY_ENCRYPT		9
#define SADB_EXT_IDENTITY_SRC		10
#define SADB_EXT_IDENTITY_DST		11
#define SADB_EXT_SENSITIVITY		12
#define SADB_EXT_PROPOSAL		13
#define SADB_EXT_SUPPORTED_AUTH		14
#define SADB_EXT_SUPPORTED_ENCRYPT	15
#define SADB_EXT_SPIRANGE		16
#define SADB_X_EXT_KMPRIVATE		17
#define SADB_X_EXT_POLICY		18
#define SADB_X_EXT_SA2			19
#define SADB_X_EXT_NAT_T_TYPE		20
#define SADB_X_EXT_NAT_T_SPORT		21
#define SADB_X_EXT_NAT_T_DPORT		22
#define SADB_X_EXT_NAT_T_OAI		23
#define SADB_X_EXT_NAT_T_OAR		24
#define SADB_X_EXT_NAT_T_FRAG		25
#define SADB_X_EXT_SA_REPLAY		26
#define SADB_X_EXT_NEW_ADDRESS_SRC	27
#define SADB_X_EXT_NEW_ADDRESS_DST	28
#define SADB_EXT_MAX			28

/*
 * Private extensions, valid only in the SADB_X_IF_* messages.  They lie
 * above SADB_EXT_MAX, so key_msg_parse() checks their size but does not
 * index them in struct key_msg; readers walk the message to find them.
 *
 *	SADB_X_EXT_IF		struct sadb_x_if: the interface a request
 *				names, and its state in replies
 *	SADB_X_EXT_IF_STATS	struct sadb_x_if_stats and its counters
 *	SADB_X_EXT_IF_PATH	a NUL-terminated path after struct sadb_ext,
 *				padded to 8 bytes (capture files)
 *
 * Tunnel endpoints travel in SADB_EXT_ADDRESS_SRC (local) and
 * SADB_EXT_ADDRESS_DST (remote); SA counters name their SA with
 * SADB_EXT_SA, SADB_X_EXT_SA2 and the two address extensions.
 */
#define SADB_X_EXT_IF			240
#define SADB_X_EXT_IF_STATS		241
#define SADB_X_EXT_IF_PATH		242
#define SADB_X_EXT_IF_FIRST		SADB_X_EXT_IF
#define SADB_X_EXT_IF_LAST		SADB_X_EXT_IF_PATH

/* SA states (sadb_sa_state). */
#define SADB_SASTATE_LARVAL	0
#define SADB_SASTATE_MATURE	1
#define SADB_SASTATE_DYING	2
#define SADB_SASTATE_DEAD	3
#define SADB_SASTATE_MAX	3

/* SA types (sadb_msg_satype). */
#define SADB_SATYPE_UNSPEC		0
#define SADB_SATYPE_AH			2
#define SADB_SATYPE_ESP			3
#define SADB_SATYPE_RSVP		5
#define SADB_SATYPE_OSPFV2		6
#define SADB_SATYPE_RIPV2		7
#define SADB_SATYPE_MIP			8
#define SADB_X_SATYPE_IPCOMP		9
#define SADB_X_SATYPE_TCPSIGNATURE	11
#define SADB_SATYPE_MAX			12

/* Authentication algorithm ids (sadb_sa_auth). */
#define SADB_AALG_NONE			0
#define SADB_AALG_MD5HMAC		2
#define SADB_AALG_SHA1HMAC		3
#define SADB_X_AALG_SHA2_256		5
#define SADB_X_AALG_SHA2_384		6
#define SADB_X_AALG_SHA2_512		7
#define SADB_X_AALG_RIPEMD160HMAC	8
#define SADB_X_AALG_AES_XCBC_MAC	9
#define SADB_X_AALG_AES128GMAC		11
#define SADB_X_AALG_AES192GMAC		12
#define SADB_X_AALG_AES256GMAC		13
#define SADB_X_AALG_CHACHA20POLY1305	14
#define SADB_X_AALG_MD5			249
#define SADB_X_AALG_SHA			250
#define SADB_X_AALG_NULL		251
#define SADB_X_AALG_TCP_MD5		252
#define SADB_AALG_MAX			252

/* Encryption algorithm ids (sadb_sa_encrypt). */
#define SADB_EALG_NONE			0
#define SADB_EALG_DESCBC		2
#define SADB_EALG_3DESCBC		3
#define SADB_X_EALG_CAST128CBC		6
#define SADB_X_EALG_BLOWFISHCBC		7
#define SADB_EALG_NULL			11
#define SADB_X_EALG_RIJNDAELCBC		12
#define SADB_X_EALG_AES			12
#define SADB_X_EALG_AESCBC		12
#define SADB_X_EALG_AESCTR		13
#define SADB_X_EALG_CHACHA20POLY1305	15
#define SADB_X_EALG_AESGCM8		18
#define SADB_X_EALG_AESGCM12		19
#define SADB_X_EALG_AESGCM16		20
#define SADB_X_EALG_CAMELLIACBC		22
#define SADB_X_EALG_AESGMAC		23
#define SADB_EALG_MAX			23

/* Compression algorithm ids (sadb_sa_encrypt of IPComp SAs). */
#define SADB_X_CALG_NONE	0
#define SADB_X_CALG_OUI		1
#define SADB_X_CALG_DEFLATE	2
#define SADB_X_CALG_LZS		3
#define SADB_X_CALG_MAX		4

/* Identity types (sadb_ident_type). */
#define SADB_IDENTTYPE_RESERVED	0
#define SADB_IDENTTYPE_PREFIX	1
#define SADB_IDENTTYPE_FQDN	2
#define SADB_IDENTTYPE_USERFQDN	3
#define SADB_X_IDENTTYPE_ADDR	4
#define SADB_IDENTTYPE_MAX	4

/* SA flags (sadb_sa_flags). */
#define SADB_X_EXT_NONE		0x0000
#define SADB_X_EXT_OLD		0x0001	/* esp-old, ah-old */
#define SADB_X_EXT_IV4B		0x0010
#define SADB_X_EXT_DERIV	0x0020
#define SADB_X_EXT_CYCSEQ	0x0040	/* sequence number may cycle */
#define SADB_X_EXT_PSEQ		0x0000	/* padding 1, 2, 3, ... */
#define SADB_X_EXT_PRAND	0x0100	/* random padding */
#define SADB_X_EXT_PZERO	0x0200	/* zero padding */
#define SADB_X_EXT_PMASK	0x0300
#define SADB_X_EXT_RAWCPI	0x0080	/* IPComp CPI given as on the wire */
#define SADB_X_SAFLAGS_ESN	0x0400	/* extended sequence numbers */
#define SADB_X_EXT_FLAGMASK	0x0fff

/* NAT-T encapsulation type (sadb_x_nat_t_type_type). */
#define UDP_ENCAP_ESPINUDP	2

/* Modes (sadb_x_sa2_mode, sadb_x_ipsecrequest_mode). */
#define IPSEC_MODE_ANY		0
#define IPSEC_MODE_TRANSPORT	1
#define IPSEC_MODE_TUNNEL	2
#define IPSEC_MODE_TCPMD5	3

/* Policy directions (sadb_x_policy_dir). */
#define IPSEC_DIR_ANY		0
#define IPSEC_DIR_INBOUND	1
#define IPSEC_DIR_OUTBOUND	2
#define IPSEC_DIR_MAX		3
#define IPSEC_DIR_INVALID	4

/* Policy types (sadb_x_policy_type). */
#define IPSEC_POLICY_DISCARD	0
#define IPSEC_POLICY_NONE	1
#define IPSEC_POLICY_IPSEC	2
#define IPSEC_POLICY_ENTRUST	3
#define IPSEC_POLICY_BYPASS	4

/* Policy scopes (sadb_x_policy_scope; also SPDDUMP's scope mask). */
#define IPSEC_POLICYSCOPE_ANY		0
#define IPSEC_POLICYSCOPE_GLOBAL	1
#define IPSEC_POLICYSCOPE_IFNET		2
#define IPSEC_POLICYSCOPE_PCB		4

/* Request levels (sadb_x_ipsecrequest_level). */
#define IPSEC_LEVEL_DEFAULT	0
#define IPSEC_LEVEL_USE		1
#define IPSEC_LEVEL_REQUIRE	2
#define IPSEC_LEVEL_UNIQUE	3

/* Reqids 1 to 16383 are set by hand; larger ones are assigned by keyd. */
#define IPSEC_MANUAL_REQID_MAX	0x3fff
#define IPSEC_AUTO_REQID_FIRST	16385

/* Upper-layer protocol "any" in address extensions. */
#define IPSEC_ULPROTO_ANY	255
#define IPSEC_PORT_ANY		0

/* Protocol numbers of the SA protocols, for policy requests. */
#define IPSEC_PROTO_ESP		50
#define IPSEC_PROTO_AH		51
#define IPSEC_PROTO_IPCOMP	108

/*
 * BSD socket addresses as PF_KEY carries them: a length byte, then the
 * family in FreeBSD's numbering.  Linux's struct sockaddr has no length
 * byte and numbers AF_INET6 10, so libkey converts at the boundary.
 */
#define KEY_AF_INET		2
#define KEY_AF_INET6		28

struct key_sockaddr {
	uint8_t ksa_len;
	uint8_t ksa_family;
	uint8_t ksa_data[14];
};

struct key_sockaddr_in {		/* 16 bytes */
	uint8_t ksin_len;		/* 16 */
	uint8_t ksin_family;		/* KEY_AF_INET */
	uint16_t ksin_port;		/* network byte order */
	uint8_t ksin_addr[4];
	uint8_t ksin_zero[8];
};

struct key_sockaddr_in6 {		/* 28 bytes */
	uint8_t ksin6_len;		/* 28 */
	uint8_t ksin6_family;		/* KEY_AF_INET6 */
	uint16_t ksin6_port;		/* network byte order */
	uint32_t ksin6_flowinfo;
	uint8_t ksin6_addr[16];
	uint32_t ksin6_scope_id;
};

/* An ipsecN interface in SADB_X_IF_* messages: 40 bytes. */
struct sadb_x_if {
	uint16_t sadb_x_if_len;
	uint16_t sadb_x_if_exttype;	/* SADB_X_EXT_IF */
	uint32_t sadb_x_if_reqid;	/* 0: none yet, or assign one */
	char sadb_x_if_name[16];	/* NUL-terminated; see SADB_X_IF_CREATE */
	uint32_t sadb_x_if_index;	/* Linux interface index, in replies */
	uint32_t sadb_x_if_flags;	/* SADB_X_IF_F_* */
	uint32_t sadb_x_if_mtu;		/* in replies */
	uint32_t sadb_x_if_reserved;
};

/* sadb_x_if_flags. */
#define SADB_X_IF_F_TUNNEL	0x0001	/* tunnel endpoints are set */
#define SADB_X_IF_F_UP		0x0002	/* the interface is up */
#define SADB_X_IF_F_CAPTURE	0x0004	/* capture on (CAPTURE: start it) */
#define SADB_X_IF_F_ALL		0x0008	/* request for every interface */

/*
 * Counters of an interface or an SA: sadb_x_if_stats_count 64-bit
 * counters follow the header, indexed by SADB_X_IF_STAT_*.  Readers
 * ignore counters beyond the ones they know.
 */
struct sadb_x_if_stats {
	uint16_t sadb_x_if_stats_len;
	uint16_t sadb_x_if_stats_exttype;	/* SADB_X_EXT_IF_STATS */
	uint32_t sadb_x_if_stats_count;
};

#define SADB_X_IF_STAT_OPACKETS		0	/* packets encrypted and sent */
#define SADB_X_IF_STAT_OBYTES		1
#define SADB_X_IF_STAT_IPACKETS		2	/* packets decrypted */
#define SADB_X_IF_STAT_IBYTES		3
#define SADB_X_IF_STAT_DROP_NOTIP	4	/* frame neither IPv4 nor IPv6 */
#define SADB_X_IF_STAT_DROP_NOTUNNEL	5	/* no tunnel endpoints set */
#define SADB_X_IF_STAT_DROP_NOSA	6	/* no SA: ACQUIRE sent */
#define SADB_X_IF_STAT_DROP_SEQ		7	/* sequence numbers used up */
#define SADB_X_IF_STAT_DROP_ENCRYPT	8	/* encryption failed */
#define SADB_X_IF_STAT_DROP_SEND	9	/* sending the ESP packet failed */
#define SADB_X_IF_STAT_DROP_MALFORMED	10	/* bad IP or ESP header, length */
#define SADB_X_IF_STAT_DROP_NOSPI	11	/* no SA has the SPI */
#define SADB_X_IF_STAT_DROP_SAMISMATCH	12	/* SA state, proto or address */
#define SADB_X_IF_STAT_DROP_REPLAY	13	/* replayed or too old */
#define SADB_X_IF_STAT_DROP_ICV		14	/* ICV or AEAD tag mismatch */
#define SADB_X_IF_STAT_DROP_PADDING	15	/* pad bytes or pad length */
#define SADB_X_IF_STAT_DROP_DECRYPT	16	/* other decryption failure */
#define SADB_X_IF_STAT_DROP_INNER	17	/* next header or inner packet */
#define SADB_X_IF_STAT_DROP_NOIF	18	/* no longer counted, see HOST */
#define SADB_X_IF_STAT_DROP_WRITE	19	/* writing to the TAP failed */
#define SADB_X_IF_STAT_DUMMY		20	/* dummy packets (next header 59) */
#define SADB_X_IF_STAT_HOST		21	/* no interface: to the host stack */
#define SADB_X_IF_STAT_DROP_LOOP	22	/* host stack would route into ipsecN */
#define SADB_X_IF_STAT_DROP_HOST	23	/* host stack: no route, not forwarded */
#define SADB_X_IF_STAT_COUNT		24

/* Lengths are counted in 8-byte units. */
#define PFKEY_ALIGN8(n)		(((n) + 7) & ~(size_t)7)
#define PFKEY_UNIT64(bytes)	((bytes) >> 3)
#define PFKEY_UNUNIT64(units)	((size_t)(units) << 3)

#endif /* LIBKEY_PFKEYV2_H */
