/*
 * The key engine's state as a whole: set-up, the clock, the shared reqid
 * counter, the once-a-second lifetime checks and the final wipe.
 */

#include <string.h>
#include <time.h>

#include "keyd.h"

void
keyd_init(struct keyd *k, size_t max_sas, size_t max_policies,
    size_t queue_max)
{
	memset(k, 0, sizeof(*k));
	sad_init(&k->sad, max_sas);
	k->sad.on_remove = pfkey_sa_removed;
	k->sad.on_remove_arg = k;
	spd_init(&k->spd, max_policies);
	TAILQ_INIT(&k->acquires);
	TAILQ_INIT(&k->clients);
	TAILQ_INIT(&k->dirty);
	ifnet_init(k);
	dataplane_init(k);
	k->auto_reqid = IPSEC_AUTO_REQID_FIRST - 1;
	k->queue_max = queue_max;
	k->epfd = k->listenfd = k->timerfd = k->sigfd = -1;
	k->host4 = k->host6 = k->rtnl = -1;
	keyd_clock(k);
}

/* Reads both clocks once, for everything done in one loop iteration. */
void
keyd_clock(struct keyd *k)
{
	k->now = time(NULL);
	k->now_mono = keyd_mono();
}

/*
 * Returns the next automatic reqid: 16385, 16386, ... and back to 16385
 * after 2^32 - 1, as FreeBSD's key_newreqid().  Policies with unique
 * requests and ipsecN interfaces share the counter.
 */
uint32_t
keyd_new_reqid(struct keyd *k)
{
	if (k->auto_reqid == UINT32_MAX)
		k->auto_reqid = IPSEC_AUTO_REQID_FIRST;
	else
		k->auto_reqid++;
	return k->auto_reqid;
}

/* Runs the once-a-second checks of SAs, policies and ACQUIREs. */
void
keyd_tick(struct keyd *k)
{
	keyd_sad_tick(k);
	keyd_spd_tick(k);
	keyd_acquire_tick(k);
}

/*
 * Destroys the ipsecN interfaces and deletes all SAs, wiping their keys,
 * all policies and ACQUIREs.
 */
void
keyd_shutdown(struct keyd *k)
{
	struct client *c;

	TAILQ_FOREACH(c, &k->clients, entry)
		dump_cancel(c);
	ifnet_shutdown(k);
	sad_clear(&k->sad);
	spd_clear(&k->spd);
	keyd_acquire_clear(k);
	dataplane_shutdown(k);
}
