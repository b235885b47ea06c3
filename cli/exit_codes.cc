#include "cli/exit_codes.h"

namespace sesrules::cli {

const char* exit_code_meaning(int code) {
  switch (code) {
    case kExitOk: return "ok";
    case kExitFindings: return "findings (alerts with --fail-on-alert, lint errors, failing tests, unformatted files)";
    case kExitUsage: return "usage error or rules that do not compile";
    case kExitInputError: return "some input was unreadable or damaged; the rest was processed";
    case kExitOutputError: return "output could not be written";
    default: return "unknown";
  }
}

}  // namespace sesrules::cli
