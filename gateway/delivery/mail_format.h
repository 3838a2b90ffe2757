#pragma once
// Building an RFC 5322 e-mail for the SMTP relay: UTF-8 subject as RFC 2047 encoded words, UTF-8
// body as text/plain; charset=utf-8 in quoted-printable, CRLF line ends. Pure functions.

#include <ctime>
#include <string>
#include <string_view>

namespace gateway::delivery {

// `text` unchanged when it is printable ASCII; otherwise "=?UTF-8?B?...?=" words of at most 75
// characters, separated by CRLF + space (folding), never splitting a UTF-8 character.
std::string encodeHeaderText(std::string_view text);

// Quoted-printable (RFC 2045) of UTF-8 text; line ends become CRLF, lines are soft-broken at 76.
std::string quotedPrintable(std::string_view text);

struct EmailParts {
  std::string from;      // bare address
  std::string to;        // bare address
  std::string subject;   // UTF-8
  std::string body;      // UTF-8
  std::string message_id_domain = "gateway.invalid";
  std::string message_id_local;  // unique per message, e.g. "outbox-42"
  std::time_t date = 0;
};

// The whole message (headers + body) as sent in the SMTP DATA phase.
std::string buildEmail(const EmailParts& parts);

}  // namespace gateway::delivery
