// The C++ judges driven by scripted chat_function fakes: hand-computed scores, the requests they
// send, repair after an invalid reply, throws, garbage, refusals, per-item errors in batches,
// the reply cache, concurrency, and the citation metrics driven through support_function.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "error_text.hpp"
#include "precis/error.hpp"
#include "precis/judge/judges.hpp"
#include "precis/metrics/citations.hpp"

namespace pj = precis::judge;
namespace pm = precis::metrics;

namespace {

// Returns scripted replies in order (the last one again when they run out) and keeps every
// request. Thread-safe.
struct scripted_model {
  struct shared {
    std::mutex mutex;
    std::deque<pj::chat_reply> replies;
    std::vector<pj::chat_request> requests;
  };
  std::shared_ptr<shared> state = std::make_shared<shared>();

  explicit scripted_model(std::vector<pj::chat_reply> replies) {
    state->replies.assign(replies.begin(), replies.end());
  }
  static scripted_model texts(const std::vector<std::string>& texts) {
    std::vector<pj::chat_reply> replies;
    for (const auto& t : texts) replies.push_back({t, 100, 5});
    return scripted_model(replies);
  }
  [[nodiscard]] pj::chat_function function() const {
    return [s = state](const pj::chat_request& request) {
      const std::lock_guard<std::mutex> lock(s->mutex);
      s->requests.push_back(request);
      pj::chat_reply reply = s->replies.front();
      if (s->replies.size() > 1) s->replies.pop_front();
      return reply;
    };
  }
  [[nodiscard]] std::vector<pj::chat_request> requests() const {
    const std::lock_guard<std::mutex> lock(state->mutex);
    return state->requests;
  }
};

using precis_test::error_of;

const char* const k_rubric_schema =
    "{\"type\": \"object\", \"properties\": {\"score\": {\"type\": \"integer\", \"minimum\": 1, "
    "\"maximum\": 5, \"enum\": [1, 2, 3, 4, 5]}}, \"required\": [\"score\"]}";

// The part of `text` between `begin` and `end` ("" when absent).
std::string between(const std::string& text, const std::string& begin, const std::string& end) {
  const auto b = text.find(begin);
  if (b == std::string::npos) return {};
  const auto from = b + begin.size();
  const auto e = text.find(end, from);
  return text.substr(from, e == std::string::npos ? std::string::npos : e - from);
}

// A support "model" that reads the claim and the evidence out of the prompt: a claim with
// "1932" is supported by evidence with "1932", one with "metres" partially by evidence with
// "metres", a claim with "throw" makes the call throw; anything else is not supported.
pj::chat_reply support_model(const pj::chat_request& request) {
  const auto& user = request.messages.back().content;
  const auto claim = between(user, "Claim: ", "\n");
  const auto evidence = between(user, "Evidence:\n\n", "\n\nClaim: ");
  if (claim.find("throw") != std::string::npos) throw std::runtime_error("boom");
  auto has = [](const std::string& s, const char* w) { return s.find(w) != std::string::npos; };
  std::string verdict = "not_supported";
  if (has(claim, "1932") && has(evidence, "1932")) {
    verdict = "supported";
  } else if (has(claim, "metres") && has(evidence, "metres")) {
    verdict = "partially_supported";
  }
  return {"{\"verdict\": \"" + verdict + "\", \"rationale\": \"because\"}", 80, 12, "stop", ""};
}

}  // namespace

// ---- rubric judges --------------------------------------------------------------------------

