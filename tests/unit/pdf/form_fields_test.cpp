#define BOOST_TEST_MODULE form_fields
#include <boost/test/unit_test.hpp>

#include "pdf/form_fields.h"

using namespace gateway;
using namespace gateway::pdf;

BOOST_AUTO_TEST_SUITE(FormFieldsOf)

BOOST_AUTO_TEST_CASE(ListsTextElementsAndAttributesWithTheirPaths) {
  auto fields = formFieldsOf(R"(<Skjema versjon="2"><Person><Navn> Åse Ærø </Navn><Tom/></Person><Beløp>12</Beløp></Skjema>)",
                             {});
  BOOST_REQUIRE(fields.ok());
  const auto& f = fields->fields;
  BOOST_REQUIRE_EQUAL(f.size(), 4u);
  BOOST_TEST(f[0].path == "Skjema/@versjon");
  BOOST_TEST(f[0].value == "2");
  BOOST_TEST(f[1].path == "Skjema/Person/Navn");
  BOOST_TEST(f[1].value == "Åse Ærø");
  BOOST_TEST(f[1].depth == 2);
  BOOST_TEST(f[2].path == "Skjema/Person/Tom");
  BOOST_TEST(f[2].value.empty());
  BOOST_TEST(f[3].path == "Skjema/Beløp");
  BOOST_TEST(!fields->truncated);
}

BOOST_AUTO_TEST_CASE(StopsAtTheFieldLimit) {
  std::string xml = "<R>";
  for (int i = 0; i < 50; ++i) xml += "<F>" + std::to_string(i) + "</F>";
  xml += "</R>";
  auto fields = formFieldsOf(xml, {10, 64});
  BOOST_REQUIRE(fields.ok());
  BOOST_TEST(fields->fields.size() == 10u);
  BOOST_TEST(fields->truncated);
}

BOOST_AUTO_TEST_CASE(StopsAtTheDepthLimit) {
  auto fields = formFieldsOf("<a><b><c><d>deep</d></c></b></a>", {100, 2});
  BOOST_REQUIRE(fields.ok());
  BOOST_TEST(fields->truncated);
  for (const auto& f : fields->fields) BOOST_TEST(f.value != "deep");
}

BOOST_AUTO_TEST_CASE(RefusesMalformedXmlAndDoctype) {
  BOOST_TEST((formFieldsOf("<a><b></a>", {}).status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST((formFieldsOf("", {}).status().code() == StatusCode::kInvalidArgument));
  auto doctype = formFieldsOf(R"(<!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>)", {});
  BOOST_TEST((doctype.status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()
