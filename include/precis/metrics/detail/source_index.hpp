#pragma once
/// @file source_index.hpp
/// The prepared multi-source index behind the source-grounded metrics (and citation support):
/// sources analyzed once, their stems and types mapped into one global id space, an inverted
/// index from stem to source sentences, idf weights over source sentences, sentence salience,
/// and a suffix automaton of the type ids for n-gram and fragment look-ups. Immutable after
/// construction, so `const` calls are thread-safe. See docs/metrics/faithfulness.md.
///
/// The support kernel: for a summary sentence given as distinct global stem ids, the source
/// sentence with the highest idf-weighted recall of those stems,
///     support(s, j) = sum_{t in s and t in j} idf(t) / sum_{t in s} idf(t),
/// found through the inverted index in O(sum of the posting lengths of s's stems).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "precis/metrics/detail/fragments.hpp"
#include "precis/text/analyzed_text.hpp"

namespace precis::metrics::detail {

/// One source sentence in the index.
struct indexed_sentence {
  std::uint32_t source;       ///< index of its source
  std::uint32_t index;        ///< sentence index within that source
  std::uint32_t begin, end;   ///< bytes in that source's text
  std::uint32_t first, last;  ///< global token range [first, last)
  double salience;            ///< [0, 1], 1 for the most salient sentence
};

/// Result of the support kernel.
struct support_match {
  double score = 0.0;                    ///< [0, 1]
  std::uint32_t sentence = text::no_id;  ///< global sentence index; no_id when nothing matched
};

/// Working memory of `source_index::best_support`.
struct support_scratch {
  std::vector<double> overlap;  ///< per source sentence; 0 where nothing matched
  /// With `dense` false: the sentences with a non-zero overlap, in no order. With `dense` true
  /// (the postings covered a large share of the sentences, where one pass over all is cheaper
  /// than a list), empty: read every sentence's `overlap`.
  std::vector<std::uint32_t> touched;
  bool dense = false;
};

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
using string_ids = std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>>;

class source_index {
 public:
  /// `sources[i]` analyzed with `analysis` (ids as given); `query` may be empty.
  /// @throws precis::error `[precis.invalid_utf8] source 'id': ...`, `query: ...`
  source_index(std::span<const std::string> ids, std::span<const std::string_view> texts,
               std::string_view query, const text::analyze_options& analysis, bool position_prior);

  [[nodiscard]] const text::analyze_options& analysis() const noexcept { return analysis_; }
  [[nodiscard]] std::size_t source_count() const noexcept { return texts_.size(); }
  [[nodiscard]] const std::string& source_id(std::size_t i) const { return ids_[i]; }
  [[nodiscard]] const text::analyzed_text& source(std::size_t i) const { return *texts_[i]; }
  [[nodiscard]] std::span<const indexed_sentence> sentences() const noexcept { return sentences_; }
  /// Total source tokens.
  [[nodiscard]] std::size_t tokens() const noexcept { return token_stems_.size(); }
  [[nodiscard]] std::size_t stem_count() const noexcept { return idf_.size(); }

  /// idf of a global stem (no_id: the idf of an unseen term, the largest).
  [[nodiscard]] double idf(std::uint32_t stem) const noexcept {
    return stem < idf_.size() ? idf_[stem] : unseen_idf_;
  }
  /// Number of source tokens (all sources) with a global stem; 0 for no_id. The budget of the
  /// clipped counts of faithfulness: a summary may use a stem at most this often.
  [[nodiscard]] std::uint32_t stem_frequency(std::uint32_t stem) const noexcept {
    return stem < stem_frequency_.size() ? stem_frequency_[stem] : 0U;
  }
  /// Salience mass of a global stem: idf(t) * sum of the salience of the sentences holding t.
  [[nodiscard]] double stem_salience(std::uint32_t stem) const noexcept {
    return stem < stem_salience_.size() ? stem_salience_[stem] : 0.0;
  }
  /// Sum of the `k` largest stem saliences (k capped at the number of stems).
  [[nodiscard]] double top_salience(std::size_t k) const noexcept {
    return salience_prefix_[std::min(k, salience_prefix_.size() - 1)];
  }
  /// The query's distinct global stems (absent ones as no_id) and whether a query was given.
  [[nodiscard]] std::span<const std::uint32_t> query_stems() const noexcept { return query_stems_; }
  [[nodiscard]] bool has_query() const noexcept { return has_query_; }

  /// The global types and stems: every distinct type / stem of the sources, ids dense from 0.
  [[nodiscard]] const text::vocabulary& types() const noexcept { return types_; }
  [[nodiscard]] const text::vocabulary& stems() const noexcept { return stems_; }

  /// `text`'s type / stem ids mapped to global ids (no_id where no source has them).
  [[nodiscard]] std::vector<std::uint32_t> map_types(const text::analyzed_text& text) const;
  [[nodiscard]] std::vector<std::uint32_t> map_stems(const text::analyzed_text& text) const;

  /// The support kernel (see the file comment). `stems`: distinct global stem ids of one summary
  /// sentence (no_id allowed: they count in the denominator with the unseen idf). Ties go to the
  /// earlier sentence. `scratch` is caller-owned working memory, reused across calls: afterwards
  /// `scratch.overlap[j]` is sentence j's idf-weighted overlap (the kernel's numerator), non-zero
  /// only for the sentences in `scratch.touched` (or any sentence when `scratch.dense`). The cost
  /// is that of the postings of `stems` (at most a pass over the sentences when they cover a large
  /// share of them), not a pass over every source sentence per call.
  [[nodiscard]] support_match best_support(std::span<const std::uint32_t> stems,
                                           support_scratch& scratch) const;
  /// The same with a plain vector: afterwards `scratch[j]` is sentence j's overlap for every j
  /// (costs a pass over all source sentences).
  [[nodiscard]] support_match best_support(std::span<const std::uint32_t> stems,
                                           std::vector<double>& scratch) const;

  /// The source sentences (global indices, ascending) that hold a global stem; empty for no_id.
  [[nodiscard]] std::span<const std::uint32_t> sentences_with(std::uint32_t stem) const noexcept {
    if (stem >= idf_.size()) return {};
    return std::span<const std::uint32_t>(postings_).subspan(
        posting_start_[stem], posting_start_[stem + 1] - posting_start_[stem]);
  }

  /// Suffix automaton of every source's global type ids.
  [[nodiscard]] const suffix_automaton& automaton() const noexcept { return automaton_; }

 private:
  text::analyze_options analysis_;
  std::vector<std::string> ids_;
  std::vector<std::shared_ptr<const text::analyzed_text>> texts_;
  text::vocabulary types_, stems_;
  std::vector<std::uint32_t> token_types_, token_stems_;
  std::vector<indexed_sentence> sentences_;
  std::vector<std::uint32_t> posting_start_, postings_;  // CSR: stem -> distinct sentences
  std::vector<std::uint32_t> stem_frequency_;
  std::vector<double> idf_, stem_salience_, salience_prefix_;
  double unseen_idf_ = 0.0;
  std::vector<std::uint32_t> query_stems_;
  bool has_query_ = false;
  suffix_automaton automaton_;
};

}  // namespace precis::metrics::detail
