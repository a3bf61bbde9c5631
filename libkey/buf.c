/*
 * Growable message buffers and wiping of secrets.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libkey.h"
#include "key_private.h"

#define KEY_BUF_MINCAP	256

void
key_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		explicit_bzero(p, len);
}

void
key_buf_init(struct key_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
key_buf_free(struct key_buf *b)
{
	if (b->data != NULL) {
		key_wipe(b->data, b->cap);
		free(b->data);
	}
	key_buf_init(b);
}

void
key_buf_set_error(struct key_buf *b, int err)
{
	if (b->error == 0)
		b->error = err;
	errno = err;
}

/*
 * Moves the contents to a larger allocation.  realloc(3) is not used
 * because it may leave a copy of the keys in the old block.
 */
static int
grow(struct key_buf *b, size_t need)
{
	size_t cap;
	uint8_t *data;

	cap = b->cap < KEY_BUF_MINCAP ? KEY_BUF_MINCAP : b->cap;
	while (cap < need)
		cap *= 2;
	data = calloc(1, cap);
	if (data == NULL)
		return -1;
	if (b->data != NULL) {
		memcpy(data, b->data, b->len);
		key_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = data;
	b->cap = cap;
	return 0;
}

uint8_t *
key_buf_append(struct key_buf *b, size_t n)
{
	uint8_t *p;

	if (n > KEY_MSG_MAXLEN || b->len + n > KEY_MSG_MAXLEN) {
		key_buf_set_error(b, EMSGSIZE);
		return NULL;
	}
	if (b->len + n > b->cap && grow(b, b->len + n) == -1) {
		key_buf_set_error(b, ENOMEM);
		return NULL;
	}
	p = b->data + b->len;
	memset(p, 0, n);
	b->len += n;
	return p;
}
