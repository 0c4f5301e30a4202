#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds the small test PKI in tests/data/verify/ for cvc-verify's tests.

The corpus holds real chains but no private keys, so revocation lists,
role and CHAT violations and authenticated requests that a test can vary
come from here. Everything is built independently of libcvc (Python's
`cryptography` package, TR-03110-3 encodings written out below), so the
tests cross-check the library against a second implementation.

Keys are derived from fixed labels and ECDSA signing is deterministic
(RFC 6979), so running this again gives the same bytes:

    python3 tests/data/verify/make-fixtures.py tests/data/verify

Needs python3-cryptography >= 43 (only to regenerate, not to test).
"""
import hashlib
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

# brainpoolP256r1 (RFC 5639 3.4)
P = 0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377
A = 0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9
B = 0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6
GX = 0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262
GY = 0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997
N = 0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7

ID_TA_ECDSA_SHA_256 = bytes.fromhex("04007F00070202020203")
ID_AT = bytes.fromhex("04007F000703010202")
ID_IS = bytes.fromhex("04007F000703010201")


def tlv(tag, value):
    """BER-TLV with a DER length (TR-03110-3 D.2)."""
    t = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    n = len(value)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82]) + n.to_bytes(2, "big")
    return t + ln + value


def date(text):
    """YYYY-MM-DD as six unpacked BCD digits (TR-03110-3 D.2.1.3)."""
    return bytes(int(c) for c in text[2:].replace("-", ""))


def key(label):
    seed = hashlib.sha256(("libcvc cvc-verify fixture " + label).encode()).digest()
    return ec.derive_private_key(int.from_bytes(seed, "big") % (N - 1) + 1,
                                 ec.BrainpoolP256R1())


def point(k):
    nums = k.public_key().public_numbers()
    return b"\x04" + nums.x.to_bytes(32, "big") + nums.y.to_bytes(32, "big")


def pubkey(k, domain):
    body = tlv(0x06, ID_TA_ECDSA_SHA_256)
    if domain:
        body += tlv(0x81, P.to_bytes(32, "big")) + tlv(0x82, A.to_bytes(32, "big"))
        body += tlv(0x83, B.to_bytes(32, "big"))
        body += tlv(0x84, b"\x04" + GX.to_bytes(32, "big") + GY.to_bytes(32, "big"))
        body += tlv(0x85, N.to_bytes(32, "big"))
    body += tlv(0x86, point(k))
    if domain:
        body += tlv(0x87, b"\x01")
    return tlv(0x7F49, body)


def sign(k, data):
    """Plain r||s (TR-03111 5.2.1) over SHA-256."""
    r, s = decode_dss_signature(
        k.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True)))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def chat(oid, bits_hex):
    return tlv(0x7F4C, tlv(0x06, oid) + tlv(0x53, bytes.fromhex(bits_hex)))


def cert(car, chr_, holder_key, signer, chat_obj, ced, cxd, domain=False):
    body = tlv(0x5F29, b"\x00") + tlv(0x42, car.encode())
    body += pubkey(holder_key, domain) + tlv(0x5F20, chr_.encode())
    body += chat_obj + tlv(0x5F25, date(ced)) + tlv(0x5F24, date(cxd))
    body = tlv(0x7F4E, body)
    return tlv(0x7F21, body + tlv(0x5F37, sign(signer, body)))


def request(car, chr_, holder_key, domain):
    body = tlv(0x5F29, b"\x00")
    if car:
        body += tlv(0x42, car.encode())
    body += pubkey(holder_key, domain) + tlv(0x5F20, chr_.encode())
    body = tlv(0x7F4E, body)
    return tlv(0x7F21, body + tlv(0x5F37, sign(holder_key, body)))


def auth_request(inner, outer_car, outer_key):
    signed = inner + tlv(0x42, outer_car.encode())
    return tlv(0x67, signed + tlv(0x5F37, sign(outer_key, signed)))


def crl(issuer, signer, this_update, next_update, entries):
    """doc/revocation.md: 7F3C { 7F3D { 5F29 00, 42, 5F25, 5F24, A0 }, 5F37 }"""
    items = b"".join(
        tlv(0xA1, tlv(0x5F20, c.encode()) + tlv(0x5F25, date(d)))
        for c, d in sorted(entries))
    body = tlv(0x5F29, b"\x00") + tlv(0x42, issuer.encode())
    body += tlv(0x5F25, date(this_update)) + tlv(0x5F24, date(next_update))
    body += tlv(0xA0, items)
    body = tlv(0x7F3D, body)
    return tlv(0x7F3C, body + tlv(0x5F37, sign(signer, body)))


def main(out):
    cvca_k, dv_k, other_k = key("cvca"), key("dv"), key("other ca")
    t1_k, t2_k, t3_k, t4_k, t5_k = (key("terminal %d" % i) for i in range(1, 6))
    CVCA, DV = "ZZCVCATEST00001", "ZZDVTEST00001"
    T1, T2, T3, T4, T5 = ("ZZTERMTEST0000%d" % i for i in range(1, 6))
    # AT CHATs: role bits in the top two bits of the first octet. The DV
    # grants b0..b7 (age, municipality, RI, PIN management, ...); the
    # terminals ask for b0..b2.
    at_cvca = chat(ID_AT, "FFFFFFFFFF")
    at_dv = chat(ID_AT, "80000000FF")
    at_term = chat(ID_AT, "0000000007")
    files = {
        "cvca.cvcert": cert(CVCA, CVCA, cvca_k, cvca_k, at_cvca,
                            "2025-01-01", "2027-12-31", domain=True),
        "dv.cvcert": cert(CVCA, DV, dv_k, cvca_k, at_dv,
                          "2025-01-01", "2026-12-31"),
        "terminal1.cvcert": cert(DV, T1, t1_k, dv_k, at_term,
                                 "2025-06-01", "2025-12-31"),
        "terminal2.cvcert": cert(DV, T2, t2_k, dv_k, at_term,
                                 "2025-06-01", "2025-12-31"),
        # A terminal never signs (TR-03110-3 2.3): T3 by T1's key.
        "terminal3-by-terminal.cvcert": cert(T1, T3, t3_k, t1_k, at_term,
                                             "2025-06-01", "2025-12-31"),
        # b8 (read DG1) is not among the DV's rights.
        "terminal4-wider-chat.cvcert": cert(DV, T4, t4_k, dv_k,
                                            chat(ID_AT, "0000000107"),
                                            "2025-06-01", "2025-12-31"),
        # An IS CHAT under an AT DV.
        "terminal5-is-type.cvcert": cert(DV, T5, t5_k, dv_k,
                                         chat(ID_IS, "03"),
                                         "2025-06-01", "2025-12-31"),
        # Revocation lists (doc/revocation.md).
        "dv-revokes-terminal1.crl": crl(DV, dv_k, "2025-06-01", "2025-12-31",
                                        [(T1, "2025-07-01")]),
        "dv-stale.crl": crl(DV, dv_k, "2025-01-01", "2025-03-31", []),
        "cvca-revokes-dv.crl": crl(CVCA, cvca_k, "2025-06-01", "2026-06-30",
                                   [(DV, "2025-09-01")]),
        "other-issuer.crl": crl("ZZOTHERCA00001", other_k, "2025-06-01",
                                "2025-12-31", [(T1, "2025-07-01")]),
        "dv-forged.crl": crl(DV, other_k, "2025-06-01", "2025-12-31", []),
        # Requests: a new key for T2, authenticated with T2's current key;
        # and one without domain parameters, which come from the CVCA.
        "terminal2-renewal.cvreq": auth_request(
            request(DV, "ZZTERMTEST00012", key("terminal 2 new"), True),
            T2, t2_k),
        "no-domain.cvreq": request(CVCA, "ZZTERMTEST00006", key("terminal 6"),
                                   False),
    }
    os.makedirs(out, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__))
