#define BOOST_TEST_MODULE mail_format
#include <boost/test/unit_test.hpp>

#include "delivery/mail_format.h"

using namespace gateway::delivery;

namespace {

// Decodes one "=?UTF-8?B?...?=" word (test helper).
std::string decodeWord(const std::string& word) {
  const std::string prefix = "=?UTF-8?B?";
  BOOST_REQUIRE(word.rfind(prefix, 0) == 0);
  BOOST_REQUIRE(word.size() >= prefix.size() + 2 && word.substr(word.size() - 2) == "?=");
  const std::string b64 = word.substr(prefix.size(), word.size() - prefix.size() - 2);
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    buffer = (buffer << 6) | static_cast<unsigned>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(MailFormat)

BOOST_AUTO_TEST_CASE(AsciiSubjectStaysAsItIs) { BOOST_TEST(encodeHeaderText("Deadline tomorrow") == "Deadline tomorrow"); }

BOOST_AUTO_TEST_CASE(Utf8SubjectBecomesAnEncodedWord) {
  BOOST_TEST(encodeHeaderText("Frist for MVA-melding: blåbær") == "=?UTF-8?B?RnJpc3QgZm9yIE1WQS1tZWxkaW5nOiBibMOlYsOmcg==?=");
}

BOOST_AUTO_TEST_CASE(LongSubjectIsFoldedWithoutSplittingALetter) {
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "æøå";
  const std::string encoded = encodeHeaderText(subject);
  std::string decoded;
  std::size_t start = 0;
  while (start < encoded.size()) {
    std::size_t end = encoded.find("\r\n ", start);
    const std::string word = encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
    BOOST_TEST(word.size() <= 75u);
    const std::string part = decodeWord(word);
    BOOST_TEST((static_cast<unsigned char>(part[0]) & 0xC0) != 0x80u);  // starts on a character boundary
    decoded += part;
    if (end == std::string::npos) break;
    start = end + 3;
  }
  BOOST_TEST(decoded == subject);
}

BOOST_AUTO_TEST_CASE(HeaderTextCannotInjectHeaders) {
  const std::string encoded = encodeHeaderText("hei\r\nBcc: x@example.no");
  BOOST_TEST(encoded.find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(BodyIsQuotedPrintableUtf8) {
  BOOST_TEST(quotedPrintable("Hei Ola, æøå ÆØÅ") == "Hei Ola, =C3=A6=C3=B8=C3=A5 =C3=86=C3=98=C3=85");
  BOOST_TEST(quotedPrintable("a=b\nline two \n.") == "a=3Db\r\nline two=20\r\n=2E");
}

BOOST_AUTO_TEST_CASE(LongLinesAreSoftBroken) {
  const std::string qp = quotedPrintable(std::string(200, 'x'));
  std::size_t start = 0;
  while (true) {
    std::size_t end = qp.find("\r\n", start);
    BOOST_TEST((end == std::string::npos ? qp.size() - start : end - start) <= 76u);
    if (end == std::string::npos) break;
    start = end + 2;
  }
}

BOOST_AUTO_TEST_CASE(MessageHasUtf8MimeHeaders) {
  EmailParts p;
  p.from = "etat@example.no";
  p.to = "ola@example.no";
  p.subject = "Blåbær";
  p.body = "Tekst";
  p.message_id_local = "n-1";
  p.date = 0;
  const std::string m = buildEmail(p);
  BOOST_TEST(m.find("From: <etat@example.no>\r\n") != std::string::npos);
  BOOST_TEST(m.find("To: <ola@example.no>\r\n") != std::string::npos);
  BOOST_TEST(m.find("Subject: =?UTF-8?B?") != std::string::npos);
  BOOST_TEST(m.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
  BOOST_TEST(m.find("Content-Transfer-Encoding: quoted-printable\r\n\r\nTekst") != std::string::npos);
  BOOST_TEST(m.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
