#include "events/outbox.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/uuid.h"
#include "db/tests/db_test_util.h"
#include "events/tests/events_fixture.h"

namespace smartdairy::events {
namespace {

using db::test::open_reader;
using db::test::run_write;
using db::test::transact;

class OutboxTest : public EventsTest {};

// append_all writes 32, 16, ... rows a statement: 37 events after one already there get
// seqs 2..38 in their order, each with its own id, as 37 appends would.
TEST_F(OutboxTest, AppendAllKeepsTheOrderWithConsecutiveSeqs) {
  writer().start();
  auto first = transact(
      writer(), [&](db::Connection& tx) { return append(tx, draft("order.placed"), clock_); });
  ASSERT_TRUE(first.ok());
  auto done = transact(writer(), [&](db::Connection& tx) -> Result<bool> {
    std::vector<EventDraft> drafts;
    drafts.reserve(37);
    for (int i = 0; i < 37; ++i) drafts.push_back(draft("n." + std::to_string(i)));
    SD_RETURN_IF_ERROR(append_all(tx, std::move(drafts), clock_));
    return true;
  });
  ASSERT_TRUE(done.ok()) << done.error().message;
  auto conn = open_reader(path());
  auto stored = read_after(*conn, 1, 100);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 37u);
  for (size_t i = 0; i < stored->size(); ++i) {
    const Event& e = (*stored)[i];
    EXPECT_EQ(e.seq, static_cast<int64_t>(i) + 2);
    EXPECT_EQ(e.type, "n." + std::to_string(i));
    EXPECT_TRUE(is_uuid(e.id));
    EXPECT_EQ(e.actor, "tester");
    if (i > 0) {
      EXPECT_NE(e.id, (*stored)[i - 1].id);
    }
  }
}

TEST_F(OutboxTest, AppendAssignsSeqIdAndTimeAndKeepsTheEnvelope) {
  writer().start();
  auto first = transact(writer(), [&](db::Connection& tx) {
    return append(tx, draft("order.placed", R"({"qty":3})"), clock_);
  });
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->seq, 1);
  EXPECT_TRUE(is_uuid(first->id));
  EXPECT_EQ(first->occurred_at, clock_.now_micros());
  EXPECT_EQ(first->type, "order.placed");
  EXPECT_EQ(first->aggregate_type, "test");
  EXPECT_EQ(first->aggregate_id, "agg-1");
  EXPECT_EQ(first->actor, "tester");
  EXPECT_EQ(first->data, R"({"qty":3})");

  clock_.advance(std::chrono::seconds(5));
  auto second = transact(
      writer(), [&](db::Connection& tx) { return append(tx, draft("order.shipped"), clock_); });
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->seq, 2);
  EXPECT_LT(first->id, second->id);
  EXPECT_EQ(second->occurred_at, first->occurred_at + 5'000'000);

  // What read_after returns is exactly what append reported.
  auto conn = open_reader(path());
  auto stored = read_after(*conn, 0, 10);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 2u);
  const Event& e = (*stored)[0];
  EXPECT_EQ(e.seq, first->seq);
  EXPECT_EQ(e.id, first->id);
  EXPECT_EQ(e.type, first->type);
  EXPECT_EQ(e.aggregate_type, first->aggregate_type);
  EXPECT_EQ(e.aggregate_id, first->aggregate_id);
  EXPECT_EQ(e.occurred_at, first->occurred_at);
  EXPECT_EQ(e.actor, first->actor);
  EXPECT_EQ(e.data, first->data);
}

