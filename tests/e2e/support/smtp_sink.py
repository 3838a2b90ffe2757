#!/usr/bin/python3
"""Loopback SMTP relay for the e2e tests (Debian's python3-aiosmtpd).

Accepts every message and stores it in DIR as <n>.mail: a few "key: value" lines (envelope sender,
recipients, whether STARTTLS was used, the decoded Subject and Content-Type), a line "--", then the
decoded body text. Files appear atomically (written as .tmp, then renamed).

  smtp_sink.py --dir DIR --port PORT --ready-file FILE [--cert PEM --key PEM]

With --cert/--key the server offers STARTTLS and requires it before MAIL. Writes the port to
FILE once it accepts connections; stops on SIGTERM.
"""
import argparse
import email
import email.policy
import os
import signal
import ssl
import threading
import time

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = message.get_content() if not message.is_multipart() else ""
        body = body.replace("\r\n", "\n")  # canonical CRLF line ends, stored as plain newlines
        lines = [
            "mail_from: %s" % envelope.mail_from,
            "rcpt_to: %s" % ",".join(envelope.rcpt_tos),
            "tls: %s" % ("yes" if session.ssl else "no"),
            "from: %s" % message["from"],
            "subject: %s" % message["subject"],
            "content_type: %s" % message["content-type"],
            "transfer_encoding: %s" % message["content-transfer-encoding"],
            "--",
        ]
        with self.lock:
            name = "%d-%d" % (time.time_ns(), os.getpid())
            tmp = os.path.join(self.directory, name + ".tmp")
            with open(tmp, "w", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n" + body)
            os.rename(tmp, os.path.join(self.directory, name + ".mail"))
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    tls = None
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
    controller = Controller(Store(args.dir), hostname="127.0.0.1", port=args.port, tls_context=tls,
                            require_starttls=tls is not None)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with open(args.ready_file + ".tmp", "w") as out:
        out.write(str(args.port))
    os.rename(args.ready_file + ".tmp", args.ready_file)
    while not stop.wait(0.2):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