TEST(RubricJudge, OneAnswerHandComputed) {
  const auto model = scripted_model::texts({"{\"score\": 4}"});
  const pj::rubric_judge judge("relevance", model.function());
  const auto r = judge.judge("A summary.", "Its source.");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.rating, 4.0);
  EXPECT_EQ(r.score, 0.75);  // (4 - 1) / (5 - 1)
  EXPECT_EQ(r.spread, 0.0);
  EXPECT_EQ(r.ratings, std::vector<double>{4.0});
  EXPECT_EQ(r.usage.calls, 1U);
  EXPECT_EQ(r.usage.repairs, 0U);
  EXPECT_EQ(r.usage.prompt_tokens, 100U);
  EXPECT_EQ(r.usage.completion_tokens, 5U);

  const auto requests = model.requests();
  ASSERT_EQ(requests.size(), 1U);
  const auto& q = requests[0];
  EXPECT_EQ(q.messages, judge.messages("A summary.", "Its source."));
  EXPECT_EQ(q.temperature, 0.0);
  EXPECT_EQ(q.max_tokens, 32U);
  EXPECT_EQ(q.seed, 0);
  EXPECT_EQ(q.sample, 0U);
  EXPECT_EQ(q.template_tag, "geval-rubric@1+relevance-1");
  EXPECT_EQ(q.schema, k_rubric_schema);
  EXPECT_EQ(judge.schema(), k_rubric_schema);
  ASSERT_EQ(q.messages.size(), 2U);
  EXPECT_NE(q.messages[1].content.find("Relevance (1-5) - selection of important content"),
            std::string::npos);
  EXPECT_NE(q.messages[1].content.find("Source Text:\n\nIts source.\n\nSummary:\n\nA summary.\n\n"
                                       "Evaluation Form (score ONLY)"),
            std::string::npos);
}

TEST(RubricJudge, SamplesMeanAndSpread) {
  const auto model = scripted_model::texts({"{\"score\": 2}", "{\"score\": 4}", "{\"score\": 5}"});
  pj::judge_options options;
  options.samples = 3;
  options.seed = 10;
  const pj::rubric_judge judge("coherence", model.function(), options);
  const auto r = judge.judge("s", "src");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.ratings, (std::vector<double>{2, 4, 5}));
  EXPECT_DOUBLE_EQ(r.rating, 11.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.score, (11.0 / 3.0 - 1.0) / 4.0);
  // Population standard deviation: sqrt(((2-11/3)^2 + (4-11/3)^2 + (5-11/3)^2) / 3) = sqrt(14)/3.
  EXPECT_NEAR(r.spread, std::sqrt(14.0) / 3.0, 1e-15);
  const auto requests = model.requests();
  ASSERT_EQ(requests.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(requests[i].temperature, 1.0);  // several samples: G-Eval's temperature
    EXPECT_EQ(requests[i].seed, 10 + static_cast<std::int64_t>(i));
    EXPECT_EQ(requests[i].sample, i);
  }
}

TEST(RubricJudge, RatingFromLogProbabilities) {
  // {"score": 4} with the alternatives at the value's token " 4": G-Eval's weighted rating over
  // the tokens that name a score (" 45" names none; "\n" lacks the space before the value).
  pj::chat_reply reply{"{\"score\": 4}", 100, 5};
  reply.logprobs = {{"{\"", 0.0},
                    {"score", 0.0},
                    {"\":", 0.0},
                    {" 4",
                     std::log(0.6),
                     {{" 4", std::log(0.6)},
                      {" 5", std::log(0.3)},
                      {" 3", std::log(0.05)},
                      {" 45", std::log(0.02)},
                      {"\n", std::log(0.03)}}},
                    {"}", 0.0}};
  scripted_model model({reply});
  const pj::rubric_judge judge("relevance", model.function());
  const auto r = judge.judge("s", "src");
  ASSERT_TRUE(r.ok()) << r.error;
  const double rating = (0.6 * 4 + 0.3 * 5 + 0.05 * 3) / 0.95;  // 4.263...
  EXPECT_NEAR(r.rating, rating, 1e-12);
  EXPECT_NEAR(r.score, (rating - 1.0) / 4.0, 1e-12);
  EXPECT_EQ(r.weighted, 1U);
  EXPECT_TRUE(model.requests()[0].logprobs);
  EXPECT_EQ(model.requests()[0].top_logprobs, 10U);

  pj::judge_options plain;
  plain.logprobs = false;
  scripted_model model2({reply});
  const auto r2 = pj::rubric_judge("relevance", model2.function(), plain).judge("s", "src");
  // Not asked for, but given: read all the same, as the Python judges do.
  EXPECT_NEAR(r2.rating, rating, 1e-12);
  EXPECT_FALSE(model2.requests()[0].logprobs);
  EXPECT_EQ(model2.requests()[0].top_logprobs, 0U);
}

