#include "events/bus.h"

#include <algorithm>

#include "core/clock.h"
#include "core/log.h"
#include "events/outbox.h"

namespace smartdairy::events {

DurableConsumer::DurableConsumer(std::string name, ConsumerFn fn, db::Writer& writer, size_t batch,
                                 std::vector<std::string> types,
                                 const std::atomic<int64_t>* published)
    : name_(std::move(name)),
      fn_(std::move(fn)),
      types_(std::move(types)),
      published_(published),
      writer_(writer),
      batch_(batch) {}

bool DurableConsumer::wants(const std::string& type) const {
  return types_.empty() || std::find(types_.begin(), types_.end(), type) != types_.end();
}

void DurableConsumer::skip_to(int64_t seq) {
  // A run queued or pending reports its own offset; a failed one must not look caught up.
  if (scheduled_.load() || pending_.load() || needs_retry_.load()) return;
  int64_t cur = offset_.load(std::memory_order_relaxed);
  while (cur < seq && !offset_.compare_exchange_weak(cur, seq, std::memory_order_relaxed)) {
  }
}

void DurableConsumer::note_run(uint64_t run_no, bool ok) {
  uint64_t& latest = ok ? last_ok_run_ : last_failed_run_;
  latest = std::max(latest, run_no);
  needs_retry_.store(last_failed_run_ > last_ok_run_);
}

void DurableConsumer::raise_offset(int64_t seq) {
  int64_t cur = offset_.load(std::memory_order_relaxed);
  while (cur < seq && !offset_.compare_exchange_weak(cur, seq, std::memory_order_relaxed)) {
  }
}

void DurableConsumer::wake() {
  pending_.store(true);
  if (scheduled_.exchange(true)) return;
  struct JobRun {
    uint64_t run_no = 0;
    size_t processed = 0;
    int64_t offset = -1;
    std::function<void()> then;
  };
  auto job = std::make_shared<JobRun>();
  auto run_job = [this, job](db::Connection& tx) {
    job->run_no = ++runs_;
    return run(tx, job->processed, job->offset, job->then);
  };
  auto done = [this, job](const Status& commit) {
    scheduled_.store(false);
    // A failed run rolls back and leaves its offset unset.
    const bool ok = commit.ok() && job->offset >= 0;
    note_run(job->run_no, ok);
    if (!commit.ok()) return;
    if (job->then) job->then();
    if (ok) {
      int64_t caught_up = job->offset;
      // A filtered consumer not woken again during its run, with no failure since: nothing
      // committed since (its own batch included — the bus checked it before this callback)
      // concerns it.
      if (!needs_retry_.load() && !types_.empty() && published_ != nullptr && !pending_.load()) {
        caught_up = std::max(caught_up, published_->load());
      }
      raise_offset(caught_up);  // never backwards: an in-batch run may have got further
    }
    // A full batch means there may be more; a wake-up that arrived while this run was
    // queued or running (events committed in the same batch) needs another run.
    if (job->processed == batch_ || pending_.load()) wake();
  };
  Status st = writer_.submit(db::WriteJob{run_job, done});
  if (!st.ok()) {
    scheduled_.store(false);
    needs_retry_.store(true);
  }
}

bool DurableConsumer::run(db::Connection& tx, size_t& processed, int64_t& new_offset,
                          std::function<void()>& then) {
  pending_.store(false);
  auto cursor = tx.scalar_int64("SELECT last_seq FROM consumer_offsets WHERE consumer = ?", name_);
  if (!cursor.ok()) return false;
  int64_t after = cursor->value_or(0);
  auto batch = read_after(tx, after, static_cast<int64_t>(batch_));
  if (!batch.ok()) return false;
  if (batch->empty()) {
    new_offset = after;
    return true;
  }
  for (const Event& ev : *batch) {
    Status st = fn_(tx, ev);
    if (!st.ok()) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      log::error(
          "consumer failed; will retry from this event",
          {{"consumer", name_}, {"seq", ev.seq}, {"type", ev.type}, {"error", st.error().message}});
      return false;
    }
  }
  int64_t last = batch->back().seq;
  Status st = tx.execute(
      "INSERT INTO consumer_offsets (consumer, last_seq, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT (consumer) DO UPDATE SET last_seq = excluded.last_seq, "
      "updated_at = excluded.updated_at",
      name_, last, SystemClock::instance().now_micros());
  if (!st.ok()) return false;
  if (batch_end_) {
    auto after_commit = batch_end_(tx, last);
    if (!after_commit.ok()) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      log::error("consumer failed at the end of a batch; will retry the batch",
                 {{"consumer", name_}, {"seq", last}, {"error", after_commit.error().message}});
      return false;
    }
    then = std::move(*after_commit);
  }
  processed = batch->size();
  new_offset = last;
  return true;
}

