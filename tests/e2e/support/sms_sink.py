#!/usr/bin/python3
"""Loopback SMS gateway for the e2e tests: accepts POST with a JSON body and stores each request in
DIR as <n>.sms (first line: the Authorization header, then the body as received). Answers 202.

  sms_sink.py --dir DIR --ready-file FILE

Binds a free port on 127.0.0.1, writes it to FILE, stops on SIGTERM.
"""
import argparse
import http.server
import os
import signal
import threading
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--ready-file", required=True)
    args = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            name = "%d-%d" % (time.time_ns(), threading.get_ident())
            tmp = os.path.join(args.dir, name + ".tmp")
            with open(tmp, "wb") as out:
                out.write(("authorization: %s\n" % self.headers.get("Authorization", "")).encode())
                out.write(("content_type: %s\n" % self.headers.get("Content-Type", "")).encode())
                out.write(body)
            os.rename(tmp, os.path.join(args.dir, name + ".sms"))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    with open(args.ready_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    os.rename(args.ready_file + ".tmp", args.ready_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
