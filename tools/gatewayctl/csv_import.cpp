#include "csv_import.h"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>

namespace gateway::tools {
namespace {

// Progress on stderr, redrawn in place; only for terminals.
class ProgressBar {
 public:
  ProgressBar(std::uintmax_t total_bytes, bool enabled) : total_(total_bytes), enabled_(enabled && total_bytes > 0) {}
  void update(std::uintmax_t done_bytes, long lines) {
    if (!enabled_) return;
    const int percent = static_cast<int>(std::min<std::uintmax_t>(100, done_bytes * 100 / total_));
    if (percent == last_) return;
    last_ = percent;
    const int filled = percent * 30 / 100;
    std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
              << std::string(static_cast<std::size_t>(30 - filled), ' ') << "] " << percent << "% " << lines << " lines"
              << std::flush;
  }
  void finish() {
    if (enabled_ && last_ >= 0) std::cerr << "\n";
  }

 private:
  std::uintmax_t total_;
  bool enabled_;
  int last_ = -1;
};

Status failed(const std::string& what, const std::string& message, Status status) {
  std::cerr << "gatewayctl: " << what << ": " << message << "\n";
  return status;
}

}  // namespace

std::optional<std::vector<std::string>> splitCsv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) return std::nullopt;
  for (auto& f : fields) {
    const auto b = f.find_first_not_of(" \t");
    const auto e = f.find_last_not_of(" \t");
    f = b == std::string::npos ? "" : f.substr(b, e - b + 1);
  }
  return fields;
}

Result<CsvImportReport> runCsvImport(const std::string& file, const CsvImport& import) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return failed(import.what, "cannot open " + file, Status::NotFound("cannot open " + file));
  struct stat st{};
  const std::uintmax_t size = ::stat(file.c_str(), &st) == 0 ? static_cast<std::uintmax_t>(st.st_size) : 0;
  constexpr std::uintmax_t kProgressFrom = 1U << 20;  // a bar only for files of 1 MiB and more
  ProgressBar progress(size, ::isatty(STDERR_FILENO) != 0 && size >= kProgressFrom);

  CsvImportReport report;
  std::string line;
  long number = 0, pending = 0;
  std::uintmax_t bytes = 0;
  auto flush = [&]() -> Status {
    if (pending == 0) return Status::Ok();
    Status s = import.store();
    if (s.ok()) report.accepted += pending;
    pending = 0;
    return s;
  };
  while (std::getline(in, line)) {
    ++number;
    bytes += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1) {
      if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 byte order mark
      if (line != import.header) {
        return failed(import.what, "line 1 must be the header '" + import.header + "'",
                      Status::InvalidArgument("wrong header"));
      }
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (auto reason = import.accept(line)) {
      ++report.rejected;
      std::cout << "rejected line " << number << ": " << *reason << "\n";
    } else if (++pending >= import.batch_size) {
      if (Status s = flush(); !s.ok()) {
        progress.finish();
        return failed(import.what + " (stopped at line " + std::to_string(number) + ")", s.message(), s);
      }
    }
    progress.update(bytes, number);
  }
  if (Status s = flush(); !s.ok()) {
    progress.finish();
    return failed(import.what, s.message(), s);
  }
  progress.finish();
  return report;
}

std::optional<int> batchSizeOption(const ParsedArgs& args) {
  int batch_size = 1000;
  if (auto text = args.value("--batch-size")) {
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), batch_size);
    if (ec != std::errc() || ptr != text->data() + text->size() || batch_size < 1) {
      std::cerr << "gatewayctl: --batch-size must be a whole number >= 1\n(see gatewayctl --help)\n";
      return std::nullopt;
    }
  }
  return batch_size;
}

int importExitCode(const Result<CsvImportReport>& report, const std::string& noun) {
  if (!report.ok()) return kExitError;
  std::cout << "imported " << report->accepted << " " << noun << ", rejected " << report->rejected << " line(s)\n";
  return report->rejected ? kExitError : kExitOk;
}

}  // namespace gateway::tools
