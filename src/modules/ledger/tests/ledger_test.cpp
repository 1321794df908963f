#include <gtest/gtest.h>

#include "modules/common/numbering.h"
#include "modules/ledger/ledger_service.h"
#include "tests/testing/module_fixture.h"

namespace smartdairy::modules::ledger {
namespace {

class LedgerTest : public testing::ModuleTest {
 protected:
  Result<std::string> post_entry(std::vector<Posting> postings) {
    return tx([&](db::Connection& t) {
      return post(t, ctx(), {"test", "src-1", "a test entry", "t", std::move(postings)});
    });
  }
};

TEST_F(LedgerTest, BalancedEntriesPostAndShowInTheTrialBalance) {
  auto id = post_entry({{"1100", 11500, 0}, {"4000", 0, 10000}, {"2200", 0, 1500}});
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto tb = trial_balance(conn(), "");
  ASSERT_TRUE(tb.ok());
  EXPECT_EQ(tb->total_debit, 11500);
  EXPECT_EQ(tb->total_credit, 11500);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal_lines"), 3);
}

TEST_F(LedgerTest, UnbalancedOrMalformedEntriesAreRefused) {
  EXPECT_FALSE(post_entry({{"1100", 100, 0}, {"4000", 0, 99}}).ok());
  EXPECT_FALSE(post_entry({{"1100", 100, 100}, {"4000", 0, 0}}).ok());
  EXPECT_FALSE(post_entry({{"1100", -100, 0}, {"4000", 0, -100}}).ok());
  EXPECT_FALSE(post_entry({{"9999", 100, 0}, {"4000", 0, 100}}).ok());
  EXPECT_FALSE(post_entry({{"1100", INT64_MAX, 0}, {"1000", 1, 0}, {"4000", 0, 1}}).ok());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal_entries"), 0);
}

TEST_F(LedgerTest, AnAllZeroEntryPostsNothing) {
  auto id = post_entry({{"1100", 0, 0}});
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(id->empty());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM journal_entries"), 0);
}

TEST_F(LedgerTest, PostedEntriesAreImmutable) {
  ASSERT_TRUE(post_entry({{"1000", 500, 0}, {"1100", 0, 500}}).ok());
  EXPECT_FALSE(conn().exec("UPDATE journal_lines SET debit = 1 WHERE debit = 500").ok());
  EXPECT_FALSE(conn().exec("DELETE FROM journal_lines").ok());
  EXPECT_FALSE(conn().exec("UPDATE journal_entries SET memo = 'x'").ok());
  EXPECT_FALSE(conn().exec("DELETE FROM journal_entries").ok());
  EXPECT_EQ(scalar("SELECT SUM(debit) FROM journal_lines"), 500);
}

TEST_F(LedgerTest, ReversalSwapsSides) {
  auto r = reversed({{"1100", 7, 0}, {"4000", 0, 7}});
  EXPECT_EQ(r[0].credit, 7);
  EXPECT_EQ(r[0].debit, 0);
  EXPECT_EQ(r[1].debit, 7);
}

TEST_F(LedgerTest, TrialBalanceAsOfExcludesLaterEntries) {
  ASSERT_TRUE(post_entry({{"1000", 500, 0}, {"1100", 0, 500}}).ok());
  std::string today = format_date(ctx().today());
  std::string yesterday = format_date(ctx().today() - 1);
  EXPECT_EQ(trial_balance(conn(), today)->total_debit, 500);
  EXPECT_EQ(trial_balance(conn(), yesterday)->total_debit, 0);
}

TEST_F(LedgerTest, DocumentNumbersHaveNoGapsAfterARollback) {
  auto first = tx([&](db::Connection& t) { return next_document_number(t, "SO"); });
  EXPECT_EQ(*first, "SO-000001");
  auto rolled = tx([&](db::Connection& t) -> Result<std::string> {
    SD_ASSIGN_OR_RETURN(auto n, next_document_number(t, "SO"));
    EXPECT_EQ(n, "SO-000002");
    return Error::conflict("test", "roll back");
  });
  EXPECT_FALSE(rolled.ok());
  EXPECT_EQ(*tx([&](db::Connection& t) { return next_document_number(t, "SO"); }), "SO-000002");
  EXPECT_EQ(*tx([&](db::Connection& t) { return next_document_number(t, "INV"); }), "INV-000001");
}

}  // namespace
}  // namespace smartdairy::modules::ledger
