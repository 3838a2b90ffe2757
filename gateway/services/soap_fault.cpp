#include "services/soap_fault.h"

#include <openssl/rand.h>

#include <cstdio>

#include "common/log.h"
#include "services/fault_texts.h"
#include "services/soap_values.h"

namespace gateway::services {
namespace {

std::string newErrorGuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    for (auto& x : b) x = static_cast<unsigned char>(std::rand());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

bool isCallersFault(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied:
    case StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

// What the caller is told. Internal causes stay in the log, keyed by the ErrorGuid.
std::string publicMessage(const Status& status) {
  switch (status.code()) {
    case StatusCode::kUnavailable: return "The service is temporarily unavailable. Try again later.";
    case StatusCode::kInternal: return "An unexpected error occurred.";
    default: return status.message();
  }
}

const char* codeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kAlreadyExists: return "already_exists";
    case StatusCode::kUnauthenticated: return "unauthenticated";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kResourceExhausted: return "resource_exhausted";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace

int toSoapFault(struct soap* soap, const Status& status, const char* operation, int language_id) {
  const std::string guid = newErrorGuid();
  const std::string message = publicMessage(status);
  const bool client = isCallersFault(status.code());
  (client ? log::warn : log::error)("soap.fault", {{"error_guid", guid},
                                                   {"error_id", std::to_string(status.altinnErrorId())},
                                                   {"code", codeName(status.code())},
                                                   {"operation", operation ? operation : ""},
                                                   {"path", soap->path},
                                                   {"cause", status.message()}});
  soap->error = SOAP_OK;
  if (client) soap_sender_fault(soap, soap_strdup(soap, message.c_str()), nullptr);
  else soap_receiver_fault(soap, soap_strdup(soap, message.c_str()), nullptr);

  auto* detail = soap_new_fault__AltinnFault(soap);
  detail->AltinnErrorMessage = soapString(soap, message);
  detail->AltinnExtendedErrorMessage = soapString(soap, "No information available");
  const auto localized = client ? localizedFaultText(status.altinnErrorId(), language_id) : std::nullopt;
  detail->AltinnLocalizedErrorMessage = soapString(soap, localized.value_or(message));
  detail->ErrorGuid = soapString(soap, guid);
  detail->ErrorID = soapValue(soap, status.altinnErrorId());
  detail->UserGuid = soapString(soap, "-no value-");
  detail->UserId = soapString(soap, "");

  auto* envelope_detail = soap_new_SOAP_ENV__Detail(soap);
  envelope_detail->fault__AltinnFault_ = detail;
  if (soap->version == 2) soap->fault->SOAP_ENV__Detail = envelope_detail;
  else soap->fault->detail = envelope_detail;
  return soap->error = SOAP_FAULT;
}

Status statusForEngineError(int error) {
  switch (error) {
    case SOAP_NO_METHOD:
      return Status::InvalidArgument("This service has no such operation (check the body element and its namespace)");
    case SOAP_TAG_MISMATCH:
    case SOAP_NO_TAG:
    case SOAP_NAMESPACE:
    case SOAP_END_TAG:
      return Status::InvalidArgument("Unexpected element or namespace in the request");
    case SOAP_VERSIONMISMATCH:
      return Status::InvalidArgument("Unsupported SOAP envelope version");
    case SOAP_SYNTAX_ERROR:
    case SOAP_UTF_ERROR:
    case SOAP_EOF:
    case SOAP_MIME_ERROR:
    case SOAP_MIME_END:
    case SOAP_ZLIB_ERROR:
      return Status::InvalidArgument("The request is not well-formed XML");
    case SOAP_TYPE:
    case SOAP_FIXED:
    case SOAP_PATTERN:
    case SOAP_LENGTH:
    case SOAP_EMPTY:
      return Status::InvalidArgument("A value in the request is not valid for its type (e.g. an unknown enum value)");
    case SOAP_NULL:
    case SOAP_REQUIRED:
    case SOAP_PROHIBITED:
    case SOAP_OCCURS:
      return Status::InvalidArgument("A required element is missing or an element occurs too often");
    case SOAP_LEVEL:
      return Status::ResourceExhausted("The request nests elements deeper than allowed");
    case SOAP_EOM:
      return Status::ResourceExhausted("The request is larger than allowed");
    case SOAP_DUPLICATE_ID:
    case SOAP_MISSING_ID:
    case SOAP_HREF:
      return Status::InvalidArgument("The request has broken id/href references");
    case SOAP_MUSTUNDERSTAND:
      return Status::InvalidArgument("A SOAP header marked mustUnderstand is not understood");
    case SOAP_HTTP_METHOD:
    case SOAP_GET_METHOD:
    case SOAP_PUT_METHOD:
    case SOAP_PATCH_METHOD:
    case SOAP_DEL_METHOD:
      return Status::InvalidArgument("Unsupported HTTP method");
    default:
      return Status::Internal("gSOAP engine error " + std::to_string(error));
  }
}

int engineErrorToSoapFault(struct soap* soap) {
  const int error = soap->error;
  Status status = statusForEngineError(error);
  if (status.code() == StatusCode::kInternal) {
    // Keep the engine's own words for the operator.
    const char* detail = *soap_faultstring(soap) ? *soap_faultstring(soap) : "";
    status = Status::Internal("gSOAP engine error " + std::to_string(error) + ": " + detail);
  }
  return toSoapFault(soap, status, nullptr);
}

}  // namespace gateway::services
