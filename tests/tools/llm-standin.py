#!/usr/bin/python3
"""llm-standin.py PORT LOG API_KEY: a stand-in language-model server on loopback.

It speaks the OpenAI chat-completions protocol (POST /v1/chat/completions,
Bearer auth, {"choices":[{"message":{"role":"assistant","content":...}}]})
that vLLM, llama.cpp's server and Oumi serve, so that Stratus's real client
code is what the tests exercise. What it answers depends on the project name
in the prompt ("Project: llm-<mode>..."):

  good     the design it was sent, in a ```hcl block after a line of prose,
           with one resource block copied under a new name (so the answer
           differs from the rules and must be re-priced)
  broken   HCL with an unclosed block
  foreign  a resource of another provider
  secret   a literal password in a resource
  module   a module block that would fetch code
  costly   the database copied with count = 100
  slow     sleeps 5 s before answering (beyond the client's time limit)
  error    HTTP 500
  notchat  HTTP 200 with a body that is not a chat completion

Every request is appended to LOG as one JSON line (headers and body), so
that tests can check what Stratus sent.
"""
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, LOG, API_KEY = int(sys.argv[1]), sys.argv[2], sys.argv[3]

OTHER = {"aws": 'resource "google_storage_bucket" "x" {\n  name = "x"\n}\n',
         "azure": 'resource "aws_s3_bucket" "x" {\n  bucket = "x"\n}\n',
         "gcp": 'resource "azurerm_resource_group" "x" {\n  name = "x"\n}\n'}


def blocks(hcl):
    """Top-level resource blocks of the generator's output (it closes each at column 0)."""
    out, cur = [], None
    for line in hcl.splitlines(keepends=True):
        if cur is None and line.startswith('resource "'):
            cur = [line]
        elif cur is not None:
            cur.append(line)
            if line.rstrip("\n") == "}":
                out.append("".join(cur))
                cur = None
    return out


DATABASES = ("aws_db_instance", "azurerm_postgresql_flexible_server",
             "google_sql_database_instance")


def copy_block(hcl, count=None):
    """The last resource block (or, with a count, the database) again,
    renamed "<name>_llm" (and given that count)."""
    b = blocks(hcl)[-1]
    if count is not None:
        b = [x for x in blocks(hcl) if x.split('"')[1] in DATABASES][0]
    head, rest = b.split("\n", 1)
    head = re.sub(r'"([^"]+)" \{$', r'"\1_llm" {', head)
    if count is not None:
        rest = re.sub(r"^  count\s*=.*\n", "", rest, flags=re.M)
        rest = "  count = %d\n" % count + rest
    return head + "\n" + rest


def answer(mode, cloud, design):
    if mode == "good":
        return "Here is the configuration:\n```hcl\n# reviewed by the stand-in model\n" + \
            design + "\n" + copy_block(design) + "```\n"
    if mode == "broken":
        return "```hcl\nresource \"x\" \"y\" {\n  a = 1\n```\n"
    if mode == "foreign":
        return "```hcl\n" + design + "\n" + OTHER[cloud] + "```\n"
    if mode == "secret":
        b = blocks(design)[-1]
        head, rest = b.split("\n", 1)
        return "```hcl\n" + head + '\n  password = "hunter2"\n' + rest + "```\n"
    if mode == "module":
        return "```hcl\n" + design + '\nmodule "m" {\n  source = "git::https://example.com/x"\n}\n```\n'
    if mode == "costly":
        return "```hcl\n" + design + "\n" + copy_block(design, 100) + "```\n"
    return "no code at all"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(LOG, "a") as f:
            f.write(json.dumps({"path": self.path, "headers": dict(self.headers),
                                "body": raw.decode("utf-8", "replace")}) + "\n")
        if self.path != "/v1/chat/completions":
            return self.reply(404, {"error": {"message": "not found"}})
        if self.headers.get("Authorization") != "Bearer " + API_KEY:
            return self.reply(401, {"error": {"message": "bad key"}})
        req = json.loads(raw)
        prompt = req["messages"][-1]["content"]
        project = re.search(r"^Project: (\S+)$", prompt, re.M).group(1)
        cloud = re.search(r"^Cloud: (\S+)$", prompt, re.M).group(1)
        design = re.search(r"```hcl\n(.*)```", prompt, re.S).group(1)
        mode = project.split("-")[1] if project.startswith("llm-") else "good"
        if mode == "slow":
            time.sleep(5)
        if mode == "error":
            return self.reply(500, {"error": {"message": "model crashed"}})
        if mode == "notchat":
            return self.reply(200, {"result": "not a chat completion"})
        self.reply(200, {
            "id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()),
            "model": req.get("model", ""),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": answer(mode, cloud, design)}}],
            "usage": {"prompt_tokens": len(prompt) // 4, "completion_tokens": 100,
                      "total_tokens": len(prompt) // 4 + 100}})


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
