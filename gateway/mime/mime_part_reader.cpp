#include "mime/mime_part_reader.h"

#include <cstdlib>
#include <cstring>

#include "common/mime_part_scanner.h"

namespace gateway::mime {
namespace {

using End = MimePartScanner::End;

// gSOAP's exit from soap_recv_mime_attachment (post_check_exit): the connection is closed as far as
// the error demands (soap_closesock closes it on EOF and transport errors, or without keep-alive).
int closeAsGsoapDoes(struct soap* soap) {
  if (soap->mode & SOAP_MIME_POSTCHECK) {
    if (soap->keep_alive == -2) soap->keep_alive = 0;  // gSOAP's "special case to keep alive"
    (void)soap_closesock(soap);
  }
  return soap->error;
}

// As gSOAP's own (static) soap_resolve_attachment: the envelope's xop:Include reference to this part
// is pointed at the part, so soap_end_recv finds nothing unresolved.
void resolveReference(struct soap* soap, struct soap_multipart* content) {
  if (!content->id) return;
  for (struct soap_xlist** link = &soap->xlist; *link;) {
    struct soap_xlist* reference = *link;
    if (soap_match_cid(soap, reference->id, content->id)) {
      link = &reference->next;
      continue;
    }
    *link = reference->next;
    *reference->ptr = reinterpret_cast<unsigned char*>(const_cast<char*>(content->ptr));
    *reference->size = static_cast<int>(content->size);
    *reference->type = const_cast<char*>(content->type);
    *reference->options = const_cast<char*>(content->options ? content->options : content->description);
    std::free(reference);  // gSOAP allocates these with SOAP_MALLOC (malloc)
  }
}

// One part after the root: its headers are read; its body goes to the writer up to the delimiter.
int readBodyPart(struct soap* soap, void* handle, struct soap_multipart* content) {
  const char* boundary = soap->mime.boundary;
  if (!boundary || !MimePartScanner::isUsableBoundary(boundary)) {
    soap->error = SOAP_MIME_ERROR;
    return closeAsGsoapDoes(soap);
  }
  void* writer = soap->fmimewriteopen ? soap->fmimewriteopen(soap, handle, content->id, content->type,
                                                             content->description, content->encoding)
                                      : nullptr;
  if (!writer) {
    if (!soap->error) soap->error = SOAP_MIME_ERROR;  // nothing to write it to: never kept in memory
    return closeAsGsoapDoes(soap);
  }
  content->ptr = static_cast<const char*>(writer);

  MimePartScanner scanner(boundary);
  const MimePartScanner::BodySink body = [soap, writer](const char* bytes, std::size_t size) {
    soap->error = soap->fmimewrite ? soap->fmimewrite(soap, writer, bytes, size) : SOAP_OK;
    return soap->error == SOAP_OK;
  };
  MimePartScanner::Step step{0, End::kNotYet};
  bool eof = false;
  if (soap->ahead) {  // a character the parser looked ahead at (not expected after the part headers)
    if (static_cast<int>(soap->ahead) < 0) {
      eof = true;
    } else {
      const char c = static_cast<char>(soap->ahead);
      step = scanner.feed(&c, 1, body);
    }
    soap->ahead = 0;
  }
  while (!eof && step.end == End::kNotYet) {
    if (soap->bufidx >= soap->buflen) {
      if (soap_recv(soap)) {
        eof = true;
        break;
      }
      continue;
    }
    step = scanner.feed(soap->buf + soap->bufidx, soap->buflen - soap->bufidx, body);
    soap->bufidx += step.consumed;
  }
  if (soap->fmimewriteclose) soap->fmimewriteclose(soap, writer);
  if (eof) {
    if (!soap->error) soap->error = SOAP_EOF;  // SOAP_CHK_EOF: a transport error stays as it is
    return closeAsGsoapDoes(soap);
  }
  if (step.end == End::kStopped) return closeAsGsoapDoes(soap);  // soap->error: the writer's refusal
  if (step.end == End::kMalformed) {
    soap->error = SOAP_MIME_ERROR;
    return closeAsGsoapDoes(soap);
  }
  resolveReference(soap, content);
  if (step.end == End::kNextPart) {
    if (soap_getmimehdr(soap)) return closeAsGsoapDoes(soap);
    return SOAP_OK;
  }
  // The close delimiter: the message is complete, as at the end of gSOAP's soap_recv_mime_attachment.
  soap->mode &= ~SOAP_ENC_MIME;
  if (soap->mode & SOAP_MIME_POSTCHECK) {
    if (soap_end_recv(soap)) return closeAsGsoapDoes(soap);
    if (soap->keep_alive == -2) soap->keep_alive = 0;
    (void)soap_closesock(soap);
  }
  return soap->error;
}

}  // namespace

int readMimeParts(struct soap* soap, void* handle) {
  while (soap->mode & SOAP_ENC_MIME) {
    struct soap_multipart* content = soap->mime.last;
    if (!content || content == soap->mime.first) {
      // The root part's few remaining bytes (after the envelope) and the next part's headers.
      if (!soap_recv_mime_attachment(soap, handle)) return soap->error;
      continue;
    }
    if (readBodyPart(soap, handle, content) != SOAP_OK) return soap->error;
  }
  return closeAsGsoapDoes(soap);  // gSOAP's loop ends with one more call that exits this way
}

}  // namespace gateway::mime
