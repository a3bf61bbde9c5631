/*
 * Reader for the known-answer files in vectors/ (format in vectors.h).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "pfkeyv2.h"
#include "vectors.h"

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static struct vrecord *
add_record(struct vfile *vf)
{
	struct vrecord *r;

	vf->records = realloc(vf->records,
	    (vf->nrecords + 1) * sizeof(*vf->records));
	ATF_REQUIRE(vf->records != NULL);
	r = &vf->records[vf->nrecords++];
	memset(r, 0, sizeof(*r));
	return r;
}

static void
add_field(struct vrecord *r, const char *key, const char *value)
{
	struct vfield *f;

	r->fields = realloc(r->fields, (r->nfields + 1) * sizeof(*r->fields));
	ATF_REQUIRE(r->fields != NULL);
	f = &r->fields[r->nfields++];
	f->key = strdup(key);
	f->value = strdup(value);
	ATF_REQUIRE(f->key != NULL && f->value != NULL);
}

void
vfile_load(const atf_tc_t *tc, const char *name, struct vfile *vf)
{
	char path[4096], line[8192], *p, *colon;
	struct vrecord *cur = NULL;
	FILE *fp;

	memset(vf, 0, sizeof(*vf));
	snprintf(path, sizeof(path), "%s/vectors/%s",
	    atf_tc_get_config_var_wd(tc, "srcdir", "."), name);
	fp = fopen(path, "r");
	ATF_REQUIRE_MSG(fp != NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		ATF_REQUIRE_MSG(strchr(line, '\n') != NULL || feof(fp),
		    "%s: line too long", path);
		p = trim(line);
		if (*p == '#' || *p == '\0')
			continue;
		if (strcmp(p, "%%") == 0) {
			cur = NULL;
			continue;
		}
		colon = strchr(p, ':');
		ATF_REQUIRE_MSG(colon != NULL, "%s: no colon in '%s'", path, p);
		*colon = '\0';
		if (cur == NULL)
			cur = add_record(vf);
		add_field(cur, trim(p), trim(colon + 1));
	}
	fclose(fp);
	ATF_REQUIRE_MSG(vf->nrecords > 0, "%s: no records", path);
}

void
vfile_free(struct vfile *vf)
{
	size_t i, j;

	for (i = 0; i < vf->nrecords; i++) {
		for (j = 0; j < vf->records[i].nfields; j++) {
			free(vf->records[i].fields[j].key);
			free(vf->records[i].fields[j].value);
		}
		free(vf->records[i].fields);
	}
	free(vf->records);
	memset(vf, 0, sizeof(*vf));
}

const char *
vrecord_get(const struct vrecord *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].key, key) == 0)
			return r->fields[i].value;
	return NULL;
}

const char *
vrecord_name(const struct vrecord *r)
{
	const char *name = vrecord_get(r, "name");

	return name != NULL ? name : "?";
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

long
hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t i, n;
	int hi, lo;

	if (strncmp(hex, "0x", 2) == 0)
		hex += 2;
	n = strlen(hex);
	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (i = 0; i < n / 2; i++) {
		hi = nibble(hex[2 * i]);
		lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

uint8_t *
vrecord_hex(const struct vrecord *r, const char *key, size_t *len)
{
	const char *hex = vrecord_get(r, key);
	uint8_t *buf;
	long n;

	ATF_REQUIRE_MSG(hex != NULL, "%s: no field %s", vrecord_name(r), key);
	buf = malloc(strlen(hex) / 2 + 1);
	ATF_REQUIRE(buf != NULL);
	n = hex_decode(hex, buf, strlen(hex) / 2 + 1);
	ATF_REQUIRE_MSG(n >= 0, "%s: field %s is not hex", vrecord_name(r),
	    key);
	*len = (size_t)n;
	return buf;
}

static char *
hex_string(const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s;
	size_t i;

	s = malloc(2 * len + 1);
	ATF_REQUIRE(s != NULL);
	for (i = 0; i < len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 0xf];
	}
	s[2 * len] = '\0';
	return s;
}

void
check_bytes(const char *what, const uint8_t *got, size_t got_len,
    const uint8_t *want, size_t want_len)
{
	char *g, *w;

	if (got_len == want_len && memcmp(got, want, got_len) == 0)
		return;
	g = hex_string(got, got_len);
	w = hex_string(want, want_len);
	atf_tc_fail_check(__FILE__, __LINE__, "%s differs:\n got  %s\n want %s",
	    what, g, w);
	free(g);
	free(w);
}

static const struct {
	const char	*name;
	uint8_t		 id;
} enc_names[] = {
	{ "null", SADB_EALG_NULL },
	{ "3des-cbc", SADB_EALG_3DESCBC },
	{ "cast128-cbc", SADB_X_EALG_CAST128CBC },
	{ "blowfish-cbc", SADB_X_EALG_BLOWFISHCBC },
	{ "aes-cbc", SADB_X_EALG_AESCBC },
	{ "camellia-cbc", SADB_X_EALG_CAMELLIACBC },
	{ "aes-ctr", SADB_X_EALG_AESCTR },
	{ "aes-gcm-8", SADB_X_EALG_AESGCM8 },
	{ "aes-gcm-12", SADB_X_EALG_AESGCM12 },
	{ "aes-gcm-16", SADB_X_EALG_AESGCM16 },
	{ "chacha20-poly1305", SADB_X_EALG_CHACHA20POLY1305 },
}, auth_names[] = {
	{ "none", SADB_AALG_NONE },
	{ "hmac-md5", SADB_AALG_MD5HMAC },
	{ "hmac-sha1", SADB_AALG_SHA1HMAC },
	{ "hmac-sha2-256", SADB_X_AALG_SHA2_256 },
	{ "hmac-sha2-384", SADB_X_AALG_SHA2_384 },
	{ "hmac-sha2-512", SADB_X_AALG_SHA2_512 },
	{ "hmac-ripemd160", SADB_X_AALG_RIPEMD160HMAC },
	{ "aes-xcbc-mac", SADB_X_AALG_AES_XCBC_MAC },
};

uint8_t
enc_id_byname(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(enc_names) / sizeof(enc_names[0]); i++)
		if (strcmp(enc_names[i].name, name) == 0)
			return enc_names[i].id;
	atf_tc_fail("unknown encryption algorithm %s", name);
}

uint8_t
auth_id_byname(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(auth_names) / sizeof(auth_names[0]); i++)
		if (strcmp(auth_names[i].name, name) == 0)
			return auth_names[i].id;
	atf_tc_fail("unknown integrity algorithm %s", name);
}
