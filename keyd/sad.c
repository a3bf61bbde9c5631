/*
 * The security association database.  SPIs share one namespace across all
 * protocols and destinations, as in FreeBSD 12 and later.  Two hash tables
 * index the SAs: by SPI for inbound packets and PF_KEY requests, and by
 * (protocol, source, destination) for outbound lookups.  A list keeps them
 * in creation order, newest first, for dumps.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "keyd.h"

#define SAD_MIN_BUCKETS		1024

static size_t	spi_bucket(const struct sad *, uint32_t);
static size_t	idx_bucket(const struct sad *, uint8_t,
		    const struct sockaddr *, const struct sockaddr *);
static int	grow(struct sad *);
static void	link_sa(struct sad *, struct sa *);

void
sad_init(struct sad *sad, size_t max)
{
	memset(sad, 0, sizeof(*sad));
	TAILQ_INIT(&sad->list);
	TAILQ_INIT(&sad->watch);
	sad->max = max;
	sad->next_serial = 1;
}

/* Removes and frees every SA, wiping its keys. */
void
sad_clear(struct sad *sad)
{
	struct sa *sa;

	while ((sa = TAILQ_FIRST(&sad->list)) != NULL) {
		sad_remove(sad, sa);
		sa_free(sa);
	}
	free(sad->spi_tab);
	free(sad->idx_tab);
	sad->spi_tab = NULL;
	sad->idx_tab = NULL;
	sad->tab_size = 0;
}

struct sa *
sad_new(struct sad *sad)
{
	struct sa *sa;

	if (sad->count >= sad->max) {
		errno = ENOBUFS;
		return NULL;
	}
	if ((sa = calloc(1, sizeof(*sa))) == NULL)
		return NULL;
	return sa;
}

void
sa_wipe_key(struct sa_key *k)
{
	if (k->data != NULL) {
		key_wipe(k->data, k->len);
		free(k->data);
	}
	memset(k, 0, sizeof(*k));
}

/*
 * Copies bits bits of key material into k.  Returns 0, or -1 with errno
 * EINVAL (more bits than sadb_key_bits can hold) or ENOMEM.
 */
