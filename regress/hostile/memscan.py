#!/usr/bin/python3
"""Count the copies of a byte string in the writable memory of a process.

Usage: memscan.py PID HEX...

Reads /proc/PID/maps and /proc/PID/mem (root needed) and prints, for each
HEX argument, one line "HEX COUNT", and on standard error the address
and mapping of every copy found.  Only writable mappings are read: the
heap, anonymous memory, stacks and data segments, where a key copy would
live.
"""

import sys


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
            yield start, end, path or "[anonymous]"


def main():
    pid = int(sys.argv[1])
    needles = [bytes.fromhex(h) for h in sys.argv[2:]]
    counts = [0] * len(needles)
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for start, end, path in regions(pid):
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except OSError:
                continue
            for i, needle in enumerate(needles):
                at = data.find(needle)
                while at != -1:
                    counts[i] += 1
                    print(f"{sys.argv[2 + i]} at {start + at:#x} in {path}"
                          f" (offset {at:#x})", file=sys.stderr)
                    at = data.find(needle, at + 1)
    for h, n in zip(sys.argv[2:], counts):
        print(h, n)


main()
