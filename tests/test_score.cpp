// score_records: every metric in one batch, corpus totals that add up across batches, and the
// bad-input catalog: each bad record sits between two good ones, which must score; the bad one
// either scores its documented edge values or fails with an error naming the record and field.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"
#include "precis/score.hpp"

namespace {

const char* const article =
    "The city council of Port Elsin voted 7 to 2 on Tuesday to rebuild the north harbor wall. "
    "The project will cost 14.5 million euros and is expected to take two years. Mayor Ana "
    "Ribeiro said the wall protects more than 300 fishing families.";

const char* const schema_text =
    R"({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}})";

precis::record good(const std::string& id) {
  precis::record r;
  r.id = id;
  r.summary = "The council voted to rebuild the harbor wall [1]. It costs 14.5 million euros [1].";
  r.references = {"Port Elsin's council voted to rebuild the north harbor wall for 14.5 million."};
  r.sources = {{"1", article}};
  r.query = "What did the council decide?";
  r.gold = R"({"decision": "rebuild the harbor wall"})";
  return r;
}

precis::score_options all_metrics() {
  precis::score_options o;
  o.metrics = {"rouge1",       "rougeL",      "bleu",      "chrf",      "chrfpp", "relevance",
               "faithfulness", "conciseness", "citations", "embedding", "schema", "json_match"};
  o.schema.emplace(schema_text);
  return o;
}

bool finite_row(const precis::score_table& t, std::size_t row) {
  for (const char* name : {"rouge1", "bleu", "chrf", "relevance", "faithfulness", "conciseness",
                           "citation_score", "embedding_cosine", "schema_score", "json_match"}) {
    const auto at = std::find(t.columns.begin(), t.columns.end(), name);
    if (at == t.columns.end()) continue;
    if (!std::isfinite(t.at(row, static_cast<std::size_t>(at - t.columns.begin())))) return false;
  }
  return true;
}

double value(const precis::score_table& t, std::size_t row, const std::string& column) {
  const auto at = std::find(t.columns.begin(), t.columns.end(), column);
  if (at == t.columns.end()) throw std::runtime_error("no column " + column);
  return t.at(row, static_cast<std::size_t>(at - t.columns.begin()));
}

// One catalog entry: how the bad record is made, and what must come of it.
struct bad_input {
  std::string name;
  std::function<void(precis::record&)> spoil;
  std::string field;  // the field the error names; empty = the record must score
  std::function<void(const precis::score_table&)> check{};  // extra checks on row 1
};

std::vector<bad_input> catalog() {
  const std::string long_text = [] {
    std::string s;
    while (s.size() < (1U << 20)) s += "The harbor wall was rebuilt by the council. ";
    return s;
  }();
  return {
      {"invalid byte in summary", [](auto& r) { r.summary = "bad \xFF byte"; }, "summary"},
      {"truncated sequence in summary", [](auto& r) { r.summary = "caf\xC3"; }, "summary"},
      {"overlong encoding in summary", [](auto& r) { r.summary = "a \xC0\xAF b"; }, "summary"},
      {"encoded surrogate in summary", [](auto& r) { r.summary = "\xED\xA0\x80 x"; }, "summary"},
      {"code point above U+10FFFF", [](auto& r) { r.summary = "\xF4\x90\x80\x80"; }, "summary"},
      {"invalid byte in a reference",
       [](auto& r) {
         r.references = {"ok", "\xFE"};
       },
       "references[1]"},
      {"invalid byte in a source text", [](auto& r) { r.sources[0].text += "\xFF"; },
       "sources"},  // "source '1': invalid UTF-8 ..." names the source
      {"invalid byte in a source id", [](auto& r) { r.sources[0].id = "\xFF"; }, "sources[0].id"},
      {"invalid byte in the query", [](auto& r) { r.query = "what \xC3"; }, "query"},
      {"no references", [](auto& r) { r.references.clear(); }, "references"},
      {"no sources", [](auto& r) { r.sources.clear(); }, "sources"},
      {"duplicate source ids",
       [](auto& r) {
         r.sources.push_back({"1", "Another article about the harbor."});
       },
       "sources"},
      {"source with empty text", [](auto& r) { r.sources[0].text.clear(); }, "sources"},
      {"source of spaces only", [](auto& r) { r.sources[0].text = "   \n\t "; }, "sources"},
      {"structured summary nested 20,000 deep",
       [](auto& r) {
         r.summary = std::string(20000, '[') + std::string(20000, ']');
         r.structured = true;
       },
       "summary"},
      {"structured summary that is not JSON",
       [](auto& r) {
         r.summary = "{\"name\": \"x\", \"job\": ";
         r.structured = true;
       },
       "summary"},
      {"a user's encoder that throws",
       [](auto& r) { r.summary = "THROW in the encoder"; }, "summary"},
      // Nothing to judge: NaN source-grounded scores and an error naming the record.
      {"empty summary", [](auto& r) { r.summary.clear(); }, "nothing to judge",
       [](const precis::score_table& t) {
         EXPECT_EQ(value(t, 1, "rouge1"), 0.0);
         EXPECT_EQ(value(t, 1, "citation_claims"), 0.0);
         EXPECT_EQ(value(t, 1, "schema_score"), 0.0);  // not JSON
       }},
      {"summary of spaces only", [](auto& r) { r.summary = " \n\t  "; }, "nothing to judge"},
      {"summary of punctuation only", [](auto& r) { r.summary = "... !!! ???"; },
       "nothing to judge"},
      {"NUL bytes in the summary", [](auto& r) { r.summary = std::string("a\0b c", 5); }, ""},
      {"a 1 MiB summary", [long_text](auto& r) { r.summary = long_text; }, ""},
      {"a 1 MiB source", [long_text](auto& r) { r.sources[0].text = long_text; }, ""},
      {"one 100,000-character word", [](auto& r) { r.summary = std::string(100000, 'w'); }, ""},
      {"citation of unknown source ids", [](auto& r) { r.summary = "The wall [7][x]."; }, "",
       [](const precis::score_table& t) { EXPECT_EQ(value(t, 1, "citation_validity"), 0.0); }},
      {"malformed citation markers", [](auto& r) { r.summary = "The wall [[1] and [1- [] ."; }, ""},
      {"empty reference", [](auto& r) { r.references = {""}; }, "",
       [](const precis::score_table& t) { EXPECT_EQ(value(t, 1, "rouge1"), 0.0); }},
      {"empty source id", [](auto& r) { r.sources[0].id.clear(); }, ""},
      {"empty query", [](auto& r) { r.query.clear(); }, ""},
      {"empty record id", [](auto& r) { r.id.clear(); }, ""},
      {"emoji, RTL and control characters",
       [](auto& r) { r.summary = "\xF0\x9F\x8C\x8A \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \x01\x7F"; },
       ""},
      {"a thousand tiny sources",
       [](auto& r) {
         r.sources.clear();
         for (int k = 0; k < 1000; ++k)
           r.sources.push_back({std::to_string(k), "Wall " + std::to_string(k) + "."});
       },
       ""},
      {"summary JSON of the wrong shape", [](auto& r) { r.summary = R"({"name": 5})"; }, "",
       [](const precis::score_table& t) {
         EXPECT_EQ(value(t, 1, "schema_valid"), 0.0);
         EXPECT_GE(value(t, 1, "schema_violations"), 1.0);
       }},
      {"summary in a code fence", [](auto& r) { r.summary = "```json\n{\"name\": \"Ana\"}\n```"; },
       "", [](const precis::score_table& t) { EXPECT_EQ(value(t, 1, "schema_valid"), 1.0); }},
      {"a bare code fence", [](auto& r) { r.summary = "```"; }, "summary"},
      {"no gold", [](auto& r) { r.gold.clear(); }, "gold"},
      {"gold that is not JSON", [](auto& r) { r.gold = "{\"decision\": "; }, "gold"},
      {"invalid byte in the gold", [](auto& r) { r.gold = "\"\xFF\""; }, "gold"},
      {"summary JSON matching the gold",
       [](auto& r) { r.summary = R"({"decision": "Rebuild the  harbor wall"})"; }, "",
       [](const precis::score_table& t) { EXPECT_EQ(value(t, 1, "json_match"), 1.0); }},
  };
}

TEST(ScoreRecords, BadInputCatalog) {
  auto options = all_metrics();
  // A user's encoder: the hashed one, except that it throws for one text.
  const auto hashed = std::make_shared<const precis::embed::hashed_encoder>();
  options.encoder = std::make_shared<const precis::embed::callback_encoder>(
      "test/throws", hashed->dimension(), [hashed](std::span<const std::string_view> texts) {
        for (const auto t : texts) {
          if (t.find("THROW") != std::string_view::npos) throw std::runtime_error("model crashed");
        }
        return hashed->encode(texts);
      });
  const auto entries = catalog();
  EXPECT_GE(entries.size(), 30U);
  for (const auto& entry : entries) {
    SCOPED_TRACE(entry.name);
    std::vector<precis::record> records{good("before"), good("bad"), good("after")};
    entry.spoil(records[1]);
    const auto table = precis::score_records(records, options, 2);
    ASSERT_EQ(table.rows(), 3U);
    EXPECT_EQ(table.errors[0], "");
    EXPECT_EQ(table.errors[2], "");
    EXPECT_TRUE(finite_row(table, 0));
    EXPECT_TRUE(finite_row(table, 2));
    EXPECT_EQ(table.at(0, 0), table.at(2, 0));
    if (entry.field.empty()) {
      EXPECT_EQ(table.errors[1], "");
      EXPECT_TRUE(finite_row(table, 1));
    } else if (entry.field == "nothing to judge") {  // scored, but no words: NaN and why
      EXPECT_EQ(table.errors[1].rfind("[precis.empty_summary] record 1 (id 'bad'), field "
                                      "'summary': no words to judge",
                                      0),
                0U)
          << table.errors[1];
      EXPECT_TRUE(std::isnan(value(table, 1, "relevance")));
      EXPECT_TRUE(std::isnan(value(table, 1, "citation_score")));
      EXPECT_FALSE(std::isnan(value(table, 1, "rouge1")));
    } else {
      const auto& e = table.errors[1];
      EXPECT_EQ(e.rfind("[precis.", 0), 0U) << e;
      EXPECT_NE(e.find("record 1 (id '" + records[1].id + "')"), std::string::npos) << e;
      const bool names_field =
          e.find("field '" + entry.field + "'") != std::string::npos ||
          (entry.field == "sources" && e.find("source '") != std::string::npos);
      EXPECT_TRUE(names_field) << e;
      EXPECT_TRUE(std::isnan(table.at(1, 0)));
    }
    if (entry.check) entry.check(table);
  }
}

TEST(ScoreRecords, EmbeddingAndSchemaColumns) {
  auto options = all_metrics();
  const auto columns = precis::score_columns(options);
  for (const char* name :
       {"embedding_cosine", "alignment_support", "alignment_coverage", "alignment_min_support",
        "bertscore_f1", "bertscore_precision", "bertscore_recall", "schema_score", "schema_valid",
        "schema_violations"}) {
    EXPECT_NE(std::find(columns.begin(), columns.end(), name), columns.end()) << name;
  }
  std::vector<precis::record> records{good("a")};
  records[0].summary = R"({"name": "Ana Ribeiro"})";
  const auto table = precis::score_records(records, options, 1);
  EXPECT_EQ(value(table, 0, "schema_score"), 1.0);
  EXPECT_EQ(value(table, 0, "schema_valid"), 1.0);
  EXPECT_EQ(value(table, 0, "schema_violations"), 0.0);
  // The default encoder is the hashed one: the same numbers as the scorer called directly.
  const precis::metrics::embedding_scorer scorer(
      std::make_shared<const precis::embed::hashed_encoder>(), std::vector<std::string>{article});
  const auto direct = scorer.score(records[0].summary);
  EXPECT_DOUBLE_EQ(value(table, 0, "embedding_cosine"), direct.document.score);
  EXPECT_DOUBLE_EQ(value(table, 0, "bertscore_f1"), direct.bertscore.f1);
  // "schema" without a schema is a caller mistake.
  options.schema.reset();
  EXPECT_THROW((void)precis::score_columns(options), precis::error);
}

TEST(ScoreRecords, CorpusTotalsOfBatchesAddUp) {
  auto options = all_metrics();
  std::vector<precis::record> records;
  for (int i = 0; i < 9; ++i) {
    auto r = good(std::to_string(i));
    r.summary = i % 2 == 0 ? "The council voted on the wall [1]." : "Ana Ribeiro is mayor [1].";
    records.push_back(r);
  }
  records[4].references.clear();  // a failed record counts nowhere
  const auto whole = precis::score_records(records, options, 2);
  const std::span<const precis::record> all(records);
  auto totals = precis::score_records(all.subspan(0, 4), options, 1).totals;
  totals += precis::score_records(all.subspan(4, 5), options, 1).totals;
  EXPECT_EQ(totals.scored, 8U);
  EXPECT_EQ(totals.bleu.matches, whole.totals.bleu.matches);
  const auto corpus = precis::corpus_scores(totals, whole.columns, options);
  ASSERT_EQ(corpus.size(), whole.corpus.size());
  for (std::size_t k = 0; k < corpus.size(); ++k) {
    EXPECT_EQ(corpus[k].first, whole.corpus[k].first);
    EXPECT_NEAR(corpus[k].second, whole.corpus[k].second, 1e-12) << corpus[k].first;
  }
}

TEST(ScoreRecords, ProgressCounterCountsEveryRecord) {
  auto options = all_metrics();
  std::atomic<std::size_t> done{0};
  options.progress = &done;
  std::vector<precis::record> records(40, good("x"));
  records[3].summary = "\xFF";
  (void)precis::score_records(records, options, 2);
  EXPECT_EQ(done.load(), 40U);
}

TEST(ScoreRecords, MetricNamesAreTheAcceptedOnes) {
  for (const auto& m : precis::metric_names()) {
    EXPECT_FALSE(m.description.empty());
    if (m.name.find(' ') != std::string::npos) continue;  // "rouge1 .. rouge9"
    precis::score_options o;
    o.metrics = {m.name};
    if (m.name == "schema") o.schema.emplace(schema_text);
    EXPECT_NO_THROW((void)precis::score_columns(o)) << m.name;
  }
}

}  // namespace
