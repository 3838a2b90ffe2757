// Where the contract tests find the project's WSDLs and Altinn's reference WSDLs.
#pragma once

#include <cstdlib>
#include <filesystem>

namespace gateway::testing::wsdl {

// GATEWAY_SOURCE_DIR from the environment, else the source tree this test was built from.
inline std::filesystem::path sourceDir() {
  if (const char* env = std::getenv("GATEWAY_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  return GATEWAY_SOURCE_DIR_DEFAULT;
}

inline std::filesystem::path projectWsdlDir() { return sourceDir() / "wsdl"; }

// GATEWAY_REFERENCE_DIR from the environment, else <source>/../shared/reference/altinn2-wsdl
// (the reference files live beside the repository, never inside it).
inline std::filesystem::path referenceDir() {
  if (const char* env = std::getenv("GATEWAY_REFERENCE_DIR"); env != nullptr && *env != '\0') return env;
  return sourceDir() / ".." / "shared" / "reference" / "altinn2-wsdl";
}

}  // namespace gateway::testing::wsdl
