#pragma once
/// @file analyzed_text.hpp
/// Analyze once, score many: a text validated, tokenized, normalized, stemmed, sentence-split and
/// interned into integer ids, immutable and safe to share across threads. Metrics work on the ids.
/// See docs/text.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "precis/text/normalize.hpp"
#include "precis/text/sentences.hpp"
#include "precis/text/tokenize.hpp"
#include "precis/text/utf8.hpp"

namespace precis::text {

/// Which stems `analyzed_text::stem_ids()` holds.
enum class stemmer_kind : std::uint8_t {
  none,         ///< stems are the normalized types
  porter_nltk,  ///< NLTK's Porter (what rouge_score uses), see precis/text/porter.hpp
  snowball,     ///< libstemmer's Snowball stemmer for `analyze_options::stem_language`
};

/// Options of `analyze`.
struct analyze_options {
  bool nfkc = true;       ///< NFKC-normalize each token's type
  bool case_fold = true;  ///< case-fold each token's type
  tokenize_options tokens{};
  sentence_options sentences{};
  stemmer_kind stemmer = stemmer_kind::none;  ///< only `token_kind::word` tokens are stemmed
  std::string stem_language = "english";      ///< Snowball language (snowball_stemmer::languages())
  invalid_utf8_policy on_invalid = invalid_utf8_policy::raise;
};

/// Sentinel id: "not in this vocabulary".
inline constexpr std::uint32_t no_id = 0xFFFFFFFFu;

/// Interned strings with dense ids from 0 in order of first appearance (open addressing on a
/// word-at-a-time hash). The vocabularies of an `analyzed_text` are immutable; one built with
/// `intern` serves as a fast string -> id table (the multi-source index keeps its global types and
/// stems in two).
class vocabulary {
 public:
  vocabulary() = default;

  /// The id of `s`, added (as the next id) if new.
  std::uint32_t intern(std::string_view s);
  /// Room for `n` strings without rehashing.
  void reserve(std::size_t n);

  /// Number of distinct strings.
  [[nodiscard]] std::size_t size() const noexcept { return offsets_.size() - 1; }
  /// The string of `id`; `id` must be < size().
  [[nodiscard]] std::string_view operator[](std::uint32_t id) const {
    return std::string_view(chars_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }
  /// The id of `s`, or std::nullopt. Exact comparison (hashing only picks the slot).
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view s) const noexcept;

 private:
  void rehash(std::size_t capacity);  // capacity: a power of two

  std::string chars_;
  std::vector<std::uint32_t> offsets_{0};
  std::vector<std::uint32_t> slots_;  // open addressing, no_id = empty; size is a power of two
};

/// Exact counts of the n-grams of one id sequence: the distinct n-grams in lexicographic order
/// of their ids, each with its count.
class ngram_counts {
 public:
  ngram_counts() = default;
  /// Counts the n-grams of `ids` (none when ids.size() < n). `n` >= 1.
  ngram_counts(std::span<const std::uint32_t> ids, std::size_t n);

  /// n.
  [[nodiscard]] std::size_t order() const noexcept { return n_; }
  /// Number of distinct n-grams.
  [[nodiscard]] std::size_t size() const noexcept { return counts_.size(); }
  /// Number of n-gram occurrences (sum of the counts) = max(0, tokens - n + 1).
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }
  /// The ids of the i-th distinct n-gram (n of them).
  [[nodiscard]] std::span<const std::uint32_t> gram(std::size_t i) const noexcept {
    return std::span<const std::uint32_t>(keys_).subspan(i * n_, n_);
  }
  /// The count of the i-th distinct n-gram.
  [[nodiscard]] std::uint32_t count(std::size_t i) const noexcept { return counts_[i]; }
  /// All counts, parallel to the distinct n-grams.
  [[nodiscard]] std::span<const std::uint32_t> counts() const noexcept { return counts_; }
  /// All distinct n-grams concatenated (size() * order() ids).
  [[nodiscard]] std::span<const std::uint32_t> keys() const noexcept { return keys_; }
  /// Count of `gram` (0 when absent or when gram.size() != order()); binary search, O(n log size).
  [[nodiscard]] std::uint32_t find(std::span<const std::uint32_t> gram) const noexcept;

 private:
  std::size_t n_ = 0;
  std::uint64_t total_ = 0;
  std::vector<std::uint32_t> keys_;
  std::vector<std::uint32_t> counts_;
};

/// Which id sequence n-grams are taken over.
enum class id_space : std::uint8_t { types, stems };

/// A text analyzed once. Immutable after construction (the lazy n-gram tables are built at most
/// once each, thread-safely); share it as `std::shared_ptr<const analyzed_text>`.
class analyzed_text {
 public:
  /// Largest n for `ngrams`.
  static constexpr std::size_t max_ngram = 9;

