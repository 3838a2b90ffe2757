// Every WSDL the gateway serves (wsdl/*.wsdl) stands on its own: well-formed, everything it
// references declared in the same file (a client that fetches only ?wsdl gets all of it), SOAP
// document/literal with a SOAPAction on every operation. Altinn "Basic" contracts
// (BasicHttpBinding_I...) also follow Altinn's conventions: SOAPAction
// <namespace>/<contract>/<operation>, a Test operation, and the AltinnFault detail on every
// operation.
#define BOOST_TEST_MODULE wsdl_files
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "contract_paths.h"
#include "wsdl_model.h"

namespace wsdl = gateway::testing::wsdl;
namespace utf = boost::unit_test;
namespace tt = boost::test_tools;
using wsdl::Document;
using wsdl::QName;

namespace {

constexpr const char* kFaultNs = "http://www.altinn.no/services/common/fault/2009/10";
constexpr const char* kTestAction = "http://www.altinn.no/services/2009/10/IAltinnContractBase/Test";
constexpr const char* kAddressPrefix = "https://localhost:8443/";  // rewritten by the server when served

// The files generated/CMakeLists.txt turns into stubs; they must exist.
const char* const kRequired[] = {
    "IntermediaryInboundExternalBasic.wsdl", "ReceiptAgencyExternalBasic.wsdl", "ReceiptExternalBasic.wsdl",
    "DownloadQueueExternalBasic.wsdl", "ServiceOwnerArchiveExternalBasic.wsdl",
    "ArchiveCommonAgencyExternalBasic.wsdl", "PreFillBasic.wsdl", "SubscriptionBasic.wsdl",
    "IntermediaryPrefillExternalBasic.wsdl", "RegisterSRRAgencyExternalBasic.wsdl", "OnlineBatchReceiver.wsdl",
    "NotificationAgencyExternalBasic.wsdl", "CorrespondenceAgencyExternalBasic.wsdl", "CorrespondenceExternalBasic.wsdl",
    "IntermediaryInboundExternalBasicStreamed.wsdl", "ServiceOwnerArchiveExternalStreamedBasic.wsdl",
    "BatchLoggingAgencyExternalBasic.wsdl",
    "BrokerServiceExternalBasic.wsdl", "BrokerServiceExternalBasicStreamed.wsdl",
};

std::vector<std::filesystem::path> wsdlFiles() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(wsdl::projectWsdlDir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".wsdl") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Loaded {
  std::string file;
  std::unique_ptr<Document> doc;
};

std::vector<Loaded> loadAll() {
  std::vector<Loaded> out;
  for (const auto& path : wsdlFiles()) {
    std::string error;
    auto doc = Document::load(path, &error);
    BOOST_TEST(doc != nullptr, error);
    if (doc) out.push_back({path.filename().string(), std::move(doc)});
  }
  BOOST_TEST_REQUIRE(!out.empty());
  return out;
}

bool isAltinnBasic(const wsdl::Binding& b) { return b.name.rfind("BasicHttpBinding_I", 0) == 0; }

}  // namespace

BOOST_AUTO_TEST_SUITE(ProjectWsdlFiles)

BOOST_AUTO_TEST_CASE(RequiredContractsExistAndAreWellFormed) {
  for (const char* name : kRequired) {
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(std::filesystem::is_regular_file(wsdl::projectWsdlDir() / name)); }
  }
  const auto all = loadAll();
  BOOST_TEST(all.size() == wsdlFiles().size());
}

