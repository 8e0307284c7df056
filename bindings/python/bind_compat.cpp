// Bindings for the drop-in compatibility modules (precis.compat.rouge_score,
// precis.compat.sacrebleu): they need the sufficient statistics of BLEU and chrF per segment, in
// sacrebleu's layout, the rouge-score tokenizer on its own and sacrebleu's tokenizers as strings.
// Every number comes from the metric kernels; this file only lays results out. See docs/compat.md.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bindings.hpp"
#include "precis/error.hpp"
#include "precis/metrics/bleu.hpp"
#include "precis/metrics/chrf.hpp"
#include "precis/metrics/detail/chrf_kernel.hpp"
#include "precis/metrics/detail/rouge_tokenize.hpp"
#include "precis/metrics/sacrebleu_tokenize.hpp"
#include "precis/text/porter.hpp"
#include "precis/text/utf8.hpp"

namespace py = pybind11;
namespace pm = precis::metrics;

namespace {

// The first `n` items of a list of str as UTF-8, errors naming `field`[i].
std::vector<std::string> utf8_items(const py::handle& items, std::size_t n, const char* field) {
  const auto seq = items.cast<py::sequence>();
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(precis_python::utf8_of(seq[i], std::string(field) + "[" + std::to_string(i) +
                                                     "]"));
  }
  return out;
}

// Segments (hypotheses) and their reference lists, owned, with views for the kernels.
struct segments {
  segments(const py::list& hypotheses, const py::list& references) {
    if (hypotheses.size() != references.size()) {
      precis::raise("invalid_argument", "got " + std::to_string(hypotheses.size()) +
                                            " hypotheses but " +
                                            std::to_string(references.size()) + " reference lists");
    }
    hyp_text = utf8_items(hypotheses, hypotheses.size(), "hypotheses");
    ref_text = reference_lists(references);
    hyp_views.assign(hyp_text.begin(), hyp_text.end());
    for (const auto& r : ref_text) ref_views.emplace_back(r.begin(), r.end());
  }

  static std::vector<std::vector<std::string>> reference_lists(const py::list& references) {
    std::vector<std::vector<std::string>> out(references.size());
    for (std::size_t i = 0; i < references.size(); ++i) {
      const std::string field = "references[" + std::to_string(i) + "]";
      out[i] = utf8_items(references[i], py::len(references[i]), field.c_str());
    }
    return out;
  }

  std::vector<std::string> hyp_text;
  std::vector<std::vector<std::string>> ref_text;
  std::vector<std::string_view> hyp_views;
  std::vector<std::vector<std::string_view>> ref_views;
};

// sacrebleu's BLEU segment statistics: [sys_len, ref_len, correct_1..N, total_1..N].
constexpr std::size_t bleu_width(int order) { return 2 + 2 * static_cast<std::size_t>(order); }

void put_bleu(const pm::bleu_statistics& s, int order, std::uint64_t* row) {
  row[0] = s.summary_length;
  row[1] = s.reference_length;
  for (std::size_t n = 0; n < static_cast<std::size_t>(order); ++n) {
    row[2 + n] = s.matches[n];
    row[2 + static_cast<std::size_t>(order) + n] = s.totals[n];
  }
}

// sacrebleu's chrF segment statistics: [hyp, ref, match] per order, characters then words.
std::size_t chrf_width(const pm::chrf_options& o) {
  return 3 * static_cast<std::size_t>(o.char_order + o.word_order);
}

void put_chrf(const pm::chrf_statistics& s, const pm::chrf_options& o, std::uint64_t* row) {
  std::size_t k = 0;
  const auto put = [&](const pm::chrf_ngram_statistics& n) {
    row[k++] = n.summary;
    row[k++] = n.reference;
    row[k++] = n.matches;
  };
  for (int n = 0; n < o.char_order; ++n) put(s.chars[static_cast<std::size_t>(n)]);
  for (int n = 0; n < o.word_order; ++n) put(s.words[static_cast<std::size_t>(n)]);
}

py::array_t<std::uint64_t> bleu_rows(const std::vector<pm::bleu_result>& results, int order) {
  const std::size_t width = bleu_width(order);
  py::array_t<std::uint64_t> out({results.size(), width});
  std::uint64_t* data = out.mutable_data();
  for (std::size_t i = 0; i < results.size(); ++i) {
    put_bleu(results[i].statistics, order, data + i * width);
  }
  return out;
}