TEST(WeightedChoice, WordChoicesByPrefix) {
  pj::chat_reply reply{"{\"verdict\": \"partially_supported\"}"};
  reply.logprobs = {
      {"{\"", 0.0},
      {"verdict", 0.0},
      {"\":", 0.0},
      {" \"", 0.0},
      {"part",
       std::log(0.5),
       {{"part", std::log(0.5)}, {"supported", std::log(0.3)}, {"not", std::log(0.2)}}},
      {"ially_supported", 0.0},
      {"\"}", 0.0}};
  const pj::weighted_value verdicts[] = {
      {"supported", 1.0}, {"partially_supported", 0.5}, {"not_supported", 0.0}};
  const auto w = pj::weighted_choice(reply, "verdict", verdicts);
  ASSERT_TRUE(w.has_value());
  EXPECT_NEAR(*w, 0.5 * 0.5 + 0.3 * 1.0 + 0.2 * 0.0, 1e-12);
  EXPECT_FALSE(pj::weighted_choice(reply, "score", verdicts).has_value());  // no such field
  reply.logprobs.clear();
  EXPECT_FALSE(pj::weighted_choice(reply, "verdict", verdicts).has_value());
}

TEST(RubricJudge, FluencyReadsTheSummaryOnly) {
  const auto model = scripted_model::texts({"{\"score\": 5}"});
  const pj::rubric_judge judge("fluency", model.function());
  EXPECT_EQ(judge.tag(), "geval-rubric-summary-only@1+fluency-1");
  const auto r = judge.judge("Fine text.");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.score, 1.0);
  EXPECT_EQ(model.requests()[0].messages[1].content.find("Source Text"), std::string::npos);
}

TEST(RubricJudge, RepairsWithTheValidationError) {
  const auto model = scripted_model::texts({"{\"score\": 7}", "```json\n{\"score\": 3}\n```"});
  const pj::rubric_judge judge("consistency", model.function());
  const auto r = judge.judge("s", "src");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.rating, 3.0);
  EXPECT_EQ(r.usage.calls, 2U);
  EXPECT_EQ(r.usage.repairs, 1U);
  const auto requests = model.requests();
  ASSERT_EQ(requests.size(), 2U);
  const auto& second = requests[1].messages;
  ASSERT_EQ(second.size(), 4U);
  EXPECT_EQ(std::vector<pj::chat_message>(second.begin(), second.begin() + 2),
            requests[0].messages);
  EXPECT_EQ(second[2], (pj::chat_message{"assistant", "{\"score\": 7}"}));
  EXPECT_EQ(second[3].role, "user");
  EXPECT_EQ(second[3].content,
            "That answer cannot be used: /score: 7 is not one of [1, 2, 3, 4, 5]; /score: 7 is "
            "greater than the maximum of 5. Answer again with only a JSON object that satisfies "
            "this JSON Schema: " +
                std::string(k_rubric_schema));
}

TEST(RubricJudge, TruncatedReplySaysItWasCutOff) {
  scripted_model model({{"{\"score\": ", 10, 32, "length", ""}, {"{\"score\": 2}", 10, 3}});
  const pj::rubric_judge judge("relevance", model.function());
  const auto r = judge.judge("s", "src");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.rating, 2.0);
  const auto repair = model.requests()[1].messages[3].content;
  EXPECT_EQ(repair.rfind("That answer cannot be used: the JSON is truncated: ", 0), 0U) << repair;
  EXPECT_NE(repair.find(". The reply was cut off at max_tokens=32. Answer again"),
            std::string::npos)
      << repair;
}

