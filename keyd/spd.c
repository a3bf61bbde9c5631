/*
 * The security policy database.  Global policies live in one list per
 * direction, sorted by priority and then by insertion, as FreeBSD's
 * key_insertsp() keeps them.  Interface (ifnet) policies live in lists of
 * their own, which only the ipsecN interface code changes, so that spdflush
 * and spddelete cannot remove them.  Hash tables find any policy by id
 * and a global policy by its exact selector.
 * Policies are reference counted because SPD dumps hold them.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keyd.h"

#define SPD_MIN_BUCKETS		256

static size_t	id_bucket(size_t, uint32_t);
static size_t	sel_bucket(size_t, const struct policy *);
static int	grow(struct spd *);
static uint32_t	new_id(struct spd *);
static bool	prefix_match(const struct sockaddr *, const struct sockaddr *,
		    unsigned int);

void
spd_init(struct spd *spd, size_t max)
{
	int dir;

	memset(spd, 0, sizeof(*spd));
	for (dir = 0; dir < IPSEC_DIR_MAX; dir++) {
		TAILQ_INIT(&spd->global[dir]);
		TAILQ_INIT(&spd->ifnet[dir]);
	}
	spd->max = max;
}

void
spd_clear(struct spd *spd)
{
	struct policy *sp;
	int dir;

	for (dir = 0; dir < IPSEC_DIR_MAX; dir++) {
		while ((sp = TAILQ_FIRST(&spd->global[dir])) != NULL)
			spd_remove(spd, sp);
		while ((sp = TAILQ_FIRST(&spd->ifnet[dir])) != NULL)
			spd_remove(spd, sp);
	}
	free(spd->id_tab);
	free(spd->sel_tab);
	spd->id_tab = NULL;
	spd->sel_tab = NULL;
	spd->id_size = 0;
}

/*
 * Allocates a zeroed policy with room for nreq requests, at most
 * KEY_POLICY_MAXREQ, and a reference count of 1.
 */
struct policy *
spd_new(size_t nreq)
{
	struct policy *sp;

	if ((sp = calloc(1, sizeof(*sp) + nreq * sizeof(sp->req[0]))) == NULL)
		return NULL;
	sp->refcnt = 1;
	sp->nreq = nreq;
	return sp;
}

void
spd_ref(struct policy *sp)
{
	sp->refcnt++;
}

void
spd_unref(struct policy *sp)
{
	if (sp != NULL && --sp->refcnt == 0)
		free(sp);
}

static size_t
id_bucket(size_t size, uint32_t id)
{
	return (size_t)(id * 0x9e3779b1u) & (size - 1);
}

static uint32_t
hash_bytes(uint32_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len-- > 0)
		h = (h ^ *b++) * 16777619u;
	return h;
}

static uint32_t
hash_sockaddr(uint32_t h, const union sockaddr_union *u)
{
	const struct sockaddr_in *sin = &u->sin;
	const struct sockaddr_in6 *sin6 = &u->sin6;

	if (u->sa.sa_family == AF_INET) {
		h = hash_bytes(h, &sin->sin_addr, sizeof(sin->sin_addr));
		return hash_bytes(h, &sin->sin_port, sizeof(sin->sin_port));
	}
	h = hash_bytes(h, &sin6->sin6_addr, sizeof(sin6->sin6_addr));
	return hash_bytes(h, &sin6->sin6_port, sizeof(sin6->sin6_port));
}

/* Hashes what spd_lookup_selector() compares. */
static size_t
sel_bucket(size_t size, const struct policy *sp)
{
	uint8_t fields[4] = { sp->dir, sp->prefs, sp->prefd, sp->ul_proto };
	uint32_t h = 2166136261u;

	h = hash_bytes(h, fields, sizeof(fields));
	h = hash_sockaddr(h, &sp->src);
	h = hash_sockaddr(h, &sp->dst);
	return h & (size - 1);
}

static void
link_global_selector(struct policy **tab, size_t size, struct policy *sp)
{
	size_t b = sel_bucket(size, sp);

	sp->sel_next = tab[b];
	tab[b] = sp;
}

