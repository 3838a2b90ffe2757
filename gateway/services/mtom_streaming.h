#pragma once
// MTOM/XOP parts streamed through gSOAP's MIME callbacks, for the streamed endpoints: an upload's
// one binary part goes piece by piece into a writer, never into memory as a whole; a download part
// is read piece by piece from an open persistence::BlobReader while gSOAP sends it.

#include <stdsoap2.h>

#include <cstddef>
#include <functional>
#include <string>

#include "common/status.h"

namespace gateway::services {

// What the request's part is written into, and what happened.
struct PartUpload {
  std::function<Status(const char*, std::size_t)> write;
  std::string part_name = "attachment";  // for the message when more than one part comes
  int parts = 0;
  Status failure;  // why a write was refused (limit, storage, a second part), not a broken connection
};

// Before dispatch, for a MIME request whose operation reads its part itself (receiveParts).
void installPartWriter(struct soap* soap);
// Reads the request's MIME parts into `upload`, a receive buffer at a time (mime/mime_part_reader.h:
// the body reaches `upload.write` in pieces of up to SOAP_BUFLEN bytes). The receive ends at the
// closing boundary; gSOAP would then, on "Connection: close", also close the socket before the answer
// could go out: the socket is kept open here, and the answer still says "Connection: close".
// When a write is refused (upload.failure), up to 1 MiB more of the message is read and dropped, so
// that a client still sending it reads the fault instead of a reset connection.
// Returns soap->error afterwards (non-zero: the connection broke or the MIME framing was wrong);
// check upload.failure first.
int receiveParts(struct soap* soap, PartUpload& upload);

// Before dispatch: a response part whose __ptr is an open persistence::BlobReader is read from it.
void installBlobReader(struct soap* soap);
// After dispatch: the worker's context serves every endpoint, so nothing of these (callbacks,
// SOAP_MIME_POSTCHECK) stays behind.
void removeMimeCallbacks(struct soap* soap);

}  // namespace gateway::services
