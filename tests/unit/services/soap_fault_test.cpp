#define BOOST_TEST_MODULE soap_fault
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <set>

#include "services/soap_fault.h"
#include "soapH.h"

namespace bdata = boost::unit_test::data;
using namespace gateway;
using gateway::services::statusForEngineError;
using gateway::services::toSoapFault;

namespace {

struct SoapContext {
  struct soap* soap = newSoap11();
  static struct soap* newSoap11() {
    struct soap* s = soap_new();
    s->version = 1;  // as after reading a SOAP 1.1 envelope
    return s;
  }
  ~SoapContext() {
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
  }
};

const fault__AltinnFault* detailOf(struct soap* soap) {
  const SOAP_ENV__Detail* d = soap->fault->detail ? soap->fault->detail : soap->fault->SOAP_ENV__Detail;
  return d ? d->fault__AltinnFault_ : nullptr;
}

struct Row {
  Status status;
  bool client_fault;
  int error_id;
};
std::ostream& operator<<(std::ostream& os, const Row& r) { return os << r.status.message(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(SoapFault)

BOOST_DATA_TEST_CASE(MapsEveryStatusCodeToAnAltinnFault,
                     bdata::make(std::vector<Row>{
                         {Status::InvalidArgument("bad"), true, 0},
                         {Status::NotFound("none", 30008), true, 30008},
                         {Status::AlreadyExists("dup"), true, 0},
                         {Status::Unauthenticated("who"), true, 989},
                         {Status::PermissionDenied("no"), true, 5},
                         {Status::ResourceExhausted("big"), true, 0},
                         {Status::Unavailable("db down at 10.0.0.1"), false, 0},
                         {Status::Internal("null pointer in x"), false, 0},
                     }),
                     row) {
  SoapContext ctx;
  BOOST_TEST(toSoapFault(ctx.soap, row.status, "Op") == SOAP_FAULT);
  BOOST_REQUIRE(ctx.soap->fault);
  const std::string code = ctx.soap->fault->faultcode ? ctx.soap->fault->faultcode : "";
  BOOST_TEST(code.find(row.client_fault ? "Client" : "Server") != std::string::npos, code);
  const auto* detail = detailOf(ctx.soap);
  BOOST_REQUIRE(detail);
  BOOST_TEST(*detail->ErrorID == row.error_id);
  BOOST_TEST(detail->ErrorGuid->size() == 36u);
  BOOST_TEST(*detail->UserGuid == "-no value-");
  if (!row.client_fault) {
    // Internal causes never reach the caller.
    BOOST_TEST(detail->AltinnErrorMessage->find(row.status.message()) == std::string::npos);
  } else {
    BOOST_TEST(*detail->AltinnErrorMessage == row.status.message());
  }
}

BOOST_AUTO_TEST_CASE(EveryFaultHasAFreshErrorGuid) {
  std::set<std::string> guids;
  for (int i = 0; i < 100; ++i) {
    SoapContext ctx;
    toSoapFault(ctx.soap, Status::InvalidArgument("x"), "Op");
    guids.insert(*detailOf(ctx.soap)->ErrorGuid);
  }
  BOOST_TEST(guids.size() == 100u);
}

BOOST_DATA_TEST_CASE(MapsEngineErrorsToCallerErrors,
                     bdata::make({SOAP_NO_METHOD, SOAP_TAG_MISMATCH, SOAP_SYNTAX_ERROR, SOAP_TYPE, SOAP_OCCURS,
                                  SOAP_REQUIRED, SOAP_NAMESPACE, SOAP_UTF_ERROR, SOAP_EOF}),
                     error) {
  BOOST_TEST((statusForEngineError(error).code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(MapsLimitErrorsToResourceExhausted) {
  BOOST_TEST((statusForEngineError(SOAP_LEVEL).code() == StatusCode::kResourceExhausted));
  BOOST_TEST((statusForEngineError(SOAP_EOM).code() == StatusCode::kResourceExhausted));
}

BOOST_AUTO_TEST_CASE(UnknownEngineErrorIsInternal) {
  BOOST_TEST((statusForEngineError(SOAP_SSL_ERROR).code() == StatusCode::kInternal));
}

BOOST_AUTO_TEST_CASE(Soap12FaultCarriesTheDetailToo) {
  SoapContext ctx;
  ctx.soap->version = 2;
  toSoapFault(ctx.soap, Status::NotFound("none", 30008), "Op");
  BOOST_REQUIRE(ctx.soap->fault->SOAP_ENV__Detail);
  BOOST_TEST(*ctx.soap->fault->SOAP_ENV__Detail->fault__AltinnFault_->ErrorID == 30008);
}

struct LanguageRow {
  int language_id;
  std::string expected;
};
std::ostream& operator<<(std::ostream& os, const LanguageRow& r) { return os << r.language_id; }

BOOST_DATA_TEST_CASE(LocalizedMessageFollowsTheCallersLanguage,
                     bdata::make(std::vector<LanguageRow>{
                         {1044, "Ugyldig fødselsnummer."},
                         {2068, "Ugyldig fødselsnummer."},
                         {1033, "Invalid national identity number."},
                         {0, "status text"},
                         {9999, "status text"},
                     }),
                     row) {
  SoapContext ctx;
  toSoapFault(ctx.soap, Status::InvalidArgument("status text", 40016), "Op", row.language_id);
  BOOST_TEST(*detailOf(ctx.soap)->AltinnLocalizedErrorMessage == row.expected);
  BOOST_TEST(*detailOf(ctx.soap)->AltinnErrorMessage == "status text");
}

BOOST_AUTO_TEST_CASE(NynorskDiffersFromBokmalWhereTheLanguagesDo) {
  SoapContext a, b;
  toSoapFault(a.soap, Status::InvalidArgument("x", 30302), "Op", 1044);
  toSoapFault(b.soap, Status::InvalidArgument("x", 30302), "Op", 2068);
  BOOST_TEST(*detailOf(a.soap)->AltinnLocalizedErrorMessage == "Kontaktregisteret har ikke mobilnummer for mottakeren.");
  BOOST_TEST(*detailOf(b.soap)->AltinnLocalizedErrorMessage == "Kontaktregisteret har ikkje mobilnummer for mottakaren.");
}

BOOST_AUTO_TEST_CASE(ErrorIdWithoutCatalogueEntryKeepsTheStatusMessage) {
  SoapContext ctx;
  toSoapFault(ctx.soap, Status::NotFound("receipt gone", 30008), "Op", 1044);
  BOOST_TEST(*detailOf(ctx.soap)->AltinnLocalizedErrorMessage == "receipt gone");
}

BOOST_AUTO_TEST_SUITE_END()
