#include "batch/batch_channel.h"

#include "common/log.h"

namespace gateway::batch {

Result<std::vector<sftp::SftpAccount>> ownerAccounts(persistence::Database& database) {
  auto owners = database.provisioning().listServiceOwners();
  if (!owners.ok()) return owners.status();
  std::vector<sftp::SftpAccount> accounts;
  for (const auto& o : owners.value()) accounts.push_back({static_cast<long long>(o.id), o.code});
  return accounts;
}

BatchChannel::BatchChannel(persistence::Database& database, persistence::FileStore& files, core::Services& core,
                           sftp::DropArea area, const BatchChannelOptions& options)
    : database_(database),
      area_(std::move(area)),
      handler_(database, core.prefills(), core.subscriptions()),
      writer_(database.batches(), database.submissions(), files, area_, options.writer),
      poller_(
          area_,
          [this]() -> Result<std::vector<sftp::SftpAccount>> {
            auto accounts = ownerAccounts(database_);
            if (!accounts.ok()) return accounts.status();
            Status s = area_.provision(accounts.value());
            if (!s.ok()) log::warn("sftp.provision_failed", {{"error", s.message()}});
            return accounts;
          },
          handler_, options.inbound) {}

Result<std::unique_ptr<BatchChannel>> BatchChannel::start(persistence::Database& database,
                                                          persistence::FileStore& files, core::Services& core,
                                                          const BatchChannelOptions& options) {
  auto area = sftp::DropArea::create(options.root, options.uid_base);
  if (!area.ok()) return area.status();
  auto accounts = ownerAccounts(database);
  if (!accounts.ok()) return accounts.status();
  if (Status s = area.value().provision(accounts.value()); !s.ok() && s.code() != StatusCode::kInvalidArgument) {
    return s;
  }
  std::unique_ptr<BatchChannel> channel(new BatchChannel(database, files, core, std::move(area).value(), options));
  channel->writer_.start();
  channel->poller_.start();
  log::info("sftp.batch_channel.started", {{"root", channel->area_.root().string()}});
  return channel;
}

BatchChannel::~BatchChannel() { stop(); }

void BatchChannel::stop() {
  poller_.stop();
  writer_.stop();
}

}  // namespace gateway::batch
