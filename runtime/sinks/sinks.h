// Alert sinks: text (for people), jsonl (the stable machine format, schema in
// docs/alert.schema.json), json (one array), csv (one row per alert). Each writes
// to an OutputStream that reports write failures (disk full) as a Status and a
// closed pipe as Status with message "EPIPE" so the CLI can stop quietly.
// Tested by sinks_test.cc and the e2e goldens.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/evaluate.h"

namespace sesrules::runtime {

class OutputStream {
 public:
  explicit OutputStream(std::FILE* file) : file_(file) {}
  Status write(std::string_view text);
  Status flush();

 private:
  std::FILE* file_;
};

enum class SinkFormat { Text, Jsonl, Json, Csv };

struct SinkOptions {
  SinkFormat format = SinkFormat::Text;
  bool color = false;          // ANSI colours (text only)
  bool alert_ids = false;      // print alert ids in text output
};

std::unique_ptr<AlertSink> make_sink(const SinkOptions& options, OutputStream& out);

// The jsonl object for one alert (no trailing newline). Shared by json/jsonl and tests.
std::string alert_to_json(const Alert& alert);

}  // namespace sesrules::runtime