TEST(RubricJudge, GarbageAfterTheRepairsIsTheItemsError) {
  const auto model = scripted_model::texts({"I think it's good.\nReally."});
  const pj::rubric_judge judge("relevance", model.function());
  const auto r = judge.judge("s", "src");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error,
            "[precis.judge_failed] field 'score': no valid answer after 2 repairs: the reply has "
            "no JSON (reply starts 'I think it's good. Really.')");
  EXPECT_EQ(r.usage.calls, 3U);  // the first answer and two repairs
  EXPECT_EQ(r.usage.repairs, 2U);
  EXPECT_EQ(r.score, 0.0);
  EXPECT_TRUE(r.ratings.empty());

  pj::judge_options none;
  none.max_repairs = 0;
  const auto model2 = scripted_model::texts({"{'score': 4}"});
  const auto r2 = pj::rubric_judge("relevance", model2.function(), none).judge("s", "src");
  EXPECT_EQ(r2.error.rfind("[precis.judge_failed] field 'score': no valid answer after 0 repairs: "
                           "the JSON is syntax: ",
                           0),
            0U)
      << r2.error;
  EXPECT_EQ(r2.usage.calls, 1U);
}

TEST(RubricJudge, ThrowsAndRefusalsAreTheItemsError) {
  const pj::rubric_judge throwing("relevance", [](const pj::chat_request&) -> pj::chat_reply {
    throw std::runtime_error("HTTP 503 after 4 retries");
  });
  const auto r = throwing.judge("s", "src");
  EXPECT_EQ(r.error,
            "[precis.judge_failed] field 'score': the model call failed: HTTP 503 after 4 retries");
  EXPECT_EQ(r.usage.calls, 0U);

  const pj::rubric_judge odd("relevance",
                             [](const pj::chat_request&) -> pj::chat_reply { throw 42; });
  EXPECT_EQ(odd.judge("s", "src").error,
            "[precis.judge_failed] field 'score': the model call failed (it threw something that "
            "is not a std::exception)");

  scripted_model refusing({{"", 10, 0, "stop", "I can't help with that."}});
  const auto refused = pj::rubric_judge("relevance", refusing.function()).judge("s", "src");
  EXPECT_EQ(refused.error,
            "[precis.judge_refused] field 'score': the model refused: I can't help with that.");
  EXPECT_EQ(refused.usage.calls, 1U);
  EXPECT_EQ(refused.usage.repairs, 0U);  // a refusal is not repaired

  scripted_model filtered({{"", 10, 0, "content_filter", ""}});
  EXPECT_EQ(pj::rubric_judge("relevance", filtered.function()).judge("s", "src").error,
            "[precis.judge_refused] field 'score': the model refused: content_filter");
}

TEST(RubricJudge, BatchKeepsEveryRecordAndNamesTheFailedOnes) {
  // Scores by what the summary says; "throw" throws, "garbage" answers prose.
  const pj::chat_function model = [](const pj::chat_request& request) -> pj::chat_reply {
    const auto summary = between(request.messages[1].content, "Summary:\n\n", "\n\nEvaluation");
    if (summary == "throw") throw std::runtime_error("boom");
    if (summary == "garbage") return {"no idea", 1, 1};
    return {"{\"score\": " + std::to_string(summary.size() % 5 + 1) + "}", 1, 1};
  };
  std::vector<precis::record> records(40);
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].id = std::to_string(i).insert(0, 1, 'r');  // not "r" + ...: g++ 12 -Wrestrict
    records[i].summary = std::string(i, 'x');
    records[i].sources = {{"", "The source."}};
  }
  records[3].summary = "throw";
  records[5].summary = "garbage";
  records[7].summary = "bad \xff byte";
  records[9].sources.clear();
  const pj::rubric_judge judge("relevance", model);
  for (const unsigned threads : {1U, 4U}) {
    const auto results = judge.judge_batch(records, threads);
    ASSERT_EQ(results.size(), records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (i == 3 || i == 5 || i == 7 || i == 9) continue;
      ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].error;
      EXPECT_EQ(results[i].rating, static_cast<double>(i % 5 + 1)) << i;
    }
    EXPECT_EQ(results[3].error,
              "[precis.judge_failed] record 3 (id 'r3'), field 'score': the model call failed: "
              "boom");
    EXPECT_EQ(results[5].error.rfind("[precis.judge_failed] record 5 (id 'r5'), field 'score': "
                                     "no valid answer after 2 repairs: the reply has no JSON",
                                     0),
              0U);
    EXPECT_EQ(results[7].error,
              "[precis.invalid_utf8] record 7 (id 'r7'), field 'summary': invalid UTF-8 at byte 4");
    EXPECT_EQ(results[9].error,
              "[precis.invalid_argument] record 9 (id 'r9'), field 'sources': missing (criterion "
              "'relevance' reads the source)");
  }
  // The batch shows sources as "[id] text" paragraphs, the empty id as its position.
  const auto one = judge.messages("s", pj::format_sources(records[0].sources));
  EXPECT_NE(one[1].content.find("Source Text:\n\n[1] The source.\n\n"), std::string::npos);
}

