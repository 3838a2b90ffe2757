#pragma once
// E-mail through the configured SMTP relay with libcurl's SMTP client (STARTTLS required,
// optional or off; AUTH when a username is set). The connection is kept open between messages
// (libcurl reuses it for the next MAIL FROM) and dropped after any error. Not thread-safe: one
// sender per worker thread.

#include <curl/curl.h>

#include <memory>

#include "config/gateway_config.h"
#include "delivery/sender.h"

namespace gateway::delivery {

class SmtpSender final : public Sender {
 public:
  explicit SmtpSender(config::SmtpConfig config) : config_(std::move(config)) {}
  // SMTP 5xx replies are permanent (kInvalidArgument); connection/TLS errors and 4xx are retried.
  Status send(const persistence::OutboxMessage& message) override;

 private:
  config::SmtpConfig config_;
  std::unique_ptr<CURL, void (*)(CURL*)> curl_{nullptr, &curl_easy_cleanup};
};

}  // namespace gateway::delivery
