#include "cli/run_report.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace sesrules::cli {

namespace {

constexpr std::uint64_t kIssuesShown = 20;

std::string bytes_text(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  return fmt::format("{:.1f} {}", bytes, units[unit]);
}

}  // namespace

bool RunReporter::print_issue_allowed() {
  ++issues_total_;
  if (issues_printed_ >= kIssuesShown) return false;
  ++issues_printed_;
  clear_progress();
  return true;
}

void RunReporter::input_issue(const runtime::InputIssue& issue) {
  if (!print_issue_allowed()) return;
  fmt::print(stderr, "{}: error: {} [{}]\n", issue.path, issue.message, issue.reason);
}

void RunReporter::read_issue(const runtime::ReadIssue& issue) {
  if (!print_issue_allowed()) return;
  // Reader messages already name the file and position.
  if (issue.message.rfind(issue.path, 0) == 0) {
    fmt::print(stderr, "{} [{}]\n", issue.message, issue.reason);
  } else {
    fmt::print(stderr, "{}: record {} (byte {}): {} [{}]\n", issue.path, issue.record_index, issue.byte_offset,
               issue.message, issue.reason);
  }
}

void RunReporter::progress(const runtime::Progress& p) {
  if (quiet_ || !terminal_) return;
  if (p.elapsed_seconds - last_progress_ < 0.1 && p.files_done != p.files_total) return;
  last_progress_ = p.elapsed_seconds;
  double fraction = p.bytes_total ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 1.0;
  int filled = static_cast<int>(fraction * 30);
  double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.bytes_done) / p.elapsed_seconds : 0;
  double eta = rate > 0 ? static_cast<double>(p.bytes_total - p.bytes_done) / rate : 0;
  fmt::print(stderr, "\r[{:<30}] {}/{} files  {}  {}/s  ETA {:.0f}s ", std::string(filled, '#'), p.files_done,
             p.files_total, bytes_text(static_cast<double>(p.bytes_done)), bytes_text(rate), eta);
  progress_shown_ = true;
}

void RunReporter::clear_progress() {
  if (!progress_shown_) return;
  fmt::print(stderr, "\r{:<100}\r", "");
  progress_shown_ = false;
}

void RunReporter::summary(const runtime::RunSummary& s, const runtime::Program& program, bool profile) {
  clear_progress();
  if (issues_total_ > issues_printed_) {
    fmt::print(stderr, "... and {} more input problems (counted below)\n", issues_total_ - issues_printed_);
  }
  if (quiet_) return;
  double rate = s.elapsed_seconds > 0 ? static_cast<double>(s.bytes_decompressed) / s.elapsed_seconds : 0;
  fmt::print(stderr, "\nsummary: {} files, {} records, {} read ({} decompressed) in {:.2f}s ({}/s)\n", s.files,
             s.records, bytes_text(static_cast<double>(s.bytes_on_disk)),
             bytes_text(static_cast<double>(s.bytes_decompressed)), s.elapsed_seconds, bytes_text(rate));
  fmt::print(stderr, "  rules: {}   records prefiltered: {}   records dispatched to rules: {}\n",
             program.rules.size(), s.records_prefiltered, s.records_dispatched);
  fmt::print(stderr, "  alerts: {}\n", s.alerts);
  for (const auto& [rule, count] : s.alerts_per_rule) fmt::print(stderr, "    {:<48} {}\n", rule, count);
  bool header = false;
  for (const auto& [reason, count] : s.counters) {
    if (count == 0) continue;
    if (!header) fmt::print(stderr, "  skipped / late / evicted:\n");
    header = true;
    fmt::print(stderr, "    {:<48} {}\n", reason, count);
  }
  if (s.digest_files_skipped) fmt::print(stderr, "    {:<48} {}\n", "digest_files_skipped", s.digest_files_skipped);
  if (s.files_unreadable) fmt::print(stderr, "    {:<48} {}\n", "files_unreadable", s.files_unreadable);
  if (!profile) return;
  fmt::print(stderr, "  profile (VM time per rule; dispatch = records routed to the rule):\n");
  fmt::print(stderr, "    {:<48} {:>12} {:>10} {:>10} {:>9}\n", "rule", "time", "dispatched", "matched", "hit rate");
  std::vector<std::pair<std::string, runtime::RuleProfile>> rows(s.profile.begin(), s.profile.end());
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.second.nanoseconds > b.second.nanoseconds; });
  for (const auto& [rule, p] : rows) {
    double hit = p.dispatched ? 100.0 * static_cast<double>(p.matched) / static_cast<double>(p.dispatched) : 0;
    fmt::print(stderr, "    {:<48} {:>10.3f}ms {:>10} {:>10} {:>8.1f}%\n", rule, static_cast<double>(p.nanoseconds) / 1e6,
               p.dispatched, p.matched, hit);
  }
  double prefilter = s.records ? 100.0 * static_cast<double>(s.records_prefiltered) / static_cast<double>(s.records) : 0;
  double dispatch = s.records ? 100.0 * static_cast<double>(s.records_dispatched) / static_cast<double>(s.records) : 0;
  fmt::print(stderr, "    prefilter rejected {:.2f}% of records; {:.3f}% reached a rule\n", prefilter, dispatch);
}

}  // namespace sesrules::cli