TEST(RubricJudge, CallerMistakesThrow) {
  const auto model = scripted_model::texts({"{\"score\": 1}"});
  EXPECT_EQ(error_of([&] { pj::rubric_judge("tone", model.function()); }),
            "[precis.invalid_argument] unknown criterion 'tone' (expected relevance, "
            "consistency, coherence, fluency, conciseness or a rubric)");
  EXPECT_EQ(error_of([] { pj::rubric_judge("relevance", pj::chat_function{}); }),
            "[precis.invalid_argument] a judge needs a model (an empty chat_function)");
  pj::judge_options zero;
  zero.samples = 0;
  EXPECT_EQ(error_of([&] { pj::rubric_judge("relevance", model.function(), zero); }),
            "[precis.invalid_argument] samples must be at least 1");
  pj::rubric flat{"flat", "c", {"s"}, 3, 3};
  EXPECT_EQ(error_of([&] { pj::rubric_judge(flat, model.function()); }),
            "[precis.invalid_argument] rubric 'flat': low (3) must be below high (3)");
  auto prompt = pj::builtin_template("geval-rubric");
  prompt.version = "team-2";
  prompt.user += " $tone";
  EXPECT_EQ(error_of([&] {
              pj::rubric_judge(pj::builtin_rubric("relevance"), model.function(), {}, prompt);
            }),
            "[precis.invalid_argument] template 'geval-rubric@team-2' needs tone");
  const pj::rubric_judge judge("relevance", model.function());
  EXPECT_EQ(error_of([&] { (void)judge.judge("s", std::span<const precis::source_doc>{}); }),
            "[precis.invalid_argument] field 'sources': missing (criterion 'relevance' reads "
            "the source)");
  EXPECT_EQ(error_of([&] { (void)judge.judge("\xc3", "src"); }),
            "[precis.invalid_utf8] summary: invalid UTF-8 at byte 0");
}

TEST(RubricJudge, OwnRubricAndPrompt) {
  const auto model = scripted_model::texts({"{\"score\": 0}"});
  pj::rubric tone{"tone", "how polite the summary is", {"Read it.", "Rate 0-3."}, 0, 3, false, "2"};
  auto prompt = pj::builtin_template("geval-rubric-summary-only");
  prompt.version = "team-1";
  const pj::rubric_judge judge(tone, model.function(), {}, prompt);
  EXPECT_EQ(judge.tag(), "geval-rubric-summary-only@team-1+tone-2");
  EXPECT_EQ(judge.schema(),
            "{\"type\": \"object\", \"properties\": {\"score\": {\"type\": \"integer\", "
            "\"minimum\": 0, \"maximum\": 3, \"enum\": [0, 1, 2, 3]}}, \"required\": "
            "[\"score\"]}");
  const auto r = judge.judge("Thanks.");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.score, 0.0);
  EXPECT_EQ(r.rating, 0.0);
}

TEST(RubricJudge, CacheAnswersARerun) {
  const auto model = scripted_model::texts({"{\"score\": 9}", "{\"score\": 5}"});
  pj::judge_options options;
  options.cache = std::make_shared<pj::judge_cache>();
  const pj::rubric_judge judge("relevance", model.function(), options);
  const auto first = judge.judge("s", "src");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.usage.calls, 2U);
  EXPECT_EQ(first.usage.cached_calls, 0U);
  const auto again = judge.judge("s", "src");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.rating, 5.0);
  EXPECT_EQ(again.usage.calls, 2U);  // the repair conversation replayed from the cache
  EXPECT_EQ(again.usage.cached_calls, 2U);
  EXPECT_EQ(again.usage.prompt_tokens, 0U);
  EXPECT_EQ(model.requests().size(), 2U);
  EXPECT_EQ(options.cache->size(), 2U);
  EXPECT_EQ(options.cache->hits(), 2U);
  // Another criterion (another template tag) is another key.
  const pj::rubric_judge other("coherence", model.function(), options);
  EXPECT_EQ(other.judge("s", "src").usage.cached_calls, 0U);
  EXPECT_EQ(model.requests().size(), 3U);
}

