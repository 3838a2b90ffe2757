#include "services/mtom_streaming.h"

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
  while (soap_recv_mime_attachment(soap, &upload)) {
  }
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
