// Python bindings of precis/embed and precis/metrics/embedding.hpp. Thin: arrays are checked and
// viewed without copies (float32, C-contiguous; anything else is a TypeError / ValueError naming
// the argument), keyword arguments become options structs, batch calls release the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "string_args.hpp"
#include "precis/text/utf8.hpp"
#include "precis/detail/parallel.hpp"
#include "precis/embed/cache.hpp"
#include "precis/embed/encoder.hpp"
#include "precis/embed/lsa.hpp"
#include "precis/embed/word_vectors.hpp"
#include "precis/error.hpp"
#include "precis/metrics/embedding.hpp"

namespace py = pybind11;
namespace pe = precis::embed;
namespace pm = precis::metrics;
using precis_python::fs_path;
using precis_python::utf8_str;

namespace {

using float_array = py::array_t<float, py::array::c_style | py::array::forcecast>;

// A zero-copy view of a float32 C-contiguous 1-D (one row) or 2-D numpy array. The caller keeps
// `obj` alive for as long as the view is used.
pe::matrix_map as_matrix(const py::handle& obj, const char* name) {
  if (!py::isinstance<py::array>(obj)) {
    throw py::type_error(std::string(name) + " must be a numpy.ndarray of float32, not " +
                         precis_python::type_name(obj));
  }
  const auto arr = py::reinterpret_borrow<py::array>(obj);
  if (!arr.dtype().is(py::dtype::of<float>())) {
    throw py::type_error(std::string(name) + " has dtype " + std::string(py::str(arr.dtype())) +
                         "; precis needs float32 without copying (use a.astype(numpy.float32) "
                         "or copy=True)");
  }
  if (arr.ndim() != 1 && arr.ndim() != 2) {
    throw py::value_error(std::string(name) + " must be 1-D or 2-D, not " +
                          std::to_string(arr.ndim()) + "-D");
  }
  if ((arr.flags() & py::array::c_style) == 0) {
    throw py::value_error(std::string(name) +
                          " must be C-contiguous (use numpy.ascontiguousarray or copy=True)");
  }
  const Eigen::Index rows = arr.ndim() == 1 ? 1 : arr.shape(0);
  const Eigen::Index cols = arr.ndim() == 1 ? arr.shape(0) : arr.shape(1);
  return pe::matrix_map(static_cast<const float*>(arr.data()), rows, cols);
}

std::vector<std::size_t> as_offsets(const py::handle& obj, const char* name) {
  try {
    return obj.cast<std::vector<std::size_t>>();
  } catch (const py::cast_error&) {
    throw py::type_error(std::string(name) + " must be a sequence of non-negative integers");
  }
}

std::vector<float> as_weights(const py::handle& obj, const char* name) {
  if (obj.is_none()) return {};
  const auto m = as_matrix(obj, name);
  return std::vector<float>(m.data(), m.data() + m.size());
}

py::array_t<float> to_numpy(pe::row_matrix m) {
  auto* owner = new pe::row_matrix(std::move(m));
  py::capsule free_when_done(owner, [](void* p) { delete static_cast<pe::row_matrix*>(p); });
  return py::array_t<float>({owner->rows(), owner->cols()},
                            {owner->cols() * static_cast<Eigen::Index>(sizeof(float)),
                             static_cast<Eigen::Index>(sizeof(float))},
                            owner->data(), free_when_done);
}

template <class T>
py::array_t<T> vec_to_numpy(const std::vector<T>& v) {
  py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

py::dict to_dict(const pm::alignment_result& r) {
  py::dict d;
  d["score"] = r.score;
  d["min_support"] = r.min_support;
  d["coverage"] = r.coverage;
  d["covered_fraction"] = r.covered_fraction;
  d["best_source"] = vec_to_numpy(r.best_source);
  d["best_score"] = vec_to_numpy(r.best_score);
  d["source_best"] = vec_to_numpy(r.source_best);
  return d;
}

py::dict to_dict(const pm::bertscore_result& r) {
  py::dict d;
  d["f1"] = r.f1;
  d["precision"] = r.precision;
  d["recall"] = r.recall;
  return d;
}

py::dict to_dict(const pm::embedding_result& r) {
  py::dict d;
  d["document_cosine"] = r.document.score;
  d["per_source"] = r.document.per_source;
  d["alignment"] = to_dict(r.alignment);
  d["bertscore"] = to_dict(r.bertscore);
  return d;
}

pm::source_aggregation aggregation(const std::string& s) {
  if (s == "max") return pm::source_aggregation::max;
  if (s == "mean") return pm::source_aggregation::mean;
  if (s == "centroid") return pm::source_aggregation::centroid;
  precis::raise("invalid_argument",
                "unknown aggregation '" + s + "' (expected max, mean or centroid)");
}

std::optional<pm::bertscore_baseline> baseline(const std::optional<std::vector<double>>& b) {
  if (!b) return std::nullopt;
  if (b->size() != 3) {
    precis::raise("invalid_argument", "baseline must be (precision, recall, f1)");
  }
  return pm::bertscore_baseline{(*b)[0], (*b)[1], (*b)[2]};
}

// A Python callable (list[str] -> array of shape (n, dimension)) as a C++ encoder. The callable
// is called with the GIL held; its result is copied to float32 (models return float32 or 64).
std::shared_ptr<pe::encoder> python_encoder(const std::string& id, std::size_t dimension,
                                            const py::object& fn) {
  if (!PyCallable_Check(fn.ptr())) throw py::type_error("encoder function must be callable");
  // The py::object must be released with the GIL held, whichever thread drops the last reference.
  std::shared_ptr<py::object> held(new py::object(fn), [](py::object* p) {
    py::gil_scoped_acquire gil;
    delete p;
  });
  return std::make_shared<pe::callback_encoder>(
      id, dimension, [held, id](std::span<const std::string_view> texts) {
        py::gil_scoped_acquire gil;
        py::list batch;
        for (const auto t : texts) {
          batch.append(py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(
              t.data(), static_cast<py::ssize_t>(t.size()), "surrogateescape")));
        }
        const py::object out = (*held)(batch);
        const auto arr = float_array::ensure(out);
        if (!arr) {
          throw py::type_error("encoder '" + id + "' must return a numeric array, not " +
                               precis_python::type_name(out));
        }
        if (arr.ndim() != 2) {
          precis::raise("invalid_argument", "encoder '" + id + "' must return a 2-D array, got " +
                                                std::to_string(arr.ndim()) + "-D");
        }
        return pe::row_matrix(pe::matrix_map(arr.data(), arr.shape(0), arr.shape(1)));
      });
}

// One str as UTF-8 (lone surrogates kept: precis_python::encode_utf8); TypeError naming `name`
// otherwise. The embedding API raises TypeError for wrong types, as numpy does.
std::string utf8_of(const py::handle& item, const std::string& name) {
  if (!py::isinstance<py::str>(item)) {
    throw py::type_error(name + " must be a str, not " + precis_python::type_name(item));
  }
  return precis_python::encode_utf8(item);
}

// A list of str as UTF-8 strings (invalid text is reported with its row by the UTF-8 check).
std::vector<std::string> strings(const py::handle& seq, const char* name) {
  if (py::isinstance<py::str>(seq) || !py::isinstance<py::sequence>(seq)) {
    throw py::type_error(std::string(name) + " must be a list of str, not " +
                         precis_python::type_name(seq));
  }
  const auto s = py::reinterpret_borrow<py::sequence>(seq);
  std::vector<std::string> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    out.push_back(utf8_of(s[i], std::string(name) + "[" + std::to_string(i) + "]"));
  }
  return out;
}

