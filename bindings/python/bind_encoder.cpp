// Python bindings of the BERT encoder, its WordPiece tokenizer and the cross-encoder
// (precis/embed/bert.hpp, wordpiece.hpp). Thin: lists of str become UTF-8 strings, batch calls
// release the GIL; the pure-Python helpers (finding the installed model) are in precis/encoder.py.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "precis/embed/bert.hpp"
#include "precis/embed/encoder.hpp"
#include "precis/embed/wordpiece.hpp"
#include "precis/error.hpp"

namespace py = pybind11;
namespace pe = precis::embed;

namespace {

py::array_t<float> matrix_to_numpy(pe::row_matrix m) {
  auto* owner = new pe::row_matrix(std::move(m));
  py::capsule free_when_done(owner, [](void* p) { delete static_cast<pe::row_matrix*>(p); });
  return py::array_t<float>({owner->rows(), owner->cols()},
                            {owner->cols() * static_cast<Eigen::Index>(sizeof(float)),
                             static_cast<Eigen::Index>(sizeof(float))},
                            owner->data(), free_when_done);
}

std::vector<std::string> text_list(const py::handle& seq, const char* name) {
  if (py::isinstance<py::str>(seq) || !py::isinstance<py::sequence>(seq)) {
    throw py::type_error(std::string(name) + " must be a list of str, not " +
                         precis_python::type_name(seq));
  }
  const auto s = py::reinterpret_borrow<py::sequence>(seq);
  std::vector<std::string> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const py::object item = s[i];
    if (!py::isinstance<py::str>(item)) {
      throw py::type_error(std::string(name) + "[" + std::to_string(i) + "] must be a str, not " +
                           precis_python::type_name(item));
    }
    out.push_back(precis_python::encode_utf8(item));
  }
  return out;
}

}  // namespace

