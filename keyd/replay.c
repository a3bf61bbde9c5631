/*
 * Anti-replay window and outbound sequence counter (RFC 4303 3.3.3, 3.4.3
 * and appendix A2).
 *
 * The bitmap is a ring indexed by sequence number modulo nbits.  Sliding
 * the window therefore shifts no memory but only clears the bits of the
 * numbers that enter it:
 *
 *	seq:    top-size+1 ........ top | top+1 ... new top
 *	bits:   kept (inside window)    | cleared, then new top set
 *
 * A jump of nbits or more clears the whole ring.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

static const char *const status_text[REPLAY_ERR_COUNT] = {
	[REPLAY_OK] = "success",
	[REPLAY_ERR_DUPLICATE] = "replayed sequence number",
	[REPLAY_ERR_OLD] = "sequence number left of the replay window",
	[REPLAY_ERR_EXHAUSTED] = "sequence numbers exhausted",
};

const char *
replay_strerror(int status)
{
	if (status < 0 || status >= REPLAY_ERR_COUNT)
		return "unknown replay error";
	return status_text[status];
}

int
replay_window_init(struct replay_window *w, uint32_t size, bool esn)
{
	memset(w, 0, sizeof(*w));
	if (size > REPLAY_WINDOW_MAX)
		return -EINVAL;
	w->size = size;
	w->esn = esn;
	if (size == 0)
		return 0;
	w->nbits = ((size_t)size + 63) / 64 * 64;
	w->bitmap = calloc(w->nbits / 64, sizeof(uint64_t));
	if (w->bitmap == NULL)
		return -ENOMEM;
	return 0;
}

void
replay_window_free(struct replay_window *w)
{
	free(w->bitmap);
	memset(w, 0, sizeof(*w));
}

/*
 * Infers the high 32 bits of an ESN sequence number from the window, as in
 * RFC 4303 appendix A2.2.  A number below the window's bottom is taken to
 * belong to the next 2^32 subspace.  With the window off, a window of 2^31
 * numbers (half the 32-bit space) is used for the inference.
 */
static int
infer_seq(const struct replay_window *w, uint32_t seq_lo, uint64_t *seq)
{
	uint32_t tl = (uint32_t)w->top, th = (uint32_t)(w->top >> 32);
	uint32_t win = w->size != 0 ? w->size : UINT32_C(1) << 31;
	uint32_t bottom = tl - win + 1;		/* modulo 2^32 */
	uint32_t sh;

	if (!w->esn) {
		*seq = seq_lo;
		return REPLAY_OK;
	}
	if (tl >= win - 1) {
		/* The window lies within one subspace. */
		if (seq_lo >= bottom)
			sh = th;
		else if (th == UINT32_MAX)
			return REPLAY_ERR_OLD;
		else
			sh = th + 1;
	} else {
		/* The window reaches back into the previous subspace. */
		if (seq_lo < bottom)
			sh = th;
		else if (th == 0)
			return REPLAY_ERR_OLD;
		else
			sh = th - 1;
	}
	*seq = (uint64_t)sh << 32 | seq_lo;
	return REPLAY_OK;
}

static bool
bit_is_set(const struct replay_window *w, uint64_t seq)
{
	size_t bit = (size_t)(seq % w->nbits);

	return (w->bitmap[bit / 64] >> (bit % 64)) & 1;
}

/* Tests seq against an enabled window. */
static int
test_seq(const struct replay_window *w, uint64_t seq)
{
	if (seq == 0)
		return REPLAY_ERR_OLD;
	if (seq > w->top)
		return REPLAY_OK;
	if (w->top - seq >= w->size)
		return REPLAY_ERR_OLD;
	if (bit_is_set(w, seq))
		return REPLAY_ERR_DUPLICATE;
	return REPLAY_OK;
}

int
replay_check(const struct replay_window *w, uint32_t seq_lo, uint64_t *seq)
{
	int rc;

	rc = infer_seq(w, seq_lo, seq);
	if (rc != REPLAY_OK || w->size == 0)
		return rc;
	return test_seq(w, *seq);
}

/* Clears bits [from, from + n) of the ring; the range does not wrap. */
static void
clear_bits(struct replay_window *w, size_t from, size_t n)
{
	while (n > 0 && from % 64 != 0) {
		w->bitmap[from / 64] &= ~(UINT64_C(1) << (from % 64));
		from++;
		n--;
	}
	if (n >= 64) {
		memset(&w->bitmap[from / 64], 0, n / 64 * sizeof(uint64_t));
		from += n / 64 * 64;
		n %= 64;
	}
	while (n > 0) {
		w->bitmap[from / 64] &= ~(UINT64_C(1) << (from % 64));
		from++;
		n--;
	}
}

/* Moves top up to seq, clearing the bits of the numbers in between. */
static void
slide(struct replay_window *w, uint64_t seq)
{
	uint64_t count = seq - w->top;
	size_t start, first;

	if (count >= w->nbits) {
		memset(w->bitmap, 0, w->nbits / 8);
	} else {
		start = (size_t)((w->top + 1) % w->nbits);
		first = w->nbits - start;
		if (first > count)
			first = (size_t)count;
		clear_bits(w, start, first);
		clear_bits(w, 0, (size_t)count - first);
	}
	w->top = seq;
}

int
replay_update(struct replay_window *w, uint64_t seq)
{
	size_t bit;
	int rc;

	if (w->size == 0) {
		/* Only ESN inference uses top when the checks are off. */
		if (seq > w->top)
			w->top = seq;
		return REPLAY_OK;
	}
	rc = test_seq(w, seq);
	if (rc != REPLAY_OK)
		return rc;
	if (seq > w->top)
		slide(w, seq);
	bit = (size_t)(seq % w->nbits);
	w->bitmap[bit / 64] |= UINT64_C(1) << (bit % 64);
	return REPLAY_OK;
}

void
replay_counter_init(struct replay_counter *c, bool esn, bool cycle)
{
	memset(c, 0, sizeof(*c));
	c->esn = esn;
	c->cycle = cycle;
}

int
replay_counter_next(struct replay_counter *c, uint64_t *seq)
{
	uint64_t max = c->esn ? UINT64_MAX : UINT32_MAX;

	if (c->last == max) {
		if (!c->cycle)
			return REPLAY_ERR_EXHAUSTED;
		c->last = 0;
		c->cycles++;
		*seq = 0;
		return REPLAY_OK;
	}
	c->last++;
	*seq = c->last;
	return REPLAY_OK;
}
