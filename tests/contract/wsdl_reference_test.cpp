// Our WSDLs (wsdl/*.wsdl) against Altinn's published ones: a client generated from Altinn's WSDL
// must produce and accept exactly what ours describes. For every reference operation: it exists,
// same SOAPAction and style/use, same wrapper element QNames, and, recursively through every type
// reachable from it, the same child elements in the same order with the same namespace,
// minOccurs, maxOccurs, nillable and type QName, and the same enumeration values; same fault.
//
// IntermediaryInbound and ArchiveCommon have no Basic reference: their messages and types are
// compared with the EC2 contract's, whose service namespace (2010/10) maps onto the Basic one (2009/10).
// The two streamed services (IntermediaryInbound streamed, ServiceOwnerArchive streamed) have no
// Basic reference either: they are compared with their EC2 streamed contracts, whose namespace
// (2013/06) they share, as Altinn's Basic and EC2 streamed Broker contracts do.
//
// Without the reference directory the cases are skipped (reported, not silently passed).
#define BOOST_TEST_MODULE wsdl_reference
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "contract_paths.h"
#include "wsdl_model.h"

namespace wsdl = gateway::testing::wsdl;
namespace utf = boost::unit_test;
namespace tt = boost::test_tools;
using wsdl::Document;
using wsdl::Particle;
using wsdl::QName;
using wsdl::TypeDef;

namespace {

struct MirroredService {
  const char* name;
  const char* ours;       // file in wsdl/
  const char* reference;  // file under the reference directory
};

std::ostream& operator<<(std::ostream& os, const MirroredService& s) { return os << s.name; }

const MirroredService kMirrored[] = {
    {"ReceiptAgency", "ReceiptAgencyExternalBasic.wsdl", "ReceiptAgencyExternal/ReceiptAgencyExternalBasic.wsdl"},
    {"ReceiptExternal", "ReceiptExternalBasic.wsdl", "ReceiptExternal/ReceiptExternalBasic.wsdl"},
    {"DownloadQueue", "DownloadQueueExternalBasic.wsdl", "DownloadQueueExternal/DownloadQueueExternalBasic.wsdl"},
    {"ServiceOwnerArchive", "ServiceOwnerArchiveExternalBasic.wsdl",
     "ServiceOwnerArchiveExternal/ServiceOwnerArchiveExternalBasic.wsdl"},
    {"RegisterSRRAgency", "RegisterSRRAgencyExternalBasic.wsdl",
     "RegisterSRRAgencyExternal/RegisterSRRAgencyExternalBasic.wsdl"},
    {"PreFill", "PreFillBasic.wsdl", "PreFill/PreFillBasic.wsdl"},
    {"Subscription", "SubscriptionBasic.wsdl", "Subscription/SubscriptionBasic.wsdl"},
    // The gateway is the client here; the reference declares no fault (a SOAP fault means "receiver down").
    {"OnlineBatchReceiver", "OnlineBatchReceiver.wsdl", "OnlineBatchReceiver/OnlineBatchReceiver.wsdl"},
    {"NotificationAgency", "NotificationAgencyExternalBasic.wsdl",
     "NotificationAgencyExternal/NotificationAgencyExternalBasic.wsdl"},
    {"CorrespondenceAgency", "CorrespondenceAgencyExternalBasic.wsdl",
     "CorrespondenceAgencyExternal/CorrespondenceAgencyExternalBasic.wsdl"},
    {"BrokerService", "BrokerServiceExternalBasic.wsdl", "BrokerServiceExternal/BrokerServiceExternalBasic.wsdl"},
    // Upload is a message contract: its metadata are SOAP headers, compared below too.
    {"BrokerServiceStreamed", "BrokerServiceExternalBasicStreamed.wsdl",
     "BrokerServiceExternal/BrokerServiceExternalBasicStreamed.wsdl"},
};

constexpr const char* kFaultNs = "http://www.altinn.no/services/common/fault/2009/10";
constexpr const char* kIibBasicNs = "http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2009/10";
constexpr const char* kIibEc2Ns = "http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2010/10";
constexpr const char* kAcomBasicNs = "http://www.altinn.no/services/Archive/ArchiveCommon/2009/10";
constexpr const char* kAcomEc2Ns = "http://www.altinn.no/services/Archive/ArchiveCommon/2010/10";
constexpr const char* kIibStreamedNs = "http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2013/06";
constexpr const char* kSoaStreamedNs = "http://www.altinn.no/services/Archive/ServiceOwnerArchive/2013/06";

tt::assertion_result referencesPresent(utf::test_unit_id) {
  const bool found = std::filesystem::is_directory(wsdl::referenceDir());
  tt::assertion_result present(found);
  if (!present) present.message() << "skipped: no reference WSDLs (looked in " << wsdl::referenceDir().string() << ")";
  return present;
}

std::unique_ptr<Document> load(const std::filesystem::path& path) {
  std::string error;
  auto doc = Document::load(path, &error);
  BOOST_TEST_REQUIRE(doc != nullptr, error);
  return doc;
}

std::string pathOf(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? std::string() : url.substr(slash);
}

std::vector<std::string> names(const std::vector<Particle>& sequence) {
  std::vector<std::string> out;
  for (const Particle& p : sequence) out.push_back(p.name);
  return out;
}

std::vector<std::string> operationNames(const Document& doc) {
  std::vector<std::string> out;
  for (const auto& op : doc.binding().operations) out.push_back(op.name);
  std::sort(out.begin(), out.end());
  return out;
}

// Compares shapes reachable from a starting point, reference first. Each reference type is
// compared once (receipts contain lists of receipts).
class ShapeComparison {
 public:
  ShapeComparison(const Document& reference, const Document& ours, std::map<std::string, std::string> ns_map = {})
      : ref_(reference), ours_(ours), ns_map_(std::move(ns_map)) {}

