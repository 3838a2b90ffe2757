// smtp_blast: the notification benchmark's baseline. Sends e-mails straight to an SMTP relay with the
// gateway's own SMTP client (delivery::SmtpSender: libcurl, STARTTLS, one kept-open connection per
// thread), without the gateway, its outbox or its database, and reports the rate the relay takes.
//
//   smtp_blast --port PORT --ca PEM [--threads N] [--messages M]
//
// Prints a human line and `RESULT {"threads":N,"messages":M,"seconds":S,"per_s":R,"errors":E}`.
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "delivery/smtp_sender.h"

namespace {

struct Options {
  int port = 0;
  std::string ca;
  int threads = 1;
  int messages = 2000;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "smtp_blast: %s\nusage: smtp_blast --port PORT --ca PEM [--threads N] [--messages M]\n", why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage("every option needs a value");
    const std::string value = argv[++i];
    if (flag == "--port") o.port = std::atoi(value.c_str());
    else if (flag == "--ca") o.ca = value;
    else if (flag == "--threads") o.threads = std::atoi(value.c_str());
    else if (flag == "--messages") o.messages = std::atoi(value.c_str());
    else usage("unknown option");
  }
  if (o.port <= 0 || o.ca.empty() || o.threads < 1 || o.messages < o.threads) usage("bad options");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  gateway::config::SmtpConfig smtp;
  smtp.host = "127.0.0.1";
  smtp.port = o.port;
  smtp.ca_file = o.ca;
  smtp.from = "bench@gateway.invalid";
  std::atomic<int> next{0};
  std::atomic<int> errors{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back([&] {
      gateway::delivery::SmtpSender sender(smtp);
      for (int n = next++; n < o.messages; n = next++) {
        gateway::persistence::OutboxMessage m;  // the shape the gateway sends for a notification
        m.id = n + 1;
        m.recipient = "person" + std::to_string(n) + "@example.no";
        m.subject = "Varsel fra Etaten";
        m.body = "Hei! Du har fått en ny melding i innboksen din. Logg inn for å lese den. Hilsen Etaten";
        if (!sender.send(m).ok()) ++errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("smtp_blast: %d messages, %d threads, %.2f s, %.0f/s, %d errors\n", o.messages, o.threads, seconds,
              o.messages / seconds, errors.load());
  std::printf("RESULT {\"threads\":%d,\"messages\":%d,\"seconds\":%.3f,\"per_s\":%.1f,\"errors\":%d}\n", o.threads,
              o.messages, seconds, o.messages / seconds, errors.load());
  return errors.load() == 0 ? 0 : 1;
}
