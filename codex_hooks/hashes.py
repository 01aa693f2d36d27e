"""Hashes without OpenSSL (a helper: imports nothing of the package).

``hashlib`` loads OpenSSL, about 3 ms of every start-up, for the few short digests a run
takes (the stored result's key, the index's name and header, the settings' fingerprint).
CPython's own ``_blake2`` and ``_sha1`` modules give the same digests; where a Python
lacks them, ``hashlib`` does.
"""

from __future__ import annotations

#: ``typing.TYPE_CHECKING`` without importing typing (a few ms of every start-up).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from hashlib import blake2b as Blake2b


def blake2b(data: bytes = b"", digest_size: int = 64) -> Blake2b:
    """``hashlib.blake2b(data, digest_size=digest_size)``."""
    try:
        from _blake2 import blake2b as new
    except ImportError:  # another Python, or a build without it
        from hashlib import blake2b as new
    return new(data, digest_size=digest_size)


def sha1_hex(data: bytes) -> str:
    """``hashlib.sha1(data).hexdigest()``."""
    try:
        from _sha1 import sha1  # type: ignore[import-not-found]
    except ImportError:
        from hashlib import sha1
    return str(sha1(data).hexdigest())
