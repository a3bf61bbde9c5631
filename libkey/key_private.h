/*
 * Helpers shared by libkey's source files.  Not installed.
 */

#ifndef LIBKEY_KEY_PRIVATE_H
#define LIBKEY_KEY_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "libkey.h"

/* Keeps the helpers below out of libkey.so's exported symbols. */
#define KEY_HIDDEN	__attribute__((visibility("hidden")))

/* buf.c */

/*
 * Appends n zeroed bytes to b and returns a pointer to them, or NULL
 * after recording the error in b.  The pointer is valid until the next
 * append.
 */
KEY_HIDDEN uint8_t *key_buf_append(struct key_buf *b, size_t n);

/* Records err as the buffer's error unless one is recorded already. */
KEY_HIDDEN void key_buf_set_error(struct key_buf *b, int err);

/* addr.c */

/*
 * Checks the BSD sockaddr at p, of which avail bytes are readable.
 * Returns its length (16 or 28), or -1 with errno EINVAL or EAFNOSUPPORT
 * and *reason set.
 */
KEY_HIDDEN int key_bsd_check(const uint8_t *p, size_t avail,
	    const char **reason);

/* Returns the address length in bits for a BSD family: 32, 128 or 0. */
KEY_HIDDEN unsigned int key_bsd_bits(uint8_t bsd_family);

/* policy.c */

/*
 * Checks the ipsecrequest records of the policy of len bytes at policy
 * (len at least sizeof(struct sadb_x_policy)).  Returns the number of
 * records, or -1 with errno EINVAL and *reason set.
 */
KEY_HIDDEN int key_policy_check(const struct sadb_x_policy *policy,
	    size_t len, const char **reason);

#endif /* LIBKEY_KEY_PRIVATE_H */
