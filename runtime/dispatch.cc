// Dispatch index construction and lookup. Tested by dispatch_test.cc.
#include "runtime/dispatch.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

namespace sesrules::runtime {
namespace {

bool target_less(const DispatchTarget& a, const DispatchTarget& b) {
  return a.rule != b.rule ? a.rule < b.rule : a.step < b.step;
}
bool target_equal(const DispatchTarget& a, const DispatchTarget& b) { return a.rule == b.rule && a.step == b.step; }

using TargetList = std::vector<DispatchTarget>;
using TargetsByKey = std::map<std::string, TargetList, std::less<>>;

void append(TargetList& out, const TargetsByKey& from, std::string_view key) {
  auto it = from.find(key);
  if (it != from.end()) out.insert(out.end(), it->second.begin(), it->second.end());
}

// The names that need a (source, name) union with `source`, ascending, each with
// its exact entry's targets (or null): the names of its exact entries, and all
// name-only names when the source has a source-only entry (`by_name` given).
// Walking only these, rather than every source x name pair, keeps loading a
// large rule set linear in its entries.
std::vector<std::pair<std::string_view, const TargetList*>> pair_names(
    const std::string& source, const std::map<std::pair<std::string, std::string>, TargetList>& exact,
    const TargetsByKey* by_name) {
  std::vector<std::pair<std::string_view, const TargetList*>> out;
  for (auto it = exact.lower_bound({source, std::string()}); it != exact.end() && it->first.first == source; ++it) {
    out.emplace_back(it->first.second, &it->second);
  }
  if (by_name == nullptr) return out;  // already ascending
  std::size_t exact_count = out.size();
  for (const auto& [name, targets] : *by_name) {
    auto match = std::lower_bound(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(exact_count), name,
                                  [](const auto& entry, const std::string& n) { return entry.first < n; });
    if (match == out.begin() + static_cast<std::ptrdiff_t>(exact_count) || match->first != name) {
      out.emplace_back(name, nullptr);
    }
  }
  std::inplace_merge(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(exact_count), out.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace

DispatchIndex::Range DispatchIndex::add_union(std::vector<DispatchTarget> targets) {
  std::sort(targets.begin(), targets.end(), target_less);
  targets.erase(std::unique(targets.begin(), targets.end(), target_equal), targets.end());
  Range range{static_cast<std::uint32_t>(targets_.size()), static_cast<std::uint32_t>(targets.size())};
  targets_.insert(targets_.end(), targets.begin(), targets.end());
  return range;
}

DispatchIndex::DispatchIndex(const Program& program) {
  std::unordered_map<Key, Range, KeyHash> table;
  std::map<std::pair<std::string, std::string>, TargetList> exact;
  TargetsByKey by_source, by_name;
  TargetList wildcard;
  std::set<std::string> sources, names;
  for (const DispatchEntry& e : program.dispatch) {
    const std::string& s = e.event_source;
    const std::string& n = e.event_name;
    TargetList& list = s.empty() ? (n.empty() ? wildcard : by_name[n]) : (n.empty() ? by_source[s] : exact[{s, n}]);
    list.insert(list.end(), e.targets.begin(), e.targets.end());
    if (!s.empty()) sources.insert(s);
    if (!n.empty()) names.insert(n);
  }
  names_.reserve(sources.size() + names.size());
  auto own = [&](const std::string& s) -> std::string_view { return names_.emplace_back(s); };
  std::map<std::string, std::string_view, std::less<>> source_view, name_view;
  for (const std::string& s : sources) source_view[s] = own(s);
  for (const std::string& n : names) name_view[n] = own(n);
  // (source, name) needs its own union when it has an exact entry or both a
  // source-only and a name-only part; candidates() covers the other pairs.
  for (const auto& [s, sv] : source_view) {
    for (const auto& [n, exact_targets] : pair_names(s, exact, by_source.contains(s) ? &by_name : nullptr)) {
      TargetList u = wildcard;
      append(u, by_source, s);
      append(u, by_name, n);
      if (exact_targets) u.insert(u.end(), exact_targets->begin(), exact_targets->end());
      table[{sv, name_view.find(n)->second}] = add_union(std::move(u));
    }
    TargetList u = wildcard;
    append(u, by_source, s);
    table[{sv, std::string_view()}] = add_union(std::move(u));
  }
  for (const auto& [n, nv] : name_view) {
    TargetList u = wildcard;
    append(u, by_name, n);
    table[{std::string_view(), nv}] = add_union(std::move(u));
  }
  wildcard_ = add_union(std::move(wildcard));
  build_table(table);
}

void DispatchIndex::build_table(const std::unordered_map<Key, Range, KeyHash>& entries) {
  std::size_t size = 1;
  while (size < 2 * entries.size()) size *= 2;
  table_.assign(size, Slot{});
  table_mask_ = size - 1;
  entries_ = entries.size();
  for (const auto& [key, range] : entries) {
    const std::uint64_t hash = KeyHash{}(key);
    std::size_t i = hash & table_mask_;
    while (table_[i].used) i = (i + 1) & table_mask_;
    table_[i] = Slot{hash, key, range, true};
  }
}

bool DispatchIndex::lookup(std::string_view source, std::string_view name, Range& out) const {
  const Key key{source, name};
  const std::uint64_t hash = KeyHash{}(key);
  for (std::size_t i = hash & table_mask_;; i = (i + 1) & table_mask_) {
    const Slot& slot = table_[i];
    if (!slot.used) return false;
    if (slot.hash == hash && slot.key == key) {
      out = slot.range;
      return true;
    }
  }
}

std::span<const DispatchTarget> DispatchIndex::candidates(std::string_view event_source,
                                                          std::string_view event_name) const {
  Range r = wildcard_;
  if (!lookup(event_source, event_name, r)) {
    // Not stored: at most one of the source-only / name-only parts is non-empty,
    // so one of these unions is the wildcard's set and the other (the larger) is the answer.
    Range by_source = wildcard_, by_name = wildcard_;
    lookup(event_source, {}, by_source);
    lookup({}, event_name, by_name);
    r = by_source.second >= by_name.second ? by_source : by_name;
  }
  return std::span<const DispatchTarget>(targets_.data() + r.first, r.second);
}

std::uint64_t DispatchIndex::KeyHash::ends(std::string_view s) {
  std::uint64_t head = 0, tail = 0;
  if (s.size() >= 8) [[likely]] {  // fixed-size loads: nearly every event name and source
    std::memcpy(&head, s.data(), 8);
    std::memcpy(&tail, s.data() + s.size() - 8, 8);
  } else if (!s.empty()) {
    std::memcpy(&head, s.data(), s.size());
    tail = head;
  }
  return (head ^ (tail * 0xff51afd7ed558ccdull) ^ s.size()) * 0xc4ceb9fe1a85ec53ull;
}

}  // namespace sesrules::runtime
