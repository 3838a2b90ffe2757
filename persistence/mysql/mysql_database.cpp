// Database::connect: the MariaDB-backed Database.

#include "connection_manager.h"
#include "migrator.h"
#include "mysql_repositories.h"
#include "persistence/database.h"

namespace gateway::persistence {
namespace {

class MysqlDatabase final : public Database {
 public:
  explicit MysqlDatabase(std::unique_ptr<mysql::ConnectionManager> manager)
      : manager_(std::move(manager)),
        systems_(*manager_),
        services_(*manager_),
        submissions_(*manager_),
        receipts_(*manager_),
        provisioning_(*manager_),
        prefills_(*manager_),
        subscriptions_(*manager_),
        service_rights_(*manager_),
        push_(*manager_),
        batches_(*manager_),
        contacts_(*manager_),
        notifications_(*manager_),
        correspondences_(*manager_),
        brokers_(*manager_) {}

  Status migrate(const std::string& migrations_dir) override { return mysql::applyMigrations(*manager_, migrations_dir); }
  Status ping() override { return manager_->ping(); }

  SystemRepository& systems() override { return systems_; }
  ServiceRepository& services() override { return services_; }
  SubmissionRepository& submissions() override { return submissions_; }
  ReceiptRepository& receipts() override { return receipts_; }
  ProvisioningRepository& provisioning() override { return provisioning_; }
  PrefillRepository& prefills() override { return prefills_; }
  SubscriptionRepository& subscriptions() override { return subscriptions_; }
  ServiceRightRepository& serviceRights() override { return service_rights_; }
  PushRepository& push() override { return push_; }
  BatchRepository& batches() override { return batches_; }
  ContactRepository& contacts() override { return contacts_; }
  NotificationRepository& notifications() override { return notifications_; }
  CorrespondenceRepository& correspondences() override { return correspondences_; }
  BrokerRepository& brokers() override { return brokers_; }

 private:
  std::unique_ptr<mysql::ConnectionManager> manager_;
  mysql::MysqlSystemRepository systems_;
  mysql::MysqlServiceRepository services_;
  mysql::MysqlSubmissionRepository submissions_;
  mysql::MysqlReceiptRepository receipts_;
  mysql::MysqlProvisioningRepository provisioning_;
  mysql::MysqlPrefillRepository prefills_;
  mysql::MysqlSubscriptionRepository subscriptions_;
  mysql::MysqlServiceRightRepository service_rights_;
  mysql::MysqlPushRepository push_;
  mysql::MysqlBatchRepository batches_;
  mysql::MysqlContactRepository contacts_;
  mysql::MysqlNotificationRepository notifications_;
  mysql::MysqlCorrespondenceRepository correspondences_;
  mysql::MysqlBrokerRepository brokers_;
};

}  // namespace

Result<std::unique_ptr<Database>> Database::connect(const DatabaseConfig& config) {
  auto manager = mysql::ConnectionManager::create(config);
  if (!manager.ok()) return manager.status();
  return std::unique_ptr<Database>(std::make_unique<MysqlDatabase>(std::move(manager).value()));
}

}  // namespace gateway::persistence
