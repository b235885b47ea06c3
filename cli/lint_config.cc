#include "cli/lint_config.h"

#include <filesystem>

#include <fmt/format.h>
#include <simdjson.h>

#include "compiler/diagnostics.h"

namespace sesrules::cli {

namespace {

bool known(const std::string& path, std::string_view name, std::string& error) {
  if (compiler::find_diag_info(name)) return true;
  error = fmt::format("{}: `{}` is not a diagnostic code or slug (see docs/diagnostics.md)", path, name);
  return false;
}

}  // namespace

bool load_lint_config(const std::string& requested, compiler::CheckOptions& out, std::string& error) {
  std::string path = requested;
  if (path.empty()) {
    if (!std::filesystem::exists(".sesrules-lint.json")) return true;
    path = ".sesrules-lint.json";
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto code = parser.load(path).get(doc)) {
    error = fmt::format("{}: {}", path, simdjson::error_message(code));
    return false;
  }
  simdjson::dom::array disable;
  if (!doc["disable"].get_array().get(disable)) {
    for (simdjson::dom::element item : disable) {
      std::string_view name;
      if (item.get_string().get(name) || !known(path, name, error)) {
        if (error.empty()) error = path + ": `disable` must list codes or slugs";
        return false;
      }
      out.overrides[std::string(name)] = std::nullopt;
    }
  }
  simdjson::dom::object severity;
  if (!doc["severity"].get_object().get(severity)) {
    for (auto [key, value] : severity) {
      std::string_view level;
      if (!known(path, key, error)) return false;
      if (value.get_string().get(level) || (level != "error" && level != "warning" && level != "note")) {
        error = fmt::format("{}: severity of `{}` must be \"error\", \"warning\" or \"note\"", path, key);
        return false;
      }
      out.overrides[std::string(key)] = level == "error" ? compiler::Severity::Error
                                        : level == "warning" ? compiler::Severity::Warning
                                                             : compiler::Severity::Note;
    }
  }
  return true;
}

}  // namespace sesrules::cli
