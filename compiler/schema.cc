// CloudTrail record schema and API-name catalogue, as compiled-in data.
// Field list: the CloudTrail record contents reference
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
// Types matter for lints: readOnly and managementEvent are JSON booleans, while
// sessionCredentialFromConsole and mfaAuthenticated are the strings "true"/"false".
// API names: botocore models for ses (v1, 2010-12-01), sesv2 (2019-09-27) and
// service-quotas (2019-06-24); SES v1 and v2 share eventSource ses.amazonaws.com.
// Tested by check_test.cc.
#include "compiler/schema.h"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace sesrules::compiler {
namespace {

using enum FieldType;

constexpr FieldInfo kFields[] = {
    {"", Object},
    {"eventVersion", String},
    {"userIdentity", Object},
    {"userIdentity.type", String},
    {"userIdentity.principalId", String},
    {"userIdentity.arn", String},
    {"userIdentity.accountId", String},
    {"userIdentity.accessKeyId", String},
    {"userIdentity.userName", String},
    {"userIdentity.invokedBy", String},
    {"userIdentity.identityProvider", String},
    {"userIdentity.credentialId", String},
    {"userIdentity.onBehalfOf", Object},
    {"userIdentity.onBehalfOf.userId", String},
    {"userIdentity.onBehalfOf.identityStoreArn", String},
    {"userIdentity.inScopeOf", FreeForm},
    {"userIdentity.sessionContext", Object},
    {"userIdentity.sessionContext.attributes", Object},
    {"userIdentity.sessionContext.attributes.creationDate", String},
    {"userIdentity.sessionContext.attributes.mfaAuthenticated", String},
    {"userIdentity.sessionContext.sessionIssuer", Object},
    {"userIdentity.sessionContext.sessionIssuer.type", String},
    {"userIdentity.sessionContext.sessionIssuer.principalId", String},
    {"userIdentity.sessionContext.sessionIssuer.arn", String},
    {"userIdentity.sessionContext.sessionIssuer.accountId", String},
    {"userIdentity.sessionContext.sessionIssuer.userName", String},
    {"userIdentity.sessionContext.webIdFederationData", FreeForm},
    {"userIdentity.sessionContext.sourceIdentity", String},
    {"userIdentity.sessionContext.ec2RoleDelivery", String},
    {"userIdentity.sessionContext.assumedRoot", String},
    {"eventTime", String},
    {"eventSource", String},
    {"eventName", String},
    {"awsRegion", String},
    {"sourceIPAddress", String},
    {"userAgent", String},
    {"errorCode", String},
    {"errorMessage", String},
    {"requestParameters", FreeForm},
    {"responseElements", FreeForm},
    {"additionalEventData", FreeForm},
    {"requestID", String},
    {"eventID", String},
    {"readOnly", Bool},
    {"resources", Array},
    {"resources[]", Object},
    {"resources[].ARN", String},
    {"resources[].accountId", String},
    {"resources[].type", String},
    {"eventType", String},
    {"apiVersion", String},
    {"managementEvent", Bool},
    {"recipientAccountId", String},
    {"serviceEventDetails", FreeForm},
    {"sharedEventID", String},
    {"vpcEndpointId", String},
    {"vpcEndpointAccountId", String},
    {"eventCategory", String},
    {"tlsDetails", Object},
    {"tlsDetails.tlsVersion", String},
    {"tlsDetails.cipherSuite", String},
    {"tlsDetails.clientProvidedHostHeader", String},
    {"sessionCredentialFromConsole", String},
    {"edgeDeviceDetails", FreeForm},
    {"insightDetails", FreeForm},
    {"addendum", FreeForm},
};

// 169 names
constexpr std::string_view kSesApis[] = {
    "BatchGetMetricData", "CancelExportJob", "CloneReceiptRuleSet", "CreateConfigurationSet",
    "CreateConfigurationSetEventDestination", "CreateConfigurationSetTrackingOptions", "CreateContact",
    "CreateContactList", "CreateCustomVerificationEmailTemplate", "CreateDedicatedIpPool",
    "CreateDeliverabilityTestReport", "CreateEmailIdentity", "CreateEmailIdentityPolicy",
    "CreateEmailTemplate", "CreateExportJob", "CreateImportJob", "CreateMultiRegionEndpoint",
    "CreateReceiptFilter", "CreateReceiptRule", "CreateReceiptRuleSet", "CreateTemplate", "CreateTenant",
    "CreateTenantResourceAssociation", "DeleteConfigurationSet", "DeleteConfigurationSetEventDestination",
    "DeleteConfigurationSetTrackingOptions", "DeleteContact", "DeleteContactList",
    "DeleteCustomVerificationEmailTemplate", "DeleteDedicatedIpPool", "DeleteEmailIdentity",
    "DeleteEmailIdentityPolicy", "DeleteEmailTemplate", "DeleteIdentity", "DeleteIdentityPolicy",
    "DeleteMultiRegionEndpoint", "DeleteReceiptFilter", "DeleteReceiptRule", "DeleteReceiptRuleSet",
    "DeleteSuppressedDestination", "DeleteTemplate", "DeleteTenant", "DeleteTenantResourceAssociation",
    "DeleteVerifiedEmailAddress", "DescribeActiveReceiptRuleSet", "DescribeConfigurationSet",
    "DescribeReceiptRule", "DescribeReceiptRuleSet", "GetAccount", "GetAccountSendingEnabled",
    "GetBlacklistReports", "GetConfigurationSet", "GetConfigurationSetEventDestinations", "GetContact",
    "GetContactList", "GetCustomVerificationEmailTemplate", "GetDedicatedIp", "GetDedicatedIpPool",
    "GetDedicatedIps", "GetDeliverabilityDashboardOptions", "GetDeliverabilityTestReport",
    "GetDomainDeliverabilityCampaign", "GetDomainStatisticsReport", "GetEmailAddressInsights",
    "GetEmailIdentity", "GetEmailIdentityPolicies", "GetEmailTemplate", "GetExportJob",
    "GetIdentityDkimAttributes", "GetIdentityMailFromDomainAttributes", "GetIdentityNotificationAttributes",
    "GetIdentityPolicies", "GetIdentityVerificationAttributes", "GetImportJob", "GetMessageInsights",
    "GetMultiRegionEndpoint", "GetReputationEntity", "GetSendQuota", "GetSendStatistics",
    "GetSuppressedDestination", "GetTemplate", "GetTenant", "ListConfigurationSets", "ListContactLists",
    "ListContacts", "ListCustomVerificationEmailTemplates", "ListDedicatedIpPools",
    "ListDeliverabilityTestReports", "ListDomainDeliverabilityCampaigns", "ListEmailIdentities",
    "ListEmailTemplates", "ListExportJobs", "ListIdentities", "ListIdentityPolicies", "ListImportJobs",
    "ListMultiRegionEndpoints", "ListReceiptFilters", "ListReceiptRuleSets", "ListRecommendations",
    "ListReputationEntities", "ListResourceTenants", "ListSuppressedDestinations", "ListTagsForResource",
    "ListTemplates", "ListTenantResources", "ListTenants", "ListVerifiedEmailAddresses",
    "PutAccountDedicatedIpWarmupAttributes", "PutAccountDetails", "PutAccountPricingAttributes",
    "PutAccountSendingAttributes", "PutAccountSuppressionAttributes", "PutAccountVdmAttributes",
    "PutConfigurationSetArchivingOptions", "PutConfigurationSetDeliveryOptions",
    "PutConfigurationSetReputationOptions", "PutConfigurationSetSendingOptions",
    "PutConfigurationSetSuppressionOptions", "PutConfigurationSetTrackingOptions",
    "PutConfigurationSetVdmOptions", "PutDedicatedIpInPool", "PutDedicatedIpPoolScalingAttributes",
    "PutDedicatedIpWarmupAttributes", "PutDeliverabilityDashboardOption",
    "PutEmailIdentityConfigurationSetAttributes", "PutEmailIdentityDkimAttributes",
    "PutEmailIdentityDkimSigningAttributes", "PutEmailIdentityFeedbackAttributes",
    "PutEmailIdentityMailFromAttributes", "PutIdentityPolicy", "PutSuppressedDestination",
    "PutTenantSuppressionAttributes", "ReorderReceiptRuleSet", "SendBounce", "SendBulkEmail",
    "SendBulkTemplatedEmail", "SendCustomVerificationEmail", "SendEmail", "SendRawEmail",
    "SendTemplatedEmail", "SetActiveReceiptRuleSet", "SetIdentityDkimEnabled",
    "SetIdentityFeedbackForwardingEnabled", "SetIdentityHeadersInNotificationsEnabled",
    "SetIdentityMailFromDomain", "SetIdentityNotificationTopic", "SetReceiptRulePosition", "TagResource",
    "TestRenderEmailTemplate", "TestRenderTemplate", "UntagResource", "UpdateAccountSendingEnabled",
    "UpdateConfigurationSetEventDestination", "UpdateConfigurationSetReputationMetricsEnabled",
    "UpdateConfigurationSetSendingEnabled", "UpdateConfigurationSetTrackingOptions", "UpdateContact",
    "UpdateContactList", "UpdateCustomVerificationEmailTemplate", "UpdateEmailIdentityPolicy",
    "UpdateEmailTemplate", "UpdateReceiptRule", "UpdateReputationEntityCustomerManagedStatus",
    "UpdateReputationEntityPolicy", "UpdateTemplate", "VerifyDomainDkim", "VerifyDomainIdentity",
    "VerifyEmailAddress", "VerifyEmailIdentity",
};

// 26 names
constexpr std::string_view kServiceQuotasApis[] = {
    "AssociateServiceQuotaTemplate", "CreateSupportCase", "DeleteServiceQuotaIncreaseRequestFromTemplate",
    "DisassociateServiceQuotaTemplate", "GetAWSDefaultServiceQuota", "GetAssociationForServiceQuotaTemplate",
    "GetAutoManagementConfiguration", "GetQuotaUtilizationReport", "GetRequestedServiceQuotaChange",
    "GetServiceQuota", "GetServiceQuotaIncreaseRequestFromTemplate", "ListAWSDefaultServiceQuotas",
    "ListRequestedServiceQuotaChangeHistory", "ListRequestedServiceQuotaChangeHistoryByQuota",
    "ListServiceQuotaIncreaseRequestsInTemplate", "ListServiceQuotas", "ListServices", "ListTagsForResource",
    "PutServiceQuotaIncreaseRequestIntoTemplate", "RequestServiceQuotaIncrease", "StartAutoManagement",
    "StartQuotaUtilizationReport", "StopAutoManagement", "TagResource", "UntagResource",
    "UpdateAutoManagement",
};

constexpr std::array kCatalogue = {
    ServiceApis{"ses.amazonaws.com", kSesApis},
    ServiceApis{"servicequotas.amazonaws.com", kServiceQuotasApis},
};

}  // namespace

