// The judges' templates: the embedded data file, string.Template rendering, the rubrics' values,
// source formatting and the json.dumps form of schemas. The byte-for-byte comparison with the
// Python judges is tests/python/test_judge_cpp.py.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "error_text.hpp"
#include "precis/error.hpp"
#include "precis/judge/templates.hpp"

namespace pj = precis::judge;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

using precis_test::error_of;

}  // namespace

TEST(JudgeTemplates, EmbeddedDataIsTheSourceFile) {
  EXPECT_EQ(pj::builtin_templates_json(),
            read_file(std::string(PRECIS_SOURCE_DIR) + "/data/judge/templates.json"));
}

TEST(JudgeTemplates, BuiltinNames) {
  EXPECT_EQ(pj::builtin_template_names(),
            (std::vector<std::string>{"geval-rubric", "geval-rubric-summary-only",
                                      "citation-support", "field-support", "pairwise"}));
  EXPECT_EQ(pj::builtin_rubric_names(),
            (std::vector<std::string>{"relevance", "consistency", "coherence", "fluency",
                                      "conciseness"}));
  EXPECT_EQ(error_of([] { (void)pj::builtin_rubric("tone"); }),
            "[precis.invalid_argument] unknown criterion 'tone' (expected relevance, "
            "consistency, coherence, fluency, conciseness or a rubric)");
  EXPECT_EQ(error_of([] { (void)pj::builtin_template("x"); }),
            "[precis.invalid_argument] unknown template 'x' (expected geval-rubric, "
            "geval-rubric-summary-only, citation-support, field-support, pairwise)");
}

TEST(JudgeTemplates, VersionsAndSchemas) {
  const auto& support = pj::builtin_template("citation-support");
  EXPECT_EQ(support.tag(), "citation-support@1");
  // As docs/judge/templates.md shows it (Python's json.dumps).
  EXPECT_EQ(support.schema,
            "{\"type\": \"object\", \"properties\": {\"verdict\": {\"enum\": [\"supported\", "
            "\"partially_supported\", \"not_supported\"]}, \"rationale\": {\"type\": "
            "\"string\"}}, \"required\": [\"verdict\"]}");
  EXPECT_EQ(support.placeholders(), (std::vector<std::string>{"claim", "evidence"}));
  EXPECT_EQ(pj::builtin_template("geval-rubric").placeholders(),
            (std::vector<std::string>{"Criterion", "criteria", "criterion", "high", "low", "source",
                                      "steps", "summary"}));
  EXPECT_EQ(&pj::rubric_template_for(pj::builtin_rubric("fluency")),
            &pj::builtin_template("geval-rubric-summary-only"));
  EXPECT_EQ(&pj::rubric_template_for(pj::builtin_rubric("coherence")),
            &pj::builtin_template("geval-rubric"));
  const auto& fluency = pj::builtin_rubric("fluency");
  EXPECT_FALSE(fluency.needs_source);
  EXPECT_EQ(fluency.version, "1");
  EXPECT_EQ(fluency.low, 1);
  EXPECT_EQ(fluency.high, 5);
}

TEST(JudgeTemplates, RendersTheCitationPromptByHand) {
  const auto messages = pj::builtin_template("citation-support")
                            .render({{"claim", "It opened in 1932."},
                                     {"evidence", "[a] The bridge opened in 1932."},
                                     {"unused", "ignored"}});
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0], (pj::chat_message{"system",
                                           "You check whether cited evidence supports a claim. You "
                                           "answer with a JSON object only."}));
  EXPECT_EQ(messages[1].role, "user");
  EXPECT_EQ(messages[1].content,
            "Decide whether the cited evidence supports the claim.\n\n"
            "- \"supported\": everything the claim states is stated in or directly follows from "
            "the evidence.\n"
            "- \"partially_supported\": some of the claim is supported, some is not in the "
            "evidence.\n"
            "- \"not_supported\": the evidence does not support the claim, or contradicts it.\n\n"
            "Use only the evidence, not what you know.\n\n"
            "Evidence:\n\n[a] The bridge opened in 1932.\n\nClaim: It opened in 1932.\n\n"
            "Answer with a JSON object {\"verdict\": \"supported\" | \"partially_supported\" | "
            "\"not_supported\", \"rationale\": \"<one sentence>\"}.");
}

