/*
 * Packet capture to pcap files through libpcap, as FreeBSD's enc(4) lets
 * tcpdump watch IPsec: the cleartext that crosses an ipsecN interface and
 * the ESP packets keyd sends and receives for it.  Every record is a raw
 * IP packet (LINKTYPE_RAW), IPv4 or IPv6 by its version field, so
 * cleartext and ESP share one file and tcpdump, tshark and Wireshark's
 * ESP decryption read it directly.
 *
 * The kernel adds the outer IP header of the packets keyd sends, and IPv6
 * raw sockets deliver packets without theirs, so those records carry a
 * header built here: TTL or hop limit 64, no options, IPv4 identification
 * 0.
 */

#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "keyd.h"

#define CAPTURE_SNAPLEN		65535
#define OUTER_MAX		40

struct capture {
	pcap_t *pcap;
	pcap_dumper_t *dumper;
	char *path;
	uint64_t packets;
};

static void
close_capture(struct capture *cap)
{
	if (cap->dumper != NULL)
		pcap_dump_close(cap->dumper);
	if (cap->pcap != NULL)
		pcap_close(cap->pcap);
	free(cap->path);
	free(cap);
}

/*
 * Starts writing a new pcap file at path, replacing any capture in *capp.
 * The file is created with mode 0600 and must not be a symbolic link.
 * Returns 0 or an errno value.
 */
int
capture_start(struct capture **capp, const char *path)
{
	struct capture *cap;
	FILE *f;
	int fd, error;

	if ((cap = calloc(1, sizeof(*cap))) == NULL ||
	    (cap->path = strdup(path)) == NULL) {
		free(cap);
		return ENOMEM;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		error = errno;
		close_capture(cap);
		return error;
	}
	if ((f = fdopen(fd, "wb")) == NULL) {
		error = errno;
		close(fd);
		close_capture(cap);
		return error;
	}
	cap->pcap = pcap_open_dead(DLT_RAW, CAPTURE_SNAPLEN);
	if (cap->pcap == NULL ||
	    (cap->dumper = pcap_dump_fopen(cap->pcap, f)) == NULL) {
		if (cap->pcap != NULL)
			log_warnx("capture %s: %s", path,
			    pcap_geterr(cap->pcap));
		fclose(f);
		close_capture(cap);
		return EIO;
	}
	pcap_dump_flush(cap->dumper);
	capture_stop(capp);
	*capp = cap;
	log_info("capture started: %s", path);
	return 0;
}

/* Ends the capture in *capp, if any, and closes its file. */
void
capture_stop(struct capture **capp)
{
	struct capture *cap = *capp;

	if (cap == NULL)
		return;
	log_info("capture stopped: %s, %llu packets", cap->path,
	    (unsigned long long)cap->packets);
	close_capture(cap);
	*capp = NULL;
}

const char *
capture_path(const struct capture *cap)
{
	return cap != NULL ? cap->path : NULL;
}

/* Writes one raw IP packet to the capture, if there is one. */
void
capture_packet(struct capture *cap, const void *pkt, size_t len)
{
	struct pcap_pkthdr hdr;

	if (cap == NULL)
		return;
	memset(&hdr, 0, sizeof(hdr));
	gettimeofday(&hdr.ts, NULL);
	hdr.len = (bpf_u_int32)len;
	hdr.caplen = (bpf_u_int32)(len < CAPTURE_SNAPLEN ? len :
	    CAPTURE_SNAPLEN);
	pcap_dump((u_char *)cap->dumper, &hdr, pkt);
	pcap_dump_flush(cap->dumper);
	cap->packets++;
}

static uint16_t
ipv4_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Builds the outer header for an ESP packet; returns its length. */
static size_t
outer_header(uint8_t *h, const struct sockaddr *src,
    const struct sockaddr *dst, size_t esplen)
{
	uint16_t sum;

	if (src->sa_family == AF_INET) {
		size_t total = 20 + esplen;

		memset(h, 0, 20);
		h[0] = 0x45;
		h[2] = (uint8_t)(total >> 8);
		h[3] = (uint8_t)total;
		h[8] = 64;
		h[9] = IPPROTO_ESP;
		memcpy(h + 12, &((const struct sockaddr_in *)(const void *)
		    src)->sin_addr, 4);
		memcpy(h + 16, &((const struct sockaddr_in *)(const void *)
		    dst)->sin_addr, 4);
		sum = ipv4_checksum(h, 20);
		h[10] = (uint8_t)(sum >> 8);
		h[11] = (uint8_t)sum;
		return 20;
	}
	memset(h, 0, 40);
	h[0] = 0x60;
	h[4] = (uint8_t)(esplen >> 8);
	h[5] = (uint8_t)esplen;
	h[6] = IPPROTO_ESP;
	h[7] = 64;
	memcpy(h + 8, &((const struct sockaddr_in6 *)(const void *)src)->
	    sin6_addr, 16);
	memcpy(h + 24, &((const struct sockaddr_in6 *)(const void *)dst)->
	    sin6_addr, 16);
	return 40;
}

/* Writes an ESP packet with an outer header from src to dst. */
void
capture_esp(struct capture *cap, const struct sockaddr *src,
    const struct sockaddr *dst, const void *esp, size_t len)
{
	static uint8_t buf[OUTER_MAX + 65536];
	size_t hl;

	if (cap == NULL || len > 65535 - OUTER_MAX)
		return;
	hl = outer_header(buf, src, dst, len);
	memcpy(buf + hl, esp, len);
	capture_packet(cap, buf, hl + len);
}
