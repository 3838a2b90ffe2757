#include "core/notification_rules.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "core/party_numbers.h"

namespace gateway::core::notification {
namespace {

using persistence::OutboxTransport;

Status invalid(std::string message, int error_id) { return Status::InvalidArgument(std::move(message), error_id); }

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

bool isCombined(TransportType t) {
  return t == TransportType::kBoth || t == TransportType::kSmsPreferred || t == TransportType::kEmailPreferred;
}

}  // namespace

std::optional<TransportType> transportFromName(std::string_view name) {
  if (name == "SMS") return TransportType::kSms;
  if (name == "Email") return TransportType::kEmail;
  if (name == "IM") return TransportType::kIm;
  if (name == "Both") return TransportType::kBoth;
  if (name == "SMSPreferred") return TransportType::kSmsPreferred;
  if (name == "EmailPreferred") return TransportType::kEmailPreferred;
  return std::nullopt;
}

bool isSupportedLanguage(int id) { return id == kBokmal || id == kNynorsk || id == kEnglish; }

bool isValidEmail(std::string_view address) {
  // Deliberately plain: local@domain.tld, no spaces, no control characters, no angle brackets.
  static const std::regex kEmail(R"(^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$)");
  return address.size() <= 254 && std::regex_match(address.begin(), address.end(), kEmail);
}

bool isValidMobile(std::string_view number) {
  std::string_view digits = number;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  return allDigits(digits) && digits.size() >= 8 && digits.size() <= 15;
}

std::size_t characterCount(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Status checkRequestSize(std::size_t count, int max_notifications) {
  if (count == 0) return invalid("standaloneNotifications holds no StandaloneNotification", error_id::kMissingValue);
  if (count > static_cast<std::size_t>(max_notifications)) {
    return invalid("Too many notifications in one request (at most " + std::to_string(max_notifications) + ")",
                   error_id::kTooManyNotifications);
  }
  return Status::Ok();
}

Status checkNotification(const NotificationInput& in) {
  if (!in.notification_type || in.notification_type->empty()) {
    return invalid("NotificationType is required", error_id::kMissingValue);
  }
  if (!in.reportee || in.reportee->empty()) return invalid("ReporteeNumber is required", error_id::kMissingValue);
  if (in.endpoints.empty()) return invalid("ReceiverEndPoints must name at least one endpoint", error_id::kMissingValue);
  if (in.language_id && !isSupportedLanguage(*in.language_id)) {
    return invalid("LanguageID must be 1044, 2068 or 1033", error_id::kInvalidLanguage);
  }
  if (in.from_address && !in.from_address->empty() && !isValidEmail(*in.from_address)) {
    return invalid("FromAddress is not a valid e-mail address", error_id::kInvalidFromAddress);
  }
  const std::string& reportee = *in.reportee;
  if (reportee.size() == 11 && allDigits(reportee) && !isValidNationalIdentityNumber(reportee)) {
    return invalid("ReporteeNumber is not a valid national identity number", error_id::kInvalidNationalIdentityNumber);
  }
  if (!isValidReportee(reportee)) {
    return invalid("ReporteeNumber is neither an organisation number nor a national identity number",
                   error_id::kUnknownReportee);
  }
  for (const EndpointInput& e : in.endpoints) {
    if (!e.transport || *e.transport == TransportType::kIm) {
      return invalid("TransportType must be SMS, Email, Both, SMSPreferred or EmailPreferred",
                     error_id::kInvalidTransport);
    }
    if (isCombined(*e.transport) && !e.address.empty()) {
      return invalid("ReceiverAddress must be empty for TransportType Both, SMSPreferred and EmailPreferred",
                     error_id::kAddressWithCombinedTransport);
    }
    if (*e.transport == TransportType::kEmail && !e.address.empty() && !isValidEmail(e.address)) {
      return invalid("ReceiverAddress is not a valid e-mail address", error_id::kInvalidEmail);
    }
    if (*e.transport == TransportType::kSms && !e.address.empty() && !isValidMobile(e.address)) {
      return invalid("ReceiverAddress is not a valid mobile number", error_id::kInvalidMobile);
    }
  }
  return Status::Ok();
}

std::string substituteTokens(std::string_view text, const std::vector<TokenInput>& tokens) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      std::size_t close = text.find('}', i + 1);
      if (close != std::string_view::npos && close > i + 1 && close - i <= 4 &&
          allDigits(text.substr(i + 1, close - i - 1))) {
        const int number = std::stoi(std::string(text.substr(i + 1, close - i - 1)));
        for (std::size_t k = 0; k < tokens.size(); ++k) {
          if (tokens[k].number.value_or(static_cast<int>(k)) == number) {
            out += tokens[k].value;
            break;
          }
        }
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::optional<persistence::NotificationTemplateRecord> selectTemplate(
    const std::vector<persistence::NotificationTemplateRecord>& templates, int language_id) {
  for (int wanted : {language_id, kBokmal, kEnglish, kNynorsk}) {
    for (const auto& t : templates) {
      if (t.language_id == wanted) return t;
    }
  }
  if (templates.empty()) return std::nullopt;
  return templates.front();
}

namespace {

bool hasEndpointWithoutAddress(const NotificationInput& in) {
  return std::any_of(in.endpoints.begin(), in.endpoints.end(), [](const EndpointInput& e) { return e.address.empty(); });
}

}  // namespace

bool needsContactRegister(const NotificationInput& in) {
  return hasEndpointWithoutAddress(in) || in.is_reservable.value_or(false) || !in.language_id;
}

Result<Plan> planMessages(const NotificationInput& in, const std::optional<persistence::ContactRecord>& contact,
                          const std::vector<persistence::ContactRecord>& role_holders) {
  Plan plan;
  const bool reservable = in.is_reservable.value_or(false);
  if (contact && contact->reserved && reservable) {
    plan.reserved = true;
    return plan;
  }
  // Whom RetrieveFromProfile endpoints reach: the reportee's own entry, then the role holders.
  std::vector<const persistence::ContactRecord*> recipients;
  if (contact) recipients.push_back(&*contact);
  for (const auto& holder : role_holders) {
    if (holder.reserved && reservable) {
      ++plan.reserved_role_holders;
    } else if (!contact || holder.party_number != contact->party_number) {
      recipients.push_back(&holder);
    }
  }
  if (hasEndpointWithoutAddress(in) && recipients.empty()) {
    if (plan.reserved_role_holders > 0) {
      plan.reserved = true;  // everyone the register would give is reserved
      return plan;
    }
    return invalid("The reportee is not in the contact register and no ReceiverAddress was given",
                   error_id::kUnknownReportee);
  }
  const int reportee_language = contact ? contact->language_id : kBokmal;
  auto add = [&plan](OutboxTransport t, const std::string& address, bool from_profile, int language) {
    for (const auto& m : plan.messages) {
      if (m.transport == t && m.address == address) return;  // the same address once per notification
    }
    plan.messages.push_back({t, address, from_profile, language});
  };
  for (const EndpointInput& e : in.endpoints) {
    const TransportType t = *e.transport;
    if (!e.address.empty()) {
      add(t == TransportType::kSms ? OutboxTransport::kSms : OutboxTransport::kEmail, e.address, false,
          reportee_language);
      continue;
    }
    bool any = false;
    for (const persistence::ContactRecord* r : recipients) {
      const std::string& email = r->email;
      const std::string& mobile = r->mobile;
      switch (t) {
        case TransportType::kSms:
          if (!mobile.empty()) add(OutboxTransport::kSms, mobile, true, r->language_id);
          any = any || !mobile.empty();
          break;
        case TransportType::kEmail:
          if (!email.empty()) add(OutboxTransport::kEmail, email, true, r->language_id);
          any = any || !email.empty();
          break;
        case TransportType::kBoth:
          if (!email.empty()) add(OutboxTransport::kEmail, email, true, r->language_id);
          if (!mobile.empty()) add(OutboxTransport::kSms, mobile, true, r->language_id);
          any = any || !email.empty() || !mobile.empty();
          break;
        case TransportType::kSmsPreferred:
        case TransportType::kEmailPreferred: {
          const bool sms_first = t == TransportType::kSmsPreferred;
          if (email.empty() && mobile.empty()) break;
          if ((sms_first && !mobile.empty()) || email.empty()) add(OutboxTransport::kSms, mobile, true, r->language_id);
          else add(OutboxTransport::kEmail, email, true, r->language_id);
          any = true;
          break;
        }
        case TransportType::kIm:
          return invalid("TransportType IM is not supported", error_id::kInvalidTransport);
      }
    }
    if (!any) {
      switch (t) {
        case TransportType::kSms:
          return invalid("The contact register has no mobile number for the reportee", error_id::kNoMobileInRegister);
        case TransportType::kEmail:
          return invalid("The contact register has no e-mail address for the reportee", error_id::kNoEmailInRegister);
        default:
          return invalid("The contact register has neither e-mail nor mobile for the reportee",
                         error_id::kNoAddressInRegister);
      }
    }
  }
  return plan;
}

}  // namespace gateway::core::notification
