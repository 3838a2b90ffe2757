#pragma once
// Authenticating the caller of an operation: certificate organisation number plus body credentials,
// and the role the operation requires.

#include <optional>
#include <string>

#include "auth/credential_verifier.h"
#include "common/status.h"
#include "persistence/records.h"

namespace gateway::core {

enum class RequiredRole { kServiceOwner, kEndUser, kAny };

// The verified system. kPermissionDenied (ErrorID 5) when the certificate has no organisation
// number or the system's role does not fit the operation; verifier errors pass through.
Result<persistence::SystemRecord> authenticate(auth::CredentialVerifier& verifier,
                                               const std::optional<std::string>& certificate_org_number,
                                               const std::string* username, const std::string* password,
                                               RequiredRole role);

}  // namespace gateway::core
