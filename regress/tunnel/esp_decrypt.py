#!/usr/bin/python3
"""Decrypt the ESP packets of a pcap file with scapy.

Usage: esp_decrypt.py PCAP SA...
where each SA is SPI,SRC,DST,ENC,ENCKEY,AUTH,AUTHKEY with setkey's
algorithm names and hex keys (AUTH "none" and AUTHKEY empty for no
integrity algorithm).

Prints one line per ESP frame in the layout of the tunnel tests'
tshark_decrypt:
    frame|spi|seq|icv good|icv bad|IPv4 sources|IPv6 sources|ICMP type|
    ICMPv6 type|ICMP id|ICMP seq|IV
with the outer and the inner source address in the source columns, and
the explicit IV in hex.  A
frame whose ICV or padding does not verify gets "0|1" and no inner
columns; a frame with no matching SA gets empty ICV columns.
"""

import sys

from scapy.layers.inet import ICMP, IP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import ESP
from scapy.utils import rdpcap

from esp_sa import make_sa


def parse_sa(text):
    spi, src, dst, enc, enc_key, auth, auth_key = text.split(",")
    return (int(spi), src, dst), make_sa(int(spi), src, dst, enc, enc_key,
                                         auth, auth_key)


def outer_of(frame):
    if IP in frame and frame[IP].proto == 50:
        return frame[IP]
    if IPv6 in frame and frame[IPv6].nh == 50:
        return frame[IPv6]
    return None


def columns(outer, inner):
    v4 = [outer.src] if outer.version == 4 else []
    v6 = [outer.src] if outer.version == 6 else []
    icmp_type = icmp6_type = ident = seq = ""
    # A dummy packet (next header 59) decrypts to no IP packet.
    if isinstance(inner, (IP, IPv6)):
        (v4 if inner.version == 4 else v6).append(inner.src)
        if ICMP in inner:
            icmp_type = str(inner[ICMP].type)
            ident, seq = str(inner[ICMP].id), str(inner[ICMP].seq)
        elif inner.version == 6 and inner.nh == 58:
            icmp6_type = str(bytes(inner.payload)[0])
    return [",".join(v4), ",".join(v6), icmp_type, icmp6_type, ident, seq]


def esp_frames(path, sa_args):
    """Yield (frame number, outer header, ESP layer, SA or None) for each
    ESP frame of the pcap file at path, with the SAs given as SA
    arguments."""
    sas = dict(parse_sa(a) for a in sa_args)
    for n, frame in enumerate(rdpcap(path), 1):
        outer = outer_of(frame)
        if outer is None:
            continue
        esp = outer[ESP]
        yield n, outer, esp, sas.get((esp.spi, outer.src, outer.dst))


def main():
    for n, outer, esp, sa in esp_frames(sys.argv[1], sys.argv[2:]):
        good = bad = iv = ""
        inner = None
        if sa is not None:
            iv = esp.data[:sa.crypt_algo.iv_size].hex()
            try:
                inner = sa.decrypt(outer.copy())
                good, bad = "1", "0"
                # tshark reports no ICV check without an integrity
                # algorithm, and so does this script.
                if sa.auth_algo.icv_size == 0 and \
                        not sa.crypt_algo.is_aead:
                    good = bad = ""
            except Exception:  # scapy raises several types here
                good, bad = "0", "1"
        print("|".join([str(n), "0x%08x" % esp.spi, str(esp.seq), good, bad]
                       + columns(outer, inner) + [iv]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
