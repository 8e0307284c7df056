#pragma once
// Declarations of the binding functions defined in bind_<area>.cpp files. module.cpp calls each
// from PYBIND11_MODULE(_core, m). Add one line per new file.
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "precis/metrics/grounded_types.hpp"
#include "precis/record.hpp"
#include "precis/text/analyzed_text.hpp"

namespace precis_python {
// Conversions shared by the bind_<area>.cpp files (convert.cpp).

/// A Python str as UTF-8 bytes. Lone surrogates are kept ("surrogatepass") so that they reach
/// precis' UTF-8 check and come back as an invalid_utf8 error with their record, field and byte
/// offset instead of a UnicodeEncodeError. Precondition: `str` is a str.
std::string encode_utf8(const pybind11::handle& str);
/// The name of `value`'s type, for messages.
std::string type_name(const pybind11::handle& value);
/// `encode_utf8(value)`; anything but a str raises `[precis.invalid_argument] field '<field>'
/// must be a string, not <type>`.
std::string utf8_of(const pybind11::handle& value, const std::string& field);
/// Sources: None (none), a str (id "1"), a dict {id: text}, or a list of str (ids "1", "2", ...),
/// {"id", "text"} dicts or (id, text) pairs. Errors name `field` and the item.
std::vector<precis::source_doc> sources_of(const pybind11::handle& value,
                                           const std::string& field);
/// `stemmer=` of the source-grounded and citation metrics: "porter" (NLTK-identical),
/// "snowball" or "none"; anything else raises `[precis.invalid_argument]`.
precis::text::stemmer_kind stemmer_of(const std::string& name);

/// "max" or "mix": how a learned support signal joins the lexical one; else invalid_argument.
precis::metrics::support_combination combination_of(const std::string& name);


void bind_grounded(pybind11::module_& m);  // bind_grounded.cpp
void bind_embed(pybind11::module_& m);  // bind_embed.cpp
void bind_structured(pybind11::module_& m);  // bind_structured.cpp
void bind_citations(pybind11::module_& m);  // bind_citations.cpp
void bind_stats(pybind11::module_& m);  // bind_stats.cpp
void bind_compat(pybind11::module_& m);  // bind_compat.cpp
void bind_encoder(pybind11::module_& m);  // bind_encoder.cpp
void bind_judge(pybind11::module_& m);  // bind_judge.cpp
}  // namespace precis_python
