#!/usr/bin/env python3
"""Print a JWT (HS256) that the private Dovecot's oauth2 passdb accepts.

    jwt.py KEY SUBJECT [LIFETIME_SECONDS]

KEY is IMAPTEST_OAUTH2_KEY (tests/live/dovecot.sh); SUBJECT the user.
"""
import base64
import hashlib
import hmac
import json
import sys
import time


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


key, sub = sys.argv[1], sys.argv[2]
life = int(sys.argv[3]) if len(sys.argv) > 3 else 3600
now = int(time.time())
header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
payload = b64url(json.dumps({"sub": sub, "iat": now - 60, "nbf": now - 60,
                             "exp": now + life}).encode())
mac = hmac.new(key.encode(), (header + "." + payload).encode(), hashlib.sha256).digest()
print(header + "." + payload + "." + b64url(mac))
