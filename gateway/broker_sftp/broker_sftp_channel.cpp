#include "broker_sftp/broker_sftp_channel.h"

#include "common/log.h"

namespace gateway::broker_sftp {
namespace {

sftp::InboundPollerOptions pollerOptions(const BrokerSftpOptions& options) {
  sftp::InboundPollerOptions out;
  out.interval = options.interval;
  out.max_file_bytes = options.max_file_bytes;
  out.suffix = ".zip";
  out.streamed = true;
  return out;
}

// Provisions owners and organisations; the organisations' accounts, to poll.
Result<std::vector<sftp::SftpAccount>> provisionedOrgAccounts(persistence::Database& database,
                                                              const sftp::DropArea& area) {
  auto owners = database.provisioning().listServiceOwners();
  if (!owners.ok()) return owners.status();
  std::vector<sftp::SftpAccount> owner_accounts;
  for (const auto& o : owners.value()) owner_accounts.push_back({static_cast<long long>(o.id), o.code});
  if (Status s = area.provision(owner_accounts); !s.ok()) {
    log::warn("sftp.provision_failed", {{"error", s.message()}});
    if (s.code() != StatusCode::kInvalidArgument) return s;
  }
  auto orgs = area.organisations();
  if (!orgs.ok()) return orgs.status();
  std::vector<sftp::SftpAccount> accounts;
  for (const auto& org : orgs.value()) accounts.push_back(org.account());
  return accounts;
}

}  // namespace

BrokerSftpChannel::BrokerSftpChannel(persistence::Database& database, core::BrokerService& broker,
                                     sftp::DropArea area, const BrokerSftpOptions& options)
    : database_(database),
      area_(std::move(area)),
      handler_(area_, database.systems(), broker, options.max_file_bytes),
      writer_(area_, database.systems(), broker),
      poller_(
          area_, [this] { return provisionedOrgAccounts(database_, area_); }, handler_, pollerOptions(options)),
      interval_(options.interval) {}

Result<std::unique_ptr<BrokerSftpChannel>> BrokerSftpChannel::start(persistence::Database& database,
                                                                   core::BrokerService& broker,
                                                                   const BrokerSftpOptions& options) {
  auto area = sftp::DropArea::create(options.root, options.uid_base);
  if (!area.ok()) return area.status();
  std::unique_ptr<BrokerSftpChannel> channel(
      new BrokerSftpChannel(database, broker, std::move(area).value(), options));
  auto accounts = provisionedOrgAccounts(database, channel->area_);
  if (!accounts.ok()) return accounts.status();
  channel->poller_.start();
  channel->outbound_ = std::thread([c = channel.get()] { c->runOutbound(); });
  log::info("sftp.broker_channel.started", {{"root", channel->area_.root().string()}});
  return channel;
}

BrokerSftpChannel::~BrokerSftpChannel() { stop(); }

void BrokerSftpChannel::runOutbound() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto pass = writer_.passOnce();
    if (!pass.ok()) log::warn("broker.sftp.outbound_pass_failed", {{"error", pass.status().message()}});
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

void BrokerSftpChannel::stop() {
  poller_.stop();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (outbound_.joinable()) outbound_.join();
}

}  // namespace gateway::broker_sftp
