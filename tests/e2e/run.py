#!/usr/bin/env python3
"""End-to-end tests of the built `sesrules` binary: every subcommand, every output
format, exit codes, stdin, closed pipes, failing writes, and golden text outputs.

    python3 tests/e2e/run.py BUILD/cli/sesrules REPO_ROOT
    SESRULES_UPDATE_GOLDEN=1 python3 tests/e2e/run.py ...   # rewrite tests/e2e/golden/*

Prints one line per case and a final "N passed, N failed" line; exit 1 on failure.
"""
import gzip
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile

BIN, ROOT = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
GOLDEN = os.path.join(ROOT, "tests", "e2e", "golden")
EXAMPLES = os.path.join(ROOT, "examples", "logs")
FIXTURES = os.path.join(ROOT, "stdrules", "fixtures")
UPDATE = os.environ.get("SESRULES_UPDATE_GOLDEN") == "1"
TMP = tempfile.mkdtemp(prefix="sesrules-e2e-")
results = []


def run(*args, stdin=None, cwd=None, shell=False):
    cmd = args[0] if shell else [BIN, *args]
    p = subprocess.run(cmd, input=stdin, capture_output=True, cwd=cwd or TMP, shell=shell, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def case(fn):
    try:
        fn()
        results.append((fn.__name__, None))
        print("ok   " + fn.__name__)
    except AssertionError as e:
        results.append((fn.__name__, str(e)))
        print("FAIL %s: %s" % (fn.__name__, e))
    return fn


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def golden(name, text):
    path = os.path.join(GOLDEN, name)
    if UPDATE or not os.path.exists(path):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return
    with open(path) as f:
        expected = f.read()
    check(text == expected, "output differs from golden %s (rerun with SESRULES_UPDATE_GOLDEN=1 to review)\n%s"
          % (name, text[:2000]))


def write(name, text, mode="w"):
    path = os.path.join(TMP, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)
    return path


def fixture_events(rel):
    with open(os.path.join(FIXTURES, rel)) as f:
        return json.load(f)["events"]


def jsonl_of(events):
    return "".join(json.dumps(e) + "\n" for e in events)


def expected_rules():
    with open(os.path.join(ROOT, "examples", "truth.json")) as f:
        truth = json.load(f)
    rules = set()
    for scenario in truth.get("scenarios", []):
        for rule in scenario.get("expected_rules", scenario.get("rules", [])):
            rules.add(rule if isinstance(rule, str) else rule.get("rule"))
    return rules


@case
def version_and_help():
    code, out, _ = run("--version")
    check(code == 0 and "sesrules" in out and "rule pack" in out, "version: %d %r" % (code, out))
    for sub in ["eval", "lint", "test", "fmt", "compile", "inspect", "explain"]:
        code, out, _ = run(sub, "--help")
        check(code == 0 and "Examples" in out, "%s --help lacks examples" % sub)
    code, _, err = run("frobnicate")
    check(code == 2, "unknown subcommand must exit 2, got %d" % code)


@case
def eval_examples_jsonl_finds_the_attack():
    code, out, err = run("eval", "--format", "jsonl", "--quiet", EXAMPLES)
    check(code == 0, "exit %d: %s" % (code, err[-2000:]))
    alerts = [json.loads(line) for line in out.splitlines()]
    check(alerts, "no alerts on examples/logs")
    for a in alerts:
        for field in ["rule", "title", "severity", "key", "time", "first_time", "last_time", "events", "fields"]:
            check(field in a, "alert lacks %s" % field)
        for e in a["events"]:
            for field in ["eventID", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
                          "accessKeyId", "errorCode", "file"]:
                check(field in e, "event lacks %s" % field)
    fired = {a["rule"] for a in alerts}
    for rule in ["ses.abuse_enumeration", "ses.multi_region_quota_probe", "ses.list_identities_with_verification",
                 "ses.enable_sending_long_term_key"]:
        check(rule in fired, "%s did not fire on examples/logs (fired: %s)" % (rule, sorted(fired)))
    keys = {a["key"] for a in alerts if a["rule"] == "ses.abuse_enumeration"}
    check(keys == {"AKIAWY37FYSCZH5N6KUS"}, "abuse_enumeration keys: %s" % keys)
    check(not any(str(a["key"]).startswith("ASIA") for a in alerts if a["rule"] != "ses.multi_region_quota_probe"),
          "an ASIA decoy fired a long-term-key rule")


@case
def eval_is_deterministic_across_threads():
    outs = [run("eval", "-f", "jsonl", "-q", "-j", j, EXAMPLES)[1] for j in ("1", "2", "4")]
    check(outs[0] == outs[1] == outs[2], "-j 1/2/4 outputs differ")


DIRECT_RULES = """package e2e.direct

alert assume_role_in_region {
  meta {
    title: "AssumeRole in a listed region"
    severity: low
    description: "e2e: one field test per rule"
  }
  when {
    input.eventSource == "sts.amazonaws.com"
    input.eventName == "AssumeRole"
    input.awsRegion in {"us-east-1", "us-east-2", "eu-west-1"}
  }
}

alert assume_role_without_error {
  meta {
    title: "AssumeRole without an error"
    severity: low
    description: "e2e: one field test per rule"
  }
  when {
    input.eventSource == "sts.amazonaws.com"
    input.eventName == "AssumeRole"
    not input.errorCode
  }
}

alert get_object_by_agent {
  meta {
    title: "GetObject from an SDK"
    severity: info
    description: "e2e: one field test per rule"
  }
  when {
    input.eventSource == "s3.amazonaws.com"
    input.eventName == "GetObject"
    contains(input.userAgent, "aws")
  }
}
"""


@case
def eval_profile_takes_the_general_path_with_the_same_alerts():
    # A predicate of one field test runs straight from the dispatch target's copy of it;
    # --profile sends every target through Vm::holds instead. Both must alert alike.
    rules = write("direct/direct.rules", DIRECT_RULES)
    base = ["eval", "-f", "jsonl", "-q", "--no-builtin", "--rules", rules, EXAMPLES]
    code, plain, err = run(*base)
    check(code == 0, "exit %d: %s" % (code, err[-2000:]))
    fired = {json.loads(line)["rule"] for line in plain.splitlines()}
    check(fired == {"e2e.direct.assume_role_in_region", "e2e.direct.assume_role_without_error",
                    "e2e.direct.get_object_by_agent"}, "fired: %s" % sorted(fired))
    code, profiled, err = run(*(base[:1] + ["--profile"] + base[1:]))
    check(code == 0 and profiled == plain, "--profile changed the alerts")


def quota_call(event_id, time):
    return json.dumps({"eventVersion": "1.08", "eventTime": time, "eventSource": "ses.amazonaws.com",
                       "eventName": "GetSendQuota", "awsRegion": "us-east-1", "eventID": event_id,
                       "userIdentity": {"type": "IAMUser", "accessKeyId": "AKIAEXAMPLEEXAMPLE01"}}) + "\n"


@case
def eval_writes_alerts_as_it_goes_and_counts_late_ones():
    # Alerts leave the queue once the newest eventTime minus the lateness has passed
    # them; a record later than that is written with the next batch, out of order.
    rules = write("stream/quota.rules", """package e2e.stream

alert quota_call {
  meta {
    title: "GetSendQuota"
    severity: info
    description: "e2e: every GetSendQuota call"
  }
  when {
    input.eventSource == "ses.amazonaws.com"
    input.eventName == "GetSendQuota"
  }
}
""")
    write("stream/logs/a.json", quota_call("a1", "2024-05-14T10:00:00Z") + quota_call("a2", "2024-05-14T10:30:00Z"))
    write("stream/logs/b.json", quota_call("b1", "2024-05-14T09:00:00Z"))
    args = ["eval", "-f", "jsonl", "-j", "1", "--no-builtin", "--rules", rules, os.path.join(TMP, "stream", "logs")]
    code, out, err = run(*args)
    check(code == 0, "exit %d: %s" % (code, err[-2000:]))
    ids = [json.loads(line)["events"][0]["eventID"] for line in out.splitlines()]
    check(ids == ["a1", "b1", "a2"], "alert order: %s" % ids)
    check(re.search(r"alerts_out_of_order\s+1\b", err), "no alerts_out_of_order count: %r" % err)
    check(run(*(args[:3] + ["2"] + args[4:]))[1] == out, "-j 2 wrote another order")
    # With --max-lateness beyond the gap nothing is late, and the order is plain time order.
    code, out, err = run(*(args + ["--max-lateness", "2h"]))
    ids = [json.loads(line)["events"][0]["eventID"] for line in out.splitlines()]
    check(ids == ["b1", "a1", "a2"] and "alerts_out_of_order" not in err, "order: %s" % ids)


@case
def eval_text_summary_and_golden():
    events = fixture_events("abuse_enumeration/positive/full-flow-any-order.json")
    path = write("flow/events.jsonl", jsonl_of(events))
    code, out, err = run("eval", "--color", "never", path)
    check(code == 0, "exit %d" % code)
    check("summary:" in err and "records" in err, "no summary on stderr: %r" % err)
    golden("eval-full-flow.text.out", out)
    code, out, err = run("eval", "--quiet", "-f", "csv", path)
    check(out.startswith("time,severity,rule"), "csv header missing")
    golden("eval-full-flow.csv.out", out.replace(path, "EVENTS"))
    code, out, _ = run("eval", "--quiet", "-f", "json", path)
    check(isinstance(json.loads(out), list), "json format is not an array")


@case
def eval_stdin_plain_and_gzip():
    events = fixture_events("get_account_long_term_key/positive/akia-key-success.json")
    code, out, _ = run("eval", "-q", "-f", "jsonl", "-", stdin=jsonl_of(events).encode())
    check(code == 0 and "ses.get_account_long_term_key" in out, "stdin plain: %d %s" % (code, out))
    code, out, _ = run("eval", "-q", "-f", "jsonl", stdin=gzip.compress(json.dumps({"Records": events}).encode()))
    check(code == 0 and "ses.get_account_long_term_key" in out, "stdin gzip: %d %s" % (code, out))


@case
def eval_fail_on_alert_exit_1():
    events = fixture_events("get_account_long_term_key/positive/akia-key-success.json")
    path = write("one/events.json", json.dumps({"Records": events}))
    code, _, _ = run("eval", "-q", "--fail-on-alert", path)
    check(code == 1, "expected 1, got %d" % code)
    neg = write("neg/events.json", json.dumps(fixture_events("get_account_long_term_key/negative/asia-session-key.json")))
    code, out, _ = run("eval", "-q", "--fail-on-alert", neg)
    check(code == 0 and out == "", "negative: %d %r" % (code, out))


@case
def eval_damaged_input_exit_3_rest_processed():
    events = fixture_events("get_account_long_term_key/positive/akia-key-success.json")
    good = write("mixed/good.json.gz", gzip.compress(json.dumps({"Records": events}).encode()), "wb")
    whole = gzip.compress(json.dumps({"Records": events * 50}).encode())
    write("mixed/truncated.json.gz", whole[: len(whole) // 2], "wb")
    write("mixed/bad.jsonl", '{"eventName": "x"\nnot json at all\n', "w")
    code, out, err = run("eval", "-f", "jsonl", os.path.join(TMP, "mixed"))
    check(code == 3, "expected exit 3, got %d" % code)
    check("ses.get_account_long_term_key" in out, "alerts of the good file are missing")
    check("truncated.json.gz" in err and "bad.jsonl" in err, "damaged files not named on stderr: %r" % err)


@case
def eval_bad_rules_exit_2_with_position():
    rules = write("bad/bad.rules", 'package acme\n\nalert x {\n  meta { title: "t" severity: low description: "d" }\n'
                  '  when {\n    input.eventname == "GetAccount"\n  }\n}\n')
    code, _, err = run("eval", "--rules", rules, os.devnull)
    check(code == 2, "expected 2, got %d" % code)
    check("bad.rules:6:11: error[E204]" in err and "eventName" in err, "diagnostic: %r" % err)


@case
def eval_closed_pipe_is_quiet():
    cmd = "%s eval -q -f jsonl %s | head -1" % (BIN, EXAMPLES)
    p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, timeout=120)
    check(p.stderr == b"", "stderr on closed pipe: %r" % p.stderr[:500])
    check(p.stdout.count(b"\n") == 1, "head -1 got %r" % p.stdout[:200])


@case
def eval_failing_write_exit_4():
    if not os.path.exists("/dev/full"):
        return
    code, _, err = run("eval", "-q", "-o", "/dev/full", EXAMPLES)
    check(code == 4, "expected 4 on /dev/full, got %d (%s)" % (code, err))


@case
def eval_select_since_until():
    code, out, _ = run("eval", "-q", "-f", "jsonl", "--select", "ses.multi_*", EXAMPLES)
    rules = {json.loads(l)["rule"] for l in out.splitlines()}
    check(rules == {"ses.multi_region_quota_probe"}, "select: %s" % rules)
    code, _, err = run("eval", "-q", "--select", "nothing.matches", EXAMPLES)
    check(code == 2 and "matches no rule" in err, "bad select: %d" % code)
    code, out, _ = run("eval", "-q", "-f", "jsonl", "--since", "2030-01-01", EXAMPLES)
    check(code == 0 and out == "", "since filter kept alerts")


@case
def compile_inspect_and_run_compiled():
    program = os.path.join(TMP, "pack.ses")
    code, _, err = run("compile", "-o", program)
    check(code == 0 and os.path.getsize(program) > 0, "compile: %d %s" % (code, err))
    direct = run("eval", "-q", "-f", "jsonl", EXAMPLES)[1]
    compiled = run("eval", "-q", "-f", "jsonl", "--compiled", program, EXAMPLES)[1]
    check(direct == compiled, "--compiled output differs from compiling in place")
    code, out, _ = run("inspect", program)
    check(code == 0 and "ses.abuse_enumeration" in out, "inspect output")
    with open(program, "r+b") as f:
        f.seek(0)
        f.write(b"NOTSESRU")
    code, _, err = run("eval", "--compiled", program, os.devnull)
    check(code == 2 and "pack.ses" in err, "corrupt program: %d %r" % (code, err))


LINT_RULES = '''package acme

import ses

helper_never_used {
  input.eventSource == "ses.amazonaws.com"
}

alert odd_call {
  meta {
    title: "odd"
    severity: low
    description: "lint test"
  }
  when {
    input.eventSource == "ses.amazonaws.com"
    input.eventName == "GetSendQuotaa"
    ses.long_term_key
  }
}
'''


@case
def lint_formats_and_strict():
    rules = write("lint/acme.rules", LINT_RULES)
    code, out, err = run("lint", rules)
    check(code == 0, "warnings only must exit 0 without --strict, got %d: %s" % (code, out))
    check("W104" in out or "W104" in err, "unused helper not reported: %s" % out)
    golden("lint-acme.text.out", out.replace(os.path.join(TMP, ""), ""))
    code, _, _ = run("lint", "--strict", rules)
    check(code == 1, "--strict must exit 1 on warnings, got %d" % code)
    code, out, _ = run("lint", "--format", "github", rules)
    check("::warning file=" in out and "line=" in out, "github annotations: %r" % out)
    code, out, _ = run("lint", "--format", "json", rules)
    for line in out.splitlines():
        json.loads(line)
    code, out, _ = run("lint", "--format", "sarif", rules)
    sarif = json.loads(out)
    check(sarif.get("version") == "2.1.0" and "$schema" in sarif, "sarif version/schema")
    run0 = sarif["runs"][0]
    check(run0["tool"]["driver"]["name"] == "sesrules", "sarif driver name")
    check(run0["results"], "sarif results empty")
    for r in run0["results"]:
        check("ruleId" in r and "message" in r and "text" in r["message"] and r["locations"], "sarif result fields")
        loc = r["locations"][0]["physicalLocation"]
        check("uri" in loc["artifactLocation"] and loc["region"]["startLine"] >= 1, "sarif location")
    config = write("lint/.sesrules-lint.json", json.dumps({"disable": ["unused-helper", "W113"]}))
    code, out, err = run("lint", "--config", config, rules)
    check("W104" not in out, "config did not disable W104")
    code, _, _ = run("lint", os.path.join(TMP, "lint", "missing"))
    check(code == 2, "missing path must exit 2")


@case
def lint_and_fmt_bundled_pack_clean():
    code, out, err = run("lint", "--strict", os.path.join(ROOT, "stdrules"))
    check(code == 0, "stdrules lint --strict: %d\n%s%s" % (code, out, err))
    code, out, err = run("fmt", "--check", os.path.join(ROOT, "stdrules"))
    check(code == 0, "stdrules fmt --check: %d\n%s%s" % (code, out, err))


@case
def test_command_pass_fail_and_coverage():
    code, out, _ = run("test", os.path.join(ROOT, "stdrules"))
    check(code == 0 and " 0 failed" in out, "stdrules fixtures: %d %s" % (code, out[-3000:]))
    folder = os.path.join(TMP, "userrules")
    os.makedirs(os.path.join(folder, "fixtures"), exist_ok=True)
    shutil.copy(os.path.join(TMP, "lint", "acme.rules"), os.path.join(folder, "acme.rules"))
    events = fixture_events("get_account_long_term_key/positive/akia-key-success.json")
    write("userrules/fixtures/wrong.json", json.dumps({"description": "expects an alert that cannot happen",
          "rules": ["acme.odd_call"], "events": events,
          "expect": [{"rule": "acme.odd_call", "events": [events[0]["eventID"]]}]}))
    code, out, _ = run("test", "--coverage", folder)
    check(code == 1 and "FAIL" in out and "expected, not produced" in out, "failing fixture: %d %s" % (code, out))
    check("coverage:" in out and "acme.odd_call" in out, "coverage report: %s" % out)


@case
def fmt_check_write_idempotent():
    messy = write("fmt/messy.rules", 'package acme\n# keep me\nx := {"b","a"}\nalert a {meta{title:"t"\nseverity: low\n'
                  'description:"d"}\nwhen{input.eventName in x   # trailing\n}}\n')
    code, out, _ = run("fmt", "--check", messy)
    check(code == 1 and "messy.rules" in out, "fmt --check on messy file: %d" % code)
    code, out, _ = run("fmt", "--diff", messy)
    check(out.startswith("---"), "fmt --diff output")
    code, _, _ = run("fmt", "-w", messy)
    check(code == 0, "fmt -w")
    with open(messy) as f:
        once = f.read()
    check("# keep me" in once and "# trailing" in once, "comments lost: %s" % once)
    code, _, _ = run("fmt", "--check", messy)
    check(code == 0, "fmt not idempotent")
    golden("fmt-messy.fmt.out", once)


@case
def explain_shows_conditions():
    path = write("explain/events.jsonl", jsonl_of(
        fixture_events("get_account_long_term_key/negative/asia-session-key.json") +
        fixture_events("get_account_long_term_key/positive/akia-key-success.json")))
    code, out, err = run("explain", "--rule", "ses.get_account_long_term_key", path)
    check(code == 0, "explain exit %d: %s" % (code, err))
    check("long_term_key" in out and "fails" in out and "holds" in out, "explain output: %s" % out)
    check("alerts of ses.get_account_long_term_key" in out, "explain alerts section")
    seq = write("explain/seq.jsonl", jsonl_of(fixture_events("abuse_enumeration/positive/full-flow-any-order.json")))
    code, out, _ = run("explain", "--rule", "ses.abuse_enumeration", seq)
    check(code == 0 and "sequence state by key" in out and "step sandbox" in out, "sequence explain: %s" % out)


def alert_identities(jsonl_text):
    out = []
    for line in jsonl_text.splitlines():
        a = json.loads(line)
        out.append((a["rule"], json.dumps(a["key"]), tuple(e["eventID"] for e in a["events"])))
    return sorted(out)


@case
def corrupted_input_keeps_undamaged_alerts():
    """Whole-run invariant: with corruption injected, the alerts equal those of a
    clean run over the undamaged records alone."""
    import random
    rng = random.Random(7)
    damaged, clean = os.path.join(TMP, "inv-damaged"), os.path.join(TMP, "inv-clean")
    files = []
    for base, _, names in os.walk(os.path.join(EXAMPLES, "AWSLogs")):
        files += [os.path.join(base, n) for n in sorted(names) if n.endswith(".json.gz")]
    files.sort()
    kinds = {"garbage-lines": 0, "bad-utf8": 0, "unreadable": 0}
    for i, path in enumerate(files):
        with gzip.open(path, "rt") as f:
            records = json.load(f)["Records"]
        name = "f%04d.jsonl" % i
        kind = rng.choice(["none", "none", "none", "garbage-lines", "bad-utf8", "unreadable"])
        good_lines = [json.dumps(r) for r in records]
        if kind == "garbage-lines":
            lines = []
            for line in good_lines:
                lines.append(line)
                if rng.random() < 0.3:
                    lines.append(rng.choice(['{"eventID": "x", "eventName": ', "not json", "[1,2", '{"a":}']))
            data = ("\n".join(lines) + "\n").encode()
        elif kind == "bad-utf8" and good_lines:
            victim = rng.randrange(len(good_lines))
            raw = [l.encode() for l in good_lines]
            raw[victim] = raw[victim].replace(b'"eventVersion": "', b'"eventVersion": "\xff\xfe', 1)
            good_lines = good_lines[:victim] + good_lines[victim + 1:]
            data = b"\n".join(raw) + b"\n"
        elif kind == "unreadable":
            data = gzip.compress("\n".join(good_lines).encode())[:40]
            good_lines = []
        else:
            data = ("\n".join(good_lines) + "\n").encode()
        if kind != "none":
            kinds[kind] += 1
        write(os.path.join(damaged, name), data, "wb")
        write(os.path.join(clean, name), "\n".join(good_lines) + ("\n" if good_lines else ""))
    check(all(kinds.values()), "every corruption kind must be injected: %s" % kinds)
    code_d, out_d, err_d = run("eval", "-f", "jsonl", damaged)
    code_c, out_c, _ = run("eval", "-f", "jsonl", clean)
    check(code_d == 3 and code_c == 0, "exit codes damaged=%d clean=%d" % (code_d, code_c))
    check(alert_identities(out_d) == alert_identities(out_c), "alerts differ between damaged and clean runs")
    check(alert_identities(out_c), "the clean run found no alerts: the test would prove nothing")
    check("records_skipped_malformed_json" in err_d, "summary lacks the malformed-record count: %s" % err_d[-1500:])


shutil.rmtree(TMP, ignore_errors=True)
failed = [name for name, err in results if err]
print("%d passed, %d failed" % (len(results) - len(failed), len(failed)))
sys.exit(1 if failed else 0)
