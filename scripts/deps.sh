#!/bin/sh
# Installs the Debian packages that building, testing and the demo need.
# Does nothing when they are all present already.
set -eu

PACKAGES="make gcc clang libclang-rt-14-dev bison flex pkg-config \
libssl-dev libpcap-dev atf-sh libatf-dev kyua iproute2 iputils-ping \
tcpdump tshark python3-scapy mandoc procps util-linux"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run as root to install them" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