TEST(JudgeCache, KeySeparatesEveryField) {
  pj::chat_request a;
  a.messages = {{"user", "ab"}};
  a.seed = 0;
  auto b = a;
  b.messages = {{"user", "a"}, {"b", ""}};
  EXPECT_NE(pj::judge_cache::key(a), pj::judge_cache::key(b));
  b = a;
  b.seed = std::nullopt;
  EXPECT_NE(pj::judge_cache::key(a), pj::judge_cache::key(b));
  b = a;
  b.temperature = 1e-9;
  EXPECT_NE(pj::judge_cache::key(a), pj::judge_cache::key(b));
  b = a;
  EXPECT_EQ(pj::judge_cache::key(a), pj::judge_cache::key(b));
}

TEST(Serialized, OneCallAtATime) {
  std::atomic<int> in_flight{0}, most{0};
  const auto model = pj::serialized([&](const pj::chat_request&) {
    const int now = ++in_flight;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::yield();
    --in_flight;
    return pj::chat_reply{"{\"score\": 3}"};
  });
  precis::record one;
  one.summary = "s";
  one.sources = {{"", "src"}};
  const std::vector<precis::record> records(64, one);
  const auto results = pj::rubric_judge("relevance", model).judge_batch(records, 4);
  for (const auto& r : results) EXPECT_TRUE(r.ok());
  EXPECT_EQ(most.load(), 1);
}

// ---- the citation support judge -----------------------------------------------------------------

TEST(CitationSupportJudge, VerdictRationaleAndRequest) {
  const auto model =
      scripted_model::texts({"{\"verdict\": \"partially_supported\", \"rationale\": \"only the "
                             "year\"}"});
  const pj::citation_support_judge judge(model.function());
  const std::vector<precis::source_doc> evidence{{"a", "It opened in 1932."}, {"b", "It is long."}};
  const auto r = judge.judge("It opened in 1932 and is 2 km long.", evidence);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.score, 0.5);
  EXPECT_EQ(r.verdict, pj::support_verdict::partially_supported);
  EXPECT_EQ(pj::support_verdict_name(r.verdict), "partially_supported");
  EXPECT_EQ(r.rationale, "only the year");
  const auto q = model.requests().at(0);
  EXPECT_EQ(q.template_tag, "citation-support@1");
  EXPECT_EQ(q.max_tokens, 160U);
  EXPECT_EQ(q.schema, pj::builtin_template("citation-support").schema);
  EXPECT_EQ(q.messages, judge.messages("It opened in 1932 and is 2 km long.",
                                       "[a] It opened in 1932.\n\n[b] It is long."));
}

TEST(CitationSupportJudge, SamplesAndNoEvidence) {
  const auto model =
      scripted_model::texts({"{\"verdict\": \"supported\"}", "{\"verdict\": \"not_supported\"}",
                             "{\"verdict\": \"partially_supported\"}"});
  pj::judge_options options;
  options.samples = 3;
  const pj::citation_support_judge judge(model.function(), options);
  const auto r = judge.judge("claim", "evidence");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_DOUBLE_EQ(r.score, 0.5);                        // (1 + 0 + 0.5) / 3
  EXPECT_EQ(r.verdict, pj::support_verdict::supported);  // the first sample's
  EXPECT_EQ(r.rationale, "");
  EXPECT_NEAR(r.spread, std::sqrt(1.0 / 6.0), 1e-15);  // sqrt((0.25 + 0.25 + 0) / 3)

  const auto blank = judge.judge("claim", " \n");
  ASSERT_TRUE(blank.ok());
  EXPECT_EQ(blank.verdict, pj::support_verdict::not_supported);
  EXPECT_EQ(blank.rationale, "no evidence text is cited");
  EXPECT_EQ(blank.usage.calls, 0U);
  EXPECT_EQ(model.requests().size(), 3U);
}

