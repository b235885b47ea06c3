#include "cli/rule_sources.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "stdrules/embedded.h"

namespace sesrules::cli {

namespace fs = std::filesystem;

bool read_text_file(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return false;
  }
  // A regular file is read in one piece into its final buffer (a stringstream
  // copied large rule sets through a growing buffer twice); anything without a
  // size, such as a pipe, is streamed.
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size >= 0) {
    in.seekg(0, std::ios::beg);
    out.resize(static_cast<std::size_t>(size));
    in.read(out.data(), size);
    out.resize(static_cast<std::size_t>(in.gcount()));
    return true;
  }
  in.clear();
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

std::vector<std::string> find_files(const std::string& path, const std::string& extension,
                                    std::vector<std::string>& errors) {
  std::vector<std::string> found;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == extension) found.push_back(it->path().string());
    }
    if (ec) errors.push_back(path + ": " + ec.message());
    std::sort(found.begin(), found.end());
  } else if (fs::exists(path, ec)) {
    found.push_back(path);
  } else {
    errors.push_back(path + ": no such file or directory");
  }
  return found;
}

RuleSources load_rule_sources(const RuleSourceOptions& options) {
  RuleSources sources;
  if (options.builtin) {
    for (std::size_t i = 0; i < stdrules::kFileCount; ++i) {
      sources.files.emplace_back(stdrules::kFiles[i].path, stdrules::kFiles[i].text);
    }
  }
  for (const std::string& path : options.paths) {
    for (const std::string& file : find_files(path, ".rules", sources.errors)) {
      std::string text, error;
      if (read_text_file(file, text, error)) {
        sources.files.emplace_back(file, std::move(text));
      } else {
        sources.errors.push_back(file + ": " + error);
      }
    }
  }
  return sources;
}

}  // namespace sesrules::cli
