"""Sign a model release where it is built; verify it wherever it is loaded.

Ed25519 signatures (RFC 8032) through the `cryptography` package. The private key signs and
never leaves CI; loaders hold the public key, which verifies but cannot sign, so a serving
host that is broken into cannot vouch for a file of its own. Backend analogy: a package
repository's signing key (apt's Release.gpg): the build server signs, every client verifies.

The signed message binds the release's name and version to its bytes, so a signature says
"this is loan-approval 1.4.0", not "CI built this once": a genuine older release copied over
a newer one's files does not verify as the newer one.

Used by the deployment, MLOps and serving examples: persist_pipeline.py, safe_artifacts.py,
model_registry.py and serving/app.py.
"""

from __future__ import annotations

import os
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

# --8<-- [start:signing]
# A name, then a version of dot-separated numbers (loan-approval/1.4.0, or a registry's
# loan-default/2): no "/" or newline inside either, so no two releases share a message.
RELEASE = re.compile(r"[a-z0-9-]+/[0-9]+(?:\.[0-9]+)*")
# A prefix of our own, so a signature made here means nothing in any other protocol that
# trusts the same key, and a future message format (v2) cannot be mistaken for this one.
PURPOSE = b"model-release-signature-v1\n"


def release_message(name: str, version: str, payload: bytes) -> bytes:
    """What gets signed: purpose, then name/version, then the release's bytes."""
    release = f"{name}/{version}"
    if not RELEASE.fullmatch(release):
        raise ValueError(f"not a release name: {release!r}")
    return PURPOSE + release.encode() + b"\n" + payload


def sign(key: Ed25519PrivateKey, name: str, version: str, payload: bytes) -> str:
    """CI's signing step: the release's signature, 64 bytes as hex."""
    return key.sign(release_message(name, version, payload)).hex()


def verify(
    key: Ed25519PublicKey, name: str, version: str, payload: bytes, signature: str
) -> bool:
    """True only if the holder of the private key signed exactly this release."""
    message = release_message(name, version, payload)  # a bad name raises, loudly
    try:
        key.verify(bytes.fromhex(signature.strip()), message)
    except (ValueError, InvalidSignature):  # not hex, or not this key's signature of it
        return False
    return True


def signing_key(variable: str = "MODEL_SIGNING_KEY") -> Ed25519PrivateKey:
    """CI only: the private key, 32 bytes as hex, injected from the secrets store."""
    return _key_from_env(
        variable,
        Ed25519PrivateKey.from_private_bytes,
        "an Ed25519 private key (32 bytes as 64 hex digits) from the secrets store; "
        "refusing to sign without it",
    )


def verify_key(variable: str = "MODEL_VERIFY_KEY") -> Ed25519PublicKey:
    """Loaders: the public key, 32 bytes as hex. Not a secret, but it decides whose files
    load, so it comes from the deployment's reviewed configuration, never from the store
    that holds the files: whoever can replace it can sign with a key of their own."""
    return _key_from_env(
        variable,
        Ed25519PublicKey.from_public_bytes,
        "the release-signing public key (32 bytes as 64 hex digits) from the "
        "deployment's configuration; refusing to load without it",
    )


def _key_from_env(variable: str, parse, wanted: str):
    try:
        return parse(bytes.fromhex(os.environ[variable]))
    except (KeyError, ValueError):  # unset, not hex, or not 32 bytes
        raise RuntimeError(f"{variable} must hold {wanted}") from None


def new_key_pair() -> tuple[str, str]:
    """A fresh (private, public) pair as hex: run once, keep the private half in the
    secrets store, publish the public half in the deployment's configuration."""
    key = Ed25519PrivateKey.generate()
    return key.private_bytes_raw().hex(), key.public_key().public_bytes_raw().hex()


# --8<-- [end:signing]
