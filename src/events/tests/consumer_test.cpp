#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "db/tests/db_test_util.h"
#include "events/bus.h"
#include "events/outbox.h"
#include "events/tests/events_fixture.h"

namespace smartdairy::events {
namespace {

using db::test::eventually;
using db::test::open_reader;
using db::test::run_write;
using db::test::scalar;

class ConsumerTest : public EventsTest {
 protected:
  // A consumer whose effect is one `applied` row per event.
  static ConsumerFn recorder(std::string name) {
    return [name](db::Connection& tx, const Event& ev) { return record(tx, name, ev); };
  }

  // Wakes `consumer` until its committed offset reaches `seq`. Repeated wake-ups keep tests
  // that are not about wake-ups independent of WakesForEventsCommittedWithItsRun.
  static bool catch_up(DurableConsumer& consumer, int64_t seq) {
    return eventually([&] {
      consumer.wake();
      return consumer.offset() == seq;
    });
  }

  // Waits until every job queued so far has completed (the writer runs them in order).
  void flush() {
    ASSERT_TRUE(run_write(writer(), [](db::Connection&) { return true; }).ok());
  }

  // Events applied by `consumer` in the order it applied them, as seqs 1..n with no
  // repeats and no holes.
  void expect_applied_once_in_order(const std::string& consumer, int64_t n) {
    EXPECT_EQ(applied_rows(consumer), n);
    EXPECT_EQ(applied_distinct(consumer), n);
    EXPECT_EQ(query("SELECT COALESCE(MIN(seq), 0) FROM applied WHERE consumer = ?", consumer),
              n > 0 ? 1 : 0);
    EXPECT_EQ(query("SELECT COALESCE(MAX(seq), 0) FROM applied WHERE consumer = ?", consumer), n);
    EXPECT_EQ(query("SELECT count(*) FROM (SELECT seq, LAG(seq) OVER (ORDER BY rowid) AS prev "
                    "FROM applied WHERE consumer = ?) WHERE seq <= prev",
                    consumer),
              0)
        << "events applied out of order";
  }
};

TEST_F(ConsumerTest, AppliesEveryCommittedEventExactlyOnce) {
  Bus bus(writer());
  DurableConsumer& rows = bus.add_consumer("rows", recorder("rows"));
  DurableConsumer& other = bus.add_consumer("other", recorder("other"));
  WriterStopper stop_writer(writer());
  auto conn = open_reader(path());
  ASSERT_TRUE(bus.start(*conn).ok());
  writer().start();

  // Four threads append concurrently; every fifth job rolls its event back.
  constexpr int kThreads = 4;
  constexpr int kJobs = 50;
  std::latch all_done(kThreads * kJobs);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kJobs; ++i) {
        bool keep = i % 5 != 4;
        Status st = writer().submit(
            db::WriteJob{[this, t, keep](db::Connection& tx) {
                           return append(tx, draft("t" + std::to_string(t)), clock_).ok() && keep;
                         },
                         [&](const Status&) { all_done.count_down(); }});
        EXPECT_TRUE(st.ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  all_done.wait();
  constexpr int64_t kKept = kThreads * kJobs * 4 / 5;
  EXPECT_EQ(bus.published_seq(), kKept);

  ASSERT_TRUE(catch_up(rows, kKept));
  ASSERT_TRUE(catch_up(other, kKept));
  flush();
  expect_applied_once_in_order("rows", kKept);
  expect_applied_once_in_order("other", kKept);
  EXPECT_EQ(stored_cursor("rows"), kKept);
  EXPECT_EQ(stored_cursor("other"), kKept);
  EXPECT_EQ(rows.errors(), 0);
}

TEST_F(ConsumerTest, StartCatchesUpFromTheLog) {
  Bus bus(writer());
  DurableConsumer& rows = bus.add_consumer("rows", recorder("rows"));
  WriterStopper stop_writer(writer());
  // Events committed before the bus starts (queued ahead of the consumer's first run).
  ASSERT_TRUE(writer()
                  .submit(db::WriteJob{[this](db::Connection& tx) {
                                         for (int i = 0; i < 5; ++i) {
                                           if (!append(tx, draft("early"), clock_).ok()) {
                                             return false;
                                           }
                                         }
                                         return true;
                                       },
                                       nullptr})
                  .ok());
  auto conn = open_reader(path());
  ASSERT_TRUE(bus.start(*conn).ok());
  writer().start();

  // No explicit wake-up: Bus::start schedules the catch-up.
  ASSERT_TRUE(eventually([&] { return rows.offset() == 5; }));
  flush();
  expect_applied_once_in_order("rows", 5);
}

TEST_F(ConsumerTest, ResumesFromItsStoredCursorAfterARestart) {
  constexpr int64_t kEvents = 1000;
  constexpr size_t kBatch = 10;
  {
    // First run: 1000 events, and a consumer that gets through two batches before the
    // writer stops (as on shutdown or a crash between batches).
    db::Writer& w = writer();
    ASSERT_TRUE(w.submit(db::WriteJob{[this](db::Connection& tx) {
                                        for (int64_t i = 0; i < kEvents; ++i) {
                                          if (!append(tx, draft("e"), clock_).ok()) return false;
                                        }
                                        return true;
                                      },
                                      nullptr})
                    .ok());
    std::promise<void> second_batch;
    DurableConsumer first(
        "restart",
        [&](db::Connection& tx, const Event& ev) -> Status {
          SD_RETURN_IF_ERROR(record(tx, "restart", ev));
          if (ev.seq == 2 * static_cast<int64_t>(kBatch)) {
            // Hold this batch until stop() has begun, so that no third batch can start.
            second_batch.set_value();
            while (w.submit(db::WriteJob{[](db::Connection&) { return true; }, nullptr}).ok()) {
              std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
          }
          return {};
        },
        w, kBatch);
    WriterStopper stop_writer(w);
    first.wake();
    w.start();
    ASSERT_EQ(second_batch.get_future().wait_for(std::chrono::seconds(10)),
              std::future_status::ready);
    w.stop();
    EXPECT_EQ(first.offset(), 20);
    EXPECT_EQ(applied_rows("restart"), 20);
    EXPECT_EQ(stored_cursor("restart"), 20);
  }

  // Second run: a new Database, Writer and consumer of the same name on the same file.
  ASSERT_NO_FATAL_FAILURE(open());
  DurableConsumer second("restart", recorder("restart"), writer(), kBatch);
  WriterStopper stop_writer(writer());
  writer().start();
  ASSERT_TRUE(catch_up(second, kEvents));
  flush();
  expect_applied_once_in_order("restart", kEvents);
  EXPECT_EQ(stored_cursor("restart"), kEvents);
}

TEST_F(ConsumerTest, FailingHandlerHoldsTheCursorUntilItSucceeds) {
  std::atomic<bool> failing{true};
  DurableConsumer flaky(
      "flaky",
      [&](db::Connection& tx, const Event& ev) -> Status {
        SD_RETURN_IF_ERROR(record(tx, "flaky", ev));
        if (failing.load() && ev.seq == 5) {
          return Error::unprocessable("handler_failed", "cannot handle event 5 yet");
        }
        return {};
      },
      writer(), 512);
  WriterStopper stop_writer(writer());
  writer().start();
  ASSERT_NO_FATAL_FAILURE(append_committed(10));

  // The handler fails on event 5: the batch's effects (events 1-4 too) and the cursor roll
  // back together.
  flaky.wake();
  ASSERT_TRUE(eventually([&] { return flaky.errors() >= 1; }));
  flush();
  EXPECT_EQ(applied_rows("flaky"), 0);
  EXPECT_EQ(stored_cursor("flaky"), 0);
  EXPECT_LE(flaky.offset(), 0);

  // Retrying while it still fails changes nothing.
  flaky.wake();
  ASSERT_TRUE(eventually([&] { return flaky.errors() >= 2; }));
  flush();
  EXPECT_EQ(applied_rows("flaky"), 0);

  // Once the handler recovers, the consumer resumes from event 1 and applies each once.
  failing.store(false);
  ASSERT_TRUE(catch_up(flaky, 10));
  flush();
  expect_applied_once_in_order("flaky", 10);
  EXPECT_EQ(stored_cursor("flaky"), 10);
}

// A consumer that gathers its batch and writes at the end of it: the batch-end hook runs in
// the batch's transaction, its failure rolls the whole batch back (retried from the same
// cursor), and what it returns runs only once the batch has committed.
TEST_F(ConsumerTest, BatchEndWritesWithTheBatchAndActsAfterItsCommit) {
  std::atomic<bool> failing{true};
  std::vector<Event> noted;  // writer thread only
  std::atomic<int64_t> announced{0};
  DurableConsumer gather(
      "gather",
      [&](db::Connection&, const Event& ev) -> Status {
        noted.push_back(ev);
        return {};
      },
      writer(), 4);
  gather.set_batch_end([&](db::Connection& tx, int64_t last_seq) -> Result<std::function<void()>> {
    auto batch = std::exchange(noted, {});
    for (const auto& ev : batch) SD_RETURN_IF_ERROR(record(tx, "gather", ev));
    if (failing.load() && last_seq == 8) {
      return Error::unprocessable("batch_failed", "cannot write the batch ending at 8");
    }
    return std::function<void()>([&announced, last_seq] { announced.store(last_seq); });
  });
  WriterStopper stop_writer(writer());
  writer().start();
  ASSERT_NO_FATAL_FAILURE(append_committed(10));

  // Batches of 4: 1-4 commits and is announced; 5-8 fails at its end and rolls back.
  gather.wake();
  ASSERT_TRUE(eventually([&] { return gather.errors() >= 1; }));
  flush();
  EXPECT_EQ(applied_rows("gather"), 4);
  EXPECT_EQ(stored_cursor("gather"), 4);
  EXPECT_EQ(announced.load(), 4);

  failing.store(false);
  ASSERT_TRUE(catch_up(gather, 10));
  flush();
  expect_applied_once_in_order("gather", 10);
  EXPECT_EQ(announced.load(), 10);
}

TEST_F(ConsumerTest, SubscribersReceiveOnlyCommittedEventsInOrder) {
  Bus bus(writer());
  std::mutex mu;
  std::vector<Event> seen;
  bus.subscribe([&](const std::vector<Event>& events) {
    std::lock_guard lock(mu);
    seen.insert(seen.end(), events.begin(), events.end());
  });
  WriterStopper stop_writer(writer());
  auto conn = open_reader(path());
  ASSERT_TRUE(bus.start(*conn).ok());

  // One batch: kept, rolled back, thrown, kept.
  auto job = [this](std::string type, bool keep, bool throws) {
    return [this, type, keep, throws](db::Connection& tx) {
      EXPECT_TRUE(append(tx, draft(type), clock_).ok());
      if (throws) throw std::runtime_error("rolled back");
      return keep;
    };
  };
  std::latch first_batch(4);
  auto count_down = [&](const Status& commit) {
    EXPECT_TRUE(commit.ok());
    first_batch.count_down();
  };
  ASSERT_TRUE(writer().submit({job("kept.a", true, false), count_down}).ok());
  ASSERT_TRUE(writer().submit({job("rolled_back.b", false, false), count_down}).ok());
  ASSERT_TRUE(writer().submit({job("rolled_back.c", true, true), count_down}).ok());
  ASSERT_TRUE(writer().submit({job("kept.d", true, false), count_down}).ok());
  writer().start();
  first_batch.wait();

  // Later batches: two events in one job, a rolled-back job, then one more event.
  ASSERT_TRUE(run_write(writer(), [this](db::Connection& tx) {
                return append(tx, draft("kept.e"), clock_).ok() &&
                       append(tx, draft("kept.f"), clock_).ok();
              }).ok());
  ASSERT_TRUE(run_write(writer(), job("rolled_back.g", false, false)).ok());
  ASSERT_TRUE(run_write(writer(), job("kept.h", true, false)).ok());

  // Subscribers run in the writer's after-commit hook, before the waiters complete.
  std::lock_guard lock(mu);
  std::vector<std::string> types;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].seq, static_cast<int64_t>(i) + 1);
    types.push_back(seen[i].type);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"kept.a", "kept.d", "kept.e", "kept.f", "kept.h"}));
  EXPECT_EQ(bus.published_seq(), 5);
}

