/*
 * Tests of the anti-replay window and the outbound sequence counter.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "replay.h"

/* Checks then marks one 32-bit sequence number; returns the status. */
static int
receive(struct replay_window *w, uint32_t seq_lo, uint64_t *seq)
{
	uint64_t s;
	int rc;

	rc = replay_check(w, seq_lo, &s);
	if (rc == REPLAY_OK)
		rc = replay_update(w, s);
	if (seq != NULL)
		*seq = s;
	return rc;
}

static void
window(struct replay_window *w, uint32_t size, bool esn)
{
	ATF_REQUIRE_EQ(replay_window_init(w, size, esn), 0);
}

ATF_TC(in_order_accepted);
ATF_TC_HEAD(in_order_accepted, tc)
{
	atf_tc_set_md_var(tc, "descr", "Numbers 1 to 5000 in order pass a "
	    "64-packet window and each fails a second time");
}
ATF_TC_BODY(in_order_accepted, tc)
{
	struct replay_window w;
	uint32_t i;

	window(&w, 64, false);
	for (i = 1; i <= 5000; i++) {
		ATF_CHECK_EQ_MSG(receive(&w, i, NULL), REPLAY_OK, "seq %u", i);
		ATF_CHECK_EQ_MSG(receive(&w, i, NULL), REPLAY_ERR_DUPLICATE,
		    "seq %u again", i);
	}
	ATF_CHECK_EQ(w.top, 5000);
	replay_window_free(&w);
}

ATF_TC(duplicate_and_old);
ATF_TC_HEAD(duplicate_and_old, tc)
{
	atf_tc_set_md_var(tc, "descr", "Duplicates inside the window and "
	    "numbers left of it are rejected; gaps stay open");
}
ATF_TC_BODY(duplicate_and_old, tc)
{
	struct replay_window w;
	uint64_t seq;

	window(&w, 64, false);
	ATF_CHECK_EQ(receive(&w, 100, NULL), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, 100, NULL), REPLAY_ERR_DUPLICATE);
	ATF_CHECK_EQ(receive(&w, 36, NULL), REPLAY_ERR_OLD);
	ATF_CHECK_EQ(receive(&w, 37, NULL), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, 37, NULL), REPLAY_ERR_DUPLICATE);
	ATF_CHECK_EQ(receive(&w, 99, NULL), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, 50, NULL), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, 1, NULL), REPLAY_ERR_OLD);
	ATF_CHECK_EQ(replay_check(&w, 0, &seq), REPLAY_ERR_OLD);
	ATF_CHECK_EQ(w.top, 100);
	replay_window_free(&w);
}

ATF_TC(zero_never_valid);
ATF_TC_HEAD(zero_never_valid, tc)
{
	atf_tc_set_md_var(tc, "descr", "Sequence number 0 is rejected on a "
	    "fresh window and by replay_update()");
}
ATF_TC_BODY(zero_never_valid, tc)
{
	struct replay_window w;
	uint64_t seq;

	window(&w, 32, false);
	ATF_CHECK_EQ(replay_check(&w, 0, &seq), REPLAY_ERR_OLD);
	ATF_CHECK_EQ(replay_update(&w, 0), REPLAY_ERR_OLD);
	ATF_CHECK_EQ(receive(&w, 1, NULL), REPLAY_OK);
	replay_window_free(&w);
}

