/// @file rouge.cpp
/// ROUGE glue: options, the two tokenizer modes, reference preparation, aggregation and batch
/// calls around the id kernel of precis/metrics/detail/rouge_kernel.hpp.

#include "precis/metrics/rouge.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "precis/detail/parallel.hpp"
#include "precis/error.hpp"
#include "precis/metrics/detail/rouge_kernel.hpp"
#include "precis/metrics/detail/rouge_tokenize.hpp"
#include "precis/text/analyzed_text.hpp"
#include "precis/text/porter.hpp"
#include "precis/text/utf8.hpp"

namespace precis::metrics {

namespace {

constexpr std::array<std::string_view, rouge_type_count> type_names = {
    "rouge1", "rouge2", "rouge3", "rouge4", "rouge5",   "rouge6",
    "rouge7", "rouge8", "rouge9", "rougeL", "rougeLsum"};

constexpr auto lcs_index = static_cast<std::size_t>(rouge_type::rouge_l);
constexpr auto lsum_index = static_cast<std::size_t>(rouge_type::rouge_lsum);

// raw_final value of a reference token whose stem is empty (rouge-score drops such tokens).
constexpr std::uint32_t dropped_token = 0xFFFFFFFEU;

// What a scorer computes, decided once from the options.
struct plan {
  std::uint16_t mask = 0;
  int max_n = 0;
  bool lcs = false;
  bool lsum = false;
};

plan make_plan(const rouge_options& options) {
  if (options.types.empty()) {
    raise("invalid_argument", "rouge: options.types is empty (expected e.g. rouge1, rougeL)");
  }
  plan p;
  for (const std::string& name : options.types) {
    const rouge_type t = parse_rouge_type(name);
    const auto i = static_cast<std::size_t>(t);
    p.mask = static_cast<std::uint16_t>(p.mask | (1U << i));
    if (i < lcs_index) p.max_n = std::max(p.max_n, static_cast<int>(i) + 1);
  }
  p.lcs = ((p.mask >> lcs_index) & 1U) != 0;
  p.lsum = ((p.mask >> lsum_index) & 1U) != 0;
  if (options.tokenizer != rouge_tokenizer::unicode &&
      options.tokenizer != rouge_tokenizer::rouge_score) {
    raise("invalid_argument",
          "rouge: unknown tokenizer value " + std::to_string(static_cast<int>(options.tokenizer)));
  }
  if (options.aggregation != rouge_aggregation::max &&
      options.aggregation != rouge_aggregation::mean) {
    raise("invalid_argument", "rouge: unknown aggregation value " +
                                  std::to_string(static_cast<int>(options.aggregation)));
  }
  return p;
}

rouge_prf make_prf(const detail::rouge_counts& c, bool ngram) {
  rouge_prf out;
  out.overlap = c.overlap;
  out.summary_count = c.summary_count;
  out.reference_count = c.reference_count;
  if (ngram) {
    // rouge-score divides by max(count, 1) for n-grams.
    out.precision = static_cast<double>(c.overlap) /
                    static_cast<double>(std::max<std::size_t>(c.summary_count, 1));
    out.recall = static_cast<double>(c.overlap) /
                 static_cast<double>(std::max<std::size_t>(c.reference_count, 1));
  } else if (c.summary_count > 0 && c.reference_count > 0) {
    out.precision = static_cast<double>(c.overlap) / static_cast<double>(c.summary_count);
    out.recall = static_cast<double>(c.overlap) / static_cast<double>(c.reference_count);
  }
  out.f1 = detail::rouge_fmeasure(out.precision, out.recall);
  return out;
}

// Per-thread buffers of `score`.
struct scratch {
  detail::rouge_kernel kernel;
  std::string token_buffer;
  std::vector<std::uint32_t> ids;
  std::vector<std::uint32_t> sentence_ends;
  std::vector<std::uint32_t> mapped;
};

// Not inlined, so that GCC cannot specialize callers for the thread-local object's address
// (a constprop clone recomputes it with __tls_get_addr inside hot loops, 3-4% of BLEU's time).
[[gnu::noinline]] scratch& thread_scratch() {
  thread_local scratch s;
  return s;
}

// Closes the current sentence at `count` tokens unless it is empty.
void end_sentence(std::vector<std::uint32_t>& ends, std::size_t count) {
  const auto c = static_cast<std::uint32_t>(count);
  if (ends.empty() ? c > 0 : c > ends.back()) ends.push_back(c);
}

text::analyze_options unicode_analyze_options(const rouge_options& options) {
  text::analyze_options a;
  a.sentences.newline_is_boundary = true;
  a.stemmer = options.use_stemmer ? options.stemmer : text::stemmer_kind::none;
  a.stem_language = options.stem_language;
  a.on_invalid = text::invalid_utf8_policy::raise;
  return a;
}

// Token ids of an analyzed text (stem ids when stemming) and its sentence ends in token offsets.
std::span<const std::uint32_t> analyzed_ids(const text::analyzed_text& t, bool stems) {
  return stems ? t.stem_ids() : t.ids();
}

void analyzed_sentence_ends(const text::analyzed_text& t, std::vector<std::uint32_t>& ends) {
  ends.clear();
  for (const text::sentence_span& s : t.sentences()) end_sentence(ends, s.end_token);
  end_sentence(ends, t.tokens().size());
}

}  // namespace

std::string_view rouge_type_name(rouge_type type) noexcept {
  const auto i = static_cast<std::size_t>(type);
  return i < type_names.size() ? type_names[i] : std::string_view("unknown");
}

rouge_type parse_rouge_type(std::string_view name) {
  for (std::size_t i = 0; i < type_names.size(); ++i) {
    if (type_names[i] == name) return static_cast<rouge_type>(i);
  }
  raise("invalid_argument", "unknown ROUGE type '" + std::string(name) +
                                "' (expected rouge1 .. rouge9, rougeL or rougeLsum)");
}

const rouge_prf& rouge_result::operator[](rouge_type type) const {
  if (!has(type)) {
    raise("invalid_argument",
          "ROUGE type '" + std::string(rouge_type_name(type)) + "' was not requested");
  }
  return scores[static_cast<std::size_t>(type)];
}

const rouge_prf& rouge_result::operator[](std::string_view name) const {
  return (*this)[parse_rouge_type(name)];
}

std::vector<rouge_type> rouge_result::types() const {
  std::vector<rouge_type> out;
  for (std::size_t i = 0; i < rouge_type_count; ++i) {
    if (((requested >> i) & 1U) != 0) out.push_back(static_cast<rouge_type>(i));
  }
  return out;
}

struct rouge_scorer::impl {
  struct reference {
    detail::rouge_reference_index index;
    // unicode mode: the analyzed reference and its (stem or type) id -> dense kernel id
    std::shared_ptr<const text::analyzed_text> analyzed;
    std::vector<std::uint32_t> dense;
  };

