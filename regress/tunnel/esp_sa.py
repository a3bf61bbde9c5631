"""scapy security associations named as setkey names their algorithms.

scapy 2.5 lacks three of the algorithms the tunnel tests use.  This
module adds them to scapy's tables, built on the cryptography package and
hashlib: camellia-cbc (RFC 4312), hmac-ripemd160 (HMAC-RIPEMD-160-96,
RFC 2857) and aes-xcbc-mac (AES-XCBC-MAC-96, RFC 3566).  The AES-XCBC-MAC
code checks itself against RFC 3566's test cases when imported.
"""

import hmac
import struct

from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from scapy.layers.inet import IP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import (AUTH_ALGOS, CRYPT_ALGOS, ESP, AuthAlgo,
                                CryptAlgo, IPSecIntegrityError,
                                SecurityAssociation)
from scapy.packet import raw

# setkey's name -> scapy's name.
CRYPT_NAMES = {
    "null": "NULL",
    "aes-cbc": "AES-CBC",
    "rijndael-cbc": "AES-CBC",
    "aes-ctr": "AES-CTR",
    "aes-gcm-16": "AES-GCM",
    "chacha20-poly1305": "CHACHA20-POLY1305",
    "3des-cbc": "3DES",
    "blowfish-cbc": "Blowfish",
    "cast128-cbc": "CAST",
    "camellia-cbc": "CAMELLIA-CBC",
}
AUTH_NAMES = {
    "none": "NULL",
    "hmac-md5": "HMAC-MD5-96",
    "hmac-sha1": "HMAC-SHA1-96",
    "hmac-sha2-256": "SHA2-256-128",
    "hmac-sha2-384": "SHA2-384-192",
    "hmac-sha2-512": "SHA2-512-256",
    "hmac-ripemd160": "HMAC-RIPEMD160-96",
    "aes-xcbc-mac": "AES-XCBC-MAC-96",
}


class _HashlibHMAC:
    """The update/finalize interface scapy expects, over Python's hmac."""

    def __init__(self, key, digest):
        self._mac = hmac.new(key, digestmod=digest)

    def update(self, data):
        self._mac.update(data)

    def finalize(self):
        return self._mac.digest()


class AESXCBC:
    """AES-XCBC-MAC (RFC 3566 section 4) with the same interface."""

    def __init__(self, key):
        ecb = Cipher(algorithms.AES(key), modes.ECB(),
                     default_backend()).encryptor()
        k1, self._k2, self._k3 = (
            ecb.update(bytes([n]) * 16) for n in (1, 2, 3))
        self._aes = Cipher(algorithms.AES(k1), modes.ECB(),
                           default_backend()).encryptor()
        self._data = b""

    def update(self, data):
        self._data += data

    def finalize(self):
        data, e = self._data, bytes(16)
        blocks = max(1, (len(data) + 15) // 16)
        for i in range(blocks - 1):
            e = self._aes.update(_xor(e, data[16 * i:16 * i + 16]))
        last = data[16 * (blocks - 1):]
        if len(last) == 16:
            last = _xor(last, self._k2)
        else:
            last = _xor(last + b"\x80" + bytes(15 - len(last)), self._k3)
        return self._aes.update(_xor(e, last))


def _xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


class _PyAuthAlgo(AuthAlgo):
    def __init__(self, name, factory, icv_size, key_size=None):
        super().__init__(name, mac=factory, digestmod=None,
                         icv_size=icv_size, key_size=key_size)

    def new_mac(self, key):
        return self.mac(key)


class _ESNAuth:
    """An integrity algorithm whose ICV covers the high 32 bits of the
    sequence number (RFC 4303 section 2.2.1), which scapy 2.5 leaves out
    of ESP.  seq_hi stays 0, as it is for an SA's first 2^32 packets."""

    def __init__(self, algo, seq_hi=0):
        self._algo = algo
        self.name = algo.name
        self.icv_size = algo.icv_size
        self.seq_hi = seq_hi

    def check_key(self, key):
        self._algo.check_key(key)

    def _icv(self, data, key):
        mac = self._algo.new_mac(key)
        mac.update(data + struct.pack("!L", self.seq_hi))
        return mac.finalize()[:self.icv_size]

    def sign(self, pkt, key, esn_en=False, esn=0):
        pkt[ESP].data += self._icv(raw(pkt[ESP]), key)
        return pkt

    def verify(self, pkt, key, esn_en=False, esn=0):
        icv = pkt.data[len(pkt.data) - self.icv_size:]
        clone = pkt.copy()
        clone.data = clone.data[:len(clone.data) - self.icv_size]
        if self._icv(raw(clone), key) != icv:
            raise IPSecIntegrityError("ICV mismatch with ESN")


def _check_xcbc():
    # RFC 3566 section 4.6, test cases 1, 2 and 4.
    key = bytes(range(16))
    for msg, mac in ((b"", "75f0251d528ac01c4573dfd584d79f29"),
                     (bytes(range(3)), "5b376580ae2f19afe7219ceef172756f"),
                     (bytes(range(20)), "47f51b4564966215b8985c63055ed308")):
        x = AESXCBC(key)
        x.update(msg)
        if x.finalize().hex() != mac:
            raise RuntimeError("AES-XCBC-MAC fails RFC 3566's test vectors")


_check_xcbc()
CRYPT_ALGOS["CAMELLIA-CBC"] = CryptAlgo("CAMELLIA-CBC",
                                        cipher=algorithms.Camellia,
                                        mode=modes.CBC)
AUTH_ALGOS["HMAC-RIPEMD160-96"] = _PyAuthAlgo(
    "HMAC-RIPEMD160-96", lambda k: _HashlibHMAC(k, "ripemd160"), 12)
AUTH_ALGOS["AES-XCBC-MAC-96"] = _PyAuthAlgo("AES-XCBC-MAC-96", AESXCBC, 12,
                                            key_size=(16,))


def make_sa(spi, src, dst, enc, enc_key, auth="none", auth_key="",
            seq_num=1, esn=False):
    """Return a tunnel-mode ESP SecurityAssociation from src to dst.

    enc and auth are setkey's algorithm names, the keys hex strings (with
    the 4-byte salt or nonce last for aes-ctr, aes-gcm-16 and
    chacha20-poly1305, as setkey takes them).  With esn, the SA uses
    extended sequence numbers, whose high half stays 0.
    """
    outer = IPv6 if ":" in src else IP
    kw = dict(crypt_algo=CRYPT_NAMES[enc],
              crypt_key=bytes.fromhex(strip_hex(enc_key)),
              tunnel_header=outer(src=src, dst=dst))
    if auth != "none":
        kw.update(auth_algo=AUTH_NAMES[auth],
                  auth_key=bytes.fromhex(strip_hex(auth_key)))
    sa = SecurityAssociation(ESP, spi=spi, seq_num=seq_num, esn_en=esn,
                             esn=0, **kw)
    if esn and sa.auth_algo.icv_size:
        sa.auth_algo = _ESNAuth(sa.auth_algo)
    return sa


def strip_hex(key):
    return key[2:] if key.startswith("0x") else key
