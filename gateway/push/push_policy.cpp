#include "push_policy.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>

namespace gateway::push {
namespace {

using persistence::PushAttempt;
using persistence::PushState;

std::chrono::milliseconds backoff(int failed_answers, const RetryPolicy& policy) {
  std::chrono::milliseconds delay = policy.backoff_initial;
  for (int i = 1; i < failed_answers && delay < policy.backoff_max; ++i) delay *= 2;
  return std::min(delay, policy.backoff_max);
}

std::string unescapeOnce(const std::string& s) {
  static const std::pair<const char*, char> kEntities[] = {
      {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&amp;", '&'}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool replaced = false;
    if (s[i] == '&') {
      for (const auto& [entity, ch] : kEntities) {
        if (s.compare(i, std::char_traits<char>::length(entity), entity) == 0) {
          out += ch;
          i += std::char_traits<char>::length(entity);
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += s[i++];
  }
  return out;
}

ReceiverOutcome unrecognised() { return {OutcomeKind::kFailed, "unrecognised receipt"}; }

}  // namespace

PushAttempt decide(const ReceiverOutcome& outcome, int attempts_before, const RetryPolicy& policy) {
  PushAttempt attempt;
  attempt.result_text = outcome.text;
  switch (outcome.kind) {
    case OutcomeKind::kOk:
      attempt.state = PushState::kDelivered;
      attempt.result_text = "OK" + (outcome.text.empty() ? std::string() : ": " + outcome.text);
      return attempt;
    case OutcomeKind::kFailedDoNotRetry:
      attempt.state = PushState::kDead;
      attempt.result_text = "FAILED_DO_NOT_RETRY: " + outcome.text;
      return attempt;
    case OutcomeKind::kFailed: {
      const int failed_answers = attempts_before + 1;
      attempt.result_text = "FAILED: " + outcome.text;
      if (failed_answers >= std::max(1, policy.max_attempts)) {
        attempt.state = PushState::kDead;
        attempt.result_text += " (gave up after " + std::to_string(failed_answers) + " attempts)";
      } else {
        attempt.state = PushState::kPending;
        attempt.retry_after = backoff(failed_answers, policy);
      }
      return attempt;
    }
    case OutcomeKind::kUnavailable:
      attempt.state = PushState::kPending;
      attempt.count_attempt = false;
      attempt.channel_queue_mode = true;
      attempt.retry_after = policy.queue_retry_interval;
      attempt.result_text = "receiver unavailable: " + outcome.text;
      return attempt;
  }
  return attempt;
}

ReceiverOutcome parseReceipt(const std::string& result) {
  std::string text = result;
  if (text.find('<') == std::string::npos && text.find("&lt;") != std::string::npos) text = unescapeOnce(text);
  if (text.empty() || text.size() > (1u << 20)) return unrecognised();
  std::unique_ptr<xmlDoc, void (*)(xmlDoc*)> doc(
      xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                                   XML_PARSE_NOWARNING),
      &xmlFreeDoc);
  if (!doc) return unrecognised();
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr || xmlStrcmp(root->name, BAD_CAST "OnlineBatchReceipt") != 0) return unrecognised();
  for (xmlNode* child = root->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE || xmlStrcmp(child->name, BAD_CAST "Result") != 0) continue;
    std::unique_ptr<xmlChar, void (*)(void*)> code(xmlGetProp(child, BAD_CAST "resultCode"), xmlFree);
    std::unique_ptr<xmlChar, void (*)(void*)> content(xmlNodeGetContent(child), xmlFree);
    const std::string message = content ? reinterpret_cast<const char*>(content.get()) : "";
    const std::string value = code ? reinterpret_cast<const char*>(code.get()) : "";
    if (value == "OK") return {OutcomeKind::kOk, message};
    if (value == "FAILED") return {OutcomeKind::kFailed, message};
    if (value == "FAILED_DO_NOT_RETRY") return {OutcomeKind::kFailedDoNotRetry, message};
    return unrecognised();
  }
  return unrecognised();
}

}  // namespace gateway::push
