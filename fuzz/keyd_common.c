/*
 * keyd set-up, teardown and invariant checks shared by the harnesses that
 * run keyd's core in-process.
 */

#include <sys/epoll.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

void
fuzz_quiet(void)
{
	int fd;

	if ((fd = open("/dev/null", O_WRONLY)) == -1)
		return;
	dup2(fd, STDOUT_FILENO);
	close(fd);
	/* Warnings only: keyd logs every SA added at the info level. */
	log_init(1, -1);
}

void
fuzz_keyd_init(struct keyd *k, struct client **clients, size_t n)
{
	size_t i;

	keyd_init(k, FUZZ_MAX_SAS, FUZZ_MAX_POLICIES, KEYD_QUEUE_MAX_MIN);
	/* ipsecN interfaces register their TAP descriptor with epoll. */
	k->epfd = epoll_create1(EPOLL_CLOEXEC);
	FUZZ_ASSERT(k->epfd != -1);
	for (i = 0; i < n; i++) {
		clients[i] = client_new(k, -1);
		FUZZ_ASSERT(clients[i] != NULL);
		clients[i]->pid = (pid_t)(1000 + i);
	}
}

void
fuzz_keyd_free(struct keyd *k)
{
	struct client *c;

	keyd_shutdown(k);
	while ((c = TAILQ_FIRST(&k->clients)) != NULL)
		client_free(k, c);
	if (k->epfd != -1)
		close(k->epfd);
	k->epfd = -1;
	FUZZ_ASSERT(k->sad.count == 0);
	FUZZ_ASSERT(k->spd.count == 0);
	FUZZ_ASSERT(k->nclients == 0);
}

static void
check_sad(const struct sad *sad)
{
	const struct sa *sa;
	size_t n = 0;

	TAILQ_FOREACH(sa, &sad->list, entry) {
		n++;
		FUZZ_ASSERT(n <= sad->count);
		/* The SPI namespace is global: each SPI finds its own SA. */
		FUZZ_ASSERT(sad_lookup_spi(sad, sa->spi) == sa);
		FUZZ_ASSERT(sa->state <= SADB_SASTATE_DEAD);
		FUZZ_ASSERT(sa->key_enc.data != NULL || sa->key_enc.len == 0);
		FUZZ_ASSERT(sa->key_auth.data != NULL ||
		    sa->key_auth.len == 0);
		FUZZ_ASSERT(sa->src.sa.sa_family == sa->dst.sa.sa_family);
	}
	FUZZ_ASSERT(n == sad->count);
	FUZZ_ASSERT(sad->count <= sad->max);
}

static void
check_spd(const struct spd *spd)
{
	const struct policy *sp;
	size_t n = 0;
	int dir;

	for (dir = 0; dir < IPSEC_DIR_MAX; dir++) {
		TAILQ_FOREACH(sp, &spd->global[dir], entry) {
			n++;
			FUZZ_ASSERT(sp->linked && sp->refcnt >= 1);
			FUZZ_ASSERT(sp->dir == dir);
			FUZZ_ASSERT(sp->nreq <= KEY_POLICY_MAXREQ);
			FUZZ_ASSERT(spd_lookup_id(spd, sp->id) == sp);
			FUZZ_ASSERT(spd_lookup_selector(spd, sp) == sp);
		}
		TAILQ_FOREACH(sp, &spd->ifnet[dir], entry) {
			n++;
			FUZZ_ASSERT(sp->linked && sp->refcnt >= 1);
			FUZZ_ASSERT(sp->scope == IPSEC_POLICYSCOPE_IFNET);
			FUZZ_ASSERT(spd_lookup_id(spd, sp->id) == sp);
		}
	}
	FUZZ_ASSERT(n == spd->count);
	FUZZ_ASSERT(spd->count <= spd->max);
}

static void
check_client(const struct keyd *k, const struct client *c)
{
	const struct qmsg *q;
	size_t bytes = 0;

	STAILQ_FOREACH(q, &c->queue, entry) {
		FUZZ_ASSERT(q->len > 0 && q->len <= KEY_MSG_MAXLEN);
		bytes += q->len;
	}
	FUZZ_ASSERT(bytes == c->qbytes);
	FUZZ_ASSERT(c->qbytes <= k->queue_max);
}

void
fuzz_keyd_check(const struct keyd *k)
{
	const struct client *c;
	size_t n = 0;

	check_sad(&k->sad);
	check_spd(&k->spd);
	TAILQ_FOREACH(c, &k->clients, entry) {
		check_client(k, c);
		n++;
	}
	FUZZ_ASSERT(n == k->nclients);
}

/* FNV-1a, enough to notice any change of the stored state. */
static void
mix(uint64_t *h, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ULL;
	}
}

