#!/usr/bin/python3
"""tests/tools/airflow_api.py: a stand-in for Apache Airflow's stable REST API,
NOT Airflow. Just enough of /api/v1 for Stratus's airflow executor:

  GET  /api/v1/dags/{dag}/dagRuns/{run}                       the DAG run, or 404
  POST /api/v1/dags/{dag}/dagRuns  {"dag_run_id","conf"}      200, or 409 when it exists
  GET  /api/v1/dags/{dag}/dagRuns/{run}/taskInstances/{task}  the task instance
  GET  .../taskInstances/{task}/xcomEntries/return_value      terraform_apply's result

The DAG is the three steps of airflow/provision_dag.py. Each look at a task
instance moves the run on by one state (none -> queued -> running -> success,
task after task), so a reconciler that looks again and again sees it progress.
A conf whose instance_name_prefix starts with "fail" fails terraform_apply
(after Airflow's own 4 tries). Basic auth user:password from the command line
is required. GET /_requests lists what was asked (for the tests).

usage: airflow_api.py PORT USER PASSWORD
"""
import base64
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STEPS = ["prepare_terraform_vars", "terraform_init", "terraform_apply"]
PROGRESS = [None, "queued", "running", "success"]
LOCK = threading.Lock()
RUNS = {}  # (dag, run_id) -> {"conf": ..., "states": [index into PROGRESS per step]}
REQUESTS = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        want = "Basic " + base64.b64encode(
            ("%s:%s" % (USER, PASSWORD)).encode()).decode()
        if self.headers.get("Authorization") == want:
            return True
        self.reply(401, {"title": "Unauthorized", "status": 401})
        return False

    def record(self, body=None):
        with LOCK:
            REQUESTS.append({"method": self.command, "path": self.path, "body": body})

    def do_GET(self):
        if self.path == "/_requests":
            with LOCK:
                return self.reply(200, REQUESTS)
        self.record()
        if not self.authorized():
            return
        parts = self.path.strip("/").split("/")
        # api v1 dags {dag} dagRuns {run} [taskInstances {task} [xcomEntries return_value]]
        if len(parts) < 6 or parts[:2] != ["api", "v1"] or parts[2] != "dags" or parts[4] != "dagRuns":
            return self.reply(404, {"title": "Not found", "status": 404})
        key = (parts[3], parts[5])
        with LOCK:
            run = RUNS.get(key)
            if run is None:
                return self.reply(404, {"title": "DAGRun not found", "status": 404})
            if len(parts) == 6:
                return self.reply(200, {"dag_id": key[0], "dag_run_id": key[1],
                                        "state": run_state(run), "conf": run["conf"]})
            if len(parts) >= 8 and parts[6] == "taskInstances" and parts[7] in STEPS:
                task = parts[7]
                i = STEPS.index(task)
                if len(parts) == 10 and parts[8] == "xcomEntries" and parts[9] == "return_value":
                    if task != "terraform_apply" or PROGRESS[run["states"][i]] != "success":
                        return self.reply(404, {"title": "XCom not found", "status": 404})
                    n = int(run["conf"].get("count", 1))
                    value = {"instances": [{"instance_id": "i-af%015d" % k,
                                            "private_ip": "10.1.0.%d" % (k + 4),
                                            "public_ip": "198.51.100.%d" % (k + 10)}
                                           for k in range(n)]}
                    return self.reply(200, {"key": "return_value", "value": json.dumps(value)})
                if len(parts) != 8:
                    return self.reply(404, {"title": "Not found", "status": 404})
                advance(run, i)
                state = task_state(run, i)
                return self.reply(200, {"task_id": task, "dag_run_id": key[1], "state": state,
                                        "try_number": 4 if state == "failed" else 1})
        return self.reply(404, {"title": "Not found", "status": 404})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        self.record(body)
        if not self.authorized():
            return
        parts = self.path.strip("/").split("/")
        if len(parts) != 5 or parts[:3] != ["api", "v1", "dags"] or parts[4] != "dagRuns":
            return self.reply(404, {"title": "Not found", "status": 404})
        if not isinstance(body, dict) or not isinstance(body.get("dag_run_id"), str):
            return self.reply(400, {"title": "Bad request", "status": 400})
        key = (parts[3], body["dag_run_id"])
        with LOCK:
            if key in RUNS:
                return self.reply(409, {"title": "DAGRun already exists", "status": 409})
            RUNS[key] = {"conf": body.get("conf") or {}, "states": [0, 0, 0]}
        return self.reply(200, {"dag_id": key[0], "dag_run_id": key[1], "state": "queued",
                                "conf": body.get("conf")})


def failing(run):
    return str(run["conf"].get("instance_name_prefix", "")).startswith("fail")


def task_state(run, i):
    if i == 2 and failing(run) and run["states"][i] >= 2:
        return "failed"
    return PROGRESS[run["states"][i]]


def advance(run, i):
    """A look at task i moves it on once its predecessor succeeded."""
    if i > 0 and task_state(run, i - 1) != "success":
        return
    if run["states"][i] < len(PROGRESS) - 1:
        run["states"][i] += 1


def run_state(run):
    states = [task_state(run, i) for i in range(len(STEPS))]
    if "failed" in states:
        return "failed"
    if all(s == "success" for s in states):
        return "success"
    return "running"


if __name__ == "__main__":
    port, USER, PASSWORD = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.serve_forever()
