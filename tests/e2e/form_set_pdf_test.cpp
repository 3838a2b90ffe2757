#define BOOST_TEST_MODULE e2e_form_set_pdf
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "submissions.h"

using namespace gateway::testing;

namespace {

const char* const kFormData =
    "<Skjema><Innsender><Navn>Blåbær Ærlig Øvre</Navn><Sted>Ålesund</Sted></Innsender>"
    "<Merknad>Søknad om støtte til ærfugl på Øya</Merknad><Beløp>1200</Beløp></Skjema>";

// One submission by enduser to agency's service with an attachment, shared by the cases below.
struct Submitted {
  std::string archive_reference;
  Submitted() {
    auto& gw = gatewayUnderTest();
    auto inbound = client<InboundProxy>(kInboundPath, "enduser");
    SubmissionSpec spec;
    spec.end_user_reference = "pdf-1";
    spec.form_data = kFormData;
    spec.attachment = "vedleggets innhold";
    iib__ReceiptExternalBE* receipt = nullptr;
    if (submit(inbound, gw.identity("enduser"), spec, &receipt) != SOAP_OK) throw std::runtime_error("submit failed");
    archive_reference = archiveReferenceOf(receipt);
  }
};

const Submitted& submitted() {
  static Submitted s;
  return s;
}

struct PdfCall {
  Client<QueueProxy> queue;
  _dq__GetFormSetPdfBasic req;
  _dq__GetFormSetPdfBasicResponse resp;
  std::string data_format_id;
  int data_format_version = 0;

  PdfCall(const std::string& identity, const std::string& archive_reference) : queue(client<QueueProxy>(kQueuePath, identity)) {
    Identity id = gatewayUnderTest().identity(identity);
    req.systemName = id.system_user;
    req.systemPassword = id.system_password;
    req.archiveReference = archive_reference;
    req.languageId = 1044;
  }
  int call() { return queue->GetFormSetPdfBasic(&req, resp); }
  std::string bytes() const {
    const auto* b = resp.GetFormSetPdfBasicResult;
    return b && b->__ptr ? std::string(reinterpret_cast<const char*>(b->__ptr), static_cast<std::size_t>(b->__size))
                         : std::string();
  }
};

// Writes the PDF to a temporary file and returns what `pdftotext -enc UTF-8` reads from it.
std::string pdfText(const std::string& pdf) {
  char name[] = "/tmp/e2e_form_set_pdfXXXXXX";
  const int fd = mkstemp(name);
  BOOST_REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name, std::ios::binary) << pdf;
  const std::string command = std::string("pdftotext -enc UTF-8 ") + name + " - 2>&1";
  std::string text;
  FILE* p = popen(command.c_str(), "r");
  BOOST_REQUIRE(p);
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, p)) > 0) text.append(buffer, n);
  BOOST_TEST(pclose(p) == 0, "pdftotext failed: " << text);
  std::remove(name);
  return text;
}

std::string faultMessage(struct soap* soap) {
  const auto* f = altinnFault(soap);
  return f && f->AltinnErrorMessage ? *f->AltinnErrorMessage : std::string();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(FormSetPdf)

BOOST_AUTO_TEST_CASE(PdfShowsEveryValueTheArchiveReferenceAndTheAttachments) {
  const std::string ar = submitted().archive_reference;
  BOOST_REQUIRE(!ar.empty());
  PdfCall pdf("agency", ar);
  BOOST_REQUIRE_EQUAL(pdf.call(), SOAP_OK);
  const std::string bytes = pdf.bytes();
  BOOST_REQUIRE(bytes.rfind("%PDF-", 0) == 0);
  const std::string text = pdfText(bytes);
  for (const char* expected : {"Blåbær Ærlig Øvre", "Ålesund", "Søknad om støtte til ærfugl på Øya", "1200",
                               "Skjema/Innsender/Navn", "910000306", "4711", "Skjema 4711", "5703", "vedlegg",
                               "vedlegg.txt"}) {
    BOOST_TEST(text.find(expected) != std::string::npos, "not in the PDF text: " << expected);
  }
  BOOST_TEST(text.find(ar) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(DataFormatFilterPicksFormsAndRefusesAnAbsentOne) {
  PdfCall matching("agency", submitted().archive_reference);
  matching.data_format_id = "5703";
  matching.data_format_version = 34;
  matching.req.dataFormatId = &matching.data_format_id;
  matching.req.dataFormatVersion = &matching.data_format_version;
  matching.req.languageId = 1033;
  BOOST_REQUIRE_EQUAL(matching.call(), SOAP_OK);
  BOOST_TEST(pdfText(matching.bytes()).find("Archive reference") != std::string::npos);

  PdfCall absent("agency", submitted().archive_reference);
  absent.data_format_id = "6001";
  absent.req.dataFormatId = &absent.data_format_id;
  BOOST_TEST(absent.call() != SOAP_OK);
  BOOST_TEST(altinnFault(absent.queue->soap) != nullptr);
  BOOST_TEST(absent.bytes().empty());
}

BOOST_AUTO_TEST_CASE(AnotherOwnerGetsTheSameFaultAsForAnUnknownReference) {
  PdfCall other("agency2", submitted().archive_reference);
  BOOST_TEST(other.call() != SOAP_OK);
  BOOST_REQUIRE(altinnFault(other.queue->soap));
  BOOST_TEST(other.bytes().empty());

  PdfCall unknown("agency2", "AR987654321");
  BOOST_TEST(unknown.call() != SOAP_OK);
  BOOST_REQUIRE(altinnFault(unknown.queue->soap));
  BOOST_TEST(faultMessage(other.queue->soap) == faultMessage(unknown.queue->soap));
  BOOST_TEST(altinnErrorId(other.queue->soap).value_or(-1) == altinnErrorId(unknown.queue->soap).value_or(-2));
  BOOST_TEST(faultMessage(other.queue->soap).find("910000306") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(BadCallersAndBadInputAreFaults) {
  PdfCall wrong_password("agency", submitted().archive_reference);
  wrong_password.req.systemPassword = "not-the-password";
  BOOST_TEST(wrong_password.call() != SOAP_OK);
  BOOST_TEST(altinnErrorId(wrong_password.queue->soap).value_or(-1) != 0);

  PdfCall end_user("enduser", submitted().archive_reference);  // an end-user system is not a service owner
  BOOST_TEST(end_user.call() != SOAP_OK);
  BOOST_TEST(altinnFault(end_user.queue->soap) != nullptr);

  PdfCall language("agency", submitted().archive_reference);
  language.req.languageId = 1;
  BOOST_TEST(language.call() != SOAP_OK);
  BOOST_TEST(altinnErrorId(language.queue->soap).value_or(-1) == 40001);

  PdfCall empty_reference("agency", "");
  BOOST_TEST(empty_reference.call() != SOAP_OK);
  BOOST_TEST(altinnFault(empty_reference.queue->soap) != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