// Regression (fixed; lost wake-up): Writer::run_batch calls the after-commit hook before the done
// callbacks, so when a consumer's run and a later job that appends an event share a batch,
// Bus::after_commit's wake() finds the consumer still `scheduled_` and does nothing; the
// consumer's done callback then clears `scheduled_` without rescheduling (its batch was not
// full). The event is not consumed until some later commit appends another event.
TEST_F(ConsumerTest, WakesForEventsCommittedWithItsRun) {
  Bus bus(writer());
  DurableConsumer& rows = bus.add_consumer("rows", recorder("rows"));
  WriterStopper stop_writer(writer());
  auto conn = open_reader(path());
  ASSERT_TRUE(bus.start(*conn).ok());  // queues the consumer's catch-up run
  // Queued behind the catch-up run, so both land in the first batch.
  ASSERT_TRUE(writer()
                  .submit(db::WriteJob{
                      [this](db::Connection& tx) { return append(tx, draft("late"), clock_).ok(); },
                      nullptr})
                  .ok());
  writer().start();

  EXPECT_TRUE(eventually([&] { return rows.offset() == 1; }, std::chrono::seconds(2)))
      << "the consumer was never woken for seq 1 (offset " << rows.offset() << ")";
}

TEST_F(ConsumerTest, AFilteredConsumerRunsOnlyForItsTypes) {
  Bus bus(writer());
  DurableConsumer& orders = bus.add_consumer("orders", recorder("orders"), {"order.created"});
  auto conn = open_reader(path());
  ASSERT_TRUE(bus.start(*conn).ok());
  writer().start();
  ASSERT_TRUE(eventually([&] { return orders.offset() == 0; }));
  flush();
  const uint64_t before = writer().commits();
  append_committed(3, "noise.happened");
  flush();
  // Two commits: the events and the flush. The consumer was not run for them...
  EXPECT_EQ(writer().commits() - before, 2u);
  EXPECT_EQ(stored_cursor("orders"), 0);
  // ...but counts as caught up, so its lag reads 0.
  EXPECT_EQ(orders.offset(), 3);
  append_committed(1, "order.created");
  ASSERT_TRUE(eventually([&] { return stored_cursor("orders") == 4; }));
  // The run for the order read past the noise too: the cursor never skips an event.
  EXPECT_EQ(applied_rows("orders"), 4);
  EXPECT_EQ(orders.offset(), 4);
}