int
sa_set_key(struct sa_key *k, const uint8_t *key, unsigned int bits)
{
	size_t len = (bits + 7) / 8;

	sa_wipe_key(k);
	if (bits > UINT16_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (len > 0) {
		if ((k->data = malloc(len)) == NULL)
			return -1;
		memcpy(k->data, key, len);
	}
	k->len = (uint16_t)len;
	k->bits = (uint16_t)bits;
	k->present = true;
	return 0;
}

void
sa_free(struct sa *sa)
{
	if (sa == NULL)
		return;
	if (sa->dp_free != NULL && sa->dp != NULL)
		sa->dp_free(sa->dp);
	sa_wipe_key(&sa->key_auth);
	sa_wipe_key(&sa->key_enc);
	free(sa->natt);
	key_wipe(sa, sizeof(*sa));
	free(sa);
}

/*
 * Copies an IPv4 or IPv6 socket address into u and zeroes the rest of u.
 * For another family, such as the zeroed address of a request without
 * tunnel endpoints, u keeps only the family.
 */
void
sockaddr_union_set(union sockaddr_union *u, const struct sockaddr *sa)
{
	memset(u, 0, sizeof(*u));
	if (sa->sa_family == AF_INET)
		memcpy(&u->sin, sa, sizeof(u->sin));
	else if (sa->sa_family == AF_INET6)
		memcpy(&u->sin6, sa, sizeof(u->sin6));
	else
		u->sa.sa_family = sa->sa_family;
}

static size_t
spi_bucket(const struct sad *sad, uint32_t spi)
{
	return (size_t)((spi * 0x9e3779b1u) ^ (spi >> 16)) &
	    (sad->tab_size - 1);
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
hash_addr(uint32_t h, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;

		return hash_bytes(h, &sin->sin_addr, sizeof(sin->sin_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		return hash_bytes(h, &sin6->sin6_addr,
		    sizeof(sin6->sin6_addr));
	}
	return h;
}

static size_t
idx_bucket(const struct sad *sad, uint8_t proto, const struct sockaddr *src,
    const struct sockaddr *dst)
{
	uint32_t h = 2166136261u;

	h = hash_bytes(h, &proto, 1);
	h = hash_addr(h, src);
	h = hash_addr(h, dst);
	return h & (sad->tab_size - 1);
}

/* Doubles both hash tables, keeping the load factor at most 1. */
static int
grow(struct sad *sad)
{
	struct sa **spi_tab, **idx_tab;
	struct sa *sa;
	size_t size;

	size = sad->tab_size == 0 ? SAD_MIN_BUCKETS : sad->tab_size * 2;
	spi_tab = calloc(size, sizeof(*spi_tab));
	idx_tab = calloc(size, sizeof(*idx_tab));
	if (spi_tab == NULL || idx_tab == NULL) {
		free(spi_tab);
		free(idx_tab);
		return -1;
	}
	free(sad->spi_tab);
	free(sad->idx_tab);
	sad->spi_tab = spi_tab;
	sad->idx_tab = idx_tab;
	sad->tab_size = size;
	TAILQ_FOREACH(sa, &sad->list, entry)
		link_sa(sad, sa);
	return 0;
}

/*
 * Puts sa at the head of its two hash chains.  Each SA records the
 * pointer that points to it in the chain by addresses, so removal takes
 * constant time even when many SAs share one source and destination.
 * SPIs are unique, so removal from the chain by SPI searches the short
 * chain instead and saves a pointer per SA.
 */
static void
link_sa(struct sad *sad, struct sa *sa)
{
	struct sa **head;

	head = &sad->spi_tab[spi_bucket(sad, sa->spi)];
	sa->spi_next = *head;
	*head = sa;

	head = &sad->idx_tab[idx_bucket(sad, sa->proto, &sa->src.sa,
	    &sa->dst.sa)];
	if ((sa->idx_next = *head) != NULL)
		(*head)->idx_pprev = &sa->idx_next;
	*head = sa;
	sa->idx_pprev = head;
}

/*
 * Links sa into the SAD as its newest entry.  The caller has checked that
 * its SPI is free.  Returns 0, or -1 with errno ENOBUFS (limit reached)
 * or ENOMEM.
 */
int
sad_insert(struct sad *sad, struct sa *sa)
{
	if (sad->count >= sad->max) {
		errno = ENOBUFS;
		return -1;
	}
	if (sad->count >= sad->tab_size && grow(sad) == -1)
		return -1;
	sa->serial = sad->next_serial++;
	TAILQ_INSERT_HEAD(&sad->list, sa, entry);
	link_sa(sad, sa);
	sad->count++;
	sad_watch_update(sad, sa);
	return 0;
}

/* Unlinks sa; the caller frees it with sa_free(). */
void
sad_remove(struct sad *sad, struct sa *sa)
{
	struct sa **pp;

	if (sad->on_remove != NULL)
		sad->on_remove(sa, sad->on_remove_arg);
	for (pp = &sad->spi_tab[spi_bucket(sad, sa->spi)]; *pp != sa;
	    pp = &(*pp)->spi_next)
		;
	*pp = sa->spi_next;
	if ((*sa->idx_pprev = sa->idx_next) != NULL)
		sa->idx_next->idx_pprev = sa->idx_pprev;
	TAILQ_REMOVE(&sad->list, sa, entry);
	if (sa->watched) {
		TAILQ_REMOVE(&sad->watch, sa, watch_entry);
		sa->watched = false;
	}
	sad->count--;
}

/*
 * Returns whether the once-a-second check has work for sa: a larval SA
 * times out, lifetimes may run out, and a mature SA without ESN past the
 * sequence number's soft limit is due a soft expiry.
 */
bool
sa_watch_needed(const struct sa *sa)
{
	if (sa->state == SADB_SASTATE_LARVAL || sa->has_lifetime)
		return true;
	return sa->state == SADB_SASTATE_MATURE &&
	    (sa->flags & SADB_X_SAFLAGS_ESN) == 0 && sa->seq >= SEQ_SOFT_LIMIT;
}

/*
 * Puts sa on the watch list or takes it off, following sa_watch_needed().
 * With 100,000 SAs and no lifetimes, the check then touches no SA at all
 * instead of every SA each second.
 */
void
sad_watch_update(struct sad *sad, struct sa *sa)
{
	bool needed = sa_watch_needed(sa);

	if (needed && !sa->watched)
		TAILQ_INSERT_HEAD(&sad->watch, sa, watch_entry);
	else if (!needed && sa->watched)
		TAILQ_REMOVE(&sad->watch, sa, watch_entry);
	sa->watched = needed;
}

/* Gives sa new addresses, moving it to the hash chain they select. */
void
sad_move(struct sad *sad, struct sa *sa, const union sockaddr_union *src,
    const union sockaddr_union *dst)
{
	struct sa **head;

	if ((*sa->idx_pprev = sa->idx_next) != NULL)
		sa->idx_next->idx_pprev = sa->idx_pprev;
	sa->src = *src;
	sa->dst = *dst;
	head = &sad->idx_tab[idx_bucket(sad, sa->proto, &sa->src.sa,
	    &sa->dst.sa)];
	if ((sa->idx_next = *head) != NULL)
		(*head)->idx_pprev = &sa->idx_next;
	*head = sa;
	sa->idx_pprev = head;
}

struct sa *
sad_lookup_spi(const struct sad *sad, uint32_t spi)
{
	struct sa *sa;

	if (sad->tab_size == 0)
		return NULL;
	for (sa = sad->spi_tab[spi_bucket(sad, spi)]; sa != NULL;
	    sa = sa->spi_next)
		if (sa->spi == spi)
			return sa;
	return NULL;
}

/* Compares the addresses (not the ports) of two Linux sockaddrs. */
bool
sockaddr_equal_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return memcmp(&x->sin6_addr, &y->sin6_addr,
		    sizeof(x->sin6_addr)) == 0 &&
		    x->sin6_scope_id == y->sin6_scope_id;
	}
	return false;
}

/* Compares addresses and ports. */
bool
sockaddr_equal_port(const struct sockaddr *a, const struct sockaddr *b)
{
	if (!sockaddr_equal_addr(a, b))
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)a)->sin_port ==
		    ((const struct sockaddr_in *)(const void *)b)->sin_port;
	return ((const struct sockaddr_in6 *)(const void *)a)->sin6_port ==
	    ((const struct sockaddr_in6 *)(const void *)b)->sin6_port;
}