ATF_TC(check_does_not_mark);
ATF_TC_HEAD(check_does_not_mark, tc)
{
	atf_tc_set_md_var(tc, "descr", "replay_check() leaves the window "
	    "unchanged; only replay_update() marks and slides it");
}
ATF_TC_BODY(check_does_not_mark, tc)
{
	struct replay_window w;
	uint64_t seq;

	window(&w, 64, false);
	ATF_CHECK_EQ(replay_check(&w, 10, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, 10);
	ATF_CHECK_EQ(replay_check(&w, 10, &seq), REPLAY_OK);
	ATF_CHECK_EQ(w.top, 0);
	ATF_CHECK_EQ(replay_update(&w, 10), REPLAY_OK);
	ATF_CHECK_EQ(replay_update(&w, 10), REPLAY_ERR_DUPLICATE);
	ATF_CHECK_EQ(replay_check(&w, 10, &seq), REPLAY_ERR_DUPLICATE);
	replay_window_free(&w);
}

ATF_TC(window_slide);
ATF_TC_HEAD(window_slide, tc)
{
	atf_tc_set_md_var(tc, "descr", "Sliding by less than, exactly and more "
	    "than the window keeps exactly the right numbers");
}
ATF_TC_BODY(window_slide, tc)
{
	static const uint32_t sizes[] = { 1, 2, 63, 64, 65, 100, 128, 1000 };
	struct replay_window w;
	uint32_t size, s, jump;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size = sizes[i];
		for (jump = 1; jump <= 2 * size + 130; jump += 1 + jump / 8) {
			window(&w, size, false);
			for (s = 1; s <= 200; s++)
				ATF_REQUIRE_EQ(receive(&w, s, NULL), REPLAY_OK);
			ATF_REQUIRE_EQ(receive(&w, 200 + jump, NULL),
			    REPLAY_OK);
			for (s = 1; s < 200 + jump; s++) {
				uint64_t seq;
				int want;

				if (200 + jump - s >= size)
					want = REPLAY_ERR_OLD;
				else if (s <= 200)
					want = REPLAY_ERR_DUPLICATE;
				else
					want = REPLAY_OK;
				ATF_CHECK_EQ_MSG(replay_check(&w, s, &seq),
				    want, "size %u jump %u seq %u", size, jump,
				    s);
			}
			replay_window_free(&w);
		}
	}
}

ATF_TC(large_windows);
ATF_TC_HEAD(large_windows, tc)
{
	atf_tc_set_md_var(tc, "descr", "Windows of 2^20 and 2^24 packets "
	    "track out-of-order numbers across their whole width");
}
ATF_TC_BODY(large_windows, tc)
{
	static const uint32_t sizes[] = { 1u << 20, 1u << 24 };
	struct replay_window w;
	uint32_t size, top;
	size_t i;

	for (i = 0; i < 2; i++) {
		size = sizes[i];
		window(&w, size, false);
		top = 3 * size;
		ATF_CHECK_EQ(receive(&w, top, NULL), REPLAY_OK);
		ATF_CHECK_EQ(receive(&w, top - size + 1, NULL), REPLAY_OK);
		ATF_CHECK_EQ(receive(&w, top - size, NULL), REPLAY_ERR_OLD);
		ATF_CHECK_EQ(receive(&w, top - size + 1, NULL),
		    REPLAY_ERR_DUPLICATE);
		ATF_CHECK_EQ(receive(&w, top - size / 2, NULL), REPLAY_OK);
		ATF_CHECK_EQ(receive(&w, top - size / 2 + 1, NULL), REPLAY_OK);
		/* Slide half a window: the older half's marks survive. */
		ATF_CHECK_EQ(receive(&w, top + size / 2, NULL), REPLAY_OK);
		ATF_CHECK_EQ(receive(&w, top - size / 2 + 1, NULL),
		    REPLAY_ERR_DUPLICATE);
		ATF_CHECK_EQ(receive(&w, top - size / 2, NULL),
		    REPLAY_ERR_OLD);
		ATF_CHECK_EQ(receive(&w, top + 1, NULL), REPLAY_OK);
		ATF_CHECK_EQ(receive(&w, top, NULL), REPLAY_ERR_DUPLICATE);
		/* Jump far beyond: everything inside is fresh again. */
		ATF_CHECK_EQ(receive(&w, top + 5 * size, NULL), REPLAY_OK);
		ATF_CHECK_EQ(receive(&w, top + 4 * size + 1, NULL), REPLAY_OK);
		ATF_CHECK_EQ(receive(&w, top + 4 * size, NULL),
		    REPLAY_ERR_OLD);
		replay_window_free(&w);
	}
	ATF_CHECK_EQ(replay_window_init(&w, REPLAY_WINDOW_MAX + 1, false),
	    -EINVAL);
}

ATF_TC(window_off);
ATF_TC_HEAD(window_off, tc)
{
	atf_tc_set_md_var(tc, "descr", "A window of 0 accepts everything, "
	    "duplicates and 0 included");
}
ATF_TC_BODY(window_off, tc)
{
	struct replay_window w;

	window(&w, 0, false);
	ATF_CHECK_EQ(receive(&w, 5, NULL), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, 5, NULL), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, 0, NULL), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, UINT32_MAX, NULL), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, 1, NULL), REPLAY_OK);
	replay_window_free(&w);
}