TEST_F(ConsumerTest, AFailedFilteredConsumerIsRetriedAndNeverLooksCaughtUp) {
  Bus bus(writer());
  std::atomic<int> failures_left{1};
  DurableConsumer& orders =
      bus.add_consumer("orders",
                       [&](db::Connection& tx, const Event& ev) -> Status {
                         if (ev.type == "order.created" && failures_left.fetch_sub(1) > 0) {
                           return Error::internal("the invoicer tripped");
                         }
                         return record(tx, "orders", ev);
                       },
                       {"order.created"});
  auto conn = open_reader(path());
  ASSERT_TRUE(bus.start(*conn).ok());
  writer().start();
  append_committed(1, "order.created");
  ASSERT_TRUE(eventually([&] { return orders.errors() == 1; }));
  flush();
  EXPECT_EQ(stored_cursor("orders"), 0);
  // A commit of an unrelated type retries the failed consumer instead of skipping it.
  append_committed(1, "noise.happened");
  ASSERT_TRUE(eventually([&] { return stored_cursor("orders") == 2; }));
  EXPECT_EQ(applied_rows("orders"), 2);
  EXPECT_EQ(orders.offset(), 2);
}

TEST_F(ConsumerTest, AFilteredConsumerThatWritesEventsEndsCaughtUp) {
  Bus bus(writer());
  // Like the invoicer: handles order.created by appending an invoice.issued of its own.
  DurableConsumer& invoicer =
      bus.add_consumer("invoicer",
                       [this](db::Connection& tx, const Event& ev) -> Status {
                         if (ev.type != "order.created") return Status();
                         auto out = append(tx, draft("invoice.issued"), clock_);
                         return out.ok() ? Status() : Status(out.error());
                       },
                       {"order.created"});
  auto conn = open_reader(path());
  ASSERT_TRUE(bus.start(*conn).ok());
  writer().start();
  append_committed(1, "order.created");
  // Its own invoice.issued (seq 2) does not wake it again, yet it counts as caught up.
  ASSERT_TRUE(eventually([&] { return invoicer.offset() == 2; }))
      << "offset " << invoicer.offset() << ", published " << bus.published_seq();
  flush();
  EXPECT_EQ(bus.published_seq(), 2);
  EXPECT_EQ(stored_cursor("invoicer"), 1);
}

