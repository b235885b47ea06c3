// RecordReader: file I/O, decompression and dispatch to the framing of the
// detected layout (see record_reader.h). Buffers (file bytes, inflated bytes,
// simdjson parser, arena) live as long as the reader and are reused per file.
// Tested by tests/unit/runtime/record_reader_test.cc.
#include "runtime/readers/record_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdint>
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

bool RecordReader::read_more(int fd, std::size_t limit, bool& eof, std::string& error) {
  eof = false;
  while (input_size_ < limit) {
    if (input_size_ == input_capacity_) reserve_input(input_capacity_ + 1);
    const std::size_t room = std::min(input_capacity_, limit) - input_size_;
    const ssize_t got = ::read(fd, input_.get() + input_size_, room);
    if (got == 0) {
      eof = true;
      return true;
    }
    if (got < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      return false;
    }
    input_size_ += static_cast<std::size_t>(got);
  }
  return true;
}

// The window of a streamed file: refill() keeps the unframed tail and reads on.
class RecordReader::Window : public detail::WindowSource {
 public:
  Window(RecordReader& reader, int fd, std::size_t first_bytes)
      : reader_(reader), fd_(fd), bytes_read_(first_bytes) {}
  std::uint64_t bytes_read() const { return bytes_read_; }

  void refill(detail::FileSession& s, std::size_t keep_from) override {
    RecordReader& r = reader_;
    const std::size_t kept = r.input_size_ - keep_from;
    std::memmove(r.input_.get(), r.input_.get() + keep_from, kept);
    r.input_size_ = kept;
    // Room for at least as much again as is kept: a value longer than the window
    // (records stay under max_record_bytes) doubles it, and a refill always reads.
    const std::size_t limit = std::max(kStreamWindow, 2 * kept);
    bool eof = false;
    std::string error;
    const bool ok = r.read_more(fd_, limit, eof, error);
    bytes_read_ += r.input_size_ - kept;
    std::memset(r.input_.get() + r.input_size_, ' ', kInputPadding);
    s.base += keep_from;
    s.data = std::string_view(r.input_.get(), r.input_size_);
    if (!ok) s.file_issue("files_skipped_unreadable", s.data.size(), fmt::format("read error: {}", error));
    if (!ok || eof || r.input_size_ == kept) s.source = nullptr;  // no more bytes will come
  }

 private:
  RecordReader& reader_;
  int fd_;
  std::uint64_t bytes_read_;
};

FileStats RecordReader::read_file(const InputFile& file, std::uint32_t file_index, const RecordCallback& on_record,
                                  const IssueCallback& on_issue) {
  const bool is_stdin = file.path == kStdinPath;
  // O_NOATIME saves an inode update per file on filesystems mounted without
  // noatime/relatime; only the file's owner may ask for it (EPERM otherwise).
  int fd = is_stdin ? STDIN_FILENO : dirs_.open(file.path, O_RDONLY | O_CLOEXEC | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = dirs_.open(file.path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unreadable(file.path, std::strerror(errno), on_issue);
  const std::string_view name = is_stdin ? std::string_view("<stdin>") : std::string_view(file.path);
  // The size is a hint only: FIFOs report 0 and files may grow while we read. The
  // walk's size of a regular file saves an fstat per file.
  std::size_t size = static_cast<std::size_t>(file.size);
  struct stat info {};
  if (size == 0 && ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
    size = static_cast<std::size_t>(info.st_size);
  }
  const bool big = size > kStreamWindow;
  input_size_ = 0;
  reserve_input(big ? kStreamWindow : size + 1);
  bool eof = false;
  std::string error;
  FileStats stats;
  if (read_more(fd, big ? kStreamWindow : SIZE_MAX, eof, error)) {
    const std::string_view head(input_.get(), input_size_);
    const FormatInfo shape = eof || is_gzip(head) ? FormatInfo{} : detect_format(head, options_.max_depth);
    if (!eof && shape.layout == Layout::RecordsFile && shape.records_array != std::string_view::npos) {
      Window window(*this, fd, input_size_);
      stats = process(name, head, file_index, on_record, on_issue, &window);
      stats.bytes_on_disk = stats.bytes_decompressed = std::max<std::uint64_t>(window.bytes_read(), size);
    } else if (eof || read_more(fd, SIZE_MAX, eof, error)) {  // other layouts and gzip: whole file
      stats = process(name, std::string_view(input_.get(), input_size_), file_index, on_record, on_issue);
    }
  }
  if (!is_stdin) ::close(fd);
  return error.empty() ? stats : unreadable(file.path, error, on_issue);
}

FileStats RecordReader::unreadable(const std::string& path, const std::string& error, const IssueCallback& on_issue) {
  FileStats stats;
  stats.unreadable = true;
  stats.skipped["files_skipped_unreadable"] = 1;
  on_issue(ReadIssue{path, 0, 0, "files_skipped_unreadable", fmt::format("{}: {}", path, error)});
  return stats;
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
                                const RecordCallback& on_record, const IssueCallback& on_issue, Window* source) {
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
  session.source = source;
  const FormatInfo info = detect_format(data, options_.max_depth);
  stats.format = format_name(info);
  session.kind = info.kind;
  units_->begin_file(session);
  detail::read_layout(session, info, *units_);
  return stats;
}

}  // namespace sesrules::runtime