TEST(JudgeTemplates, RubricFill) {
  const auto values = pj::builtin_rubric("fluency").fill();
  EXPECT_EQ(values.at("criterion"), "fluency");
  EXPECT_EQ(values.at("Criterion"), "Fluency");
  EXPECT_EQ(values.at("low"), "1");
  EXPECT_EQ(values.at("high"), "5");
  EXPECT_EQ(values.at("steps"),
            "1. Read the summary and check its grammar, spelling, punctuation, word choice and "
            "sentence structure.\n2. Assign a fluency score from 1 to 5.");
  pj::rubric tone{"tone", "how polite it is", {"Read it.", "Rate it."}, 0, 3, false, "team-2"};
  const auto user = pj::builtin_template("geval-rubric-summary-only")
                        .render([&] {
                          auto v = tone.fill();
                          v["summary"] = "Thanks!";
                          return v;
                        }())
                        .at(1)
                        .content;
  EXPECT_NE(user.find("Tone (0-3) - how polite it is\n\nEvaluation Steps:\n\n1. Read it.\n2. "
                      "Rate it.\n\nSummary:\n\nThanks!\n\n"),
            std::string::npos);
  EXPECT_NE(user.find("an integer from 0 to 3."), std::string::npos);
}

TEST(JudgeTemplates, StringTemplateSyntax) {
  const pj::prompt_template t{"t", "1", "", "$a ${a}b $$a $a_1 $$$a ${b}", "{}", ""};
  EXPECT_EQ(t.placeholders(), (std::vector<std::string>{"a", "a_1", "b"}));
  const auto m = t.render({{"a", "$b"}, {"a_1", "x"}, {"b", "B"}});
  ASSERT_EQ(m.size(), 1U);  // no system message when the template has none
  // Values are inserted as they are: "$b" in a value is not a placeholder.
  EXPECT_EQ(m[0].content, "$b $bb $a x $$b B");
  EXPECT_EQ(error_of([&] {
              (void)t.render({{"a", ""}});
            }),
            "[precis.invalid_argument] template 't@1' needs a_1, b");
  const pj::prompt_template bad{"t", "2", "", "costs $5", "{}", ""};
  EXPECT_TRUE(bad.placeholders().empty());
  EXPECT_EQ(error_of([&] { (void)bad.render({}); }),
            "[precis.invalid_argument] template 't@2': invalid placeholder at byte 6 of the user "
            "message (write $$ for a dollar sign)");
  const pj::prompt_template open{"t", "3", "${x", "", "{}", ""};
  EXPECT_NE(error_of([&] { (void)open.render({}); })
                .find("invalid placeholder at byte 0 of the "
                      "system message"),
            std::string::npos);
  // A trailing "$" is invalid too (Python's string.Template raises ValueError).
  const pj::prompt_template trailing{"t", "4", "", "x$", "{}", ""};
  EXPECT_NE(error_of([&] { (void)trailing.render({}); }).find("invalid placeholder at byte 1"),
            std::string::npos);
}

TEST(JudgeTemplates, FormatSources) {
  const std::vector<precis::source_doc> sources{{"a", "First."}, {"", "Second."}, {"c", ""}};
  EXPECT_EQ(pj::format_sources(sources), "[a] First.\n\n[2] Second.\n\n[c] ");
  EXPECT_EQ(pj::format_sources({}), "");
}

TEST(JudgeTemplates, PythonJsonText) {
  EXPECT_EQ(pj::python_json_text("{\"b\":1,\"a\":[1,2,{}],\"c\":{\"d\":\"x\\ny\\u0001\"},"
                                 "\"e\":\"\xc3\xa9\",\"f\":[],\"g\":null,\"h\":true,\"i\":0.5}"),
            "{\"b\": 1, \"a\": [1, 2, {}], \"c\": {\"d\": \"x\\ny\\u0001\"}, \"e\": "
            "\"\xc3\xa9\", \"f\": [], \"g\": null, \"h\": true, \"i\": 0.5}");
  EXPECT_EQ(
      error_of([] { (void)pj::python_json_text("{"); }).rfind("[precis.parse_error] schema:", 0),
      0U);
}
