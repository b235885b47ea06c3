// Environment failures (cannot open a file, cannot write output) travel as a
// small Status / Expected<T>. Rule mistakes are diagnostics, bad records are
// counted skips; neither uses this type. Only cli/ maps a Status to an exit code.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace sesrules::runtime {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status error(std::string message) { return Status(std::move(message)); }
  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Expected(Status error) : data_(std::move(error)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(data_); }
  T& value() { return std::get<T>(data_); }
  const T& value() const { return std::get<T>(data_); }
  const Status& status() const { return std::get<Status>(data_); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace sesrules::runtime

// SES_ASSERT guards invariants (bugs), never user input. On in debug and sanitizer builds.
#if defined(SES_ENABLE_ASSERTS)
#define SES_ASSERT(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)
#else
#define SES_ASSERT(cond) ((void)0)
#endif
