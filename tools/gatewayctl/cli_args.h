#pragma once
// Command-line parsing for gatewayctl: words (the command), --options with values and --flags.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gateway::tools {

// Exit codes of the CLI contract.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitAlreadyExists = 3;

struct ParsedArgs {
  std::vector<std::string> words;                             // e.g. {"system", "add"}
  std::map<std::string, std::vector<std::string>> options;    // "--org" -> {"910000004"}
  std::set<std::string> flags;                                // "--if-missing", "--help"

  bool has(const std::string& name) const { return options.count(name) != 0 || flags.count(name) != 0; }
  // The single value of an option (the last one when repeated).
  std::optional<std::string> value(const std::string& name) const;
  std::vector<std::string> values(const std::string& name) const;
};

// Flags take no value; every other --name takes one ("--name value" or "--name=value").
// Returns an error message for malformed input (missing value, value given to a flag).
std::optional<std::string> parseArgs(int argc, char** argv, ParsedArgs& out);

}  // namespace gateway::tools
