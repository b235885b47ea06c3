"""One CloudTrail record as a dict, in CloudTrail's own field order.

`make_record` is the single place that lays a record out (eventVersion, userIdentity, eventTime,
..., tlsDetails), so scenario events and background events look alike. Request and response
shapes come from small per-call builders; read-only calls often log `requestParameters: null`,
as CloudTrail does. Records land between about 1.0 and 1.5 KB of compact JSON.
Tested by bench/tests/test_gen_cloudtrail.py (record sizes, field set).
"""

from .identities import iso, random_token, user_identity

kHex = "0123456789abcdef"
kTlsCiphers = ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256")
kErrors = (("AccessDenied", "User: {arn} is not authorized to perform: {action} on resource: "
            "{resource} because no identity-based policy allows the {action} action"),
           ("ThrottlingException", "Rate exceeded"),
           ("ResourceNotFoundException", "The requested resource was not found."))


def uuid4(rng):
    value = rng.getrandbits(128)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{'89ab'[value & 3]}{text[17:20]}-{text[20:]}"


def access_denied(identity, source, name, resource):
    arn = identity.get("arn", "unknown")
    action = source.split(".")[0] + ":" + name
    code, template = kErrors[0]
    return code, template.format(arn=arn, action=action, resource=resource)


def make_record(rng, *, when, account, region, principal, source, name, read_only,
                request=None, response=None, error=None, resources=None, data_event=False,
                event_type="AwsApiCall", event_id=None, additional=None):
    """A full record. `error` is (errorCode, errorMessage) or None; `event_id` forces an ID."""
    identity = user_identity(principal, when)
    is_service = principal.kind == "AWSService"
    record = {"eventVersion": "1.09" if not data_event else "1.10",
              "userIdentity": identity,
              "eventTime": iso(when),
              "eventSource": source,
              "eventName": name,
              "awsRegion": region,
              "sourceIPAddress": principal.name if is_service else principal.source_ip,
              "userAgent": principal.name if is_service else
              principal.user_agent.format(command=name.lower(), service=source.split(".")[0])}
    if error is not None:
        record["errorCode"], record["errorMessage"] = error
    record["requestParameters"] = request
    record["responseElements"] = None if error is not None else response
    if additional is not None:
        record["additionalEventData"] = additional
    record["requestID"] = uuid4(rng) if rng.random() < 0.7 else \
        random_token(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20)
    record["eventID"] = event_id or uuid4(rng)
    record["readOnly"] = read_only
    if resources:
        record["resources"] = resources
    record["eventType"] = event_type
    record["managementEvent"] = not data_event
    record["recipientAccountId"] = account
    if is_service and rng.random() < 0.5:
        record["sharedEventID"] = uuid4(rng)
    record["eventCategory"] = "Data" if data_event else "Management"
    if not is_service:
        record["tlsDetails"] = {"tlsVersion": "TLSv1.3" if rng.random() < 0.6 else "TLSv1.2",
                                "cipherSuite": kTlsCiphers[rng.random() < 0.6],
                                "clientProvidedHostHeader": endpoint(source, region)}
    if principal.kind in ("ConsoleUser", "Root") and event_type == "AwsApiCall":
        record["sessionCredentialFromConsole"] = "true"
    return record


def endpoint(source, region):
    service = source.split(".")[0]
    if service in ("iam", "organizations", "route53", "signin", "health"):
        return f"{service}.amazonaws.com"
    return f"{service}.{region}.amazonaws.com"


def arn_for(service, region, account, rng):
    """A plausible resource ARN and type for `service` (for resources[] and messages)."""
    suffix = random_token(rng, kHex, 8)
    table = {
        "s3": (f"arn:aws:s3:::prod-data-{account[-4:]}-{suffix[:4]}", "AWS::S3::Bucket"),
        "kms": (f"arn:aws:kms:{region}:{account}:key/{suffix}-7f3e-4c1d-9a2b-{suffix}0a1b",
                "AWS::KMS::Key"),
        "dynamodb": (f"arn:aws:dynamodb:{region}:{account}:table/orders-{suffix[:3]}",
                     "AWS::DynamoDB::Table"),
        "lambda": (f"arn:aws:lambda:{region}:{account}:function:invoice-worker-{suffix[:3]}",
                   "AWS::Lambda::Function"),
        "secretsmanager": (f"arn:aws:secretsmanager:{region}:{account}:secret:prod/db-{suffix[:6]}",
                           "AWS::SecretsManager::Secret"),
        "ssm": (f"arn:aws:ssm:{region}:{account}:parameter/app/config/{suffix[:5]}",
                "AWS::SSM::Parameter"),
        "sts": (f"arn:aws:iam::{account}:role/ecs-task-orders-api", "AWS::IAM::Role"),
        "ec2": (f"arn:aws:ec2:{region}:{account}:instance/i-0{suffix}{suffix[:8]}",
                "AWS::EC2::Instance"),
    }
    return table.get(service, (f"arn:aws:{service}:{region}:{account}:resource/{suffix}",
                               f"AWS::{service.upper()}::Resource"))