BOOST_AUTO_TEST_CASE(EachFileIsSelfContained) {
  for (const auto& [file, doc] : loadAll()) {
    BOOST_TEST_CONTEXT(file) {
      BOOST_TEST(doc->externalReferences() == std::vector<std::string>{}, tt::per_element());
      BOOST_TEST(doc->unresolvedReferences() == std::vector<std::string>{}, tt::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(EveryOperationIsDocumentLiteralWithASoapAction) {
  for (const auto& [file, doc] : loadAll()) {
    for (const wsdl::Binding& b : doc->bindings()) {
      BOOST_TEST_CONTEXT(file << " binding " << b.name) {
        BOOST_TEST(!b.soap_version.empty(), "binding has soap:binding");
        BOOST_TEST(b.transport == "http://schemas.xmlsoap.org/soap/http");
        BOOST_TEST(!b.operations.empty());
        BOOST_TEST(doc->addressOf(b.name).rfind(kAddressPrefix, 0) == 0u, "soap:address starts with " << kAddressPrefix);
        for (const wsdl::Operation& op : b.operations) {
          BOOST_TEST_CONTEXT("operation " << op.name) {
            BOOST_TEST(op.has_soap_operation);
            BOOST_TEST(!op.soap_action.empty());
            BOOST_TEST(op.style == "document");
            BOOST_TEST(op.input_use == "literal");
            BOOST_TEST(op.output_use == "literal");
            BOOST_TEST(op.input_element.has_value(), "input message has one element part");
            BOOST_TEST(op.output_element.has_value(), "output message has one element part");
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(BasicContractsFollowAltinnConventions) {
  int checked = 0;
  for (const auto& [file, doc] : loadAll()) {
    for (const wsdl::Binding& b : doc->bindings()) {
      if (!isAltinnBasic(b)) continue;
      ++checked;
      BOOST_TEST_CONTEXT(file << " binding " << b.name) {
        BOOST_TEST(b.soap_version == "1.1");
        BOOST_TEST(b.name == "BasicHttpBinding_" + b.port_type.local);
        BOOST_TEST(b.operation("Test") != nullptr, "has the Test operation");
        for (const wsdl::Operation& op : b.operations) {
          BOOST_TEST_CONTEXT("operation " << op.name) {
            if (op.name == "Test") {
              BOOST_TEST(op.soap_action == kTestAction);
              BOOST_TEST(op.input_element.value_or(QName{}).str() == "{http://www.altinn.no/services/2009/10}Test");
            } else if (!op.input_headers.empty()) {
              // A WCF message contract (streamed upload): the body elements are named after the
              // contract's types, not the operation, as in Altinn's BrokerServiceExternalBasicStreamed.
              BOOST_TEST(op.soap_action == doc->targetNamespace() + "/" + b.port_type.local + "/" + op.name);
              BOOST_TEST(op.input_element.value_or(QName{}).ns == doc->targetNamespace());
              BOOST_TEST(op.output_element.value_or(QName{}).ns == doc->targetNamespace());
              for (const QName& h : op.input_headers) BOOST_TEST(h.ns == doc->targetNamespace());
            } else {
              BOOST_TEST(op.soap_action == doc->targetNamespace() + "/" + b.port_type.local + "/" + op.name);
              BOOST_TEST(op.input_element.value_or(QName{}).str() == QName({doc->targetNamespace(), op.name}).str());
              BOOST_TEST(op.output_element.value_or(QName{}).str() ==
                         QName({doc->targetNamespace(), op.name + "Response"}).str());
            }
            BOOST_TEST_REQUIRE(op.faults.size() == 1u);
            const wsdl::Fault& fault = op.faults.front();
            BOOST_TEST(fault.name == "AltinnFaultFault");
            BOOST_TEST(fault.bound);
            BOOST_TEST(fault.soap_fault_use == "literal");
            BOOST_TEST(fault.element.value_or(QName{}).str() == QName({kFaultNs, "AltinnFault"}).str());
          }
        }
      }
    }
  }
  BOOST_TEST(checked >= 5);
}

// The detail every Altinn fault carries: seven members, alphabetical, all optional.
BOOST_AUTO_TEST_CASE(AltinnFaultHasItsSevenMembersInOrder) {
  const std::vector<std::pair<std::string, std::string>> expected{
      {"AltinnErrorMessage", "string"}, {"AltinnExtendedErrorMessage", "string"},
      {"AltinnLocalizedErrorMessage", "string"}, {"ErrorGuid", "string"}, {"ErrorID", "int"},
      {"UserGuid", "string"}, {"UserId", "string"},
  };
  for (const auto& [file, doc] : loadAll()) {
    const wsdl::Particle* element = doc->element({kFaultNs, "AltinnFault"});
    if (element == nullptr) continue;  // not an Altinn contract
    BOOST_TEST_CONTEXT(file) {
      BOOST_TEST(element->nillable);
      BOOST_TEST(element->type_name.value_or(QName{}).str() == QName({kFaultNs, "AltinnFault"}).str());
      const wsdl::TypeDef* type = doc->type({kFaultNs, "AltinnFault"});
      BOOST_TEST_REQUIRE(type != nullptr);
      BOOST_TEST_REQUIRE(type->sequence.size() == expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const wsdl::Particle& p = type->sequence[i];
        BOOST_TEST_CONTEXT(p.name) {
          BOOST_TEST(p.name == expected[i].first);
          BOOST_TEST(p.ns == kFaultNs);
          BOOST_TEST(p.min_occurs == "0");
          BOOST_TEST(p.nillable == (expected[i].second == "string"));
          BOOST_TEST(p.type_name.value_or(QName{}).str() == QName({wsdl::kXsdNs, expected[i].second}).str());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
