"""Ground truth for the five single-event SES rules (the checks every bench peer implements).

This is the generator's own oracle: truth.json's `single_event_matches` is this function applied
to every record written. Semantics follow the rule pack: a long-term key is a *string*
userIdentity.accessKeyId starting with "AKIA"; enabled/sendingEnabled must be the JSON boolean
true (`is True`, since 1 == True in Python); serviceCode must be the string "ses".
Tested by bench/tests/test_gen_cloudtrail.py (table of records -> rule names).
"""

kRuleGetAccount = "ses.get_account_long_term_key"
kRuleQuotaCheck = "ses.quota_check_long_term_key"
kRuleListIdentities = "ses.list_identities_long_term_key"
kRuleSendingStatus = "ses.sending_status_check_long_term_key"
kRuleEnableSending = "ses.enable_sending_long_term_key"

SINGLE_EVENT_RULES = (kRuleGetAccount, kRuleQuotaCheck, kRuleListIdentities,
                      kRuleSendingStatus, kRuleEnableSending)


def _request_value(record, name):
    request = record.get("requestParameters")
    return request.get(name) if isinstance(request, dict) else None


def single_event_matches(record):
    """Names of the single-event rules that fire on `record` (at most one in practice)."""
    identity = record.get("userIdentity")
    key = identity.get("accessKeyId") if isinstance(identity, dict) else None
    if not (isinstance(key, str) and key.startswith("AKIA")):
        return []
    source, name = record.get("eventSource"), record.get("eventName")
    if source == "servicequotas.amazonaws.com":
        if name in ("ListServiceQuotas", "GetServiceQuota") and \
                _request_value(record, "serviceCode") == "ses":
            return [kRuleQuotaCheck]
        return []
    if source != "ses.amazonaws.com":
        return []
    if name == "GetAccount":
        return [kRuleGetAccount]
    if name == "GetSendQuota":
        return [kRuleQuotaCheck]
    if name in ("ListIdentities", "ListEmailIdentities"):
        return [kRuleListIdentities]
    if name == "GetAccountSendingEnabled":
        return [kRuleSendingStatus]
    if name == "UpdateAccountSendingEnabled" and _request_value(record, "enabled") is True:
        return [kRuleEnableSending]
    if name == "PutAccountSendingAttributes" and _request_value(record, "sendingEnabled") is True:
        return [kRuleEnableSending]
    return []