pm::embedding_options embedding_options(const std::string& agg, std::size_t chunk_sentences,
                                        std::size_t chunk_stride, float coverage_threshold,
                                        bool idf, const std::optional<std::vector<double>>& base,
                                        std::size_t batch_size, bool contextual_tokens) {
  pm::embedding_options o;
  o.contextual_tokens = contextual_tokens;
  o.aggregation = aggregation(agg);
  o.chunk_sentences = chunk_sentences;
  o.chunk_stride = chunk_stride;
  o.alignment.coverage_threshold = coverage_threshold;
  o.idf = idf;
  o.baseline = baseline(base);
  o.batch_size = batch_size;
  return o;
}

}  // namespace

namespace precis_python {

void bind_embed(py::module_& m) {
  py::class_<pe::encoder, std::shared_ptr<pe::encoder>>(m, "Encoder")
      .def_property_readonly("id", &pe::encoder::id)
      .def_property_readonly("dimension", &pe::encoder::dimension)
      .def_property_readonly("token_id",
                             [](const pe::encoder& e) -> std::optional<std::string> {
                               const auto* t = e.tokens();
                               if (t == nullptr) return std::nullopt;
                               return t->token_id();
                             })
      .def(
          "encode",
          [](const pe::encoder& e, const py::object& texts, std::size_t batch_size) {
            const auto t = strings(texts, "texts");
            return to_numpy(pe::encode_batched(e, t, batch_size));
          },
          py::arg("texts"), py::arg("batch_size") = 256);

  py::class_<pe::hashed_encoder, pe::encoder, std::shared_ptr<pe::hashed_encoder>>(m,
                                                                                   "HashedEncoder")
      .def(py::init([](std::size_t dimension, bool words, float word_weight,
                       std::size_t char_ngram_min, std::size_t char_ngram_max, float char_weight,
                       bool signed_hash, std::uint64_t seed, bool normalize) {
             pe::hashed_options o;
             o.dimension = dimension;
             o.words = words;
             o.word_weight = word_weight;
             o.char_ngram_min = char_ngram_min;
             o.char_ngram_max = char_ngram_max;
             o.char_weight = char_weight;
             o.signed_hash = signed_hash;
             o.seed = seed;
             o.normalize = normalize;
             return std::make_shared<pe::hashed_encoder>(o);
           }),
           py::arg("dimension") = 1024, py::arg("words") = true, py::arg("word_weight") = 1.0F,
           py::arg("char_ngram_min") = 3, py::arg("char_ngram_max") = 5,
           py::arg("char_weight") = 0.5F, py::arg("signed_hash") = true, py::arg("seed") = 0,
           py::arg("normalize") = true)
      .def(
          "encode",
          [](const pe::hashed_encoder& e, const py::object& texts, unsigned threads) {
            const auto t = strings(texts, "texts");
            pe::row_matrix out(static_cast<Eigen::Index>(t.size()),
                               static_cast<Eigen::Index>(e.dimension()));
            {
              py::gil_scoped_release release;
              precis::detail::parallel_for(
                  t.size(), threads,
                  [&](std::size_t i) {
                    e.encode_into(t[i],
                                  std::span<float>(out.row(static_cast<Eigen::Index>(i)).data(),
                                                   e.dimension()));
                  },
                  64);
            }
            return to_numpy(std::move(out));
          },
          py::arg("texts"), py::arg("threads") = 1)
      .def(
          "fit_idf",
          [](const pe::hashed_encoder& e, const py::object& corpus) {
            const auto t = strings(corpus, "corpus");
            const std::vector<std::string_view> v(t.begin(), t.end());
            return std::make_shared<pe::hashed_encoder>(e.fit_idf(v));
          },
          py::arg("corpus"))
      .def_property_readonly("idf",
                             [](const pe::hashed_encoder& e) {
                               return std::vector<float>(e.idf().begin(), e.idf().end());
                             })
      .def(
          "with_idf",
          [](const pe::hashed_encoder& e, std::vector<float> idf) {
            auto out = std::make_shared<pe::hashed_encoder>(e.options());
            out->set_idf(std::move(idf));
            return out;
          },
          py::arg("idf"));

  py::class_<pe::callback_encoder, pe::encoder, std::shared_ptr<pe::callback_encoder>>(
      m, "CallbackEncoder");
  m.def("callable_encoder", &python_encoder, py::arg("id"), py::arg("dimension"), py::arg("fn"));

  py::class_<pe::precomputed_encoder, pe::encoder, std::shared_ptr<pe::precomputed_encoder>>(
      m, "PrecomputedEncoder")
      .def(py::init([](const utf8_str& id, const py::object& texts, const py::object& vectors) {
             precis::text::validate_utf8(id, "id");
             const auto t = strings(texts, "texts");
             return std::make_shared<pe::precomputed_encoder>(id, t, as_matrix(vectors, "vectors"));
           }),
           py::arg("id"), py::arg("texts"), py::arg("vectors"));

  py::class_<pe::cached_encoder, pe::encoder, std::shared_ptr<pe::cached_encoder>>(m,
                                                                                   "CachedEncoder")
      .def(py::init([](std::shared_ptr<pe::encoder> inner, const fs_path& path) {
             std::shared_ptr<pe::embedding_cache> cache;
             if (path.empty()) {
               cache = std::make_shared<pe::memory_cache>();
             } else {
               cache = std::make_shared<pe::sqlite_cache>(path);
             }
             return std::make_shared<pe::cached_encoder>(std::move(inner), std::move(cache));
           }),
           py::arg("encoder"), py::arg("path") = "")
      .def_property_readonly("hits", &pe::cached_encoder::hits)
      .def_property_readonly("misses", &pe::cached_encoder::misses);

  py::class_<pe::word_vectors, std::shared_ptr<pe::word_vectors>>(m, "WordVectors")
      .def(py::init([](const fs_path& path, const std::string& format, std::size_t max_words) {
             pe::word_vector_format f = pe::word_vector_format::detect;
             if (format == "text") {
               f = pe::word_vector_format::text;
             } else if (format == "word2vec_binary") {
               f = pe::word_vector_format::word2vec_binary;
             } else if (format == "precis") {
               f = pe::word_vector_format::precis_cache;
             } else if (format != "detect") {
               precis::raise("invalid_argument", "unknown word vector format '" + format +
                                                     "' (expected detect, text, word2vec_binary "
                                                     "or precis)");
             }
             py::gil_scoped_release release;
             return std::make_shared<pe::word_vectors>(pe::word_vectors::load(path, f, max_words));
           }),
           py::arg("path"), py::arg("format") = "detect", py::arg("max_words") = 0)
      .def(
          "save", [](const pe::word_vectors& w, const fs_path& path) { w.save(path); },
          py::arg("path"))
      .def("__len__", &pe::word_vectors::size)
      .def_property_readonly("dimension", &pe::word_vectors::dimension)
      .def("__contains__", [](const pe::word_vectors& w, const utf8_str& word) {
        return w.find(word).has_value();
      });

  py::class_<pe::word_vector_encoder, pe::encoder, std::shared_ptr<pe::word_vector_encoder>>(
      m, "WordVectorEncoder")
      .def(py::init([](std::shared_ptr<pe::word_vectors> vectors, const utf8_str& name,
                       const std::string& pool, double sif_a, bool lowercase, bool normalize,
                       const std::optional<std::vector<utf8_str>>& frequency_corpus) {
             precis::text::validate_utf8(name, "name");
             pe::word_vector_options o;
             if (pool == "mean") {
               o.pool = pe::pooling::mean;
             } else if (pool == "sif") {
               o.pool = pe::pooling::sif;
             } else {
               precis::raise("invalid_argument",
                             "unknown pooling '" + pool + "' (expected mean or sif)");
             }
             o.sif_a = sif_a;
             o.lowercase = lowercase;
             o.normalize = normalize;
             auto e = std::make_shared<pe::word_vector_encoder>(std::move(vectors), name, o);
             if (frequency_corpus) {
               const std::vector<std::string_view> v(frequency_corpus->begin(),
                                                     frequency_corpus->end());
               e->set_frequencies(v);
             }
             return e;
           }),
           py::arg("vectors"), py::arg("name"), py::arg("pooling") = "mean",
           py::arg("sif_a") = 1e-3, py::arg("lowercase") = true, py::arg("normalize") = false,
           py::arg("frequency_corpus") = py::none())
      .def_property_readonly("tokens_seen", &pe::word_vector_encoder::tokens_seen)
      .def_property_readonly("oov_tokens", &pe::word_vector_encoder::oov_tokens);

  py::class_<pe::lsa_encoder, pe::encoder, std::shared_ptr<pe::lsa_encoder>>(m, "LsaEncoder")
      .def_static(
          "fit",
          [](const py::object& corpus, std::size_t rank, std::size_t oversample,
             std::size_t power_iterations, std::uint64_t seed, std::size_t dimension,
             std::size_t char_ngram_min, std::size_t char_ngram_max) {
            const auto t = strings(corpus, "corpus");
            const std::vector<std::string_view> v(t.begin(), t.end());
            pe::lsa_options o;
            o.rank = rank;
            o.oversample = oversample;
            o.power_iterations = power_iterations;
            o.seed = seed;
            o.features.dimension = dimension;
            o.features.char_ngram_min = char_ngram_min;
            o.features.char_ngram_max = char_ngram_max;
            py::gil_scoped_release release;
            return std::make_shared<pe::lsa_encoder>(pe::lsa_encoder::fit(v, o));
          },
          py::arg("corpus"), py::arg("rank") = 128, py::arg("oversample") = 10,
          py::arg("power_iterations") = 2, py::arg("seed") = 0, py::arg("dimension") = 1024,
          py::arg("char_ngram_min") = 3, py::arg("char_ngram_max") = 5)
      .def_static(
          "load",
          [](const fs_path& path) {
            return std::make_shared<pe::lsa_encoder>(pe::lsa_encoder::load(path));
          },
          py::arg("path"))
      .def(
          "save", [](const pe::lsa_encoder& e, const fs_path& path) { e.save(path); },
          py::arg("path"))
      .def_property_readonly("singular_values", &pe::lsa_encoder::singular_values);

  m.def(
      "cosine_similarity",
      [](const py::object& a, const py::object& b, unsigned threads) {
        const auto am = as_matrix(a, "a");
        const auto bm = as_matrix(b, "b");
        pe::row_matrix out;
        {
          py::gil_scoped_release release;
          out = pm::cosine_similarity(am, bm, threads);
        }
        return to_numpy(std::move(out));
      },
      py::arg("a"), py::arg("b"), py::arg("threads") = 1);

  m.def(
      "document_cosine",
      [](const py::object& summary, const py::object& sources, const std::string& agg,
         const py::object& offsets) {
        const auto off =
            offsets.is_none() ? std::vector<std::size_t>{} : as_offsets(offsets, "source_offsets");
        const auto r = pm::document_cosine(as_matrix(summary, "summary"),
                                           as_matrix(sources, "sources"), aggregation(agg), off);
        py::dict d;
        d["score"] = r.score;
        d["per_source"] = r.per_source;
        return d;
      },
      py::arg("summary"), py::arg("sources"), py::arg("aggregation") = "max",
      py::arg("source_offsets") = py::none());

  m.def(
      "align_sentences",
      [](const py::object& summary, const py::object& source, float coverage_threshold) {
        pm::alignment_options o;
        o.coverage_threshold = coverage_threshold;
        return to_dict(
            pm::align_sentences(as_matrix(summary, "summary"), as_matrix(source, "source"), o));
      },
      py::arg("summary"), py::arg("source"), py::arg("coverage_threshold") = 0.5F);

  m.def(
      "align_sentences_batch",
      [](const py::object& summaries, const py::object& summary_offsets, const py::object& sources,
         const py::object& source_offsets, float coverage_threshold, unsigned threads) {
        const auto sm = as_matrix(summaries, "summaries");
        const auto tm = as_matrix(sources, "sources");
        const auto so = as_offsets(summary_offsets, "summary_offsets");
        const auto to = as_offsets(source_offsets, "source_offsets");
        pm::alignment_options o;
        o.coverage_threshold = coverage_threshold;
        std::vector<pm::alignment_result> out;
        {
          py::gil_scoped_release release;
          out = pm::align_sentences_batch(sm, so, tm, to, o, threads);
        }
        py::list l;
        for (const auto& r : out) l.append(to_dict(r));
        return l;
      },
      py::arg("summaries"), py::arg("summary_offsets"), py::arg("sources"),
      py::arg("source_offsets"), py::arg("coverage_threshold") = 0.5F, py::arg("threads") = 1);

  m.def(
      "bertscore",
      [](const py::object& x, const py::object& y, const py::object& wx, const py::object& wy,
         const std::optional<std::vector<double>>& base) {
        const auto a = as_weights(wx, "summary_weights");
        const auto b = as_weights(wy, "source_weights");
        return to_dict(pm::bertscore(as_matrix(x, "summary_tokens"), as_matrix(y, "source_tokens"),
                                     a, b, baseline(base)));
      },
      py::arg("summary_tokens"), py::arg("source_tokens"), py::arg("summary_weights") = py::none(),
      py::arg("source_weights") = py::none(), py::arg("baseline") = py::none());

  m.def(
      "bertscore_batch",
      [](const py::object& x, const py::object& x_offsets, const py::object& y,
         const py::object& y_offsets, const py::object& wx, const py::object& wy,
         const std::optional<std::vector<double>>& base, unsigned threads) {
        const auto xm = as_matrix(x, "summary_tokens");
        const auto ym = as_matrix(y, "source_tokens");
        const auto xo = as_offsets(x_offsets, "summary_offsets");
        const auto yo = as_offsets(y_offsets, "source_offsets");
        const auto a = as_weights(wx, "summary_weights");
        const auto b = as_weights(wy, "source_weights");
        const auto bl = baseline(base);
        std::vector<pm::bertscore_result> out;
        {
          py::gil_scoped_release release;
          out = pm::bertscore_batch(xm, xo, ym, yo, a, b, bl, threads);
        }
        py::array_t<double> values({static_cast<py::ssize_t>(out.size()), py::ssize_t{3}});
        auto v = values.mutable_unchecked<2>();
        for (std::size_t i = 0; i < out.size(); ++i) {
          const auto r = static_cast<py::ssize_t>(i);
          v(r, 0) = out[i].f1;
          v(r, 1) = out[i].precision;
          v(r, 2) = out[i].recall;
        }
        return values;
      },
      py::arg("summary_tokens"), py::arg("summary_offsets"), py::arg("source_tokens"),
      py::arg("source_offsets"), py::arg("summary_weights") = py::none(),
      py::arg("source_weights") = py::none(), py::arg("baseline") = py::none(),
      py::arg("threads") = 1);

  m.def(
      "relaxed_wmd",
      [](const py::object& x, const py::object& y, const py::object& wx, const py::object& wy) {
        const auto a = as_weights(wx, "summary_weights");
        const auto b = as_weights(wy, "source_weights");
        const auto r =
            pm::relaxed_wmd(as_matrix(x, "summary_words"), as_matrix(y, "source_words"), a, b);
        py::dict d;
        d["distance"] = r.distance;
        d["summary_to_source"] = r.summary_to_source;
        d["source_to_summary"] = r.source_to_summary;
        return d;
      },
      py::arg("summary_words"), py::arg("source_words"), py::arg("summary_weights") = py::none(),
      py::arg("source_weights") = py::none());

  py::class_<pm::embedding_scorer>(m, "EmbeddingScorer")
      .def(py::init([](std::shared_ptr<pe::encoder> enc, const py::object& sources,
                       const std::string& agg, std::size_t chunk_sentences,
                       std::size_t chunk_stride, float coverage_threshold, bool idf,
                       const std::optional<std::vector<double>>& base, std::size_t batch_size,
                       bool contextual_tokens) {
             const auto s = strings(sources, "sources");
             const auto o = embedding_options(agg, chunk_sentences, chunk_stride,
                                              coverage_threshold, idf, base, batch_size,
                                              contextual_tokens);
             py::gil_scoped_release release;
             return pm::embedding_scorer(std::move(enc), s, o);
           }),
           py::arg("encoder"), py::arg("sources"), py::arg("aggregation") = "max",
           py::arg("chunk_sentences") = 0, py::arg("chunk_stride") = 0,
           py::arg("coverage_threshold") = 0.5F, py::arg("idf") = true,
           py::arg("baseline") = py::none(), py::arg("batch_size") = 256,
           py::arg("contextual_tokens") = true)
      .def(
          "score",
          [](const pm::embedding_scorer& s, const py::object& text) {
            const std::string summary = utf8_of(text, "summary");
            pm::embedding_result r;
            {
              py::gil_scoped_release release;
              r = s.score(summary);
            }
            return to_dict(r);
          },
          py::arg("summary"))
      .def(
          "score_batch",
          [](const pm::embedding_scorer& s, const py::object& summaries, unsigned threads) {
            const auto t = strings(summaries, "summaries");
            std::vector<pm::embedding_record_result> out;
            {
              py::gil_scoped_release release;
              out = s.score_batch(t, threads);
            }
            py::list l;
            for (const auto& r : out)
              l.append(r.result ? py::object(to_dict(*r.result)) : py::str(r.error));
            return l;
          },
          py::arg("summaries"), py::arg("threads") = 1);

  m.def(
      "embedding_batch",
      [](std::shared_ptr<pe::encoder> enc, const py::object& summaries, const py::object& sources,
         const std::string& agg, std::size_t chunk_sentences, std::size_t chunk_stride,
         float coverage_threshold, bool idf, const std::optional<std::vector<double>>& base,
         std::size_t batch_size, unsigned threads, bool contextual_tokens) {
        const auto t = strings(summaries, "summaries");
        std::vector<std::vector<std::string>> s;
        for (const auto& item : sources.cast<py::sequence>()) {
          s.push_back(py::isinstance<py::str>(item)
                          ? std::vector<std::string>{item.cast<std::string>()}
                          : strings(item, "sources[i]"));
        }
        const auto o = embedding_options(agg, chunk_sentences, chunk_stride, coverage_threshold,
                                         idf, base, batch_size, contextual_tokens);
        std::vector<pm::embedding_record_result> out;
        {
          py::gil_scoped_release release;
          out = pm::embedding_batch(std::move(enc), t, s, o, threads);
        }
        const auto n = static_cast<py::ssize_t>(out.size());
        py::array_t<double> values({n, static_cast<py::ssize_t>(7)});
        auto v = values.mutable_unchecked<2>();
        py::list errors;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        for (py::ssize_t i = 0; i < n; ++i) {
          const auto& r = out[static_cast<std::size_t>(i)];
          const double row[7] = {r.result ? r.result->document.score : nan,
                                 r.result ? r.result->alignment.score : nan,
                                 r.result ? r.result->alignment.coverage : nan,
                                 r.result ? r.result->alignment.min_support : nan,
                                 r.result ? r.result->bertscore.f1 : nan,
                                 r.result ? r.result->bertscore.precision : nan,
                                 r.result ? r.result->bertscore.recall : nan};
          for (py::ssize_t k = 0; k < 7; ++k) v(i, k) = row[k];
          errors.append(r.result ? py::object(py::none()) : py::object(py::str(r.error)));
        }
        return py::make_tuple(values, errors);
      },
      py::arg("encoder"), py::arg("summaries"), py::arg("sources"), py::arg("aggregation") = "max",
      py::arg("chunk_sentences") = 0, py::arg("chunk_stride") = 0,
      py::arg("coverage_threshold") = 0.5F, py::arg("idf") = true, py::arg("baseline") = py::none(),
      py::arg("batch_size") = 256, py::arg("threads") = 1, py::arg("contextual_tokens") = true);
}

}  // namespace precis_python
