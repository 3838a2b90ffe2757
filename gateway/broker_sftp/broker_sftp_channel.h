#pragma once
// The broker over SFTP as gatewayd runs it (when sftp.enabled): an inbound poller over the
// organisations' inbound/ folders (".zip", streamed, BrokerInboundHandler) and a thread running
// BrokerOutboundWriter passes, both every `interval`. Each inbound pass first provisions the drop
// area (service owners and the organisations of etc/broker-orgs), so an organisation registered
// later gets its chroot within one interval. stop() (and the destructor) stops both after the file
// in hand.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "broker_sftp/broker_inbound_handler.h"
#include "broker_sftp/broker_outbound_writer.h"
#include "core/broker_service.h"
#include "persistence/database.h"
#include "sftp/drop_area.h"
#include "sftp/inbound_poller.h"

namespace gateway::broker_sftp {

struct BrokerSftpOptions {
  std::string root;  // sftp.root
  int uid_base = 61000;
  std::chrono::milliseconds interval{1000};
  long max_file_bytes = 10L << 30;  // sftp.max_broker_file_bytes
};

class BrokerSftpChannel {
 public:
  // kInvalidArgument for an unusable root (sftp/drop_area.h).
  static Result<std::unique_ptr<BrokerSftpChannel>> start(persistence::Database& database,
                                                          core::BrokerService& broker,
                                                          const BrokerSftpOptions& options);
  ~BrokerSftpChannel();
  void stop();

 private:
  BrokerSftpChannel(persistence::Database& database, core::BrokerService& broker, sftp::DropArea area,
                    const BrokerSftpOptions& options);
  void runOutbound();

  persistence::Database& database_;
  sftp::DropArea area_;
  BrokerInboundHandler handler_;
  BrokerOutboundWriter writer_;
  sftp::InboundPoller poller_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread outbound_;
};

}  // namespace gateway::broker_sftp