  // Global elements (operation wrappers, fault detail).
  void element(const QName& ref_name, const QName& our_name, const std::string& path) {
    const Particle* r = ref_.element(ref_name);
    const Particle* o = ours_.element(our_name);
    BOOST_TEST_CONTEXT(path) {
      BOOST_TEST(r != nullptr, "reference declares element " << ref_name.str());
      BOOST_TEST(o != nullptr, "ours declares element " << our_name.str());
    }
    if (r != nullptr && o != nullptr) particle(*r, *o, path, /*compare_name=*/true);
  }

  void particle(const Particle& r, const Particle& o, const std::string& path, bool compare_name) {
    ++particles_;
    BOOST_TEST_CONTEXT(path) {
      if (compare_name) BOOST_TEST(o.name == r.name);
      BOOST_TEST(o.ns == mapped(r.ns));
      BOOST_TEST(o.min_occurs == r.min_occurs);
      BOOST_TEST(o.max_occurs == r.max_occurs);
      BOOST_TEST(o.nillable == r.nillable);
      BOOST_TEST(o.type_name.has_value() == r.type_name.has_value());
      BOOST_TEST((o.inline_type != nullptr) == (r.inline_type != nullptr));
      BOOST_TEST(o.ref.has_value() == r.ref.has_value());
      if (r.type_name && o.type_name) BOOST_TEST(o.type_name->str() == mapped(*r.type_name).str());
    }
    if (r.type_name && o.type_name) {
      namedType(*r.type_name, *o.type_name, path);
    } else if (r.inline_type && o.inline_type) {
      typeDef(*r.inline_type, *o.inline_type, path);
    }
  }

  void namedType(const QName& r, const QName& o, const std::string& path) {
    if (r.ns == wsdl::kXsdNs || !visited_.insert(r).second) return;
    const TypeDef* rt = ref_.type(r);
    const TypeDef* ot = ours_.type(o);
    BOOST_TEST_CONTEXT(path) {
      BOOST_TEST(rt != nullptr, "reference declares type " << r.str());
      BOOST_TEST(ot != nullptr, "ours declares type " << o.str());
    }
    if (rt != nullptr && ot != nullptr) typeDef(*rt, *ot, path + " : " + r.local);
  }

