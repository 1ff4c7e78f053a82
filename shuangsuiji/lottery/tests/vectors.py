"""Real published drand rounds (League of Entropy mainnet), used as test vectors.

Values as pinned by public drand clients' test fixtures (quicknet round 1000,
quicknet round 5928395, default-chain rounds 1 and 1000000); each verifies
against the chain keys embedded in beacon.py, which no forger could achieve.
"""

from __future__ import annotations

QUICKNET_1000 = {
    "round": 1000,
    "randomness": "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd",
    "signature": "b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39",
}

QUICKNET_5928395 = {
    "round": 5928395,
    "randomness": "",  # filled below: drand defines randomness = SHA-256(signature)
    "signature": "a5d07c0071b4e386b3ae09206522253c68fefe8490ad59ecc44a7dd0d0745be91da5779e2247a82403fbc0cb9a34cb61",
}

DEFAULT_1 = {
    "round": 1,
    "randomness": "",
    "signature": (
        "8d61d9100567de44682506aea1a7a6fa6e5491cd27a0a0ed349ef6910ac5ac20ff7bc3e09d7c046566c9f7f3c6f3b101"
        "04990e7cb424998203d8f7de586fb7fa5f60045417a432684f85093b06ca91c769f0e7ca19268375e659c2a2352b4655"
    ),
    # Round 1 chains to the group hash.
    "previous_signature": "176f93498eac9ca337150b46d21dd58673ea4e3581185f869672e59fa4cb390a",
}

DEFAULT_1000000 = {
    "round": 1000000,
    "randomness": "a26ba4d229c666f52a06f1a9be1278dcc7a80dbc1dd2004a1ae7b63cb79fd37e",
    "signature": (
        "87e355169c4410a8ad6d3e7f5094b2122932c1062f603e6628aba2e4cb54f46c3bf1083c3537cd3b99e8296784f46fb4"
        "0e090961cf9634f02c7dc2a96b69fc3c03735bc419962780a71245b72f81882cf6bb9c961bcf32da5624993bb747c9e5"
    ),
    "previous_signature": (
        "86bbc40c9d9347568967add4ddf6e351aff604352a7e1eec9b20dea4ca531ed6c7d38de9956ffc3bb5a7fabe28b3a36b"
        "069c8113bd9824135c3bff9b03359476f6b03beec179d4aeff456f4d34bbf702b9af78c3bb44e1892ace8e581bf4afa9"
    ),
}


def _fill() -> None:
    import hashlib

    for r in (QUICKNET_5928395, DEFAULT_1):
        r["randomness"] = hashlib.sha256(bytes.fromhex(str(r["signature"]))).hexdigest()


_fill()
