// The CloudTrail record schema (which fields exist under `input.`, their types)
// and the API-name catalogue (which eventName values each eventSource has).
// Both are data compiled in: the compiler never reads files at run time. The
// catalogue is a table keyed by eventSource; add a service by adding a row in
// schema.cc. Names come from botocore models (see /work/shared/data/aws-api-names
// PROVENANCE.md). Tested by check_test.cc.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sesrules::compiler {

enum class FieldType : std::uint8_t {
  Object,    // known keys only
  FreeForm,  // any key below (requestParameters, ...)
  String,
  Bool,
  Number,
  Array,     // elements described by the "[]" child
};

struct FieldInfo {
  std::string_view path;     // "userIdentity.accessKeyId", "resources[].ARN"
  FieldType type;
};

// The field at `path` ("" is the record itself), or nullptr.
const FieldInfo* find_field(std::string_view path);
// Names of the direct children of the object at `path` (for suggestions).
std::vector<std::string> child_fields(std::string_view path);
std::span<const FieldInfo> cloudtrail_fields();

struct ServiceApis {
  std::string_view event_source;          // "ses.amazonaws.com"
  std::span<const std::string_view> apis; // sorted operation names
};

// The catalogue entry for an eventSource, or nullptr if the service is unknown.
const ServiceApis* find_service(std::string_view event_source);
std::span<const ServiceApis> api_catalogue();
bool service_has_api(const ServiceApis& service, std::string_view event_name);

}  // namespace sesrules::compiler
