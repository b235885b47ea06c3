"""Injected SES attack scenarios and decoys, with the sequence alerts each must (not) produce.

Each scenario uses its own access key, so scenarios never interact with each other or with
background traffic. `expected_sequences` lists the pack's sequence rules that must fire for the
scenario's key; every other sequence rule in SEQUENCE_RULES must stay silent for it. Single-event
expectations are not listed here: the oracle computes them for every record.
Times are offsets in seconds from the scenario's start; jitter keeps runs realistic while the
seed keeps them reproducible. Tested by bench/tests/test_gen_cloudtrail.py.
"""

from .identities import Principal, kIdAlphabet, kKeyAlphabet, random_token, temporary_key
from .records import access_denied, make_record, uuid4

SEQUENCE_RULES = ("ses.list_identities_with_verification", "ses.abuse_enumeration",
                  "ses.multi_region_quota_probe", "ses.sending_enabled_then_identity_verified",
                  "ses.recon_then_iam_persistence")

kAllRegions = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
               "eu-west-3", "eu-central-1", "eu-north-1", "ap-southeast-1", "ap-southeast-2",
               "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
               "ca-central-1", "sa-east-1")
kAttackerAgent = ("Boto3/1.28.62 md/Botocore#1.31.62 ua/2.0 os/linux#5.15.0-88-generic "
                  "md/arch#x86_64 lang/python#3.11.4 md/pyimpl#CPython cfg/retry-mode#legacy "
                  "Botocore/1.31.62")


class Scenario:
    """Collects one scenario's records and its truth entry."""

    def __init__(self, rng, name, kind, description, account, start, principal):
        self.rng_, self.account_, self.start_, self.principal_ = rng, account, start, principal
        self.records = []                    # (region, record)
        self.truth = {"name": name, "kind": kind, "description": description,
                      "account": account, "accessKeyId": principal.access_key
                      or principal.fixed_session[0], "expected_sequences": []}

    def call(self, offset, region, source, name, request=None, response=None, denied=False,
             read_only=True):
        when = self.start_ + int(offset) + self.rng_.randrange(0, 3)
        error = access_denied({"arn": self._arn()}, source, name, "*") if denied else None
        record = make_record(self.rng_, when=when, account=self.account_, region=region,
                             principal=self.principal_, source=source, name=name,
                             read_only=read_only, request=request, response=response,
                             error=error)
        self.records.append((region, record))
        return record

    def ses(self, offset, region, name, request=None, **kwargs):
        return self.call(offset, region, "ses.amazonaws.com", name, request, **kwargs)

    def expect(self, *rules):
        self.truth["expected_sequences"].extend(rules)

    def _arn(self):
        return f"arn:aws:iam::{self.account_}:user/{self.principal_.name}"


def attacker(rng, kind, name, account, long_term=True):
    principal = Principal(kind, name, account, f"scenario:{name}")
    principal.principal_id = ("AIDA" if kind == "IAMUser" else "AROA") + \
        random_token(rng, kIdAlphabet, 17)
    if long_term:
        principal.access_key = "AKIA" + random_token(rng, kKeyAlphabet, 16)
    else:
        session = "botocore-session-" + random_token(rng, "0123456789", 10)
        principal.fixed_session = (temporary_key(rng), session, 0)
    principal.user_agent = kAttackerAgent
    principal.source_ip = f"203.0.113.{rng.randrange(2, 250)}"
    return principal


def compromised_key_footprinting(rng, account, region, start):
    principal = attacker(rng, "IAMUser", "svc-mailer-prod", account)
    s = Scenario(rng, "compromised-key-footprinting", "attack",
                 "A leaked AKIA key walks the whole SES footprinting flow in one region, "
                 "with AccessDenied on GetAccount and GetServiceQuota, then verifies a sender.",
                 account, start, principal)
    s.call(0, region, "sts.amazonaws.com", "GetCallerIdentity")
    s.ses(20, region, "GetAccount", denied=True)
    s.ses(35, region, "GetSendQuota",
          response={"max24HourSend": 200.0, "maxSendRate": 1.0, "sentLast24Hours": 0.0})
    s.call(50, region, "servicequotas.amazonaws.com", "ListServiceQuotas", {"serviceCode": "ses"})
    s.call(65, region, "servicequotas.amazonaws.com", "GetServiceQuota",
           {"serviceCode": "ses", "quotaCode": "L-804C8AE8"}, denied=True)
    s.ses(90, region, "ListIdentities", {"identityType": "EmailAddress", "maxItems": 100})
    s.ses(120, region, "GetIdentityVerificationAttributes",
          {"identities": ["noreply@example.com", "example.com"]})
    s.ses(150, region, "GetAccountSendingEnabled")
    s.ses(200, region, "UpdateAccountSendingEnabled", {"enabled": True}, read_only=False)
    s.ses(380, region, "VerifyEmailIdentity", {"emailAddress": "billing-support@example.net"},
          read_only=False)
    s.expect("ses.list_identities_with_verification", "ses.abuse_enumeration",
             "ses.sending_enabled_then_identity_verified")
    return s


