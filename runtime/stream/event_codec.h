// Checkpoint encoding of evidence: EventRecords (with every slot Value) and the
// table that lets partial matches, pending events and alerts share one copy of
// each record, as they share EventPtrs in memory.
//
// Slots are stored by index with the Program's field paths saved alongside, and
// remapped by path on restore, so a pack that added or reordered fields still
// reads old evidence (a path the new pack lacks is not needed by any unchanged rule).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/alert.h"
#include "runtime/program.h"
#include "runtime/stream/bytes.h"

namespace sesrules::runtime::stream {

// Collects the events referenced while writing; ref 0 is "no event".
class EventTableWriter {
 public:
  std::uint64_t ref(const EventPtr& event);
  void write(ByteWriter& out) const;   // the events, in ref order
  std::size_t size() const { return events_.size(); }

 private:
  std::unordered_map<const EventRecord*, std::uint64_t> index_;
  std::vector<EventPtr> events_;
};

class EventTable {
 public:
  // Reads a table written by EventTableWriter; `old_fields` are the field paths
  // of the Program that wrote it.
  void read(ByteReader& in, const std::vector<std::vector<std::string>>& old_fields, const Program& program);
  // The event of a ref; with `required`, ref 0 is an error.
  EventPtr lookup(ByteReader& in, bool required) const;

 private:
  std::vector<EventPtr> events_;
};

// The slot paths of `program` (the standard slots when it lists none, as the reader does).
std::vector<std::vector<std::string>> field_paths(const Program& program);
void write_field_paths(ByteWriter& out, const std::vector<std::vector<std::string>>& fields);
std::vector<std::vector<std::string>> read_field_paths(ByteReader& in);

}  // namespace sesrules::runtime::stream
