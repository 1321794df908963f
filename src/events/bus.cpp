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

void DurableConsumer::wake() {
  pending_.store(true);
  if (scheduled_.exchange(true)) return;
  auto processed = std::make_shared<size_t>(0);
  auto new_offset = std::make_shared<int64_t>(-1);
  auto run_no = std::make_shared<uint64_t>(0);
  auto run_job = [this, processed, new_offset, run_no](db::Connection& tx) {
    *run_no = ++runs_;
    return run(tx, *processed, *new_offset);
  };
  auto done = [this, processed, new_offset, run_no](const Status& commit) {
    scheduled_.store(false);
    auto after = std::move(after_commit_);
    after_commit_ = nullptr;
    if (commit.ok() && after) after();
    // A failed run rolls back and leaves new_offset unset. A success clears a failure only
    // if it ran after it: an in-batch run later in the same batch may have failed.
    const bool failed = !commit.ok() || *new_offset < 0;
    const bool latest = *run_no > last_failed_run_;
    if (failed) {
      needs_retry_.store(true);
      last_failed_run_ = std::max(last_failed_run_, *run_no);
    } else if (latest) {
      needs_retry_.store(false);
    }
    if (!commit.ok()) return;
    if (*new_offset >= 0) {
      int64_t caught_up = *new_offset;
      // A filtered consumer not woken again during its run: nothing committed since (its own
      // batch included — the bus checked it before this callback) concerns it.
      if (latest && !types_.empty() && published_ != nullptr && !pending_.load()) {
        caught_up = std::max(caught_up, published_->load());
      }
      // Never backwards: an in-batch run of the same batch may have got further.
      int64_t cur = offset_.load(std::memory_order_relaxed);
      while (cur < caught_up &&
             !offset_.compare_exchange_weak(cur, caught_up, std::memory_order_relaxed)) {
      }
    }
    // A full batch means there may be more; a wake-up that arrived while this run was
    // queued or running (events committed in the same batch) needs another run.
    if (*processed == batch_ || pending_.load()) wake();
  };
  Status st = writer_.submit(db::WriteJob{run_job, done});
  if (!st.ok()) {
    scheduled_.store(false);
    needs_retry_.store(true);
  }
}

bool DurableConsumer::run(db::Connection& tx, size_t& processed, int64_t& new_offset) {
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
    auto then = batch_end_(tx, last);
    if (!then.ok()) {
      errors_.fetch_add(1, std::memory_order_relaxed);
      log::error("consumer failed at the end of a batch; will retry the batch",
                 {{"consumer", name_}, {"seq", last}, {"error", then.error().message}});
      return false;
    }
    after_commit_ = std::move(*then);
  }
  processed = batch->size();
  new_offset = last;
  return true;
}

int64_t DurableConsumer::run_in_batch(db::Connection& tx) {
  if (batch_run_.ran && !batch_run_.ok) return -1;  // failed earlier in this batch
  if (!tx.exec("SAVEPOINT consumer").ok()) return -1;
  size_t processed = 0;
  int64_t new_offset = -1;
  bool ok = false;
  batch_run_.run_no = ++runs_;
  try {
    ok = run(tx, processed, new_offset);
  } catch (const std::exception& ex) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    log::error("consumer threw; rolled back", {{"consumer", name_}, {"error", ex.what()}});
  } catch (...) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    log::error("consumer threw a non-standard exception; rolled back", {{"consumer", name_}});
  }
  if (!ok) {
    // (run() has counted the failure.) Rolling back to our own savepoint cannot leave anything of
    // this run behind; if even that fails the writer's COMMIT fails too, and the batch is answered
    // with the error.
    (void)tx.exec("ROLLBACK TO consumer");
    (void)tx.exec("RELEASE consumer");
    batch_run_ = {true, false, 0, -1, batch_run_.run_no};
    return -1;
  }
  if (!tx.exec("RELEASE consumer").ok()) {
    batch_run_ = {true, false, 0, -1, batch_run_.run_no};
    return -1;
  }
  batch_run_.ran = true;
  batch_run_.ok = true;
  batch_run_.processed = processed;
  batch_run_.offset = new_offset;
  return new_offset;
}

void DurableConsumer::batch_settled(int64_t seq) {
  if (batch_run_.ran && batch_run_.ok) batch_run_.offset = std::max(batch_run_.offset, seq);
}

DurableConsumer::BatchOutcome DurableConsumer::finish_batch(bool committed) {
  BatchRun r = batch_run_;
  batch_run_ = {};
  if (!r.ran) return {};
  BatchOutcome out;
  out.then = std::move(after_commit_);
  after_commit_ = nullptr;
  if (!committed || !r.ok) {
    needs_retry_.store(true);
    last_failed_run_ = std::max(last_failed_run_, r.run_no);
    return {kBatchRunFailed, nullptr};
  }
  if (r.run_no > last_failed_run_) needs_retry_.store(false);
  int64_t cur = offset_.load(std::memory_order_relaxed);
  while (cur < r.offset &&
         !offset_.compare_exchange_weak(cur, r.offset, std::memory_order_relaxed)) {
  }
  // A full run may have left more behind: a job picks it up.
  if (r.processed == batch_) {
    wake();
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
  int64_t scanned = published_.load();
  auto last = last_seq(tx);
  // Rounds: the invoicer's invoice.issued, appended in round one, is for the views in round
  // two. Consumers that write no events end it after one or two rounds.
  for (int round = 0; round < 4 && last.ok() && *last > scanned; ++round) {
    auto types = distinct_types(tx, scanned, *last);
    if (!types.ok()) return;
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
  if (filtered) {
    auto types = distinct_types(conn, published_before, *last);
    if (types.ok()) {
      committed_types = std::move(*types);
    } else {
      filtered = false;  // cannot tell: wake everyone
    }
  }
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