/*
 * Returns the SA an outbound packet uses: the oldest mature or dying SA of
 * proto from src to dst whose mode is tunnel or any and, when reqid is not
 * 0, whose reqid equals it.  FreeBSD prefers the oldest SA in the same way
 * (net.key.preferred_oldsa=1).  NULL if there is none.
 */
struct sa *
sad_lookup_out(const struct sad *sad, const struct sockaddr *src,
    const struct sockaddr *dst, uint8_t proto, uint32_t reqid)
{
	struct sa *sa, *best = NULL;

	if (sad->tab_size == 0)
		return NULL;
	for (sa = sad->idx_tab[idx_bucket(sad, proto, src, dst)]; sa != NULL;
	    sa = sa->idx_next) {
		if (sa->proto != proto ||
		    (sa->state != SADB_SASTATE_MATURE &&
		    sa->state != SADB_SASTATE_DYING))
			continue;
		if (sa->mode != IPSEC_MODE_TUNNEL &&
		    sa->mode != IPSEC_MODE_ANY)
			continue;
		if (reqid != 0 && sa->reqid != reqid)
			continue;
		if (!sockaddr_equal_addr(&sa->src.sa, src) ||
		    !sockaddr_equal_addr(&sa->dst.sa, dst))
			continue;
		if (best == NULL || sa->serial < best->serial)
			best = sa;
	}
	return best;
}

/*
 * Returns the first SA of the hash chain that contains the SAs of proto
 * from src to dst, or NULL.  The chain contains other SAs too, so callers
 * follow idx_next and check each SA.
 */
struct sa *
sad_chain_head(const struct sad *sad, uint8_t proto,
    const struct sockaddr *src, const struct sockaddr *dst)
{
	if (sad->tab_size == 0)
		return NULL;
	return sad->idx_tab[idx_bucket(sad, proto, src, dst)];
}

/* Returns true if any SA of proto from src to dst exists, larval too. */
bool
sad_head_exists(const struct sad *sad, uint8_t proto,
    const struct sockaddr *src, const struct sockaddr *dst)
{
	struct sa *sa;

	if (sad->tab_size == 0)
		return false;
	for (sa = sad->idx_tab[idx_bucket(sad, proto, src, dst)]; sa != NULL;
	    sa = sa->idx_next)
		if (sa->proto == proto &&
		    sockaddr_equal_addr(&sa->src.sa, src) &&
		    sockaddr_equal_addr(&sa->dst.sa, dst))
			return true;
	return false;
}

/*
 * Counts one packet of bytes bytes against sa's lifetimes, as FreeBSD's
 * key_sa_recordxfer() does.  The lifetime check runs once a second.
 */
void
sad_account(struct sa *sa, uint64_t bytes)
{
	sa->allocations++;
	sa->bytes += bytes;
	if (sa->firstused == 0) {
		sa->firstused = time(NULL);
		sa->firstused_mono = keyd_mono();
	}
}

/* Returns CLOCK_MONOTONIC in seconds; lifetimes are measured with it. */
uint64_t
keyd_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

bool
sa_matches_satype(const struct sa *sa, uint8_t satype)
{
	return satype == SADB_SATYPE_UNSPEC || sa->satype == satype;
}

size_t
sad_count_satype(const struct sad *sad, uint8_t satype)
{
	const struct sa *sa;
	size_t n = 0;

	if (satype == SADB_SATYPE_UNSPEC)
		return sad->count;
	TAILQ_FOREACH(sa, &sad->list, entry)
		if (sa->satype == satype)
			n++;
	return n;
}

const char *
sa_state_name(uint8_t state)
{
	static const char *const names[] = {
		"larval", "mature", "dying", "dead"
	};

	return state <= SADB_SASTATE_DEAD ? names[state] : "unknown";
}