  rouge_options options;
  plan p;
  bool stems = false;
  // rouge_score mode: final (stemmed) token -> id, shared by all references, and the raw tokens
  // of the references -> id of their final form (saves stemming most summary words). Open
  // addressing (`text::vocabulary`) rather than node-based maps: a free `rouge()` call builds
  // these for its reference every time.
  text::vocabulary vocab;
  text::vocabulary raw_vocab;
  std::vector<std::uint32_t> raw_final;  // raw_vocab id -> vocab id, or dropped_token
  std::vector<reference> refs;

  impl(const rouge_options& o, std::span<const std::string_view> references,
       std::string_view what_single)
      : options(o), p(make_plan(o)), stems(o.use_stemmer) {
    if (references.empty()) raise("invalid_argument", "rouge: at least one reference is required");
    for (std::size_t r = 0; r < references.size(); ++r) {
      const std::string what =
          what_single.empty() ? "references[" + std::to_string(r) + "]" : std::string(what_single);
      text::validate_utf8(references[r], what);
    }
    refs.resize(references.size());
    if (options.tokenizer == rouge_tokenizer::rouge_score) {
      build_rouge_score(references);
    } else {
      build_unicode(references);
    }
  }

  void build_rouge_score(std::span<const std::string_view> references) {
    std::vector<std::vector<std::uint32_t>> ids(references.size());
    std::vector<std::vector<std::uint32_t>> ends(references.size());
    std::string buffer;
    for (std::size_t r = 0; r < references.size(); ++r) {
      auto& tokens = ids[r];
      auto& sentence_ends = ends[r];
      detail::rouge_score_tokenize(
          references[r], buffer,
          [&](std::string_view raw) {
            // Each distinct raw token is stemmed and interned once.
            const std::uint32_t raw_id = raw_vocab.intern(raw);
            if (raw_id == raw_final.size()) {
              std::string_view final_form = raw;
              if (stems && raw.size() > 3) final_form = text::porter_stem_memo(raw);
              // rouge-score drops empty tokens
              raw_final.push_back(final_form.empty() ? dropped_token : vocab.intern(final_form));
            }
            const std::uint32_t id = raw_final[raw_id];
            if (id != dropped_token) tokens.push_back(id);
          },
          [&] { end_sentence(sentence_ends, tokens.size()); });
      end_sentence(sentence_ends, tokens.size());
    }
    const auto vocab_size = static_cast<std::uint32_t>(vocab.size());
    for (std::size_t r = 0; r < references.size(); ++r) {
      refs[r].index.build(ids[r], ends[r], vocab_size, p.max_n, p.lcs);
    }
  }

