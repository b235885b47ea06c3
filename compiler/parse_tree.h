// Internal to parse: a parse-tree builder for PEGTL that keeps the shape of
// tao::pegtl::parse_tree (same selected rules, same children; the grammar's
// control hooks run for every rule, see make_control) but allocates nothing per
// rule attempt.
// PEGTL's builder allocated a node for every attempted rule that has selected
// descendants, including every failed `sor` alternative; that was most of the
// compile time of large rule files. Here a rule attempt only pushes a mark on
// a stack: a selected rule that succeeds takes the nodes pushed since its mark
// as its children and becomes one node in an arena that lives until the item
// has been converted. Also matches `reserved` with one identifier scan and a
// lookup instead of trying each keyword in turn. Tested by parse_test.cc.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <vector>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include "compiler/grammar.h"
#include "compiler/grammar_errors.h"

namespace sesrules::compiler::detail {

// One identity per grammar rule, compared by address.
template <typename Rule>
inline constexpr char rule_tag = 0;

class Node;

// The children of a node: a read-only array in the tree's arena.
class Children {
 public:
  Children() = default;
  Children(Node* const* data, std::size_t size) : data_(data), size_(size) {}
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Node* const* begin() const { return data_; }
  Node* const* end() const { return data_ + size_; }
  Node* operator[](std::size_t i) const { return data_[i]; }
  Node* front() const { return data_[0]; }
  Node* back() const { return data_[size_ - 1]; }
  Node* at(std::size_t i) const {
    if (i >= size_) throw std::out_of_range("parse tree child index");
    return data_[i];
  }

 private:
  Node* const* data_ = nullptr;
  std::size_t size_ = 0;
};

class Node {
 public:
  Node(const void* type, const char* begin, const char* end, Children children)
      : children(children), type_(type), begin_(begin), end_(end) {}

  template <typename Rule>
  bool is_type() const {
    return type_ == &rule_tag<Rule>;
  }
  std::string_view string_view() const { return {begin_, static_cast<std::size_t>(end_ - begin_)}; }
  const char* begin() const { return begin_; }
  const char* end() const { return end_; }

  Children children;

 private:
  const void* type_;
  const char* begin_;
  const char* end_;
};

// Bump allocation for the tree: nodes and child arrays, all pointer-aligned.
// (std::pmr::monotonic_buffer_resource did the same, but its general alignment
// handling cost as much as the rest of making a node.)
class NodeArena {
 public:
  // (for_overwrite: blocks are written before they are read, so not zeroed.)
  NodeArena() { blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(kBlock)); release(); }
  void* allocate(std::size_t bytes) {
    if (bytes > static_cast<std::size_t>(end_ - next_)) grow(bytes);
    void* memory = next_;
    next_ += bytes;
    return memory;
  }
  // Frees everything; the first block stays for the next item's tree, which normally fits.
  void release() {
    blocks_.resize(1);
    next_ = blocks_.front().get();
    end_ = next_ + kBlock;
  }

 private:
  [[gnu::noinline]] void grow(std::size_t bytes) {  // the rare path, kept out of allocate()
    std::size_t size = std::max(bytes, kBlock);
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
    next_ = blocks_.back().get();
    end_ = next_ + size;
  }
  static constexpr std::size_t kBlock = 64 * 1024;
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* next_ = nullptr;
  std::byte* end_ = nullptr;
};

// Per-parse builder state. Nodes live in `arena_` until clear().
class TreeState {
 public:
  TreeState() { frames_.resize(256); }

  // The selected nodes completed so far whose parent is still open.
  std::vector<Node*> pending;

  // A rule starts: remember how many nodes were pending (and where it began).
  // Called for nearly every rule attempt, so kept to a store and an increment.
  [[gnu::always_inline]] void open(const char* begin) {
    if (depth_ == frames_.size()) frames_.resize(frames_.size() * 2);
    frames_[depth_++] = Frame{static_cast<std::uint32_t>(pending.size()), begin};
  }
  // An unselected rule succeeded: its nodes now belong to the enclosing rule.
  [[gnu::always_inline]] void keep() { --depth_; }
  // A rule failed: drop what it produced.
  [[gnu::always_inline]] void drop() { pending.resize(frames_[--depth_].mark); }
  // A selected rule succeeded: it becomes one node holding what it produced.
  template <typename Rule>
  void close(const char* end) {
    const Frame& frame = frames_[--depth_];
    pending.push_back(make(&rule_tag<Rule>, frame.begin, end, frame.mark));
  }
  // The root: all nodes completed at the top level.
  Node* root(const char* begin, const char* end) { return make(nullptr, begin, end, 0); }
  void clear() {
    pending.clear();
    depth_ = 0;
    arena_.release();
  }

 private:
  static_assert(alignof(Node) <= alignof(Node*) && sizeof(Node) % alignof(Node*) == 0,
                "nodes and child arrays share the arena's pointer alignment");

  // A node whose children are pending[mark..], which it takes.
  Node* make(const void* type, const char* begin, const char* end, std::uint32_t mark) {
    std::size_t count = pending.size() - mark;
    Node** children = nullptr;
    if (count > 0) {
      children = static_cast<Node**>(arena_.allocate(count * sizeof(Node*)));
      std::copy(pending.begin() + mark, pending.end(), children);
      pending.resize(mark);
    }
    return new (arena_.allocate(sizeof(Node))) Node(type, begin, end, Children(children, count));
  }

