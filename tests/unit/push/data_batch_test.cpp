// The DataBatch document sent as `batch` (gateway/push/data_batch.h).
#define BOOST_TEST_MODULE data_batch_test
#include <boost/test/unit_test.hpp>

#include <libxml/parser.h>

#include "push/data_batch.h"

using namespace gateway;

namespace {

persistence::ArchivedSubmission submission() {
  persistence::ArchivedSubmission s;
  s.id = 42;
  s.archive_reference = "AR42";
  s.service_code = "4711";
  s.service_edition = 1;
  s.reportee = "910000306";
  s.archived_at = 1700000000;
  persistence::FormRecord f;
  f.data_format_id = "5703";
  f.data_format_version = 34;
  f.end_user_system_reference = "ref&1";
  f.form_data = "<Skjema><felt>æøå</felt><tricky>]]></tricky></Skjema>";
  s.forms.push_back(f);
  persistence::AttachmentRecord a;
  a.id = 31;
  a.name = "Vedlegg \"1\"";
  a.file_name = "v/&\".pdf";
  a.attachment_type_name = "application/pdf";
  a.size = 10;
  a.sha256_hex = std::string(64, 'b');
  s.attachments.push_back(a);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(DataBatch)

BOOST_AUTO_TEST_CASE(IsWellFormedAndCarriesTheSubmission) {
  const std::string xml = push::buildDataBatch(submission(), 7, 1700000100);
  xmlDoc* doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, XML_PARSE_NONET);
  BOOST_TEST_REQUIRE(doc != nullptr, xml);
  xmlFreeDoc(doc);
  BOOST_TEST(xml.find("<DataBatch schemaVersion=\"1.6\" batchReference=\"7\" previousReference=\"6\" "
                      "receiverReference=\"AR42\" timeStamp=\"2023-11-14T22:15:00Z\" formTasksInBatch=\"1\" "
                      "formsInBatch=\"1\">") != std::string::npos);
  BOOST_TEST(xml.find("archiveReference=\"AR42\"") != std::string::npos);
  BOOST_TEST(xml.find("<ServiceCode>4711</ServiceCode><ServiceEditionCode>1</ServiceEditionCode>") != std::string::npos);
  BOOST_TEST(xml.find("<Reference>ref&amp;1</Reference>") != std::string::npos);
  BOOST_TEST(xml.find("<felt>æøå</felt>") != std::string::npos);
  BOOST_TEST(xml.find("]]]]><![CDATA[>") != std::string::npos);  // "]]>" in form data split safely
  BOOST_TEST(xml.find("name=\"Vedlegg &quot;1&quot;\"") != std::string::npos);
  BOOST_TEST(xml.find("checksum=\"" + std::string(64, 'b') + "\"") != std::string::npos);
  // The file name as given; the ZIP entry name made safe (attachment_zip.h) and escaped.
  BOOST_TEST(xml.find("filename=\"v/&amp;&quot;.pdf\"") != std::string::npos, xml);
  BOOST_TEST(xml.find("zipEntry=\"31_v_&amp;_.pdf\"") != std::string::npos, xml);
}

BOOST_AUTO_TEST_SUITE_END()
