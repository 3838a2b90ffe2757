#pragma once
// SMS through the configured HTTP(S) SMS gateway: POST sms.url with
//   Content-Type: application/json   {"to": "<mobile>", "from": "<sender>", "text": "<text>"}
// where the sender is the message's from_address (the owner's short name, when the request asked
// for it with UseServiceOwnerShortNameAsSenderOfSms) or else sms.from,
// and "Authorization: Bearer <sms.token>" when a token is set. Any 2xx answer is success.

#include <string>
#include <string_view>

#include "config/gateway_config.h"
#include "delivery/sender.h"

namespace gateway::delivery {

// The request body for one SMS (exposed for tests). Strings are JSON-escaped; UTF-8 passes as is.
std::string smsJson(std::string_view to, std::string_view from, std::string_view text);

class SmsSender final : public Sender {
 public:
  explicit SmsSender(config::SmsConfig config) : config_(std::move(config)) {}
  // 4xx other than 408/429 is permanent (kInvalidArgument); connection errors, 408, 429, 5xx retried.
  Status send(const persistence::OutboxMessage& message) override;

 private:
  config::SmsConfig config_;
};

}  // namespace gateway::delivery
