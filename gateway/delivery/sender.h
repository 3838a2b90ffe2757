#pragma once
// What the delivery worker needs of a transport: send one outbox message now.

#include "common/status.h"
#include "persistence/notification_repository.h"

namespace gateway::delivery {

class Sender {
 public:
  virtual ~Sender() = default;
  // Ok once the relay / SMS gateway has accepted the message. kInvalidArgument: permanent refusal
  // (retrying cannot help: the message goes dead at once); any other error: retried with backoff.
  // Error messages name the cause but never the message text. Called from the worker thread only.
  virtual Status send(const persistence::OutboxMessage& message) = 0;
};

}  // namespace gateway::delivery
