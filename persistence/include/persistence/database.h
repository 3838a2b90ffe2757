#pragma once
// Entry point of the MariaDB-backed persistence: connection settings, migrations, repositories.

#include <cstddef>
#include <memory>
#include <string>

#include "common/status.h"
#include "persistence/correspondence_repository.h"
#include "persistence/batch_repository.h"
#include "persistence/broker_repository.h"
#include "persistence/file_store.h"
#include "persistence/push_repository.h"
#include "persistence/notification_repository.h"
#include "persistence/repositories.h"

namespace gateway::persistence {

struct DatabaseConfig {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string unix_socket;   // preferred when set
  std::string user = "gateway";
  std::string password;
  std::string database = "gateway";
  int connect_timeout_seconds = 5;
  int lock_retry_attempts = 5;   // retries of deadlock / lock-wait timeout per transaction
  // Group commit of submissions: at most this many per transaction (1 = one transaction each), and
  // at most about this many bytes of form data and texts per transaction.
  int group_commit_max_submissions = 64;
  long group_commit_max_bytes = 8L << 20;
  int group_commit_writers = 4;  // batches written at the same time (measured best on 2 cores)
};

// Owns the driver and hands out repositories bound to it. Each calling thread gets its own
// connection on first use (validated before each transaction, reconnected when lost).
class Database {
 public:
  virtual ~Database() = default;
  static Result<std::unique_ptr<Database>> connect(const DatabaseConfig& config);

  // Applies every migration in `migrations_dir` (files NNN_name.sql) not yet recorded in
  // schema_migrations, in number order, each in its own transaction, recording it. Idempotent.
  virtual Status migrate(const std::string& migrations_dir) = 0;
  virtual Status ping() = 0;  // for /health

  virtual SystemRepository& systems() = 0;
  virtual ServiceRepository& services() = 0;
  virtual SubmissionRepository& submissions() = 0;
  virtual ReceiptRepository& receipts() = 0;
  virtual ProvisioningRepository& provisioning() = 0;
  virtual PrefillRepository& prefills() = 0;
  virtual SubscriptionRepository& subscriptions() = 0;
  virtual ServiceRightRepository& serviceRights() = 0;
  virtual PushRepository& push() = 0;
  virtual BatchRepository& batches() = 0;
  virtual ContactRepository& contacts() = 0;
  virtual NotificationRepository& notifications() = 0;
  virtual CorrespondenceRepository& correspondences() = 0;
  virtual BrokerRepository& brokers() = 0;
};

// How the local-disk FileStore moves the bytes of large blobs.
struct FileStoreOptions {
  // Blobs larger than one buffer are written and read with O_DIRECT (no copy through the page
  // cache), the disk work of each transfer on a thread of its own; where the filesystem refuses
  // O_DIRECT, the same through the page cache. false: always through the page cache.
  bool direct_io = true;
  // The size of each of a transfer's two buffers; a positive multiple of 4096.
  std::size_t io_buffer_bytes = 1024 * 1024;
};

// Local-disk FileStore rooted at `root` (created if missing). kInvalidArgument for a bad root or
// bad options.
Result<std::unique_ptr<FileStore>> openLocalFileStore(const std::string& root, FileStoreOptions options = {});

}  // namespace gateway::persistence
