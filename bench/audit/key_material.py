"""What betrays a private key besides its whole file: the lines of its base64 body.

A PEM-armoured key (OpenSSH's own armour, PKCS#1/#8: BEGIN/END lines naming a private key) copied
into an image as it is holds the whole file, but one pasted into a YAML value, re-indented, or saved
with CRLF line endings does not; each body line does. The first body line is left out: for an
unencrypted key it encodes only the format header and the key type (`openssh-key-v1`, cipher and KDF
`none`), the same for every key of that type, so it would match any such key, not this one.

Pure: bench/audit/leaks.py makes a Secret of a key file with these parts.
"""

from __future__ import annotations

import re

_ARMOUR = re.compile(rb"-{5}BEGIN [A-Z0-9 ]*PRIVATE KEY-{5}\r?\n(.*?)-{5}END [A-Z0-9 ]*PRIVATE KEY-{5}", re.S)


def is_private_key(value: bytes) -> bool:
    return _ARMOUR.search(value) is not None


def private_key_parts(value: bytes) -> tuple[bytes, ...]:
    """The base64 body lines of each armoured private key in `value` but the first (see above)."""
    parts: list[bytes] = []
    for body in _ARMOUR.findall(value):
        lines = [line.strip() for line in body.splitlines() if line.strip() and b":" not in line]
        parts += [line for line in lines[1:] if line not in parts]
    return tuple(parts)
