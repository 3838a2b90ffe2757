// The outbound batch file envelope (gateway/batch/batch_envelope.h).
#define BOOST_TEST_MODULE batch_envelope_test
#include <boost/test/unit_test.hpp>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <memory>

#include "batch/batch_envelope.h"

using namespace gateway;

namespace {

persistence::ArchivedSubmission submission(persistence::Id id, bool with_attachment) {
  persistence::ArchivedSubmission s;
  s.id = id;
  s.archive_reference = "AR" + std::to_string(id);
  s.service_code = "4711";
  s.service_edition = 1;
  s.reportee = "910000306";
  s.archived_at = 1700000000;
  persistence::FormRecord f;
  f.data_format_id = "5703";
  f.data_format_version = 34;
  f.form_data = "<Skjema><felt>æøå &amp; ]]></felt></Skjema>";
  s.forms.push_back(f);
  if (with_attachment) {
    persistence::AttachmentRecord a;
    a.id = 9;
    a.name = "Vedlegg";
    a.file_name = "v.pdf";
    a.size = 3;
    s.attachments.push_back(a);
  }
  return s;
}

std::string xpath(xmlDoc* doc, const char* expression) {
  std::unique_ptr<xmlXPathContext, decltype(&xmlXPathFreeContext)> ctx(xmlXPathNewContext(doc), &xmlXPathFreeContext);
  std::unique_ptr<xmlXPathObject, decltype(&xmlXPathFreeObject)> result(
      xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(expression), ctx.get()), &xmlXPathFreeObject);
  if (!result) return "<error>";
  xmlChar* text = xmlXPathCastToString(result.get());
  std::string out = reinterpret_cast<const char*>(text);
  xmlFree(text);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(BatchEnvelope)

BOOST_AUTO_TEST_CASE(NestsOneDataBatchPerSubmissionAndNamesTheZip) {
  persistence::BatchFileRecord file;
  file.id = 12;
  file.owner_code = "ETAT";
  const std::string xml = batch::buildBatchEnvelope(file, {submission(5, true), submission(6, false)}, 1767225600);
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, XML_PARSE_NONET), &xmlFreeDoc);
  BOOST_REQUIRE(doc);
  BOOST_TEST(xpath(doc.get(), "string(/SubmissionBatchFile/@batchId)") == "12");
  BOOST_TEST(xpath(doc.get(), "string(/SubmissionBatchFile/@serviceOwner)") == "ETAT");
  BOOST_TEST(xpath(doc.get(), "string(/SubmissionBatchFile/@count)") == "2");
  BOOST_TEST(xpath(doc.get(), "string(/SubmissionBatchFile/@created)") == "2026-01-01T00:00:00Z");
  BOOST_TEST(xpath(doc.get(), "count(/SubmissionBatchFile/Submission/DataBatch)") == "2");
  BOOST_TEST(xpath(doc.get(), "string(/SubmissionBatchFile/Submission[1]/@attachments)") == "batch-12.AR5.zip");
  BOOST_TEST(xpath(doc.get(), "count(/SubmissionBatchFile/Submission[2]/@attachments)") == "0");
  BOOST_TEST(xpath(doc.get(), "string(/SubmissionBatchFile/Submission[2]/DataBatch/@batchReference)") == "2");
  BOOST_TEST(xpath(doc.get(), "string(//Submission[1]//FormData)") == "<Skjema><felt>æøå &amp; ]]></felt></Skjema>");
  BOOST_TEST(xpath(doc.get(), "string(//Submission[1]//Attachment/@zipEntry)") == "9_v.pdf");
}

BOOST_AUTO_TEST_CASE(AttachmentsFileNameFollowsBatchAndArchiveReference) {
  BOOST_TEST(batch::attachmentsFileName(3, "AR77") == "batch-3.AR77.zip");
}

BOOST_AUTO_TEST_SUITE_END()
