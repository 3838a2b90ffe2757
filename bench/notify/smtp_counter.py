#!/usr/bin/python3
"""Loopback SMTP relay for the notification benchmark (Debian's python3-aiosmtpd): accepts every
message, keeps nothing but a count, and times the first to the last of an expected number.

  smtp_counter.py --port PORT --ready-file FILE --cert PEM --key PEM [--expect N]

STARTTLS is offered and required before MAIL, as the gateway's default smtp.starttls=required
expects. With --expect N it prints, once the N-th message has been accepted, one line
  RESULT {"messages": N, "seconds": S, "per_s": (N-1)/S}
timed from the first message's DATA to the N-th's. Stops on SIGTERM.
"""
import argparse
import json
import os
import signal
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self, expect):
        self.expect = expect
        self.count = 0
        self.first = None

    async def handle_DATA(self, server, session, envelope):
        now = time.monotonic()
        self.count += 1  # the handler runs on the controller's one event-loop thread
        if self.count == 1:
            self.first = now
        if self.expect and self.count == self.expect:
            seconds = max(now - self.first, 1e-9)
            print("RESULT " + json.dumps({"messages": self.count, "seconds": round(seconds, 3),
                                          "per_s": round((self.count - 1) / seconds, 1)}), flush=True)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--expect", type=int, default=0)
    args = parser.parse_args()
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)
    controller = Controller(Counter(args.expect), hostname="127.0.0.1", port=args.port, tls_context=tls,
                            require_starttls=True)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with open(args.ready_file + ".tmp", "w") as out:
        out.write(str(args.port))
    os.rename(args.ready_file + ".tmp", args.ready_file)
    while not stop.wait(0.2):
        pass
    controller.stop()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
