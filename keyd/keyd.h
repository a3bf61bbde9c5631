/*
 * keyd: the PF_KEYv2 key engine in userspace.
 *
 * The core (pfkey*.c, sad.c, spd.c, acquire.c, deliver.c) makes no socket
 * calls: keyd_dispatch() validates and processes one message and queues the
 * replies on the clients, and control.c moves queued messages to and from
 * the sockets.  A fuzzer can therefore drive the core with clients whose
 * fd is -1.
 */

#ifndef KEYD_KEYD_H
#define KEYD_KEYD_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <net/if.h>
#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "libkey.h"

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define KEYD_MAX_SAS_DEFAULT		1000000
#define KEYD_MAX_POLICIES_DEFAULT	100000
#define KEYD_QUEUE_MAX_DEFAULT		(1024 * 1024)
#define KEYD_QUEUE_MAX_MIN		(64 * 1024)
/* The largest replay window: 1 MiB of bitmap, 8,388,608 packets. */
#define KEYD_REPLAY_MAX_BYTES		(1024 * 1024)

/* FreeBSD's net.key.larval_lifetime, blockacq_count, blockacq_lifetime. */
#define KEYD_LARVAL_LIFETIME		30
#define KEYD_ACQ_COUNT			10
#define KEYD_ACQ_LIFETIME		20

/* Pending ACQUIREs kept at once; more fail with ENOBUFS. */
#define KEYD_ACQ_MAX			10000

/* FreeBSD's default SPI range for GETSPI without SPIRANGE. */
#define KEYD_SPI_MIN			0x100
#define KEYD_SPI_MAX			0x0fffffff

/* Dump messages produced per client in one pass of the event loop. */
#define KEYD_DUMP_BATCH			256

/* ---------------------------------------------------------------------
 * Socket addresses
 */

/*
 * An IPv4 or IPv6 socket address with its port, flow label and scope id,
 * in 28 bytes where a struct sockaddr_storage takes 128.
 */
union sockaddr_union {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

void	 sockaddr_union_set(union sockaddr_union *, const struct sockaddr *);

/* ---------------------------------------------------------------------
 * Security associations (sad.c)
 */

struct sa_lifetime {
	uint32_t allocations;
	uint64_t bytes;
	uint64_t addtime;		/* seconds */
	uint64_t usetime;		/* seconds */
};

/* Key material in its own allocation, wiped before it is freed. */
struct sa_key {
	uint8_t *data;
	uint16_t bits;			/* sadb_key_bits */
	uint16_t len;			/* bytes */
	bool present;			/* an extension was given, maybe 0 bits */
};

/* ESP in UDP (RFC 3948), allocated only for the SAs that use it. */
struct sa_natt {
	uint8_t type;			/* UDP_ENCAP_ESPINUDP */
	bool has_oai;
	bool has_oar;
	uint16_t sport;			/* host byte order */
	uint16_t dport;
	union sockaddr_union oai;	/* original addresses */
	union sockaddr_union oar;
};

/*
 * A security association.  The SAD may hold a million of them, so the
 * members are ordered to leave little padding.  The NAT-T settings, which
 * few SAs have, are allocated apart.
 */
struct sa {
	uint32_t spi;			/* host byte order */
	uint8_t satype;			/* SADB_SATYPE_* */
	uint8_t proto;			/* IP protocol: 50, 51, 108, 6 */
	uint8_t state;			/* SADB_SASTATE_* */
	uint8_t mode;			/* IPSEC_MODE_* */
	uint32_t reqid;
	uint8_t auth;			/* SADB_AALG_* */
	uint8_t enc;			/* SADB_EALG_* or SADB_X_CALG_* */
	bool has_lifetime;		/* hard and soft are set together */
	bool watched;			/* on the SAD's watch list */
	uint32_t flags;			/* sadb_sa_flags */
	uint32_t replay;		/* replay window in bytes, 0 = off */
	union sockaddr_union src;	/* ports are zero */
	union sockaddr_union dst;

	struct sa_key key_auth;
	struct sa_key key_enc;
	struct sa_natt *natt;		/* NULL unless ESP in UDP */
	struct sa_lifetime hard;
	struct sa_lifetime soft;

