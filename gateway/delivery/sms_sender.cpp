#include "delivery/sms_sender.h"

#include <curl/curl.h>

#include <memory>

#include "common/log.h"

namespace gateway::delivery {
namespace {

std::string jsonString(std::string_view s) {
  std::string out = "\"";
  log::appendJsonEscaped(out, s);
  return out + "\"";
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

}  // namespace

std::string smsJson(std::string_view to, std::string_view from, std::string_view text) {
  return "{\"to\":" + jsonString(to) + ",\"from\":" + jsonString(from) + ",\"text\":" + jsonString(text) + "}";
}

Status SmsSender::send(const persistence::OutboxMessage& message) {
  if (config_.url.empty()) return Status::Unavailable("no SMS gateway configured (sms.url)");
  const std::string& sender = message.from_address.empty() ? config_.from : message.from_address;
  const std::string body = smsJson(message.recipient, sender, message.body);
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Status::Internal("curl_easy_init failed");
  CURL* c = curl.get();
  curl_slist* raw_headers = curl_slist_append(nullptr, "Content-Type: application/json; charset=utf-8");
  std::string auth;
  if (!config_.token.empty()) {
    auth = "Authorization: Bearer " + config_.token;
    raw_headers = curl_slist_append(raw_headers, auth.c_str());
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(raw_headers, &curl_slist_free_all);
  curl_easy_setopt(c, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &discard);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!config_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(config_.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(config_.timeout_seconds));
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return Status::Unavailable(std::string("SMS gateway: ") + curl_easy_strerror(rc));
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (code >= 200 && code < 300) return Status::Ok();
  const std::string why = "SMS gateway answered HTTP " + std::to_string(code);
  if (code >= 400 && code < 500 && code != 408 && code != 429) return Status::InvalidArgument(why);
  return Status::Unavailable(why);
}

}  // namespace gateway::delivery
