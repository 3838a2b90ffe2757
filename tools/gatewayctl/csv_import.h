#pragma once
// Streamed CSV import for gatewayctl (contact import, contact role import): reads a UTF-8 file
// line by line, checks the header line, reports each rejected line on stdout as
// "rejected line N: <reason>", commits accepted lines in batches and shows a progress bar on
// stderr for files of 1 MiB and more when stderr is a terminal. Not thread-safe.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli_args.h"
#include "common/status.h"

namespace gateway::tools {

// Splits one CSV line: commas, fields optionally in double quotes ("" inside quotes is a quote),
// blanks around fields trimmed. nullopt for an unterminated quoted field.
std::optional<std::vector<std::string>> splitCsv(const std::string& line);

struct CsvImport {
  std::string what;          // command name for messages, e.g. "contact import"
  std::string header;        // the exact first line (a UTF-8 byte order mark is skipped)
  int batch_size = 1000;     // accepted lines per store() call
  // Parses one data line and keeps it for the next store(); returns the reason when rejected.
  std::function<std::optional<std::string>(const std::string& line)> accept;
  // Stores what accept() kept since the last call (one transaction) and forgets it.
  std::function<Status()> store;
};

struct CsvImportReport {
  long accepted = 0;  // lines stored
  long rejected = 0;
};

// Runs the import. Errors (printed to stderr, already prefixed "gatewayctl: <what>: ") are
// returned as the status: the file cannot be opened, a wrong header, or a failed store() (lines
// stored by earlier batches stay stored).
Result<CsvImportReport> runCsvImport(const std::string& file, const CsvImport& import);

// `--batch-size N` (default 1000, at least 1); nullopt (usage already printed) when malformed.
std::optional<int> batchSizeOption(const ParsedArgs& args);
// Prints "imported N <noun>, rejected M line(s)"; exit code: ok only when nothing was rejected.
int importExitCode(const Result<CsvImportReport>& report, const std::string& noun);

// A whole import command: each data line parsed into a Record by `parse` (the reason when
// rejected), accepted Records stored by `store` in batches of --batch-size.
template <class Record>
int importCsvRecords(const ParsedArgs& args, const std::string& file, const std::string& what,
                     const std::string& header, const std::string& noun,
                     std::function<std::optional<std::string>(const std::string&, Record&)> parse,
                     std::function<Status(const std::vector<Record>&)> store) {
  auto batch_size = batchSizeOption(args);
  if (!batch_size) return kExitUsage;
  std::vector<Record> batch;
  CsvImport import{what, header, *batch_size,
                   [&](const std::string& line) -> std::optional<std::string> {
                     Record record;
                     if (auto reason = parse(line, record)) return reason;
                     batch.push_back(std::move(record));
                     return std::nullopt;
                   },
                   [&]() {
                     Status s = store(batch);
                     batch.clear();
                     return s;
                   }};
  return importExitCode(runCsvImport(file, import), noun);
}

}  // namespace gateway::tools
