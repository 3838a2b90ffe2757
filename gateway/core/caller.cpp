#include "core/caller.h"

namespace gateway::core {

Result<persistence::SystemRecord> authenticate(auth::CredentialVerifier& verifier,
                                               const std::optional<std::string>& certificate_org_number,
                                               const std::string* username, const std::string* password,
                                               RequiredRole role) {
  if (!certificate_org_number || certificate_org_number->empty()) {
    return Status::PermissionDenied("the client certificate carries no organisation number");
  }
  auto system = verifier.verify(username, password, *certificate_org_number);
  if (!system.ok()) return system.status();
  const bool is_owner = system->role == persistence::SystemRole::kServiceOwner;
  if (role == RequiredRole::kServiceOwner && !is_owner) {
    return Status::PermissionDenied("this operation is for service owner systems");
  }
  if (role == RequiredRole::kEndUser && is_owner) {
    return Status::PermissionDenied("this operation is for end-user systems");
  }
  return system;
}

}  // namespace gateway::core
