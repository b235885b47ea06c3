# Bench peer: the five single-event SES rules in jq.
# Input: {"Records":[...]} documents or JSON Lines records (one record per input value).
# Output (with jq -r): "<rule>\t<eventID>" per match. Checked against truth.json by
# bench/run.sh and bench/tests/test_peers.py.
# Semantics match the rule pack: the key must be a string starting with "AKIA"; enabled and
# sendingEnabled must be the JSON boolean true (jq's == never equates true with "true" or 1).

def long_term_key:
  (.userIdentity.accessKeyId? // null) as $key
  | ($key | type) == "string" and ($key | startswith("AKIA"));

def request(name): (.requestParameters? // null) | if type == "object" then .[name] else null end;

def rule_names:
  if .eventSource == "ses.amazonaws.com" then
    if .eventName == "GetAccount" then "ses.get_account_long_term_key"
    elif .eventName == "GetSendQuota" then "ses.quota_check_long_term_key"
    elif .eventName == "ListIdentities" or .eventName == "ListEmailIdentities"
      then "ses.list_identities_long_term_key"
    elif .eventName == "GetAccountSendingEnabled" then "ses.sending_status_check_long_term_key"
    elif .eventName == "UpdateAccountSendingEnabled" and request("enabled") == true
      then "ses.enable_sending_long_term_key"
    elif .eventName == "PutAccountSendingAttributes" and request("sendingEnabled") == true
      then "ses.enable_sending_long_term_key"
    else empty end
  elif .eventSource == "servicequotas.amazonaws.com"
       and (.eventName == "ListServiceQuotas" or .eventName == "GetServiceQuota")
       and request("serviceCode") == "ses"
    then "ses.quota_check_long_term_key"
  else empty end;

(if type == "object" and has("Records") then .Records[] else . end)
| select(type == "object")
| . as $event
| rule_names
| select($event | long_term_key)
| "\(.)\t\($event.eventID)"
