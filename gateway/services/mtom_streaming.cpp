#include "services/mtom_streaming.h"

#include <cstddef>

#include "mime/mime_part_reader.h"
#include "persistence/file_store.h"

namespace gateway::services {
namespace {

void* openPart(struct soap* soap, void* handle, const char*, const char*, const char*, enum soap_mime_encoding) {
  auto* upload = static_cast<PartUpload*>(handle);
  if (!upload) {  // a part gSOAP would read on its own: never expected, the operation drives the reading
    soap->error = SOAP_MIME_ERROR;
    return nullptr;
  }
  if (++upload->parts > 1) {
    upload->failure = Status::InvalidArgument("the message must carry exactly one " + upload->part_name + " part");
    soap->error = SOAP_MIME_ERROR;
    return nullptr;
  }
  return upload;
}

int writePart(struct soap*, void* handle, const char* buffer, size_t length) {
  auto* upload = static_cast<PartUpload*>(handle);
  Status s = upload->write(buffer, length);
  if (s.ok()) return SOAP_OK;
  upload->failure = s;
  return SOAP_MIME_ERROR;
}

void closePart(struct soap*, void*) {}

// gSOAP passes the XOP part's __ptr back as the handle: it is the open BlobReader.
void* openRead(struct soap*, void* handle, const char*, const char*, const char*) { return handle; }

size_t readPart(struct soap* soap, void* handle, char* buffer, size_t length) {
  auto read = static_cast<persistence::BlobReader*>(handle)->read(buffer, length);
  if (!read.ok()) {
    soap->error = SOAP_EOF;  // the response is half sent: all that is left is to break it off
    return 0;
  }
  return read.value();
}

void closeRead(struct soap*, void*) {}

// A refused part (limit, second part) leaves the rest of the message unread. A client still sending
// it would have its connection reset by the close that follows the fault, often before it has read
// the fault: so up to kDrainAfterRefusal more bytes of the message are read and dropped first.
constexpr std::size_t kDrainAfterRefusal = 1024 * 1024;

void dropRestOfMessage(struct soap* soap) {
  const int error = soap->error;
  std::size_t dropped = 0;
  soap->bufidx = soap->buflen;
  soap->ahead = 0;
  while (dropped < kDrainAfterRefusal && soap_valid_socket(soap->socket) && soap_recv(soap) == SOAP_OK) {
    dropped += soap->buflen - soap->bufidx;
    soap->bufidx = soap->buflen;
  }
  soap->error = error;
}

}  // namespace

void installPartWriter(struct soap* soap) {
  soap->mode |= SOAP_MIME_POSTCHECK;  // the operation reads the parts itself, through these
  soap->fmimewriteopen = openPart;
  soap->fmimewrite = writePart;
  soap->fmimewriteclose = closePart;
}

int receiveParts(struct soap* soap, PartUpload& upload) {
  const int keep_alive = soap->keep_alive;
  soap->keep_alive = 1;
  (void)mime::readMimeParts(soap, &upload);
  if (!upload.failure.ok() && (soap->mode & SOAP_ENC_MIME)) dropRestOfMessage(soap);
  if (soap_valid_socket(soap->socket)) soap->keep_alive = keep_alive;
  return soap->error;
}

void installBlobReader(struct soap* soap) {
  soap->fmimereadopen = openRead;
  soap->fmimeread = readPart;
  soap->fmimereadclose = closeRead;
}

void removeMimeCallbacks(struct soap* soap) {
  soap->fmimewriteopen = nullptr;
  soap->fmimewrite = nullptr;
  soap->fmimewriteclose = nullptr;
  soap->fmimereadopen = nullptr;
  soap->fmimeread = nullptr;
  soap->fmimereadclose = nullptr;
  soap->mode &= ~SOAP_MIME_POSTCHECK;
  soap->imode &= ~SOAP_MIME_POSTCHECK;
}

}  // namespace gateway::services