	/* Counters reported in LIFETIME_CURRENT and SA2. */
	uint64_t seq;			/* outbound sequence number */
	uint64_t bytes;
	uint32_t allocations;		/* packets */
	uint32_t msg_seq;		/* sadb_msg_seq of GETSPI or ADD */
	uint32_t pid;			/* sadb_msg_pid of GETSPI or ADD */
	time_t created;			/* time of day */
	time_t firstused;		/* time of day, 0 until first use */
	uint64_t created_mono;		/* CLOCK_MONOTONIC seconds */
	uint64_t firstused_mono;
	uint64_t serial;		/* creation order, larger is newer */

	/* Data-plane state, released by dp_free when the SA goes away. */
	void *dp;
	void (*dp_free)(void *);

	struct sa *spi_next;		/* hash chain by SPI */
	struct sa *idx_next;		/* hash chain by proto, src, dst */
	struct sa **idx_pprev;		/* the pointer to this SA */
	TAILQ_ENTRY(sa) entry;		/* all SAs, newest first */
	TAILQ_ENTRY(sa) watch_entry;	/* the watch list, if watched */
};

TAILQ_HEAD(sa_list, sa);

/* A soft expiry fires when a 32-bit sequence number passes 80 %. */
#define SEQ_SOFT_LIMIT		0xccccccccu

struct sad {
	struct sa **spi_tab;
	struct sa **idx_tab;
	size_t tab_size;		/* buckets in each table, power of 2 */
	struct sa_list list;
	/*
	 * The SAs the once-a-second check visits: larval ones, those with
	 * lifetimes and those past the sequence number's soft limit.
	 */
	struct sa_list watch;
	size_t count;
	size_t max;
	uint64_t next_serial;
	/* Called before an SA is unlinked, so dump cursors can skip it. */
	void (*on_remove)(struct sa *, void *);
	void *on_remove_arg;
};

void	 sad_init(struct sad *, size_t max);
void	 sad_clear(struct sad *);
struct sa *sad_new(struct sad *);
int	 sad_insert(struct sad *, struct sa *);
void	 sad_remove(struct sad *, struct sa *);
bool	 sa_watch_needed(const struct sa *);
void	 sad_watch_update(struct sad *, struct sa *);
void	 sad_move(struct sad *, struct sa *, const union sockaddr_union *,
	    const union sockaddr_union *);
void	 sa_free(struct sa *);
int	 sa_set_key(struct sa_key *, const uint8_t *, unsigned int bits);
void	 sa_wipe_key(struct sa_key *);
struct sa *sad_lookup_spi(const struct sad *, uint32_t spi);
struct sa *sad_lookup_out(const struct sad *, const struct sockaddr *src,
	    const struct sockaddr *dst, uint8_t proto, uint32_t reqid);
struct sa *sad_chain_head(const struct sad *, uint8_t proto,
	    const struct sockaddr *src, const struct sockaddr *dst);
bool	 sad_head_exists(const struct sad *, uint8_t proto,
	    const struct sockaddr *src, const struct sockaddr *dst);
void	 sad_account(struct sa *, uint64_t bytes);
size_t	 sad_count_satype(const struct sad *, uint8_t satype);
bool	 sa_matches_satype(const struct sa *, uint8_t satype);
bool	 sockaddr_equal_addr(const struct sockaddr *, const struct sockaddr *);
bool	 sockaddr_equal_port(const struct sockaddr *, const struct sockaddr *);
const char *sa_state_name(uint8_t state);
uint64_t keyd_mono(void);

/* ---------------------------------------------------------------------
 * Security policies (spd.c)
 */

struct sp_request {
	uint16_t proto;			/* IPSEC_PROTO_* */
	uint8_t mode;
	uint8_t level;
	uint32_t reqid;
	bool has_addrs;
	union sockaddr_union src;
	union sockaddr_union dst;
};

struct policy {
	uint32_t id;
	uint8_t dir;			/* IPSEC_DIR_* */
	uint8_t action;			/* IPSEC_POLICY_* */
	uint8_t scope;			/* IPSEC_POLICYSCOPE_* */
	uint8_t ul_proto;
	uint32_t priority;		/* interface index for ifnet scope */
	uint8_t prefs;
	uint8_t prefd;
	bool linked;
	union sockaddr_union src;	/* selector, ports included */
	union sockaddr_union dst;
	unsigned int refcnt;		/* the SPD's and each dump's */

	uint64_t lifetime;		/* seconds since creation, 0 = none */
	uint64_t validtime;		/* seconds since last use, 0 = none */
	time_t created;
	time_t lastused;
	uint64_t created_mono;
	uint64_t lastused_mono;

