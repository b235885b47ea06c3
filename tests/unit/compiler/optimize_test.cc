// Tests optimize.cc (folding, dispatch analysis, prefilter atoms) and runs the
// disassembly goldens: tests/golden/disasm/<case>.rules -> <case>.opt.out
// (optimizer on) and <case>.opt-none.out (off). SESRULES_UPDATE_GOLDEN=1
// rewrites the expected files.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "lower_test_util.h"
#include "runtime/disassemble.h"
#include "runtime/dispatch.h"
#include "runtime/opcode_info.h"

namespace sesrules::compiler {
namespace {
using testing::compile_texts;

std::string dispatch_text(const runtime::Program& p) {
  std::string out;
  for (const runtime::DispatchEntry& e : p.dispatch) {
    out += (e.event_source.empty() ? "*" : e.event_source) + "/" + (e.event_name.empty() ? "*" : e.event_name) + ":";
    for (const runtime::DispatchTarget& t : e.targets) {
      out += " " + std::to_string(t.rule) + "." +
             (t.step == runtime::kWholeRule ? "w" : t.step == runtime::kUntilStep ? "u" : std::to_string(t.step));
    }
    out += "\n";
  }
  return out;
}

constexpr const char* kPrelude = R"(package t
ses_call { input.eventSource == "ses.amazonaws.com" }
ses_api(names) {
  ses_call
  input.eventName in names
}
calls := {"GetAccount", "GetSendQuota"}
either { input.eventName == "A" }
either { input.eventSource == "iam.amazonaws.com"; input.eventName == "B" }
default maybe := true
maybe := false { input.eventName == "Z" }
)";

TEST_CASE("dispatch constraints from conditions and helpers") {
  struct Case { const char* when; const char* dispatch; bool complete; };
  const Case cases[] = {
      {"input.eventName == \"GetAccount\"", "*/GetAccount: 0.w\n", true},
      {"\"GetAccount\" == input.eventName", "*/GetAccount: 0.w\n", true},
      {"ses_call", "ses.amazonaws.com/*: 0.w\n", true},
      {"ses_api(calls)", "ses.amazonaws.com/GetAccount: 0.w\nses.amazonaws.com/GetSendQuota: 0.w\n", true},
      {"ses_api({\"X\"})\n input.eventName == \"X\"", "ses.amazonaws.com/X: 0.w\n", true},
      {"ses_api({\"X\"})\n input.eventName == \"Y\"", "", true},
      {"either", "*/A: 0.w\niam.amazonaws.com/B: 0.w\n", true},
      {"either\n input.eventSource == \"s3.amazonaws.com\"", "s3.amazonaws.com/A: 0.w\n", true},
      {"maybe", "*/*: 0.w\n", false},
      {"not input.eventName == \"A\"", "*/*: 0.w\n", false},
      {"input.eventName in calls\n startswith(input.eventSource, \"s\")", "*/GetAccount: 0.w\n*/GetSendQuota: 0.w\n", true},
      {"x := \"A\"\n input.eventName == x", "*/*: 0.w\n", false},
  };
  for (const Case& c : cases) {
    std::string when = c.when;
    CAPTURE(when);
    std::string text = std::string(kPrelude) + "alert r {\n meta { title: \"t\" severity: low description: \"d\" }\n when {\n " +
                       c.when + "\n }\n}\n";
    runtime::Program p = compile_texts({text}).program;
    CHECK(dispatch_text(p) == c.dispatch);
    CHECK(p.prefilter_complete == c.complete);
    CHECK(dispatch_text(compile_texts({text}, false).program) == "*/*: 0.w\n");
  }
}

// Loads of eventSource / eventName left in rule 0's predicate (helpers not
// counted), plain or fused into a superinstruction (the field slot is then B).
int event_field_loads(const runtime::Program& p) {
  const runtime::Function& fn = p.functions[p.rules.at(0).predicate_fn];
  int loads = 0;
  for (std::uint32_t pc = fn.entry; pc < fn.entry + fn.length; ++pc) {
    const runtime::Instr& in = p.code[pc];
    std::uint32_t slot = in.op == runtime::Op::LoadField ? in.a
                         : runtime::op_operand(in.op) >= runtime::OperandKind::FieldConst ? in.b
                                                                                         : 0xffffffffu;
    loads += slot == runtime::kSlotEventSource || slot == runtime::kSlotEventName;
  }
  return loads;
}

TEST_CASE("conditions the dispatch entry guarantees are not compiled") {
  struct Case { const char* when; int loads; int plain_loads; };
  const Case cases[] = {
      {"input.eventSource == \"ses.amazonaws.com\"\n input.eventName == \"GetAccount\"", 0, 2},
      {"\"GetAccount\" == input.eventName", 0, 1},
      {"input.eventName in calls", 0, 1},
      {"input.eventName in calls\n input.eventName == \"GetAccount\"", 0, 2},
      {"ses_call\n input.eventName == \"A\"", 0, 1},
      {"either\n input.eventName == \"A\"", 0, 1},
      {"input.eventName in calls\n startswith(input.eventSource, \"s\")", 1, 2},
      {"input.eventName == \"\"", 1, 1},                 // "" dispatches as any name
      {"not input.eventName == \"A\"", 1, 1},
      {"x := \"A\"\n input.eventName == x", 1, 1},      // a local, not a constant
      {"ses_api({\"X\"})\n input.eventName == \"Y\"", 1, 1},  // never dispatched: left as is
  };
  for (const Case& c : cases) {
    std::string when = c.when;
    CAPTURE(when);
    std::string text = std::string(kPrelude) + "alert r {\n meta { title: \"t\" severity: low description: \"d\" }\n when {\n " +
                       c.when + "\n }\n}\n";
    CHECK(event_field_loads(compile_texts({text}).program) == c.loads);
    CHECK(event_field_loads(compile_texts({text}, false).program) == c.plain_loads);
  }
}

TEST_CASE("atoms prefer event names and fall back to sources") {
  runtime::Program p = compile_texts({std::string(kPrelude) + R"(
alert a {
  meta { title: "t" severity: low description: "d" }
  when { ses_api(calls) }
}
alert b {
  meta { title: "t" severity: low description: "d" }
  when { input.eventSource == "sts.amazonaws.com" }
})"}).program;
  CHECK(p.prefilter_complete);
  CHECK(p.atoms == std::vector<std::string>{"GetAccount", "GetSendQuota", "sts.amazonaws.com"});
  runtime::DispatchIndex index(p);
  CHECK(index.candidates("ses.amazonaws.com", "GetAccount").size() == 1);
  CHECK(index.candidates("sts.amazonaws.com", "GetCallerIdentity").size() == 1);
  CHECK(index.candidates("ses.amazonaws.com", "ListIdentities").empty());
}

TEST_CASE("folding removes constant conditions and dead code") {
  const std::string rule = "alert r {\n meta { title: \"t\" severity: low description: \"d\" }\n when {\n";
  runtime::Program folded = compile_texts({std::string(kPrelude) + "lim := 3\n" + rule +
                                           " lim > 2\n 1 == 2\n input.unread == 1\n }\n}\n"}).program;
  CHECK(folded.fields.size() == runtime::kStdSlotCount);  // input.unread is dead code
  CHECK(folded.code.size() == 2);                          // Jump -> ReturnUndefined
  CHECK(folded.dispatch.empty());                          // never holds: never dispatched
  runtime::Program plain = compile_texts({std::string(kPrelude) + "lim := 3\n" + rule +
                                          " lim > 2\n 1 == 2\n input.unread == 1\n }\n}\n"}, false).program;
  CHECK(plain.fields.size() == runtime::kStdSlotCount + 1);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_CASE("disassembly goldens") {
  std::filesystem::path dir = std::filesystem::path(SESRULES_SOURCE_DIR) / "tests/golden/disasm";
  bool update = std::getenv("SESRULES_UPDATE_GOLDEN") != nullptr;
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".rules") continue;
    ++cases;
    std::string name = entry.path().stem().string();
    CAPTURE(name);
    std::string text = read_file(entry.path());
    for (bool optimize : {true, false}) {
      std::filesystem::path expected_path = dir / (name + (optimize ? ".opt.out" : ".opt-none.out"));
      testing::Compiled c = compile_texts({text}, optimize);
      c.program.source_files = {entry.path().filename().string()};
      std::string actual = runtime::disassemble(c.program);
      if (update) std::ofstream(expected_path, std::ios::binary) << actual;
      CHECK(actual == read_file(expected_path));
      testing::load_or_fail(c.program);
    }
  }
  CHECK(cases > 0);
}

}  // namespace
}  // namespace sesrules::compiler