  void typeDef(const TypeDef& r, const TypeDef& o, const std::string& path) {
    ++types_;
    BOOST_TEST_CONTEXT(path) {
      BOOST_TEST((o.kind == r.kind));
      BOOST_TEST(r.unsupported.empty(), "reference uses schema constructs the comparison does not model");
      BOOST_TEST(o.unsupported.empty(), "ours uses schema constructs the comparison does not model");
      if (r.kind == TypeDef::Kind::kSimple && o.kind == TypeDef::Kind::kSimple) {
        BOOST_TEST(o.base.has_value() == r.base.has_value());
        if (r.base && o.base) BOOST_TEST(o.base->str() == mapped(*r.base).str());
        BOOST_TEST(o.enumerations == r.enumerations, tt::per_element());
        BOOST_TEST(o.patterns == r.patterns, tt::per_element());
      }
      BOOST_TEST(o.extends.has_value() == r.extends.has_value(), "extension of a base type");
      if (r.extends && o.extends) BOOST_TEST(o.extends->str() == mapped(*r.extends).str());
      // Names first: a wrong order then reads as one clear difference.
      BOOST_TEST(names(o.sequence) == names(r.sequence), tt::per_element());
    }
    if (r.kind != TypeDef::Kind::kComplex || o.kind != TypeDef::Kind::kComplex) return;
    if (r.extends && o.extends) namedType(*r.extends, *o.extends, path + " extends " + r.extends->local);
    const std::size_t n = std::min(r.sequence.size(), o.sequence.size());
    for (std::size_t i = 0; i < n; ++i) particle(r.sequence[i], o.sequence[i], path + "/" + r.sequence[i].name, true);
  }

  int particles() const { return particles_; }
  int types() const { return types_; }

 private:
  std::string mapped(const std::string& ns) const {
    auto it = ns_map_.find(ns);
    return it == ns_map_.end() ? ns : it->second;
  }
  QName mapped(const QName& q) const { return {mapped(q.ns), q.local}; }

