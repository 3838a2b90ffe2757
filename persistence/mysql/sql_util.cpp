#include "sql_util.h"

#include <charconv>

namespace gateway::persistence::mysql {

std::string archiveReferenceOf(Id submission_id) { return "AR" + std::to_string(submission_id); }

std::optional<Id> submissionIdOf(std::string_view archive_reference) {
  if (archive_reference.size() < 3 || archive_reference.substr(0, 2) != "AR") return std::nullopt;
  std::string_view digits = archive_reference.substr(2);
  if (digits.front() == '0') return std::nullopt;  // one spelling per id
  Id id = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return id;
}

const char* receiptStatusName(ReceiptStatus status) {
  switch (status) {
    case ReceiptStatus::kNotSet: return "NotSet";
    case ReceiptStatus::kOk: return "OK";
    case ReceiptStatus::kUnExpectedError: return "UnExpectedError";
    case ReceiptStatus::kValidationFailed: return "ValidationFailed";
    case ReceiptStatus::kRejected: return "Rejected";
  }
  return "NotSet";
}

ReceiptStatus receiptStatusFromName(std::string_view name) {
  if (name == "OK") return ReceiptStatus::kOk;
  if (name == "UnExpectedError") return ReceiptStatus::kUnExpectedError;
  if (name == "ValidationFailed") return ReceiptStatus::kValidationFailed;
  if (name == "Rejected") return ReceiptStatus::kRejected;
  return ReceiptStatus::kNotSet;
}

const char* shipmentStatusName(ShipmentStatus status) {
  switch (status) {
    case ShipmentStatus::kNotSent: return "NotSent";
    case ShipmentStatus::kSent: return "Sent";
    case ShipmentStatus::kError: return "Error";
    case ShipmentStatus::kNotSet: return "NotSet";
    case ShipmentStatus::kCorrelated: return "Correlated";
  }
  return "NotSet";
}

ShipmentStatus shipmentStatusFromName(std::string_view name) {
  if (name == "NotSent") return ShipmentStatus::kNotSent;
  if (name == "Sent") return ShipmentStatus::kSent;
  if (name == "Error") return ShipmentStatus::kError;
  if (name == "Correlated") return ShipmentStatus::kCorrelated;
  return ShipmentStatus::kNotSet;
}

const char* systemRoleName(SystemRole role) { return role == SystemRole::kServiceOwner ? "owner" : "enduser"; }

SystemRole systemRoleFromName(std::string_view name) {
  return name == "owner" ? SystemRole::kServiceOwner : SystemRole::kEndUser;
}

}  // namespace gateway::persistence::mysql
