#!/usr/bin/env python3
"""bench/explain.py: EXPLAIN every dashboard query of db/builds.c (and the unfiltered list's).

The SQL is read from the source (the named constants and the string macros
they are built from), not copied, so the plans are those of the code being
measured. Each statement is run the way the responders run it: prepared,
with its parameters bound (EXECUTE ... USING), once for the all-platforms
dashboards (platform 0) and once for /dashboard/platform/{platform}.

Usage: explain.py SOURCE_FILE OUT_JSON -- MARIADB_COMMAND...
       explain.py --sql SOURCE_FILE NAME   (prints the statement NAME, for bench/dbfloor)
Prints the plans; writes [{"query", "params", "plan": [...], "flags": [...]}].
A row of type ALL on builds or build_failures (the large tables) is flagged
"FULL TABLE SCAN"; type "index" on them (every index entry read) is flagged
"FULL INDEX SCAN", unless ANALYZE read at most INDEX_READ_OK rows of it (an
index read in order and stopped by a LIMIT). Scans of the small reference and
counter tables are fine.
"""
import json
import re
import subprocess
import sys

LARGE = {"b", "builds", "f", "build_failures", "h", "build_state_history"}

STALE_MIN = 120
# name -> list of (label, params). The filter of SQL_COUNT / SQL_LIST is
# bind_filter(): platform, platform, os, os, image, image, state, state,
# since x2, until x2, build_id x2 (0 / -1 / '' mean "any").
def filt(platform):
    return [platform, platform, 0, 0, 0, 0, -1, -1, "", "", "", "", "", ""]

# The stale counts bind the unfinished states that have builds, 8 at a time,
# padded with -1 (count_stale in db/builds.c).
UNFINISHED = [0, 10, 20, 25, 30, 40, -1, -1]

QUERIES = [
    ("SQL_COUNTS", "summary: totals by state and platform", [0, 0]),
    ("SQL_LAST_DAY", "summary: builds in the last 24 h", []),
    ("SQL_TOP_FAILURES", "summary: top failure codes", []),
    ("SQL_STALE", "summary: stale builds", UNFINISHED + [STALE_MIN]),
    ("SQL_RECENT", "recent: newest 20 (db_build_recent)", [STALE_MIN, 20, 0]),
    ("SQL_RECENT", "list: GET /builds page 2 (db_build_list)", [STALE_MIN, 20, 20]),
    ("SQL_COUNTED", "list: GET /builds total (db_build_list)", [0, 0]),
    ("SQL_COUNTS", "platform: totals by state and platform", [1, 1]),
    ("SQL_LAST_DAY_PLATFORM", "platform: builds in the last 24 h", [1, 1]),
    ("SQL_TOP_FAILURES_PLATFORM", "platform: top failure codes", [1]),
    ("SQL_STALE_PLATFORM", "platform: stale builds", UNFINISHED + [STALE_MIN, 1]),
    ("SQL_RECENT_PLATFORM", "platform: recent 20 (db_build_recent)", [STALE_MIN, 1, 20, 0]),
]

STR = r'"(?:[^"\\\n]|\\.)*"'


def c_unescape(lit):
    body = lit[1:-1]
    return bytes(body, "utf-8").decode("unicode_escape")


def read_sql(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"\\\n", " ", text)  # join continued #define lines
    macros = {}
    for m in re.finditer(r"^\s*#\s*define\s+(\w+)\s+(.*)$", text, flags=re.M):
        macros[m.group(1)] = m.group(2)

    def expand(expr, depth=0):
        if depth > 20:
            raise ValueError("macro recursion")
        out = []
        for tok in re.finditer(STR + r"|[A-Za-z_]\w*", expr):
            t = tok.group(0)
            if t.startswith('"'):
                out.append(c_unescape(t))
            elif t in macros:
                out.append(expand(macros[t], depth + 1))
            else:
                raise ValueError("unknown token %s" % t)
        return "".join(out)

    sql = {}
    for m in re.finditer(r"static\s+const\s+char\s+(SQL_\w+)\s*\[\s*\]\s*=\s*([^;]*);", text):
        try:
            sql[m.group(1)] = expand(m.group(2))
        except ValueError:
            pass
    return sql


# Rows an index scan of a large table may read and still not be flagged:
# the LIMIT of the dashboards (at most 100) with room to spare.
INDEX_READ_OK = 1000


def r_rows(doc):
    """{table: rows read} of an ANALYZE FORMAT=JSON document (the largest per table)."""
    found = {}

    def walk(x):
        if isinstance(x, dict):
            if "table_name" in x and "r_rows" in x:
                try:
                    n = float(x["r_rows"])
                    found[x["table_name"]] = max(n, found.get(x["table_name"], 0))
                except (TypeError, ValueError):
                    pass
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(doc)
    return found


