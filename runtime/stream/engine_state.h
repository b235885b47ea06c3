// Checkpoint encoding of one rule's sequence state: stats, every key (in LRU
// order, so eviction and expiry order survive a restore) with its partial
// matches, and the rule's absence timers in queue order (equal deadlines keep
// their order, which decides which of two simultaneous absences fires first).
#pragma once

#include <cstdint>

#include "runtime/sequence.h"
#include "runtime/stream/bytes.h"
#include "runtime/stream/event_codec.h"

namespace sesrules::runtime::stream {

void write_rule_state(const SequenceEngine& engine, std::uint32_t rule, EventTableWriter& events, ByteWriter& out);
// Loads a section written for the same rule version into `rule` of `engine`,
// whose state for that rule must be empty. Errors go to `in`.
void read_rule_state(ByteReader& in, SequenceEngine& engine, std::uint32_t rule, const EventTable& events);

std::int64_t engine_watermark(const SequenceEngine& engine);
void set_engine_watermark(SequenceEngine& engine, std::int64_t watermark);

}  // namespace sesrules::runtime::stream
