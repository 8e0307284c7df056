// BLEU with sacrebleu 2.6 parity. The arithmetic in bleu_from_statistics follows sacrebleu's
// compute_bleu operation by operation (on its 0..100 scale) so results agree to the last bits;
// the 0..1 values are divided by 100 at the end.

#include "precis/metrics/bleu.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "precis/detail/parallel.hpp"
#include "precis/error.hpp"
#include "precis/metrics/detail/bleu_kernel.hpp"
#include "precis/text/utf8.hpp"

namespace precis::metrics {

namespace {

struct bleu_scratch {
  detail::token_list hyp;
  std::vector<detail::token_list> refs;
  std::string lower;
  std::vector<std::uint32_t> syms;
  std::vector<std::uint32_t> hyp_syms;
  std::vector<unsigned char> wanted;
  detail::stamped_counts counts;
  detail::stamped_counts per_ref;
  detail::bleu_reference_index index;  // for the free functions
};

// Not inlined, so that GCC cannot specialize callers for the thread-local object's address
// (a constprop clone recomputes it with __tls_get_addr inside hot loops, 3-4% of BLEU's time).
[[gnu::noinline]] bleu_scratch& scratch() {
  thread_local bleu_scratch s;
  return s;
}

void check_options(const bleu_options& o) {
  if (o.max_ngram_order < 1 || o.max_ngram_order > bleu_max_order) {
    raise("invalid_argument", "bleu: max_ngram_order must be in 1.." +
                                  std::to_string(bleu_max_order) + ", got " +
                                  std::to_string(o.max_ngram_order));
  }
  if (o.smooth_value && (!std::isfinite(*o.smooth_value) || *o.smooth_value < 0)) {
    raise("invalid_argument", "bleu: smooth_value must be finite and >= 0");
  }
}

[[noreturn]] void bad_utf8(std::string_view prefix, std::string_view field, std::size_t at) {
  std::string what(prefix);
  what += field;
  raise("invalid_utf8", what + ": invalid UTF-8 at byte " + std::to_string(at));
}

void check_utf8(std::string_view s, std::string_view prefix, std::string_view field) {
  if (const auto at = text::find_invalid_utf8(s)) bad_utf8(prefix, field, *at);
}

void check_reference_utf8(std::span<const std::string_view> refs, std::string_view prefix) {
  for (std::size_t j = 0; j < refs.size(); ++j) {
    if (const auto at = text::find_invalid_utf8(refs[j])) {
      bad_utf8(prefix, "reference " + std::to_string(j), *at);
    }
  }
}

// Tokenizes every reference into `lists`, empty ones included: sacrebleu 2.6 keeps an empty
// reference string (only None is dropped), so it counts in `nrefs` and its length 0 competes for
// the closest reference length. Returns how many lists are in use.
std::size_t tokenize_references(std::span<const std::string_view> refs, const bleu_options& o,
                                std::vector<detail::token_list>& lists, bleu_scratch& s,
                                std::size_t& nrefs) {
  if (lists.size() < refs.size()) lists.resize(refs.size());
  std::size_t k = 0;
  for (const auto r : refs) {
    detail::sacrebleu_tokenize_into(r, o.tokenizer, o.lowercase, lists[k++], s.lower);
  }
  nrefs = refs.size();
  return refs.size();
}

// A scorer's index, over its own copy of the reference tokens.
void build_index(std::span<const std::string_view> refs, const bleu_options& o, bleu_scratch& s,
                 detail::bleu_reference_index& index) {
  const std::size_t nlists = tokenize_references(refs, o, index.owned_tokens, s, index.nrefs);
  index.build(std::span<const detail::token_list>(index.owned_tokens.data(), nlists),
              o.max_ngram_order, s.syms, s.per_ref);
}

bleu_statistics summary_statistics(std::string_view summary, const bleu_options& o,
                                   const detail::bleu_reference_index& index, bleu_scratch& s) {
  detail::sacrebleu_tokenize_into(summary, o.tokenizer, o.lowercase, s.hyp, s.lower);
  bleu_statistics st;
  index.statistics(s.hyp, s.syms, s.counts, st);
  return st;
}

// One summary against its references (the free functions): the thread-local index is built for
// this summary only (`build_for`), over the thread-local token lists.
bleu_statistics pair_statistics(std::string_view summary, std::span<const std::string_view> refs,
                                const bleu_options& o, bleu_scratch& s) {
  const std::size_t nlists = tokenize_references(refs, o, s.refs, s, s.index.nrefs);
  detail::sacrebleu_tokenize_into(summary, o.tokenizer, o.lowercase, s.hyp, s.lower);
  s.index.build_for(std::span<const detail::token_list>(s.refs.data(), nlists), o.max_ngram_order,
                    s.hyp, s.syms, s.hyp_syms, s.wanted, s.per_ref);
  bleu_statistics st;
  s.index.match(s.hyp_syms, s.counts, st);
  return st;
}

bool sentence_effective_order(const bleu_options& o) { return o.effective_order.value_or(true); }

void check_references_present(std::size_t n, std::string_view prefix) {
  if (n == 0) raise("invalid_argument", std::string(prefix) + "at least one reference is required");
}

}  // namespace

std::string_view to_string(bleu_smoothing method) noexcept {
  switch (method) {
    case bleu_smoothing::none:
      return "none";
    case bleu_smoothing::floor:
      return "floor";
    case bleu_smoothing::add_k:
      return "add-k";
    case bleu_smoothing::exp:
      return "exp";
  }
  return "exp";
}

bleu_smoothing parse_bleu_smoothing(std::string_view name) {
  if (name == "none") return bleu_smoothing::none;
  if (name == "floor") return bleu_smoothing::floor;
  if (name == "add-k") return bleu_smoothing::add_k;
  if (name == "exp") return bleu_smoothing::exp;
  raise("invalid_argument",
        "unknown BLEU smoothing '" + std::string(name) + "'; use none, floor, add-k or exp");
}

bleu_result bleu_from_statistics(const bleu_statistics& st, const bleu_options& options,
                                 bool effective_order) {
  check_options(options);
  const int max_order = options.max_ngram_order;
  bleu_result r;
  r.statistics = st;
  const double sys_len = static_cast<double>(st.summary_length);
  const double ref_len = static_cast<double>(st.reference_length);
  if (st.summary_length < st.reference_length) {
    r.brevity_penalty = st.summary_length > 0 ? std::exp(1.0 - ref_len / sys_len) : 0.0;
  } else {
    r.brevity_penalty = 1.0;
  }
  r.length_ratio = st.reference_length > 0 ? sys_len / ref_len : 0.0;

  bool any = false;
  for (int n = 0; n < max_order; ++n) any = any || st.matches[static_cast<std::size_t>(n)] != 0;
  if (!any) return r;  // sacrebleu's early stop (#141): score 0, precisions 0

  double smooth_value = 0.0;
  if (options.smoothing == bleu_smoothing::floor) smooth_value = options.smooth_value.value_or(0.1);
  if (options.smoothing == bleu_smoothing::add_k) smooth_value = options.smooth_value.value_or(1.0);

  std::array<double, bleu_max_order> prec100{};  // sacrebleu's 0..100 precisions
  double smooth_mteval = 1.0;
  int eff_order = max_order;
  for (int n = 1; n <= max_order; ++n) {
    const auto k = static_cast<std::size_t>(n - 1);
    double correct = static_cast<double>(st.matches[k]);
    double total = static_cast<double>(st.totals[k]);
    if (options.smoothing == bleu_smoothing::add_k && n > 1) {
      correct += smooth_value;
      total += smooth_value;
    }
    if (total == 0.0) break;
    if (effective_order) eff_order = n;
    if (correct == 0.0) {
      if (options.smoothing == bleu_smoothing::exp) {
        smooth_mteval *= 2.0;
        prec100[k] = 100.0 / (smooth_mteval * total);
      } else if (options.smoothing == bleu_smoothing::floor) {
        prec100[k] = 100.0 * smooth_value / total;
      }
    } else {
      prec100[k] = 100.0 * correct / total;
    }
  }
  double log_sum = 0.0;
  for (int n = 0; n < eff_order; ++n) {
    const double p = prec100[static_cast<std::size_t>(n)];
    log_sum += p == 0.0 ? -9999999999.0 : std::log(p);  // sacrebleu's my_log
  }
  const double score100 = r.brevity_penalty * std::exp(log_sum / eff_order);
  // A perfect match gives exp(log 100) = 100.00000000000004 (sacrebleu reports that); precis keeps
  // scores on 0..1, so the rounding excess is cut (4e-16, far inside the 1e-9 parity tolerance).
  r.score = std::min(score100 / 100.0, 1.0);
  for (std::size_t k = 0; k < prec100.size(); ++k) r.precisions[k] = prec100[k] / 100.0;
  r.effective_order = eff_order;
  return r;
}

bleu_result bleu(std::string_view summary, std::span<const std::string_view> references,
                 const bleu_options& options) {
  check_options(options);
  check_references_present(references.size(), "bleu: ");
  check_utf8(summary, "", "summary");
  check_reference_utf8(references, "");
  return bleu_from_statistics(pair_statistics(summary, references, options, scratch()), options,
                              sentence_effective_order(options));
}

bleu_result bleu(std::string_view summary, std::string_view reference,
                 const bleu_options& options) {
  return bleu(summary, std::span<const std::string_view>(&reference, 1), options);
}

bleu_scorer::bleu_scorer(std::span<const std::string_view> references, const bleu_options& options)
    : options_(options) {
  check_options(options);
  check_references_present(references.size(), "bleu_scorer: ");
  check_reference_utf8(references, "");
  auto index = std::make_shared<detail::bleu_reference_index>();
  build_index(references, options, scratch(), *index);
  index_ = std::move(index);
}

bleu_scorer::bleu_scorer(std::string_view reference, const bleu_options& options)
    : bleu_scorer(std::span<const std::string_view>(&reference, 1), options) {}

bleu_statistics bleu_scorer::statistics(std::string_view summary) const {
  check_utf8(summary, "", "summary");
  return summary_statistics(summary, options_, *index_, scratch());
}

bleu_result bleu_scorer::score(std::string_view summary) const {
  return bleu_from_statistics(statistics(summary), options_, sentence_effective_order(options_));
}

std::vector<bleu_result> bleu_scorer::score_batch(std::span<const std::string_view> summaries,
                                                  unsigned threads) const {
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    check_utf8(summaries[i], "record " + std::to_string(i) + ", ", "summary");
  }
  std::vector<bleu_result> out(summaries.size());
  const bool eff = sentence_effective_order(options_);
  precis::detail::parallel_for(summaries.size(), threads, [&](std::size_t i) {
    out[i] = bleu_from_statistics(summary_statistics(summaries[i], options_, *index_, scratch()),
                                  options_, eff);
  });
  return out;
}