	TAILQ_ENTRY(policy) entry;
	struct policy *id_next;
	struct policy *sel_next;	/* global only: hash chain by selector */

	size_t nreq;			/* at most KEY_POLICY_MAXREQ */
	struct sp_request req[];	/* nreq, allocated with the policy */
};

TAILQ_HEAD(policy_list, policy);

struct spd {
	struct policy_list global[IPSEC_DIR_MAX];
	struct policy_list ifnet[IPSEC_DIR_MAX];
	struct policy **id_tab;
	struct policy **sel_tab;	/* global policies by selector */
	size_t id_size;			/* buckets in each table, power of 2 */
	size_t count;
	size_t max;
	uint32_t last_id;
};

void	 spd_init(struct spd *, size_t max);
void	 spd_clear(struct spd *);
struct policy *spd_new(size_t nreq);
void	 spd_ref(struct policy *);
void	 spd_unref(struct policy *);
int	 spd_insert(struct spd *, struct policy *);
void	 spd_remove(struct spd *, struct policy *);
struct policy *spd_lookup_id(const struct spd *, uint32_t id);
struct policy *spd_lookup_selector(const struct spd *,
	    const struct policy *);
struct policy *spd_match(struct spd *, uint8_t dir, const struct sockaddr *src,
	    const struct sockaddr *dst, uint8_t ul_proto);
size_t	 spd_count_scope(const struct spd *, uint8_t scope_mask);
bool	 spd_scope_selected(uint8_t scope_mask, uint8_t scope);

/* ---------------------------------------------------------------------
 * Pending SADB_ACQUIRE requests (acquire.c)
 */

struct acquire {
	uint32_t seq;
	uint8_t proto;
	uint8_t mode;
	uint32_t reqid;
	union sockaddr_union src;
	union sockaddr_union dst;
	uint64_t created_mono;
	unsigned int count;		/* requests held back since sent */
	TAILQ_ENTRY(acquire) entry;
};

TAILQ_HEAD(acquire_list, acquire);

/* ---------------------------------------------------------------------
 * Clients and their output queues (deliver.c)
 */

struct qmsg {
	STAILQ_ENTRY(qmsg) entry;
	size_t len;
	uint8_t data[];
};

enum dump_kind {
	DUMP_NONE,
	DUMP_SAD,
	DUMP_SPD
};

/*
 * A dump in progress.  SAD dumps walk the live SA list, newest first; the
 * SAD's on_remove hook moves the cursor past an SA being removed and
 * lowers remaining, so the last message still carries sequence 0.  SPD
 * dumps hold references to a snapshot of the policies.
 */
struct dump_cursor {
	enum dump_kind kind;
	uint8_t satype;			/* SAD: filter, 0 = all */
	uint32_t pid;			/* sadb_msg_pid of the request */
	uint32_t remaining;		/* messages still to send */
	struct sa *next;		/* SAD: next SA to send */
	struct policy **snap;		/* SPD: policies to send */
	size_t nsnap;
	size_t pos;
};

struct client;

/* The object an epoll event belongs to. */
enum ev_kind {
	EV_LISTEN,
	EV_TIMER,
	EV_SIGNAL,
	EV_CLIENT,
	EV_TAP,				/* an ipsecN TAP device */
	EV_RAW				/* a raw ESP socket */
};

struct ev {
	enum ev_kind kind;
	struct client *client;
	void *data;			/* EV_TAP: its struct ipsec_if */
};

struct client {
	int fd;				/* -1 for an in-process client */
	uint64_t id;
	pid_t pid;			/* from SO_PEERCRED */
	uid_t uid;
	gid_t gid;

	bool promisc;
	uint32_t registered;		/* bit per satype */

	STAILQ_HEAD(, qmsg) queue;
	size_t qbytes;
	uint64_t drops;			/* messages dropped for a full queue */
	struct dump_cursor dump;

