/*
 * Policies: the ipsec_set_policy(3) text syntax, the ipsec_dump_policy(3)
 * layout, and building and decoding X_POLICY extensions.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "libkey.h"

/* Parses text, formats the result and compares it with expected. */
static void
roundtrip(const char *text, const char *delimiter, const char *expected)
{
	char err[256] = "";
	void *pol = NULL;
	size_t len = 0;
	char *out;

	if (key_policy_parse(text, &pol, &len, err, sizeof(err)) != 0) {
		atf_tc_fail_nonfatal("\"%s\": rejected: %s", text, err);
		return;
	}
	ATF_CHECK_EQ(len % 8, 0);
	out = key_policy_format(pol, len, delimiter);
	ATF_CHECK_MSG(out != NULL, "\"%s\": format failed: %s", text,
	    strerror(errno));
	if (out != NULL)
		ATF_CHECK_MSG(strcmp(out, expected) == 0,
		    "\"%s\": formatted as \"%s\", expected \"%s\"", text, out,
		    expected);
	free(out);
	free(pol);
}

/* Parses text, which must fail with the message expected. */
static void
parse_error(const char *text, const char *expected)
{
	char err[256] = "";
	void *pol = (void *)&err;
	size_t len = 12345;
	int rc;

	errno = 0;
	rc = key_policy_parse(text, &pol, &len, err, sizeof(err));
	ATF_CHECK_MSG(rc == -1, "\"%s\": accepted", text);
	if (rc != -1)
		return;
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_MSG(strcmp(err, expected) == 0,
	    "\"%s\": message \"%s\", expected \"%s\"", text, err, expected);
	ATF_CHECK(pol == (void *)&err);
	ATF_CHECK_EQ(len, 12345);
}

ATF_TC_WITHOUT_HEAD(parse_actions);
ATF_TC_BODY(parse_actions, tc)
{
	roundtrip("in", NULL, "in discard");
	roundtrip("out", NULL, "out discard");
	roundtrip("out discard", NULL, "out discard");
	roundtrip("in none", NULL, "in none");
	roundtrip("out ipsec", NULL, "out ipsec");
	roundtrip("in entrust", NULL, "in entrust");
	roundtrip("out bypass", NULL, "out bypass");
	roundtrip("  \tout\n  none \n", NULL, "out none");
}

ATF_TC_WITHOUT_HEAD(parse_request_forms);
ATF_TC_BODY(parse_request_forms, tc)
{
	/* p/m/a-b/level */
	roundtrip("out ipsec esp/tunnel/192.168.0.3-192.168.0.5/unique:100",
	    NULL, "out ipsec esp/tunnel/192.168.0.3-192.168.0.5/unique:100");
	roundtrip("in ipsec esp/tunnel/192.168.0.5-192.168.0.3/require", NULL,
	    "in ipsec esp/tunnel/192.168.0.5-192.168.0.3/require");
	/* p/m/a-b/ and p/m/a-b: the level defaults to default */
	roundtrip("out ipsec ah/tunnel/10.0.0.1-10.0.0.2/", NULL,
	    "out ipsec ah/tunnel/10.0.0.1-10.0.0.2/default");
	roundtrip("out ipsec ah/tunnel/10.0.0.1-10.0.0.2", NULL,
	    "out ipsec ah/tunnel/10.0.0.1-10.0.0.2/default");
	/* p/m/, p/m//level and p/m */
	roundtrip("out ipsec esp/transport/", NULL,
	    "out ipsec esp/transport//default");
	roundtrip("out ipsec esp/transport//use", NULL,
	    "out ipsec esp/transport//use");
	roundtrip("in ipsec ipcomp/transport", NULL,
	    "in ipsec ipcomp/transport//default");
	roundtrip("out ipsec tcp/transport//require", NULL,
	    "out ipsec tcp/transport//require");
	/* Transport requests may carry addresses too. */
	roundtrip("out ipsec esp/transport/192.0.2.1-192.0.2.2/require", NULL,
	    "out ipsec esp/transport/192.0.2.1-192.0.2.2/require");
	/* me-any out, any-me in: no addresses */
	roundtrip("out ipsec esp/transport/me-any/require", NULL,
	    "out ipsec esp/transport//require");
	roundtrip("in ipsec esp/transport/any-me/unique", NULL,
	    "in ipsec esp/transport//unique");
	/* IPv6 tunnel endpoints */
	roundtrip("out ipsec esp/tunnel/2001:db8::1-2001:db8::2/unique:7",
	    NULL, "out ipsec esp/tunnel/2001:db8::1-2001:db8::2/unique:7");
}

