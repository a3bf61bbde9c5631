#!/usr/bin/python3
"""Send a stream of pseudo-random bytes over TCP and print its SHA-256.

    tcp_bulk.py receive ADDRESS PORT READY_FILE
        Accepts one connection, reads to its end and prints the byte
        count and SHA-256 of what arrived.  Creates READY_FILE once it
        listens.
    tcp_bulk.py send ADDRESS PORT BYTES
        Connects, sends BYTES bytes generated from a fixed seed, closes
        and prints the byte count and SHA-256 of what it sent.
"""

import hashlib
import random
import socket
import sys

CHUNK = 1 << 16


def receive(addr, port, ready):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as srv:
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind((addr, port))
        srv.listen(1)
        open(ready, "w").close()
        conn, _ = srv.accept()
        digest, total = hashlib.sha256(), 0
        with conn:
            while True:
                data = conn.recv(CHUNK)
                if not data:
                    break
                digest.update(data)
                total += len(data)
    print(total, digest.hexdigest())


def send(addr, port, size):
    rng = random.Random(20261204)
    digest, left = hashlib.sha256(), size
    with socket.create_connection((addr, port), timeout=60) as conn:
        while left > 0:
            data = rng.randbytes(min(CHUNK, left))
            conn.sendall(data)
            digest.update(data)
            left -= len(data)
    print(size, digest.hexdigest())


def main():
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "receive":
        receive(addr, port, sys.argv[4])
    else:
        send(addr, port, int(sys.argv[4]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
