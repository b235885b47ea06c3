"""Benign background traffic: one random record for an account, region and second.

Calls follow the Zipf-weighted catalog (catalog.py); principals follow the account's weights.
Background SES reads (~0.05% of records) happen only in the account's home region, by an ASIA
dashboard role (never matches a long-term-key rule) or by one AKIA monitoring user calling
GetSendQuota and GetSendStatistics only: a realistic false positive of the single-event quota
rule that can never complete a sequence (one region, one recon group, no IAM calls).
Tested by bench/tests/test_gen_cloudtrail.py.
"""

import bisect

from .catalog import regional_table
from .identities import random_token, temporary_key
from .records import access_denied, arn_for, kErrors, make_record

kSesShare = 0.0005
kErrorShare = 0.025


def _s3_object(rng, ctx, name):
    bucket = f"prod-data-{ctx.account[-4:]}-{rng.choice(('logs', 'assets', 'exports'))}"
    key = f"{rng.choice(('daily', 'raw', 'tmp'))}/2024/{random_token(rng, '0123456789abcdef', 16)}.parquet"
    request = {"bucketName": bucket, "Host": f"{bucket}.s3.{ctx.region}.amazonaws.com", "key": key}
    additional = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                  "bytesTransferredIn": 0 if name != "PutObject" else rng.randrange(1, 10 ** 6),
                  "AuthenticationMethod": "AuthHeader",
                  "x-amz-id-2": random_token(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 76),
                  "bytesTransferredOut": rng.randrange(1, 10 ** 7) if name == "GetObject" else 0}
    resources = [{"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
                 {"accountId": ctx.account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}]
    return request, None, resources, additional


def _assume_role(rng, ctx, name):
    role = f"arn:aws:iam::{ctx.account}:role/{rng.choice(('ecs-task-orders-api', 'lambda-exec-invoice-worker', 'github-actions-deploy'))}"
    session = "botocore-session-" + random_token(rng, "0123456789", 10)
    request = {"roleArn": role, "roleSessionName": session, "durationSeconds": 3600}
    response = {"credentials": {"accessKeyId": temporary_key(rng), "sessionToken": "HIDDEN",
                                "expiration": "Jan 1, 2030, 12:00:00 AM"},
                "assumedRoleUser": {"assumedRoleId": "AROA" + random_token(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 17) + ":" + session,
                                    "arn": role.replace(":iam:", ":sts:").replace(":role/", ":assumed-role/") + "/" + session}}
    resources = [{"accountId": ctx.account, "type": "AWS::IAM::Role", "ARN": role}]
    return request, response, resources, None


def _kms(rng, ctx, name):
    arn, kind = arn_for("kms", ctx.region, ctx.account, rng)
    request = {"encryptionAlgorithm": "SYMMETRIC_DEFAULT",
               "encryptionContext": {"aws:lambda:FunctionArn": arn_for("lambda", ctx.region, ctx.account, rng)[0]}}
    if name == "GenerateDataKey":
        request = {"keyId": arn, "keySpec": "AES_256",
                   "encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::prod-data-{ctx.account[-4:]}-exports"}}
    return request, None, [{"accountId": ctx.account, "type": kind, "ARN": arn}], None


def _named(field, service):
    def build(rng, ctx, name):
        arn, kind = arn_for(service, ctx.region, ctx.account, rng)
        return {field: arn}, None, [{"accountId": ctx.account, "type": kind, "ARN": arn}], None
    return build


def _quotas(rng, ctx, name):
    # Service Quotas for services other than SES: same eventNames as the SES quota rule.
    code = rng.choice(("ec2", "lambda", "vpc", "ebs", "dynamodb"))
    if name == "GetServiceQuota":
        return {"serviceCode": code, "quotaCode": "L-" + random_token(rng, "0123456789ABCDEF", 8)}, None, None, None
    return ({"serviceCode": code, "maxResults": 100} if rng.random() < 0.8 else None), None, None, None


def _generic(rng, ctx, name, read_only):
    if read_only:
        roll = rng.random()
        if roll < 0.55:
            return None, None, None, None
        if roll < 0.8:
            return {"maxResults": rng.choice((50, 100, 1000))}, None, None, None
        return {"filterSet": {"items": [{"name": "tag:team", "valueSet": {"items": [{"value": rng.choice(("payments", "search", "platform"))}]}}]}}, None, None, None
    resource = f"{name.lower()[:12]}-{random_token(rng, 'abcdefghijklmnopqrstuvwxyz0123456789', 10)}"
    request = {"name": resource, "clientToken": random_token(rng, "0123456789abcdef", 32),
               "tags": [{"key": "team", "value": rng.choice(("payments", "search", "platform"))},
                        {"key": "env", "value": "prod"}]}
    return request, {"status": "IN_PROGRESS", "id": resource}, None, None


