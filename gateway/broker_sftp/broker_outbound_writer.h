#pragma once
// Receiving broker files over SFTP: puts every file a registered organisation may download into its
// outbound/ folder, and reads its pick-up from there (docs/services.md, "Broker over SFTP").
//
// One pass for organisation O (acting as its registered system), over the files
// BrokerService::availableFiles lists for O (uploaded, unexpired, O on the recipient list, O holding
// Read now, not yet confirmed):
//  - a file not delivered yet is written to outbound/<file reference>.zip (atomic_file, streamed
//    from the file store in 64 KiB pieces, owned by O's account) and O's recipient state moves to
//    Downloaded (delivered in full to the recipient, as a completed DownloadFileStreamedBasic);
//  - a delivered file that O has deleted (or moved away) is confirmed: Confirmed, as
//    ConfirmDownloadedBasic;
//  - a delivered file no longer listed (expired, confirmed over SOAP, Read withdrawn) is removed
//    from outbound/.
// What was delivered is remembered in <root>/etc/broker-delivered/org<O>/<file reference> (root
// only, outside every chroot), so files the gateway did not write are never touched.
// Thread-safety: one thread runs passes (the channel's).

#include <filesystem>
#include <string>

#include "core/broker_service.h"
#include "persistence/repositories.h"
#include "sftp/drop_area.h"

namespace gateway::broker_sftp {

struct OutboundPass {
  int delivered = 0;
  int confirmed = 0;
  int removed = 0;
};

class BrokerOutboundWriter {
 public:
  BrokerOutboundWriter(const sftp::DropArea& area, persistence::SystemRepository& systems,
                       core::BrokerService& broker);
  // One pass over every registered organisation. Errors of one organisation are logged and the
  // others still served; the first such error is returned after the pass.
  Result<OutboundPass> passOnce();
  // One pass for one organisation; a file that fails is logged and the others still served (the
  // first failure is returned).
  Status pass(const sftp::OrgAccount& org, OutboundPass& counts);

 private:
  Status serveFile(const sftp::SftpAccount& account, const std::string& org_number,
                   const persistence::SystemRecord& system, const persistence::BrokerAvailableFile& file,
                   const std::filesystem::path& outbound, const std::filesystem::path& markers, OutboundPass& counts);

  const sftp::DropArea& area_;
  persistence::SystemRepository& systems_;
  core::BrokerService& broker_;
};

}  // namespace gateway::broker_sftp
