#define BOOST_TEST_MODULE form_data_check
#include <boost/test/unit_test.hpp>

#include "core/form_data_check.h"

using gateway::StatusCode;
using gateway::core::checkFormData;

BOOST_AUTO_TEST_SUITE(FormDataCheck)

BOOST_AUTO_TEST_CASE(AcceptsWellFormedForm) {
  BOOST_TEST(checkFormData("<Skjema xmlns=\"urn:x\"><Felt>æøå</Felt></Skjema>", 64).ok());
}

BOOST_AUTO_TEST_CASE(RejectsMalformedXmlNamingTheLine) {
  auto s = checkFormData("<a>\n<b></a>", 64);
  BOOST_TEST(!s.ok());
  BOOST_TEST((s.code() == StatusCode::kInvalidArgument));
  BOOST_TEST(s.message().find("line 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RejectsEmptyForm) { BOOST_TEST(!checkFormData("", 64).ok()); }

BOOST_AUTO_TEST_CASE(RefusesDoctypeSoNoEntityIsExpanded) {
  auto s = checkFormData("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>", 64);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message().find("passwd") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(RejectsNestingDeeperThanTheLimit) {
  std::string deep;
  for (int i = 0; i < 10; ++i) deep += "<e>";
  for (int i = 0; i < 10; ++i) deep += "</e>";
  BOOST_TEST(checkFormData(deep, 10).ok());
  BOOST_TEST(!checkFormData(deep, 9).ok());
}

BOOST_AUTO_TEST_CASE(RefusesAnyDoctypeEvenWithoutEntities) {
  auto s = checkFormData("<!DOCTYPE a><a/>", 64);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.message().find("DOCTYPE") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RejectsUndeclaredEntityButAcceptsPredefinedAndCharacterReferences) {
  BOOST_TEST(checkFormData("<a>&amp;&lt;&gt;&quot;&apos;&#xE6;&#248;</a>", 64).ok());
  BOOST_TEST(!checkFormData("<a>&nbsp;</a>", 64).ok());
}

BOOST_AUTO_TEST_CASE(RejectsTrailingGarbageAndSecondRoot) {
  BOOST_TEST(!checkFormData("<a/><b/>", 64).ok());
  BOOST_TEST(!checkFormData("<a/>junk", 64).ok());
  BOOST_TEST(!checkFormData("just text", 64).ok());
}

BOOST_AUTO_TEST_CASE(RejectsInvalidUtf8) {
  BOOST_TEST(!checkFormData(std::string("<a>\xC3\x28</a>"), 64).ok());
}

BOOST_AUTO_TEST_CASE(AcceptsDeclarationCommentsAndProcessingInstructions) {
  BOOST_TEST(checkFormData("<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- c --><?pi x?><a><![CDATA[<x>]]></a>", 64).ok());
}

BOOST_AUTO_TEST_SUITE_END()