kBuilders = {
    "GetObject": _s3_object, "PutObject": _s3_object, "DeleteObject": _s3_object,
    "ListObjects": _s3_object, "AssumeRole": _assume_role, "AssumeRoleWithWebIdentity": _assume_role,
    "Decrypt": _kms, "GenerateDataKey": _kms, "Encrypt": _kms,
    "GetSecretValue": _named("secretId", "secretsmanager"),
    "GetParameter": _named("name", "ssm"), "GetItem": _named("tableName", "dynamodb"),
    "PutItem": _named("tableName", "dynamodb"), "Query": _named("tableName", "dynamodb"),
    "Invoke": _named("functionName", "lambda"),
    "ListServiceQuotas": _quotas, "GetServiceQuota": _quotas,
}


class Context:
    __slots__ = ("account", "region")

    def __init__(self, account, region):
        self.account, self.region = account, region


class BackgroundSource:
    """Draws background records; one instance per run, tables cached per region."""

    def __init__(self, rng):
        self.rng_ = rng
        self.tables_ = {}

    def record(self, account, region, when):
        rng = self.rng_
        if region == account.home_region and rng.random() < kSesShare / 0.55:
            return self._ses_record(account, region, when)
        specs, cumulative = self._table(region)
        spec = specs[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]
        principal = self._principal(account, spec)
        builder = kBuilders.get(spec.name)
        ctx = Context(account.account_id, region)
        parts = builder(rng, ctx, spec.name) if builder else _generic(rng, ctx, spec.name, spec.read_only)
        request, response, resources, additional = parts
        error = None
        if rng.random() < kErrorShare and principal.kind != "AWSService":
            error = kErrors[rng.randrange(2)] if rng.random() < 0.3 else \
                access_denied({"arn": f"arn:aws:iam::{account.account_id}:user/{principal.name}"},
                              spec.source, spec.name, "*")
        event_type = "AwsConsoleSignIn" if spec.name == "ConsoleLogin" else "AwsApiCall"
        if event_type == "AwsConsoleSignIn":
            response, request = {"ConsoleLogin": "Success"}, None
            additional = {"LoginTo": "https://console.aws.amazon.com/console/home",
                          "MobileVersion": "No", "MFAUsed": "Yes"}
        return make_record(rng, when=when, account=account.account_id, region=region,
                           principal=principal, source=spec.source, name=spec.name,
                           read_only=spec.read_only, request=request, response=response,
                           error=error, resources=resources, data_event=spec.data_event,
                           event_type=event_type, additional=additional)

    def _table(self, region):
        table = self.tables_.get(region)
        if table is None:
            table = self.tables_[region] = regional_table(region)
        return table

    def _principal(self, account, spec):
        rng = self.rng_
        if spec.name == "ConsoleLogin":
            candidates = [p for p in account.principals if p.kind in ("ConsoleUser", "Root")]
            return candidates[rng.randrange(len(candidates))]
        if spec.name == "AssumeRole" and rng.random() < 0.5:
            # Most AssumeRole calls come from services (ECS, Lambda) assuming execution roles.
            services = [p for p in account.principals if p.kind == "AWSService"]
            return services[rng.randrange(len(services))]
        index = bisect.bisect_left(account.weights, rng.random() * account.weights[-1])
        return account.principals[index]

    def _ses_record(self, account, region, when):
        rng = self.rng_
        if rng.random() < 0.3:
            principal = account.ses_legacy_user
            name = rng.choice(("GetSendQuota", "GetSendStatistics"))
        else:
            principal = account.ses_monitor_role
            name = rng.choice(("GetSendQuota", "GetSendStatistics", "GetAccount",
                               "ListConfigurationSets", "GetAccountSendingEnabled"))
        response = {"max24HourSend": 50000.0, "maxSendRate": 14.0,
                    "sentLast24Hours": float(rng.randrange(0, 20000))} if name == "GetSendQuota" else None
        return make_record(rng, when=when, account=account.account_id, region=region,
                           principal=principal, source="ses.amazonaws.com", name=name,
                           read_only=True, request=None, response=response)
