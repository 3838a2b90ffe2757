#include "delivery/mail_format.h"

#include <array>
#include <cstdio>

namespace gateway::delivery {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  while (i + 2 < in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
    i += 3;
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool isPlainAscii(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return text.find("=?") == std::string_view::npos;
}

// Length of the UTF-8 sequence starting with `lead` (1 for anything unexpected).
std::size_t sequenceLength(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// Header values must not carry CR/LF (header injection): they become spaces.
std::string oneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return out;
}

}  // namespace

std::string encodeHeaderText(std::string_view raw) {
  const std::string text = oneLine(raw);
  if (isPlainAscii(text)) return text;
  // "=?UTF-8?B?" + base64 + "?=" <= 75 characters: 12 characters of overhead leave 63, so at most
  // 45 bytes (60 base64 characters) of text per word.
  constexpr std::size_t kMaxBytesPerWord = 45;
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      const std::size_t len = sequenceLength(static_cast<unsigned char>(text[end]));
      if (end + len - i > kMaxBytesPerWord) break;
      end += len;
    }
    if (end == i) end = std::min(text.size(), i + 1);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(text).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string quotedPrintable(std::string_view text) {
  std::string out;
  std::size_t line = 0;
  auto emit = [&](const std::string& piece) {
    if (line + piece.size() > 75) {
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;  // CRLF: handled at '\n'
    if (c == '\n' || c == '\r') {
      // Trailing white space before a line end must be encoded.
      if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
        char last = out.back();
        out.pop_back();
        --line;
        char hex[4];
        std::snprintf(hex, sizeof hex, "=%02X", static_cast<unsigned>(last));
        emit(hex);
      }
      out += "\r\n";
      line = 0;
      continue;
    }
    if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') {
      // A '.' at the start of a line is encoded too, so no relay ever sees a lone "." line.
      if (c == '.' && line == 0) {
        emit("=2E");
      } else {
        emit(std::string(1, static_cast<char>(c)));
      }
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "=%02X", static_cast<unsigned>(c));
      emit(hex);
    }
  }
  if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
    char last = out.back();
    out.pop_back();
    char hex[4];
    std::snprintf(hex, sizeof hex, "=%02X", static_cast<unsigned>(last));
    out += hex;
  }
  return out;
}

std::string buildEmail(const EmailParts& p) {
  char date[64];
  std::tm tm{};
  gmtime_r(&p.date, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::string m;
  m += "Date: " + std::string(date) + "\r\n";
  m += "From: <" + oneLine(p.from) + ">\r\n";
  m += "To: <" + oneLine(p.to) + ">\r\n";
  m += "Message-ID: <" + oneLine(p.message_id_local) + "@" + oneLine(p.message_id_domain) + ">\r\n";
  m += "Subject: " + encodeHeaderText(p.subject) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n";
  m += "\r\n";
  m += quotedPrintable(p.body);
  m += "\r\n";
  return m;
}

}  // namespace gateway::delivery
