// Value: what the VM computes with. A Value never owns memory: strings point into
// the record's input buffer, the Program's constant pool, or the per-record Arena.
// Everything a Value points to lives until the Arena is reset (once per record)
// or, for constants, as long as the Program. Copy what must outlive a record
// (see OwnedValue).
//
// Undefined is a value of its own: a missing field, a wrong-typed access or a
// failed helper yields Undefined; comparisons with Undefined yield Undefined; a
// body condition holds only when its value is defined and not false
// (docs/language.md, "Undefined").
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sesrules::runtime {

enum class Kind : std::uint8_t { Undefined, Null, Bool, Int, Float, String, Array, Object, Set };

struct Member;

struct Value {
  Kind kind = Kind::Undefined;
  std::uint32_t size = 0;  // string length, array/object element count
  union {
    bool boolean;
    std::int64_t integer;
    double number;
    const char* chars;       // String
    const Value* items;      // Array
    const Member* members;   // Object
    std::uint32_t set_id;    // Set: index into Program::string_sets
  };
  Value() : integer(0) {}

  static Value undefined() { return Value(); }
  static Value null() { Value v; v.kind = Kind::Null; return v; }
  static Value from_bool(bool b) { Value v; v.kind = Kind::Bool; v.boolean = b; return v; }
  static Value from_int(std::int64_t i) { Value v; v.kind = Kind::Int; v.integer = i; return v; }
  static Value from_double(double d) { Value v; v.kind = Kind::Float; v.number = d; return v; }
  static Value from_string(std::string_view s) {
    Value v; v.kind = Kind::String; v.chars = s.data(); v.size = static_cast<std::uint32_t>(s.size()); return v;
  }
  static Value from_array(const Value* items, std::uint32_t n) {
    Value v; v.kind = Kind::Array; v.items = items; v.size = n; return v;
  }
  static Value from_object(const Member* m, std::uint32_t n) {
    Value v; v.kind = Kind::Object; v.members = m; v.size = n; return v;
  }
  static Value from_set(std::uint32_t id) { Value v; v.kind = Kind::Set; v.set_id = id; return v; }

  bool is_defined() const { return kind != Kind::Undefined; }
  // "Holds" in a rule body: defined and not false.
  bool holds() const { return kind != Kind::Undefined && !(kind == Kind::Bool && !boolean); }
  std::string_view str() const { return {chars, size}; }
};

struct Member {
  std::string_view key;
  Value value;
};

// Bump allocator reset once per record, so steady-state evaluation does not touch
// the heap. Blocks are kept across resets. Not thread-safe: one per worker thread.
class Arena {
 public:
  explicit Arena(std::size_t block_size = 64 * 1024) : block_size_(block_size) {}
  void* allocate(std::size_t bytes, std::size_t align = alignof(std::max_align_t));
  template <typename T>
  T* allocate_array(std::size_t n) { return static_cast<T*>(allocate(sizeof(T) * n, alignof(T))); }
  std::string_view copy_string(std::string_view s);
  void reset();
  std::size_t bytes_reserved() const;

 private:
  struct Block { std::unique_ptr<char[]> data; std::size_t size; };
  std::vector<Block> blocks_;
  std::size_t block_size_;
  std::size_t current_ = 0;  // index into blocks_
  std::size_t offset_ = 0;   // within blocks_[current_]
};

// A deep copy of a Value that owns its memory: used for sequence captures, alert
// evidence and output fields, which outlive the record.
class OwnedValue {
 public:
  OwnedValue() = default;
  explicit OwnedValue(const Value& v);
  // Copies into `storage`, shared with other OwnedValues: one Arena for all the
  // slots of an event instead of one allocation (and free) per slot.
  OwnedValue(const Value& v, const std::shared_ptr<Arena>& storage);
  const Value& get() const { return root_; }
  // Canonical JSON text (keys in input order); used by sinks and for distinct counts.
  std::string to_json() const;

 private:
  Value root_;
  std::shared_ptr<Arena> storage_;
};

// Writes v as JSON into out (Undefined renders as null).
void append_json(std::string& out, const Value& v);
// Writes s as a JSON string (quoted, escaped) into out.
void append_json_string(std::string& out, std::string_view s);

}  // namespace sesrules::runtime
