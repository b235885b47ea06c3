// format stage, layout: items, detections and bodies into Lines, own-line
// comments flushed before the node that follows them, trailing comments
// attached afterwards to the line whose code precedes them on their source
// line. Tested by format_test.cc and tests/golden/fmt.
#include "compiler/format.h"

#include <algorithm>
#include <set>

#include "compiler/format_layout.h"
#include "compiler/parse.h"

namespace sesrules::compiler {
namespace {

using detail::Line;
using detail::Pieces;

class Formatter {
 public:
  Formatter(const Module& module, const SourceFile& file)
      : module_(module), file_(file), printer_(file, module, consumed_) {
    for (const Comment& c : module.comments) {
      (c.trailing ? trailing_ : own_line_).push_back(&c);
    }
  }

  std::string run();

 private:
  // Emits own-line comments that start before `offset`.
  void flush_comments(std::uint32_t offset, int indent, bool keep_blank) {
    while (next_comment_ < own_line_.size() && own_line_[next_comment_]->span.begin < offset) {
      const Comment& c = *own_line_[next_comment_++];
      if (consumed_.count(&c)) continue;
      if (keep_blank && blank_line_before(c.span.begin)) blank();
      lines_.push_back(Line{indent, "#" + c.text, c.span.begin, true});
    }
  }

  // Comments before a top-level item keep their blank-line grouping, and a
  // blank line between a comment block and the item stays (a file-head comment
  // is not the item's doc comment).
  void flush_item_comments(std::uint32_t offset) {
    flush_comments(offset, 0, true);
    if (!lines_.empty() && lines_.back().comment && !lines_.back().text.empty() && blank_line_before(offset)) blank();
  }

  bool blank_line_before(std::uint32_t offset) const {
    const std::string& text = file_.text();
    std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    if (line_start == std::string::npos || line_start == 0) return false;
    std::size_t previous_start = text.rfind('\n', line_start - 1);
    previous_start = previous_start == std::string::npos ? 0 : previous_start + 1;
    std::string_view previous(text.data() + previous_start, line_start - previous_start);
    return previous.find_first_not_of(" \t\r") == std::string_view::npos;
  }

  void blank() {
    if (!lines_.empty() && !(lines_.back().comment && lines_.back().text.empty())) {
      lines_.push_back(Line{0, "", lines_.back().anchor, true});
    }
  }

  // A line-level node: flush comments, then emit prefix + expression pieces + suffix.
  void emit(int indent, std::uint32_t anchor, std::string prefix, const Expr* e = nullptr, std::string suffix = "") {
    Pieces pieces{detail::Piece{indent, std::move(prefix), anchor}};
    if (e) detail::append(pieces, printer_.print(*e, static_cast<std::size_t>(indent) * 2 + pieces[0].text.size(), indent));
    detail::append(pieces, suffix);
    pieces.front().anchor = anchor;
    for (detail::Piece& p : pieces) lines_.push_back(Line{p.indent, std::move(p.text), p.anchor, p.comment});
  }

  void close(int indent, Span span) {
    std::uint32_t end = span.end > 0 ? span.end - 1 : 0;
    flush_comments(end, indent + 1, true);
    lines_.push_back(Line{indent, "}", end, false});
  }

  void body(const Body& b, int indent, Span enclosing);
  void statement(const Stmt& s, int indent, bool first);
  void item(const Item& item);
  void helper(const HelperDecl& h);
  void detection(const DetectionDecl& d);
  template <typename Entry, typename Name>
  void entries(const char* keyword, Span section, const std::vector<Entry>& list, Name name);
  void keyed_block(const char* keyword, Span section, const Body& b);
  void sequence_body(const DetectionDecl& d);
  void attach_trailing_comments();

