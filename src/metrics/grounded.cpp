/// @file grounded.cpp
/// The source-grounded metrics (relevance, faithfulness, conciseness) around the kernels of
/// precis/metrics/detail/source_index.hpp (support, salience) and detail/fragments.hpp.

#include "precis/metrics/grounded.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "precis/detail/parallel.hpp"
#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"
#include "precis/metrics/citations.hpp"
#include "precis/metrics/detail/fact_check.hpp"
#include "precis/metrics/detail/fragments.hpp"
#include "precis/metrics/detail/redundancy.hpp"
#include "precis/metrics/detail/source_index.hpp"
#include "precis/metrics/detail/word_list.hpp"
#include "precis/metrics/embedding.hpp"
#include "precis/text/tokenize.hpp"
#include "precis/text/utf8.hpp"

namespace precis::metrics {

namespace detail {
// Phrases as sequences of normalized token strings, indexed by their first token, longest first.
struct filler_table {
  std::unordered_map<std::string, std::vector<std::vector<std::string>>, string_hash,
                     std::equal_to<>>
      by_first;
};
// One row per source sentence (index order), from `grounded_options::encoder`.
struct sentence_vectors {
  embed::row_matrix rows;
};
// The case-folded words of the subject's names, and the third-person pronouns.
struct subject_words {
  std::unordered_set<std::string, string_hash, std::equal_to<>> words;
  [[nodiscard]] bool contains(std::string_view word) const {
    return words.find(word) != words.end();
  }
};
}  // namespace detail

namespace {

constexpr char k_fillers_en[] =
#include "../../data/fillers/en.txt"
    ;

// Built-in lists by language; add a data/fillers/<lang>.txt and a line here for another one.
std::string_view builtin_fillers(std::string_view language) {
  if (language == "en") return k_fillers_en;
  raise("invalid_argument", "no built-in filler list for language '" + std::string(language) +
                                "' (expected en, or none)");
}

std::vector<std::string> parse_phrases(std::string_view data) {
  std::vector<std::string> out;
  for (const auto line : detail::list_entries(data)) {
    if (line.find(")fill\"") == std::string_view::npos) out.emplace_back(line);
  }
  return out;
}

std::shared_ptr<const detail::filler_table> build_fillers(const std::vector<std::string>& phrases) {
  auto table = std::make_shared<detail::filler_table>();
  for (const auto& phrase : phrases) {
    text::validate_utf8(phrase, "filler phrase");
    const auto a = text::analyze(phrase);
    if (a->tokens().empty()) continue;
    std::vector<std::string> words;
    for (std::size_t i = 0; i < a->tokens().size(); ++i) words.emplace_back(a->token_type(i));
    table->by_first[words.front()].push_back(std::move(words));
  }
  for (auto& entry : table->by_first) {
    std::stable_sort(entry.second.begin(), entry.second.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
  }
  return table;
}

std::shared_ptr<const detail::filler_table> fillers_for(const grounded_options& o) {
  const bool builtin = !(o.filler_language.empty() || o.filler_language == "none");
  if (builtin && o.filler_language != "en") builtin_fillers(o.filler_language);  // raises
  if (o.extra_fillers.empty()) {
    if (!builtin) return build_fillers({});
    static const auto en = build_fillers(parse_phrases(k_fillers_en));  // built once per process
    return en;
  }
  auto phrases =
      builtin ? parse_phrases(builtin_fillers(o.filler_language)) : std::vector<std::string>{};
  phrases.insert(phrases.end(), o.extra_fillers.begin(), o.extra_fillers.end());
  return build_fillers(phrases);
}

void check_options(const grounded_options& o) {
  if (o.budget && !(*o.budget > 0.0)) raise("invalid_argument", "budget must be > 0");
  if (!(o.support_threshold >= 0.0 && o.support_threshold <= 1.0)) {
    raise("invalid_argument", "support_threshold must be in [0, 1]");
  }
  if (!(o.redundancy_threshold > 0.0 && o.redundancy_threshold <= 1.0)) {
    raise("invalid_argument", "redundancy_threshold must be in (0, 1]");
  }
  for (const auto& [value, name] : {std::pair{o.embedding_weight, "embedding_weight"},
                                    std::pair{o.fact_cap, "fact_cap"},
                                    std::pair{o.fact_context, "fact_context"},
                                    std::pair{o.grounding_threshold, "grounding_threshold"},
                                    std::pair{o.recall_weight, "recall_weight"}}) {
    if (!(value >= 0.0 && value <= 1.0))
      raise("invalid_argument", std::string(name) + " must be in [0, 1]");
  }
}

std::shared_ptr<const detail::subject_words> subject_for(const grounded_options& o) {
  if (o.subject.empty()) return nullptr;
  auto out = std::make_shared<detail::subject_words>();
  out->words = detail::subject_vocabulary(o.subject);
  if (out->words.empty()) return nullptr;
  return out;
}

// Distinct global stems of the `counts[i]` most salient source sentences (relevance's coverage
// and recall budgets), from one ordering of the sentences and one pass over their tokens.
std::array<std::size_t, 2> salient_terms(const detail::source_index& index,
                                         std::array<std::size_t, 2> counts) {
  const auto sentences = index.sentences();
  const std::size_t most = std::min(std::max(counts[0], counts[1]), sentences.size());
  std::vector<std::uint32_t> order(sentences.size());
  for (std::uint32_t j = 0; j < order.size(); ++j) order[j] = j;
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(most), order.end(),
                    [&](std::uint32_t a, std::uint32_t b) {
                      return sentences[a].salience > sentences[b].salience ||
                             (sentences[a].salience == sentences[b].salience && a < b);
                    });
  std::unordered_set<std::uint32_t> stems;
  std::vector<std::vector<std::uint32_t>> maps(index.source_count());
  std::array<std::size_t, 2> out{0, 0};
  for (std::size_t k = 0; k < most; ++k) {
    const auto& s = sentences[order[k]];
    const auto& a = index.source(s.source);
    auto& map = maps[s.source];
    if (map.empty()) map = index.map_stems(a);
    const auto& span = a.sentences()[s.index];
    for (auto p = span.first_token; p < span.end_token; ++p) stems.insert(map[a.stem_ids()[p]]);
    for (std::size_t i = 0; i < 2; ++i)
      if (counts[i] > k) out[i] = stems.size();  // the first k + 1 sentences
  }
  return out;
}

// Whether `summary` can hold a citation marker or footnote of parse_citations at all: every
// built-in form starts with '[', '(' or '【'. Saves the parse for the summaries without any.
bool may_cite(std::string_view summary) {
  return summary.find_first_of("[(") != std::string_view::npos ||
         summary.find("\xE3\x80\x90") != std::string_view::npos;
}

text::analyze_options analysis_of(const grounded_options& o) {
  text::analyze_options a;
  a.stemmer = o.stemmer;
  a.stem_language = o.stem_language;
  return a;
}

std::uint32_t u32(std::size_t v) { return static_cast<std::uint32_t>(v); }
double ratio(double a, double b) { return b > 0.0 ? a / b : 0.0; }

bool is_capitalized(std::string_view token) {
  return !token.empty() && token.front() >= 'A' && token.front() <= 'Z';
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

std::vector<std::string> filler_phrases(std::string_view language) {
  return parse_phrases(builtin_fillers(language));
}

grounded_scorer::grounded_scorer(std::span<const source_doc> sources, std::string_view query,
                                 const grounded_options& options)
    : options_(options) {
  check_options(options_);
  fillers_ = fillers_for(options_);
  std::vector<std::string> ids;
  std::vector<std::string_view> texts;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    ids.push_back(sources[i].id.empty() ? std::to_string(i + 1) : sources[i].id);
    texts.emplace_back(sources[i].text);
  }
  index_ = std::make_unique<const detail::source_index>(ids, texts, query, analysis_of(options_),
                                                        options_.position_prior);
  if (options_.encoder && !index_->sentences().empty()) {
    std::vector<std::string_view> sentences;
    sentences.reserve(index_->sentences().size());
    for (const auto& s : index_->sentences()) {
      sentences.push_back(index_->source(s.source).text().substr(s.begin, s.end - s.begin));
    }
    auto vectors = std::make_shared<detail::sentence_vectors>();
    vectors->rows = embed::encode_batched(*options_.encoder, sentences);
    source_vectors_ = std::move(vectors);
  }
  if (options_.check_facts) facts_ = std::make_shared<const detail::fact_index>(*index_);
  subject_ = subject_for(options_);
  const auto budgets =
      salient_terms(*index_, {options_.recall_sentences, options_.coverage_sentences});
  recall_terms_ = budgets[0];
  coverage_terms_ = budgets[1];
}

grounded_scorer::grounded_scorer(std::string_view source, std::string_view query,
                                 const grounded_options& options)
    : grounded_scorer(std::vector<source_doc>{{"1", std::string(source)}}, query, options) {}

grounded_scorer::~grounded_scorer() = default;
grounded_scorer::grounded_scorer(grounded_scorer&&) noexcept = default;
grounded_scorer& grounded_scorer::operator=(grounded_scorer&&) noexcept = default;

const grounded_options& grounded_scorer::options() const noexcept { return options_; }

grounded_result grounded_scorer::score(std::string_view summary) const {
  const detail::source_index& index = *index_;
  text::validate_utf8(summary, "summary");
  // Citation markers out (spaces in their bytes, so every offset below is one of the summary).
  std::string masked;
  if (options_.ignore_citations && may_cite(summary)) {
    masked = parse_citations(summary).masked;
    summary = masked;
  }
  const auto sum = text::analyze(summary, index.analysis());
  const auto tokens = sum->tokens();
  const std::size_t n_tokens = tokens.size();
  const auto type_map = index.map_types(*sum);
  const auto stem_map = index.map_stems(*sum);
  std::vector<std::uint32_t> g_type(n_tokens), g_stem(n_tokens);
  for (std::size_t i = 0; i < n_tokens; ++i) {
    g_type[i] = type_map[sum->ids()[i]];
    g_stem[i] = stem_map[sum->stem_ids()[i]];
  }
  // Words of the subject (and its pronouns): supported, and no part of any support or name.
  std::vector<std::uint8_t> subject_token(n_tokens, 0);
  if (subject_) {
    for (std::size_t i = 0; i < n_tokens; ++i)
      subject_token[i] = subject_->contains(sum->token_type(i)) ? 1 : 0;
  }
  const std::function<bool(std::string_view)> exempt = [&](std::string_view word) {
    return word == "i" || (subject_ && subject_->contains(word));
  };
  grounded_result out;
  auto& rel = out.relevance;
  auto& fai = out.faithfulness;
  auto& con = out.conciseness;
  const auto& automaton = index.automaton();
  // match[p]: longest run from p (at most 4) found in a source, for the n-gram ratios.
  std::vector<std::uint8_t> match(n_tokens);
  for (std::size_t p = 0; p < n_tokens; ++p) {
    match[p] = static_cast<std::uint8_t>(automaton.longest_prefix(
        std::span<const std::uint32_t>(g_type).subspan(p, std::min<std::size_t>(4, n_tokens - p))));
  }
  // Clipped support (BLEU's modified unigram precision, with the sources as the reference): in
  // reading order, a token is supported while the summary's uses of its stem stay within the
  // sources' count of that stem; later uses are over-repeated.
  std::vector<std::uint8_t> clipped(n_tokens, 0);
  std::size_t n_clipped = 0;
  {
    std::vector<std::uint32_t> used(sum->stems().size(), 0U);
    for (std::size_t p = 0; p < n_tokens; ++p) {
      if (subject_token[p]) {
        clipped[p] = 1;
        ++n_clipped;
        continue;
      }
      if (g_stem[p] == text::no_id) continue;
      auto& u = used[sum->stem_ids()[p]];
      if (u < index.stem_frequency(g_stem[p])) {
        ++u;
        clipped[p] = 1;
        ++n_clipped;
      } else {
        ++fai.over_repeated;
      }
    }
  }
  // Idf of a local stem: the sources' idf, or the unseen idf.
  std::vector<double> idf_of_local(stem_map.size());
  for (std::size_t l = 0; l < stem_map.size(); ++l) idf_of_local[l] = index.idf(stem_map[l]);
  auto local_idf = [&](std::uint32_t local) { return idf_of_local[local]; };

  // ---- per sentence ----
  std::vector<sentence_detail> details;
  std::vector<std::vector<std::uint32_t>> sentence_stems;  // distinct local stems, sorted
  std::vector<double> sentence_words;                      // tokens per sentence
  detail::support_scratch scratch;
  std::size_t filler_words = 0;
  for (const auto& span : sum->sentences()) {
    if (span.first_token == span.end_token) continue;
    sentence_detail d;
    d.span = {span.begin, span.end};
    std::vector<std::uint32_t> local;
    for (auto p = span.first_token; p < span.end_token; ++p)
      if (!subject_token[p]) local.push_back(sum->stem_ids()[p]);
    std::sort(local.begin(), local.end());
    local.erase(std::unique(local.begin(), local.end()), local.end());
    std::vector<std::uint32_t> global;
    global.reserve(local.size());
    for (const auto l : local) global.push_back(stem_map[l]);
    const auto m = index.best_support(global, scratch);
    d.lexical_support = m.score;
    d.support = m.score;
    if (m.sentence != text::no_id) {
      const auto& s = index.sentences()[m.sentence];
      d.best_source = s.source;
      d.best_source_id = index.source_id(s.source);
      d.source_span = {s.begin, s.end};
      d.salience = s.salience;
    }
    // Numbers, dates, names and negation against the sentences that support this one; read
    // from the kernel's per-sentence overlaps (scratch) before the next sentence reuses them.
    if (facts_ && m.sentence != text::no_id) {
      std::vector<std::uint32_t> claim_stems;
      for (auto p = span.first_token; p < span.end_token; ++p)
        claim_stems.push_back(subject_token[p] ? text::no_id : g_stem[p]);
      const auto verdict = detail::check_claim(
          index, *facts_, {*sum, span.first_token, span.end_token, claim_stems}, exempt,
          [](std::uint32_t) { return true; }, options_.fact_context);
      for (const auto& [first, end] : verdict.mismatched)
        d.mismatched_facts.push_back({tokens[first].begin, tokens[end - 1].end});
      if (!verdict.mismatched.empty()) d.flags |= flag_fact_mismatch;
      if (verdict.negation_mismatch) d.flags |= flag_negation_mismatch;
    }
    // Bigrams inside the sentence.
    const std::size_t len = span.end_token - span.first_token;
    if (len >= 2) {
      std::size_t novel = 0;
      for (auto p = span.first_token; p + 1 < span.end_token; ++p) novel += match[p] < 2 ? 1 : 0;
      d.novel_bigram_ratio = static_cast<double>(novel) / static_cast<double>(len - 1);
    }
    // Clipped precision and the over-repeated words.
    std::size_t supported = 0;
    for (auto p = span.first_token; p < span.end_token; ++p) {
      supported += clipped[p];
      if (!clipped[p] && g_stem[p] != text::no_id) {
        d.over_repeated.push_back({tokens[p].begin, tokens[p].end});
      }
    }
    d.precision = static_cast<double>(supported) / static_cast<double>(len);
    // Numbers and name-like spans in no source.
    for (auto p = span.first_token; p < span.end_token; ++p) {
      if (tokens[p].kind == text::token_kind::number && g_type[p] == text::no_id) {
        d.unsupported_numbers.push_back({tokens[p].begin, tokens[p].end});
      }
    }
    for (auto p = span.first_token; p < span.end_token;) {
      if (tokens[p].kind != text::token_kind::word || !is_capitalized(sum->token_text(p))) {
        ++p;
        continue;
      }
      auto q = p;
      while (q < span.end_token && tokens[q].kind == text::token_kind::word &&
             is_capitalized(sum->token_text(q))) {
        ++q;
      }
      // A sentence-initial capital is only part of a name when the word is not a known word of
      // the sources ("Yesterday John Smith" -> "John Smith"); alone it never counts.
      auto first = p;
      if (p == span.first_token && (q == p + 1 || g_type[p] != text::no_id)) ++first;
      bool novel = false;
      for (auto k = first; k < q; ++k) novel = novel || (g_type[k] == text::no_id && !subject_token[k]);
      if (novel) d.novel_names.push_back({tokens[first].begin, tokens[q - 1].end});
      p = q;
    }
    // Filler phrases, longest first at each token.
    for (auto p = span.first_token; p < span.end_token;) {
      std::size_t matched = 0;
      if (const auto it = fillers_->by_first.find(sum->token_type(p));
          it != fillers_->by_first.end()) {
        for (const auto& phrase : it->second) {
          if (p + phrase.size() > span.end_token) continue;
          bool ok = true;
          for (std::size_t k = 1; k < phrase.size() && ok; ++k)
            ok = sum->token_type(p + k) == phrase[k];
          if (ok) {
            matched = phrase.size();
            break;
          }
        }
      }
      if (matched > 0) {
        d.fillers.push_back({tokens[p].begin, tokens[p + matched - 1].end});
        filler_words += matched;
        p += u32(matched);
      } else {
        ++p;
      }
    }
    if (!d.unsupported_numbers.empty()) d.flags |= flag_unsupported_number;
    if (!d.novel_names.empty()) d.flags |= flag_novel_name;
    if (!d.fillers.empty()) d.flags |= flag_filler;
    if (!d.over_repeated.empty()) d.flags |= flag_over_repeated;
    fai.unsupported_numbers += d.unsupported_numbers.size();
    fai.novel_names += d.novel_names.size();
    con.filler_phrases += d.fillers.size();
    details.push_back(std::move(d));
    sentence_stems.push_back(std::move(local));
    sentence_words.push_back(static_cast<double>(len));
  }
  // What the faithfulness score averages: the clipped precision, raised or mixed with the
  // embedding support when there is an encoder (as `support` is).
  std::vector<double> sentence_faith(details.size());
  for (std::size_t i = 0; i < details.size(); ++i) sentence_faith[i] = details[i].precision;
  // Embedding support: one encoder call for the summary sentences, one alignment GEMM.
  if (source_vectors_ && !details.empty()) {
    std::vector<std::string_view> texts;
    texts.reserve(details.size());
    for (const auto& d : details)
      texts.push_back(summary.substr(d.span.begin, d.span.end - d.span.begin));
    const auto vectors = embed::encode_batched(*options_.encoder, texts);
    const auto aligned = align_sentences(vectors, source_vectors_->rows);
    const double w = options_.embedding_weight;
    for (std::size_t i = 0; i < details.size(); ++i) {
      auto& d = details[i];
      const auto& s = index.sentences()[aligned.best_source[i]];
      d.embedding_support = std::clamp(static_cast<double>(aligned.best_score[i]), 0.0, 1.0);
      d.embedding_source = s.source;
      d.embedding_source_id = index.source_id(s.source);
      d.embedding_source_span = {s.begin, s.end};
      d.support = options_.combine == support_combination::max
                      ? std::max(d.lexical_support, d.embedding_support)
                      : (1.0 - w) * d.lexical_support + w * d.embedding_support;
      sentence_faith[i] = options_.combine == support_combination::max
                              ? std::max(d.precision, d.embedding_support)
                              : (1.0 - w) * d.precision + w * d.embedding_support;
    }
  }
  // A failed fact check scales what the sentence earns into [0, fact_cap] (order kept); how
  // much of the sentence is about the sources (relevance's grounding) is read before that.
  std::vector<double> topical(details.size());
  for (std::size_t i = 0; i < details.size(); ++i) {
    auto& d = details[i];
    topical[i] = d.support;
    if ((d.flags & (flag_fact_mismatch | flag_negation_mismatch)) != 0) {
      d.support *= options_.fact_cap;
      sentence_faith[i] *= options_.fact_cap;
    }
    if (d.support < options_.support_threshold) d.flags |= flag_unsupported;
  }
  // Redundant sentence pairs: idf-weighted share of the lighter sentence's stems in the other.
  std::vector<double> weight(details.size(), 0.0);
  for (std::size_t a = 0; a < details.size(); ++a) {
    for (const auto l : sentence_stems[a]) weight[a] += local_idf(l);
  }
  const auto repeats =
      detail::redundant_sentences(sentence_stems, weight, local_idf, options_.redundancy_threshold);
  for (std::size_t b = 0; b < details.size(); ++b) {
    if (repeats[b] < 0) continue;
    details[b].redundant_with = repeats[b];
    details[b].flags |= flag_redundant;
    ++con.redundant_sentences;
  }

  // ---- faithfulness ----
  const double n_sent = static_cast<double>(details.size());
  const double n_tok = static_cast<double>(n_tokens);
  if (!details.empty()) {
    double sum_support = 0.0, sum_score = 0.0, words = 0.0;
    fai.support_min = 1.0;
    for (std::size_t i = 0; i < details.size(); ++i) {
      sum_support += details[i].support;
      fai.support_min = std::min(fai.support_min, details[i].support);
      sum_score += sentence_words[i] * sentence_faith[i];
      words += sentence_words[i];
    }
    fai.support_mean = sum_support / n_sent;
    fai.score = std::clamp(ratio(sum_score, words), 0.0, 1.0);
  }
  std::size_t known = 0;
  for (const auto s : g_stem) known += s != text::no_id ? 1 : 0;
  fai.unigram_precision = ratio(static_cast<double>(known), n_tok);
  fai.clipped_precision = ratio(static_cast<double>(n_clipped), n_tok);
  for (std::size_t n = 1; n <= 4; ++n) {
    if (n_tokens < n) continue;
    std::size_t novel = 0;
    for (std::size_t p = 0; p + n <= n_tokens; ++p) novel += match[p] < n ? 1 : 0;
    fai.novel_ngram_ratio[n - 1] =
        static_cast<double>(novel) / static_cast<double>(n_tokens - n + 1);
  }
  double covered = 0.0, squares = 0.0;
  for (const auto f : detail::greedy_fragments(automaton, g_type)) {
    const double len = f.end - f.begin;
    covered += len;
    squares += len * len;
    fai.fragments.push_back({f.begin, f.end, {tokens[f.begin].begin, tokens[f.end - 1].end}});
  }
  fai.coverage = ratio(covered, n_tok);
  fai.density = ratio(squares, n_tok);
  fai.compression = ratio(static_cast<double>(index.tokens()), n_tok);

  // ---- relevance ----
  if (!details.empty()) {
    double aligned = 0.0;
    for (const auto& d : details) aligned += d.support * d.salience;
    rel.alignment = aligned / n_sent;
  }
  {
    std::vector<std::uint32_t> distinct(g_stem);
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    // Only stems found in a source count (no_id sorts last): coverage judges which source content
    // was selected; words in no source are faithfulness' business, not counted twice here.
    std::size_t distinct_terms = 0;
    double mass = 0.0;
    for (const auto s : distinct) {
      if (s == text::no_id) break;
      ++distinct_terms;
      mass += index.stem_salience(s);
    }
    rel.coverage = std::min(
        1.0, ratio(mass, index.top_salience(std::max(distinct_terms, coverage_terms_))));
    rel.recall = recall_terms_ == 0 ? 1.0 : std::min(1.0, ratio(mass, index.top_salience(recall_terms_)));
    if (index.has_query()) {
      double total = 0.0, hit = 0.0;
      // Only query terms the sources contain can be covered from them.
      for (const auto q : index.query_stems()) {
        if (q == text::no_id) continue;
        total += index.idf(q);
        if (std::binary_search(distinct.begin(), distinct.end(), q)) hit += index.idf(q);
      }
      rel.query_coverage = ratio(hit, total);
    }
  }
  // The score is computed with the conciseness parts below.

  // ---- conciseness ----
  con.compression_ratio = ratio(n_tok, static_cast<double>(index.tokens()));
  {
    const auto& trigrams = sum->ngrams(3, text::id_space::stems);
    con.repeated_ngram_ratio = ratio(static_cast<double>(trigrams.total() - trigrams.size()),
                                     static_cast<double>(trigrams.total()));
  }
  con.redundancy = std::max(con.repeated_ngram_ratio,
                            ratio(static_cast<double>(con.redundant_sentences), n_sent));
  rel.redundancy = con.redundancy;
  {
    // Normalized entropy of the summary's stems (Peyrard 2019: redundancy = H_max - H).
    std::vector<std::uint32_t> counts(sum->stems().size(), 0U);
    for (const auto l : sum->stem_ids()) ++counts[l];
    double entropy = 0.0;
    for (const auto c : counts) {
      if (c == 0) continue;
      const double q = static_cast<double>(c) / n_tok;
      entropy -= q * std::log(q);
    }
    rel.diversity = n_tokens == 0   ? 0.0
                    : n_tokens == 1 ? 1.0
                                    : std::clamp(entropy / std::log(n_tok), 0.0, 1.0);
  }
  {
    // Grounding: the word-weighted share of the summary that its sources support.
    double grounded_words = 0.0, words = 0.0;
    const double theta = options_.grounding_threshold;
    for (std::size_t i = 0; i < details.size(); ++i) {
      const double g = theta > 0.0 ? std::min(1.0, topical[i] / theta) : 1.0;
      grounded_words += sentence_words[i] * g;
      words += sentence_words[i];
    }
    rel.grounding = ratio(grounded_words, words);
  }
  rel.score = rel.coverage * std::pow(rel.recall, options_.recall_weight) * rel.grounding *
              (1.0 - con.redundancy) * rel.diversity;
  con.filler_ratio = std::min(1.0, ratio(static_cast<double>(filler_words), n_tok));
  {
    std::vector<std::uint32_t> present;
    for (std::size_t i = 0; i < n_tokens; ++i) {
      if (g_stem[i] != text::no_id) present.push_back(g_stem[i]);
    }
    std::sort(present.begin(), present.end());
    const auto distinct = std::unique(present.begin(), present.end()) - present.begin();
    con.information_density = ratio(static_cast<double>(distinct), n_tok);
  }
  switch (options_.budget_unit) {
    case length_unit::words:
      con.length = n_tok;
      break;
    case length_unit::tokens: {
      text::tokenize_options t;
      t.keep_punctuation = true;
      con.length = static_cast<double>(text::tokenize(sum->text(), t).size());
      break;
    }
    case length_unit::characters:
      con.length = static_cast<double>(code_points(summary));
      break;
    case length_unit::sentences:
      con.length = n_sent;
      break;
  }
  con.length_penalty =
      options_.budget ? std::exp(std::min(0.0, 1.0 - con.length / *options_.budget)) : 1.0;
  con.score =
      n_tokens == 0 ? 0.0 : (1.0 - con.redundancy) * (1.0 - con.filler_ratio) * con.length_penalty;

  if (n_tokens == 0) {  // nothing to judge: NaN, not a silent 0 (docs: "Edge values")
    const double nan = std::numeric_limits<double>::quiet_NaN();
    rel.score = fai.score = con.score = nan;
  }
  rel.sentences = details;
  fai.sentences = details;
  con.sentences = std::move(details);
  return out;
}

relevance_result grounded_scorer::relevance(std::string_view summary) const {
  return std::move(score(summary).relevance);
}
faithfulness_result grounded_scorer::faithfulness(std::string_view summary) const {
  return std::move(score(summary).faithfulness);
}
conciseness_result grounded_scorer::conciseness(std::string_view summary) const {
  return std::move(score(summary).conciseness);
}

std::vector<grounded_scorer::batch_item> grounded_scorer::score_batch(
    std::span<const std::string> summaries, unsigned threads) const {
  return precis::detail::score_each<batch_item>(
      summaries, threads, [this](const std::string& summary) { return score(summary); });
}

grounded_result grounded(std::string_view summary, std::span<const source_doc> sources,
                         std::string_view query, const grounded_options& options) {
  return grounded_scorer(sources, query, options).score(summary);
}
relevance_result relevance(std::string_view summary, std::span<const source_doc> sources,
                           std::string_view query, const grounded_options& options) {
  return grounded_scorer(sources, query, options).relevance(summary);
}
faithfulness_result faithfulness(std::string_view summary, std::span<const source_doc> sources,
                                 const grounded_options& options) {
  return grounded_scorer(sources, {}, options).faithfulness(summary);
}
conciseness_result conciseness(std::string_view summary, std::span<const source_doc> sources,
                               const grounded_options& options) {
  return grounded_scorer(sources, {}, options).conciseness(summary);
}

std::vector<std::string> grounded_columns(bool relevance, bool faithfulness, bool conciseness) {
  std::vector<std::string> c;
  if (relevance) {
    c.insert(c.end(), {"relevance", "relevance_alignment", "relevance_coverage",
                       "relevance_query_coverage", "relevance_diversity", "relevance_grounding"});
  }
  if (faithfulness) {
    c.insert(c.end(), {"faithfulness", "faithfulness_support_mean", "faithfulness_support_min",
                       "faithfulness_unigram_precision", "faithfulness_clipped_precision",
                       "faithfulness_novel_1gram_ratio", "faithfulness_novel_2gram_ratio",
                       "faithfulness_novel_3gram_ratio", "faithfulness_novel_4gram_ratio",
                       "faithfulness_fragment_coverage", "faithfulness_fragment_density",
                       "faithfulness_compression", "faithfulness_unsupported_numbers",
                       "faithfulness_novel_names", "faithfulness_over_repeated"});
  }
  if (conciseness) {
    c.insert(c.end(), {"conciseness", "conciseness_compression_ratio", "conciseness_redundancy",
                       "conciseness_repeated_ngram_ratio", "conciseness_redundant_sentences",
                       "conciseness_filler_ratio", "conciseness_filler_phrases",
                       "conciseness_information_density", "conciseness_length",
                       "conciseness_length_penalty"});
  }
  return c;
}

void grounded_values(const grounded_result& r, bool relevance, bool faithfulness, bool conciseness,
                     double* out) {
  if (relevance) {
    const auto& x = r.relevance;
    for (const double v :
         {x.score, x.alignment, x.coverage, x.query_coverage, x.diversity, x.grounding}) {
      *out++ = v;
    }
  }
  if (faithfulness) {
    const auto& x = r.faithfulness;
    for (const double v :
         {x.score, x.support_mean, x.support_min, x.unigram_precision, x.clipped_precision,
          x.novel_ngram_ratio[0], x.novel_ngram_ratio[1], x.novel_ngram_ratio[2],
          x.novel_ngram_ratio[3], x.coverage, x.density, x.compression,
          static_cast<double>(x.unsupported_numbers), static_cast<double>(x.novel_names),
          static_cast<double>(x.over_repeated)}) {
      *out++ = v;
    }
  }
  if (conciseness) {
    const auto& x = r.conciseness;
    for (const double v : {x.score, x.compression_ratio, x.redundancy, x.repeated_ngram_ratio,
                           static_cast<double>(x.redundant_sentences), x.filler_ratio,
                           static_cast<double>(x.filler_phrases), x.information_density, x.length,
                           x.length_penalty}) {
      *out++ = v;
    }
  }
}

}  // namespace precis::metrics
