#!/usr/bin/python3
"""Count the copies of a byte string in the writable memory of a process.

Usage: memscan.py PID HEX...

Reads /proc/PID/maps and /proc/PID/mem (root needed) and prints, for each
HEX argument, one line "HEX COUNT", and on standard error the address
and mapping of every copy found.  Only writable mappings are read: the
heap, anonymous memory, stacks and data segments, where a key copy would
live.  Mappings over 1 GiB are skipped: they are AddressSanitizer's
shadow memory, reserved but never filled with program data.
"""

import sys

MAX_REGION = 1 << 30
CHUNK = 16 << 20


def regions(pid):
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            fields = line.split()
            addrs, perms = fields[0], fields[1]
            if not perms.startswith("rw"):
                continue
            path = fields[5] if len(fields) > 5 else ""
            if path.startswith("[v"):       # [vvar], [vdso], [vsyscall]
                continue
            start, end = (int(a, 16) for a in addrs.split("-"))
            if end - start > MAX_REGION:
                continue
            yield start, end, path or "[anonymous]"


def main():
    pid = int(sys.argv[1])
    needles = [bytes.fromhex(h) for h in sys.argv[2:]]
    counts = [0] * len(needles)
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for start, end, path in regions(pid):
            # Chunks overlap by the longest needle, so no copy is split.
            overlap = max(len(n) for n in needles) - 1
            pos = start
            while pos < end:
                try:
                    mem.seek(pos)
                    data = mem.read(min(CHUNK + overlap, end - pos))
                except OSError:
                    break
                for i, needle in enumerate(needles):
                    at = data.find(needle)
                    while at != -1 and at < CHUNK:
                        counts[i] += 1
                        print(f"{sys.argv[2 + i]} at {pos + at:#x} in "
                              f"{path} (offset {pos + at - start:#x})",
                              file=sys.stderr)
                        at = data.find(needle, at + 1)
                pos += CHUNK
    for h, n in zip(sys.argv[2:], counts):
        print(h, n)


main()
