#pragma once
// Sending a broker file over SFTP: the handler the broker channel's inbound poller gives each
// <name>.zip an organisation drops into its inbound/ folder (streamed: the poller hands over the
// open file, never its bytes).
//
// For a file of organisation O (account org<O>, acting as the system registered for it):
//  1. the system must exist, be active and belong to O; else rejected;
//  2. the ZIP is checked whole and its manifest.xml / recipients.xml read (broker_zip.h);
//  3. the manifest's Reportee must be O (an account sends for its own organisation only);
//  4. BrokerService::initiateFromXml (schemas, service, O's Write right, every recipient's Read);
//  5. the whole ZIP is streamed into the file store (beginUpload/finishUpload, limit
//     sftp.max_broker_file_bytes), in pieces of 1 MiB.
// Accepted: the receipt (XML, see docs/services.md) goes to processed/<name>.receipt.xml. Rejected
// (steps 1-5 refused): failed/<name>.error.txt holds "<reason> (ErrorID n)". Steps 1-3 create
// nothing; a refusal in 4 creates nothing; a failure in 5 leaves an Initiated shipment that no
// recipient sees and that expires. kUnavailable (database or disk down) leaves the file for the next
// pass. Thread-safety: as BrokerService (one poller thread calls it).

#include <string>

#include "core/broker_service.h"
#include "persistence/repositories.h"
#include "sftp/drop_area.h"
#include "sftp/inbound_poller.h"

namespace gateway::broker_sftp {

// The system an organisation's account acts as; kPermissionDenied when it is unknown, inactive or
// of another organisation; kNotFound when the organisation is not registered.
Result<persistence::SystemRecord> organisationSystem(const sftp::DropArea& area, persistence::SystemRepository& systems,
                                                     const std::string& org_number);

class BrokerInboundHandler : public sftp::InboundHandler {
 public:
  BrokerInboundHandler(const sftp::DropArea& area, persistence::SystemRepository& systems,
                       core::BrokerService& broker, long max_file_bytes);
  Result<sftp::InboundVerdict> handle(const sftp::InboundFile& file) override;

 private:
  Result<sftp::InboundVerdict> send(const sftp::InboundFile& file);

  const sftp::DropArea& area_;
  persistence::SystemRepository& systems_;
  core::BrokerService& broker_;
  long max_file_bytes_;
};

}  // namespace gateway::broker_sftp
