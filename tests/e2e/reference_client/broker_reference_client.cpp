// Command-line client of BrokerServiceExternalBasicStreamed built from Altinn's reference WSDL, run
// by tests/e2e/broker_reference_client_test.cpp (why a process of its own: CMakeLists.txt here).
//
//   broker_reference_client upload   --endpoint URL --client-pem PEM --ca PEM --user NAME
//                                    --reference GUID --reportee PARTY --file-name NAME --bytes N [--seed N]
//   broker_reference_client download --endpoint URL --client-pem PEM --ca PEM --user NAME
//                                    --reference GUID --reportee PARTY
//   broker_reference_client ping     --endpoint URL --client-pem PEM --ca PEM --user NAME
//
// The system password comes from the environment (BROKER_REFERENCE_CLIENT_PASSWORD), not argv.
// Prints one `key=value` per line on stdout: result (ok, fault or error), what the call reports,
// the AltinnFault fields of a fault, and peak_rss_kb (the process's VmHWM). Exit status 0 when the
// call succeeded, 1 when it ended in a fault or error, 2 for bad usage.
#include <csignal>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "reference_transfer.h"

namespace rc = gateway::testing::reference_client;

namespace {

constexpr const char* kPasswordVariable = "BROKER_REFERENCE_CLIENT_PASSWORD";

// One line per value: line breaks inside a value become spaces.
void print(const std::string& key, std::string value) {
  for (char& c : value) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cout << key << '=' << value << '\n';
}

long peakRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int usage(const std::string& problem) {
  std::cerr << "broker_reference_client: " << problem
            << "\nusage: broker_reference_client upload|download|ping --endpoint URL --client-pem PEM --ca PEM "
               "--user NAME [--reference GUID --reportee PARTY] [--file-name NAME --bytes N --seed N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // The gateway may close while an upload is still being written (a refused upload).
  std::signal(SIGPIPE, SIG_IGN);
  if (argc < 2) return usage("no command");
  const std::string command = argv[1];
  std::map<std::string, std::string> options;
  for (int i = 2; i < argc; i += 2) {
    const std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) return usage("expected --name value, got " + name);
    options[name.substr(2)] = argv[i + 1];
  }
  auto option = [&](const std::string& name) {
    auto it = options.find(name);
    return it == options.end() ? std::string() : it->second;
  };
  for (const char* required : {"endpoint", "client-pem", "ca", "user"}) {
    if (option(required).empty()) return usage(std::string("missing --") + required);
  }
  const char* password = std::getenv(kPasswordVariable);
  rc::Connection connection{option("endpoint"), option("client-pem"), option("ca"), option("user"),
                            password ? password : ""};

  rc::Outcome outcome;
  try {
    if (command == "upload") {
      if (option("reference").empty() || option("reportee").empty() || option("bytes").empty()) {
        return usage("upload needs --reference, --reportee and --bytes");
      }
      rc::UploadRequest request{option("reference"), option("reportee"), option("file-name"),
                                std::stoull(option("bytes")),
                                option("seed").empty() ? 1 : std::stoull(option("seed"))};
      if (request.bytes > 0x7fffffffull) return usage("--bytes above 2 GiB (gSOAP's int size)");
      outcome = rc::upload(connection, request);
    } else if (command == "download") {
      if (option("reference").empty() || option("reportee").empty()) {
        return usage("download needs --reference and --reportee");
      }
      outcome = rc::download(connection, {option("reference"), option("reportee")});
    } else if (command == "ping") {
      outcome = rc::ping(connection);
    } else {
      return usage("unknown command " + command);
    }
  } catch (const std::exception& e) {  // std::stoull on a bad number
    return usage(e.what());
  }

  switch (outcome.kind) {
    case rc::Outcome::Kind::kOk: print("result", "ok"); break;
    case rc::Outcome::Kind::kFault: print("result", "fault"); break;
    case rc::Outcome::Kind::kError: print("result", "error"); break;
  }
  if (outcome.kind != rc::Outcome::Kind::kOk) {
    print("soap_error", std::to_string(outcome.soap_error));
    print("fault_string", outcome.fault_string);
    if (outcome.error_id) print("error_id", std::to_string(*outcome.error_id));
    if (outcome.error_guid) print("error_guid", *outcome.error_guid);
    if (outcome.altinn_error_message) print("altinn_error_message", *outcome.altinn_error_message);
  }
  for (const auto& [key, value] : outcome.fields) print(key, value);
  print("peak_rss_kb", std::to_string(peakRssKb()));
  std::cout.flush();
  return outcome.kind == rc::Outcome::Kind::kOk ? 0 : 1;
}