def region_probe(rng, account, start, count, long_term=True):
    kind = "IAMUser" if long_term else "AssumedRole"
    name = "reporting-exporter" if long_term else "ci-ephemeral-runner"
    principal = attacker(rng, kind, name, account, long_term)
    regions = [kAllRegions[i] for i in sorted(rng.sample(range(len(kAllRegions)), count))]
    label = "long-term" if long_term else "temporary (ASIA)"
    s = Scenario(rng, f"region-probe-{'akia' if long_term else 'asia'}-{count}-regions",
                 "attack", f"A {label} key calls GetSendQuota/GetAccount in {count} regions "
                 "within minutes, looking for one out of the sandbox.", account, start, principal)
    step = min(45, 480 // count)
    for index, region in enumerate(regions):
        s.ses(index * step, region, "GetSendQuota" if long_term or index % 2 else "GetAccount")
    s.truth["regions"] = regions
    s.expect("ses.multi_region_quota_probe")
    return s


def sesv2_footprinting_with_persistence(rng, account, region, start):
    principal = attacker(rng, "IAMUser", "marketing-sync", account)
    s = Scenario(rng, "sesv2-footprinting-then-iam-persistence", "attack",
                 "A leaked AKIA key uses the SES v2 API (GetAccount, ListEmailIdentities, "
                 "PutAccountSendingAttributes) and then creates an IAM user and access key.",
                 account, start, principal)
    s.ses(0, region, "GetAccount")
    s.ses(30, region, "ListEmailIdentities", {"pageSize": 100})
    s.ses(55, region, "GetIdentityVerificationAttributes", {"identities": ["example.org"]})
    s.ses(80, region, "GetAccountSendingEnabled")
    s.ses(110, region, "PutAccountSendingAttributes", {"sendingEnabled": True}, read_only=False)
    s.call(600, "us-east-1", "iam.amazonaws.com", "CreateUser", {"userName": "ses-smtp-user"},
           read_only=False)
    s.call(640, "us-east-1", "iam.amazonaws.com", "CreateAccessKey", {"userName": "ses-smtp-user"},
           read_only=False)
    s.expect("ses.list_identities_with_verification", "ses.abuse_enumeration",
             "ses.recon_then_iam_persistence")
    return s


def temporary_key_footprinting(rng, account, region, start):
    principal = attacker(rng, "AssumedRole", "mail-ops-automation", account, long_term=False)
    s = Scenario(rng, "temporary-key-footprinting", "decoy",
                 "An ASIA session key makes the same footprinting calls in one region: "
                 "no long-term-key rule may fire.", account, start, principal)
    for index, name in enumerate(("GetAccount", "GetSendQuota", "ListIdentities",
                                  "GetIdentityVerificationAttributes", "GetAccountSendingEnabled")):
        s.ses(index * 40, region, name)
    s.call(220, region, "servicequotas.amazonaws.com", "ListServiceQuotas", {"serviceCode": "ses"})
    s.ses(260, region, "UpdateAccountSendingEnabled", {"enabled": True}, read_only=False)
    return s


def lookalike_sources(rng, account, region, start):
    principal = attacker(rng, "IAMUser", "api-gateway-admin", account)
    s = Scenario(rng, "lookalike-event-names", "decoy",
                 "An AKIA key calls GetAccount, ListIdentities and Service Quotas APIs of other "
                 "services (apigateway, cognito-identity, serviceCode ec2 or null).",
                 account, start, principal)
    s.call(0, region, "apigateway.amazonaws.com", "GetAccount")
    s.call(40, region, "cognito-identity.amazonaws.com", "ListIdentities",
           {"identityPoolId": f"{region}:{uuid4(rng)}", "maxResults": 60})
    s.call(80, region, "servicequotas.amazonaws.com", "ListServiceQuotas", {"serviceCode": "ec2"})
    s.call(120, region, "servicequotas.amazonaws.com", "GetServiceQuota", None)
    s.call(160, region, "organizations.amazonaws.com", "DescribeAccount",
           {"accountId": account})
    return s


def enablement_lookalikes(rng, account, region, start):
    principal = attacker(rng, "IAMUser", "ses-config-bot", account)
    s = Scenario(rng, "enablement-lookalikes", "decoy",
                 "An AKIA key changes sending with enabled=false, enabled=\"true\" (a string), "
                 "requestParameters null and sendingEnabled=false: none enables sending.",
                 account, start, principal)
    s.ses(0, region, "UpdateAccountSendingEnabled", None, read_only=False)
    s.ses(30, region, "UpdateAccountSendingEnabled", {"enabled": False}, read_only=False)
    s.ses(60, region, "UpdateAccountSendingEnabled", {"enabled": "true"}, read_only=False)
    s.ses(90, region, "PutAccountSendingAttributes", {"sendingEnabled": False}, read_only=False)
    return s


def isolated_call(rng, account, region, start):
    principal = attacker(rng, "IAMUser", "billing-reports", account)
    s = Scenario(rng, "isolated-get-account", "decoy",
                 "One GetAccount by an AKIA key and nothing else: the single-event rule fires, "
                 "no sequence does.", account, start, principal)
    s.ses(0, region, "GetAccount")
    return s


def slow_verification(rng, account, region, start):
    principal = attacker(rng, "IAMUser", "newsletter-admin", account)
    s = Scenario(rng, "verification-two-hours-later", "decoy",
                 "ListIdentities, then GetIdentityVerificationAttributes 2 hours later: "
                 "outside the 1h window.", account, start, principal)
    s.ses(0, region, "ListIdentities", {"identityType": "Domain"})
    s.ses(7200, region, "GetIdentityVerificationAttributes", {"identities": ["example.com"]})
    return s


def sparse_probe(rng, account, start, regions, spacing, name, description):
    principal = attacker(rng, "IAMUser", name, account)
    s = Scenario(rng, f"{name}-decoy", "decoy", description, account, start, principal)
    for index, region in enumerate(regions):
        s.ses(index * spacing, region, "GetSendQuota")
    s.truth["regions"] = list(regions)
    return s
