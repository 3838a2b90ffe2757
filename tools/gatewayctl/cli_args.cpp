#include "cli_args.h"

namespace gateway::tools {
namespace {

const std::set<std::string>& flagNames() {
  static const std::set<std::string> names = {"--if-missing", "--help", "-h", "--queue", "--batch", "--password-stdin", "--remove-from-queue", "--dead", "--purge", "--dry-run"};
  return names;
}

}  // namespace

std::optional<std::string> ParsedArgs::value(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::values(const std::string& name) const {
  auto it = options.find(name);
  return it == options.end() ? std::vector<std::string>{} : it->second;
}

std::optional<std::string> parseArgs(int argc, char** argv, ParsedArgs& out) {
  bool only_words = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (only_words || arg.size() < 2 || arg[0] != '-' || arg == "-") {
      out.words.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_words = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    if (flagNames().count(name)) {
      if (inline_value) return "option " + name + " takes no value";
      out.flags.insert(name == "-h" ? "--help" : name);
      continue;
    }
    if (name.rfind("--", 0) != 0) return "unknown option " + name;
    if (inline_value) {
      out.options[name].push_back(*inline_value);
    } else if (i + 1 < argc) {
      out.options[name].push_back(argv[++i]);
    } else {
      return "option " + name + " needs a value";
    }
  }
  return std::nullopt;
}

}  // namespace gateway::tools