TEST(CitationSupportJudge, BatchErrorsNameTheItemAndField) {
  const pj::citation_support_judge judge(support_model);
  std::vector<pj::support_item> items{
      {"a", "It opened in 1932.", {{"s1", "The bridge opened in 1932."}}},
      {"b", "please throw", {{"s1", "x"}}},
      {"c", "It is 600 metres long.", {{"s2", "It is 503 metres long."}}},
      {"d", "It is red.", {{"s1", "The bridge opened in 1932."}}},
  };
  const auto results = judge.judge_batch(items, 2);
  ASSERT_EQ(results.size(), 4U);
  EXPECT_EQ(results[0].score, 1.0);
  EXPECT_EQ(results[1].error,
            "[precis.judge_failed] record 1 (id 'b'), field 'verdict': the model call failed: "
            "boom");
  EXPECT_EQ(results[2].score, 0.5);
  EXPECT_EQ(results[3].score, 0.0);
  EXPECT_EQ(results[3].rationale, "because");
}

TEST(CitationSupportJudge, OwnPromptWhoseSchemaLetsAnyAnswerThrough) {
  // A prompt of the user's own with an empty schema: an answer without a usable verdict is
  // repaired like an invalid one, and never read as a verdict it is not.
  const auto model = scripted_model::texts({"{\"verdict\": \"yes\"}", "{}", "{\"v\": 1}"});
  auto prompt = pj::builtin_template("citation-support");
  prompt.version = "loose-1";
  prompt.schema = "{}";
  const pj::citation_support_judge judge(model.function(), {}, prompt);
  const auto r = judge.judge("claim", "evidence");
  EXPECT_EQ(r.error,
            "[precis.judge_failed] field 'verdict': no valid answer after 2 repairs: /verdict: "
            "missing (reply starts '{\"v\": 1}')");
  const auto repair = model.requests().at(1).messages.at(3).content;
  EXPECT_EQ(repair.rfind("That answer cannot be used: /verdict: expected \"supported\", "
                         "\"partially_supported\" or \"not_supported\". Answer again",
                         0),
            0U)
      << repair;
  EXPECT_EQ(judge.schema(), "{}");
}

// ---- the citation metrics with the judge as support_fn --------------------------------------

namespace {

const std::vector<precis::source_doc> k_bridge_sources{{"s1", "The bridge opened in 1932."},
                                                       {"s2", "It is 503 metres long."}};

pm::citation_options judged(const pj::citation_support_judge& judge) {
  pm::citation_options o;
  o.judge = pm::support_judge::custom;
  o.support_fn = pj::support_function(judge, k_bridge_sources);
  return o;
}

}  // namespace

TEST(SupportFunction, DrivesTheCitationMetrics) {
  std::atomic<int> calls{0};
  pj::judge_options options;
  options.cache = std::make_shared<pj::judge_cache>();
  const pj::citation_support_judge judge(
      [&](const pj::chat_request& q) {
        ++calls;
        return support_model(q);
      },
      options);
  const pm::citation_scorer scorer(k_bridge_sources, judged(judge));
  const std::string summary =
      "The bridge opened in 1932 [1]. It is 600 metres long [2]. It is painted red [1].";
  const auto r = scorer.score(summary);
  ASSERT_EQ(r.claims, 3U);
  ASSERT_EQ(r.claim_details.size(), 3U);
  EXPECT_EQ(r.claim_details[0].support, 1.0);
  EXPECT_EQ(r.claim_details[1].support, 0.5);  // partially supported counts at threshold 0.5
  EXPECT_EQ(r.claim_details[2].support, 0.0);
  EXPECT_EQ(r.supported_claims, 2U);
  EXPECT_DOUBLE_EQ(r.score, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.mean_support, 0.5);
  EXPECT_EQ(r.relevant_citations, 2U);  // the supported claims' single citations
  EXPECT_DOUBLE_EQ(r.precision, 2.0 / 3.0);
  EXPECT_EQ(r.misattributed_claims, 0U);  // s2 does not support "painted red" either
  // 3 claims + the unsupported one against the uncited source (misattribution check).
  EXPECT_EQ(calls.load(), 4);
  EXPECT_EQ(options.cache->size(), 4U);

  // A re-run is answered by the cache.
  const auto again = scorer.score(summary);
  EXPECT_EQ(again.claim_details[1].support, 0.5);
  EXPECT_EQ(calls.load(), 4);
  EXPECT_EQ(options.cache->hits(), 4U);

  // A stricter threshold counts only full support.
  auto strict = judged(judge);
  strict.support_threshold = 0.75;
  EXPECT_EQ(pm::citation_scorer(k_bridge_sources, strict).score(summary).supported_claims, 1U);
}