/* Doubles both hash tables, keeping the load factor at most 1. */
static int
grow(struct spd *spd)
{
	struct policy **tab, **sel, *sp, *next;
	size_t size, i, b;
	int dir;

	size = spd->id_size == 0 ? SPD_MIN_BUCKETS : spd->id_size * 2;
	tab = calloc(size, sizeof(*tab));
	sel = calloc(size, sizeof(*sel));
	if (tab == NULL || sel == NULL) {
		free(tab);
		free(sel);
		return -1;
	}
	for (i = 0; i < spd->id_size; i++) {
		for (sp = spd->id_tab[i]; sp != NULL; sp = next) {
			next = sp->id_next;
			b = id_bucket(size, sp->id);
			sp->id_next = tab[b];
			tab[b] = sp;
		}
	}
	for (dir = 0; dir < IPSEC_DIR_MAX; dir++)
		TAILQ_FOREACH(sp, &spd->global[dir], entry)
			link_global_selector(sel, size, sp);
	free(spd->id_tab);
	free(spd->sel_tab);
	spd->id_tab = tab;
	spd->sel_tab = sel;
	spd->id_size = size;
	return 0;
}

/* Returns the next unused policy id, counting from 1 and skipping 0. */
static uint32_t
new_id(struct spd *spd)
{
	do {
		if (++spd->last_id == 0)
			spd->last_id = 1;
	} while (spd_lookup_id(spd, spd->last_id) != NULL);
	return spd->last_id;
}

/*
 * Assigns sp an id and links it into the list of its scope and direction:
 * global policies by priority then insertion order, ifnet policies by
 * insertion order.  Returns 0, or -1 with errno ENOBUFS (limit reached) or
 * ENOMEM.  The SPD keeps the caller's reference.
 */
int
spd_insert(struct spd *spd, struct policy *sp)
{
	struct policy_list *list;
	struct policy *p;
	size_t b;

	if (spd->count >= spd->max) {
		errno = ENOBUFS;
		return -1;
	}
	if (spd->count >= spd->id_size && grow(spd) == -1)
		return -1;
	sp->id = new_id(spd);
	if (sp->scope == IPSEC_POLICYSCOPE_IFNET) {
		list = &spd->ifnet[sp->dir];
		TAILQ_INSERT_TAIL(list, sp, entry);
	} else {
		list = &spd->global[sp->dir];
		/* Policies mostly share one priority: try the tail first. */
		p = TAILQ_LAST(list, policy_list);
		if (p == NULL || p->priority <= sp->priority)
			p = NULL;
		else
			TAILQ_FOREACH(p, list, entry)
				if (sp->priority < p->priority)
					break;
		if (p != NULL)
			TAILQ_INSERT_BEFORE(p, sp, entry);
		else
			TAILQ_INSERT_TAIL(list, sp, entry);
		link_global_selector(spd->sel_tab, spd->id_size, sp);
	}
	b = id_bucket(spd->id_size, sp->id);
	sp->id_next = spd->id_tab[b];
	spd->id_tab[b] = sp;
	sp->linked = true;
	spd->count++;
	return 0;
}

/* Unlinks sp and drops the SPD's reference. */
void
spd_remove(struct spd *spd, struct policy *sp)
{
	struct policy **pp;

	if (!sp->linked)
		return;
	for (pp = &spd->id_tab[id_bucket(spd->id_size, sp->id)]; *pp != NULL;
	    pp = &(*pp)->id_next) {
		if (*pp == sp) {
			*pp = sp->id_next;
			break;
		}
	}
	if (sp->scope == IPSEC_POLICYSCOPE_IFNET)
		TAILQ_REMOVE(&spd->ifnet[sp->dir], sp, entry);
	else {
		for (pp = &spd->sel_tab[sel_bucket(spd->id_size, sp)];
		    *pp != NULL; pp = &(*pp)->sel_next) {
			if (*pp == sp) {
				*pp = sp->sel_next;
				break;
			}
		}
		TAILQ_REMOVE(&spd->global[sp->dir], sp, entry);
	}
	sp->linked = false;
	spd->count--;
	spd_unref(sp);
}

struct policy *
spd_lookup_id(const struct spd *spd, uint32_t id)
{
	struct policy *sp;

	if (spd->id_size == 0)
		return NULL;
	for (sp = spd->id_tab[id_bucket(spd->id_size, id)]; sp != NULL;
	    sp = sp->id_next)
		if (sp->id == id)
			return sp;
	return NULL;
}

/*
 * Returns the global policy whose selector equals that of key exactly:
 * direction, prefix lengths, upper-layer protocol, addresses and ports,
 * as FreeBSD's key_getsp() compares them.  NULL if there is none.
 */
