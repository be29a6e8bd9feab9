#!/usr/bin/python3
"""tests/tools/webhook_receiver.py: a loopback receiver of completion webhooks
for the tests. Every POST is appended to LOG as one JSON line
{"path","headers","body"}; the answer depends on the path:

  /ok/...            200
  /fail-N/...        500 for the first N posts to that path, then 200
  /down/...          500 always

usage: webhook_receiver.py PORT LOG
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
SEEN = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        with LOCK:
            with open(LOG, "a") as f:
                f.write(json.dumps({"path": self.path, "headers": dict(self.headers.items()),
                                    "body": body}) + "\n")
            SEEN[self.path] = SEEN.get(self.path, 0) + 1
            n = SEEN[self.path]
        first = self.path.strip("/").split("/")[0]
        status = 200
        if first == "down":
            status = 500
        elif first.startswith("fail-") and n <= int(first[5:] or 0):
            status = 500
        data = b'{"ok":true}' if status == 200 else b'{"ok":false}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


if __name__ == "__main__":
    LOG = sys.argv[2]
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
