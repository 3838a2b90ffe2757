#pragma once
// Internal to gateway/services: allocating response values in the request's gSOAP arena
// (freed by soap_destroy/soap_end after the response is sent) and reading optional request fields.

#include <optional>
#include <string>
#include <type_traits>

#include "soapH.h"

namespace gateway::services {

inline std::string* soapString(struct soap* soap, const std::string& value) {
  std::string* p = soap_new_std__string(soap);
  *p = value;
  return p;
}

// For ints, bools, enums, time_t: trivially copyable values.
template <typename T>
T* soapValue(struct soap* soap, T value) {
  static_assert(std::is_trivially_copyable_v<T>);
  T* p = static_cast<T*>(soap_malloc(soap, sizeof(T)));
  *p = value;
  return p;
}

template <typename T>
std::optional<T> optionalOf(const T* p) {
  return p ? std::optional<T>(*p) : std::nullopt;
}

inline std::string textOf(const std::string* p) { return p ? *p : std::string(); }

}  // namespace gateway::services