TEST_F(OutboxTest, SeqStaysGapFreeWhenSavepointsWithEventsRollBack) {
  // Four jobs in one batch (queued before start): the second and third append an event and
  // then roll back, so the fourth must reuse the number they gave back.
  std::vector<int64_t> seq_of(4, -1);
  std::latch all_done(4);
  auto submit = [&](int index, bool keep, bool throws) {
    Status st = writer().submit(
        db::WriteJob{[&, index, keep, throws](db::Connection& tx) {
                       auto ev = append(tx, draft("job." + std::to_string(index)), clock_);
                       if (!ev.ok()) return false;
                       seq_of[index] = ev->seq;
                       if (throws) throw std::runtime_error("rolled back by throwing");
                       return keep;
                     },
                     [&](const Status& commit) {
                       EXPECT_TRUE(commit.ok());
                       all_done.count_down();
                     }});
    ASSERT_TRUE(st.ok());
  };
  submit(0, true, false);
  submit(1, false, false);
  submit(2, false, true);
  submit(3, true, false);
  writer().start();
  all_done.wait();

  EXPECT_EQ(seq_of, (std::vector<int64_t>{1, 2, 2, 2}));
  // Across batches too: a rolled-back append leaves no hole for the next commit.
  ASSERT_TRUE(run_write(writer(), [&](db::Connection& tx) {
                EXPECT_TRUE(append(tx, draft("job.rolled_back"), clock_).ok());
                return false;  // roll the append back
              }).ok());
  auto last =
      transact(writer(), [&](db::Connection& tx) { return append(tx, draft("job.last"), clock_); });
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->seq, 3);

  auto conn = open_reader(path());
  auto all = read_after(*conn, 0, 100);
  ASSERT_TRUE(all.ok());
  std::vector<std::string> types;
  for (size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].seq, static_cast<int64_t>(i) + 1);
    types.push_back((*all)[i].type);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"job.0", "job.3", "job.last"}));
  EXPECT_EQ(*last_seq(*conn), 3);
}

// The writer remembers the last seq inside its transaction; events another connection (a CLI
// command on the same file) commits between two batches must not be overwritten, and an
// append after a nested savepoint's rollback reuses the number it gave back.
TEST_F(OutboxTest, SeqFollowsEventsCommittedByAnotherConnectionBetweenBatches) {
  writer().start();
  auto first = transact(writer(), [&](db::Connection& tx) -> Result<Event> {
    auto one = append(tx, draft("job.1"), clock_);
    if (!one.ok()) return one.error();
    return append(tx, draft("job.2"), clock_);
  });
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->seq, 2);

  auto other = db::Connection::open(path(), db::OpenMode::kReadWriteCreate);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->exec("BEGIN IMMEDIATE").ok());
  auto outside = append(**other, draft("cli.import"), clock_);
  ASSERT_TRUE(outside.ok()) << outside.error().message;
  EXPECT_EQ(outside->seq, 3);
  ASSERT_TRUE((*other)->exec("COMMIT").ok());

  auto next = transact(writer(), [&](db::Connection& tx) -> Result<Event> {
    auto kept = append(tx, draft("job.4"), clock_);
    if (!kept.ok()) return kept.error();
    EXPECT_EQ(kept->seq, 4);
    SD_RETURN_IF_ERROR(tx.exec("SAVEPOINT inner"));
    auto dropped = append(tx, draft("job.dropped"), clock_);
    EXPECT_TRUE(dropped.ok());
    EXPECT_EQ(dropped->seq, 5);
    SD_RETURN_IF_ERROR(tx.exec("ROLLBACK TO inner"));
    SD_RETURN_IF_ERROR(tx.exec("RELEASE inner"));
    return append(tx, draft("job.5"), clock_);
  });
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->seq, 5);

  auto conn = open_reader(path());
  auto all = read_after(*conn, 0, 100);
  ASSERT_TRUE(all.ok());
  std::vector<std::string> types;
  for (const auto& ev : *all) types.push_back(std::to_string(ev.seq) + " " + ev.type);
  EXPECT_EQ(types,
            (std::vector<std::string>{"1 job.1", "2 job.2", "3 cli.import", "4 job.4", "5 job.5"}));
}

TEST_F(OutboxTest, ReadAfterReturnsOldestFirstUpToTheLimit) {
  auto conn = open_reader(path());
  EXPECT_EQ(*last_seq(*conn), 0);
  EXPECT_TRUE(read_after(*conn, 0, 10)->empty());

  writer().start();
  ASSERT_TRUE(run_write(writer(), [&](db::Connection& tx) {
                for (int i = 1; i <= 10; ++i) {
                  if (!append(tx, draft("n." + std::to_string(i)), clock_).ok()) return false;
                }
                return true;
              }).ok());

  auto all = read_after(*conn, 0, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ((*all)[i].seq, i + 1);
    EXPECT_EQ((*all)[i].type, "n." + std::to_string(i + 1));
  }

  auto page = read_after(*conn, 3, 4);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 4u);
  EXPECT_EQ(page->front().seq, 4);
  EXPECT_EQ(page->back().seq, 7);

  auto tail = read_after(*conn, 8, 10);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ(tail->front().seq, 9);
  EXPECT_EQ(tail->back().seq, 10);

  EXPECT_TRUE(read_after(*conn, 10, 10)->empty());
  EXPECT_EQ(*last_seq(*conn), 10);
}

}  // namespace
}  // namespace smartdairy::events
