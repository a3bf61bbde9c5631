#!/usr/bin/python3
"""Send hostile ESP packets to a tunnel endpoint.

    esp_inject.py replay PCAP SPI [INDEX]
        Re-sends, unchanged, the INDEX-th (from 1, default 1) ESP packet
        with SPI found in PCAP, to the destination it had.
    esp_inject.py craft --spi N --src A --dst B --enc ALG --enc-key HEX
                  [--auth ALG --auth-key HEX] --seq N --ident N
                  [--fault icv|truncate]
        Encrypts with scapy an ICMP echo request from 172.16.0.3 to
        172.16.0.5 (identifier --ident) as the SA would, with sequence
        number --seq, optionally damages it, and sends it from A to B.
        --fault icv flips the last bit of the ICV; --fault truncate keeps
        only the SPI, the sequence number and 4 more bytes; --fault dummy
        sends instead a dummy packet (next header 59, RFC 4303 section
        2.6) of 20 bytes.  --fault pad-middle, pad-last and pad-random
        replace the pad bytes 1, 2, 3, ... before encryption: the fourth
        becomes 0xff, the last becomes one less than the pad length, or
        all become random bytes.

Packets leave through a raw IP-protocol-50 socket, so the kernel adds the
outer IP header.  Prints what it sent.
"""

import argparse
import os
import socket
import sys

from scapy.layers.inet import ICMP, IP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import ESP
from scapy.packet import Raw
from scapy.utils import rdpcap

from esp_sa import make_sa


def send_esp(src, dst, payload):
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    with socket.socket(family, socket.SOCK_RAW, 50) as sock:
        sock.bind((src, 0))
        sock.sendto(payload, (dst, 0))


def replay(args):
    found = 0
    for frame in rdpcap(args.pcap):
        outer = frame[IP] if IP in frame else \
            frame[IPv6] if IPv6 in frame else None
        if outer is None or ESP not in outer or \
                outer[ESP].spi != args.spi:
            continue
        found += 1
        if found == args.index:
            send_esp(outer.src, outer.dst, bytes(outer[ESP]))
            print(f"replayed spi={args.spi} seq={outer[ESP].seq} "
                  f"{outer.src} -> {outer.dst}")
            return 0
    print(f"esp_inject.py: no ESP packet {args.index} with SPI {args.spi} "
          f"in {args.pcap}", file=sys.stderr)
    return 1


def damage_padding(sa, fault):
    """Make sa's next encryption use the pad bytes that fault selects."""
    pad = sa.crypt_algo.pad

    def damaged(esp):
        esp = pad(esp)
        padding = bytearray(esp.padding)
        if len(padding) < 4:
            raise SystemExit("esp_inject.py: only %d pad bytes to damage"
                             % len(padding))
        if fault == "pad-middle":
            padding[3] = 0xff
        elif fault == "pad-last":
            padding[-1] = len(padding) - 1
        else:
            padding = bytearray(os.urandom(len(padding)))
            if padding[-1] == len(padding):
                padding[-1] ^= 0x80
        esp.padding = bytes(padding)
        return esp

    # The CryptAlgo object is shared, which is harmless in a script that
    # sends one packet.
    sa.crypt_algo.pad = damaged


def craft(args):
    sa = make_sa(args.spi, args.src, args.dst, args.enc, args.enc_key,
                 args.auth, args.auth_key)
    inner = (IP(src="172.16.0.3", dst="172.16.0.5") /
             ICMP(type=8, id=args.ident, seq=1) / Raw(b"esp_inject"))
    if args.fault == "dummy":
        # In transport mode scapy takes the next header from the IP
        # header it encrypts behind, so protocol 59 gives a dummy packet.
        sa.tunnel_header = None
        inner = (IP(src=args.src, dst=args.dst, proto=59) /
                 Raw(bytes(20)))
    if args.fault and args.fault.startswith("pad-"):
        damage_padding(sa, args.fault)
    payload = bytearray(bytes(sa.encrypt(inner, seq_num=args.seq)[ESP]))
    if args.fault == "icv":
        payload[-1] ^= 0x01
    elif args.fault == "truncate":
        del payload[12:]
    send_esp(args.src, args.dst, bytes(payload))
    print(f"sent spi={args.spi} seq={args.seq} len={len(payload)} "
          f"fault={args.fault or 'none'} ident={args.ident}")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("replay")
    r.add_argument("pcap")
    r.add_argument("spi", type=int)
    r.add_argument("index", type=int, nargs="?", default=1)
    c = sub.add_parser("craft")
    c.add_argument("--spi", type=int, required=True)
    c.add_argument("--src", required=True)
    c.add_argument("--dst", required=True)
    c.add_argument("--enc", required=True)
    c.add_argument("--enc-key", required=True)
    c.add_argument("--auth", default="none")
    c.add_argument("--auth-key", default="")
    c.add_argument("--seq", type=int, required=True)
    c.add_argument("--ident", type=int, required=True)
    c.add_argument("--fault", choices=("icv", "truncate", "dummy",
                                       "pad-middle", "pad-last",
                                       "pad-random"))
    args = p.parse_args()
    return replay(args) if args.mode == "replay" else craft(args)


if __name__ == "__main__":
    sys.exit(main())