namespace {
// The batch's transaction can no longer be trusted (our savepoint could not be opened, rolled
// back or released, or SQLite ended the transaction itself, e.g. on an I/O error or a full
// disk): thrown to the writer, which rolls the whole batch back or stops writing.
[[noreturn]] void abort_batch(db::Connection& tx, const std::string& consumer, const char* step) {
  throw db::BatchAborted(tx.last_error_code(),
                         "consumer " + consumer + ": " + step + " failed inside the batch");
}
}  // namespace

int64_t DurableConsumer::run_in_batch(db::Connection& tx) {
  if (batch_run_.ran && !batch_run_.ok) return -1;  // failed earlier in this batch
  if (!tx.in_transaction() || !tx.exec("SAVEPOINT consumer").ok()) {
    abort_batch(tx, name_, "SAVEPOINT");
  }
  size_t processed = 0;
  int64_t new_offset = -1;
  std::function<void()> then;
  bool ok = false;
  const uint64_t run_no = ++runs_;
  try {
    ok = run(tx, processed, new_offset, then);
  } catch (const std::exception& ex) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    log::error("consumer threw; rolled back", {{"consumer", name_}, {"error", ex.what()}});
  } catch (...) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    log::error("consumer threw a non-standard exception; rolled back", {{"consumer", name_}});
  }
  if (!ok) {
    // (run() has counted the failure.) Only a rollback to our own savepoint that leaves the
    // batch's transaction open lets the batch go on without anything of this run.
    if (!tx.in_transaction() || !tx.exec("ROLLBACK TO consumer").ok() || !tx.in_transaction()) {
      abort_batch(tx, name_, "ROLLBACK TO");
    }
    if (!tx.exec("RELEASE consumer").ok()) abort_batch(tx, name_, "RELEASE");
    batch_run_.ran = true;
    batch_run_.ok = false;
    batch_run_.run_no = run_no;
    return -1;
  }
  if (!tx.exec("RELEASE consumer").ok()) abort_batch(tx, name_, "RELEASE");
  batch_run_.ran = true;
  batch_run_.ok = true;
  batch_run_.run_no = run_no;
  batch_run_.processed = processed;
  batch_run_.offset = new_offset;
  // The latest successful run's action (an earlier round's, if a later one has none).
  if (then) batch_run_.then = std::move(then);
  return new_offset;
}

void DurableConsumer::batch_settled(int64_t seq) {
  // A run that stopped at a full batch has more to read: it is not caught up to `seq`.
  if (batch_run_.ran && batch_run_.ok && batch_run_.processed < batch_) {
    batch_run_.offset = std::max(batch_run_.offset, seq);
  }
}

DurableConsumer::BatchOutcome DurableConsumer::finish_batch(bool committed) {
  BatchRun r = std::exchange(batch_run_, {});
  if (!r.ran) return {};
  if (!committed) {
    note_run(r.run_no, false);
    return {kBatchRunFailed, nullptr};
  }
  note_run(r.run_no, r.ok);
  // What an earlier successful round of this batch wrote has committed: its action runs even
  // when a later round failed.
  BatchOutcome out{kBatchRunFailed, std::move(r.then)};
  if (!r.ok) return out;
  raise_offset(r.offset);
  // A full run may have left more behind: a job picks it up.
  if (r.processed == batch_) {
    wake();
    out.caught_up = kNoBatchRun;
    return out;
  }
  out.caught_up = r.offset;
  return out;
}

namespace {
Result<std::vector<std::string>> distinct_types(db::Connection& conn, int64_t after, int64_t upto) {
  SD_ASSIGN_OR_RETURN(auto q, conn.query("SELECT DISTINCT type FROM events_log WHERE seq > ? "
                                         "AND seq <= ?",
                                         after, upto));
  std::vector<std::string> out;
  for (;;) {
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) break;
    out.push_back(q.text(0));
  }
  return out;
}
}  // namespace

DurableConsumer& Bus::add_consumer(std::string name, ConsumerFn fn,
                                   std::vector<std::string> types) {
  consumers_.push_back(std::make_unique<DurableConsumer>(std::move(name), std::move(fn), writer_,
                                                         512, std::move(types), &published_));
  return *consumers_.back();
}