  void build_unicode(std::span<const std::string_view> references) {
    const text::analyze_options a = unicode_analyze_options(options);
    std::vector<std::uint32_t> tokens, ends;
    for (std::size_t r = 0; r < references.size(); ++r) {
      reference& ref = refs[r];
      ref.analyzed = text::analyze(references[r], a);
      const text::analyzed_text& t = *ref.analyzed;
      const auto source = analyzed_ids(t, stems);
      // Dense ids in order of first occurrence, so kernel tables stay small.
      std::uint32_t next = 0;
      tokens.clear();
      for (const std::uint32_t id : source) {
        if (id >= ref.dense.size()) ref.dense.resize(std::size_t{id} + 1, text::no_id);
        if (ref.dense[id] == text::no_id) ref.dense[id] = next++;
        tokens.push_back(ref.dense[id]);
      }
      analyzed_sentence_ends(t, ends);
      ref.index.build(tokens, ends, next, p.max_n, p.lcs);
    }
  }

  // Summary tokens as ids of the shared rouge_score vocabulary (absent_id when unknown).
  void summary_rouge_score(std::string_view summary, scratch& s) const {
    s.ids.clear();
    s.sentence_ends.clear();
    detail::rouge_score_tokenize(
        summary, s.token_buffer,
        [&](std::string_view raw) {
          if (const auto raw_id = raw_vocab.find(raw)) {
            const std::uint32_t id = raw_final[*raw_id];
            if (id != dropped_token) s.ids.push_back(id);
            return;
          }
          std::string_view final_form = raw;
          if (stems && raw.size() > 3) {
            final_form = text::porter_stem_memo(raw);  // Porter is the hot spot
            if (final_form.empty()) return;
          }
          const auto id = vocab.find(final_form);
          s.ids.push_back(id ? *id : detail::absent_id);
        },
        [&] { end_sentence(s.sentence_ends, s.ids.size()); });
    end_sentence(s.sentence_ends, s.ids.size());
  }

  rouge_result score_one(const detail::rouge_reference_index& index,
                         std::span<const std::uint32_t> ids,
                         std::span<const std::uint32_t> sentence_ends, scratch& s) const {
    rouge_result out;
    out.requested = p.mask;
    for (int n = 1; n <= p.max_n; ++n) {
      const auto i = static_cast<std::size_t>(n - 1);
      if (((p.mask >> i) & 1U) == 0) continue;
      out.scores[i] = make_prf(s.kernel.ngrams(index, ids, n), true);
    }
    if (p.lcs) out.scores[lcs_index] = make_prf(s.kernel.lcs(index, ids), false);
    if (p.lsum) {
      out.scores[lsum_index] =
          make_prf(s.kernel.summary_level_lcs(index, ids, sentence_ends), false);
    }
    return out;
  }

  // Calls `f(reference_index, result)` for each reference, in order.
  template <class F>
  void for_each_reference(std::string_view summary, F&& f) const {
    scratch& s = thread_scratch();
    if (options.tokenizer == rouge_tokenizer::rouge_score) {
      summary_rouge_score(summary, s);
      for (std::size_t r = 0; r < refs.size(); ++r) {
        f(r, score_one(refs[r].index, s.ids, s.sentence_ends, s));
      }
      return;
    }
    const auto analyzed = text::analyze(summary, unicode_analyze_options(options));
    const text::analyzed_text& t = *analyzed;
    const auto source = analyzed_ids(t, stems);
    std::vector<std::uint32_t> ends;
    analyzed_sentence_ends(t, ends);
    for (std::size_t r = 0; r < refs.size(); ++r) {
      const reference& ref = refs[r];
      // summary id -> reference id -> dense kernel id
      const std::vector<std::uint32_t> projection =
          stems ? ref.analyzed->project_stems(t) : ref.analyzed->project_types(t);
      s.mapped.clear();
      for (const std::uint32_t id : source) {
        const std::uint32_t in_ref = id < projection.size() ? projection[id] : text::no_id;
        s.mapped.push_back(in_ref < ref.dense.size() && ref.dense[in_ref] != text::no_id
                               ? ref.dense[in_ref]
                               : detail::absent_id);
      }
      f(r, score_one(ref.index, s.mapped, ends, s));
    }
  }

