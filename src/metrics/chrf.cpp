// chrF / chrF++ with sacrebleu 2.6 parity; the kernel is in detail/chrf_kernel.hpp.

#include "precis/metrics/chrf.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "precis/detail/parallel.hpp"
#include "precis/error.hpp"
#include "precis/metrics/detail/chrf_kernel.hpp"
#include "precis/text/utf8.hpp"

namespace precis::metrics {

namespace {

struct chrf_scratch {
  detail::chrf_units hyp, ref;
  std::string lower;
  std::vector<std::uint32_t> syms;
  detail::stamped_counts counts;
  detail::chrf_reference_set set;  // for the free functions
};

// Not inlined, so that GCC cannot specialize callers for the thread-local object's address
// (a constprop clone recomputes it with __tls_get_addr inside hot loops, 3-4% of BLEU's time).
[[gnu::noinline]] chrf_scratch& scratch() {
  thread_local chrf_scratch s;
  return s;
}

void check_options(const chrf_options& o) {
  if (o.char_order < 0 || o.char_order > chrf_max_char_order) {
    raise("invalid_argument", "chrf: char_order must be in 0.." +
                                  std::to_string(chrf_max_char_order) + ", got " +
                                  std::to_string(o.char_order));
  }
  if (o.word_order < 0 || o.word_order > chrf_max_word_order) {
    raise("invalid_argument", "chrf: word_order must be in 0.." +
                                  std::to_string(chrf_max_word_order) + ", got " +
                                  std::to_string(o.word_order));
  }
  if (o.char_order + o.word_order == 0) {
    raise("invalid_argument", "chrf: char_order + word_order must be at least 1");
  }
  if (!std::isfinite(o.beta) || o.beta < 0) {
    raise("invalid_argument", "chrf: beta must be finite and >= 0");
  }
}

[[noreturn]] void bad_utf8(const std::string& what, std::size_t at) {
  raise("invalid_utf8", what + ": invalid UTF-8 at byte " + std::to_string(at));
}

void check_utf8(std::string_view s, std::string_view prefix, std::string_view field) {
  if (const auto at = text::find_invalid_utf8(s))
    bad_utf8(std::string(prefix) + std::string(field), *at);
}

void check_reference_utf8(std::span<const std::string_view> refs, std::string_view prefix) {
  for (std::size_t j = 0; j < refs.size(); ++j) {
    if (const auto at = text::find_invalid_utf8(refs[j])) {
      bad_utf8(std::string(prefix) + "reference " + std::to_string(j), *at);
    }
  }
}

void fill_units(std::string_view text, const chrf_options& o, chrf_scratch& s,
                detail::chrf_units& u) {
  if (o.lowercase) {
    s.lower.clear();
    detail::python_lower(text, s.lower);
    text = s.lower;
  }
  u.fill(text, o);
}

// Every reference, empty ones included: sacrebleu 2.6 keeps an empty reference string, which
// scores 0 and so is the best reference when it comes first and no other scores above 0.
void build_set(std::span<const std::string_view> refs, const chrf_options& o, chrf_scratch& s,
               detail::chrf_reference_set& set) {
  set.nrefs = refs.size();
  set.used = refs.size();
  if (set.refs.size() < set.used) set.refs.resize(set.used);
  set.positions.clear();
  for (std::size_t j = 0; j < refs.size(); ++j) {
    fill_units(refs[j], o, s, s.ref);
    set.refs[j].build(s.ref, o, s.syms);
    set.positions.push_back(j);
  }
}

// sacrebleu's `_compute_segment_statistics`: the statistics of the reference with the highest
// F-score (strictly greater wins, so the first on ties).
chrf_result score_against(std::string_view summary, const chrf_options& o,
                          const detail::chrf_reference_set& set, chrf_scratch& s) {
  fill_units(summary, o, s, s.hyp);
  chrf_statistics best, st;
  double best_f = -1.0;
  std::size_t best_k = 0;
  for (std::size_t k = 0; k < set.used; ++k) {
    set.refs[k].statistics(s.hyp, o, s.syms, s.counts, st);
    const double f = detail::chrf_f_score100(st, o);
    if (f > best_f) {
      best_f = f;
      best = st;
      best_k = k;
    }
  }
  chrf_result r;
  const double f = detail::chrf_f_score100(best, o, &r.precision, &r.recall, &r.effective_order);
  r.score = f / 100.0;
  r.statistics = best;
  r.best_reference = set.positions[best_k];
  return r;
}

}  // namespace

chrf_result chrf_from_statistics(const chrf_statistics& statistics, const chrf_options& options) {
  check_options(options);
  chrf_result r;
  const double f =
      detail::chrf_f_score100(statistics, options, &r.precision, &r.recall, &r.effective_order);
  r.score = f / 100.0;
  r.statistics = statistics;
  return r;
}

chrf_result chrf(std::string_view summary, std::span<const std::string_view> references,
                 const chrf_options& options) {
  check_options(options);
  if (references.empty()) raise("invalid_argument", "chrf: at least one reference is required");
  check_utf8(summary, "", "summary");
  check_reference_utf8(references, "");
  chrf_scratch& s = scratch();
  build_set(references, options, s, s.set);
  return score_against(summary, options, s.set, s);
}

chrf_result chrf(std::string_view summary, std::string_view reference,
                 const chrf_options& options) {
  return chrf(summary, std::span<const std::string_view>(&reference, 1), options);
}

chrf_scorer::chrf_scorer(std::span<const std::string_view> references, const chrf_options& options)
    : options_(options) {
  check_options(options);
  if (references.empty()) {
    raise("invalid_argument", "chrf_scorer: at least one reference is required");
  }
  check_reference_utf8(references, "");
  auto set = std::make_shared<detail::chrf_reference_set>();
  build_set(references, options, scratch(), *set);
  refs_ = std::move(set);
}

chrf_scorer::chrf_scorer(std::string_view reference, const chrf_options& options)
    : chrf_scorer(std::span<const std::string_view>(&reference, 1), options) {}

chrf_result chrf_scorer::score(std::string_view summary) const {
  check_utf8(summary, "", "summary");
  return score_against(summary, options_, *refs_, scratch());
}

std::vector<chrf_result> chrf_scorer::score_batch(std::span<const std::string_view> summaries,
                                                  unsigned threads) const {
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    check_utf8(summaries[i], "record " + std::to_string(i) + ", ", "summary");
  }
  std::vector<chrf_result> out(summaries.size());
  precis::detail::parallel_for(summaries.size(), threads, [&](std::size_t i) {
    out[i] = score_against(summaries[i], options_, *refs_, scratch());
  });
  return out;
}

