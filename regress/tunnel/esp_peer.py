#!/usr/bin/python3
"""Play host B of a tunnel with scapy's ESP implementation.

Receives ESP on a raw IP-protocol-50 socket, decrypts it with scapy's
SecurityAssociation, and replies to every ICMP or ICMPv6 echo request
inside with an echo reply that scapy encrypts itself and sends as ESP.
Nothing of the code under test is involved, so a ping through the tunnel
succeeds only if the other end's ESP interoperates with scapy's.

Writes one line per received packet to standard output:
    rx spi=N seq=N inner=SUMMARY
    tx spi=N seq=N inner=SUMMARY
    bad spi=N seq=N error=TEXT
and exits after --count replies or --timeout seconds, with status 0 when
it sent --count replies and 1 otherwise.
"""

import argparse
import select
import socket
import struct
import sys
import time

from scapy.layers.inet import ICMP, IP
from scapy.layers.inet6 import ICMPv6EchoReply, ICMPv6EchoRequest, IPv6
from scapy.layers.ipsec import ESP
from scapy.packet import Raw

from esp_sa import make_sa


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--local", required=True, help="outer address of B")
    p.add_argument("--remote", required=True, help="outer address of A")
    p.add_argument("--spi-in", type=int, required=True,
                   help="SPI of the SA from A to B")
    p.add_argument("--spi-out", type=int, required=True,
                   help="SPI of the SA from B to A")
    p.add_argument("--enc", required=True,
                   help="setkey's cipher name, such as aes-gcm-16")
    p.add_argument("--enc-key-in", required=True,
                   help="hex key of the SA from A to B (with salt)")
    p.add_argument("--enc-key-out", required=True,
                   help="hex key of the SA from B to A (with salt)")
    p.add_argument("--auth", default="none",
                   help="setkey's integrity algorithm name, such as "
                   "hmac-sha1")
    p.add_argument("--auth-key-in", default="", help="hex integrity key")
    p.add_argument("--auth-key-out", default="", help="hex integrity key")
    p.add_argument("--esn", action="store_true",
                   help="use extended sequence numbers (setkey -esn)")
    p.add_argument("--count", type=int, required=True,
                   help="echo replies to send before exiting")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds to wait for the echo requests")
    p.add_argument("--ready", help="file to create once the socket is open")
    return p.parse_args()


def echo_reply(inner):
    """Return the echo reply to inner, or None if it is no echo request."""
    if IP in inner and ICMP in inner and inner[ICMP].type == 8:
        req = inner[ICMP]
        return (IP(src=inner[IP].dst, dst=inner[IP].src) /
                ICMP(type=0, id=req.id, seq=req.seq) /
                Raw(bytes(req.payload)))
    if IPv6 in inner and ICMPv6EchoRequest in inner:
        req = inner[ICMPv6EchoRequest]
        return (IPv6(src=inner[IPv6].dst, dst=inner[IPv6].src) /
                ICMPv6EchoReply(id=req.id, seq=req.seq, data=req.data))
    return None


def outer_packet(v6, data, src, dst):
    """Rebuild the outer packet: IPv6 raw sockets drop the IP header."""
    if not v6:
        return IP(data)
    return IPv6(src=src, dst=dst, nh=50, plen=len(data)) / ESP(data)


def main():
    args = parse_args()
    v6 = ":" in args.local
    family = socket.AF_INET6 if v6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_RAW, 50)
    sock.bind((args.local, 0))
    sa_in = make_sa(args.spi_in, args.remote, args.local, args.enc,
                    args.enc_key_in, args.auth, args.auth_key_in,
                    esn=args.esn)
    sa_out = make_sa(args.spi_out, args.local, args.remote, args.enc,
                     args.enc_key_out, args.auth, args.auth_key_out,
                     esn=args.esn)
    if args.ready:
        open(args.ready, "w").close()

    replies = 0
    deadline = time.monotonic() + args.timeout
    while replies < args.count:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            break
        data, addr = sock.recvfrom(65535)
        pkt = outer_packet(v6, data, addr[0], args.local)
        if v6:
            spi, seq = struct.unpack("!II", data[:8])
        else:
            spi, seq = pkt[ESP].spi, pkt[ESP].seq
        if addr[0] != args.remote or spi != args.spi_in:
            print(f"bad spi={spi} seq={seq} error=unexpected sender "
                  f"{addr[0]} or SPI", flush=True)
            continue
        try:
            inner = sa_in.decrypt(pkt)
        except Exception as e:  # scapy raises several types here
            print(f"bad spi={spi} seq={seq} error={e!r}", flush=True)
            continue
        print(f"rx spi={spi} seq={seq} inner={inner.summary()}", flush=True)
        reply = echo_reply(inner)
        if reply is None:
            continue
        esp = sa_out.encrypt(reply)
        payload = bytes(esp[ESP])
        sock.sendto(payload, (args.remote, 0))
        print(f"tx spi={args.spi_out} seq={esp[ESP].seq} "
              f"inner={reply.summary()}", flush=True)
        replies += 1
    return 0 if replies == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
