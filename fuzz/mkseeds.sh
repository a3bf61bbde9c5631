#!/bin/sh
# Writes the seed inputs of every harness to fuzz/seeds/ (mkseeds.py).
top=$(cd "$(dirname "$0")/.." && pwd)
exec /usr/bin/python3 "$top/fuzz/mkseeds.py" "$top" "$top/setkey/setkey"