std::size_t bleu_scorer::reference_count() const noexcept { return index_->nrefs; }

namespace {

// Validates a batch up front so errors name the first bad record deterministically, then
// computes every record's statistics on `threads` threads.
template <class RefsOf>
std::vector<bleu_statistics> batch_statistics(std::span<const std::string_view> summaries,
                                              std::size_t nrecords, RefsOf refs_of,
                                              const bleu_options& options, unsigned threads) {
  check_options(options);
  if (nrecords != summaries.size()) {
    raise("invalid_argument", "bleu: " + std::to_string(summaries.size()) + " summaries but " +
                                  std::to_string(nrecords) + " reference lists");
  }
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const std::string prefix = "record " + std::to_string(i) + ", ";
    const std::span<const std::string_view> refs = refs_of(i);
    if (refs.empty()) raise("invalid_argument", prefix + "at least one reference is required");
    check_utf8(summaries[i], prefix, "summary");
    check_reference_utf8(refs, prefix);
  }
  std::vector<bleu_statistics> stats(summaries.size());
  precis::detail::parallel_for(summaries.size(), threads, [&](std::size_t i) {
    stats[i] = pair_statistics(summaries[i], refs_of(i), options, scratch());
  });
  return stats;
}

std::vector<bleu_result> to_results(const std::vector<bleu_statistics>& stats,
                                    const bleu_options& options) {
  std::vector<bleu_result> out;
  out.reserve(stats.size());
  const bool eff = sentence_effective_order(options);
  for (const auto& st : stats) out.push_back(bleu_from_statistics(st, options, eff));
  return out;
}

