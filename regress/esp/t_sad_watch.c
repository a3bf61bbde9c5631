/*
 * Tests of the SAD's watch list: the SAs that keyd's once-a-second
 * lifetime check visits, so that SAs with nothing to expire cost it
 * nothing.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include <atf-c.h>

#include "pfkeyv2.h"
#include "keyd.h"

/* Returns whether sa is on the SAD's watch list, by walking the list. */
static bool
on_watch_list(const struct sad *sad, const struct sa *sa)
{
	const struct sa *p;

	TAILQ_FOREACH(p, &sad->watch, watch_entry)
		if (p == sa)
			return true;
	return false;
}

static size_t
watch_count(const struct sad *sad)
{
	const struct sa *p;
	size_t n = 0;

	TAILQ_FOREACH(p, &sad->watch, watch_entry)
		n++;
	return n;
}

/* Makes an SA with the SPI and state, inserted into sad. */
static struct sa *
add_sa(struct sad *sad, uint32_t spi, uint8_t state, bool lifetime,
    uint32_t flags)
{
	struct sockaddr_in a;
	struct sa *sa;

	sa = sad_new(sad);
	ATF_REQUIRE(sa != NULL);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(0xc0a80003);
	memcpy(&sa->src, &a, sizeof(a));
	a.sin_addr.s_addr = htonl(0xc0a80005);
	memcpy(&sa->dst, &a, sizeof(a));
	sa->spi = spi;
	sa->proto = IPPROTO_ESP;
	sa->satype = SADB_SATYPE_ESP;
	sa->state = state;
	sa->has_lifetime = lifetime;
	sa->flags = flags;
	ATF_REQUIRE_EQ(sad_insert(sad, sa), 0);
	return sa;
}

ATF_TC(insert_watches_larval_timed);
ATF_TC_HEAD(insert_watches_larval_timed, tc)
{
	atf_tc_set_md_var(tc, "descr", "Only larval SAs and SAs with "
	    "lifetimes go on the watch list when inserted");
}
ATF_TC_BODY(insert_watches_larval_timed, tc)
{
	struct sad sad;
	struct sa *larval, *timed, *plain;

	sad_init(&sad, 100);
	larval = add_sa(&sad, 1000, SADB_SASTATE_LARVAL, false, 0);
	timed = add_sa(&sad, 1001, SADB_SASTATE_MATURE, true, 0);
	plain = add_sa(&sad, 1002, SADB_SASTATE_MATURE, false, 0);
	ATF_CHECK(on_watch_list(&sad, larval));
	ATF_CHECK(on_watch_list(&sad, timed));
	ATF_CHECK(!on_watch_list(&sad, plain));
	ATF_CHECK(larval->watched);
	ATF_CHECK(!plain->watched);
	ATF_CHECK_EQ(watch_count(&sad), 2);
	sad_clear(&sad);
	ATF_CHECK_EQ(watch_count(&sad), 0);
}

ATF_TC(sequence_soft_limit);
ATF_TC_HEAD(sequence_soft_limit, tc)
{
	atf_tc_set_md_var(tc, "descr", "A mature SA without ESN is watched "
	    "from the sequence number's soft limit until it is dying");
}
ATF_TC_BODY(sequence_soft_limit, tc)
{
	struct sad sad;
	struct sa *sa, *esn;

	sad_init(&sad, 100);
	sa = add_sa(&sad, 2000, SADB_SASTATE_MATURE, false, 0);
	esn = add_sa(&sad, 2001, SADB_SASTATE_MATURE, false,
	    SADB_X_SAFLAGS_ESN);

	sa->seq = SEQ_SOFT_LIMIT - 1;
	sad_watch_update(&sad, sa);
	ATF_CHECK(!on_watch_list(&sad, sa));

	sa->seq = SEQ_SOFT_LIMIT;
	esn->seq = SEQ_SOFT_LIMIT;
	sad_watch_update(&sad, sa);
	sad_watch_update(&sad, esn);
	ATF_CHECK(on_watch_list(&sad, sa));
	ATF_CHECK(!on_watch_list(&sad, esn));

	/* Updating twice must not link the SA twice. */
	sad_watch_update(&sad, sa);
	ATF_CHECK_EQ(watch_count(&sad), 1);

	sa->state = SADB_SASTATE_DYING;
	sad_watch_update(&sad, sa);
	ATF_CHECK(!on_watch_list(&sad, sa));
	ATF_CHECK(!sa->watched);
	sad_clear(&sad);
}

ATF_TC(remove_unwatches);
ATF_TC_HEAD(remove_unwatches, tc)
{
	atf_tc_set_md_var(tc, "descr", "Removing a watched SA takes it off "
	    "the watch list and leaves the others on it");
}
ATF_TC_BODY(remove_unwatches, tc)
{
	struct sad sad;
	struct sa *a, *b, *c;

	sad_init(&sad, 100);
	a = add_sa(&sad, 3000, SADB_SASTATE_LARVAL, false, 0);
	b = add_sa(&sad, 3001, SADB_SASTATE_MATURE, true, 0);
	c = add_sa(&sad, 3002, SADB_SASTATE_DYING, true, 0);
	sad_remove(&sad, b);
	sa_free(b);
	ATF_CHECK_EQ(watch_count(&sad), 2);
	ATF_CHECK(on_watch_list(&sad, a));
	ATF_CHECK(on_watch_list(&sad, c));

	/* A larval SA completed without lifetimes leaves the list. */
	a->state = SADB_SASTATE_MATURE;
	sad_watch_update(&sad, a);
	ATF_CHECK(!on_watch_list(&sad, a));
	ATF_CHECK_EQ(watch_count(&sad), 1);
	sad_clear(&sad);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, insert_watches_larval_timed);
	ATF_TP_ADD_TC(tp, sequence_soft_limit);
	ATF_TP_ADD_TC(tp, remove_unwatches);
	return atf_no_error();
}
