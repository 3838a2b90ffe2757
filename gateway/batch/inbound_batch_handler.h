#pragma once
// The batch channel's inbound side: a sftp::InboundHandler that ingests prefill and subscription
// batch files (inbound_batch_parser.h) through the same core services as PreFill's
// SubmitPrefilledFormTasksBasic and Subscription's SubmitSubscriptionBasic.
//
// Who acts: the file names a system (systemUserName); it must be an active service-owner system of
// the account's own service owner (the SFTP key is the credential; a system of another owner, an
// end-user system or an unknown name are refused alike). Nothing crosses owners. A file without
// <SystemUserCode> gets the account's owner code (the SOAP request must carry it).
//
// Outcome per file: a structurally bad file (parser) or a refused request is rejected whole, nothing
// imported. Otherwise the whole request is one transaction in the service, with the same per-item
// results as over SOAP (a ValidationFailed sub-receipt per refused item) and a receipt, written as
// processed/<name>.receipt.xml (format in docs/batch-files.md). A file picked up again after a crash
// counts once: its externalBatchId returns the first receipt. Every file is recorded in the batch
// log (BatchRepository::recordInbound). kUnavailable (database down) leaves the file for later.
//
// Thread-safe as far as the services and repositories are.

#include "core/prefill_service.h"
#include "core/subscription_service.h"
#include "persistence/database.h"
#include "sftp/inbound_poller.h"

namespace gateway::batch {

// The receipt document written beside a processed file.
std::string renderBatchReceipt(const std::string& file_name, persistence::Id batch_file_id, const std::string& kind,
                               bool duplicate, const persistence::ReceiptRecord& receipt);

class InboundBatchHandler final : public sftp::InboundHandler {
 public:
  InboundBatchHandler(persistence::Database& database, core::PrefillService& prefills,
                      core::SubscriptionService& subscriptions);
  Result<sftp::InboundVerdict> handle(const sftp::InboundFile& file) override;

 private:
  Result<persistence::SystemRecord> systemFor(const sftp::SftpAccount& account, const std::string& username);
  Result<sftp::InboundVerdict> reject(const sftp::InboundFile& file, const std::string& kind, const std::string& error);

  persistence::Database& database_;
  core::PrefillService& prefills_;
  core::SubscriptionService& subscriptions_;
};

}  // namespace gateway::batch