namespace precis_python {

void bind_encoder(py::module_& m) {
  py::class_<pe::wordpiece_tokenizer, std::shared_ptr<pe::wordpiece_tokenizer>>(
      m, "WordpieceTokenizer")
      .def(py::init([](const std::string& folder) {
             return std::make_shared<pe::wordpiece_tokenizer>(
                 pe::wordpiece_tokenizer::from_folder(folder));
           }),
           py::arg("folder"))
      .def(
          "tokenize",
          [](const pe::wordpiece_tokenizer& t, const py::object& text) {
            return t.tokenize(utf8_of(text, "text"));
          },
          py::arg("text"))
      .def(
          "encode",
          [](const pe::wordpiece_tokenizer& t, const py::object& text, std::size_t max_length) {
            return t.encode(utf8_of(text, "text"), max_length).ids;
          },
          py::arg("text"), py::arg("max_length") = 512)
      .def(
          "encode_batch",
          [](const pe::wordpiece_tokenizer& t, const py::object& texts, std::size_t max_length) {
            const auto v = text_list(texts, "texts");
            std::vector<std::vector<std::int32_t>> out(v.size());
            {
              py::gil_scoped_release release;
              for (std::size_t i = 0; i < v.size(); ++i) out[i] = t.encode(v[i], max_length).ids;
            }
            return out;
          },
          py::arg("texts"), py::arg("max_length") = 512)
      .def(
          "encode_pair",
          [](const pe::wordpiece_tokenizer& t, const py::object& a, const py::object& b,
             std::size_t max_length) {
            auto r = t.encode_pair(utf8_of(a, "a"), utf8_of(b, "b"), max_length);
            return py::make_tuple(r.ids, r.type_ids);
          },
          py::arg("a"), py::arg("b"), py::arg("max_length") = 512)
      .def("token_to_id", &pe::wordpiece_tokenizer::token_to_id, py::arg("token"))
      .def("id_to_token", &pe::wordpiece_tokenizer::id_to_token, py::arg("id"))
      .def_property_readonly("vocab_size", &pe::wordpiece_tokenizer::vocab_size);

  py::class_<pe::bert_encoder, pe::encoder, std::shared_ptr<pe::bert_encoder>>(m, "BertEncoder")
      .def(py::init([](const std::string& folder, std::size_t max_seq_length, unsigned threads,
                       std::size_t batch_tokens, const std::string& name,
                       const std::string& long_texts) {
             pe::bert_encoder_options o;
             if (long_texts == "chunk") {
               o.long_texts = pe::long_text_mode::chunk;
             } else if (long_texts != "truncate") {
               throw precis::error("invalid_argument",
                                   "long_texts must be 'truncate' or 'chunk', not '" +
                                       long_texts + "'");
             }
             o.max_seq_length = max_seq_length;
             o.threads = threads;
             o.batch_tokens = batch_tokens;
             o.name = name;
             py::gil_scoped_release release;
             return std::make_shared<pe::bert_encoder>(folder, o);
           }),
           py::arg("folder"), py::arg("max_seq_length") = 0, py::arg("threads") = 1,
           py::arg("batch_tokens") = 4096, py::arg("name") = "",
           py::arg("long_texts") = "truncate")
      .def(
          "encode",
          [](const pe::bert_encoder& e, const py::object& texts, py::object threads) {
            const auto t = text_list(texts, "texts");
            const std::vector<std::string_view> views(t.begin(), t.end());
            const unsigned n = threads.is_none() ? e.options().threads : threads.cast<unsigned>();
            pe::row_matrix out;
            {
              py::gil_scoped_release release;
              out = e.encode(views, n);
            }
            return matrix_to_numpy(std::move(out));
          },
          py::arg("texts"), py::arg("threads") = py::none())
      .def(
          "token_embeddings",
          [](const pe::bert_encoder& e, const py::object& text) {
            const std::string t = utf8_of(text, "text");
            std::vector<std::string> tokens;
            pe::row_matrix out;
            {
              py::gil_scoped_release release;
              out = e.token_embeddings(t, &tokens);
            }
            return py::make_tuple(tokens, matrix_to_numpy(std::move(out)));
          },
          py::arg("text"))
      .def(
          "token_ids",
          [](const pe::bert_encoder& e, const py::object& text) {
            return e.token_ids(utf8_of(text, "text"));
          },
          py::arg("text"))
      .def_property_readonly("tokenizer",
                             [](const pe::bert_encoder& e) {
                               return std::const_pointer_cast<pe::wordpiece_tokenizer>(
                                   e.shared_tokenizer());
                             })
      .def_property_readonly("name", &pe::bert_encoder::name)
      .def_property_readonly("long_texts",
                             [](const pe::bert_encoder& e) {
                               return e.options().long_texts == pe::long_text_mode::chunk
                                          ? "chunk"
                                          : "truncate";
                             })
      .def_property_readonly("max_seq_length", &pe::bert_encoder::max_seq_length)
      .def_property_readonly("normalize", &pe::bert_encoder::normalize)
      .def_property_readonly("pooling",
                             [](const pe::bert_encoder& e) { return e.pooling().name(); })
      .def_property_readonly("threads",
                             [](const pe::bert_encoder& e) { return e.options().threads; })
      .def_property_readonly_static(
          "kernel", [](const py::object&) { return std::string(pe::bert_model::kernel_isa()); });

  py::class_<pe::bert_cross_encoder, std::shared_ptr<pe::bert_cross_encoder>>(m,
                                                                               "BertCrossEncoder")
      .def(py::init([](const std::string& folder, std::size_t max_length, unsigned threads,
                       std::size_t batch_tokens) {
             pe::cross_encoder_options o;
             o.max_length = max_length;
             o.threads = threads;
             o.batch_tokens = batch_tokens;
             py::gil_scoped_release release;
             return std::make_shared<pe::bert_cross_encoder>(folder, o);
           }),
           py::arg("folder"), py::arg("max_length") = 0, py::arg("threads") = 1,
           py::arg("batch_tokens") = 4096)
      .def(
          "predict",
          [](const pe::bert_cross_encoder& c, const py::object& pairs) {
            if (!py::isinstance<py::sequence>(pairs) || py::isinstance<py::str>(pairs)) {
              throw py::type_error("pairs must be a list of (str, str)");
            }
            const auto seq = py::reinterpret_borrow<py::sequence>(pairs);
            std::vector<std::string> a, b;
            for (std::size_t i = 0; i < seq.size(); ++i) {
              const py::object item = seq[i];
              if (!py::isinstance<py::sequence>(item) || py::isinstance<py::str>(item) ||
                  py::len(item) != 2) {
                throw py::type_error("pairs[" + std::to_string(i) + "] must be a (str, str) pair");
              }
              a.push_back(utf8_of(item[py::int_(0)], "pairs[" + std::to_string(i) + "][0]"));
              b.push_back(utf8_of(item[py::int_(1)], "pairs[" + std::to_string(i) + "][1]"));
            }
            std::vector<std::pair<std::string_view, std::string_view>> views;
            for (std::size_t i = 0; i < a.size(); ++i) views.emplace_back(a[i], b[i]);
            pe::row_matrix out;
            {
              py::gil_scoped_release release;
              out = c.predict(views);
            }
            return matrix_to_numpy(std::move(out));
          },
          py::arg("pairs"))
      .def_property_readonly("labels", &pe::bert_cross_encoder::labels)
      .def_property_readonly("id", &pe::bert_cross_encoder::id)
      .def_property_readonly("max_length", &pe::bert_cross_encoder::max_length);
}

}  // namespace precis_python