  const Module& module_;
  const SourceFile& file_;
  std::set<const Comment*> consumed_;  // placed inside literals by the printer
  detail::ExprPrinter printer_;
  std::vector<const Comment*> own_line_;
  std::vector<const Comment*> trailing_;
  std::size_t next_comment_ = 0;
  std::vector<Line> lines_;
};

void Formatter::statement(const Stmt& s, int indent, bool first) {
  flush_comments(s.span.begin, indent, !first);
  if (!first && blank_line_before(s.span.begin) && !lines_.back().comment) blank();
  switch (s.kind) {
    case StmtKind::Expr: emit(indent, s.span.begin, "", s.expr.get()); break;
    case StmtKind::Not: emit(indent, s.span.begin, "not ", s.expr.get()); break;
    case StmtKind::Assign: emit(indent, s.span.begin, s.var + " := ", s.expr.get()); break;
    case StmtKind::Some:
    case StmtKind::Every: {
      std::string head = s.kind == StmtKind::Some ? "some " : "every ";
      head += (s.key_var.empty() ? "" : s.key_var + ", ") + s.var + " in ";
      emit(indent, s.span.begin, head, s.expr.get(), " {");
      body(s.body, indent, s.span);
      break;
    }
  }
}

// Statements at indent + 1, then the closing brace of `enclosing`.
void Formatter::body(const Body& b, int indent, Span enclosing) {
  for (std::size_t i = 0; i < b.size(); ++i) statement(b[i], indent + 1, i == 0);
  close(indent, enclosing);
}

void Formatter::helper(const HelperDecl& h) {
  std::string head = h.name;
  if (h.is_function) {
    head += "(";
    for (std::size_t i = 0; i < h.params.size(); ++i) head += (i ? ", " : "") + h.params[i].name;
    head += ")";
  }
  if (h.value) head += " := ";
  if (h.body.empty() && h.value && h.is_function) {
    emit(0, h.span.begin, head, h.value.get());
    return;
  }
  if (h.body.empty()) {
    emit(0, h.span.begin, head, h.value.get(), h.value ? " {}" : "{}");
    return;
  }
  emit(0, h.span.begin, head, h.value.get(), h.value ? " {" : " {");
  body(h.body, 0, h.span);
}

void Formatter::item(const Item& item) {
  switch (item.kind) {
    case Item::Kind::Constant: {
      const ConstantDecl& c = module_.constants[item.index];
      flush_item_comments(c.span.begin);
      emit(0, c.span.begin, c.name + " := ", c.value.get());
      break;
    }
    case Item::Kind::Default: {
      const DefaultDecl& d = module_.defaults[item.index];
      flush_item_comments(d.span.begin);
      emit(0, d.span.begin, "default " + d.name + " := ", d.value.get());
      break;
    }
    case Item::Kind::Helper:
      flush_item_comments(module_.helpers[item.index].span.begin);
      helper(module_.helpers[item.index]);
      break;
    case Item::Kind::Detection:
      flush_item_comments(module_.detections[item.index].span.begin);
      detection(module_.detections[item.index]);
      break;
  }
}

// `keyword {` + one `name: value` line per entry + `}` (meta and output).
template <typename Entry, typename Name>
void Formatter::entries(const char* keyword, Span section, const std::vector<Entry>& list, Name name) {
  flush_comments(section.begin, 1, false);
  emit(1, section.begin, std::string(keyword) + " {");
  for (const Entry& entry : list) {
    flush_comments(entry.span.begin, 2, false);
    emit(2, entry.span.begin, name(entry) + ": ", entry.value.get());
  }
  close(1, section);
}

void Formatter::keyed_block(const char* keyword, Span section, const Body& b) {
  flush_comments(section.begin, 1, false);
  emit(1, section.begin, std::string(keyword) + " {");
  body(b, 1, section);
}

void Formatter::detection(const DetectionDecl& d) {
  emit(0, d.span.begin, std::string(d.kind == DetectionKind::Alert ? "alert " : "sequence ") + d.name + " {");
  if (!d.meta.empty() || d.meta_span.end > 0) {
    entries("meta", d.meta_span, d.meta, [](const MetaEntry& m) { return m.key; });
  }
  if (d.when_span.end > 0) keyed_block("when", d.when_span, d.when);
  if (!d.by.empty()) {
    flush_comments(d.by_span.begin, 1, false);
    std::string keys;
    for (const ExprPtr& key : d.by) keys += (keys.empty() ? "" : ", ") + printer_.flat(*key);
    emit(1, d.by_span.begin, "by " + keys);
  }
  if (d.within) {
    flush_comments(d.within->span.begin, 1, false);
    emit(1, d.within->span.begin, "within " + d.within->text);
  }
  if (!d.steps.empty()) sequence_body(d);
  if (d.until) keyed_block("until", d.until_span, *d.until);
  if (d.suppress) {
    flush_comments(d.suppress->span.begin, 1, false);
    emit(1, d.suppress->span.begin, "suppress " + d.suppress->text);
  }
  if (d.output_span.end > 0) {
    entries("output", d.output_span, d.outputs, [](const OutputDecl& o) { return o.name; });
  }
  close(0, d.span);
}

void Formatter::sequence_body(const DetectionDecl& d) {
  Span section = d.sequence_kind_span;
  flush_comments(section.begin, 1, false);
  if (d.sequence_kind == SequenceKind::Threshold) {
    std::string head = "threshold ";
    head += d.threshold_kind == ThresholdKind::Count ? "count" : "distinct " + printer_.flat(*d.distinct);
    emit(1, section.begin, head + " >= " + std::to_string(d.threshold_min) + " {");
    body(d.steps.front().body, 1, section);
    return;
  }
  std::string head = d.sequence_kind == SequenceKind::Ordered ? "ordered" : "unordered";
  if (d.at_least != 0) head += " at_least " + std::to_string(d.at_least);
  emit(1, section.begin, head + " {");
  for (const StepDecl& step : d.steps) {
    flush_comments(step.span.begin, 2, false);
    emit(2, step.span.begin, "step " + step.name + (step.absent ? " absent {" : " {"));
    body(step.body, 2, step.span);
  }
  close(1, section);
}

void Formatter::attach_trailing_comments() {
  for (const Comment* c : trailing_) {
    std::uint32_t comment_line = file_.line_col(c->span.begin).line;
    Line* best = nullptr;
    Line* same_line = nullptr;
    for (Line& line : lines_) {
      if (line.comment || line.anchor >= c->span.begin) continue;
      if (best == nullptr || line.anchor >= best->anchor) best = &line;
      if (file_.line_col(line.anchor).line == comment_line &&
          (same_line == nullptr || line.anchor >= same_line->anchor)) {
        same_line = &line;
      }
    }
    Line* target = same_line ? same_line : best;
    if (target == nullptr) {
      lines_.insert(lines_.begin(), Line{0, "#" + c->text, c->span.begin, true});
    } else {
      target->text += "  #" + c->text;
    }
  }
}

std::string Formatter::run() {
  flush_comments(module_.package_span.begin, 0, false);
  if (!lines_.empty() && blank_line_before(module_.package_span.begin)) blank();
  emit(0, module_.package_span.begin, "package " + module_.package);
  if (!module_.imports.empty()) blank();
  for (const ImportDecl& import : module_.imports) {
    flush_comments(import.span.begin, 0, false);
    std::string last = import.package.substr(import.package.rfind('.') + 1);
    emit(0, import.span.begin, "import " + import.package + (import.alias == last ? "" : " as " + import.alias));
  }
  for (const Item& i : module_.items) {
    blank();
    item(i);
  }
  if (next_comment_ < own_line_.size()) blank();
  flush_comments(static_cast<std::uint32_t>(file_.text().size() + 1), 0, true);
  attach_trailing_comments();
  std::string out;
  for (const Line& line : lines_) {
    if (!line.text.empty()) out.append(static_cast<std::size_t>(line.indent) * 2, ' ');
    out += line.text;
    out += '\n';
  }
  return out;
}

}  // namespace

std::string format_module(const Module& module, const SourceFile& file) { return Formatter(module, file).run(); }

std::optional<std::string> format_source(const SourceFile& file, Diagnostics& diagnostics) {
  std::size_t errors = diagnostics.error_count();
  std::optional<Module> module = parse_module(file, 0, diagnostics);
  if (!module || diagnostics.error_count() > errors) return std::nullopt;
  return format_module(*module, file);
}

}  // namespace sesrules::compiler
