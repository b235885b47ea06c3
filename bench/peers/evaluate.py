#!/usr/bin/env python3
"""Bench peer: a Panther-style Python evaluator of the five single-event SES rules.

Like Panther's detections, each rule is a plain function `rule(event) -> bool` called on every
json-decoded record; no indexing, no compilation. Reads files or folders (recursively), each
either {"Records": [...]} or JSON Lines, gzip or plain (decided by the magic bytes), and prints
"<rule>\t<eventID>" per match. Standard library only. Checked against truth.json by
bench/run.sh and bench/tests/test_peers.py.
"""

import gzip
import json
import os
import sys


def deep_get(event, *path):
    value = event
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def long_term_key(event):
    key = deep_get(event, "userIdentity", "accessKeyId")
    return isinstance(key, str) and key.startswith("AKIA")


def ses_call(event, *names):
    return event.get("eventSource") == "ses.amazonaws.com" and event.get("eventName") in names


def rule_get_account(event):
    return ses_call(event, "GetAccount") and long_term_key(event)


def rule_quota_check(event):
    quota_call = (event.get("eventSource") == "servicequotas.amazonaws.com"
                  and event.get("eventName") in ("ListServiceQuotas", "GetServiceQuota")
                  and deep_get(event, "requestParameters", "serviceCode") == "ses")
    return (ses_call(event, "GetSendQuota") or quota_call) and long_term_key(event)


def rule_list_identities(event):
    return ses_call(event, "ListIdentities", "ListEmailIdentities") and long_term_key(event)


def rule_sending_status_check(event):
    return ses_call(event, "GetAccountSendingEnabled") and long_term_key(event)


def rule_enable_sending(event):
    # `is True`: only the JSON boolean counts (1 == True in Python, "true" is a string).
    enabled = (ses_call(event, "UpdateAccountSendingEnabled")
               and deep_get(event, "requestParameters", "enabled") is True)
    attributes = (ses_call(event, "PutAccountSendingAttributes")
                  and deep_get(event, "requestParameters", "sendingEnabled") is True)
    return (enabled or attributes) and long_term_key(event)


RULES = (("ses.get_account_long_term_key", rule_get_account),
         ("ses.quota_check_long_term_key", rule_quota_check),
         ("ses.list_identities_long_term_key", rule_list_identities),
         ("ses.sending_status_check_long_term_key", rule_sending_status_check),
         ("ses.enable_sending_long_term_key", rule_enable_sending))


def records(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if path.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        return [json.loads(line) for line in data.splitlines() if line.strip()]
    document = json.loads(data)
    return document.get("Records", []) if isinstance(document, dict) else []


def walk(paths):
    for path in paths:
        if os.path.isdir(path):
            for folder, subfolders, files in os.walk(path):
                subfolders.sort()
                for name in sorted(files):
                    if name.endswith((".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson")):
                        yield os.path.join(folder, name)
        else:
            yield path


def main(paths):
    out = sys.stdout
    for path in walk(paths):
        for event in records(path):
            if not isinstance(event, dict):
                continue
            for name, rule in RULES:
                if rule(event):
                    out.write(f"{name}\t{event.get('eventID')}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