bleu_result to_corpus(const std::vector<bleu_statistics>& stats, const bleu_options& options) {
  bleu_statistics sum;
  for (const auto& st : stats) sum += st;
  return bleu_from_statistics(sum, options, options.effective_order.value_or(false));
}

}  // namespace

std::vector<bleu_result> bleu_batch(std::span<const std::string_view> summaries,
                                    std::span<const std::vector<std::string_view>> references,
                                    const bleu_options& options, unsigned threads) {
  const auto refs_of = [&](std::size_t i) {
    return std::span<const std::string_view>(references[i]);
  };
  return to_results(batch_statistics(summaries, references.size(), refs_of, options, threads),
                    options);
}

std::vector<bleu_result> bleu_batch(std::span<const std::string_view> summaries,
                                    std::span<const std::string_view> references,
                                    const bleu_options& options, unsigned threads) {
  const auto refs_of = [&](std::size_t i) {
    return std::span<const std::string_view>(&references[i], 1);
  };
  return to_results(batch_statistics(summaries, references.size(), refs_of, options, threads),
                    options);
}

bleu_result corpus_bleu(std::span<const std::string_view> summaries,
                        std::span<const std::vector<std::string_view>> references,
                        const bleu_options& options, unsigned threads) {
  const auto refs_of = [&](std::size_t i) {
    return std::span<const std::string_view>(references[i]);
  };
  return to_corpus(batch_statistics(summaries, references.size(), refs_of, options, threads),
                   options);
}

