/*
 * ESP sequence numbers (RFC 4303 sections 2.2, 3.3.3 and 3.4.3): the
 * inbound anti-replay window and the outbound counter.
 *
 * Inbound use, per packet:
 *
 *	replay_check(w, seq_lo, &seq)	before the ICV is checked: rejects
 *					duplicates and packets left of the
 *					window, and with ESN infers the high
 *					32 bits (RFC 4303 appendix A2.2)
 *	esp_decrypt(..., seq >> 32, ...)
 *	replay_update(w, seq)		only after the ICV verified, so a
 *					forged packet cannot move the window
 *
 * Window sizes count packets.  setkey's -r and sadb_sa_replay count bytes
 * (8 packets each); SADB_X_EXT_SA_REPLAY counts packets.  A size of 0 turns
 * the checks off, though with ESN the high half is still inferred.  FreeBSD
 * checks replay only on SAs with integrity protection, which is the
 * caller's decision.
 *
 * The functions return 0 or one REPLAY_ERR_* code, small positive values
 * that can index per-reason counters.
 */

#ifndef KEYD_REPLAY_H
#define KEYD_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest window FreeBSD accepts in SADB_X_EXT_SA_REPLAY, in packets. */
#define REPLAY_WINDOW_MAX	(UINT32_MAX - 32)

enum replay_status {
	REPLAY_OK = 0,
	REPLAY_ERR_DUPLICATE,	/* sequence number already accepted */
	REPLAY_ERR_OLD,		/* left of the window, or 0 */
	REPLAY_ERR_EXHAUSTED,	/* outbound counter used up */
	REPLAY_ERR_COUNT
};

/*
 * Inbound window.  Bit (s mod nbits) of bitmap is set once sequence number
 * s has been accepted.  nbits is the window size rounded up to 64, so no
 * two numbers in the window [top - size + 1, top] share a bit.
 */
struct replay_window {
	uint64_t	 top;		/* highest accepted; 0 before the first */
	uint32_t	 size;		/* window in packets, 0 = checks off */
	bool		 esn;
	uint64_t	*bitmap;
	size_t		 nbits;
};

/*
 * Sets up a window of size packets (0 to REPLAY_WINDOW_MAX).  Returns 0,
 * -EINVAL or -ENOMEM.  The bitmap takes size / 8 bytes.
 */
int	replay_window_init(struct replay_window *w, uint32_t size, bool esn);
void	replay_window_free(struct replay_window *w);

/*
 * Checks the 32 bits a packet carries.  Stores the full sequence number
 * (with ESN, the inferred high half joined to seq_lo) in *seq.  Returns 0,
 * REPLAY_ERR_DUPLICATE or REPLAY_ERR_OLD.
 */
int	replay_check(const struct replay_window *w, uint32_t seq_lo,
	    uint64_t *seq);

/*
 * Records seq, whose ICV has verified, and slides the window when seq is
 * above its top.  Repeats replay_check()'s test, because another packet
 * with the same number may have been accepted in between.  Returns 0,
 * REPLAY_ERR_DUPLICATE or REPLAY_ERR_OLD.
 */
int	replay_update(struct replay_window *w, uint64_t seq);

/*
 * Outbound counter.  The first number is 1.  Without ESN the counter ends
 * at 2^32 - 1, with ESN at 2^64 - 1 (RFC 4303 section 3.3.3).  If the SA
 * has FreeBSD's SADB_X_EXT_CYCSEQ flag, the counter instead wraps to 0 and
 * goes on, as FreeBSD's does.  RFC 4303 allows that only when the receiver
 * has anti-replay off, so cycles counts the wraps for the caller to log.
 * ESP's counter-mode IVs have their own counter and never repeat on a wrap.
 */
struct replay_counter {
	uint64_t	 last;		/* last number handed out */
	bool		 esn;
	bool		 cycle;		/* SADB_X_EXT_CYCSEQ */
	uint64_t	 cycles;
};

void	replay_counter_init(struct replay_counter *c, bool esn, bool cycle);

/*
 * Stores the next outbound sequence number in *seq.  Returns 0, or
 * REPLAY_ERR_EXHAUSTED on every call once an SA that may not cycle has
 * used its last number; the SA must then be replaced.
 */
int	replay_counter_next(struct replay_counter *c, uint64_t *seq);

/* Returns a short description of a REPLAY_ERR_* code. */
const char *replay_strerror(int status);

#endif /* KEYD_REPLAY_H */
