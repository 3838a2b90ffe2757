// The exact names of the gateway's temp files and the age rule (storage/temp_file_names.h).
#define BOOST_TEST_MODULE temp_file_names
#include <boost/test/unit_test.hpp>

#include "storage/temp_file_names.h"

using namespace gateway::storage;
using namespace std::chrono_literals;

namespace {
const std::string kKey = "0123456789abcdef0123456789abcdef";
}

BOOST_AUTO_TEST_CASE(FileStoreTempNames) {
  BOOST_TEST(isFileStoreTempName(".tmp-" + kKey + "-aZ09xY"));
  BOOST_TEST(!isFileStoreTempName(kKey));                                  // a real blob
  BOOST_TEST(!isFileStoreTempName(".tmp-" + kKey + "-aZ09x"));             // suffix too short
  BOOST_TEST(!isFileStoreTempName(".tmp-" + kKey + "-aZ09xYZ"));           // too long
  BOOST_TEST(!isFileStoreTempName(".tmp-" + kKey + "_aZ09xY"));            // wrong separator
  BOOST_TEST(!isFileStoreTempName(".tmp-0123456789ABCDEF0123456789abcdef-aZ09xY"));  // keys are lowercase
  BOOST_TEST(!isFileStoreTempName(".tmp-" + kKey.substr(1) + "g-aZ09xY"));
  BOOST_TEST(!isFileStoreTempName(".tmp-" + kKey + "-aZ.9xY"));
  BOOST_TEST(!isFileStoreTempName("x.tmp-" + kKey + "-aZ09xY"));
  BOOST_TEST(!isFileStoreTempName(".tmp-anything"));
}

BOOST_AUTO_TEST_CASE(AtomicFileTempNames) {
  BOOST_TEST(isAtomicFileTempName(".batch-1.xml.partial-Ab3dE9"));
  BOOST_TEST(isAtomicFileTempName(".passwd.partial-000000"));
  BOOST_TEST(!isAtomicFileTempName("batch-1.xml.partial-Ab3dE9"));   // no leading dot: a client's own name
  BOOST_TEST(!isAtomicFileTempName(".partial-Ab3dE9"));              // no target name
  BOOST_TEST(!isAtomicFileTempName("..x.partial-Ab3dE9"));           // target names never start with '.'
  BOOST_TEST(!isAtomicFileTempName(".x.partial-Ab3dE"));
  BOOST_TEST(!isAtomicFileTempName(".x.partial-Ab3dE9.xml"));
  BOOST_TEST(!isAtomicFileTempName(".x.part-Ab3dE9"));
  BOOST_TEST(!isAtomicFileTempName(".x.partial-Ab-dE9"));
  BOOST_TEST(!isAtomicFileTempName(".bashrc"));
}

BOOST_AUTO_TEST_CASE(AttachmentZipTempNames) {
  BOOST_TEST(isAttachmentZipTempName("push-attachments-Ab3dE9"));
  BOOST_TEST(isAttachmentZipTempName("push-attachments-Ab3dE9.x0Y1z2"));  // libzip's temp while writing
  BOOST_TEST(!isAttachmentZipTempName("push-attachments-Ab3dE"));
  BOOST_TEST(!isAttachmentZipTempName("push-attachments-Ab3dE9.zip"));
  BOOST_TEST(!isAttachmentZipTempName("push-attachments-Ab3dE9x"));
  BOOST_TEST(!isAttachmentZipTempName("push-attachments-Ab3dE9-x0Y1z2"));
  BOOST_TEST(!isAttachmentZipTempName("my-push-attachments-Ab3dE9"));
  BOOST_TEST(!isAttachmentZipTempName("zip-test-Ab3dE9"));
}

BOOST_AUTO_TEST_CASE(AgeRule) {
  const auto now = std::chrono::system_clock::now();
  BOOST_TEST(isOldEnough(now - 25h, now, 24h));
  BOOST_TEST(!isOldEnough(now - 24h, now, 24h));  // exactly max_age: not yet
  BOOST_TEST(!isOldEnough(now - 1h, now, 24h));
  BOOST_TEST(!isOldEnough(now, now, 24h));
  BOOST_TEST(!isOldEnough(now + 48h, now, 24h));  // clock stepped back: never old
  BOOST_TEST(isOldEnough(now - 2s, now, 1s));
}