static void
mix_sa(uint64_t *h, const struct sa *sa)
{
	mix(h, &sa->spi, sizeof(sa->spi));
	mix(h, &sa->satype, sizeof(sa->satype));
	mix(h, &sa->state, sizeof(sa->state));
	mix(h, &sa->mode, sizeof(sa->mode));
	mix(h, &sa->reqid, sizeof(sa->reqid));
	mix(h, &sa->src, sizeof(sa->src));
	mix(h, &sa->dst, sizeof(sa->dst));
	mix(h, &sa->auth, sizeof(sa->auth));
	mix(h, &sa->enc, sizeof(sa->enc));
	mix(h, &sa->flags, sizeof(sa->flags));
	mix(h, &sa->replay, sizeof(sa->replay));
	mix(h, &sa->has_lifetime, sizeof(sa->has_lifetime));
	mix(h, &sa->hard, sizeof(sa->hard));
	mix(h, &sa->soft, sizeof(sa->soft));
	mix(h, &sa->key_enc.bits, sizeof(sa->key_enc.bits));
	mix(h, &sa->key_auth.bits, sizeof(sa->key_auth.bits));
	if (sa->key_enc.data != NULL)
		mix(h, sa->key_enc.data, sa->key_enc.len);
	if (sa->key_auth.data != NULL)
		mix(h, sa->key_auth.data, sa->key_auth.len);
}

static void
mix_policy(uint64_t *h, const struct policy *sp)
{
	size_t i;

	mix(h, &sp->id, sizeof(sp->id));
	mix(h, &sp->dir, sizeof(sp->dir));
	mix(h, &sp->action, sizeof(sp->action));
	mix(h, &sp->scope, sizeof(sp->scope));
	mix(h, &sp->priority, sizeof(sp->priority));
	mix(h, &sp->src, sizeof(sp->src));
	mix(h, &sp->dst, sizeof(sp->dst));
	mix(h, &sp->prefs, sizeof(sp->prefs));
	mix(h, &sp->prefd, sizeof(sp->prefd));
	mix(h, &sp->ul_proto, sizeof(sp->ul_proto));
	mix(h, &sp->lifetime, sizeof(sp->lifetime));
	mix(h, &sp->validtime, sizeof(sp->validtime));
	for (i = 0; i < sp->nreq; i++)
		mix(h, &sp->req[i], sizeof(sp->req[i]));
}

uint64_t
fuzz_keyd_digest(const struct keyd *k)
{
	const struct policy *sp;
	const struct sa *sa;
	uint64_t h = 0xcbf29ce484222325ULL;
	int dir;

	mix(&h, &k->sad.count, sizeof(k->sad.count));
	TAILQ_FOREACH(sa, &k->sad.list, entry)
		mix_sa(&h, sa);
	mix(&h, &k->spd.count, sizeof(k->spd.count));
	for (dir = 0; dir < IPSEC_DIR_MAX; dir++) {
		TAILQ_FOREACH(sp, &k->spd.global[dir], entry)
			mix_policy(&h, sp);
		TAILQ_FOREACH(sp, &k->spd.ifnet[dir], entry)
			mix_policy(&h, sp);
	}
	return h;
}

/*
 * Every message keyd queues must be a whole PF_KEY message, with one
 * exception: the body of an SADB_X_PROMISC request is passed on as it
 * came, as FreeBSD does, so it may be any bytes.
 */
static void
check_queued(const struct qmsg *q)
{
	const struct sadb_msg *m = (const struct sadb_msg *)(const void *)
	    q->data;

	if (q->len < sizeof(*m))
		return;
	if (m->sadb_msg_version != PF_KEY_V2)
		return;
	if (m->sadb_msg_type == SADB_X_PROMISC || m->sadb_msg_errno != 0)
		return;
	FUZZ_ASSERT(PFKEY_UNUNIT64(m->sadb_msg_len) == q->len);
}

void
fuzz_keyd_drain(struct keyd *k, bool strict)
{
	struct client *c;
	struct qmsg *q;
	int rounds;

	TAILQ_FOREACH(c, &k->clients, entry) {
		/* A dump produces its next batch as the queue empties. */
		for (rounds = 0; rounds < 64; rounds++) {
			while ((q = STAILQ_FIRST(&c->queue)) != NULL) {
				if (strict)
					check_queued(q);
				STAILQ_REMOVE_HEAD(&c->queue, entry);
				c->qbytes -= q->len;
				key_wipe(q->data, q->len);
				free(q);
			}
			if (c->dump.kind == DUMP_NONE)
				break;
			client_fill(k, c);
		}
	}
	while ((c = TAILQ_FIRST(&k->dirty)) != NULL) {
		TAILQ_REMOVE(&k->dirty, c, dirty_entry);
		c->dirty = false;
	}
}