def lit(v):
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"


def main():
    if sys.argv[1] == "--sql":
        q = read_sql(sys.argv[2]).get(sys.argv[3])
        if q is None:
            sys.exit("no constant %s in %s" % (sys.argv[3], sys.argv[2]))
        print(q)
        return
    src, out_json = sys.argv[1], sys.argv[2]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    sql = read_sql(src)
    results = []
    for name, label, params in QUERIES:
        entry = {"query": name, "label": label, "params": params, "plan": [], "flags": []}
        results.append(entry)
        q = sql.get(name)
        if q is None:
            entry["error"] = "no constant %s in %s" % (name, src)
            continue
        entry["sql"] = q
        if q.count("?") != len(params):
            entry["error"] = "%d placeholders, %d parameters: the query changed" % (q.count("?"), len(params))
            continue
        sets = "".join("SET @p%d = %s;\n" % (i, lit(v)) for i, v in enumerate(params))
        using = ", ".join("@p%d" % i for i in range(len(params)))

        def prepared(prefix):
            # "SET STATEMENT ... FOR SELECT": the EXPLAIN goes before the SELECT.
            m = re.match(r"(SET STATEMENT .*? FOR )(.*)$", q, flags=re.S)
            text = m.group(1) + prefix + m.group(2) if m else prefix + q
            return (sets + "PREPARE s FROM " + lit(text) + ";\n"
                    + "EXECUTE s" + (" USING " + using if params else "") + ";\nDEALLOCATE PREPARE s;\n")
        # ANALYZE runs the statement: its server-side time, once warm (the
        # second of two runs).
        a = subprocess.run(cmd + ["-B", "-N", "-r"],
                           input=prepared("ANALYZE FORMAT=JSON ") + "SELECT '@@@';\n" + prepared("ANALYZE FORMAT=JSON "),
                           capture_output=True, text=True)
        if a.returncode == 0 and "@@@" in a.stdout:
            try:
                doc = json.loads(a.stdout.split("@@@")[-1])
                entry["ms"] = round(float(doc["query_block"].get("r_total_time_ms", 0)), 3)
                entry["r_rows"] = r_rows(doc)
            except (ValueError, KeyError, IndexError):
                pass
        p = subprocess.run(cmd + ["-B"], input=prepared("EXPLAIN "), capture_output=True, text=True)
        if p.returncode != 0:
            entry["error"] = p.stderr.strip()
            continue
        lines = [l for l in p.stdout.splitlines() if l.strip()]
        if not lines:
            entry["error"] = "no plan"
            continue
        head = lines[0].split("\t")
        for l in lines[1:]:
            row = dict(zip(head, l.split("\t")))
            entry["plan"].append(row)
            table, typ = row.get("table", ""), row.get("type", "")
            if table in LARGE and typ == "ALL":
                entry["flags"].append("FULL TABLE SCAN of %s (rows %s)" % (table, row.get("rows")))
            elif table in LARGE and typ == "index" and entry.get("r_rows", {}).get(table, 1e9) <= INDEX_READ_OK:
                # An index read in order and stopped by LIMIT (ORDER BY ...
                # LIMIT 20): EXPLAIN's rows is the whole index, ANALYZE's
                # r_rows what was read.
                entry["notes"] = entry.get("notes", []) + [
                    "ordered index read of %s via %s stopped after %s rows (ANALYZE r_rows)"
                    % (table, row.get("key"), entry["r_rows"][table])]
            elif table in LARGE and typ == "index":
                entry["flags"].append("FULL INDEX SCAN of %s via %s (rows %s)" % (table, row.get("key"), row.get("rows")))

    for e in results:
        print("-- %s  [%s]  params %s%s" % (e["query"], e["label"], e["params"],
                                          "  (%.2f ms in the server, ANALYZE)" % e["ms"] if "ms" in e else ""))
        if "error" in e:
            print("   error: %s" % e["error"])
            continue
        cols = ["table", "type", "key", "rows", "Extra"]
        for row in e["plan"]:
            print("   " + "  ".join("%s=%s" % (c, row.get(c, "")) for c in cols))
        for f in e["flags"]:
            print("   !! %s" % f)
        for n in e.get("notes", []):
            print("   .. %s" % n)
    with open(out_json, "w") as f:
        json.dump(results, f, indent=1)
    bad = sum(1 for e in results if any(x.startswith("FULL TABLE") for x in e["flags"]))
    print("EXPLAIN: %d statements, %d with a full table scan of a large table, %d errors"
          % (len(results), bad, sum(1 for e in results if "error" in e)))


if __name__ == "__main__":
    main()