ATF_TC(esn_rollover);
ATF_TC_HEAD(esn_rollover, tc)
{
	atf_tc_set_md_var(tc, "descr", "With ESN the high half is inferred "
	    "across a 2^32 boundary, forwards and back (RFC 4303 A2)");
}
ATF_TC_BODY(esn_rollover, tc)
{
	struct replay_window w;
	uint64_t seq;

	window(&w, 64, true);
	ATF_CHECK_EQ(receive(&w, 1, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, 1);
	/* Left of the first subspace: no high half below 0. */
	ATF_CHECK_EQ(replay_check(&w, UINT32_MAX - 5, &seq), REPLAY_ERR_OLD);

	ATF_CHECK_EQ(replay_update(&w, UINT32_MAX - 10), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, UINT32_MAX - 2, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, UINT32_MAX - 2);
	/* Below the window bottom means the next subspace. */
	ATF_CHECK_EQ(receive(&w, 3, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, (UINT64_C(1) << 32) + 3);
	ATF_CHECK_EQ(w.top, (UINT64_C(1) << 32) + 3);
	/* The window now spans the boundary: late packets from before. */
	ATF_CHECK_EQ(receive(&w, UINT32_MAX - 5, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, UINT32_MAX - 5);
	ATF_CHECK_EQ(receive(&w, UINT32_MAX - 2, &seq), REPLAY_ERR_DUPLICATE);
	ATF_CHECK_EQ(receive(&w, 0, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, UINT64_C(1) << 32);
	ATF_CHECK_EQ(receive(&w, 1, &seq), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, 3, &seq), REPLAY_ERR_DUPLICATE);
	/*
	 * 63 behind top is the window's last slot; one further left reads
	 * as the next subspace, 2^32 ahead.
	 */
	ATF_CHECK_EQ(replay_check(&w, UINT32_MAX - 59, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, UINT32_MAX - 59);
	ATF_CHECK_EQ(replay_check(&w, UINT32_MAX - 60, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, (UINT64_C(2) << 32) - 61);
	replay_window_free(&w);
}

ATF_TC(esn_window_off);
ATF_TC_HEAD(esn_window_off, tc)
{
	atf_tc_set_md_var(tc, "descr", "With ESN and the window off the high "
	    "half still follows the sender across 2^32");
}
ATF_TC_BODY(esn_window_off, tc)
{
	struct replay_window w;
	uint64_t seq;

	window(&w, 0, true);
	ATF_CHECK_EQ(receive(&w, 7, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, 7);
	/* More than 2^31 ahead reads as behind 0, which cannot be. */
	ATF_CHECK_EQ(receive(&w, 0x90000000, &seq), REPLAY_ERR_OLD);
	ATF_CHECK_EQ(receive(&w, 0x70000000, &seq), REPLAY_OK);
	ATF_CHECK_EQ(receive(&w, 0xf0000000, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, 0xf0000000);
	ATF_CHECK_EQ(receive(&w, 0x10, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, (UINT64_C(1) << 32) + 0x10);
	ATF_CHECK_EQ(receive(&w, 0xfffffff0, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, 0xfffffff0);
	replay_window_free(&w);
}

ATF_TC(esn_top_of_space);
ATF_TC_HEAD(esn_top_of_space, tc)
{
	atf_tc_set_md_var(tc, "descr", "Near 2^64 no high half past the last "
	    "subspace is inferred");
}
ATF_TC_BODY(esn_top_of_space, tc)
{
	struct replay_window w;
	uint64_t seq;

	window(&w, 128, true);
	ATF_CHECK_EQ(replay_update(&w, UINT64_MAX - 3), REPLAY_OK);
	ATF_CHECK_EQ(replay_check(&w, UINT32_MAX, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, UINT64_MAX);
	ATF_CHECK_EQ(replay_check(&w, 5, &seq), REPLAY_ERR_OLD);
	replay_window_free(&w);
}

#define MODEL_MAX	(1u << 22)

ATF_TC(matches_reference_model);
ATF_TC_HEAD(matches_reference_model, tc)
{
	atf_tc_set_md_var(tc, "descr", "Random traffic gives the same verdicts "
	    "as a plain table of accepted numbers");
}
ATF_TC_BODY(matches_reference_model, tc)
{
	static const uint32_t sizes[] = { 1, 7, 64, 65, 129, 500 };
	struct replay_window w;
	uint64_t top, s, got_seq, span;
	size_t i, step;
	uint32_t rnd = 1, size;
	uint8_t *seen;
	int want, got;

	seen = malloc(MODEL_MAX);
	ATF_REQUIRE(seen != NULL);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size = sizes[i];
		window(&w, size, false);
		memset(seen, 0, MODEL_MAX);
		top = 0;
		for (step = 0; step < 20000; step++) {
			rnd = rnd * 1664525 + 1013904223;
			/* Mostly near the top, sometimes far ahead. */
			if (rnd % 50 == 0) {
				s = top + (rnd >> 8) % (4 * size + 3);
			} else {
				span = size + 10 < top + 3 ? size + 10 : top + 3;
				s = top + 3 - (rnd >> 8) % span;
			}
			ATF_REQUIRE(s < MODEL_MAX);
			if (s == 0 || (top >= s && top - s >= size))
				want = REPLAY_ERR_OLD;
			else if (seen[s])
				want = REPLAY_ERR_DUPLICATE;
			else
				want = REPLAY_OK;
			got = receive(&w, (uint32_t)s, &got_seq);
			ATF_REQUIRE_EQ_MSG(got, want, "size %u step %zu seq %llu"
			    " top %llu", size, step, (unsigned long long)s,
			    (unsigned long long)top);
			if (got == REPLAY_OK) {
				seen[s] = 1;
				if (s > top)
					top = s;
			}
		}
		replay_window_free(&w);
	}
	free(seen);
}

ATF_TC(esn_matches_reference_model);
ATF_TC_HEAD(esn_matches_reference_model, tc)
{
	atf_tc_set_md_var(tc, "descr", "Random ESN traffic across 2^32: numbers "
	    "in the window keep their high half, older ones read as 2^32 ahead");
}
ATF_TC_BODY(esn_matches_reference_model, tc)
{
	static const uint32_t sizes[] = { 1, 64, 100, 1024 };
	const uint64_t base = (UINT64_C(1) << 32) - 500;
	struct replay_window w;
	uint64_t top, s, got_seq, span;
	size_t i, step;
	uint32_t rnd = 7, size;
	uint8_t *seen;
	int want, got;

	seen = malloc(MODEL_MAX);
	ATF_REQUIRE(seen != NULL);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size = sizes[i];
		window(&w, size, true);
		memset(seen, 0, MODEL_MAX);
		ATF_REQUIRE_EQ(replay_update(&w, base), REPLAY_OK);
		seen[0] = 1;
		top = base;
		for (step = 0; step < 30000; step++) {
			rnd = rnd * 1664525 + 1013904223;
			if (rnd % 50 == 0) {
				s = top + (rnd >> 8) % (4 * size + 3);
			} else {
				span = size + 200;
				s = top + 3 - (rnd >> 8) % span;
			}
			if (s < base)
				continue;
			ATF_REQUIRE(s - base < MODEL_MAX);
			got = replay_check(&w, (uint32_t)s, &got_seq);
			if (top >= s && top - s >= size) {
				/* Left of the window: taken as the next lap. */
				ATF_REQUIRE_EQ(got, REPLAY_OK);
				ATF_REQUIRE_EQ(got_seq, s + (UINT64_C(1) << 32));
				continue;
			}
			want = seen[s - base] ? REPLAY_ERR_DUPLICATE :
			    REPLAY_OK;
			ATF_REQUIRE_EQ_MSG(got, want, "size %u step %zu seq "
			    "%#llx top %#llx", size, step,
			    (unsigned long long)s, (unsigned long long)top);
			if (got != REPLAY_OK)
				continue;
			ATF_REQUIRE_EQ(got_seq, s);
			ATF_REQUIRE_EQ(replay_update(&w, got_seq), REPLAY_OK);
			seen[s - base] = 1;
			if (s > top)
				top = s;
		}
		ATF_CHECK(top > UINT32_MAX);
		replay_window_free(&w);
	}
	free(seen);
}

ATF_TC(counter_sequence);
ATF_TC_HEAD(counter_sequence, tc)
{
	atf_tc_set_md_var(tc, "descr", "The outbound counter starts at 1 and "
	    "stops at 2^32 - 1 without ESN");
}
ATF_TC_BODY(counter_sequence, tc)
{
	struct replay_counter c;
	uint64_t seq;

	replay_counter_init(&c, false, false);
	ATF_CHECK_EQ(replay_counter_next(&c, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, 1);
	ATF_CHECK_EQ(replay_counter_next(&c, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, 2);
	c.last = UINT32_MAX - 1;
	ATF_CHECK_EQ(replay_counter_next(&c, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, UINT32_MAX);
	ATF_CHECK_EQ(replay_counter_next(&c, &seq), REPLAY_ERR_EXHAUSTED);
	ATF_CHECK_EQ(replay_counter_next(&c, &seq), REPLAY_ERR_EXHAUSTED);
	ATF_CHECK_EQ(c.cycles, 0);
}

ATF_TC(counter_esn);
ATF_TC_HEAD(counter_esn, tc)
{
	atf_tc_set_md_var(tc, "descr", "With ESN the counter passes 2^32 and "
	    "stops at 2^64 - 1");
}
ATF_TC_BODY(counter_esn, tc)
{
	struct replay_counter c;
	uint64_t seq;

	replay_counter_init(&c, true, false);
	c.last = UINT32_MAX;
	ATF_CHECK_EQ(replay_counter_next(&c, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, UINT64_C(1) << 32);
	c.last = UINT64_MAX - 1;
	ATF_CHECK_EQ(replay_counter_next(&c, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, UINT64_MAX);
	ATF_CHECK_EQ(replay_counter_next(&c, &seq), REPLAY_ERR_EXHAUSTED);
}

ATF_TC(counter_cycles);
ATF_TC_HEAD(counter_cycles, tc)
{
	atf_tc_set_md_var(tc, "descr", "With cycling allowed the counter "
	    "wraps to 0 and counts the wraps");
}
ATF_TC_BODY(counter_cycles, tc)
{
	struct replay_counter c;
	uint64_t seq;

	replay_counter_init(&c, false, true);
	c.last = UINT32_MAX;
	ATF_CHECK_EQ(replay_counter_next(&c, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, 0);
	ATF_CHECK_EQ(c.cycles, 1);
	ATF_CHECK_EQ(replay_counter_next(&c, &seq), REPLAY_OK);
	ATF_CHECK_EQ(seq, 1);
}

ATF_TC(error_strings);
ATF_TC_HEAD(error_strings, tc)
{
	atf_tc_set_md_var(tc, "descr", "Every status code has a description");
}
ATF_TC_BODY(error_strings, tc)
{
	int i;

	for (i = 0; i < REPLAY_ERR_COUNT; i++)
		ATF_CHECK(strcmp(replay_strerror(i), "unknown replay error") !=
		    0);
	ATF_CHECK_STREQ(replay_strerror(REPLAY_ERR_COUNT),
	    "unknown replay error");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, in_order_accepted);
	ATF_TP_ADD_TC(tp, duplicate_and_old);
	ATF_TP_ADD_TC(tp, zero_never_valid);
	ATF_TP_ADD_TC(tp, check_does_not_mark);
	ATF_TP_ADD_TC(tp, window_slide);
	ATF_TP_ADD_TC(tp, large_windows);
	ATF_TP_ADD_TC(tp, window_off);
	ATF_TP_ADD_TC(tp, esn_rollover);
	ATF_TP_ADD_TC(tp, esn_window_off);
	ATF_TP_ADD_TC(tp, esn_top_of_space);
	ATF_TP_ADD_TC(tp, matches_reference_model);
	ATF_TP_ADD_TC(tp, esn_matches_reference_model);
	ATF_TP_ADD_TC(tp, counter_sequence);
	ATF_TP_ADD_TC(tp, counter_esn);
	ATF_TP_ADD_TC(tp, counter_cycles);
	ATF_TP_ADD_TC(tp, error_strings);
	return atf_no_error();
}
