/*
 * ifipsecctl: configures ipsecN interfaces, which keyd provides, in the
 * way FreeBSD's ifconfig(8) configures if_ipsec(4).  Interface requests go
 * to keyd as private PF_KEY messages; addresses, MTU and the up flag are
 * ordinary Linux interface settings made through rtnetlink.
 */

#ifndef IFIPSECCTL_IFIPSECCTL_H
#define IFIPSECCTL_IFIPSECCTL_H

#include <sys/socket.h>
#include <net/if.h>

#include <stdbool.h>
#include <stdint.h>

#include "libkey.h"

/* An ipsecN interface as keyd describes it. */
struct ifinfo {
	char name[IF_NAMESIZE];
	uint32_t reqid;
	uint32_t ifindex;
	uint32_t flags;			/* SADB_X_IF_F_* */
	uint32_t mtu;
	bool has_tunnel;
	struct sockaddr_storage src;	/* local tunnel endpoint */
	struct sockaddr_storage dst;	/* remote tunnel endpoint */
	char capture[256];		/* capture file, "" if none */
};

/* One record of an SADB_X_IF_STATS reply. */
struct statrec {
	enum { STAT_IF, STAT_GLOBAL, STAT_SA } kind;
	char name[IF_NAMESIZE];
	uint32_t reqid;
	uint32_t spi;
	uint8_t state;
	uint8_t mode;
	uint32_t seq;
	struct sockaddr_storage src;
	struct sockaddr_storage dst;
	uint64_t counters[SADB_X_IF_STAT_COUNT];
};

/* An address and prefix length, as inet and inet6 take them. */
struct ifaddr_req {
	int family;
	struct sockaddr_storage addr;
	unsigned int prefixlen;		/* 0: the family's default */
	bool has_peer;
	struct sockaddr_storage peer;
};

extern const char *progname;

/* keydreq.c: requests to keyd.  Each returns 0 or an errno value. */
int	 kr_open(void);
int	 kr_create(const char *name, uint32_t reqid, struct ifinfo *);
int	 kr_destroy(const char *name);
int	 kr_get(const char *name, struct ifinfo *);
int	 kr_dump(struct ifinfo **, size_t *);
int	 kr_settunnel(const char *name, const struct sockaddr *src,
	    const struct sockaddr *dst, struct ifinfo *);
int	 kr_deltunnel(const char *name);
int	 kr_setreqid(const char *name, uint32_t reqid, struct ifinfo *);
int	 kr_capture(const char *name, const char *path);
int	 kr_stats(const char *name, struct statrec **, size_t *);

/* rtnl.c: rtnetlink requests.  Each returns 0 or an errno value. */
int	 rtnl_set_flags(unsigned int ifindex, bool up);
int	 rtnl_set_mtu(unsigned int ifindex, unsigned int mtu);
int	 rtnl_addr(bool add, unsigned int ifindex, const struct ifaddr_req *);

struct rtnl_addr {
	int family;
	unsigned int prefixlen;
	struct sockaddr_storage local;
	bool has_peer;
	struct sockaddr_storage peer;
};

int	 rtnl_get_addrs(unsigned int ifindex, struct rtnl_addr **, size_t *);

/* show.c: output in ifconfig's form. */
void	 show_ipsec(const struct ifinfo *);
void	 show_generic(const char *name);
void	 show_stats(const struct statrec *, size_t);
const char *addr_str(const struct sockaddr_storage *, char *, size_t);

#endif /* IFIPSECCTL_IFIPSECCTL_H */
