#define BOOST_TEST_MODULE router
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "server/router.h"

namespace bdata = boost::unit_test::data;
using gateway::server::Router;

namespace {

class PathOnly : public gateway::services::Endpoint {
 public:
  explicit PathOnly(std::string path) : path_(std::move(path)) {}
  const std::string& path() const override { return path_; }
  const std::string& wsdlFile() const override { return wsdl_; }
  std::unique_ptr<gateway::services::BoundEndpoint> bind(struct soap*) override { return nullptr; }

 private:
  std::string path_, wsdl_;
};

struct Endpoints {
  PathOnly queue{"/ArchiveExternal/DownloadQueueExternalBasic.svc"};
  PathOnly receipt{"/IntermediaryExternal/ReceiptExternalBasic.svc"};
  Router router{{&queue, &receipt}};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(RouterMatching)

BOOST_DATA_TEST_CASE(FindsTheEndpointForItsPath,
                     bdata::make({"/ArchiveExternal/DownloadQueueExternalBasic.svc",
                                  "/archiveexternal/downloadqueueexternalbasic.svc",
                                  "/ARCHIVEEXTERNAL/DOWNLOADQUEUEEXTERNALBASIC.SVC",
                                  "/ArchiveExternal/DownloadQueueExternalBasic.svc?wsdl",
                                  "/ArchiveExternal/DownloadQueueExternalBasic.svc#x",
                                  "https://gw.example:8443/ArchiveExternal/DownloadQueueExternalBasic.svc",
                                  "http://gw.example/ArchiveExternal/DownloadQueueExternalBasic.svc?a=b"}),
                     target) {
  Endpoints e;
  auto index = e.router.find(target);
  BOOST_REQUIRE(index.has_value());
  BOOST_TEST(*index == 0u);
}

BOOST_DATA_TEST_CASE(FindsNothingForOtherPaths,
                     bdata::make({"", "/", "/ArchiveExternal", "/ArchiveExternal/DownloadQueueExternalBasic.svc/",
                                  "/ArchiveExternal/DownloadQueueExternalBasic.svc/extra",
                                  "ArchiveExternal/DownloadQueueExternalBasic.svc",
                                  "/ArchiveExternal/DownloadQueueExternalBasic", "https://gw.example",
                                  "/x?/ArchiveExternal/DownloadQueueExternalBasic.svc"}),
                     target) {
  Endpoints e;
  BOOST_TEST(!e.router.find(target).has_value());
}

BOOST_AUTO_TEST_CASE(DistinguishesEndpoints) {
  Endpoints e;
  BOOST_TEST(*e.router.find("/IntermediaryExternal/ReceiptExternalBasic.svc") == 1u);
  BOOST_TEST(e.router.size() == 2u);
  BOOST_TEST(e.router.duplicates().empty());
}

BOOST_AUTO_TEST_CASE(ReportsDuplicatePaths) {
  PathOnly a{"/A.svc"}, b{"/a.SVC"};
  Router router({&a, &b});
  BOOST_TEST(*router.find("/A.svc") == 0u);
  BOOST_REQUIRE(router.duplicates().size() == 1u);
  BOOST_TEST(router.duplicates()[0] == "/a.SVC");
}

BOOST_AUTO_TEST_CASE(SplitsPathAndQuery) {
  BOOST_TEST(Router::pathOf("/a/b.svc?wsdl") == "/a/b.svc");
  BOOST_TEST(Router::queryOf("/a/b.svc?wsdl") == "wsdl");
  BOOST_TEST(Router::queryOf("/a/b.svc?singleWsdl#top") == "singleWsdl");
  BOOST_TEST(Router::queryOf("/a/b.svc") == "");
  BOOST_TEST(Router::pathOf("https://h:1/p?q") == "/p");
  BOOST_TEST(Router::pathOf("/p?u=https://h/x") == "/p");
}

BOOST_AUTO_TEST_SUITE_END()
