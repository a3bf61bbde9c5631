/*
 * key_msg_parse() on the private interface messages of ifipsecctl and
 * keyd: their private extensions are accepted there and nowhere else.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include "libkey.h"

struct raw {
	uint8_t b[512];
	size_t len;
};

static void
raw_begin(struct raw *r, uint8_t type, uint8_t satype)
{
	memset(r, 0, sizeof(*r));
	r->b[0] = PF_KEY_V2;
	r->b[1] = type;
	r->b[3] = satype;
	r->len = sizeof(struct sadb_msg);
}

static uint8_t *
raw_ext(struct raw *r, uint16_t type, size_t bytes)
{
	uint8_t *p = r->b + r->len;
	uint16_t units = (uint16_t)(bytes / 8);

	ATF_REQUIRE(r->len + bytes <= sizeof(r->b));
	memcpy(p, &units, 2);
	memcpy(p + 2, &type, 2);
	r->len += bytes;
	return p;
}

static void
raw_end(struct raw *r)
{
	uint16_t units = (uint16_t)(r->len / 8);

	memcpy(r->b + 4, &units, 2);
}

static void
raw_if(struct raw *r, const char *name)
{
	uint8_t *p = raw_ext(r, SADB_X_EXT_IF, sizeof(struct sadb_x_if));

	memcpy(p + offsetof(struct sadb_x_if, sadb_x_if_name), name,
	    strlen(name));
}

/* A BSD sockaddr_in address extension for 192.0.2.LAST. */
static void
raw_addr(struct raw *r, uint16_t type, uint8_t last)
{
	uint8_t *p = raw_ext(r, type, 24);

	p[4] = 255;
	p[5] = 32;
	p[8] = 16;
	p[9] = KEY_AF_INET;
	p[12] = 192;
	p[14] = 2;
	p[15] = last;
}

ATF_TC_WITHOUT_HEAD(struct_sizes);
ATF_TC_BODY(struct_sizes, tc)
{
	ATF_CHECK_EQ(sizeof(struct sadb_x_if), 40);
	ATF_CHECK_EQ(sizeof(struct sadb_x_if_stats), 8);
}

ATF_TC_WITHOUT_HEAD(if_ext_accepted);
ATF_TC_BODY(if_ext_accepted, tc)
{
	struct key_msg m;
	struct raw r;
	int type;

	for (type = SADB_X_IF_CREATE; type <= SADB_X_IF_CAPTURE; type++) {
		raw_begin(&r, (uint8_t)type, 0);
		raw_if(&r, "ipsec0");
		raw_end(&r);
		ATF_CHECK_MSG(key_msg_parse(&m, r.b, r.len) == 0,
		    "type %d rejected: %s", type,
		    m.reason != NULL ? m.reason : "?");
	}
}

ATF_TC_WITHOUT_HEAD(tunnel_addresses_checked);
ATF_TC_BODY(tunnel_addresses_checked, tc)
{
	struct key_msg m;
	struct raw r;

	raw_begin(&r, SADB_X_IF_SETTUNNEL, 0);
	raw_if(&r, "ipsec0");
	raw_addr(&r, SADB_EXT_ADDRESS_SRC, 3);
	raw_addr(&r, SADB_EXT_ADDRESS_DST, 5);
	raw_end(&r);
	ATF_REQUIRE(key_msg_parse(&m, r.b, r.len) == 0);
	ATF_CHECK(m.ext[SADB_EXT_ADDRESS_SRC] != NULL);
	ATF_CHECK(m.ext[SADB_EXT_ADDRESS_DST] != NULL);

	/* A bad sockaddr length byte is still rejected. */
	r.b[r.len - 24 + 8] = 12;
	errno = 0;
	ATF_CHECK_EQ(key_msg_parse(&m, r.b, r.len), -1);
	ATF_CHECK_EQ(errno, EINVAL);
}

ATF_TC_WITHOUT_HEAD(stats_and_path_accepted);
ATF_TC_BODY(stats_and_path_accepted, tc)
{
	struct key_msg m;
	struct raw r;
	uint8_t *p;

	raw_begin(&r, SADB_X_IF_STATS, 0);
	raw_if(&r, "ipsec0");
	p = raw_ext(&r, SADB_X_EXT_IF_STATS, 8 + 8 * 2);
	p[4] = 2;
	raw_end(&r);
	ATF_CHECK_EQ(key_msg_parse(&m, r.b, r.len), 0);

	raw_begin(&r, SADB_X_IF_CAPTURE, 0);
	raw_if(&r, "ipsec0");
	p = raw_ext(&r, SADB_X_EXT_IF_PATH, 16);
	memcpy(p + 4, "/tmp/a", 6);
	raw_end(&r);
	ATF_CHECK_EQ(key_msg_parse(&m, r.b, r.len), 0);
}

ATF_TC_WITHOUT_HEAD(if_ext_rejected_elsewhere);
ATF_TC_BODY(if_ext_rejected_elsewhere, tc)
{
	static const uint8_t types[] = {
		SADB_X_SPDDUMP, SADB_FLUSH, SADB_X_SPDFLUSH, SADB_REGISTER
	};
	struct key_msg m;
	struct raw r;
	size_t i;

	for (i = 0; i < sizeof(types); i++) {
		raw_begin(&r, types[i], 0);
		raw_if(&r, "ipsec0");
		raw_end(&r);
		errno = 0;
		ATF_CHECK_EQ_MSG(key_msg_parse(&m, r.b, r.len), -1,
		    "type %u accepted", types[i]);
		ATF_CHECK_EQ(errno, EINVAL);
	}
}

ATF_TC_WITHOUT_HEAD(unknown_private_ext_rejected);
ATF_TC_BODY(unknown_private_ext_rejected, tc)
{
	struct key_msg m;
	struct raw r;

	raw_begin(&r, SADB_X_IF_CREATE, 0);
	raw_ext(&r, SADB_X_EXT_IF_LAST + 1, 8);
	raw_end(&r);
	errno = 0;
	ATF_CHECK_EQ(key_msg_parse(&m, r.b, r.len), -1);
	ATF_CHECK_EQ(errno, EINVAL);
}

ATF_TC_WITHOUT_HEAD(truncated_private_ext_rejected);
ATF_TC_BODY(truncated_private_ext_rejected, tc)
{
	struct key_msg m;
	struct raw r;

	raw_begin(&r, SADB_X_IF_CREATE, 0);
	raw_if(&r, "ipsec0");
	raw_end(&r);
	/* The header claims one more 8-byte unit than the message has. */
	r.b[16] = (uint8_t)(sizeof(struct sadb_x_if) / 8 + 1);
	errno = 0;
	ATF_CHECK_EQ(key_msg_parse(&m, r.b, r.len), -1);
	ATF_CHECK_EQ(errno, EINVAL);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, struct_sizes);
	ATF_TP_ADD_TC(tp, if_ext_accepted);
	ATF_TP_ADD_TC(tp, tunnel_addresses_checked);
	ATF_TP_ADD_TC(tp, stats_and_path_accepted);
	ATF_TP_ADD_TC(tp, if_ext_rejected_elsewhere);
	ATF_TP_ADD_TC(tp, unknown_private_ext_rejected);
	ATF_TP_ADD_TC(tp, truncated_private_ext_rejected);
	return atf_no_error();
}
