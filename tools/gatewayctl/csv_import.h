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

}  // namespace gateway::tools