ATF_TC_WITHOUT_HEAD(parse_levels);
ATF_TC_BODY(parse_levels, tc)
{
	roundtrip("out ipsec esp/transport//default", NULL,
	    "out ipsec esp/transport//default");
	roundtrip("out ipsec esp/transport//require", NULL,
	    "out ipsec esp/transport//require");
	roundtrip("out ipsec esp/transport//unique", NULL,
	    "out ipsec esp/transport//unique");
	roundtrip("out ipsec esp/transport//unique:1", NULL,
	    "out ipsec esp/transport//unique:1");
	/* 16383 is the last manual reqid; above it the dump uses '#'. */
	roundtrip("out ipsec esp/transport//unique:16383", NULL,
	    "out ipsec esp/transport//unique:16383");
	roundtrip("out ipsec esp/transport//unique:16384", NULL,
	    "out ipsec esp/transport//unique#16384");
	roundtrip("out ipsec esp/transport//unique:65535", NULL,
	    "out ipsec esp/transport//unique#65535");
	/* Reqid 0 leaves the choice to the kernel and prints as unique. */
	roundtrip("out ipsec esp/transport//unique:0", NULL,
	    "out ipsec esp/transport//unique");
}

ATF_TC_WITHOUT_HEAD(parse_several_requests);
ATF_TC_BODY(parse_several_requests, tc)
{
	roundtrip("out ipsec esp/transport//require ah/transport//require",
	    NULL, "out ipsec esp/transport//require ah/transport//require");
	roundtrip("out ipsec\n\tesp/transport//require\n\tah/transport//use",
	    "\n\t",
	    "out ipsec\n\tesp/transport//require\n\tah/transport//use");
	roundtrip("out ipsec ipcomp/transport//use esp/transport//require "
	    "ah/transport//require esp/tunnel/10.0.0.1-10.0.0.2/require",
	    "|", "out ipsec|ipcomp/transport//use|esp/transport//require|"
	    "ah/transport//require|esp/tunnel/10.0.0.1-10.0.0.2/require");
}

