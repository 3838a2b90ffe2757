#include "auth/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

namespace gateway::auth {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;  // SHA-256 output: longer would only slow the defender

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Strict standard base64 with padding; nullopt for anything else.
std::optional<std::vector<unsigned char>> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    bool pad = c == '=' && i >= text.size() - 2 && (i == text.size() - 1 || text[text.size() - 1] == '=');
    if (!alnum && !pad) return std::nullopt;
  }
  std::vector<unsigned char> out(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes.
  std::size_t padding = (text.back() == '=') + (text.size() > 1 && text[text.size() - 2] == '=');
  out.resize(static_cast<std::size_t>(n) - padding);
  if (base64(out.data(), out.size()) != text) return std::nullopt;  // non-canonical (stray low bits)
  return out;
}

bool derive(const std::string& password, const unsigned char* salt, std::size_t salt_size, int iterations,
            unsigned char* out, std::size_t out_size) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, static_cast<int>(salt_size),
                           iterations, EVP_sha256(), static_cast<int>(out_size), out) == 1;
}

}  // namespace

Result<std::string> hashPassword(const std::string& password, int iterations) {
  if (iterations < kMinPbkdf2Iterations || iterations > kMaxPbkdf2Iterations) {
    return Status::InvalidArgument("PBKDF2 iteration count out of range");
  }
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) return Status::Internal("no randomness for the password salt");
  unsigned char hash[kHashBytes];
  if (!derive(password, salt, sizeof salt, iterations, hash, sizeof hash)) {
    return Status::Internal("PBKDF2 failed");
  }
  std::string encoded(kScheme);
  encoded += '$';
  encoded += std::to_string(iterations);
  encoded += '$';
  encoded += base64(salt, sizeof salt);
  encoded += '$';
  encoded += base64(hash, sizeof hash);
  OPENSSL_cleanse(hash, sizeof hash);
  return encoded;
}

bool verifyPassword(const std::string& password, const std::string& encoded) {
  // scheme $ iterations $ salt $ hash, nothing more.
  std::string_view rest(encoded);
  std::string_view parts[4];
  for (int i = 0; i < 4; ++i) {
    auto dollar = rest.find('$');
    if (i < 3) {
      if (dollar == std::string_view::npos) return false;
      parts[i] = rest.substr(0, dollar);
      rest.remove_prefix(dollar + 1);
    } else {
      if (dollar != std::string_view::npos) return false;
      parts[i] = rest;
    }
  }
  if (parts[0] != kScheme) return false;
  int iterations = 0;
  const char* end = parts[1].data() + parts[1].size();
  auto [ptr, ec] = std::from_chars(parts[1].data(), end, iterations);
  if (ec != std::errc() || ptr != end || parts[1].empty() || parts[1][0] == '0') return false;
  if (iterations < kMinPbkdf2Iterations || iterations > kMaxPbkdf2Iterations) return false;
  auto salt = unbase64(parts[2]);
  auto expected = unbase64(parts[3]);
  if (!salt || !expected || salt->size() < 8 || expected->size() != kHashBytes) return false;

  unsigned char actual[kHashBytes];
  if (!derive(password, salt->data(), salt->size(), iterations, actual, sizeof actual)) return false;
  bool equal = CRYPTO_memcmp(actual, expected->data(), kHashBytes) == 0;
  OPENSSL_cleanse(actual, sizeof actual);
  return equal;
}

}  // namespace gateway::auth
