#define BOOST_TEST_MODULE form_set_pdf
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "pdf/form_set_pdf.h"

using namespace gateway;
using namespace gateway::pdf;

namespace {

FormSetPdfInput inputWith(std::string form_data) {
  FormSetPdfInput in;
  auto& s = in.submission;
  s.archive_reference = "AR4242";
  s.service_code = "4711";
  s.service_edition = 1;
  s.service_name = "Årsoppgave for små bedrifter";
  s.reportee = "910000306";
  s.archived_at = 1700000000;  // 2023-11-14 22:13:20 UTC
  s.forms.push_back({"5703", 34, "ref-1", std::nullopt, std::move(form_data), true});
  persistence::AttachmentRecord a;
  a.name = "Regnskap";
  a.file_name = "regnskap-ærlig.pdf";
  a.attachment_type_name = "application/pdf";
  a.size = 1234;
  a.sha256_hex = std::string(64, 'a');
  s.attachments.push_back(a);
  in.form_indexes = {0};
  return in;
}

int pageCountOf(const std::string& pdf) {
  std::smatch m;
  // cairo writes one /Type /Pages node with the total page count.
  static const std::regex kCount(R"(/Type /Pages[^>]*/Count (\d+))");
  return std::regex_search(pdf, m, kCount) ? std::stoi(m[1]) : -1;
}

// The PDF's text as poppler's pdftotext extracts it (poppler-utils is a test dependency).
std::string textOf(const std::string& pdf) {
  char name[] = "/tmp/form_set_pdf_testXXXXXX";
  const int fd = mkstemp(name);
  BOOST_REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name, std::ios::binary) << pdf;
  std::string command = std::string("pdftotext -enc UTF-8 ") + name + " - 2>/dev/null";
  std::string text;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, p)) > 0) text.append(buffer, n);
    BOOST_TEST(pclose(p) == 0);
  }
  std::remove(name);
  return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(RenderFormSetPdf)

BOOST_AUTO_TEST_CASE(ProducesAPdfWithEveryFieldAndNorwegianLetters) {
  auto pdf = renderFormSetPdf(inputWith("<Skjema><Navn>Blåbær Ærlig Øvre</Navn><Beløp>1200</Beløp></Skjema>"), {});
  BOOST_REQUIRE(pdf.ok());
  BOOST_TEST(pdf->bytes.rfind("%PDF-", 0) == 0);
  BOOST_TEST(pdf->pages == 1);
  BOOST_TEST(!pdf->truncated);
  const std::string text = textOf(pdf->bytes);
  for (const char* expected : {"Blåbær Ærlig Øvre", "1200", "Skjema/Navn", "AR4242", "910000306",
                               "Årsoppgave for små bedrifter", "2023-11-14 22:13:20", "regnskap-ærlig.pdf",
                               "Regnskap", "1234", "5703"}) {
    BOOST_TEST(text.find(expected) != std::string::npos, "missing in the PDF text: " << expected);
  }
  BOOST_TEST(text.find(std::string(64, 'a')) != std::string::npos);  // the SHA-256 on one line
}

BOOST_AUTO_TEST_CASE(ManyFieldsMakeSeveralPages) {
  std::string xml = "<Skjema>";
  for (int i = 0; i < 300; ++i) xml += "<Felt" + std::to_string(i) + ">verdi " + std::to_string(i) + "</Felt" + std::to_string(i) + ">";
  xml += "</Skjema>";
  auto pdf = renderFormSetPdf(inputWith(xml), {});
  BOOST_REQUIRE(pdf.ok());
  BOOST_TEST(pdf->pages > 3);
  BOOST_TEST(pageCountOf(pdf->bytes) == pdf->pages);
  const std::string text = textOf(pdf->bytes);
  BOOST_TEST(text.find("verdi 0") != std::string::npos);
  BOOST_TEST(text.find("verdi 299") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(LongValuesWrapInsteadOfRunningOffThePage) {
  std::string long_value(3000, 'x');
  auto pdf = renderFormSetPdf(inputWith("<Skjema><Lang>" + long_value + "</Lang></Skjema>"), {});
  BOOST_REQUIRE(pdf.ok());
  const std::string text = textOf(pdf->bytes);
  std::size_t xs = 0;
  for (char c : text) xs += c == 'x';
  BOOST_TEST(xs == long_value.size());  // every character is on a page: wrapped, not clipped
}

BOOST_AUTO_TEST_CASE(StopsAtThePageLimitAndSaysSo) {
  std::string xml = "<Skjema>";
  for (int i = 0; i < 1000; ++i) xml += "<Felt>" + std::to_string(i) + "</Felt>";
  xml += "</Skjema>";
  PdfLimits limits;
  limits.max_pages = 2;
  auto pdf = renderFormSetPdf(inputWith(xml), limits);
  BOOST_REQUIRE(pdf.ok());
  BOOST_TEST(pdf->pages == 2);
  BOOST_TEST(pdf->truncated);
  BOOST_TEST(pageCountOf(pdf->bytes) == 2);
  BOOST_TEST(textOf(pdf->bytes).find("avkortet") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(FormDataOverTheLimitIsListedNotWalked) {
  PdfLimits limits;
  limits.max_form_bytes = 10;
  auto input = inputWith("<Skjema><Hemmelig>ikke vist</Hemmelig></Skjema>");
  input.language = Language::kEnglish;
  auto pdf = renderFormSetPdf(input, limits);
  BOOST_REQUIRE(pdf.ok());
  const std::string text = textOf(pdf->bytes);
  BOOST_TEST(text.find("ikke vist") == std::string::npos);
  BOOST_TEST(text.find("larger than the printing limit") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(PrintsOnlyTheChosenForms) {
  auto input = inputWith("<Skjema><A>første</A></Skjema>");
  input.submission.forms.push_back({"6001", 1, "", std::nullopt, "<Annet><B>andre</B></Annet>", true});
  input.form_indexes = {1};
  auto pdf = renderFormSetPdf(input, {});
  BOOST_REQUIRE(pdf.ok());
  const std::string text = textOf(pdf->bytes);
  BOOST_TEST(text.find("andre") != std::string::npos);
  BOOST_TEST(text.find("første") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