struct policy *
spd_lookup_selector(const struct spd *spd, const struct policy *key)
{
	struct policy *sp;

	if (key->dir >= IPSEC_DIR_MAX || spd->id_size == 0)
		return NULL;
	for (sp = spd->sel_tab[sel_bucket(spd->id_size, key)]; sp != NULL;
	    sp = sp->sel_next) {
		if (sp->dir == key->dir && sp->prefs == key->prefs &&
		    sp->prefd == key->prefd && sp->ul_proto == key->ul_proto &&
		    sockaddr_equal_port(&sp->src.sa, &key->src.sa) &&
		    sockaddr_equal_port(&sp->dst.sa, &key->dst.sa))
			return sp;
	}
	return NULL;
}

static bool
prefix_match(const struct sockaddr *net, const struct sockaddr *addr,
    unsigned int plen)
{
	const uint8_t *a, *b;
	size_t alen, full;
	uint8_t mask;

	if (net->sa_family != addr->sa_family)
		return false;
	if (net->sa_family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)
		    (const void *)net)->sin_addr;
		b = (const uint8_t *)&((const struct sockaddr_in *)
		    (const void *)addr)->sin_addr;
		alen = 4;
	} else {
		a = ((const struct sockaddr_in6 *)(const void *)net)->
		    sin6_addr.s6_addr;
		b = ((const struct sockaddr_in6 *)(const void *)addr)->
		    sin6_addr.s6_addr;
		alen = 16;
	}
	if (plen > alen * 8)
		plen = alen * 8;
	full = plen / 8;
	if (memcmp(a, b, full) != 0)
		return false;
	if (plen % 8 == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - plen % 8));
	return (a[full] & mask) == (b[full] & mask);
}

static uint16_t
sockaddr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)sa)->sin_port;
	return ((const struct sockaddr_in6 *)(const void *)sa)->sin6_port;
}

/*
 * Returns the first global policy of direction dir whose selector matches
 * a packet from src to dst (ports in the sockaddrs, 0 if none) carrying
 * ul_proto, and records the use for its validtime.  Port 0 and protocol
 * 255 in a selector match anything.  NULL if no policy matches.
 */
struct policy *
spd_match(struct spd *spd, uint8_t dir, const struct sockaddr *src,
    const struct sockaddr *dst, uint8_t ul_proto)
{
	struct policy *sp;
	uint16_t port;

	if (dir >= IPSEC_DIR_MAX)
		return NULL;
	TAILQ_FOREACH(sp, &spd->global[dir], entry) {
		if (sp->ul_proto != IPSEC_ULPROTO_ANY &&
		    sp->ul_proto != ul_proto)
			continue;
		if (!prefix_match(&sp->src.sa, src, sp->prefs) ||
		    !prefix_match(&sp->dst.sa, dst, sp->prefd))
			continue;
		port = sockaddr_port(&sp->src.sa);
		if (port != 0 && port != sockaddr_port(src))
			continue;
		port = sockaddr_port(&sp->dst.sa);
		if (port != 0 && port != sockaddr_port(dst))
			continue;
		sp->lastused = time(NULL);
		sp->lastused_mono = keyd_mono();
		return sp;
	}
	return NULL;
}

/*
 * Returns true if an SPDDUMP with this scope mask includes policies of
 * scope.  Mask 0 includes every scope.  keyd has no per-socket (pcb)
 * policies, so mask 4 includes nothing.
 */
bool
spd_scope_selected(uint8_t scope_mask, uint8_t scope)
{
	return scope_mask == IPSEC_POLICYSCOPE_ANY || (scope_mask & scope) != 0;
}

/* Counts the policies an SPDDUMP with this scope mask sends. */
size_t
spd_count_scope(const struct spd *spd, uint8_t scope_mask)
{
	const struct policy *sp;
	size_t n = 0;
	int dir;

	for (dir = 0; dir < IPSEC_DIR_MAX; dir++) {
		if (spd_scope_selected(scope_mask, IPSEC_POLICYSCOPE_GLOBAL))
			TAILQ_FOREACH(sp, &spd->global[dir], entry)
				n++;
		if (spd_scope_selected(scope_mask, IPSEC_POLICYSCOPE_IFNET))
			TAILQ_FOREACH(sp, &spd->ifnet[dir], entry)
				n++;
	}
	return n;
}
