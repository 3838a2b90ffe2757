#include "core/services.h"

#include "core/archive_service.h"
#include "core/correspondence_service.h"
#include "core/batch_logging_service.h"
#include "core/broker_service.h"
#include "core/notification_service.h"
#include "core/prefill_service.h"
#include "core/receipt_service.h"
#include "core/service_rights_service.h"
#include "core/streamed_attachment_service.h"
#include "core/submission_service.h"
#include "core/subscription_service.h"

namespace gateway::core {

Services::Services(persistence::Database& database, persistence::FileStore& files, auth::CredentialVerifier& verifier,
                   CoreLimits limits)
    : database_(database),
      verifier_(verifier),
      submissions_(std::make_unique<SubmissionService>(database, files, limits)),
      receipts_(std::make_unique<ReceiptService>(database, limits)),
      archive_(std::make_unique<ArchiveService>(database, files, limits)),
      prefills_(std::make_unique<PrefillService>(database, files, limits)),
      subscriptions_(std::make_unique<SubscriptionService>(database)),
      service_rights_(std::make_unique<ServiceRightsService>(database, limits.max_rights_rules)),
      notifications_(std::make_unique<NotificationService>(
          database, NotificationLimits{limits.max_notifications_per_request, limits.lookup_cache_seconds})),
      correspondences_(std::make_unique<CorrespondenceService>(
          database, files, *notifications_,
          CorrespondenceLimits{{limits.max_attachments, limits.max_attachment_bytes, limits.max_form_data_bytes},
                               limits.max_correspondence_status, limits.max_correspondence_inbox,
                               limits.lookup_cache_seconds})),
      streamed_attachments_(std::make_unique<StreamedAttachmentService>(database, files, limits)),
      batch_logging_(std::make_unique<BatchLoggingService>(database)),
      brokers_(std::make_unique<BrokerService>(database, files, limits)) {}

Services::~Services() = default;

SubmissionService& Services::submissions() { return *submissions_; }
ReceiptService& Services::receipts() { return *receipts_; }
ArchiveService& Services::archive() { return *archive_; }
PrefillService& Services::prefills() { return *prefills_; }
SubscriptionService& Services::subscriptions() { return *subscriptions_; }
ServiceRightsService& Services::serviceRights() { return *service_rights_; }
NotificationService& Services::notifications() { return *notifications_; }
CorrespondenceService& Services::correspondences() { return *correspondences_; }
StreamedAttachmentService& Services::streamedAttachments() { return *streamed_attachments_; }
BatchLoggingService& Services::batchLogging() { return *batch_logging_; }
BrokerService& Services::brokers() { return *brokers_; }
auth::CredentialVerifier& Services::verifier() { return verifier_; }
persistence::Database& Services::database() { return database_; }

}  // namespace gateway::core
