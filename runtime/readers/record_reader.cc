// RecordReader: file I/O, decompression and dispatch to the framing of the
// detected layout (see record_reader.h). Buffers (file bytes, inflated bytes,
// simdjson parser, arena) live as long as the reader and are reused per file.
// Tested by tests/unit/runtime/record_reader_test.cc.
#include "runtime/readers/record_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "runtime/readers/unit_parser.h"

namespace sesrules::runtime {

std::vector<std::vector<std::string>> standard_field_paths() {
  std::vector<std::vector<std::string>> paths;
  for (std::string_view dotted : kStdSlotPaths) {
    std::vector<std::string> keys;
    std::size_t start = 0;
    for (std::size_t dot; (dot = dotted.find('.', start)) != std::string_view::npos; start = dot + 1) {
      keys.emplace_back(dotted.substr(start, dot - start));
    }
    keys.emplace_back(dotted.substr(start));
    paths.push_back(std::move(keys));
  }
  return paths;
}

RecordReader::RecordReader(const Program& program, ReaderOptions options)
    : options_(options),
      units_(std::make_unique<detail::UnitParser>(program, options_)),
      decompressor_(options.max_decompressed_bytes) {}

RecordReader::~RecordReader() = default;

std::size_t RecordReader::slot_count() const { return units_->slot_count(); }

void RecordReader::reserve_input(std::size_t bytes) {
  if (bytes <= input_capacity_ && input_) return;
  std::size_t capacity = input_capacity_ < 64 * 1024 ? 64 * 1024 : input_capacity_;
  while (capacity < bytes) capacity *= 2;
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity + kInputPadding);
  if (input_size_ > 0) std::memcpy(bigger.get(), input_.get(), input_size_);
  input_ = std::move(bigger);
  input_capacity_ = capacity;
}

// Reads the whole file (or stdin for "-") into input_. The size from fstat is a
// hint only: FIFOs report 0 and files may grow while we read.
bool RecordReader::read_into_buffer(const std::string& path, std::string& error) {
  const bool is_stdin = path == kStdinPath;
  // O_NOATIME saves an inode update per file on filesystems mounted without
  // noatime/relatime; only the file's owner may ask for it (EPERM otherwise).
  int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat info {};
  input_size_ = 0;
  reserve_input(::fstat(fd, &info) == 0 && info.st_size > 0 ? static_cast<std::size_t>(info.st_size) + 1 : 0);
  bool ok = true;
  for (;;) {
    if (input_size_ == input_capacity_) reserve_input(input_capacity_ + 1);
    const ssize_t got = ::read(fd, input_.get() + input_size_, input_capacity_ - input_size_);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      ok = false;
      break;
    }
    input_size_ += static_cast<std::size_t>(got);
  }
  if (!is_stdin) ::close(fd);
  return ok;
}

FileStats RecordReader::read_file(const InputFile& file, std::uint32_t file_index, const RecordCallback& on_record,
                                  const IssueCallback& on_issue) {
  std::string error;
  if (!read_into_buffer(file.path, error)) {
    FileStats stats;
    stats.unreadable = true;
    stats.skipped["files_skipped_unreadable"] = 1;
    on_issue(ReadIssue{file.path, 0, 0, "files_skipped_unreadable", fmt::format("{}: {}", file.path, error)});
    return stats;
  }
  const std::string_view name = file.path == kStdinPath ? std::string_view("<stdin>") : std::string_view(file.path);
  return process(name, std::string_view(input_.get(), input_size_), file_index, on_record, on_issue);
}

FileStats RecordReader::read_buffer(std::string_view name, std::string_view bytes, std::uint32_t file_index,
                                    const RecordCallback& on_record, const IssueCallback& on_issue) {
  input_size_ = 0;
  reserve_input(bytes.size());
  if (!bytes.empty()) std::memcpy(input_.get(), bytes.data(), bytes.size());
  input_size_ = bytes.size();
  return process(name, std::string_view(input_.get(), input_size_), file_index, on_record, on_issue);
}

FileStats RecordReader::process(std::string_view name, std::string_view bytes, std::uint32_t file_index,
                                const RecordCallback& on_record, const IssueCallback& on_issue) {
  FileStats stats;
  stats.bytes_on_disk = bytes.size();
  detail::FileSession session;
  session.name = name;
  session.file_index = file_index;
  session.on_record = &on_record;
  session.on_issue = &on_issue;
  session.stats = &stats;
  std::memset(input_.get() + bytes.size(), ' ', kInputPadding);
  std::string_view data = bytes;
  if (is_gzip(bytes)) {
    DecompressResult inflated = decompressor_.decompress(name, bytes);
    if (!inflated.reason.empty()) {
      ++stats.skipped[inflated.reason];
      on_issue(ReadIssue{std::string(name), 0, 0, inflated.reason, inflated.message});
    }
    data = inflated.data;
  }
  stats.bytes_decompressed = data.size();
  session.data = data;
  const FormatInfo info = detect_format(data, options_.max_depth);
  stats.format = format_name(info);
  session.kind = info.kind;
  units_->begin_file(session);
  detail::read_layout(session, info, *units_);
  return stats;
}

}  // namespace sesrules::runtime