ATF_TC_WITHOUT_HEAD(parse_wire_layout);
ATF_TC_BODY(parse_wire_layout, tc)
{
	struct key_ipsecrequest reqs[KEY_POLICY_MAXREQ];
	struct sadb_x_policy hdr;
	struct sockaddr_in *s, *d;
	char err[128];
	void *pol;
	size_t len, n;
	uint16_t rlen;

	ATF_REQUIRE_EQ(key_policy_parse(
	    "out ipsec esp/tunnel/192.168.0.3-192.168.0.5/unique:100 "
	    "ah/transport//use", &pol, &len, err, sizeof(err)), 0);
	/* header 16, IPv4 tunnel request 8+16+16, bare request 8 */
	ATF_REQUIRE_EQ(len, 16 + 40 + 8);
	memcpy(&hdr, pol, sizeof(hdr));
	ATF_CHECK_EQ(hdr.sadb_x_policy_len, len / 8);
	ATF_CHECK_EQ(hdr.sadb_x_policy_exttype, SADB_X_EXT_POLICY);
	ATF_CHECK_EQ(hdr.sadb_x_policy_type, IPSEC_POLICY_IPSEC);
	ATF_CHECK_EQ(hdr.sadb_x_policy_dir, IPSEC_DIR_OUTBOUND);
	ATF_CHECK_EQ(hdr.sadb_x_policy_id, 0u);
	memcpy(&rlen, (uint8_t *)pol + 16, sizeof(rlen));
	ATF_CHECK_EQ(rlen, 40);
	ATF_CHECK_EQ(((uint8_t *)pol)[16 + 8], 16);	/* sa_len */
	ATF_CHECK_EQ(((uint8_t *)pol)[16 + 9], KEY_AF_INET);
	ATF_CHECK_EQ(((uint8_t *)pol)[16 + 15], 3);
	ATF_CHECK_EQ(((uint8_t *)pol)[16 + 31], 5);
	memcpy(&rlen, (uint8_t *)pol + 56, sizeof(rlen));
	ATF_CHECK_EQ(rlen, 8);

	ATF_REQUIRE_EQ(key_policy_requests(pol, len, reqs, KEY_POLICY_MAXREQ,
	    &n), 0);
	ATF_REQUIRE_EQ(n, 2);
	ATF_CHECK_EQ(reqs[0].proto, IPSEC_PROTO_ESP);
	ATF_CHECK_EQ(reqs[0].mode, IPSEC_MODE_TUNNEL);
	ATF_CHECK_EQ(reqs[0].level, IPSEC_LEVEL_UNIQUE);
	ATF_CHECK_EQ(reqs[0].reqid, 100);
	ATF_CHECK(reqs[0].has_addrs);
	s = (struct sockaddr_in *)&reqs[0].src;
	d = (struct sockaddr_in *)&reqs[0].dst;
	ATF_CHECK_EQ(s->sin_family, AF_INET);
	ATF_CHECK_EQ(ntohl(s->sin_addr.s_addr), 0xc0a80003u);
	ATF_CHECK_EQ(ntohl(d->sin_addr.s_addr), 0xc0a80005u);
	ATF_CHECK_EQ(reqs[1].proto, IPSEC_PROTO_AH);
	ATF_CHECK_EQ(reqs[1].mode, IPSEC_MODE_TRANSPORT);
	ATF_CHECK_EQ(reqs[1].level, IPSEC_LEVEL_USE);
	ATF_CHECK_EQ(reqs[1].reqid, 0);
	ATF_CHECK(!reqs[1].has_addrs);

	/* A smaller array than the policy's requests is an error. */
	ATF_CHECK_EQ(key_policy_requests(pol, len, reqs, 1, &n), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	free(pol);
}

ATF_TC_WITHOUT_HEAD(parse_errors_head);
ATF_TC_BODY(parse_errors_head, tc)
{
	parse_error("", "Too few arguments while parsing \"\"");
	parse_error("   ", "Too few arguments while parsing \"\"");
	parse_error("fwd", "Invalid direction (in or out) while parsing "
	    "\"fwd\"");
	parse_error("any ipsec", "Invalid direction (in or out) while "
	    "parsing \"any\"");
	parse_error("OUT", "Invalid direction (in or out) while parsing "
	    "\"OUT\"");
	parse_error("out priority 5", "Invalid security policy while "
	    "parsing \"priority\"");
	parse_error("out discard esp/transport//require",
	    "Invalid security policy (requests need the ipsec action) "
	    "while parsing \"esp/transport//require\"");
	parse_error("in none ah/transport",
	    "Invalid security policy (requests need the ipsec action) "
	    "while parsing \"ah/transport\"");
}

ATF_TC_WITHOUT_HEAD(parse_errors_request);
ATF_TC_BODY(parse_errors_request, tc)
{
	parse_error("out ipsec esp", "Too few arguments while parsing "
	    "\"esp\"");
	parse_error("out ipsec esp/", "Too few arguments while parsing "
	    "\"esp/\"");
	parse_error("out ipsec foo/transport", "Invalid ipsec protocol "
	    "while parsing \"foo/transport\"");
	parse_error("out ipsec esp/any", "Invalid ipsec mode while parsing "
	    "\"esp/any\"");
	parse_error("out ipsec esp/beet//require", "Invalid ipsec mode "
	    "while parsing \"esp/beet//require\"");
	parse_error("out ipsec esp/transport//require/x", "Invalid security "
	    "policy while parsing \"esp/transport//require/x\"");
	parse_error("out ipsec esp/transport//a esp/transport//b "
	    "esp/transport//c", "Invalid ipsec level while parsing "
	    "\"esp/transport//a\"");
}

ATF_TC_WITHOUT_HEAD(parse_errors_addresses);
ATF_TC_BODY(parse_errors_addresses, tc)
{
	parse_error("out ipsec esp/tunnel", "Invalid address specification "
	    "(tunnel mode requires SRC-DST) while parsing \"esp/tunnel\"");
	parse_error("out ipsec esp/tunnel//require", "Invalid address "
	    "specification (tunnel mode requires SRC-DST) while parsing "
	    "\"esp/tunnel//require\"");
	parse_error("out ipsec esp/tunnel/me-any/require", "Invalid address "
	    "specification (tunnel mode requires SRC-DST) while parsing "
	    "\"esp/tunnel/me-any/require\"");
	parse_error("in ipsec esp/transport/me-any", "Invalid direction "
	    "while parsing \"esp/transport/me-any\"");
	parse_error("out ipsec esp/transport/any-me", "Invalid direction "
	    "while parsing \"esp/transport/any-me\"");
	parse_error("out ipsec esp/tunnel/192.168.0.3-2001:db8::1/require",
	    "Family mismatch while parsing "
	    "\"esp/tunnel/192.168.0.3-2001:db8::1/require\"");
	parse_error("out ipsec esp/tunnel/localhost-192.168.0.5",
	    "Invalid address specification while parsing "
	    "\"esp/tunnel/localhost-192.168.0.5\"");
	parse_error("out ipsec esp/tunnel/192.168.0.3",
	    "Invalid address specification while parsing "
	    "\"esp/tunnel/192.168.0.3\"");
	parse_error("out ipsec esp/tunnel/192.168.0.3-",
	    "Invalid address specification while parsing "
	    "\"esp/tunnel/192.168.0.3-\"");
	parse_error("out ipsec esp/tunnel/192.168.0.256-192.168.0.5",
	    "Invalid address specification while parsing "
	    "\"esp/tunnel/192.168.0.256-192.168.0.5\"");
}

ATF_TC_WITHOUT_HEAD(parse_errors_level);
ATF_TC_BODY(parse_errors_level, tc)
{
	parse_error("out ipsec esp/transport//sometimes", "Invalid ipsec "
	    "level while parsing \"esp/transport//sometimes\"");
	parse_error("out ipsec esp/transport//unique:", "Invalid ipsec level "
	    "while parsing \"esp/transport//unique:\"");
	parse_error("out ipsec esp/transport//unique:65536", "Invalid ipsec "
	    "level while parsing \"esp/transport//unique:65536\"");
	parse_error("out ipsec esp/transport//unique:-1", "Invalid ipsec "
	    "level while parsing \"esp/transport//unique:-1\"");
	parse_error("out ipsec esp/transport//unique:5x", "Invalid ipsec "
	    "level while parsing \"esp/transport//unique:5x\"");
	parse_error("out ipsec esp/transport//require:5", "Invalid ipsec "
	    "level while parsing \"esp/transport//require:5\"");
}

ATF_TC_WITHOUT_HEAD(parse_too_many_requests);
ATF_TC_BODY(parse_too_many_requests, tc)
{
	parse_error("out ipsec esp/transport//use ah/transport//use "
	    "ipcomp/transport//use esp/transport//require "
	    "ah/transport//require", "Too many requests (at most 4) while "
	    "parsing \"ah/transport//require\"");
}

ATF_TC_WITHOUT_HEAD(parse_bad_arguments);
ATF_TC_BODY(parse_bad_arguments, tc)
{
	char longtext[600];
	char err[8];
	void *pol;
	size_t len;

	ATF_CHECK_EQ(key_policy_parse(NULL, &pol, &len, NULL, 0), -1);
	ATF_CHECK_EQ(errno, EINVAL);

	/* No error buffer, and one too small for the message. */
	ATF_CHECK_EQ(key_policy_parse("fwd", &pol, &len, NULL, 0), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(key_policy_parse("fwd", &pol, &len, err, sizeof(err)),
	    -1);
	ATF_CHECK_STREQ(err, "Invalid");

	/* A token longer than any valid one. */
	memset(longtext, 'a', sizeof(longtext) - 1);
	memcpy(longtext, "out ipsec ", 10);
	longtext[sizeof(longtext) - 1] = '\0';
	ATF_CHECK_EQ(key_policy_parse(longtext, &pol, &len, NULL, 0), -1);
	ATF_CHECK_EQ(errno, EINVAL);
}

/* Builds a policy with the builder and checks its formatted text. */
ATF_TC_WITHOUT_HEAD(build_and_format);
ATF_TC_BODY(build_and_format, tc)
{
	struct sockaddr_in6 s6, d6;
	struct sockaddr_in s4;
	struct key_buf b;
	char *text;

	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	d6 = s6;
	ATF_REQUIRE(inet_pton(AF_INET6, "2001:db8::a", &s6.sin6_addr) == 1);
	ATF_REQUIRE(inet_pton(AF_INET6, "2001:db8::b", &d6.sin6_addr) == 1);

	key_buf_init(&b);
	ATF_REQUIRE_EQ(key_policy_begin(&b, IPSEC_POLICY_IPSEC,
	    IPSEC_DIR_INBOUND, IPSEC_POLICYSCOPE_IFNET, 3, 12), 0);
	ATF_REQUIRE_EQ(key_policy_add_request(&b, IPSEC_PROTO_ESP,
	    IPSEC_MODE_TUNNEL, IPSEC_LEVEL_UNIQUE, 16385,
	    (struct sockaddr *)&s6, (struct sockaddr *)&d6), 0);
	ATF_CHECK_EQ(b.len, 16 + 64);
	text = key_policy_format((struct sadb_x_policy *)(void *)b.data,
	    b.len, "\n\t");
	ATF_REQUIRE(text != NULL);
	ATF_CHECK_STREQ(text,
	    "in ipsec\n\tesp/tunnel/2001:db8::a-2001:db8::b/unique#16385");
	free(text);

	/* A second begin on a non-empty buffer is refused. */
	ATF_CHECK_EQ(key_policy_begin(&b, IPSEC_POLICY_IPSEC,
	    IPSEC_DIR_INBOUND, 0, 0, 0), -1);
	ATF_CHECK_EQ(errno, EINVAL);

	/* Only one endpoint, or endpoints of two families. */
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	ATF_CHECK_EQ(key_policy_add_request(&b, IPSEC_PROTO_ESP,
	    IPSEC_MODE_TUNNEL, 0, 0, (struct sockaddr *)&s4, NULL), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	ATF_CHECK_EQ(key_policy_add_request(&b, IPSEC_PROTO_ESP,
	    IPSEC_MODE_TUNNEL, 0, 0, (struct sockaddr *)&s4,
	    (struct sockaddr *)&d6), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	key_buf_free(&b);

	/* A request before key_policy_begin() has no header to join. */
	ATF_CHECK_EQ(key_policy_add_request(&b, IPSEC_PROTO_ESP,
	    IPSEC_MODE_TRANSPORT, 0, 0, NULL, NULL), -1);
	ATF_CHECK_EQ(errno, EINVAL);
	key_buf_free(&b);
}

ATF_TC_WITHOUT_HEAD(format_rejects_malformed);
ATF_TC_BODY(format_rejects_malformed, tc)
{
	struct sadb_x_policy *pol;
	struct key_buf b;
	uint16_t v;

	key_buf_init(&b);
	ATF_REQUIRE_EQ(key_policy_begin(&b, IPSEC_POLICY_IPSEC,
	    IPSEC_DIR_OUTBOUND, 0, 0, 0), 0);
	ATF_REQUIRE_EQ(key_policy_add_request(&b, IPSEC_PROTO_ESP,
	    IPSEC_MODE_TRANSPORT, IPSEC_LEVEL_REQUIRE, 0, NULL, NULL), 0);
	pol = (struct sadb_x_policy *)(void *)b.data;

	ATF_CHECK(key_policy_format(pol, 8, NULL) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);

	pol->sadb_x_policy_dir = IPSEC_DIR_MAX;
	ATF_CHECK(key_policy_format(pol, b.len, NULL) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	pol->sadb_x_policy_dir = IPSEC_DIR_OUTBOUND;

	pol->sadb_x_policy_type = 5;
	ATF_CHECK(key_policy_format(pol, b.len, NULL) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	pol->sadb_x_policy_type = IPSEC_POLICY_IPSEC;

	/* Request length 4, then an unknown level. */
	v = 4;
	memcpy(b.data + 16, &v, sizeof(v));
	ATF_CHECK(key_policy_format(pol, b.len, NULL) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	v = 8;
	memcpy(b.data + 16, &v, sizeof(v));
	b.data[16 + 5] = 9;
	ATF_CHECK(key_policy_format(pol, b.len, NULL) == NULL);
	ATF_CHECK_EQ(errno, EINVAL);
	b.data[16 + 5] = IPSEC_LEVEL_USE;

	/* Repaired, the same bytes format again. */
	{
		char *text = key_policy_format(pol, b.len, NULL);

		ATF_REQUIRE(text != NULL);
		ATF_CHECK_STREQ(text, "out ipsec esp/transport//use");
		free(text);
	}
	key_buf_free(&b);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, parse_actions);
	ATF_TP_ADD_TC(tp, parse_request_forms);
	ATF_TP_ADD_TC(tp, parse_levels);
	ATF_TP_ADD_TC(tp, parse_several_requests);
	ATF_TP_ADD_TC(tp, parse_wire_layout);
	ATF_TP_ADD_TC(tp, parse_errors_head);
	ATF_TP_ADD_TC(tp, parse_errors_request);
	ATF_TP_ADD_TC(tp, parse_errors_addresses);
	ATF_TP_ADD_TC(tp, parse_errors_level);
	ATF_TP_ADD_TC(tp, parse_too_many_requests);
	ATF_TP_ADD_TC(tp, parse_bad_arguments);
	ATF_TP_ADD_TC(tp, build_and_format);
	ATF_TP_ADD_TC(tp, format_rejects_malformed);
	return atf_no_error();
}
