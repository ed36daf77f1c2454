"""Helpers shared by the Python test scripts (crash_test.py, concurrency_test.py)."""

import base64
import hashlib
import hmac
import socket
import struct
import time


def totp(secret_b32, at=None):
    """The RFC 6238 code (SHA-1, 6 digits, 30 s) an authenticator shows at `at` (now)."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((at if at is not None else time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def free_port():
    """A free TCP port on 127.0.0.1."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
