#pragma once
// The ZIP an organisation drops into its inbound/ folder to send a broker file (docs/services.md,
// "Broker over SFTP"): at its top level `manifest.xml` (a BrokerServiceManifest) and
// `recipients.xml` (a BrokerServiceRecipientList), and at least one other file, the payload. The
// whole ZIP is what the recipients receive.
//
// readBrokerZip checks the archive's structure (end record, central directory and local headers
// agree: a truncated or cut ZIP fails) and reads the two documents (CRC checked), without reading
// the payload. Memory is bounded by the two documents (at most kMaxBrokerZipDocumentBytes each).
// Failures: kInvalidArgument naming the problem. Thread-safe (no shared state).

#include <cstddef>
#include <string>

#include "common/status.h"

namespace gateway::broker_sftp {

inline constexpr const char* kManifestEntry = "manifest.xml";
inline constexpr const char* kRecipientsEntry = "recipients.xml";
inline constexpr std::size_t kMaxBrokerZipDocumentBytes = 1 << 20;

struct BrokerZip {
  std::string manifest_xml;
  std::string recipients_xml;
  int payload_entries = 0;  // files besides the two documents (directories not counted)
};

// `fd`: an open ZIP file; read with pread-like access, its offset is left at 0. Not closed.
Result<BrokerZip> readBrokerZip(int fd);

}  // namespace gateway::broker_sftp