py::tuple chrf_rows(const std::vector<pm::chrf_result>& results, const pm::chrf_options& o) {
  const std::size_t width = chrf_width(o);
  py::array_t<std::uint64_t> stats({results.size(), width});
  py::array_t<std::int64_t> best(static_cast<py::ssize_t>(results.size()));
  std::uint64_t* data = stats.mutable_data();
  std::int64_t* b = best.mutable_data();
  for (std::size_t i = 0; i < results.size(); ++i) {
    put_chrf(results[i].statistics, o, data + i * width);
    b[i] = static_cast<std::int64_t>(results[i].best_reference);
  }
  return py::make_tuple(stats, best);
}

// References prepared once per segment (sacrebleu's `references=` cache).
class bleu_references {
 public:
  bleu_references(const py::list& references, const pm::bleu_options& o) : options_(o) {
    const auto text = segments::reference_lists(references);
    py::gil_scoped_release release;
    scorers_.reserve(text.size());
    for (const auto& refs : text) {
      const std::vector<std::string_view> views(refs.begin(), refs.end());
      scorers_.emplace_back(views, o);
    }
  }
  py::array_t<std::uint64_t> statistics(const py::list& hypotheses) const {
    const std::size_t n = std::min<std::size_t>(hypotheses.size(), scorers_.size());
    const std::vector<std::string> hyps = utf8_items(hypotheses, n, "hypotheses");
    const std::size_t width = bleu_width(options_.max_ngram_order);
    py::array_t<std::uint64_t> out({n, width});
    std::uint64_t* data = out.mutable_data();
    {
      py::gil_scoped_release release;
      for (std::size_t i = 0; i < n; ++i) {
        put_bleu(scorers_[i].statistics(hyps[i]), options_.max_ngram_order, data + i * width);
      }
    }
    return out;
  }
  std::size_t size() const noexcept { return scorers_.size(); }

 private:
  pm::bleu_options options_;
  std::vector<pm::bleu_scorer> scorers_;
};

class chrf_references {
 public:
  chrf_references(const py::list& references, const pm::chrf_options& o) : options_(o) {
    const auto text = segments::reference_lists(references);
    py::gil_scoped_release release;
    scorers_.reserve(text.size());
    for (const auto& refs : text) {
      const std::vector<std::string_view> views(refs.begin(), refs.end());
      scorers_.emplace_back(views, o);
    }
  }
  py::tuple statistics(const py::list& hypotheses) const {
    const std::size_t n = std::min<std::size_t>(hypotheses.size(), scorers_.size());
    const std::vector<std::string> hyps = utf8_items(hypotheses, n, "hypotheses");
    std::vector<pm::chrf_result> results(n);
    {
      py::gil_scoped_release release;
      for (std::size_t i = 0; i < n; ++i) results[i] = scorers_[i].score(hyps[i]);
    }
    return chrf_rows(results, options_);
  }
  std::size_t size() const noexcept { return scorers_.size(); }

 private:
  pm::chrf_options options_;
  std::vector<pm::chrf_scorer> scorers_;
};

// sacrebleu's `_compute_f_score` (0..100) of flat [hyp, ref, match] statistics.
double chrf_score100(const std::vector<std::uint64_t>& flat, const pm::chrf_options& o) {
  if (flat.size() != chrf_width(o)) {
    precis::raise("invalid_argument", "chrF statistics: expected " + std::to_string(chrf_width(o)) +
                                          " values, got " + std::to_string(flat.size()));
  }
  pm::chrf_statistics st;
  std::size_t k = 0;
  const auto get = [&](pm::chrf_ngram_statistics& n) {
    n.summary = flat[k++];
    n.reference = flat[k++];
    n.matches = flat[k++];
  };
  for (int n = 0; n < o.char_order; ++n) get(st.chars[static_cast<std::size_t>(n)]);
  for (int n = 0; n < o.word_order; ++n) get(st.words[static_cast<std::size_t>(n)]);
  return pm::detail::chrf_f_score100(st, o);
}

}  // namespace

