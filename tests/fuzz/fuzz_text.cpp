// libFuzzer target: UTF-8 validation and repair, normalization, tokenizing, sentence splitting
// and `analyze` on arbitrary bytes. Invariants: repaired text is valid UTF-8 and equals the input
// when that was valid; every offset is in bounds and in order; ids index their vocabularies;
// invalid input raises `[precis.invalid_utf8]` and nothing else.

#include <cstdint>

#include "fuzz_common.hpp"
#include "precis/text/analyzed_text.hpp"
#include "precis/text/normalize.hpp"
#include "precis/text/sentences.hpp"
#include "precis/text/tokenize.hpp"
#include "precis/text/utf8.hpp"

namespace {

using precis_fuzz::view;

void check_tokens(std::string_view text, const std::vector<precis::text::token>& tokens) {
  std::uint32_t previous_end = 0;
  for (const auto& t : tokens) {
    PRECIS_FUZZ_CHECK(t.begin < t.end && t.end <= text.size());
    PRECIS_FUZZ_CHECK(t.begin >= previous_end);
    previous_end = t.end;
  }
}

void check_sentences(std::string_view text,
                     const std::vector<precis::text::sentence_span>& spans) {
  std::uint32_t previous_end = 0;
  for (const auto& s : spans) {
    PRECIS_FUZZ_CHECK(s.begin < s.end && s.end <= text.size());
    PRECIS_FUZZ_CHECK(s.begin >= previous_end);
    previous_end = s.end;
  }
}

void check_analysis(std::string_view text, const precis::text::analyzed_text& a) {
  PRECIS_FUZZ_CHECK(a.text() == text);
  const auto tokens = a.tokens();
  std::uint32_t previous_end = 0;
  for (const auto& t : tokens) {
    PRECIS_FUZZ_CHECK(t.begin < t.end && t.end <= text.size() && t.begin >= previous_end);
    previous_end = t.end;
  }
  PRECIS_FUZZ_CHECK(a.ids().size() == tokens.size() && a.stem_ids().size() == tokens.size());
  for (const auto id : a.ids()) PRECIS_FUZZ_CHECK(id < a.types().size());
  for (const auto id : a.stem_ids()) PRECIS_FUZZ_CHECK(id < a.stems().size());
  for (std::uint32_t t = 0; t < a.types().size(); ++t) {
    PRECIS_FUZZ_CHECK(precis::text::is_valid_utf8(a.types()[t]));
  }
  std::uint32_t previous_token = 0;
  previous_end = 0;
  for (const auto& s : a.sentences()) {
    PRECIS_FUZZ_CHECK(s.begin < s.end && s.end <= text.size() && s.begin >= previous_end);
    PRECIS_FUZZ_CHECK(s.first_token <= s.end_token && s.end_token <= tokens.size());
    PRECIS_FUZZ_CHECK(s.first_token >= previous_token);
    previous_end = s.end;
    previous_token = s.end_token;
  }
  const auto& bigrams = a.ngrams(2);
  PRECIS_FUZZ_CHECK(bigrams.total() == (tokens.size() >= 2 ? tokens.size() - 1 : 0));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = view(data, size);
  const auto bad = precis::text::find_invalid_utf8(input);
  std::vector<std::size_t> repaired_at;
  const std::string repaired = precis::text::repair_utf8(input, &repaired_at);
  PRECIS_FUZZ_CHECK(precis::text::is_valid_utf8(repaired));
  PRECIS_FUZZ_CHECK(bad.has_value() == !repaired_at.empty());
  if (!bad) PRECIS_FUZZ_CHECK(repaired == input);
  if (bad) PRECIS_FUZZ_CHECK(repaired_at.front() == *bad);
  for (std::size_t i = 0; i < repaired_at.size(); ++i) {
    PRECIS_FUZZ_CHECK(repaired_at[i] < input.size());
    if (i > 0) PRECIS_FUZZ_CHECK(repaired_at[i] > repaired_at[i - 1]);
  }

  // Invalid input: the documented error, nothing else.
  if (bad) {
    try {
      (void)precis::text::tokenize(input);
      PRECIS_FUZZ_CHECK(false);
    } catch (const precis::error& e) {
      PRECIS_FUZZ_CHECK(e.code() == "invalid_utf8");
    }
  }

  const std::string_view text = repaired;
  precis::text::tokenize_options punct;
  punct.keep_punctuation = true;
  check_tokens(text, precis::text::tokenize(text));
  check_tokens(text, precis::text::tokenize(text, punct));
  check_sentences(text, precis::text::split_sentences(text));
  precis::text::sentence_options lines;
  lines.newline_is_boundary = true;
  check_sentences(text, precis::text::split_sentences(text, lines));
  PRECIS_FUZZ_CHECK(precis::text::is_valid_utf8(precis::text::normalize(text)));

  precis::text::analyze_options options;
  options.stemmer = size % 2 ? precis::text::stemmer_kind::porter_nltk
                             : precis::text::stemmer_kind::snowball;
  check_analysis(text, *precis::text::analyze(text, options));
  // The repairing policy analyzes the raw bytes as their repaired text.
  options.on_invalid = precis::text::invalid_utf8_policy::replace;
  const auto a = precis::text::analyze(input, options);
  check_analysis(repaired, *a);
  return 0;
}
