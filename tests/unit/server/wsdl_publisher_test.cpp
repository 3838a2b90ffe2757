#define BOOST_TEST_MODULE wsdl_publisher
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server/wsdl_publisher.h"

using gateway::server::WsdlPublisher;

namespace {

constexpr char kUrl[] = "https://gw.example:8443/ArchiveExternal/DownloadQueueExternalBasic.svc";

class Named : public gateway::services::Endpoint {
 public:
  Named(std::string path, std::string wsdl) : path_(std::move(path)), wsdl_(std::move(wsdl)) {}
  const std::string& path() const override { return path_; }
  const std::string& wsdlFile() const override { return wsdl_; }
  std::unique_ptr<gateway::services::BoundEndpoint> bind(struct soap*) override { return nullptr; }

 private:
  std::string path_, wsdl_;
};

struct TempDir {
  TempDir() {
    char pattern[] = "/tmp/gw-wsdl-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path + "/" + name) << text; }
  std::string path;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(WsdlAddressRewrite)

BOOST_AUTO_TEST_CASE(RewritesSoap11AndSoap12Addresses) {
  const std::string wsdl =
      "<wsdl:port name=\"a\" binding=\"tns:b\">\n"
      "  <soap:address location=\"http://localhost/old.svc\" />\n"
      "</wsdl:port>\n"
      "<wsdl:port name=\"c\"><soap12:address location='http://x/y'/></wsdl:port>";
  const std::string out = WsdlPublisher::rewriteAddresses(wsdl, kUrl);
  BOOST_TEST(out ==
             "<wsdl:port name=\"a\" binding=\"tns:b\">\n"
             "  <soap:address location=\"" + std::string(kUrl) + "\" />\n"
             "</wsdl:port>\n"
             "<wsdl:port name=\"c\"><soap12:address location='" + std::string(kUrl) + "'/></wsdl:port>");
}

BOOST_AUTO_TEST_CASE(LeavesEverythingElseByteForByte) {
  const std::string wsdl =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<!-- <soap:address location=\"http://in-a-comment/\"/> -->\n"
      "<wsdl:definitions location=\"keep\" a='>'><xsd:element name=\"address\" location=\"keep\"/>"
      "<wsa10:Address>http://keep/</wsa10:Address><![CDATA[<soap:address location=\"cdata\"/>]]>"
      "</wsdl:definitions>";
  BOOST_TEST(WsdlPublisher::rewriteAddresses(wsdl, kUrl) == wsdl);
}

BOOST_AUTO_TEST_CASE(HandlesAttributesAroundLocation) {
  const std::string out = WsdlPublisher::rewriteAddresses(
      "<soap:address xmlns:soap=\"urn:s\" location = \"old\" other=\"x>y\"/><address location=\"z\"></address>",
      "https://h/p?a=1&b=\"2\"");
  BOOST_TEST(out ==
             "<soap:address xmlns:soap=\"urn:s\" location = \"https://h/p?a=1&amp;b=&quot;2&quot;\" other=\"x>y\"/>"
             "<address location=\"https://h/p?a=1&amp;b=&quot;2&quot;\"></address>");
}

BOOST_AUTO_TEST_CASE(SurvivesTruncatedInput) {
  for (std::string bad : {"<", "<soap:address", "<soap:address location=\"x", "<!-- open", "<a b=", "<a b"}) {
    BOOST_TEST(WsdlPublisher::rewriteAddresses(bad, kUrl).size() >= bad.size() - 1);
  }
}

BOOST_AUTO_TEST_CASE(RecognisesWsdlQueries) {
  for (const char* q : {"wsdl", "WSDL", "Wsdl", "singleWsdl", "SINGLEWSDL"}) BOOST_TEST(WsdlPublisher::isWsdlQuery(q));
  for (const char* q : {"", "wsdl=wsdl0", "xsd=xsd0", "wsdlx", "disco"}) BOOST_TEST(!WsdlPublisher::isWsdlQuery(q));
}

BOOST_AUTO_TEST_CASE(LoadsAndRewritesPerEndpoint) {
  TempDir dir;
  dir.write("A.wsdl", "<soap:address location=\"old\"/>");
  Named a("/Svc/A.svc", "A.wsdl"), b("/Svc/B.svc", "");
  auto publisher = WsdlPublisher::load(dir.path, "https://gw:1/", {&a, &b});
  BOOST_REQUIRE(publisher.ok());
  BOOST_REQUIRE(publisher->wsdlFor(0));
  BOOST_TEST(*publisher->wsdlFor(0) == "<soap:address location=\"https://gw:1/Svc/A.svc\"/>");
  BOOST_TEST(!publisher->wsdlFor(1));
  BOOST_TEST(!publisher->wsdlFor(2));
}

BOOST_AUTO_TEST_CASE(ReportsMissingFilesAndPaths) {
  TempDir dir;
  Named missing("/A.svc", "Missing.wsdl");
  auto r = WsdlPublisher::load(dir.path, "https://gw", {&missing});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().message().find("Missing.wsdl") != std::string::npos);
  Named escape("/A.svc", "../etc/passwd");
  BOOST_TEST(!WsdlPublisher::load(dir.path, "https://gw", {&escape}).ok());
}

BOOST_AUTO_TEST_CASE(EmptyFolderPublishesNothing) {
  Named a("/A.svc", "A.wsdl");
  auto publisher = WsdlPublisher::load("", "https://gw", {&a});
  BOOST_REQUIRE(publisher.ok());
  BOOST_TEST(!publisher->wsdlFor(0));
}

BOOST_AUTO_TEST_SUITE_END()