	bool dirty;			/* on keyd's list of clients to flush */
	bool out_armed;			/* EPOLLOUT requested */
	bool in_paused;			/* EPOLLIN withdrawn */
	bool dead;			/* to be closed */
	struct ev ev;
	TAILQ_ENTRY(client) entry;
	TAILQ_ENTRY(client) dirty_entry;
};

TAILQ_HEAD(client_list, client);

enum deliver_target {
	TO_SENDER,			/* the requesting client only */
	TO_ALL,				/* every client */
	TO_REGISTERED			/* registered clients and the sender */
};

/* ---------------------------------------------------------------------
 * ipsecN interfaces (ifnet.c, tap.c) and the ESP data plane (netio.c,
 * dataplane.c, capture.c, stats.c)
 */

/* FreeBSD's if_ipsec MTU: the default and the range it accepts. */
#define IFNET_MTU_DEFAULT	1400
#define IFNET_MTU_MIN		1280
#define IFNET_MTU_MAX		8192

/* The interface policies, in the order FreeBSD numbers them. */
enum {
	IFNET_SP_IN4,
	IFNET_SP_OUT4,
	IFNET_SP_IN6,
	IFNET_SP_OUT6,
	IFNET_SP_COUNT
};

struct capture;

struct ipsec_if {
	char name[IF_NAMESIZE];
	unsigned int ifindex;
	int tapfd;
	uint8_t mac[6];			/* the TAP's own address */
	uint32_t reqid;			/* 0 until set or assigned */
	bool has_tunnel;
	bool dead;			/* destroyed; tapfd is closed */
	struct sockaddr_storage src;	/* local tunnel endpoint */
	struct sockaddr_storage dst;	/* remote tunnel endpoint */
	struct policy *sp[IFNET_SP_COUNT];
	uint64_t stats[SADB_X_IF_STAT_COUNT];
	struct capture *cap;
	struct ev ev;
	TAILQ_ENTRY(ipsec_if) entry;
};

TAILQ_HEAD(ipsec_if_list, ipsec_if);

/* ---------------------------------------------------------------------
 * The daemon
 */

struct keyd {
	struct sad sad;
	struct spd spd;
	struct acquire_list acquires;
	size_t nacquires;
	uint32_t acq_seq;
	uint32_t auto_reqid;		/* last reqid handed out */

	struct client_list clients;
	struct client_list dirty;	/* clients with output to move */
	size_t nclients;
	uint64_t next_client_id;
	size_t queue_max;		/* bytes queued per client */
	uint64_t drops;

	time_t now;			/* time of day */
	uint64_t now_mono;		/* CLOCK_MONOTONIC seconds */

	/* I/O, used by keyd.c and control.c only. */
	int epfd;
	int listenfd;
	int timerfd;
	int sigfd;
	const char *sockname;
	char *sockpath;			/* filesystem socket to unlink */
	bool have_group;
	gid_t group;
	bool quit;
	uint64_t poll_ns;		/* busy-poll window, 0 = off */
	uint8_t *rbuf;
	struct ev listen_ev;
	struct ev timer_ev;
	struct ev signal_ev;

