"""The background event catalog: which API calls benign traffic makes, and how often.

Rows are ordered by frequency rank; the weight of rank r is 1 / r**kZipfExponent, so a few calls
(AssumeRole, Decrypt, GetObject) dominate and most names form a long tail, as in real trails.
SES calls are NOT here: background SES traffic is generated separately (identities.py,
background.py) so that it stays at ~0.05% and never forms a sequence pattern by accident.
Names shared with SES on purpose (apigateway GetAccount, cognito-identity ListIdentities,
servicequotas for other services) are decoys for rules that forget to check eventSource.
Tested by bench/tests/test_gen_cloudtrail.py (catalog size and service count).
"""

from dataclasses import dataclass

kZipfExponent = 1.07

# Services whose management events are recorded only in us-east-1 (global endpoints).
kGlobalServices = ("iam", "organizations", "signin", "route53", "health")


@dataclass(frozen=True)
class EventSpec:
    service: str        # endpoint prefix: "ec2" -> "ec2.amazonaws.com"
    name: str           # eventName
    read_only: bool
    data_event: bool    # S3 object, Lambda Invoke, DynamoDB item calls: eventCategory "Data"

    @property
    def source(self):
        if self.service == "monitoring":
            return "monitoring.amazonaws.com"
        return self.service + ".amazonaws.com"

    @property
    def is_global(self):
        return self.service in kGlobalServices


def _rows():
    # (service, eventName, readOnly, data event), most frequent first.
    return [
        ("sts", "AssumeRole", True, False), ("kms", "Decrypt", True, False),
        ("s3", "GetObject", True, True), ("kms", "GenerateDataKey", True, False),
        ("ec2", "DescribeInstances", True, False), ("s3", "PutObject", False, True),
        ("sts", "GetCallerIdentity", True, False), ("logs", "CreateLogStream", False, False),
        ("dynamodb", "GetItem", True, True), ("ssm", "GetParameter", True, False),
        ("lambda", "Invoke", False, True), ("secretsmanager", "GetSecretValue", True, False),
        ("ecr", "GetAuthorizationToken", True, False),
        ("ec2", "DescribeNetworkInterfaces", True, False),
        ("s3", "ListObjects", True, True), ("dynamodb", "PutItem", False, True),
        ("ecr", "BatchGetImage", True, False), ("monitoring", "GetMetricData", True, False),
        ("ec2", "DescribeVolumes", True, False), ("sqs", "SendMessage", False, True),
        ("ecs", "DescribeTasks", True, False), ("kms", "Encrypt", True, False),
        ("logs", "DescribeLogGroups", True, False),
        ("sts", "AssumeRoleWithWebIdentity", True, False),
        ("ec2", "DescribeSecurityGroups", True, False),
        ("autoscaling", "DescribeAutoScalingGroups", True, False),
        ("elasticloadbalancing", "DescribeTargetHealth", True, False),
        ("cloudformation", "DescribeStacks", True, False),
        ("lambda", "ListFunctions20150331", True, False), ("iam", "GetRole", True, False),
        ("ssm", "GetParameters", True, False), ("rds", "DescribeDBInstances", True, False),
        ("ec2", "DescribeSubnets", True, False), ("s3", "ListBuckets", True, False),
        ("s3", "GetBucketLocation", True, False), ("events", "DescribeRule", True, False),
        ("config", "PutEvaluations", False, False), ("ecs", "RunTask", False, False),
        ("ec2", "RunInstances", False, False), ("ec2", "CreateTags", False, False),
        ("iam", "ListRoles", True, False), ("iam", "GetUser", True, False),
        ("apigateway", "GetAccount", True, False),
        ("cognito-identity", "ListIdentities", True, False),
        ("cognito-idp", "DescribeUserPool", True, False),
        ("sns", "ListSubscriptionsByTopic", True, False),
        ("sqs", "GetQueueAttributes", True, False), ("ecr", "DescribeRepositories", True, False),
        ("eks", "DescribeCluster", True, False), ("route53", "ListResourceRecordSets", True, False),
        ("route53", "ChangeResourceRecordSets", False, False),
        ("cloudtrail", "LookupEvents", True, False), ("cloudtrail", "DescribeTrails", True, False),
        ("organizations", "DescribeOrganization", True, False),
        ("organizations", "ListAccounts", True, False),
        ("servicequotas", "ListServiceQuotas", True, False),
        ("servicequotas", "GetServiceQuota", True, False),
        ("signin", "ConsoleLogin", False, False), ("health", "DescribeEventAggregates", True, False),
        ("tagging", "GetResources", True, False), ("acm", "DescribeCertificate", True, False),
        ("acm", "ListCertificates", True, False), ("glue", "GetTable", True, False),
        ("athena", "StartQueryExecution", False, False),
        ("athena", "GetQueryExecution", True, False), ("states", "StartExecution", False, False),
        ("elasticache", "DescribeCacheClusters", True, False), ("kms", "DescribeKey", True, False),
        ("kms", "ListAliases", True, False), ("ec2", "DescribeImages", True, False),
        ("ec2", "StartInstances", False, False), ("ec2", "StopInstances", False, False),
        ("ec2", "AuthorizeSecurityGroupIngress", False, False),
        ("ec2", "CreateSnapshot", False, False), ("iam", "CreateRole", False, False),
        ("iam", "AttachRolePolicy", False, False), ("iam", "PutRolePolicy", False, False),
        ("iam", "ListAccessKeys", True, False), ("iam", "ListUsers", True, False),
        ("lambda", "UpdateFunctionCode20150331v2", False, False),
        ("lambda", "CreateFunction20150331", False, False),
        ("s3", "PutBucketPolicy", False, False), ("s3", "GetBucketPolicy", True, False),
        ("s3", "CreateBucket", False, False), ("s3", "DeleteObject", False, True),
        ("dynamodb", "Query", True, True), ("dynamodb", "DescribeTable", True, False),
        ("secretsmanager", "DescribeSecret", True, False),
        ("secretsmanager", "PutSecretValue", False, False), ("ssm", "StartSession", False, False),
        ("ssm", "UpdateInstanceInformation", False, False), ("ecs", "UpdateService", False, False),
        ("cloudformation", "CreateStack", False, False),
        ("cloudformation", "UpdateStack", False, False), ("sts", "GetSessionToken", True, False),
        ("logs", "PutRetentionPolicy", False, False), ("monitoring", "DescribeAlarms", True, False),
        ("rds", "CreateDBSnapshot", False, False),
        ("config", "DescribeConfigurationRecorders", True, False),
        ("ec2", "DeleteSnapshot", False, False), ("kms", "ScheduleKeyDeletion", False, False),
        ("elasticloadbalancing", "DescribeLoadBalancers", True, False),
        ("iam", "CreateUser", False, False), ("iam", "CreateAccessKey", False, False),
    ]


CATALOG = tuple(EventSpec(*row) for row in _rows())


def zipf_weights(count, exponent=kZipfExponent):
    return [1.0 / (rank ** exponent) for rank in range(1, count + 1)]


def regional_table(region):
    """(specs, cumulative weights) usable in `region`: global services only in us-east-1."""
    weights = zipf_weights(len(CATALOG))
    specs, cumulative, total = [], [], 0.0
    for spec, weight in zip(CATALOG, weights):
        if spec.is_global and region != "us-east-1":
            continue
        total += weight
        specs.append(spec)
        cumulative.append(total)
    return specs, cumulative