// Consumers run inside the batch that appended their events, before its COMMIT: the
// invoicer's invoice and the views' rows commit with the order, in one commit, and are there
// when the order's waiter completes. A consumer that fails there rolls back alone.
TEST_F(ConsumerTest, ConsumersRunInTheBatchThatAppendedTheirEvents) {
  Bus bus(writer());
  std::atomic<bool> views_fail{false};
  DurableConsumer& invoicer =
      bus.add_consumer("invoicer",
                       [this](db::Connection& tx, const Event& ev) -> Status {
                         if (ev.type != "order.created") return Status();
                         SD_RETURN_IF_ERROR(record(tx, "invoicer", ev));
                         auto out = append(tx, draft("invoice.issued"), clock_);
                         return out.ok() ? Status() : Status(out.error());
                       },
                       {"order.created"});
  DurableConsumer& views = bus.add_consumer("views",
                                            [&](db::Connection& tx, const Event& ev) -> Status {
                                              SD_RETURN_IF_ERROR(record(tx, "views", ev));
                                              if (views_fail.load())
                                                return Error::internal("the views tripped");
                                              return Status();
                                            },
                                            {"order.created", "invoice.issued"});
  WriterStopper stop_writer(writer());
  auto conn = open_reader(path());
  ASSERT_TRUE(bus.start(*conn).ok());
  writer().start();
  ASSERT_TRUE(eventually([&] { return invoicer.offset() == 0 && views.offset() == 0; }));
  flush();

  const uint64_t before = writer().commits();
  append_committed(2, "order.created");
  // No waiting: the run_write above returned once its batch committed.
  EXPECT_EQ(writer().commits() - before, 1u);
  EXPECT_EQ(applied_rows("invoicer"), 2);
  EXPECT_EQ(applied_rows("views"), 4);      // both orders and both invoices
  EXPECT_EQ(stored_cursor("invoicer"), 2);  // read past its own invoices at its next run
  EXPECT_EQ(stored_cursor("views"), 4);
  EXPECT_EQ(invoicer.offset(), 4);
  EXPECT_EQ(views.offset(), 4);
  flush();
  EXPECT_EQ(writer().commits() - before, 2u) << "a consumer ran again after its batch";

  // The views fail in the next batch: the order and its invoice commit, the views' run rolls
  // back alone and is retried (at the next commit) once they recover.
  views_fail.store(true);
  append_committed(1, "order.created");
  EXPECT_EQ(applied_rows("invoicer"), 3);
  EXPECT_EQ(applied_rows("views"), 4);
  EXPECT_EQ(stored_cursor("views"), 4);
  EXPECT_TRUE(views.needs_retry());
  EXPECT_LT(views.offset(), 6);
  views_fail.store(false);
  append_committed(1, "noise.happened");
  ASSERT_TRUE(eventually([&] { return stored_cursor("views") == 7; }));
  EXPECT_EQ(applied_rows("views"), 7);  // 5-7 applied once each
  EXPECT_EQ(views.offset(), 7);
}