  rouge_result score(std::string_view summary, bool validated) const {
    if (!validated) text::validate_utf8(summary, "summary");
    if (refs.size() == 1) {
      rouge_result out;
      for_each_reference(summary, [&](std::size_t, rouge_result&& r) { out = r; });
      return out;
    }
    rouge_result out;
    out.requested = p.mask;
    const auto k = static_cast<double>(refs.size());
    for_each_reference(summary, [&](std::size_t r, rouge_result&& one) {
      for (std::size_t i = 0; i < rouge_type_count; ++i) {
        if (((p.mask >> i) & 1U) == 0) continue;
        rouge_prf& acc = out.scores[i];
        const rouge_prf& x = one.scores[i];
        if (options.aggregation == rouge_aggregation::max) {
          // np.argmax: the first reference with the highest F1 wins.
          if (r == 0 || x.f1 > acc.f1) acc = x;
        } else {
          acc.f1 += x.f1;
          acc.precision += x.precision;
          acc.recall += x.recall;
          acc.overlap += x.overlap;
          acc.summary_count += x.summary_count;
          acc.reference_count += x.reference_count;
        }
      }
    });
    if (options.aggregation == rouge_aggregation::mean) {
      for (rouge_prf& acc : out.scores) {
        acc.f1 /= k;
        acc.precision /= k;
        acc.recall /= k;
      }
    }
    return out;
  }
};

namespace {

std::shared_ptr<const rouge_scorer::impl> make_impl(const rouge_options& options,
                                                    std::span<const std::string_view> references,
                                                    std::string_view what_single) {
  return std::make_shared<const rouge_scorer::impl>(options, references, what_single);
}

std::vector<std::string_view> views_of(std::span<const std::string> strings) {
  return {strings.begin(), strings.end()};
}

}  // namespace

rouge_scorer::rouge_scorer(std::string_view reference, const rouge_options& options)
    : impl_(make_impl(options, std::span<const std::string_view>(&reference, 1), "reference")) {}

rouge_scorer::rouge_scorer(std::span<const std::string> references, const rouge_options& options)
    : impl_(make_impl(options, views_of(references), {})) {}

rouge_scorer::rouge_scorer(std::span<const std::string_view> references,
                           const rouge_options& options)
    : impl_(make_impl(options, references, {})) {}

rouge_result rouge_scorer::score(std::string_view summary) const {
  return impl_->score(summary, false);
}

std::vector<rouge_result> rouge_scorer::score_each(std::string_view summary) const {
  text::validate_utf8(summary, "summary");
  std::vector<rouge_result> out(impl_->refs.size());
  impl_->for_each_reference(summary, [&](std::size_t r, rouge_result&& one) { out[r] = one; });
  return out;
}

std::vector<rouge_record_result> rouge_scorer::score_batch(std::span<const std::string> summaries,
                                                           unsigned threads) const {
  std::vector<rouge_record_result> out(summaries.size());
  precis::detail::parallel_for(summaries.size(), threads, [&](std::size_t i) {
    try {
      text::validate_utf8(summaries[i], "record " + std::to_string(i) + ", field 'summary'");
      out[i].result = impl_->score(summaries[i], true);
    } catch (const error& e) {
      out[i].error = e.what();
    } catch (const std::exception& e) {
      out[i].error = "record " + std::to_string(i) + ": " + e.what();
    }
  });
  return out;
}

std::size_t rouge_scorer::reference_count() const noexcept { return impl_->refs.size(); }

const rouge_options& rouge_scorer::options() const noexcept { return impl_->options; }

rouge_result rouge(std::string_view summary, std::string_view reference,
                   const rouge_options& options) {
  // Options and the reference first, as the scorer does, then the summary.
  return rouge_scorer(reference, options).score(summary);
}

rouge_result rouge(std::string_view summary, std::span<const std::string> references,
                   const rouge_options& options) {
  return rouge_scorer(references, options).score(summary);
}

rouge_result rouge(std::string_view summary, std::span<const std::string_view> references,
                   const rouge_options& options) {
  return rouge_scorer(references, options).score(summary);
}

std::vector<rouge_record_result> rouge_batch(std::span<const std::string> summaries,
                                             std::span<const std::vector<std::string>> references,
                                             const rouge_options& options, unsigned threads) {
  (void)make_plan(options);  // option mistakes concern every record: throw once
  if (summaries.size() != references.size()) {
    raise("invalid_argument", "rouge_batch: " + std::to_string(summaries.size()) +
                                  " summaries but " + std::to_string(references.size()) +
                                  " reference lists");
  }
  std::vector<rouge_record_result> out(summaries.size());
  precis::detail::parallel_for(summaries.size(), threads, [&](std::size_t i) {
    const std::string record = "record " + std::to_string(i);
    try {
      text::validate_utf8(summaries[i], record + ", field 'summary'");
      const std::vector<std::string>& refs = references[i];
      if (refs.empty()) {
        raise("invalid_argument", record + ", field 'references': no references");
      }
      for (std::size_t r = 0; r < refs.size(); ++r) {
        text::validate_utf8(refs[r], record + ", field 'references[" + std::to_string(r) + "]'");
      }
      const rouge_scorer::impl scorer(options, views_of(refs), {});
      out[i].result = scorer.score(summaries[i], true);
    } catch (const error& e) {
      out[i].error = e.what();
    } catch (const std::exception& e) {
      out[i].error = record + ": " + e.what();
    }
  });
  return out;
}

}  // namespace precis::metrics
