#pragma once
// The gateway as a client of a service owner's OnlineBatchReceiver. The gSOAP implementation is in
// gateway/services/online_batch_receiver_client.cpp; tests use fakes.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "push/push_policy.h"

namespace gateway::push {

struct DeliveryRequest {
  std::string url;                  // the receiver's endpoint (https://...)
  std::string username;             // presented to the receiver ("username")
  std::string password;             // presented to the receiver ("passwd"); never logged
  std::string receivers_reference;  // the archive reference (stable across retries)
  std::int64_t sequence_number = 0;
  std::string batch;                // DataBatch XML (data_batch.h)
  std::string attachments;          // ZIP of the attachments (attachment_zip.h); "" = none (length-0 array)
};

// One instance per worker thread: not thread-safe. deliver() never throws; every transport or SOAP
// failure is an OutcomeKind::kUnavailable outcome.
class ReceiverClient {
 public:
  virtual ~ReceiverClient() = default;
  virtual ReceiverOutcome deliver(const DeliveryRequest& request) = 0;
};

using ReceiverClientFactory = std::function<std::unique_ptr<ReceiverClient>()>;

}  // namespace gateway::push