std::span<const FieldInfo> cloudtrail_fields() { return kFields; }

// Checks and lints look up every field a rule reads, so the list is indexed once.
const FieldInfo* find_field(std::string_view path) {
  static const std::unordered_map<std::string_view, const FieldInfo*> kByPath = [] {
    std::unordered_map<std::string_view, const FieldInfo*> by_path;
    for (const FieldInfo& field : kFields) by_path.emplace(field.path, &field);  // the first of duplicates wins
    return by_path;
  }();
  auto it = kByPath.find(path);
  return it == kByPath.end() ? nullptr : it->second;
}

std::vector<std::string> child_fields(std::string_view path) {
  std::vector<std::string> children;
  std::string prefix = path.empty() ? "" : std::string(path) + ".";
  for (const FieldInfo& field : kFields) {
    std::string_view candidate = field.path;
    if (candidate.empty() || !candidate.starts_with(prefix)) continue;
    std::string_view rest = candidate.substr(prefix.size());
    if (rest.find_first_of(".[") == std::string_view::npos) children.emplace_back(rest);
  }
  return children;
}

std::span<const ServiceApis> api_catalogue() { return kCatalogue; }

const ServiceApis* find_service(std::string_view event_source) {
  for (const ServiceApis& service : kCatalogue) {
    if (service.event_source == event_source) return &service;
  }
  return nullptr;
}

bool service_has_api(const ServiceApis& service, std::string_view event_name) {
  return std::binary_search(service.apis.begin(), service.apis.end(), event_name);
}

}  // namespace sesrules::compiler