  struct Frame {
    std::uint32_t mark;
    const char* begin;
  };
  std::vector<Frame> frames_;
  std::size_t depth_ = 0;
  NodeArena arena_;
};

static_assert(std::is_trivially_destructible_v<Node>, "arena nodes are never destroyed");

inline bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// True if `word` is one of grammar::reserved's keywords.
bool is_reserved_word(std::string_view word);

namespace tree {

// grammar::first_chars as a table (a string search per rule attempt cost more than it saved).
template <typename Rule>
inline constexpr std::array<bool, 256> kFirstBytes = [] {
  std::array<bool, 256> bytes{};
  for (char c : grammar::first_chars<Rule>) bytes[static_cast<unsigned char>(c)] = true;
  return bytes;
}();

namespace pegtl = tao::pegtl;
namespace internal = pegtl::parse_tree::internal;

// Same classification as pegtl::parse_tree::internal::make_control: selected
// rules become nodes; rules with selected descendants (within 8 levels) only
// get a mark; the rest are left to the plain control.
template <template <typename...> class Selector>
struct make_control {
  template <typename Rule>
  static constexpr bool selected = internal::is_selected_node<Rule, Selector>;
  template <typename Rule>
  static constexpr bool leaf = internal::is_leaf<8, typename Rule::subs_t, Selector>;

  template <typename Rule>
  struct type : grammar::error_control<Rule> {
    using base = grammar::error_control<Rule>;
    // Marks are needed for every rule that may drop selected nodes on failure.
    static constexpr bool enable = !selected<Rule> && !leaf<Rule> ? true : base::enable;

    // The grammar's own hooks (bracket openers) run for every rule, also for
    // unselected rules with selected descendants (meta, output, steps and
    // detection bodies), so a missing `}` names the `{` it fails to close.
    // (PEGTL's builder skipped them there: the error said `{` at 1:1.)
    template <typename Input>
    static void start(const Input& in, grammar::SyntaxState& syntax, TreeState& tree) {
      base::start(in, syntax);
      if constexpr (selected<Rule> || !leaf<Rule>) tree.open(in.current());
    }
    template <typename Input>
    static void success(const Input& in, grammar::SyntaxState& syntax, TreeState& tree) {
      if constexpr (selected<Rule>) {
        tree.close<Rule>(in.current());
      } else if constexpr (!leaf<Rule>) {
        tree.keep();
      }
      base::success(in, syntax);
    }
    template <typename Input>
    static void failure(const Input& in, grammar::SyntaxState& syntax, TreeState& tree) {
      if constexpr (selected<Rule> || !leaf<Rule>) tree.drop();
      base::failure(in, syntax);
    }

    template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
              template <typename...> class Control, typename Input, typename... States>
    static bool match(Input& in, States&&... states) {
      if constexpr (!grammar::first_chars<Rule>.empty()) {
        // Cannot match here: fail before the hooks (which would open and drop a
        // mark, or push and pop an opener, for nothing). Most alternatives tried fail so.
        if (in.empty() || !kFirstBytes<Rule>[static_cast<unsigned char>(*in.current())]) return false;
      }
      if constexpr (std::is_same_v<Rule, grammar::reserved>) {
        return match_reserved(in);
      } else if constexpr (std::is_same_v<Rule, grammar::name>) {
        // Replaces the rule's own matching only: its hooks run as usual, so it is still a node.
        start(in, states...);
        bool matched = match_name(in);
        if (matched) success(in, states...);
        else failure(in, states...);
        return matched;
      } else {
        return base::template match<A, M, Action, Control>(in, states...);
      }
    }

   private:
    // The identifier-character run at the current position.
    template <typename Input>
    static std::string_view identifier_run(const Input& in) {
      const char* at = in.current();
      const char* p = at;
      while (p != in.end() && is_identifier_char(*p)) ++p;
      return {at, static_cast<std::size_t>(p - at)};
    }
    // grammar::reserved matches exactly when the identifier-character run at
    // the current position is one of its keywords.
    template <typename Input>
    static bool match_reserved(Input& in) {
      std::string_view word = identifier_run(in);
      if (word.empty() || !is_reserved_word(word)) return false;
      in.bump_in_this_line(word.size());
      return true;
    }
    // grammar::name (`!reserved identifier`) with one scan of the run instead of two:
    // it matches exactly when the run starts with a letter or `_` and is not a keyword.
    template <typename Input>
    static bool match_name(Input& in) {
      std::string_view word = identifier_run(in);
      if (word.empty() || (word[0] >= '0' && word[0] <= '9') || is_reserved_word(word)) return false;
      in.bump_in_this_line(word.size());
      return true;
    }
  };
};

}  // namespace tree

// Parses Rule from `in` into `tree` (cleared first) and returns the root, or
// null if the rule does not match. SyntaxError propagates.
template <typename Rule, template <typename...> class Selector, typename Input>
Node* parse_tree(Input& in, grammar::SyntaxState& syntax, TreeState& tree) {
  tree.clear();
  const char* begin = in.current();
  if (!tao::pegtl::parse<Rule, tao::pegtl::nothing, tree::make_control<Selector>::template type>(in, syntax, tree)) {
    return nullptr;
  }
  return tree.root(begin, in.current());
}

}  // namespace sesrules::compiler::detail
