#!/usr/bin/python3
"""Check the TCP checksums of the segments inside captured ESP packets.

Usage: tcp_checksums.py PCAP SA...
where each SA is SPI,SRC,DST,ENC,ENCKEY,AUTH,AUTHKEY as esp_decrypt.py
takes it.

Decrypts every ESP frame of PCAP with scapy and, for each inner IPv4 or
IPv6 packet carrying TCP, compares the checksum field with the one scapy
computes itself.  Prints the number of segments checked and of bad
checksums, then one line per bad segment.  Exits 1 if a frame does not
decrypt, a checksum is wrong, or no TCP segment was found.
"""

import sys

from scapy.layers.inet import IP, TCP
from scapy.layers.inet6 import IPv6

from esp_decrypt import esp_frames


def expected_checksum(inner):
    """Return the TCP checksum scapy computes for the inner packet."""
    fresh = inner.copy()
    del fresh[TCP].chksum
    return (IP if fresh.version == 4 else IPv6)(bytes(fresh))[TCP].chksum


def main():
    checked, bad, failed = 0, [], 0
    for n, outer, _, sa in esp_frames(sys.argv[1], sys.argv[2:]):
        if sa is None:
            continue
        try:
            inner = sa.decrypt(outer.copy())
        except Exception:  # scapy raises several types here
            failed += 1
            continue
        if not isinstance(inner, (IP, IPv6)) or TCP not in inner:
            continue
        checked += 1
        want = expected_checksum(inner)
        if inner[TCP].chksum != want:
            bad.append("frame %d: %s -> %s seq %d, %d bytes: checksum "
                       "0x%04x, expected 0x%04x"
                       % (n, inner.src, inner.dst, inner[TCP].seq,
                          len(inner[TCP].payload), inner[TCP].chksum,
                          want))
    print("%d TCP segments checked, %d bad checksums, %d frames not "
          "decrypted" % (checked, len(bad), failed))
    for line in bad:
        print(line)
    return 1 if bad or failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
