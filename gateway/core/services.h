#pragma once
// The core as one object: every use case the SOAP adapters call, wired to persistence and auth.
// Thread-safe: all members may be used from any worker concurrently.

#include <memory>

#include "auth/credential_verifier.h"
#include "persistence/database.h"
#include "persistence/file_store.h"

namespace gateway::core {

struct CoreLimits {
  int max_forms = 50;
  int max_attachments = 100;
  long max_attachment_bytes = 8L * 1024 * 1024;
  int max_form_data_bytes = 4 * 1024 * 1024;
  int max_queue_items = 500;      // GetDownloadQueueItems page size (contract: 500)
  int max_receipt_list = 1000;
  int max_shipment_status = 500;
  int max_archive_search = 1000;            // ArchiveCommon search: results per call, newest first
  int pdf_max_pages = 200;                  // GetFormSetPdfBasic: pages rendered at most (then a notice)
  long pdf_max_form_bytes = 1024L * 1024;   // GetFormSetPdfBasic: larger form data is not walked
  int max_rights_rules = 1000;              // AddRightsBasic / DeleteRightsBasic: rules per request
  // One attachment on the ...Streamed endpoints (received to and sent from the file store in
  // bounded buffers, never held in memory).
  long max_streamed_attachment_bytes = 1L << 30;
  // How long service definitions and reportee grants are remembered (0 = always ask the database).
  // A revoked grant or changed service takes effect within this time.
  int lookup_cache_seconds = 5;
  int max_notifications_per_request = 50;   // SendStandaloneNotification: 40014 beyond this
  int max_correspondence_status = 1000;     // GetCorrespondenceStatusDetails/History: then LimitReached
  int max_correspondence_inbox = 500;       // CorrespondenceExternal GetCorrespondenceListBasic: then LimitReached
  // Broker service: the largest file UploadFileStreamedBasic accepts (streamed to the file store),
  // and how long an uploaded file stays available when its service sets no period of its own.
  long max_broker_file_bytes = 1L << 30;
  int broker_default_availability_days = 30;
};

class SubmissionService;
class ReceiptService;
class ArchiveService;
class PrefillService;
class SubscriptionService;
class ServiceRightsService;
class NotificationService;
class CorrespondenceService;
class StreamedAttachmentService;
class BatchLoggingService;
class BrokerService;

class Services {
 public:
  Services(persistence::Database& database, persistence::FileStore& files, auth::CredentialVerifier& verifier,
           CoreLimits limits);
  ~Services();

  SubmissionService& submissions();
  ReceiptService& receipts();
  ArchiveService& archive();
  PrefillService& prefills();
  SubscriptionService& subscriptions();
  ServiceRightsService& serviceRights();
  NotificationService& notifications();
  CorrespondenceService& correspondences();
  StreamedAttachmentService& streamedAttachments();
  BatchLoggingService& batchLogging();
  BrokerService& brokers();
  auth::CredentialVerifier& verifier();
  persistence::Database& database();

 private:
  persistence::Database& database_;
  auth::CredentialVerifier& verifier_;
  std::unique_ptr<SubmissionService> submissions_;
  std::unique_ptr<ReceiptService> receipts_;
  std::unique_ptr<ArchiveService> archive_;
  std::unique_ptr<PrefillService> prefills_;
  std::unique_ptr<SubscriptionService> subscriptions_;
  std::unique_ptr<ServiceRightsService> service_rights_;
  std::unique_ptr<NotificationService> notifications_;
  std::unique_ptr<CorrespondenceService> correspondences_;
  std::unique_ptr<StreamedAttachmentService> streamed_attachments_;
  std::unique_ptr<BatchLoggingService> batch_logging_;
  std::unique_ptr<BrokerService> brokers_;
};

}  // namespace gateway::core
