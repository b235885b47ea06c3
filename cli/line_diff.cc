#include "cli/line_diff.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace sesrules::cli {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

struct Edit {
  char kind;  // ' ', '-', '+'
  std::string line;
};

std::vector<Edit> diff_lines(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Edit> edits;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({' ', a[i++]});
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      edits.push_back({'-', a[i++]});
    } else {
      edits.push_back({'+', b[j++]});
    }
  }
  return edits;
}

}  // namespace

std::string unified_diff(const std::string& path, const std::string& before, const std::string& after, int context) {
  std::vector<Edit> edits = diff_lines(split_lines(before), split_lines(after));
  std::string out = fmt::format("--- {}\n+++ {} (formatted)\n", path, path);
  std::size_t k = 0;
  int old_line = 1, new_line = 1;
  while (k < edits.size()) {
    if (edits[k].kind == ' ') {
      ++old_line, ++new_line, ++k;
      continue;
    }
    std::size_t start = k >= static_cast<std::size_t>(context) ? k - context : 0;
    std::size_t end = k;
    int quiet = 0;
    while (end < edits.size() && quiet <= 2 * context) {
      quiet = edits[end].kind == ' ' ? quiet + 1 : 0;
      ++end;
    }
    end = std::min(edits.size(), end - std::max(0, quiet - context));
    int old_start = old_line - static_cast<int>(k - start), new_start = new_line - static_cast<int>(k - start);
    int old_count = 0, new_count = 0;
    std::string body;
    for (std::size_t x = start; x < end; ++x) {
      body += edits[x].kind + edits[x].line + "\n";
      if (edits[x].kind != '+') ++old_count;
      if (edits[x].kind != '-') ++new_count;
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n{}", old_start, old_count, new_start, new_count, body);
    for (std::size_t x = k; x < end; ++x) {
      if (edits[x].kind != '+') ++old_line;
      if (edits[x].kind != '-') ++new_line;
    }
    k = end;
  }
  return out;
}

}  // namespace sesrules::cli