TEST(SupportFunction, EvidenceIsTheCitedSourcesAsIdParagraphs) {
  const auto model = scripted_model::texts({"{\"verdict\": \"supported\"}"});
  const pj::citation_support_judge judge(model.function());
  const std::vector<precis::source_doc> sources{{"", "First source."}, {"b", "Second source."}};
  const auto fn = pj::support_function(judge, sources);
  const std::size_t both[] = {1, 0};
  EXPECT_EQ(fn("A claim.", both), 1.0);
  EXPECT_EQ(model.requests().at(0).messages,
            judge.messages("A claim.", "[b] Second source.\n\n[1] First source."));
  const std::size_t out_of_range[] = {2};
  EXPECT_EQ(error_of([&] { (void)fn("A claim.", out_of_range); }),
            "[precis.invalid_argument] support_function: source index 2 out of range (it was "
            "made with 2 sources)");
}

TEST(SupportFunction, ScoreBatchFromThreadsWithPerRowErrors) {
  // The model waits (at most 10 s) until two calls are in flight together once, so the test
  // sees that score_batch's threads call the judge concurrently; then it answers at once.
  std::mutex mutex;
  std::condition_variable met;
  int in_flight = 0;
  bool overlapped = false;
  std::atomic<int> calls{0};
  const pj::chat_function model = [&](const pj::chat_request& q) {
    ++calls;
    {
      std::unique_lock<std::mutex> lock(mutex);
      ++in_flight;
      if (in_flight >= 2) overlapped = true;
      met.notify_all();
      met.wait_for(lock, std::chrono::seconds(10), [&] { return overlapped; });
    }
    struct leave {
      std::mutex& m;
      int& n;
      ~leave() {
        const std::lock_guard<std::mutex> lock(m);
        --n;
      }
    } guard{mutex, in_flight};
    return support_model(q);
  };
  const pj::citation_support_judge judge(model);
  const pm::citation_scorer scorer(k_bridge_sources, judged(judge));
  std::vector<std::string> summaries;
  for (int i = 0; i < 48; ++i) {
    summaries.push_back(i % 3 == 0   ? "The bridge opened in 1932 [1]."
                        : i % 3 == 1 ? "It is 600 metres long [2]. It opened in 1932 [1]."
                                     : "It is painted red [s1].");
  }
  summaries[10] = "The bridge opened in 1932 [1]. Now throw [2].";  // markers become spaces
  const auto batch = scorer.score_batch(summaries, 4);
  EXPECT_TRUE(overlapped);
  ASSERT_EQ(batch.size(), summaries.size());
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    if (i == 10) continue;
    ASSERT_EQ(batch[i].error, "") << i;
    const auto serial = scorer.score(summaries[i]);
    EXPECT_EQ(batch[i].result.score, serial.score) << i;
    EXPECT_EQ(batch[i].result.mean_support, serial.mean_support) << i;
  }
  EXPECT_EQ(batch[0].result.score, 1.0);
  EXPECT_EQ(batch[1].result.mean_support, 0.75);  // 0.5 and 1
  EXPECT_EQ(batch[2].result.score, 0.0);
  EXPECT_EQ(
      batch[10].error,
      "[precis.support_failed] summary 10: claim 'Now throw    .': field 'verdict': the model "
      "call failed: boom");
}