	/* Interfaces and the data plane. */
	struct ipsec_if_list ifs;
	struct ipsec_if_list dead_ifs;	/* destroyed, freed after the batch */
	int raw4;			/* raw IPPROTO_ESP sockets, -1 if none */
	int raw6;
	struct ev raw4_ev;
	struct ev raw6_ev;
	int host4;			/* raw IPPROTO_RAW sockets, -1 if none */
	int host6;
	int rtnl;			/* NETLINK_ROUTE socket, -1 if none */
	uint8_t *pkt;			/* packet buffers of the data plane */
	uint8_t *out;
	uint64_t stats[SADB_X_IF_STAT_COUNT];	/* drops of no interface */
	struct capture *cap;		/* capture of all interfaces */
};

/* engine.c */
void	 keyd_init(struct keyd *, size_t max_sas, size_t max_policies,
	    size_t queue_max);
void	 keyd_shutdown(struct keyd *);
void	 keyd_clock(struct keyd *);
uint32_t keyd_new_reqid(struct keyd *);
void	 keyd_tick(struct keyd *);

/* pfkey.c */
int	 keyd_dispatch(struct keyd *, struct client *, const void *, size_t);
void	 pfkey_error(struct keyd *, struct client *, const void *, size_t,
	    int);
int	 pfkey_gather(struct key_buf *, const struct key_msg *,
	    const uint16_t *, size_t);
void	 pfkey_send_buf(struct keyd *, struct client *, enum deliver_target,
	    struct key_buf *);

/* pfkey_sa.c */
int	 pfkey_getspi(struct keyd *, struct client *, const struct key_msg *);
int	 pfkey_update(struct keyd *, struct client *, const struct key_msg *);
int	 pfkey_add(struct keyd *, struct client *, const struct key_msg *);
int	 pfkey_delete(struct keyd *, struct client *, const struct key_msg *);
int	 pfkey_get(struct keyd *, struct client *, const struct key_msg *);
int	 pfkey_dump(struct keyd *, struct client *, const struct key_msg *);
int	 pfkey_flush(struct keyd *, struct client *, const struct key_msg *);
void	 pfkey_sa_removed(struct sa *, void *);
int	 pfkey_dump_next_sa(struct keyd *, struct client *);
void	 keyd_sa_delete(struct keyd *, struct sa *, const char *why);
void	 keyd_sad_tick(struct keyd *);

/* pfkey_msg.c */
int	 msg_sa(struct key_buf *, const struct sa *, uint8_t type,
	    uint8_t satype, uint32_t seq, uint32_t pid);
int	 msg_expire(struct key_buf *, const struct sa *, bool hard);
int	 msg_policy(struct key_buf *, const struct policy *, uint8_t type,
	    uint32_t seq, uint32_t pid);
int	 msg_supported(struct key_buf *, const struct sadb_msg *);

/* pfkey_sp.c */
int	 pfkey_spdadd(struct keyd *, struct client *, const struct key_msg *);
int	 pfkey_spddelete(struct keyd *, struct client *,
	    const struct key_msg *);
int	 pfkey_spddelete2(struct keyd *, struct client *,
	    const struct key_msg *);
int	 pfkey_spdget(struct keyd *, struct client *, const struct key_msg *);
int	 pfkey_spddump(struct keyd *, struct client *, const struct key_msg *);
int	 pfkey_spdflush(struct keyd *, struct client *,
	    const struct key_msg *);
int	 pfkey_dump_next_sp(struct keyd *, struct client *);
struct policy *keyd_ifnet_policy_add(struct keyd *, unsigned int ifindex,
	    uint8_t dir, int family, const struct sockaddr *tsrc,
	    const struct sockaddr *tdst, uint32_t reqid);
void	 keyd_ifnet_policy_remove(struct keyd *, struct policy *);
void	 keyd_spd_tick(struct keyd *);

/* acquire.c */
int	 pfkey_acquire(struct keyd *, struct client *, const struct key_msg *);
int	 keyd_acquire(struct keyd *, uint8_t proto, uint8_t mode,
	    uint32_t reqid, const struct sockaddr *src,
	    const struct sockaddr *dst, const struct policy *);
void	 keyd_acquire_tick(struct keyd *);
void	 keyd_acquire_done(struct keyd *, uint32_t seq);
void	 keyd_acquire_clear(struct keyd *);

/* deliver.c */
struct client *client_new(struct keyd *, int fd);
void	 client_free(struct keyd *, struct client *);
bool	 client_enqueue(struct keyd *, struct client *, const void *, size_t);
void	 deliver(struct keyd *, struct client *sender, enum deliver_target,
	    const void *, size_t);
void	 client_mark_dirty(struct keyd *, struct client *);
void	 client_fill(struct keyd *, struct client *);
void	 dump_cancel(struct client *);

/* control.c */
int	 control_listen(struct keyd *, const char *name);
void	 control_accept(struct keyd *);
void	 control_read(struct keyd *, struct client *);
void	 control_flush(struct keyd *);
void	 control_close(struct keyd *);
void	 control_client_event(struct keyd *, struct client *, uint32_t);

/* ifnet.c */
void	 ifnet_init(struct keyd *);
void	 ifnet_shutdown(struct keyd *);
void	 ifnet_tap_event(struct keyd *, struct ipsec_if *, uint32_t events);
void	 ifnet_reap(struct keyd *);
int	 ifnet_dispatch(struct keyd *, struct client *, const struct key_msg *);
struct ipsec_if *ifnet_lookup(const struct keyd *, const char *name);
struct ipsec_if *ifnet_for_sa(const struct keyd *, const struct sa *);
const struct sadb_ext *ifnet_find_ext(const struct key_msg *, uint16_t type);

/* tap.c */
int	 tap_open(const char *name, unsigned int *ifindex, uint8_t mac[6]);
int	 tap_get_info(const char *name, unsigned int *mtu, bool *up);

/* netio.c */

#define NETIO_BATCH		64	/* packets per sendmmsg or recvmmsg */

/* An ESP packet received on a raw socket. */
struct netio_pkt {
	struct sockaddr_storage src;	/* outer addresses */
	struct sockaddr_storage dst;
	uint8_t *ip;			/* IPv4: the outer header; IPv6: NULL */
	uint8_t *esp;			/* the ESP header and what follows */
	size_t esplen;
	size_t wirelen;			/* outer IP packet, header included */
};

void	 netio_open(struct keyd *);
void	 netio_close(struct keyd *);
int	 netio_watch(struct keyd *, int fd, struct ev *);
void	 netio_unwatch(struct keyd *, int fd);
int	 netio_send(struct keyd *, const struct sockaddr *src,
	    const struct sockaddr *dst, const void *, size_t);
int	 netio_recv(struct keyd *, int fd, uint8_t *buf, size_t cap,
	    struct netio_pkt *);
int	 netio_send_batch(struct keyd *, const struct sockaddr *src,
	    const struct sockaddr *dst, struct iovec *, int n, int *err);
int	 netio_recv_batch(struct keyd *, int fd, uint8_t *const *bufs,
	    size_t cap, struct netio_pkt *, int n);

/* host.c */
void	 host_open(struct keyd *);
void	 host_close(struct keyd *);
int	 host_deliver(struct keyd *, uint32_t spi, uint8_t *ip, size_t len,
	    bool v6);

/* dataplane.c */
void	 dataplane_init(struct keyd *);
void	 dataplane_shutdown(struct keyd *);
void	 dataplane_tap_event(struct keyd *, struct ipsec_if *);
void	 dataplane_raw_event(struct keyd *, int fd);
const uint64_t *dataplane_sa_stats(const struct sa *);

/* offload.c */

#define GRO_VNET_HDRLEN		10	/* struct virtio_net_hdr */
#define GRO_ETHER_HDRLEN	14
#define GRO_HEADROOM		(GRO_VNET_HDRLEN + GRO_ETHER_HDRLEN)
#define GRO_MAXLEN		65535	/* an IP packet's maximum */

struct virtio_net_hdr;

/* A TSO packet being cut into segments. */
struct tso {
	const uint8_t *ip;		/* the large packet */
	bool v6;
	size_t iphl;			/* IP header bytes */
	size_t hdrlen;			/* IP and TCP header bytes */
	size_t mss;			/* payload bytes per segment */
	size_t paylen;			/* payload bytes in all */
	size_t off;			/* payload bytes already cut */
	unsigned int nseg;		/* segments already cut */
};

/* Received TCP segments being joined into one packet for a TAP. */
struct gro {
	uint8_t *buf;			/* GRO_HEADROOM + GRO_MAXLEN bytes */
	void *owner;			/* the interface it is for */
	size_t len;			/* IP packet bytes, 0 when empty */
	bool v6;
	bool closed;			/* no segment may follow */
	size_t iphl;
	size_t thl;			/* TCP header bytes */
	size_t mss;			/* payload bytes of the first segment */
	uint32_t next_seq;
	unsigned int nseg;
};

int	 offload_tap_enable(int fd);
int	 offload_csum_complete(const struct virtio_net_hdr *, uint8_t *frame,
	    size_t len);
int	 tso_init(struct tso *, const struct virtio_net_hdr *,
	    const uint8_t *ip, size_t len, bool v6);
size_t	 tso_next(struct tso *, uint8_t *out, size_t cap);
bool	 gro_start(struct gro *, void *owner, const uint8_t *ip,
	    size_t len, bool v6);
bool	 gro_merge(struct gro *, const void *owner, const uint8_t *ip,
	    size_t len, bool v6);
size_t	 gro_finish(struct gro *);

/* capture.c */
int	 capture_start(struct capture **, const char *path);
void	 capture_stop(struct capture **);
void	 capture_packet(struct capture *, const void *, size_t);
void	 capture_esp(struct capture *, const struct sockaddr *src,
	    const struct sockaddr *dst, const void *esp, size_t len);
const char *capture_path(const struct capture *);

/* stats.c */
int	 stats_reply(struct keyd *, struct client *, const struct key_msg *);
bool	 ifnet_sa_belongs(const struct ipsec_if *, const struct sa *);

/* log.c */
struct log_rate {
	uint64_t start;
	unsigned int count;
	unsigned long suppressed;
};

void	 log_init(int foreground, int verbosity);
int	 log_getverbose(void);
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
bool	 log_ratelimit(struct log_rate *, unsigned int burst,
	    unsigned int interval);

#endif /* KEYD_KEYD_H */