bleu_result corpus_bleu(std::span<const std::string_view> summaries,
                        std::span<const std::string_view> references, const bleu_options& options,
                        unsigned threads) {
  const auto refs_of = [&](std::size_t i) {
    return std::span<const std::string_view>(&references[i], 1);
  };
  return to_corpus(batch_statistics(summaries, references.size(), refs_of, options, threads),
                   options);
}

std::string bleu_signature(const bleu_options& options, std::optional<std::size_t> nrefs,
                           bool corpus_level) {
  check_options(options);
  std::string sig = "nrefs:";
  sig += nrefs ? std::to_string(*nrefs) : std::string("var");
  sig += options.lowercase ? "|case:lc" : "|case:mixed";
  sig += options.effective_order.value_or(!corpus_level) ? "|eff:yes" : "|eff:no";
  sig += "|tok:";
  sig += to_string(options.tokenizer);
  sig += "|smooth:";
  sig += to_string(options.smoothing);
  if (options.smoothing == bleu_smoothing::floor || options.smoothing == bleu_smoothing::add_k) {
    const double v =
        options.smooth_value.value_or(options.smoothing == bleu_smoothing::floor ? 0.1 : 1.0);
    char buf[64];
    std::snprintf(buf, sizeof buf, "[%.2f]", v);
    sig += buf;
  }
  sig += "|version:";
  sig += sacrebleu_compat_version;
  return sig;
}

}  // namespace precis::metrics