  /// Analyzes `text`; see `analyze`.
  explicit analyzed_text(std::string_view text, const analyze_options& options = {});
  analyzed_text(const analyzed_text&) = delete;
  analyzed_text& operator=(const analyzed_text&) = delete;
  ~analyzed_text();

  /// The (validated or repaired) text the offsets refer to.
  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  /// Byte offsets (in the input) of the invalid sequences replaced by U+FFFD; empty if none.
  [[nodiscard]] std::span<const std::size_t> repairs() const noexcept { return repairs_; }
  /// The tokens, in text order.
  [[nodiscard]] std::span<const token> tokens() const noexcept { return tokens_; }
  /// Per token: the id of its normalized form in `types()`.
  [[nodiscard]] std::span<const std::uint32_t> ids() const noexcept { return ids_; }
  /// Per token: the id of its stem in `stems()`; the same as `ids()` without a stemmer.
  [[nodiscard]] std::span<const std::uint32_t> stem_ids() const noexcept {
    return stemmed_ ? std::span<const std::uint32_t>(stem_ids_) : ids();
  }
  /// Per token: ids() or stem_ids().
  [[nodiscard]] std::span<const std::uint32_t> ids(id_space space) const noexcept {
    return space == id_space::types ? ids() : stem_ids();
  }
  /// The sentences, with their token ranges.
  [[nodiscard]] std::span<const sentence_span> sentences() const noexcept { return sentences_; }
  /// Distinct normalized token forms.
  [[nodiscard]] const vocabulary& types() const noexcept { return types_; }
  /// Distinct stems (the same as types() without a stemmer).
  [[nodiscard]] const vocabulary& stems() const noexcept { return stemmed_ ? stems_ : types_; }
  /// Per type id: its stem id (identity without a stemmer).
  [[nodiscard]] std::span<const std::uint32_t> type_stems() const noexcept { return type_stems_; }
  /// Per type id: the kind of the tokens of that type.
  [[nodiscard]] std::span<const token_kind> type_kinds() const noexcept { return type_kinds_; }
  /// The options the text was analyzed with.
  [[nodiscard]] const analyze_options& options() const noexcept { return options_; }

  /// The original text of token `i`.
  [[nodiscard]] std::string_view token_text(std::size_t i) const {
    return text().substr(tokens_[i].begin, tokens_[i].end - tokens_[i].begin);
  }
  /// The normalized form of token `i`.
  [[nodiscard]] std::string_view token_type(std::size_t i) const { return types_[ids_[i]]; }
  /// The original text of sentence `i`.
  [[nodiscard]] std::string_view sentence_text(std::size_t i) const {
    return text().substr(sentences_[i].begin, sentences_[i].end - sentences_[i].begin);
  }

  /// `other`'s type ids mapped to this text's type ids (no_id where this text lacks the type);
  /// size other.types().size(). O(other.types().size()).
  [[nodiscard]] std::vector<std::uint32_t> project_types(const analyzed_text& other) const;
  /// Same for stems.
  [[nodiscard]] std::vector<std::uint32_t> project_stems(const analyzed_text& other) const;
  /// project_types or project_stems.
  [[nodiscard]] std::vector<std::uint32_t> project(const analyzed_text& other,
                                                   id_space space) const {
    return space == id_space::types ? project_types(other) : project_stems(other);
  }

  /// Exact n-gram counts over ids(space) (across sentence boundaries, as ROUGE-N and BLEU do),
  /// built on first use and cached; thread-safe.
  /// @throws precis::error `[precis.invalid_argument]` unless 1 <= n <= max_ngram.
  [[nodiscard]] const ngram_counts& ngrams(std::size_t n, id_space space = id_space::types) const;

 private:
  std::string text_;
  std::vector<std::size_t> repairs_;
  std::vector<token> tokens_;
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint32_t> stem_ids_;
  std::vector<sentence_span> sentences_;
  vocabulary types_;
  vocabulary stems_;
  std::vector<std::uint32_t> type_stems_;
  std::vector<token_kind> type_kinds_;
  analyze_options options_;
  bool stemmed_ = false;

  struct lazy_ngrams {
    std::once_flag once;
    std::unique_ptr<ngram_counts> counts;
  };
  mutable std::array<lazy_ngrams, 2 * max_ngram> ngrams_;
};

/// Validates (or repairs, per `options.on_invalid`), tokenizes, normalizes, stems, splits into
/// sentences and interns `text`.
/// @throws precis::error `[precis.invalid_utf8] text: invalid UTF-8 at byte N` under
///   `invalid_utf8_policy::raise`; `[precis.invalid_argument]` for an unknown Snowball language
///   or a text of 4 GiB or more.
/// @remarks Thread-safe. O(n) plus one ICU normalization per distinct non-ASCII token form.
///   See docs/text.md.
[[nodiscard]] std::shared_ptr<const analyzed_text> analyze(std::string_view text,
                                                           const analyze_options& options = {});

}  // namespace precis::text
