#include "modules/herd/csv.h"

#include <gtest/gtest.h>

namespace smartdairy::modules::herd {
namespace {

TEST(Csv, ReadsHeaderAndRowsWithTheirLines) {
  auto t = parse_csv("Ear_Tag, Sex\nA1,female\r\n\nA2 , male\n");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"ear_tag", "sex"}));
  ASSERT_EQ(t->rows.size(), 2U);
  EXPECT_EQ(t->rows[1], (std::vector<std::string>{"A2", "male"}));
  EXPECT_EQ(t->lines, (std::vector<int>{2, 4}));
}

TEST(Csv, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  auto t = parse_csv("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,row,here");
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->rows.size(), 2U);
  EXPECT_EQ(t->rows[0][0], "x, y");
  EXPECT_EQ(t->rows[0][1], "say \"hi\"");
  EXPECT_EQ(t->rows[0][2], "two\nlines");
  EXPECT_EQ(t->lines[1], 4);  // the quoted line break counts
  EXPECT_EQ(t->rows[1][2], "here");
}

TEST(Csv, SkipsAUtf8ByteOrderMarkAndKeepsEmptyFields) {
  auto t = parse_csv(
      "\xEF\xBB\xBF"
      "ear_tag,name\nA1,\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->header[0], "ear_tag");
  EXPECT_EQ(t->rows[0][1], "");
}

TEST(Csv, RefusesBrokenFilesNamingTheLine) {
  auto unterminated = parse_csv("a,b\n1,\"open\n");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_NE(unterminated.error().message.find("Line 2"), std::string::npos);
  auto ragged = parse_csv("a,b\n1,2\n3\n");
  ASSERT_FALSE(ragged.ok());
  EXPECT_NE(ragged.error().message.find("Line 3"), std::string::npos);
  EXPECT_FALSE(parse_csv("a,b\n\"x\"y,2\n").ok());  // text after a closing quote
  EXPECT_FALSE(parse_csv("a,b\nx\"y,2\n").ok());    // a bare quote
  EXPECT_FALSE(parse_csv("a,a\n1,2\n").ok());       // duplicate column
  EXPECT_FALSE(parse_csv("a,,b\n1,2,3\n").ok());    // empty column name
  EXPECT_FALSE(parse_csv("").ok());
  EXPECT_FALSE(parse_csv("\n\n").ok());
  EXPECT_FALSE(parse_csv(std::string_view("a\n1\0", 5)).ok());
}

TEST(Csv, RefusesTooManyRows) {
  std::string text = "a\n";
  for (size_t i = 0; i <= kMaxCsvRows; ++i) text += "1\n";
  auto t = parse_csv(text);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("more than"), std::string::npos);
}

TEST(Csv, TheReaderStreamsRecordsWithTheirLinesAndNoRowLimit) {
  std::string text =
      "\xEF\xBB\xBF"
      "a,b\n\n\"x\ny\",1\n";
  for (size_t i = 0; i <= kMaxCsvRows; ++i) text += "r,2\n";
  auto reader = CsvReader::open(text);
  ASSERT_TRUE(reader.ok());
  int line = 0;
  auto header = reader->next(line);
  ASSERT_TRUE(header.ok() && header->has_value());
  EXPECT_EQ(line, 1);
  EXPECT_EQ((**header)[0], "a");  // the byte-order mark is not part of the name
  auto quoted = reader->next(line);
  ASSERT_TRUE(quoted.ok() && quoted->has_value());
  EXPECT_EQ(line, 3);  // the blank line 2 is skipped
  EXPECT_EQ((**quoted)[0], "x\ny");
  size_t rows = 0;
  for (;;) {
    auto r = reader->next(line);
    ASSERT_TRUE(r.ok());
    if (!r->has_value()) break;
    ++rows;
  }
  EXPECT_EQ(rows, kMaxCsvRows + 1);
  EXPECT_FALSE(CsvReader::open(std::string_view("a\n\0", 3)).ok());
}

}  // namespace
}  // namespace smartdairy::modules::herd
