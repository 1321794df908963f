// Durable writer throughput: many clients submit trivial commands (one INSERT each) and
// wait for their acknowledgement, as request handlers do. Reports commands/s, commits/s
// and batch sizes. Every acknowledged command is durable (WAL, synchronous=FULL).
//
//   writer_bench [--seconds S] [--clients C] [--dir DIR]
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/database.h"

using namespace smartdairy;

int main(int argc, char** argv) {
  double seconds = 5;
  int clients = 512;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--clients")) clients = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  }
  if (dir.empty()) {
    char tmpl[] = "/tmp/sd-writer-bench-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  std::filesystem::create_directories(dir);
  db::DatabaseOptions opts;
  opts.path = dir + "/bench.db";
  auto db = db::Database::open(opts, db::embedded_migrations());
  if (!db.ok()) {
    std::fprintf(stderr, "open: %s\n", db.error().message.c_str());
    return 1;
  }
  auto& writer = (*db)->writer();
  std::atomic<uint64_t> batches{0}, batch_total{0}, max_batch{0};
  writer.set_batch_observer([&](size_t n, std::chrono::nanoseconds) {
    batches.fetch_add(1);
    batch_total.fetch_add(n);
    uint64_t m = max_batch.load();
    while (n > m && !max_batch.compare_exchange_weak(m, n)) {
    }
  });
  {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    Status created =
        writer.submit({[](db::Connection& tx) {
                         return tx.exec("CREATE TABLE bench (id INTEGER PRIMARY KEY, v TEXT)").ok();
                       },
                       [&](const Status&) {
                         std::lock_guard l(mu);
                         done = true;
                         cv.notify_all();
                       }});
    if (!created.ok()) return 1;
    writer.start();
    std::unique_lock l(mu);
    cv.wait(l, [&] { return done; });
  }
  batches = 0;
  batch_total = 0;
  max_batch = 0;

  // `clients` logical clients, each with one command in flight: a client submits its next
  // command as soon as the previous one is acknowledged (durable).
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> acked{0}, failed{0};
  std::atomic<int> in_flight{0};
  std::function<void()> submit_one;
  submit_one = [&] {
    in_flight.fetch_add(1);
    Status st = writer.submit(
        {[](db::Connection& tx) {
           return tx.execute("INSERT INTO bench (v) VALUES (?)", "payload-of-a-trivial-command")
               .ok();
         },
         [&](const Status& s) {
           (s.ok() ? acked : failed).fetch_add(1, std::memory_order_relaxed);
           in_flight.fetch_sub(1);
           if (!stop.load(std::memory_order_relaxed)) submit_one();
         }});
    if (!st.ok()) {
      in_flight.fetch_sub(1);
      failed.fetch_add(1);
    }
  };
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < clients; ++i) submit_one();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  while (in_flight.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  (*db)->close();

  uint64_t b = batches.load();
  std::printf("writer_bench: clients=%d seconds=%.2f\n", clients, elapsed);
  std::printf("  acknowledged commands: %llu (%.0f/s), failed: %llu\n",
              static_cast<unsigned long long>(acked.load()), acked.load() / elapsed,
              static_cast<unsigned long long>(failed.load()));
  std::printf("  commits: %llu (%.0f/s), mean batch %.1f, max batch %llu\n",
              static_cast<unsigned long long>(b), b / elapsed,
              b ? static_cast<double>(batch_total.load()) / b : 0.0,
              static_cast<unsigned long long>(max_batch.load()));
  std::filesystem::remove_all(dir);
  return 0;
}