std::size_t chrf_scorer::reference_count() const noexcept { return refs_->nrefs; }

namespace {

template <class RefsOf>
std::vector<chrf_result> batch(std::span<const std::string_view> summaries, std::size_t nrecords,
                               RefsOf refs_of, const chrf_options& options, unsigned threads) {
  check_options(options);
  if (nrecords != summaries.size()) {
    raise("invalid_argument", "chrf: " + std::to_string(summaries.size()) + " summaries but " +
                                  std::to_string(nrecords) + " reference lists");
  }
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    const std::string prefix = "record " + std::to_string(i) + ", ";
    const std::span<const std::string_view> refs = refs_of(i);
    if (refs.empty()) raise("invalid_argument", prefix + "at least one reference is required");
    check_utf8(summaries[i], prefix, "summary");
    check_reference_utf8(refs, prefix);
  }
  std::vector<chrf_result> out(summaries.size());
  precis::detail::parallel_for(summaries.size(), threads, [&](std::size_t i) {
    chrf_scratch& s = scratch();
    build_set(refs_of(i), options, s, s.set);
    out[i] = score_against(summaries[i], options, s.set, s);
  });
  return out;
}

chrf_result to_corpus(const std::vector<chrf_result>& results, const chrf_options& options) {
  chrf_statistics sum;
  for (const auto& r : results) sum += r.statistics;
  return chrf_from_statistics(sum, options);
}

}  // namespace

std::vector<chrf_result> chrf_batch(std::span<const std::string_view> summaries,
                                    std::span<const std::vector<std::string_view>> references,
                                    const chrf_options& options, unsigned threads) {
  return batch(
      summaries, references.size(),
      [&](std::size_t i) { return std::span<const std::string_view>(references[i]); }, options,
      threads);
}

std::vector<chrf_result> chrf_batch(std::span<const std::string_view> summaries,
                                    std::span<const std::string_view> references,
                                    const chrf_options& options, unsigned threads) {
  return batch(
      summaries, references.size(),
      [&](std::size_t i) { return std::span<const std::string_view>(&references[i], 1); }, options,
      threads);
}

chrf_result corpus_chrf(std::span<const std::string_view> summaries,
                        std::span<const std::vector<std::string_view>> references,
                        const chrf_options& options, unsigned threads) {
  return to_corpus(chrf_batch(summaries, references, options, threads), options);
}

chrf_result corpus_chrf(std::span<const std::string_view> summaries,
                        std::span<const std::string_view> references, const chrf_options& options,
                        unsigned threads) {
  return to_corpus(chrf_batch(summaries, references, options, threads), options);
}

std::string chrf_signature(const chrf_options& options, std::optional<std::size_t> nrefs) {
  check_options(options);
  std::string sig = "nrefs:";
  sig += nrefs ? std::to_string(*nrefs) : std::string("var");
  sig += options.lowercase ? "|case:lc" : "|case:mixed";
  sig += options.eps_smoothing ? "|eff:no" : "|eff:yes";
  sig += "|nc:" + std::to_string(options.char_order);
  sig += "|nw:" + std::to_string(options.word_order);
  sig += options.whitespace ? "|space:yes" : "|space:no";
  sig += "|version:";
  sig += sacrebleu_compat_version;
  return sig;
}

}  // namespace precis::metrics