void Bus::subscribe(Subscriber s) {
  std::lock_guard lock(mu_);
  subscribers_.push_back(std::move(s));
}

Status Bus::start(db::Connection& conn) {
  SD_ASSIGN_OR_RETURN(int64_t last, last_seq(conn));
  published_.store(last);
  writer_.set_before_commit([this](db::Connection& tx) { before_commit(tx); });
  writer_.set_after_commit([this](db::Connection& c) { after_commit(c); });
  for (auto& c : consumers_) c->wake();
  return {};
}

void Bus::before_commit(db::Connection& tx) {
  // A run left over from a batch whose COMMIT failed: its effects are gone, retry by a job.
  for (auto& c : consumers_) (void)c->finish_batch(false);
  const int64_t from = published_.load();
  batch_types_.reset();
  std::vector<std::string> seen;
  int64_t scanned = from;
  auto last = last_seq(tx);
  // Rounds: the invoicer's invoice.issued, appended in round one, is for the views in round
  // two. Consumers that write no events end it after one or two rounds.
  for (int round = 0; round < 4 && last.ok() && *last > scanned; ++round) {
    auto types = distinct_types(tx, scanned, *last);
    if (!types.ok()) return;
    seen.insert(seen.end(), types->begin(), types->end());
    scanned = *last;
    for (auto& c : consumers_) {
      bool wanted = std::any_of(types->begin(), types->end(),
                                [&](const std::string& t) { return c->wants(t); });
      if (wanted) (void)c->run_in_batch(tx);
    }
    last = last_seq(tx);
  }
  if (last.ok() && *last == scanned) {
    for (auto& c : consumers_) c->batch_settled(*last);
    // Every event of the batch has been looked at: after the commit the bus need not ask again.
    batch_types_ = BatchTypes{from, *last, std::move(seen)};
  }
}

void Bus::after_commit(db::Connection& conn) {
  std::vector<DurableConsumer::BatchOutcome> in_batch;
  for (auto& c : consumers_) in_batch.push_back(c->finish_batch(true));
  publish_and_wake(conn, in_batch);
  // The in-batch runs' after-commit actions (the dashboard's KPI snapshot) follow the events.
  for (auto& outcome : in_batch) {
    if (outcome.then) outcome.then();
  }
}

void Bus::publish_and_wake(db::Connection& conn,
                           const std::vector<DurableConsumer::BatchOutcome>& in_batch) {
  int64_t from = published_.load();
  const int64_t published_before = from;
  auto last = last_seq(conn);
  if (!last.ok() || *last <= from) return;
  std::vector<Subscriber> subs;
  {
    std::lock_guard lock(mu_);
    subs = subscribers_;
  }
  if (!subs.empty()) {
    while (from < *last) {
      auto evs = read_after(conn, from, 1024);
      if (!evs.ok() || evs->empty()) break;
      for (auto& s : subs) s(*evs);
      from = evs->back().seq;
    }
  }
  published_.store(*last);
  // Which types did these commits carry? Only asked when some consumer filters by type.
  bool filtered = std::any_of(consumers_.begin(), consumers_.end(),
                              [](const auto& c) { return !c->types().empty(); });
  std::vector<std::string> committed_types;
  if (filtered && batch_types_ && batch_types_->from == published_before &&
      batch_types_->upto == *last) {
    committed_types = std::move(batch_types_->types);  // gathered before the commit
  } else if (filtered) {
    auto types = distinct_types(conn, published_before, *last);
    if (types.ok()) {
      committed_types = std::move(*types);
    } else {
      filtered = false;  // cannot tell: wake everyone
    }
  }
  batch_types_.reset();
  for (size_t i = 0; i < consumers_.size(); ++i) {
    auto& c = consumers_[i];
    // Caught up in the batch itself: nothing of these commits is left for it. Failed in it:
    // retried at the next commit, as a failed job is, not straight away.
    const int64_t caught_up = in_batch[i].caught_up;
    if (caught_up >= *last || caught_up == DurableConsumer::kBatchRunFailed) continue;
    bool relevant = !filtered || c->needs_retry() ||
                    std::any_of(committed_types.begin(), committed_types.end(),
                                [&](const std::string& t) { return c->wants(t); });
    if (relevant) {
      c->wake();
    } else {
      c->skip_to(*last);
    }
  }
}

}  // namespace smartdairy::events
