#pragma once
// The batch channel as gatewayd runs it: provisions the drop area's accounts for every service owner
// (at start, and again on each inbound pass so that owners added later get their chroot), runs the
// batch writer and the inbound poller in threads of their own. stop() (and the destructor) stops both
// after the file in hand.

#include <memory>
#include <string>

#include "batch/batch_writer.h"
#include "batch/inbound_batch_handler.h"
#include "core/services.h"
#include "persistence/database.h"
#include "sftp/drop_area.h"
#include "sftp/inbound_poller.h"

namespace gateway::batch {

struct BatchChannelOptions {
  std::string root;   // sftp.root
  int uid_base = 61000;
  BatchWriterOptions writer;
  sftp::InboundPollerOptions inbound;
};

class BatchChannel {
 public:
  // kInvalidArgument for an unusable root (sftp/drop_area.h), kUnavailable when provisioning fails.
  static Result<std::unique_ptr<BatchChannel>> start(persistence::Database& database, persistence::FileStore& files,
                                                     core::Services& core, const BatchChannelOptions& options);
  ~BatchChannel();
  void stop();

 private:
  BatchChannel(persistence::Database& database, persistence::FileStore& files, core::Services& core,
               sftp::DropArea area, const BatchChannelOptions& options);

  persistence::Database& database_;
  sftp::DropArea area_;
  InboundBatchHandler handler_;
  BatchWriter writer_;
  sftp::InboundPoller poller_;
};

// Every service owner as an SFTP account.
Result<std::vector<sftp::SftpAccount>> ownerAccounts(persistence::Database& database);

}  // namespace gateway::batch
