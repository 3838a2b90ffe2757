#pragma once
// The broker over SFTP for e2e test binaries: the gateway under test with its drop area, one broker
// account per organisation (gatewayctl sftp org add + sftp key add, keys of the test's own), a real
// OpenSSH sshd (sftp_server.h) and the real `sftp -b` client; plus the documents of a broker ZIP
// (docs/services.md, "Broker over SFTP").
//
// sshd must run as root to chroot: without root skipReason() says why and nothing is started.
// Everything lives under $GATEWAY_BUILD_DIR/e2e-<tag>-<pid> (not under /tmp: every component of a
// chroot path must be root-owned and not world-writable), removed at the end unless GATEWAY_TEST_KEEP.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway_under_test.h"
#include "sftp_server.h"
#include "waiting.h"

namespace gateway::testing {

inline constexpr const char* kBrokerSchemaNs = "http://schema.altinn.no/services/ServiceEngine/Broker/2015/06";

// An organisation with a broker account. `system`: an existing system of that organisation to act
// as; empty: a new end-user system "bs-<org>" is added.
struct BrokerSftpOrg {
  std::string org_number;
  std::string system;
};

class BrokerSftpEnvironment {
 public:
  // `config`: gateway config lines besides sftp.enabled / sftp.root / sftp.poll_interval_ms (200 ms).
  // `setup` runs against the started gateway before the accounts are made (services, rights).
  BrokerSftpEnvironment(const std::string& tag, const std::string& config,
                        const std::function<void(GatewayUnderTest&)>& setup, const std::vector<BrokerSftpOrg>& orgs) {
    skip_reason_ = sftpUnsupportedReason();
    if (!skip_reason_.empty()) return;
    const char* build = std::getenv("GATEWAY_BUILD_DIR");
    if (build == nullptr) throw std::runtime_error("GATEWAY_BUILD_DIR is not set");
    base_ = std::filesystem::path(build) / ("e2e-" + tag + "-" + std::to_string(::getpid()));
    drop_root_ = base_ / "drop";
    local_ = base_ / "client";
    std::filesystem::create_directories(local_);
    std::filesystem::permissions(base_, std::filesystem::perms(0755));
    setExtraGatewayConfig("sftp.enabled = 1\nsftp.root = " + drop_root_.string() + "\nsftp.poll_interval_ms = 200\n" +
                          config);
    GatewayUnderTest& gw = gatewayUnderTest();
    setup(gw);
    for (const auto& org : orgs) addOrganisation(org);
    server_ = std::make_unique<SftpServer>((base_ / "sshd").string(), drop_root_.string());
  }
  ~BrokerSftpEnvironment() {
    server_.reset();
    if (base_.empty() || std::getenv("GATEWAY_TEST_KEEP")) return;
    // gatewayd's passes would make the drop area again: it stops first (its own teardown is later).
    gatewayUnderTest().stop();
    std::error_code ec;
    std::filesystem::remove_all(base_, ec);
  }
  BrokerSftpEnvironment(const BrokerSftpEnvironment&) = delete;
  BrokerSftpEnvironment& operator=(const BrokerSftpEnvironment&) = delete;

  const std::string& skipReason() const { return skip_reason_; }
  const std::filesystem::path& dropRoot() const { return drop_root_; }
  const std::filesystem::path& local() const { return local_; }  // the clients' own files
  // <drop root>/orgs/org<ORGNR>/<folder> as the gateway sees it.
  std::filesystem::path orgFolder(const std::string& org, const std::string& folder) const {
    return drop_root_ / "orgs" / ("org" + org) / folder;
  }
  const std::string& keyOf(const std::string& org) const { return keys_.at(org); }

  // Registers `org` (system, broker account, key); throws when a gatewayctl call fails.
  void addOrganisation(const BrokerSftpOrg& org) {
    GatewayUnderTest& gw = gatewayUnderTest();
    auto must = [&gw](const std::string& args) {
      if (gw.gatewayctl(args) != 0) throw std::runtime_error("gatewayctl " + args + " failed");
    };
    std::string system = org.system;
    if (system.empty()) {
      system = "bs-" + org.org_number;
      const std::filesystem::path password = local_ / (system + ".password");
      std::ofstream(password) << "pw-" << system << "-" << ::getpid() << "\n";
      must("system add --username " + system + " --org " + org.org_number + " --role enduser < " + password.string());
    }
    must("sftp org add " + org.org_number + " --system " + system);
    keys_[org.org_number] = (local_ / ("key-" + org.org_number)).string();
    makeKeyPair(keys_[org.org_number], system + "@e2e");
    must("sftp key add org" + org.org_number + " " + keys_[org.org_number] + ".pub");
  }

  // `sftp -b` as the account org<ORGNR> with its key; the exit code, the client's output in *output.
  int sftpAs(const std::string& org, const std::string& commands, std::string* output = nullptr) const {
    return server_->run("org" + org, keys_.at(org), commands, output);
  }

  // Uploads the local file as inbound/<name> the documented way: under a temporary name, then renamed.
  int upload(const std::string& org, const std::filesystem::path& file, const std::string& name) const {
    return sftpAs(org, "put " + file.string() + " inbound/" + name + ".part\nrename inbound/" + name +
                           ".part inbound/" + name + "\n");
  }

  // The file reference of the accepted ZIP `name` (from processed/<name>.receipt.xml), waiting up to
  // `seconds` for it; "" when it was not accepted (then *why holds failed/<name>.error.txt).
  std::string acceptedReference(const std::string& org, const std::string& name, int seconds = 30,
                                std::string* why = nullptr) const {
    const std::filesystem::path receipt = orgFolder(org, "processed") / (name + ".receipt.xml");
    const std::filesystem::path error = orgFolder(org, "failed") / (name + ".error.txt");
    waitFor([&] { return std::filesystem::exists(receipt) || std::filesystem::exists(error); }, seconds);
    std::smatch match;
    const std::string text = slurp(receipt);
    if (!std::regex_search(text, match, std::regex("<FileReference>([0-9a-f-]{36})</FileReference>"))) {
      if (why) *why = slurp(error);
      return "";
    }
    return match[1];
  }

 private:
  std::string skip_reason_;
  std::filesystem::path base_, drop_root_, local_;
  std::map<std::string, std::string> keys_;  // organisation -> private key file
  std::unique_ptr<SftpServer> server_;
};

inline std::string brokerManifestXml(const std::string& service, const std::string& reportee,
                                     const std::string& reference, const std::string& payload_name = "payload.bin") {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BrokerServiceManifest xmlns=\"") + kBrokerSchemaNs +
         "\"><ExternalServiceCode>" + service + "</ExternalServiceCode><ExternalServiceEditionCode>1"
         "</ExternalServiceEditionCode><SendersReference>" + reference + "</SendersReference><Reportee>" + reportee +
         "</Reportee><FileList><File><FileName>" + payload_name + "</FileName></File></FileList>"
         "</BrokerServiceManifest>\n";
}

inline std::string brokerRecipientsXml(const std::vector<std::string>& recipients) {
  std::string out = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BrokerServiceRecipientList xmlns=\"") +
                    kBrokerSchemaNs + "\">";
  for (const auto& r : recipients) out += "<Recipient><PartyNumber>" + r + "</PartyNumber></Recipient>";
  return out + "</BrokerServiceRecipientList>\n";
}

}  // namespace gateway::testing
