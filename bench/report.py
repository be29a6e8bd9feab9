#!/usr/bin/env python3
"""bench/report.py: the one table of bench/run, its JSON and its RESULTS.md entry.

Usage: report.py OUTDIR LATEST_JSON [RESULTS_MD]
Reads from OUTDIR (written by bench/run):
  rows.tsv        endpoint, conns, rps, p50_ms, p99_ms, non2xx, sock_err, requests, note
  frontends.tsv   the same, for GET /builds/{uuid} through each web server
  floor.tsv       the same, for the floor measured by bench/run when the anchors did not run
  ab.json         the A/B rounds of --baseline (baseline and this build, alternated), if any
  anchors.json    rows of ../shared/bench/run-anchors (RESULTS_JSON), if it ran
  explain.json    bench/explain.py's plans, if they were taken
  extras.json     settings, machine, rate limiter, RSS, callgrind, reconciler,
                  build_counts checks, notes
Prints the table and the targets of issue 7; writes LATEST_JSON; appends a
dated entry to RESULTS_MD when given. Asserts nothing about speed: the
targets are reported, never turned into an exit status.
"""
import json
import os
import sys

# Stratus endpoint -> the peer's row of the same contract endpoint.
PEER = {
    "GET /health": "peer GET /health",
    "GET /builds/{uuid} (X-API-Key)": "peer GET /builds/{uuid}",
    "GET /builds/{uuid} (Bearer JWT)": "peer GET /builds/{uuid}",
    "POST /builds": "peer POST /builds",
    "POST /builds/{uuid}/state": "peer POST /builds/{uuid}/state",
}
FLOOR_PREFIX = "floor GET"
TARGET_10X = ["GET /builds/{uuid} (X-API-Key)", "POST /builds", "POST /builds/{uuid}/state"]
# The durable writes: their reference is the composed floor (issue 15), at least 85 %.
DURABLE = ["POST /builds", "POST /builds/{uuid}/state"]
COMPOSED_TARGET = 0.85
# HTTP rows that run the statements measured for another row (db_alone's "endpoint").
DB_ALIAS = {"GET /builds/{uuid} (Bearer JWT)": "GET /builds/{uuid} (X-API-Key)"}


def composed(floor_rps, db_rps):
    """1 / (1/floor + 1/MariaDB-alone): the most a FastCGI application could serve."""
    if not floor_rps or not db_rps:
        return None
    return 1.0 / (1.0 / floor_rps + 1.0 / db_rps)


