#!/usr/bin/env python3
"""A local OAuth2 token endpoint for the CLI tests (127.0.0.1 only).

    token_server.py DIR REFRESH_TOKEN ACCESS_TOKEN

Listens on a free port and writes it to DIR/port. A POST to /token with
grant_type=refresh_token and the expected refresh token answers
{"access_token": ACCESS_TOKEN, ...}; anything else answers 400
{"error": "invalid_grant"}. Each request's form fields are appended to
DIR/requests as one JSON line.
"""
import json
import os
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

DIR, REFRESH, ACCESS = sys.argv[1], sys.argv[2], sys.argv[3]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(n).decode("ascii"))
        fields = {k: v[0] for k, v in form.items()}
        fields["_path"] = self.path
        fields["_content_type"] = self.headers.get("Content-Type")
        with open(os.path.join(DIR, "requests"), "a") as f:
            f.write(json.dumps(fields) + "\n")
        ok = (self.path == "/token" and fields.get("grant_type") == "refresh_token"
              and fields.get("refresh_token") == REFRESH)
        body = {"access_token": ACCESS, "token_type": "Bearer", "expires_in": 3600} \
            if ok else {"error": "invalid_grant", "error_description": "Bad refresh token"}
        data = json.dumps(body).encode()
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
server.serve_forever()
