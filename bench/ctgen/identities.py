"""Accounts and principals, and the userIdentity objects they put in records.

A principal is one of CloudTrail's userIdentity shapes: IAMUser with a long-term AKIA key
(automation), IAMUser console session (ASIA + sessionContext), AssumedRole (ASIA, rotated every
hour, sessionIssuer), AWSService (no key), Root. Everything derives from the seed through
`random.Random` seeded with strings (sha512-based, so independent of PYTHONHASHSEED).
Tested by bench/tests/test_gen_cloudtrail.py.
"""

import random
import time
from dataclasses import dataclass, field

kKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
kIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

kUserAgents = (
    "aws-cli/2.15.30 Python/3.11.8 Linux/5.10.209-198.858.amzn2.x86_64 exe/x86_64.amzn.2 "
    "command/{command}",
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0-1016-aws lang/python#3.10.12 "
    "Botocore/1.34.69",
    "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux api/{service}#1.30.4",
    "Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 "
    "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1",
    "aws-sdk-java/2.25.16 Linux/5.10.210-201.852.amzn2.x86_64 Java/17.0.10 vendor/Amazon.com_Inc.",
)
kConsoleAgent = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                 "(KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36")

kRoleNames = ("ecs-task-orders-api", "lambda-exec-invoice-worker", "eks-node-group-prod",
              "OrganizationAccountAccessRole", "github-actions-deploy", "datadog-integration",
              "AWSReservedSSO_AdministratorAccess_6f1b2c3d4e5f6a7b",
              "AWSReservedSSO_ReadOnly_0a1b2c3d4e5f6a7b", "backup-restore-role",
              "glue-etl-nightly")
kAutomationUsers = ("ci-deploy", "backup-bot", "terraform-legacy", "grafana-cloudwatch",
                    "s3-sync-onprem")
kConsoleUsers = ("alice", "bob.martin", "chen.wei", "dana.ops")
kServices = ("cloudformation.amazonaws.com", "autoscaling.amazonaws.com",
             "ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "config.amazonaws.com",
             "elasticloadbalancing.amazonaws.com", "backup.amazonaws.com")


def random_token(rng, alphabet, length):
    return "".join(rng.choice(alphabet) for _ in range(length))


def long_term_key(rng):
    return "AKIA" + random_token(rng, kKeyAlphabet, 16)


def temporary_key(rng):
    return "ASIA" + random_token(rng, kKeyAlphabet, 16)


@dataclass
class Principal:
    kind: str                 # IAMUser, ConsoleUser, AssumedRole, AWSService, Root
    name: str                 # user, role or service name
    account: str
    seed: str                 # per-principal seed for hourly session keys
    principal_id: str = ""
    access_key: str = ""      # fixed key (IAMUser); sessions derive theirs per hour
    user_agent: str = ""
    source_ip: str = ""
    fixed_session: tuple = None   # scenario keys: one session for the whole scenario
    _session_cache: dict = field(default_factory=dict, repr=False)

    def session(self, hour):
        """(accessKeyId, session name, creationDate) of the session active in `hour`."""
        if self.fixed_session is not None:
            return self.fixed_session
        cached = self._session_cache.get(hour)
        if cached is None:
            rng = random.Random(f"{self.seed}:{hour}")
            session_name = rng.choice(("botocore-session-", "aws-go-sdk-", "i-0")) + \
                random_token(rng, "0123456789abcdef", 12)
            cached = (temporary_key(rng), session_name, hour * 3600 + rng.randrange(0, 600))
            if len(self._session_cache) > 64:
                self._session_cache.clear()
            self._session_cache[hour] = cached
        return cached


def make_principal(rng, kind, name, account, seed):
    principal = Principal(kind, name, account, f"{seed}:{account}:{kind}:{name}")
    prefix = {"IAMUser": "AIDA", "ConsoleUser": "AIDA", "AssumedRole": "AROA"}.get(kind)
    if prefix:
        principal.principal_id = prefix + random_token(rng, kIdAlphabet, 17)
    if kind == "IAMUser":
        principal.access_key = long_term_key(rng)
    principal.user_agent = kConsoleAgent if kind in ("ConsoleUser", "Root") \
        else rng.choice(kUserAgents)
    principal.source_ip = random_public_ip(rng)
    return principal


def random_public_ip(rng):
    first = rng.choice((3, 18, 34, 35, 44, 52, 54, 63, 99, 100))
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def user_identity(principal, when):
    """The userIdentity object of `principal` acting at epoch second `when`."""
    account = principal.account
    kind = principal.kind
    if kind == "AWSService":
        return {"type": "AWSService", "invokedBy": principal.name}
    if kind == "IAMUser":
        return {"type": "IAMUser", "principalId": principal.principal_id,
                "arn": f"arn:aws:iam::{account}:user/{principal.name}", "accountId": account,
                "accessKeyId": principal.access_key, "userName": principal.name}
    key, session_name, created = principal.session(when // 3600)
    attributes = {"creationDate": iso(created),
                  "mfaAuthenticated": "true" if kind != "AssumedRole" else "false"}
    if kind == "ConsoleUser":
        return {"type": "IAMUser", "principalId": principal.principal_id,
                "arn": f"arn:aws:iam::{account}:user/{principal.name}", "accountId": account,
                "accessKeyId": key, "userName": principal.name,
                "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                                   "attributes": attributes}}
    if kind == "Root":
        return {"type": "Root", "principalId": account, "arn": f"arn:aws:iam::{account}:root",
                "accountId": account, "accessKeyId": key,
                "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                                   "attributes": attributes}}
    role_arn = f"arn:aws:iam::{account}:role/{principal.name}"
    return {"type": "AssumedRole", "principalId": f"{principal.principal_id}:{session_name}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{principal.name}/{session_name}",
            "accountId": account, "accessKeyId": key,
            "sessionContext": {"sessionIssuer": {"type": "Role",
                                                 "principalId": principal.principal_id,
                                                 "arn": role_arn, "accountId": account,
                                                 "userName": principal.name},
                               "webIdFederationData": {}, "attributes": attributes}}


@dataclass
class Account:
    account_id: str
    home_region: str
    principals: list          # background principals
    weights: list             # cumulative selection weights, parallel to principals
    ses_monitor_role: Principal = None   # ASIA: background SES reads (never fires a rule)
    ses_legacy_user: Principal = None    # AKIA: GetSendQuota now and then (benign match)


def make_account(rng, account_id, home_region, seed):
    principals, weights, total = [], [], 0.0
    groups = (("AssumedRole", kRoleNames, 70.0), ("AWSService", kServices, 10.0),
              ("IAMUser", kAutomationUsers, 12.0), ("ConsoleUser", kConsoleUsers, 7.0),
              ("Root", ("root",), 1.0))
    for kind, names, share in groups:
        for rank, name in enumerate(names, start=1):
            principals.append(make_principal(rng, kind, name, account_id, seed))
            total += share / rank / sum(1.0 / r for r in range(1, len(names) + 1))
            weights.append(total)
    account = Account(account_id, home_region, principals, weights)
    account.ses_monitor_role = make_principal(rng, "AssumedRole", "ses-bounce-dashboard",
                                              account_id, seed)
    account.ses_legacy_user = make_principal(rng, "IAMUser", "smtp-legacy-monitor",
                                             account_id, seed)
    return account
