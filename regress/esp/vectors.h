/*
 * Reader for the known-answer files in vectors/: records of "key: value"
 * lines separated by a line "%%"; lines starting with '#' are comments.
 * Values named in the tests are hex strings unless stated otherwise.
 */

#ifndef REGRESS_ESP_VECTORS_H
#define REGRESS_ESP_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include <atf-c.h>

struct vfield {
	char	*key;
	char	*value;
};

struct vrecord {
	struct vfield	*fields;
	size_t		 nfields;
};

struct vfile {
	struct vrecord	*records;
	size_t		 nrecords;
};

/* Loads vectors/NAME from the test program's source directory or fails. */
void	vfile_load(const atf_tc_t *tc, const char *name, struct vfile *vf);
void	vfile_free(struct vfile *vf);

/* Returns the value of key in r, or NULL when r has no such field. */
const char *vrecord_get(const struct vrecord *r, const char *key);

/* Returns the record's name field, or "?". */
const char *vrecord_name(const struct vrecord *r);

/*
 * Decodes the hex value of key into a malloc'd buffer (never NULL, even
 * for an empty value) and stores its length in *len.  Fails the test when
 * the field is missing or not hex.
 */
uint8_t	*vrecord_hex(const struct vrecord *r, const char *key, size_t *len);

/* Decodes a hex string; returns its length or -1 if it is not hex. */
long	hex_decode(const char *hex, uint8_t *out, size_t cap);

/*
 * Checks that got equals want; on a difference records a failure that
 * names what and shows both in hex, and the test goes on.
 */
void	check_bytes(const char *what, const uint8_t *got, size_t got_len,
	    const uint8_t *want, size_t want_len);

/* Return the PF_KEY id of a setkey algorithm name or fail the test. */
uint8_t	enc_id_byname(const char *name);
uint8_t	auth_id_byname(const char *name);

#endif /* REGRESS_ESP_VECTORS_H */
