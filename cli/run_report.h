// What eval tells the person at the terminal on stderr: damaged-input messages
// (the first few in full, then a count), a progress bar while it runs on a
// terminal, and the run summary at the end. --quiet silences all of it except
// errors that change the exit code.
#pragma once

#include <cstdint>

#include "runtime/evaluate.h"

namespace sesrules::cli {

class RunReporter {
 public:
  RunReporter(bool quiet, bool terminal) : quiet_(quiet), terminal_(terminal) {}
  void input_issue(const runtime::InputIssue& issue);
  void read_issue(const runtime::ReadIssue& issue);
  void progress(const runtime::Progress& progress);
  void clear_progress();
  void summary(const runtime::RunSummary& summary, const runtime::Program& program, bool profile);

 private:
  bool print_issue_allowed();

  bool quiet_;
  bool terminal_;
  bool progress_shown_ = false;
  std::uint64_t issues_printed_ = 0;
  std::uint64_t issues_total_ = 0;
  double last_progress_ = -1;
};

}  // namespace sesrules::cli
