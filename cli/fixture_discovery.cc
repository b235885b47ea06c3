#include "cli/fixture_discovery.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "cli/rule_sources.h"

namespace sesrules::cli {

namespace fs = std::filesystem;

namespace {

bool under_fixtures_folder(const fs::path& path) {
  for (const auto& part : path.parent_path()) {
    if (part == "fixtures") return true;
  }
  return false;
}

}  // namespace

TestInputs discover_test_inputs(const std::vector<std::string>& paths) {
  TestInputs inputs;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec) && fs::path(path).extension() == ".json") {
      inputs.fixtures.push_back(path);
      continue;
    }
    for (const std::string& file : find_files(path, ".rules", inputs.errors)) inputs.rule_files.push_back(file);
    if (!fs::is_directory(path, ec)) continue;
    std::vector<std::string> ignored;
    for (const std::string& file : find_files(path, ".json", ignored)) {
      if (under_fixtures_folder(file)) inputs.fixtures.push_back(file);
    }
  }
  auto unique = [](std::vector<std::string>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  unique(inputs.rule_files);
  unique(inputs.fixtures);
  return inputs;
}

bool needs_builtin_pack(const std::vector<std::string>& rule_files) {
  static const std::regex import_ses(R"((^|\n)[ \t]*import[ \t]+ses\b)");
  static const std::regex package_ses(R"((^|\n)[ \t]*package[ \t]+ses[ \t]*(\r?\n|$))");
  bool imports = false, defines = false;
  for (const std::string& file : rule_files) {
    std::string text, error;
    if (!read_text_file(file, text, error)) continue;
    imports = imports || std::regex_search(text, import_ses);
    defines = defines || std::regex_search(text, package_ses);
  }
  return imports && !defines;
}

}  // namespace sesrules::cli
