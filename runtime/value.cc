// Arena, OwnedValue and JSON rendering of Values. Tested by value_test.cc.
#include "runtime/value.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

namespace sesrules::runtime {

void* Arena::allocate(std::size_t bytes, std::size_t align) {
  if (bytes == 0) bytes = 1;
  while (current_ < blocks_.size()) {
    Block& block = blocks_[current_];
    std::size_t aligned = (offset_ + align - 1) & ~(align - 1);
    if (aligned + bytes <= block.size) {
      offset_ = aligned + bytes;
      return block.data.get() + aligned;
    }
    ++current_;
    offset_ = 0;
  }
  // Oversized requests get a block of their own; blocks are reused after reset.
  std::size_t size = bytes + align > block_size_ ? bytes + align : block_size_;
  blocks_.push_back(Block{std::make_unique<char[]>(size), size});
  current_ = blocks_.size() - 1;
  offset_ = 0;
  return allocate(bytes, align);
}

std::string_view Arena::copy_string(std::string_view s) {
  if (s.empty()) return {};
  char* p = static_cast<char*>(allocate(s.size(), 1));
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

void Arena::reset() {
  current_ = 0;
  offset_ = 0;
}

std::size_t Arena::bytes_reserved() const {
  std::size_t total = 0;
  for (const Block& b : blocks_) total += b.size;
  return total;
}

namespace {

Value deep_copy(const Value& v, Arena& arena) {
  switch (v.kind) {
    case Kind::String: return Value::from_string(arena.copy_string(v.str()));
    case Kind::Array: {
      Value* items = arena.allocate_array<Value>(v.size);
      for (std::uint32_t i = 0; i < v.size; ++i) new (&items[i]) Value(deep_copy(v.items[i], arena));
      return Value::from_array(items, v.size);
    }
    case Kind::Object: {
      Member* members = arena.allocate_array<Member>(v.size);
      for (std::uint32_t i = 0; i < v.size; ++i) {
        new (&members[i]) Member{arena.copy_string(v.members[i].key), deep_copy(v.members[i].value, arena)};
      }
      return Value::from_object(members, v.size);
    }
    default: return v;
  }
}

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Index of the first byte at or after `from` that JSON must escape, s.size() when
// none. With SSE2 (every x86-64) 16 bytes are classified at once.
std::size_t next_escape(std::string_view s, std::size_t from) {
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), below = _mm_set1_epi8(0x1f);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, below), v);  // v <= 0x1f, unsigned
    const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
    if (const int mask = _mm_movemask_epi8(_mm_or_si128(control, special)); mask != 0) {
      return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    }
  }
#endif
  while (i < s.size() && !needs_escape(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

}  // namespace

// Runs of bytes that need no escape are appended whole: alerts repeat long
// paths and ARNs, and a byte-at-a-time push_back dominated writing them.
void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = next_escape(s, 0); i < s.size(); i = next_escape(s, i + 1)) {
    out.append(s.data() + run, i - run);
    run = i + 1;
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

OwnedValue::OwnedValue(const Value& v) {
  if (v.kind == Kind::String || v.kind == Kind::Array || v.kind == Kind::Object) {
    storage_ = std::make_shared<Arena>(256);
    root_ = deep_copy(v, *storage_);
  } else {
    root_ = v;
  }
}

OwnedValue::OwnedValue(const Value& v, const std::shared_ptr<Arena>& storage) {
  if (v.kind == Kind::String || v.kind == Kind::Array || v.kind == Kind::Object) {
    storage_ = storage;
    root_ = deep_copy(v, *storage_);
  } else {
    root_ = v;
  }
}

std::string OwnedValue::to_json() const {
  std::string out;
  append_json(out, root_);
  return out;
}

void append_json(std::string& out, const Value& v) {
  switch (v.kind) {
    case Kind::Undefined:
    case Kind::Null: out += "null"; break;
    case Kind::Bool: out += v.boolean ? "true" : "false"; break;
    case Kind::Int: out += fmt::format("{}", v.integer); break;
    case Kind::Float: out += fmt::format("{}", v.number); break;
    case Kind::String: append_json_string(out, v.str()); break;
    case Kind::Array:
      out.push_back('[');
      for (std::uint32_t i = 0; i < v.size; ++i) {
        if (i) out.push_back(',');
        append_json(out, v.items[i]);
      }
      out.push_back(']');
      break;
    case Kind::Object:
      out.push_back('{');
      for (std::uint32_t i = 0; i < v.size; ++i) {
        if (i) out.push_back(',');
        append_json_string(out, v.members[i].key);
        out.push_back(':');
        append_json(out, v.members[i].value);
      }
      out.push_back('}');
      break;
    case Kind::Set: out += fmt::format("\"<set {}>\"", v.set_id); break;
  }
}

}  // namespace sesrules::runtime
