// Program <-> bytes. One member list per struct (members()) drives both the
// writer and the reader, so the two cannot drift apart. Tested by
// serialize_test.cc and roundtrip_test.cc.
#include "runtime/serialize.h"

#include <bit>
#include <cstring>
#include <type_traits>

#include <fmt/format.h>

namespace sesrules::runtime {
namespace {

constexpr std::string_view kMagic = "SESRULES";
constexpr std::size_t kHeaderSize = 8 + 4 + 8 + 8;

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

template <typename A> void members(A& ar, Instr& x) { ar(x.op); ar(x.flags); ar(x.b); ar(x.a); }
template <typename A> void members(A& ar, SourcePos& x) { ar(x.file); ar(x.line); ar(x.column); }
template <typename A> void members(A& ar, Function& x) { ar(x.name); ar(x.entry); ar(x.length); ar(x.params); ar(x.locals); }
template <typename A> void members(A& ar, Constant& x) { ar(x.kind); ar(x.boolean); ar(x.integer); ar(x.number); ar(x.text); }
template <typename A> void members(A& ar, Capture& x) { ar(x.step); ar(x.slot); }
template <typename A> void members(A& ar, Step& x) { ar(x.name); ar(x.local_fn); ar(x.relation_fn); ar(x.absent); }
template <typename A> void members(A& ar, OutputField& x) { ar(x.name); ar(x.fn); }
template <typename A> void members(A& ar, DispatchTarget& x) { ar(x.rule); ar(x.step); }
template <typename A> void members(A& ar, DispatchEntry& x) { ar(x.event_source); ar(x.event_name); ar(x.targets); }
template <typename A> void members(A& ar, Rule& x) {
  ar(x.name); ar(x.title); ar(x.severity); ar(x.description); ar(x.mitre); ar(x.references); ar(x.tags);
  ar(x.version); ar(x.pos); ar(x.kind); ar(x.predicate_fn); ar(x.key_fns); ar(x.within_ms); ar(x.steps);
  ar(x.min_steps); ar(x.until_fn); ar(x.threshold_kind); ar(x.distinct_fn); ar(x.threshold_min);
  ar(x.suppress_ms); ar(x.captures); ar(x.outputs);
}
template <typename A> void members(A& ar, Program& x) {
  ar(x.source_files); ar(x.code); ar(x.code_pos); ar(x.functions); ar(x.constants); ar(x.string_sets);
  ar(x.regexes); ar(x.globs); ar(x.cidrs); ar(x.fields); ar(x.rules); ar(x.dispatch); ar(x.atoms);
  ar(x.prefilter_complete);
}

template <typename T>
constexpr bool kScalar = std::is_integral_v<T> || std::is_enum_v<T>;

class Writer {
 public:
  std::string out;
  template <typename T> void operator()(T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      out.push_back(v ? 1 : 0);
    } else if constexpr (kScalar<T>) {
      auto u = static_cast<std::uint64_t>(v);
      for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>(u >> (8 * i)));
    } else if constexpr (std::is_same_v<T, double>) {
      auto bits = std::bit_cast<std::uint64_t>(v);
      (*this)(bits);
    } else if constexpr (std::is_same_v<T, std::string>) {
      count(v.size());
      out += v;
    } else {
      members(*this, v);
    }
  }
  template <typename T> void operator()(std::vector<T>& v) {
    count(v.size());
    for (T& x : v) (*this)(x);
  }

 private:
  void count(std::size_t n) {
    auto c = static_cast<std::uint32_t>(n);
    (*this)(c);
  }
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool failed = false;
  bool at_end() const { return in_.empty(); }

  template <typename T> void operator()(T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      std::uint8_t b = 0;
      (*this)(b);
      v = b != 0;
    } else if constexpr (kScalar<T>) {
      if (!take(sizeof(T))) return;
      std::uint64_t u = 0;
      for (std::size_t i = 0; i < sizeof(T); ++i) u |= std::uint64_t{static_cast<unsigned char>(taken_[i])} << (8 * i);
      v = static_cast<T>(u);
    } else if constexpr (std::is_same_v<T, double>) {
      std::uint64_t bits = 0;
      (*this)(bits);
      v = std::bit_cast<double>(bits);
    } else if constexpr (std::is_same_v<T, std::string>) {
      std::uint32_t n = count();
      if (take(n)) v.assign(taken_.data(), n);
    } else {
      members(*this, v);
    }
  }
  template <typename T> void operator()(std::vector<T>& v) {
    std::uint32_t n = count();
    v.clear();
    for (std::uint32_t i = 0; i < n && !failed; ++i) (*this)(v.emplace_back());
  }

 private:
  // Every element takes at least one byte, so a count above the bytes left is corrupt.
  std::uint32_t count() {
    std::uint32_t n = 0;
    (*this)(n);
    if (n > in_.size()) {
      failed = true;
      return 0;
    }
    return n;
  }
  bool take(std::size_t n) {
    if (failed || n > in_.size()) {
      failed = true;
      return false;
    }
    taken_ = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  std::string_view in_;
  std::string_view taken_;
};

Status check_enums(const Program& p) {
  for (const Constant& c : p.constants) {
    if (c.kind != Kind::Null && c.kind != Kind::Bool && c.kind != Kind::Int && c.kind != Kind::Float &&
        c.kind != Kind::String) {
      return Status::error("compiled program is corrupt: bad constant kind");
    }
  }
  for (const Rule& r : p.rules) {
    if (r.severity > Severity::Critical || r.kind > RuleKind::Threshold || r.threshold_kind > ThresholdKind::Distinct) {
      return Status::error(fmt::format("compiled program is corrupt: bad enum value in rule {}", r.name));
    }
  }
  return {};
}

std::uint64_t read_u64(std::string_view bytes, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= std::uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  return v;
}

}  // namespace

std::string serialize_program(const Program& program) {
  Program copy = program;  // the member lists take non-const references (shared with the reader)
  Writer payload;
  payload(copy);
  Writer header;
  header.out = std::string(kMagic);
  std::uint32_t version = Program::kFormatVersion;
  std::uint64_t size = payload.out.size();
  std::uint64_t checksum = fnv1a(payload.out);
  header(version);
  header(size);
  header(checksum);
  return header.out + payload.out;
}

Expected<Program> deserialize_program(std::string_view bytes) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic) {
    return Status::error("not a compiled sesrules program (bad magic; expected \"SESRULES\")");
  }
  if (bytes.size() < kHeaderSize) return Status::error("compiled program is truncated (incomplete header)");
  std::uint32_t version = static_cast<std::uint32_t>(read_u64(bytes, 8) & 0xffffffffu);
  if (version != Program::kFormatVersion) {
    return Status::error(fmt::format("compiled with format version {}; this sesrules reads version {}: recompile the rules",
                                     version, Program::kFormatVersion));
  }
  std::uint64_t size = read_u64(bytes, 12);
  std::uint64_t checksum = read_u64(bytes, 20);
  std::string_view payload = bytes.substr(kHeaderSize);
  if (payload.size() < size) {
    return Status::error(fmt::format("compiled program is truncated ({} of {} payload bytes)", payload.size(), size));
  }
  if (payload.size() > size) return Status::error("compiled program has trailing bytes after the payload");
  if (fnv1a(payload) != checksum) return Status::error("compiled program is corrupt (checksum mismatch)");
  Program program;
  Reader reader(payload);
  reader(program);
  if (reader.failed || !reader.at_end()) return Status::error("compiled program is corrupt (malformed payload)");
  if (Status s = check_enums(program); !s.ok()) return s;
  return program;
}

}  // namespace sesrules::runtime
