/*
 * Prints, with setkey's pfkey_spdump(), the four SADB_X_SPDDUMP messages
 * FreeBSD's kernel sends for the ipsec0 interface of the if_ipsec(4)
 * example: tunnel 192.168.0.3 to 192.168.0.5, reqid 100.  keyd has no
 * ipsec interfaces yet, so the test builds the messages here and runs
 * this program in a namespace that has an interface named ipsec0.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../setkey/setkey.h"

/* Fills ss with an address of family af and returns it as a sockaddr. */
static struct sockaddr *
addr(struct sockaddr_storage *ss, int af, const char *text)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)af;
	if (af == AF_INET) {
		if (inet_pton(af, text,
		    &((struct sockaddr_in *)ss)->sin_addr) != 1)
			errx(1, "bad address %s", text);
	} else if (inet_pton(af, text,
	    &((struct sockaddr_in6 *)ss)->sin6_addr) != 1)
		errx(1, "bad address %s", text);
	return (struct sockaddr *)ss;
}

/* Prints one interface policy as a dump message with this seq and id. */
static void
dump_policy(int af, uint8_t dir, uint32_t id, uint32_t seq,
    unsigned int ifindex)
{
	struct key_buf pol, msg;
	struct sockaddr_storage any, tsrc, tdst;
	const char *local = "192.168.0.3", *remote = "192.168.0.5";

	key_buf_init(&pol);
	key_policy_begin(&pol, IPSEC_POLICY_IPSEC, dir,
	    IPSEC_POLICYSCOPE_IFNET, id, ifindex);
	key_policy_add_request(&pol, IPSEC_PROTO_ESP, IPSEC_MODE_TUNNEL,
	    IPSEC_LEVEL_UNIQUE, 100,
	    addr(&tsrc, AF_INET, dir == IPSEC_DIR_INBOUND ? remote : local),
	    addr(&tdst, AF_INET, dir == IPSEC_DIR_INBOUND ? local : remote));

	key_buf_init(&msg);
	key_msg_begin(&msg, SADB_X_SPDDUMP, SADB_SATYPE_UNSPEC, seq, 4243);
	key_msg_add_policy(&msg, pol.data, pol.len);
	addr(&any, af, af == AF_INET ? "0.0.0.0" : "::");
	key_msg_add_address(&msg, SADB_EXT_ADDRESS_SRC, IPSEC_ULPROTO_ANY,
	    0, (struct sockaddr *)&any);
	key_msg_add_address(&msg, SADB_EXT_ADDRESS_DST, IPSEC_ULPROTO_ANY,
	    0, (struct sockaddr *)&any);
	if (key_msg_end(&msg) < 0)
		err(1, "key_msg_end");
	/* keyd reports a reference count of 1, as FreeBSD does. */
	((struct sadb_msg *)msg.data)->sadb_msg_reserved = 1;

	pfkey_spdump((const struct sadb_msg *)msg.data);
	key_buf_free(&pol);
	key_buf_free(&msg);
}

int
main(void)
{
	unsigned int ifindex = if_nametoindex("ipsec0");

	if (ifindex == 0)
		err(1, "if_nametoindex ipsec0");

	/* FreeBSD's dump order: inbound first, IPv4 before IPv6. */
	dump_policy(AF_INET, IPSEC_DIR_INBOUND, 1, 3, ifindex);
	dump_policy(AF_INET6, IPSEC_DIR_INBOUND, 3, 2, ifindex);
	dump_policy(AF_INET, IPSEC_DIR_OUTBOUND, 2, 1, ifindex);
	dump_policy(AF_INET6, IPSEC_DIR_OUTBOUND, 4, 0, ifindex);
	return 0;
}
