#pragma once
// SystemUserCode / PrefillFormTask.ServiceOwnerCode: "a code that uniquely represents the source
// system, format XXX_YYYY; the part before '_' is the service owner". The gateway accepts the
// caller's own owner code, alone or followed by '_' and a department/system suffix.

#include <string>
#include <string_view>

namespace gateway::core {

inline bool isOwnSystemUserCode(std::string_view code, std::string_view owner_code) {
  if (owner_code.empty() || code.size() < owner_code.size() || code.substr(0, owner_code.size()) != owner_code) {
    return false;
  }
  return code.size() == owner_code.size() || (code[owner_code.size()] == '_' && code.size() > owner_code.size() + 1);
}

}  // namespace gateway::core