namespace precis_python {

void bind_compat(py::module_& m) {
  m.def("compat_rouge_score_tokenize", [](const py::object& text_obj, bool use_stemmer) {
          const std::string text = utf8_of(text_obj, "text");
          precis::text::validate_utf8(text, "text");
          std::vector<std::string> tokens;
          std::string buffer;
          pm::detail::rouge_score_tokenize(
              text, buffer,
              [&](std::string_view t) {
                // rouge-score stems only tokens longer than 3 characters.
                tokens.push_back(use_stemmer && t.size() > 3 ? precis::text::porter_stem(t)
                                                             : std::string(t));
              },
              [] {});
          return tokens;
        }, py::arg("text"), py::arg("use_stemmer"),
        "rouge-score 0.1.2's tokenize.tokenize(text, PorterStemmer() or None).");
  m.def("compat_sacrebleu_tokenize", [](const py::object& text, const std::string& tokenizer) {
          return pm::sacrebleu_tokenize(utf8_of(text, "line"),
                                        pm::parse_sacrebleu_tokenizer(tokenizer));
        }, py::arg("text"), py::arg("tokenizer"),
        "sacrebleu's tokenizer output for a right-stripped line (tokens joined by spaces).");
  m.def("compat_bleu_statistics", [](const py::list& hypotheses, const py::list& references,
                                     const pm::bleu_options& o) {
          const segments in(hypotheses, references);
          std::vector<pm::bleu_result> results;
          {
            py::gil_scoped_release release;
            results = pm::bleu_batch(in.hyp_views, in.ref_views, o, 1);
          }
          return bleu_rows(results, o.max_ngram_order);
        }, py::arg("hypotheses"), py::arg("references"), py::arg("options"),
        "Per-segment BLEU statistics [sys_len, ref_len, correct..., total...] (uint64 rows).");
  m.def("compat_chrf_statistics", [](const py::list& hypotheses, const py::list& references,
                                     const pm::chrf_options& o) {
          const segments in(hypotheses, references);
          std::vector<pm::chrf_result> results;
          {
            py::gil_scoped_release release;
            results = pm::chrf_batch(in.hyp_views, in.ref_views, o, 1);
          }
          return chrf_rows(results, o);
        }, py::arg("hypotheses"), py::arg("references"), py::arg("options"),
        "Per-segment chrF statistics of the best reference ([hyp, ref, match] per order) and "
        "the index of that reference.");
  m.def("compat_bleu_sentence", [](const py::object& hypothesis, const py::list& references,
                                   const pm::bleu_options& o) {
          const std::string hyp = utf8_of(hypothesis, "hypothesis");
          const auto refs = utf8_items(references, references.size(), "references");
          const std::vector<std::string_view> views(refs.begin(), refs.end());
          std::vector<std::uint64_t> row(bleu_width(o.max_ngram_order));
          put_bleu(pm::bleu(hyp, views, o).statistics, o.max_ngram_order, row.data());
          return row;
        }, py::arg("hypothesis"), py::arg("references"), py::arg("options"),
        "BLEU statistics [sys_len, ref_len, correct..., total...] of one segment, as a list.");
  m.def("compat_chrf_sentence", [](const py::object& hypothesis, const py::list& references,
                                   const pm::chrf_options& o) {
          const std::string hyp = utf8_of(hypothesis, "hypothesis");
          const auto refs = utf8_items(references, references.size(), "references");
          const std::vector<std::string_view> views(refs.begin(), refs.end());
          const pm::chrf_result r = pm::chrf(hyp, views, o);
          std::vector<std::uint64_t> row(chrf_width(o));
          put_chrf(r.statistics, o, row.data());
          return py::make_tuple(row, r.best_reference,
                                pm::detail::chrf_f_score100(r.statistics, o));
        }, py::arg("hypothesis"), py::arg("references"), py::arg("options"),
        "chrF statistics of one segment's best reference (a list), its index and its chrF "
        "(0..100).");
  m.def("compat_chrf_score100", &chrf_score100, py::arg("statistics"), py::arg("options"),
        "sacrebleu's chrF (0..100) of flat [hyp, ref, match] statistics.");
  py::class_<bleu_references>(m, "CompatBleuReferences")
      .def(py::init<const py::list&, const pm::bleu_options&>(), py::arg("references"),
           py::arg("options"))
      .def("statistics", &bleu_references::statistics, py::arg("hypotheses"))
      .def("__len__", &bleu_references::size);
  py::class_<chrf_references>(m, "CompatChrfReferences")
      .def(py::init<const py::list&, const pm::chrf_options&>(), py::arg("references"),
           py::arg("options"))
      .def("statistics", &chrf_references::statistics, py::arg("hypotheses"))
      .def("__len__", &chrf_references::size);
}

}  // namespace precis_python