  const Document& ref_;
  const Document& ours_;
  std::map<std::string, std::string> ns_map_;
  std::set<QName> visited_;
  int particles_ = 0;
  int types_ = 0;
};

void compareFaults(const wsdl::Operation& r, const wsdl::Operation& o, ShapeComparison& shapes) {
  BOOST_TEST(o.faults.size() == r.faults.size());
  if (r.faults.empty()) return;  // OnlineBatchReceiver: no declared fault on either side
  BOOST_TEST_REQUIRE(r.faults.size() == 1u);
  BOOST_TEST_REQUIRE(o.faults.size() == 1u);
  const wsdl::Fault& rf = r.faults.front();
  const wsdl::Fault& of = o.faults.front();
  BOOST_TEST(of.name == rf.name);
  BOOST_TEST(of.bound);
  BOOST_TEST(of.soap_fault_use == rf.soap_fault_use);
  BOOST_TEST_REQUIRE(rf.element.has_value());
  BOOST_TEST_REQUIRE(of.element.has_value());
  BOOST_TEST(of.element->str() == rf.element->str());
  BOOST_TEST(of.element->ns == kFaultNs);
  shapes.element(*rf.element, *of.element, r.name + " fault " + rf.element->local);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(WsdlMatchesAltinnReference, *utf::precondition(referencesPresent))

BOOST_DATA_TEST_CASE(MirroredServiceHasTheReferenceWireShape, boost::unit_test::data::make(kMirrored), service) {
  const auto reference = load(wsdl::referenceDir() / service.reference);
  const auto ours = load(wsdl::projectWsdlDir() / service.ours);
  const wsdl::Binding& rb = reference->binding();
  const wsdl::Binding& ob = ours->binding();

  BOOST_TEST(ours->targetNamespace() == reference->targetNamespace());
  BOOST_TEST(ob.name == rb.name);
  BOOST_TEST(ob.port_type.str() == rb.port_type.str());
  BOOST_TEST(ob.soap_version == "1.1");
  BOOST_TEST(ob.soap_version == rb.soap_version);
  BOOST_TEST(ob.transport == rb.transport);
  BOOST_TEST(pathOf(ours->addressOf(ob.name)) == pathOf(reference->addressOf(rb.name)));
  BOOST_TEST(operationNames(*ours) == operationNames(*reference), tt::per_element());

  BOOST_TEST_REQUIRE(!rb.operations.empty());
  ShapeComparison shapes(*reference, *ours);
  for (const wsdl::Operation& r : rb.operations) {
    BOOST_TEST_CONTEXT("operation " << r.name) {
      const wsdl::Operation* o = ob.operation(r.name);
      BOOST_TEST(o != nullptr);
      if (o == nullptr) continue;
      BOOST_TEST(o->soap_action == r.soap_action);
      BOOST_TEST(o->style == r.style);
      BOOST_TEST(o->input_use == r.input_use);
      BOOST_TEST(o->output_use == r.output_use);
      BOOST_TEST_REQUIRE(r.input_element.has_value());
      BOOST_TEST_REQUIRE(r.output_element.has_value());
      BOOST_TEST_REQUIRE(o->input_element.has_value());
      BOOST_TEST_REQUIRE(o->output_element.has_value());
      BOOST_TEST(o->input_element->str() == r.input_element->str());
      BOOST_TEST(o->output_element->str() == r.output_element->str());
      shapes.element(*r.input_element, *o->input_element, r.name + " input " + r.input_element->local);
      BOOST_TEST_REQUIRE(o->input_headers.size() == r.input_headers.size());
      for (std::size_t h = 0; h < r.input_headers.size(); ++h) {
        BOOST_TEST(o->input_headers[h].str() == r.input_headers[h].str());
        shapes.element(r.input_headers[h], o->input_headers[h], r.name + " header " + r.input_headers[h].local);
      }
      shapes.element(*r.output_element, *o->output_element, r.name + " output " + r.output_element->local);
      compareFaults(r, *o, shapes);
    }
  }
  BOOST_TEST_MESSAGE(service.name << ": compared " << rb.operations.size() << " operations, " << shapes.types()
                                  << " types, " << shapes.particles() << " elements");
  BOOST_TEST(shapes.particles() > 0);
}

// No Basic reference exists: the shapes of the submission and its receipt must match EC2's,
// with EC2's service namespace read as the Basic one.
BOOST_AUTO_TEST_CASE(IntermediaryInboundTypesHaveTheEc2Shape) {
  const auto ec2 = load(wsdl::referenceDir() / "IntermediaryInbound" / "IntermediaryInboundExternalEC21.wsdl");
  const auto ours = load(wsdl::projectWsdlDir() / "IntermediaryInboundExternalBasic.wsdl");
  ShapeComparison shapes(*ec2, *ours, {{kIibEc2Ns, kIibBasicNs}});

  shapes.namedType({kIibEc2Ns, "FormTaskShipmentBE"}, {kIibBasicNs, "FormTaskShipmentBE"}, "FormTaskShipmentBE");
  shapes.namedType({kIibEc2Ns, "ReceiptExternalBE"}, {kIibBasicNs, "ReceiptExternalBE"}, "ReceiptExternalBE");

  // The wrappers: EC2's userName/password become systemUserName/systemPassword, the optional
  // end-user credentials follow, then the same formTaskShipment; results carry the same types.
  const Particle* ec2_submit = ec2->element({kIibEc2Ns, "SubmitFormTaskEC"});
  const Particle* our_submit = ours->element({kIibBasicNs, "SubmitFormTaskBasic"});
  BOOST_TEST_REQUIRE(ec2_submit != nullptr);
  BOOST_TEST_REQUIRE(our_submit != nullptr);
  BOOST_TEST_REQUIRE(ec2_submit->inline_type != nullptr);
  BOOST_TEST_REQUIRE(our_submit->inline_type != nullptr);
  const auto& ec2_params = ec2_submit->inline_type->sequence;
  const auto& our_params = our_submit->inline_type->sequence;
  const std::vector<std::string> expected{"systemUserName", "systemPassword", "userSSN", "userPassword",
                                          "userPinCode", "authMethod", "formTaskShipment"};
  BOOST_TEST(names(our_params) == expected, tt::per_element());
  BOOST_TEST_REQUIRE(ec2_params.size() == 3u);
  BOOST_TEST_REQUIRE(our_params.size() == expected.size());
  shapes.particle(ec2_params[0], our_params[0], "SubmitFormTaskBasic/systemUserName", false);
  shapes.particle(ec2_params[1], our_params[1], "SubmitFormTaskBasic/systemPassword", false);
  shapes.particle(ec2_params[2], our_params[6], "SubmitFormTaskBasic/formTaskShipment", true);
  for (std::size_t i = 2; i < 6; ++i) {
    BOOST_TEST_CONTEXT("SubmitFormTaskBasic/" << our_params[i].name) {
      BOOST_TEST(our_params[i].min_occurs == "0");
      BOOST_TEST(our_params[i].type_name.value_or(QName{}).str() == QName({wsdl::kXsdNs, "string"}).str());
    }
  }

  const std::pair<const char*, const char*> results[] = {
      {"SubmitFormTaskECResponse", "SubmitFormTaskBasicResponse"},
      {"GetAltinnSubmissionStatusECResponse", "GetAltinnSubmissionStatusBasicResponse"},
  };
  for (const auto& [ec2_name, our_name] : results) {
    const Particle* r = ec2->element({kIibEc2Ns, ec2_name});
    const Particle* o = ours->element({kIibBasicNs, our_name});
    BOOST_TEST_REQUIRE(r != nullptr);
    BOOST_TEST_REQUIRE(o != nullptr);
    BOOST_TEST_REQUIRE(r->inline_type->sequence.size() == 1u);
    BOOST_TEST_REQUIRE(o->inline_type->sequence.size() == 1u);
    shapes.particle(r->inline_type->sequence[0], o->inline_type->sequence[0], our_name, false);
  }

  // Test and the fault are the same in every Altinn contract.
  const wsdl::Operation* ec2_test = ec2->binding().operation("Test");
  const wsdl::Operation* our_test = ours->binding().operation("Test");
  BOOST_TEST_REQUIRE(ec2_test != nullptr);
  BOOST_TEST_REQUIRE(our_test != nullptr);
  BOOST_TEST(our_test->soap_action == ec2_test->soap_action);
  BOOST_TEST(our_test->input_element.value_or(QName{}).str() == ec2_test->input_element.value_or(QName{}).str());
  for (const char* op : {"Test", "SubmitFormTaskBasic", "GetAltinnSubmissionStatusBasic"}) {
    const wsdl::Operation* o = ours->binding().operation(op);
    BOOST_TEST_REQUIRE(o != nullptr, "operation " << op);
    BOOST_TEST_CONTEXT("operation " << op) { compareFaults(*ec2_test, *o, shapes); }
  }
  BOOST_TEST(ours->bindings().front().operations.size() == 3u);
  BOOST_TEST(shapes.particles() > 0);
  BOOST_TEST_MESSAGE("IntermediaryInbound: compared " << shapes.types() << " types, " << shapes.particles()
                                                      << " elements with EC2");
}

// No Basic reference exists: the search is EC2's operation under its Basic name, with the same
// parameters, result and data contracts; SOAP 1.1 at the Basic path.
BOOST_AUTO_TEST_CASE(ArchiveCommonHasTheEc2ShapeUnderItsBasicNames) {
  const auto ec2 = load(wsdl::referenceDir() / "ArchiveCommonAgencyExternal" / "ArchiveCommonAgencyExternalEC2.wsdl");
  const auto ours = load(wsdl::projectWsdlDir() / "ArchiveCommonAgencyExternalBasic.wsdl");
  ShapeComparison shapes(*ec2, *ours, {{kAcomEc2Ns, kAcomBasicNs}});

  BOOST_TEST(ours->targetNamespace() == kAcomBasicNs);
  const wsdl::Binding& ob = ours->binding();
  BOOST_TEST(ob.name == "BasicHttpBinding_IArchiveCommonAgencyExternalBasic");
  BOOST_TEST(ob.soap_version == "1.1");
  BOOST_TEST(ob.transport == ec2->binding().transport);
  BOOST_TEST(pathOf(ours->addressOf(ob.name)) == "/ArchiveExternal/ArchiveCommonAgencyExternalBasic.svc");
  BOOST_TEST(operationNames(*ours) ==
                 (std::vector<std::string>{"GetServiceOwnerArchiveReporteeElementsBasicV2", "Test"}),
             tt::per_element());

  const wsdl::Operation* r = ec2->binding().operation("GetServiceOwnerArchiveReporteeElementsEC");
  const wsdl::Operation* o = ob.operation("GetServiceOwnerArchiveReporteeElementsBasicV2");
  BOOST_TEST_REQUIRE(r != nullptr);
  BOOST_TEST_REQUIRE(o != nullptr);
  BOOST_TEST(o->soap_action == std::string(kAcomBasicNs) +
                                   "/IArchiveCommonAgencyExternalBasic/GetServiceOwnerArchiveReporteeElementsBasicV2");
  BOOST_TEST(o->style == r->style);
  BOOST_TEST(o->input_use == r->input_use);
  BOOST_TEST(o->output_use == r->output_use);
  BOOST_TEST_REQUIRE(o->input_element.has_value());
  BOOST_TEST_REQUIRE(o->output_element.has_value());
  BOOST_TEST(o->input_element->str() == QName({kAcomBasicNs, "GetServiceOwnerArchiveReporteeElementsBasicV2"}).str());
  BOOST_TEST(o->output_element->str() ==
             QName({kAcomBasicNs, "GetServiceOwnerArchiveReporteeElementsBasicV2Response"}).str());

  // Request: the same parameters in the same order; response: one result of the same type.
  const Particle* ec2_in = ec2->element(*r->input_element);
  const Particle* our_in = ours->element(*o->input_element);
  BOOST_TEST_REQUIRE(ec2_in != nullptr);
  BOOST_TEST_REQUIRE(our_in != nullptr);
  BOOST_TEST_REQUIRE(ec2_in->inline_type != nullptr);
  BOOST_TEST_REQUIRE(our_in->inline_type != nullptr);
  const auto& ec2_params = ec2_in->inline_type->sequence;
  const auto& our_params = our_in->inline_type->sequence;
  BOOST_TEST(names(our_params) == names(ec2_params), tt::per_element());
  BOOST_TEST_REQUIRE(ec2_params.size() == our_params.size());
  for (std::size_t i = 0; i < ec2_params.size(); ++i) {
    shapes.particle(ec2_params[i], our_params[i], "request/" + ec2_params[i].name, true);
  }
  const Particle* ec2_out = ec2->element(*r->output_element);
  const Particle* our_out = ours->element(*o->output_element);
  BOOST_TEST_REQUIRE(ec2_out != nullptr);
  BOOST_TEST_REQUIRE(our_out != nullptr);
  BOOST_TEST_REQUIRE(ec2_out->inline_type->sequence.size() == 1u);
  BOOST_TEST_REQUIRE(our_out->inline_type->sequence.size() == 1u);
  BOOST_TEST(our_out->inline_type->sequence[0].name == "GetServiceOwnerArchiveReporteeElementsBasicV2Result");
  shapes.particle(ec2_out->inline_type->sequence[0], our_out->inline_type->sequence[0], "result", false);

  const wsdl::Operation* ec2_test = ec2->binding().operation("Test");
  const wsdl::Operation* our_test = ob.operation("Test");
  BOOST_TEST_REQUIRE(ec2_test != nullptr);
  BOOST_TEST_REQUIRE(our_test != nullptr);
  BOOST_TEST(our_test->soap_action == ec2_test->soap_action);
  BOOST_TEST(our_test->input_element.value_or(QName{}).str() == ec2_test->input_element.value_or(QName{}).str());
  for (const wsdl::Operation* op : {our_test, o}) {
    BOOST_TEST_CONTEXT("operation " << op->name) { compareFaults(*r, *op, shapes); }
  }
  BOOST_TEST(shapes.types() >= 4);
  BOOST_TEST_MESSAGE("ArchiveCommon: compared " << shapes.types() << " types, " << shapes.particles()
                                                << " elements with EC2");
}

// BatchLogging has only an EC2 WSDL (SOAP 1.2, credentials already in the body): ours keeps its
// namespace, operation names, wrapper elements and data contracts and offers them as a Basic
// SOAP 1.1 contract (IBatchLoggingAgencyExternalBasic).
BOOST_AUTO_TEST_CASE(BatchLoggingHasTheEc2ShapeUnderItsBasicNames) {
  constexpr const char* kBlogNs = "http://www.altinn.no/services/Intermediary/BatchLogging/2016/02";
  const auto ec2 = load(wsdl::referenceDir() / "BatchLoggingAgencyExternal" / "BatchLoggingAgencyExternalEC2.wsdl");
  const auto ours = load(wsdl::projectWsdlDir() / "BatchLoggingAgencyExternalBasic.wsdl");
  ShapeComparison shapes(*ec2, *ours);

  BOOST_TEST(ours->targetNamespace() == kBlogNs);
  BOOST_TEST(ec2->targetNamespace() == kBlogNs);
  const wsdl::Binding& ob = ours->binding();
  BOOST_TEST(ob.name == "BasicHttpBinding_IBatchLoggingAgencyExternalBasic");
  BOOST_TEST(ob.soap_version == "1.1");
  BOOST_TEST(ob.transport == ec2->binding().transport);
  BOOST_TEST(pathOf(ours->addressOf(ob.name)) == "/IntermediaryExternal/BatchLoggingAgencyExternalBasic.svc");
  BOOST_TEST(operationNames(*ours) == operationNames(*ec2), tt::per_element());

  for (const char* name : {"GetStatusOverview", "GetDetailedStatus", "GetDataItem"}) {
    BOOST_TEST_CONTEXT("operation " << name) {
      const wsdl::Operation* r = ec2->binding().operation(name);
      const wsdl::Operation* o = ob.operation(name);
      BOOST_TEST_REQUIRE(r != nullptr);
      BOOST_TEST_REQUIRE(o != nullptr);
      BOOST_TEST(o->soap_action == std::string(kBlogNs) + "/IBatchLoggingAgencyExternalBasic/" + name);
      BOOST_TEST(o->style == r->style);
      BOOST_TEST(o->input_use == r->input_use);
      BOOST_TEST(o->output_use == r->output_use);
      BOOST_TEST_REQUIRE(r->input_element.has_value());
      BOOST_TEST_REQUIRE(o->input_element.has_value());
      BOOST_TEST(o->input_element->str() == r->input_element->str());
      BOOST_TEST(o->output_element->str() == r->output_element->str());
      shapes.element(*r->input_element, *o->input_element, std::string(name) + "/request");
      shapes.element(*r->output_element, *o->output_element, std::string(name) + "/response");
      compareFaults(*r, *o, shapes);
    }
  }
  const wsdl::Operation* ec2_test = ec2->binding().operation("Test");
  const wsdl::Operation* our_test = ob.operation("Test");
  BOOST_TEST_REQUIRE(ec2_test != nullptr);
  BOOST_TEST_REQUIRE(our_test != nullptr);
  BOOST_TEST(our_test->input_element.value_or(QName{}).str() == ec2_test->input_element.value_or(QName{}).str());
  BOOST_TEST(shapes.types() >= 8);
  BOOST_TEST_MESSAGE("BatchLogging: compared " << shapes.types() << " types, " << shapes.particles()
                                               << " elements with EC2");
}

// A derived streamed operation: EC2's wrapper contents (compared member by member, names included
// unless `compare_names` is false: result members carry the operation name), EC2's headers.
void compareStreamedOperation(const Document& ec2, const Document& ours, const wsdl::Operation& r,
                              const wsdl::Operation& o, ShapeComparison& shapes, bool compare_names) {
  BOOST_TEST(o.style == r.style);
  BOOST_TEST(o.input_use == r.input_use);
  BOOST_TEST(o.output_use == r.output_use);
  BOOST_TEST_REQUIRE(r.input_element.has_value());
  BOOST_TEST_REQUIRE(o.input_element.has_value());
  BOOST_TEST_REQUIRE(r.output_element.has_value());
  BOOST_TEST_REQUIRE(o.output_element.has_value());
  for (auto [re, oe, what] : {std::tuple{*r.input_element, *o.input_element, "request"},
                              std::tuple{*r.output_element, *o.output_element, "response"}}) {
    const Particle* rp = ec2.element(re);
    const Particle* op = ours.element(oe);
    BOOST_TEST_REQUIRE(rp != nullptr);
    BOOST_TEST_REQUIRE(op != nullptr);
    BOOST_TEST_REQUIRE(rp->inline_type != nullptr);
    BOOST_TEST_REQUIRE(op->inline_type != nullptr);
    const auto& rs = rp->inline_type->sequence;
    const auto& os = op->inline_type->sequence;
    BOOST_TEST_REQUIRE(rs.size() == os.size());
    for (std::size_t i = 0; i < rs.size(); ++i) {
      const bool names_match = compare_names || std::string(what) == "request";
      shapes.particle(rs[i], os[i], std::string(what) + "/" + rs[i].name, names_match);
    }
  }
  auto strs = [](const std::vector<QName>& names) {
    std::vector<std::string> out;
    for (const QName& n : names) out.push_back(n.str());
    return out;
  };
  BOOST_TEST(strs(o.input_headers) == strs(r.input_headers), tt::per_element());
  for (const QName& h : r.input_headers) shapes.element(h, h, "header " + h.local);
  compareFaults(r, o, shapes);
}

// No Basic reference exists: EC2's streamed upload under its Basic names (body element
// StreamedAttachmentBasicBE), EC2's eight header elements and response unchanged; SOAP 1.1, MTOM.
BOOST_AUTO_TEST_CASE(IntermediaryInboundStreamedHasTheEc2StreamedShapeUnderItsBasicNames) {
  const auto ec2 = load(wsdl::referenceDir() / "IntermediaryInbound" / "IntermediaryInboundExternalEC2StreamedSF.wsdl");
  const auto ours = load(wsdl::projectWsdlDir() / "IntermediaryInboundExternalBasicStreamed.wsdl");
  ShapeComparison shapes(*ec2, *ours);
  BOOST_TEST(ours->targetNamespace() == kIibStreamedNs);
  BOOST_TEST(ec2->targetNamespace() == kIibStreamedNs);
  const wsdl::Binding& ob = ours->binding();
  BOOST_TEST(ob.name == "BasicHttpBinding_IIntermediaryInboundExternalBasicStreamed");
  BOOST_TEST(ob.soap_version == "1.1");
  BOOST_TEST(pathOf(ours->addressOf(ob.name)) == "/IntermediaryExternal/IntermediaryInboundBasicStreamed.svc");
  BOOST_TEST(operationNames(*ours) == (std::vector<std::string>{"SubmitAttachmentStreamedBasic", "Test"}),
             tt::per_element());
  const wsdl::Operation* r = ec2->binding().operation("SubmitAttachmentStreamedEC");
  const wsdl::Operation* o = ob.operation("SubmitAttachmentStreamedBasic");
  BOOST_TEST_REQUIRE(r != nullptr);
  BOOST_TEST_REQUIRE(o != nullptr);
  BOOST_TEST(o->soap_action ==
             std::string(kIibStreamedNs) + "/IIntermediaryInboundExternalBasicStreamed/SubmitAttachmentStreamedBasic");
  BOOST_TEST(o->input_element->str() == QName({kIibStreamedNs, "StreamedAttachmentBasicBE"}).str());
  BOOST_TEST(o->output_element->str() == r->output_element->str());
  BOOST_TEST(r->input_headers.size() == 8u);
  compareStreamedOperation(*ec2, *ours, *r, *o, shapes, true);
  const wsdl::Operation* our_test = ob.operation("Test");
  BOOST_TEST_REQUIRE(our_test != nullptr);
  BOOST_TEST(our_test->soap_action == ec2->binding().operation("Test")->soap_action);
  BOOST_TEST_MESSAGE("IntermediaryInbound streamed: compared " << shapes.types() << " types, " << shapes.particles()
                                                               << " elements with EC2");
}

// No Basic reference exists: EC2's streamed download under its Basic names, same parameters and
// StreamBody result; SOAP 1.1, MTOM.
BOOST_AUTO_TEST_CASE(ServiceOwnerArchiveStreamedHasTheEc2StreamedShapeUnderItsBasicNames) {
  const auto ec2 =
      load(wsdl::referenceDir() / "ServiceOwnerArchiveExternal" / "ServiceOwnerArchiveExternalStreamedEC2SF.wsdl");
  const auto ours = load(wsdl::projectWsdlDir() / "ServiceOwnerArchiveExternalStreamedBasic.wsdl");
  ShapeComparison shapes(*ec2, *ours);
  BOOST_TEST(ours->targetNamespace() == kSoaStreamedNs);
  const wsdl::Binding& ob = ours->binding();
  BOOST_TEST(ob.name == "BasicHttpBinding_IServiceOwnerArchiveExternalStreamedBasic");
  BOOST_TEST(ob.soap_version == "1.1");
  BOOST_TEST(pathOf(ours->addressOf(ob.name)) == "/ArchiveExternal/ServiceOwnerArchiveExternalStreamedBasic.svc");
  BOOST_TEST(operationNames(*ours) == (std::vector<std::string>{"GetAttachmentDataStreamedBasic", "Test"}),
             tt::per_element());
  const wsdl::Operation* r = ec2->binding().operation("GetAttachmentDataStreamedEC");
  const wsdl::Operation* o = ob.operation("GetAttachmentDataStreamedBasic");
  BOOST_TEST_REQUIRE(r != nullptr);
  BOOST_TEST_REQUIRE(o != nullptr);
  BOOST_TEST(o->soap_action ==
             std::string(kSoaStreamedNs) + "/IServiceOwnerArchiveExternalStreamedBasic/GetAttachmentDataStreamedBasic");
  BOOST_TEST(o->input_element->str() == QName({kSoaStreamedNs, "GetAttachmentDataStreamedBasic"}).str());
  BOOST_TEST(o->output_element->str() == QName({kSoaStreamedNs, "GetAttachmentDataStreamedBasicResponse"}).str());
  compareStreamedOperation(*ec2, *ours, *r, *o, shapes, false);
  BOOST_TEST(shapes.types() >= 1);  // StreamBody
  BOOST_TEST_MESSAGE("ServiceOwnerArchive streamed: compared " << shapes.types() << " types, " << shapes.particles()
                                                               << " elements with EC2");
}

BOOST_AUTO_TEST_SUITE_END()
