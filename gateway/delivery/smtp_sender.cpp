#include "delivery/smtp_sender.h"

#include <curl/curl.h>

#include <cstring>
#include <ctime>
#include <memory>

#include "delivery/mail_format.h"

namespace gateway::delivery {
namespace {

struct Upload {
  const std::string& data;
  std::size_t offset = 0;
};

std::size_t readChunk(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t room = size * count;
  const std::size_t left = upload->data.size() - upload->offset;
  const std::size_t n = left < room ? left : room;
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

Status SmtpSender::send(const persistence::OutboxMessage& message) {
  if (config_.host.empty()) return Status::Unavailable("no SMTP relay configured (smtp.host)");
  const std::string from = message.from_address.empty() ? config_.from : message.from_address;
  EmailParts parts;
  parts.from = from;
  parts.to = message.recipient;
  parts.subject = message.subject;
  parts.body = message.body;
  parts.message_id_local = "notification-" + std::to_string(message.id) + "." + std::to_string(message.created_at);
  parts.date = std::time(nullptr);
  const std::string data = buildEmail(parts);

  if (!curl_) {
    curl_.reset(curl_easy_init());
    if (!curl_) return Status::Internal("curl_easy_init failed");
    CURL* c = curl_.get();
    const std::string url = "smtp://" + config_.host + ":" + std::to_string(config_.port);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());  // libcurl copies option strings
    curl_easy_setopt(c, CURLOPT_USE_SSL, config_.starttls == "required"   ? static_cast<long>(CURLUSESSL_ALL)
                                         : config_.starttls == "optional" ? static_cast<long>(CURLUSESSL_TRY)
                                                                           : static_cast<long>(CURLUSESSL_NONE));
    if (!config_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());
    if (!config_.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, config_.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
    }
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(config_.timeout_seconds));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(config_.timeout_seconds));
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &readChunk);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    // Relays drop idle clients (often after a minute or more); an older connection is not reused.
    curl_easy_setopt(c, CURLOPT_MAXAGE_CONN, 30L);
  }
  CURL* c = curl_.get();
  const std::string mail_from = "<" + from + ">";
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  const std::string rcpt = "<" + message.recipient + ">";
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> recipients(curl_slist_append(nullptr, rcpt.c_str()),
                                                                 &curl_slist_free_all);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  Upload upload{data};
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);  // the list dies with this call
  if (rc == CURLE_OK) return Status::Ok();
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  curl_.reset();  // after any error the next message starts on a fresh connection
  const std::string why = std::string("SMTP: ") + curl_easy_strerror(rc) + (reply ? " (reply " + std::to_string(reply) + ")" : "");
  if (reply >= 500 && reply < 600) return Status::InvalidArgument(why);
  return Status::Unavailable(why);
}

}  // namespace gateway::delivery
