// The one table of process exit codes (documented in docs/cli.md). Only cli/
// maps outcomes to these numbers.
#pragma once

namespace sesrules::cli {

enum ExitCode : int {
  kExitOk = 0,            // ran clean (alerts, if any, do not fail the run without --fail-on-alert)
  kExitFindings = 1,      // eval --fail-on-alert found alerts; lint found errors (or warnings with --strict);
                          // test had a failing case; fmt --check found files to reformat
  kExitUsage = 2,         // bad command line, or rules that do not compile
  kExitInputError = 3,    // some input could not be read or was damaged; the rest was processed
  kExitOutputError = 4,   // alerts could not be written (disk full, ...)
};

const char* exit_code_meaning(int code);

}  // namespace sesrules::cli