// A consumer that ends the batch's transaction itself (as SQLite does on an I/O error or a
// full disk) leaves nothing to roll back to: the bus must not carry on in a new transaction of
// its own, but abort the batch — its commands are answered with an error, nothing of it is
// kept, and the writer goes on with the next batch.
TEST_F(ConsumerTest, AConsumerThatEndsTheTransactionAbortsTheBatch) {
  Bus bus(writer());
  std::atomic<bool> sabotage{false};
  bus.add_consumer("saboteur",
                   [&](db::Connection& tx, const Event& ev) -> Status {
                     if (sabotage.exchange(false)) {
                       EXPECT_TRUE(tx.exec("ROLLBACK").ok());
                       return Error::internal("the transaction is gone");
                     }
                     return record(tx, "saboteur", ev);
                   },
                   {"order.created"});
  DurableConsumer& views = bus.add_consumer("views", recorder("views"), {"order.created"});
  WriterStopper stop_writer(writer());
  auto conn = open_reader(path());
  ASSERT_TRUE(bus.start(*conn).ok());
  writer().start();
  ASSERT_TRUE(eventually([&] { return views.offset() == 0; }));
  flush();

  sabotage.store(true);
  Status st = run_write(writer(), [this](db::Connection& tx) {
    return append(tx, draft("order.created"), clock_).ok();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "writer_hook_failed");
  EXPECT_FALSE(writer().failed());
  EXPECT_EQ(query("SELECT count(*) FROM events_log WHERE ? IS NOT NULL", "-"), 0);
  EXPECT_EQ(applied_rows("views"), 0);

  // The next batch runs normally, in one transaction of the writer's.
  append_committed(1, "order.created");
  EXPECT_EQ(applied_rows("saboteur"), 1);
  EXPECT_EQ(applied_rows("views"), 1);
  EXPECT_EQ(stored_cursor("views"), 1);
}

}  // namespace
}  // namespace smartdairy::events
