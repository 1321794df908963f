#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/writer.h"
#include "events/event.h"

namespace smartdairy::events {

// Handles one event inside the consumer's write transaction. An error rolls back the
// batch; the consumer retries from the same event on its next wake-up.
using ConsumerFn = std::function<Status(db::Connection& tx, const Event& event)>;

// A durable consumer (DESIGN.md §3): its cursor lives in consumer_offsets and advances in
// the same transaction as its effects, so each event takes effect exactly once, even
// across crashes.
class DurableConsumer {
 public:
  // `published`: the bus's published sequence (read when the consumer filters by type).
  DurableConsumer(std::string name, ConsumerFn fn, db::Writer& writer, size_t batch = 512,
                  std::vector<std::string> types = {},
                  const std::atomic<int64_t>* published = nullptr);

  // Schedules a catch-up run on the writer unless one is already queued.
  void wake();
  // The event types this consumer acts on; empty: all. Events of other types are still read
  // past (and the cursor moves over them) when it runs for a type it wants.
  const std::vector<std::string>& types() const { return types_; }
  bool wants(const std::string& type) const;
  // Nothing committed up to `seq` concerns this consumer: count it as caught up (for the lag
  // gauge) without a write. Its stored cursor moves over those events on its next run.
  void skip_to(int64_t seq);
  // True after a run failed or could not be queued: the next commit wakes it whatever its
  // types, so a failed event is retried and never counted as caught up.
  bool needs_retry() const { return needs_retry_.load(); }
  // Runs inside the consumer's transaction after each batch it applied: a consumer may
  // gather what its events touched and write once per batch. An error rolls the batch back
  // (retried like a failed event). The function it returns (if any) runs on the writer thread
  // once the transaction has committed — for derived live messages such as the dashboard's
  // KPIs. Set before the bus starts.
  using BatchEnd =
      std::function<Result<std::function<void()>>(db::Connection& tx, int64_t last_seq)>;
  void set_batch_end(BatchEnd fn) { batch_end_ = std::move(fn); }
  const std::string& name() const { return name_; }
  int64_t offset() const { return offset_.load(std::memory_order_relaxed); }
  int64_t errors() const { return errors_.load(std::memory_order_relaxed); }

  // In-batch runs (writer thread only). The bus runs the consumer inside the writer's batch,
  // after the commands that appended its events and before COMMIT, in a savepoint of its
  // own: its effects and cursor commit with the events, with no second commit and no wait
  // for the next batch. A run that fails rolls back alone and is retried by a job at the next
  // commit that appends events. Returns the seq it applied up to, or -1 when it failed.
  // Throws db::BatchAborted when its savepoint cannot be opened, rolled back or released
  // (the batch's transaction is then in doubt).
  int64_t run_in_batch(db::Connection& tx);
  // After the batch: `committed` says whether its COMMIT succeeded. Returns the seq the
  // consumer is caught up to through its in-batch run, kNoBatchRun when it did not run in the
  // batch (or more is left for a job), or kBatchRunFailed.
  // `then` is what its batch-end hook asked to run after the commit: the bus runs it once it
  // has handed the batch's events to its subscribers.
  static constexpr int64_t kNoBatchRun = -1;
  static constexpr int64_t kBatchRunFailed = -2;
  struct BatchOutcome {
    int64_t caught_up = kNoBatchRun;
    std::function<void()> then;
  };
  BatchOutcome finish_batch(bool committed);
  // The batch's last round appended nothing more: an in-batch run that succeeded has seen
  // every event of its types up to `seq`, so it counts as caught up to it.
  void batch_settled(int64_t seq);

 private:
  // One run: applies up to batch_ events after the stored cursor and moves it. `then` gets the
  // batch-end hook's after-commit action.
  bool run(db::Connection& tx, size_t& processed, int64_t& new_offset, std::function<void()>& then);
  // Records how run `run_no` ended; a failure newer than the last success needs a retry.
  void note_run(uint64_t run_no, bool ok);
  void raise_offset(int64_t seq);  // the in-memory offset never moves back

  struct BatchRun {
    bool ran = false;
    bool ok = false;
    size_t processed = 0;
    int64_t offset = -1;
    uint64_t run_no = 0;
    std::function<void()> then;  // the latest successful round's after-commit action
  };
  BatchRun batch_run_;  // writer thread only
  // Runs (jobs and in-batch) numbered in the order they ran; the latest of each outcome.
  uint64_t runs_ = 0;             // writer thread only
  uint64_t last_ok_run_ = 0;      // writer thread only
  uint64_t last_failed_run_ = 0;  // writer thread only

  std::string name_;
  ConsumerFn fn_;
  std::vector<std::string> types_;
  const std::atomic<int64_t>* published_;
  db::Writer& writer_;
  size_t batch_;
  std::atomic<bool> scheduled_{false};
  // Set by wake(), cleared when a run starts: a wake-up during a run schedules another.
  std::atomic<bool> pending_{false};
  std::atomic<int64_t> offset_{-1};
  std::atomic<bool> needs_retry_{false};
  std::atomic<int64_t> errors_{0};
  BatchEnd batch_end_;
};

// In-process event bus: after every commit, reads the events it has not yet published from
// the outbox, hands them to subscribers (which must not block), and wakes the durable
// consumers.
class Bus {
 public:
  using Subscriber = std::function<void(const std::vector<Event>&)>;

  explicit Bus(db::Writer& writer) : writer_(writer) {}

  // Registers a durable consumer; call before start(). `types`: the event types it acts on
  // (empty: every type). The bus then wakes it only when a commit carries one of them — the
  // invoicer, say, is not run again for the invoice.issued it has just written.
  DurableConsumer& add_consumer(std::string name, ConsumerFn fn,
                                std::vector<std::string> types = {});
  // Registers a subscriber for committed events (not durable: for live views).
  void subscribe(Subscriber s);

  // Hooks into the writer and catches every consumer up from its stored cursor.
  Status start(db::Connection& conn);
  // Called by the writer before each commit, inside the batch's transaction: runs the
  // consumers for the events the batch appended (and again for the events those runs
  // append, a few rounds at most), each in its own savepoint.
  void before_commit(db::Connection& tx);
  // Called by the writer after each commit (writer thread).
  void after_commit(db::Connection& conn);

  int64_t published_seq() const { return published_.load(std::memory_order_relaxed); }
  const std::vector<std::unique_ptr<DurableConsumer>>& consumers() const { return consumers_; }

 private:
  // Hands the committed events to the subscribers and wakes (or counts as caught up) the
  // consumers that did not finish them in the batch.
  void publish_and_wake(db::Connection& conn,
                        const std::vector<DurableConsumer::BatchOutcome>& in_batch);

  db::Writer& writer_;
  std::vector<std::unique_ptr<DurableConsumer>> consumers_;
  std::mutex mu_;
  std::vector<Subscriber> subscribers_;
  std::atomic<int64_t> published_{0};
  // The event types before_commit found in the batch's events (from, upto]: writer thread.
  struct BatchTypes {
    int64_t from = 0;
    int64_t upto = 0;
    std::vector<std::string> types;
  };
  std::optional<BatchTypes> batch_types_;
};

}  // namespace smartdairy::events