def load_json(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def read_rows(path):
    rows = []
    if not os.path.exists(path):
        return rows
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 8:
            continue
        done = int(f[7]) > 0  # wrk reports no latency when nothing completed
        rows.append({
            "endpoint": f[0], "conns": int(f[1]), "rps": float(f[2]),
            "p50_ms": float(f[3]) if done else None, "p99_ms": float(f[4]) if done else None,
            "non2xx": int(f[5]), "sock_err": int(f[6]),
            "requests": int(f[7]), "note": f[8] if len(f) > 8 else "",
            "sql_per_req": float(f[9]) if done and len(f) > 9 and f[9] else None,
            "prepares_per_req": float(f[10]) if done and len(f) > 10 and f[10] else None,
            "executes_per_req": float(f[11]) if done and len(f) > 11 and f[11] else None,
        })
    return rows


def ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


def fmt(v, spec, dash="-"):
    return dash if v is None else format(v, spec)


def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return None if n == 0 else (xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2)


def ab_summarise(ab):
    """Per hot row and connection count: B/A of each round (A the baseline, B this
    build, run back to back), their min and median. Stored in ab["summary"]."""
    if not ab or not ab.get("runs"):
        return []
    keys = []
    for x in ab["runs"]:
        k = (x["endpoint"], int(x["conns"]))
        if k not in keys:
            keys.append(k)
    out = []
    for ep, c in keys:
        runs = [x for x in ab["runs"] if x["endpoint"] == ep and int(x["conns"]) == c]
        a = {x["round"]: x for x in runs if x["side"] == "A"}
        b = {x["round"]: x for x in runs if x["side"] == "B"}
        ratios = [b[i]["rps"] / a[i]["rps"] for i in sorted(a) if i in b and a[i]["rps"] > 0]
        bad = sum(x["non2xx"] + x["sock_err"] for x in runs)
        m = median(ratios)
        out.append({"endpoint": ep, "conns": c, "rounds": len(ratios),
                    "a_rps_median": median([x["rps"] for x in a.values()]),
                    "b_rps_median": median([x["rps"] for x in b.values()]),
                    "ratios": [round(r, 3) for r in ratios],
                    "ratio_min": round(min(ratios), 3) if ratios else None,
                    "ratio_median": round(m, 3) if m is not None else None,
                    "errors": bad,
                    "verdict": "n/a" if m is None else ("within 10 % or faster" if m >= 0.9 else "SLOWER by more than 10 %")})
    ab["summary"] = out
    return out


def ab_report(ab):
    summ = ab_summarise(ab)
    if not summ:
        return []
    lines = ["A/B against the baseline (A = %s, B = %s; each round runs both back to back, A first in odd rounds, "
             "B first in even ones, %s s each; B/A = B's req/s over A's of the same round; "
             "the issue's bar: median B/A >= 0.90):"
             % (ab.get("baseline", "?"), ab.get("current", "?"), ab.get("duration_s", "?")), ""]
    lines.append(md_table(["endpoint", "conns", "rounds", "A req/s (median)", "B req/s (median)",
                           "B/A min", "B/A median", "B/A each round", "errors", "verdict"],
                          [[x["endpoint"], x["conns"], x["rounds"], fmt(x["a_rps_median"], ".0f"),
                            fmt(x["b_rps_median"], ".0f"), fmt(x["ratio_min"], ".3f"), fmt(x["ratio_median"], ".3f"),
                            " ".join("%.2f" % r for r in x["ratios"]), x["errors"], x["verdict"]] for x in summ]))
    return lines


def main():
    outdir, latest = sys.argv[1], sys.argv[2]
    results_md = sys.argv[3] if len(sys.argv) > 3 else ""
    rows = read_rows(os.path.join(outdir, "rows.tsv"))
    fronts = read_rows(os.path.join(outdir, "frontends.tsv"))
    anchors = load_json(os.path.join(outdir, "anchors.json"), [])
    explain = load_json(os.path.join(outdir, "explain.json"), None)
    extras = load_json(os.path.join(outdir, "extras.json"), {})
    own_floor = read_rows(os.path.join(outdir, "floor.tsv"))
    ab = load_json(os.path.join(outdir, "ab.json"), None)
    dba = extras.get("db_alone") or []

    a_idx = {(a["endpoint"], int(a["conns"])): a for a in anchors}
    floor = {int(a["conns"]): a for a in anchors if a["endpoint"].startswith(FLOOR_PREFIX)}
    floor_src = "the anchors' floor row"
    if not floor and own_floor:
        floor = {r["conns"]: r for r in own_floor}
        floor_src = "the floor measured by bench/run (anchors off)"
    db_idx = {(d["endpoint"], int(d["clients"])): d for d in dba if d.get("endpoint")}
    for r in rows:
        base = r["endpoint"].split(" [")[0]
        p = a_idx.get((PEER.get(base, ""), r["conns"]))
        fl = floor.get(r["conns"])
        d = db_idx.get((DB_ALIAS.get(base, base), r["conns"]))
        r["peer_rps"] = p["rps"] if p else None
        r["floor_rps"] = fl["rps"] if fl else None
        r["ratio_peer"] = ratio(r["rps"], r["peer_rps"])
        r["ratio_floor"] = ratio(r["rps"], r["floor_rps"])
        r["db_alone_rps"] = d["per_second"] if d else None
        c = composed(r["floor_rps"], r["db_alone_rps"])
        r["composed_rps"] = round(c, 1) if c else None
        r["ratio_composed"] = ratio(r["rps"], r["composed_rps"])
    for r in fronts:
        fl = floor.get(r["conns"])
        r["floor_rps"] = fl["rps"] if fl else None
        r["ratio_floor"] = ratio(r["rps"], r["floor_rps"])

    head = ["endpoint", "conns", "req/s", "p50 ms", "p99 ms", "non-2xx", "sock err", "x peer", "x floor"]
    mhead = head + ["SQL/req", "DB alone", "composed", "x composed"]
    main_rows = [[r["endpoint"], r["conns"], fmt(r["rps"], ".0f"), fmt(r["p50_ms"], ".2f"),
                  fmt(r["p99_ms"], ".2f"), r["non2xx"], r["sock_err"],
                  fmt(r["ratio_peer"], ".1f"), fmt(r["ratio_floor"], ".2f"),
                  fmt(r.get("sql_per_req"), ".1f"), fmt(r["db_alone_rps"], ".0f"),
                  fmt(r["composed_rps"], ".0f"), fmt(r["ratio_composed"], ".2f")] for r in rows]
    floor_rows = [[r["endpoint"], r["conns"], fmt(r["rps"], ".0f"), fmt(r["p50_ms"], ".2f"),
                   fmt(r["p99_ms"], ".2f"), r["non2xx"], r["sock_err"], "", ""]
                  for r in own_floor if not anchors]
    anchor_rows = [[a["endpoint"], a["conns"], fmt(a["rps"], ".0f"), fmt(a["p50_ms"], ".2f"),
                    fmt(a["p99_ms"], ".2f"), a["non2xx"], a.get("sock_err", 0), "", ""] for a in anchors]
    fe_rows = [[r["endpoint"], r["conns"], fmt(r["rps"], ".0f"), fmt(r["p50_ms"], ".2f"),
                fmt(r["p99_ms"], ".2f"), r["non2xx"], r["sock_err"], "", fmt(r["ratio_floor"], ".2f")]
               for r in fronts]

    # ---- targets of issue 7 (reported, never an exit status)
    targets = []

    def target(name, status, detail):
        targets.append({"target": name, "status": status, "detail": detail})

    # "[cache off]" rows are for comparison: the targets are the shipped configuration's.
    shipped = [r for r in rows if "[cache off]" not in r["endpoint"]]
    byk = {(r["endpoint"].split(" [")[0], r["conns"]): r for r in shipped}
    if anchors:
        for ep in TARGET_10X:
            for c in sorted({r["conns"] for r in rows}):
                r = byk.get((ep, c))
                if not r or r["ratio_peer"] is None or r["ratio_floor"] is None:
                    continue
                if ep in DURABLE:  # the composed floor is their reference (below)
                    target("%s c=%d: >= 10x peer" % (ep, c), "met" if r["ratio_peer"] >= 10 else "MISSED",
                           "%.1fx peer (%.0f%% of the floor itself)" % (r["ratio_peer"], 100 * r["ratio_floor"]))
                    continue
                ok = r["ratio_peer"] >= 10 and r["ratio_floor"] >= 0.6
                target("%s c=%d: >= 10x peer and >= 60%% of floor" % (ep, c), "met" if ok else "MISSED",
                       "%.1fx peer, %.0f%% of floor" % (r["ratio_peer"], 100 * r["ratio_floor"]))
        for c in sorted({r["conns"] for r in rows}):
            r = byk.get(("GET /health", c))
            if not r or r["ratio_floor"] is None:
                continue
            ok = r["ratio_floor"] >= 0.9 and r["ratio_peer"] is not None and r["ratio_peer"] > 1
            target("GET /health c=%d: floor's req/s within noise (>= 90%%), ahead of the peer" % c,
                   "met" if ok else "MISSED",
                   "%.0f%% of floor, %sx peer" % (100 * r["ratio_floor"], fmt(r["ratio_peer"], ".2f")))
    else:
        target("ratios to peer and floor", "n/a", "the anchors did not run (--smoke, or BENCH_ANCHORS=0, or they failed)")
    for ep in DURABLE:
        for c in sorted({r["conns"] for r in rows}):
            r = byk.get((ep, c))
            if not r:
                continue
            if r["ratio_composed"] is None:
                target("%s c=%d: >= %.0f%% of its composed floor" % (ep, c, 100 * COMPOSED_TARGET), "n/a",
                       "no %s at %d connections" % ("floor" if r["floor_rps"] is None else "MariaDB-alone figure", c))
                continue
            target("%s c=%d: >= %.0f%% of its composed floor" % (ep, c, 100 * COMPOSED_TARGET),
                   "met" if r["ratio_composed"] >= COMPOSED_TARGET else "MISSED",
                   "%.0f%% of 1 / (1/%.0f + 1/%.0f) = %.0f req/s (floor, MariaDB alone at %d clients)"
                   % (100 * r["ratio_composed"], r["floor_rps"], r["db_alone_rps"], r["composed_rps"], c))
    for x in ab_summarise(ab):
        target("%s c=%d: not slower than the baseline %s (median B/A >= 0.90)" % (x["endpoint"], x["conns"], ab.get("baseline", "")),
               "n/a" if x["ratio_median"] is None else ("met" if x["ratio_median"] >= 0.9 else "MISSED"),
               "B/A median %s, min %s over %d rounds (A %s req/s, B %s req/s, medians)"
               % (fmt(x["ratio_median"], ".3f"), fmt(x["ratio_min"], ".3f"), x["rounds"],
                  fmt(x["a_rps_median"], ".0f"), fmt(x["b_rps_median"], ".0f")))
    inf = float("inf")
    # The rows over the loaded table (dashboards, the list) are not in this target.
    c32 = [r for r in shipped if r["conns"] == 32 and not r["endpoint"].startswith("GET /dashboard")
           and " builds]" not in r["endpoint"]]
    if c32:
        worst = max(c32, key=lambda r: inf if r["p99_ms"] is None else r["p99_ms"])
        bad = [r["endpoint"] for r in c32 if r["p99_ms"] is None or r["p99_ms"] > 5]
        target("p99 <= 5 ms at 32 connections (all but the dashboards)", "met" if not bad else "MISSED",
               "worst %s %s ms%s" % (worst["endpoint"], fmt(worst["p99_ms"], ".2f", "(none completed)"),
                                       "; over: " + ", ".join(bad) if bad else ""))
    ab_runs = [dict(x, endpoint="%s [%s round %d]" % (x["endpoint"], x["side"], x["round"]), note="")
               for x in (ab or {}).get("runs", [])]
    errs = [r for r in rows + fronts + ab_runs if r["non2xx"] or r["sock_err"]]
    target("zero non-2xx and zero socket errors", "met" if not errs else "MISSED",
           "; ".join("%s c=%d: %d non-2xx, %d socket errors%s" % (r["endpoint"], r["conns"], r["non2xx"], r["sock_err"],
                                                                 " (%s)" % r["note"] if r["note"] else "")
                     for r in errs) or "none in %d runs" % len(rows + fronts + ab_runs))
    nrows = extras.get("settings", {}).get("dashboard_builds")
    ds = [r for r in shipped if r["endpoint"].startswith("GET /dashboard/summary")]
    if ds:
        worst = max(ds, key=lambda r: inf if r["p50_ms"] is None else r["p50_ms"])
        scale = "" if nrows and nrows >= 1000000 else " (only %s builds: not the target's 1,000,000)" % nrows
        ok = worst["p50_ms"] is not None and worst["p50_ms"] < 50
        target("GET /dashboard/summary p50 < 50 ms with 1,000,000 builds",
               ("met" if ok else "MISSED") + ("" if not scale else " (scaled-down)"),
               "worst p50 %s ms at c=%d%s" % (fmt(worst["p50_ms"], ".2f", "(none completed)"), worst["conns"], scale))
    if explain is not None:
        scans = [f for e in explain for f in e.get("flags", []) if f.startswith("FULL TABLE")]
        iscans = [f for e in explain for f in e.get("flags", []) if f.startswith("FULL INDEX")]
        target("no full table scan in any dashboard plan", "met" if not scans else "MISSED",
               "; ".join(sorted(set(scans))) or "no type ALL on a large table" +
               ("; but full index scans: " + "; ".join(sorted(set(iscans))) if iscans else ""))
    rss = extras.get("rss")
    if rss and rss.get("kib_after_100k") is not None:
        g = rss["kib_after_100k"] - rss["kib_after_1k"]
        target("responder RSS grows <= 1 MiB between 1,000 and 100,000 requests",
               ("met" if g <= 1024 else "MISSED") + ("" if rss.get("requests_total", 0) >= 100000 else " (scaled-down)"),
               "%d KiB -> %d KiB (%+d KiB) after %s requests" % (rss["kib_after_1k"], rss["kib_after_100k"], g,
                                                                rss.get("requests_total")))

    # ---- print
    out = []
    s = extras.get("settings", {})
    out.append("Stratus bench %s (%s): %s" % (extras.get("date", ""), s.get("mode", ""), extras.get("machine", {}).get("summary", "")))
    if main_rows or not ab:
        out.append(md_table(mhead, main_rows))
    if anchor_rows:
        out.append("\nAnchors, same invocation (../shared/bench/run-anchors):")
        out.append(md_table(head, anchor_rows))
    if floor_rows:
        out.append("\nFloor, measured by bench/run (the anchors did not run):")
        out.append(md_table(head, floor_rows))
    if fe_rows:
        out.append("\nWeb servers, GET /builds/{uuid} with X-API-Key (shipped configs, %s responders):" % s.get("procs", "?"))
        out.append(md_table(head, fe_rows))
    ab_lines = ab_report(ab)
    if ab_lines:
        out.append("")
        out += ab_lines
    ex = []
    rl = extras.get("rate_limit")
    if rl:
        ex.append("rate limiter: %s" % rl.get("summary", ""))
    if rss:
        ex.append("RSS: %s" % rss.get("summary", ""))
    gen = extras.get("generate")
    if gen:
        ex.append("generator (callgrind): %s" % gen.get("summary", ""))
    rec = extras.get("reconciler")
    if rec:
        ex.append("reconciler: %s" % rec.get("summary", ""))
    if dba:
        fl = floor.get(32) or (floor[min(floor)] if floor else None)
        budget = ""
        if fl and fl["rps"]:
            f_us = (os.cpu_count() or 1) * 1e6 / fl["rps"]
            budget = ("; the floor costs the machine %.0f us a request, so 60 %% of the floor's rate leaves "
                      "%.0f us a request for the application and its statement together" % (f_us, f_us / 0.6 - f_us))
        for c in sorted({int(d.get("clients", 0)) for d in dba}):
            ex.append("MariaDB alone (bench/dbfloor.c, %d clients, no HTTP): %s" % (
                c, "; ".join("%s: %.0f/s, %.0f us of the machine each%s" % (
                    d["statement"], d["per_second"], d["machine_us"],
                    ", %d errors" % d["errors"] if d.get("errors") else "")
                    for d in dba if int(d.get("clients", 0)) == c)))
        if floor:
            ex.append("composed floor = 1 / (1/floor + 1/MariaDB alone) at the same connection count, floor from %s "
                      "(%s)%s" % (floor_src, ", ".join("c=%d: %.0f req/s" % (c, floor[c]["rps"]) for c in sorted(floor)),
                                  budget))
    for c in extras.get("counts", []):
        ex.append("build_counts %s: %s" % (c.get("when"), c.get("summary")))
    if explain is not None:
        nscan = sum(1 for e in explain if any(f.startswith("FULL TABLE") for f in e.get("flags", [])))
        niscan = sum(1 for e in explain if any(f.startswith("FULL INDEX") for f in e.get("flags", [])))
        ex.append("EXPLAIN: %d dashboard statements, %d with a full table scan, %d with a full index scan of a large table (plans in the log)"
                  % (len(explain), nscan, niscan))
    for n in extras.get("notes", []):
        ex.append("note: %s" % n)
    if ex:
        out.append("")
        out += ["- " + e for e in ex]
    out.append("\nTargets of issues 7 and 15 (reported, not asserted):")
    out += ["- [%s] %s: %s" % (t["status"], t["target"], t["detail"]) for t in targets]
    text = "\n".join(out)
    print(text)

    doc = {
        "date": extras.get("date"), "mode": s.get("mode"), "machine": extras.get("machine"),
        "settings": s, "git": extras.get("git"),
        "rows": rows, "anchors": anchors, "frontends": fronts,
        "rate_limit": rl, "rss": rss, "generate": gen, "reconciler": rec,
        "counts": extras.get("counts", []), "db_alone": dba, "explain": explain, "targets": targets,
        "floor_own": own_floor, "ab": ab,
        "notes": extras.get("notes", []),
    }
    os.makedirs(os.path.dirname(os.path.abspath(latest)), exist_ok=True)
    with open(latest, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    if results_md:
        m = extras.get("machine", {})
        entry = ["", "## %s: `bench/run%s`" % (extras.get("date", ""), {"full": "", "quick": " --quick", "smoke": " --smoke"}.get(s.get("mode"), "")
                                                  + (" --baseline %s" % ab.get("baseline_arg", "") if ab else "")),
                 "",
                 "- machine: %s" % m.get("summary", ""),
                 "- load average before / after: %s / %s" % (m.get("load_before", "?"), m.get("load_after", "?")),
                 "- other processes busy at the start (top, >= 5 %% CPU): %s" % m.get("busy_before", "?"),
                 "- code: %s" % extras.get("git", "?"),
                 "- settings: %s" % ", ".join("%s=%s" % (k, v) for k, v in s.items()),
                 ]
        if os.environ.get("BENCH_NOTE"):
            entry.append("- conditions: %s" % os.environ["BENCH_NOTE"])
        if main_rows or not ab:
            entry += ["", md_table(mhead, main_rows)]
        if anchor_rows:
            entry += ["", "Anchors (same invocation):", "", md_table(head, anchor_rows)]
        if floor_rows:
            entry += ["", "Floor, measured by bench/run (the anchors did not run):", "", md_table(head, floor_rows)]
        if fe_rows:
            entry += ["", "Web servers (GET /builds/{uuid}, X-API-Key):", "", md_table(head, fe_rows)]
        if ab_lines:
            entry += [""] + ab_lines
        if ex:
            entry += [""] + ["- " + e for e in ex]
        entry += ["", "Targets:", ""] + ["- [%s] %s: %s" % (t["status"], t["target"], t["detail"]) for t in targets]
        with open(results_md, "a") as f:
            f.write("\n".join(entry) + "\n")


if __name__ == "__main__":
    main()
