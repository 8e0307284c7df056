// Correlations and bootstrap intervals (include/precis/stats/): float64 and int64 numpy arrays in,
// numbers and dicts out. The Python layer (precis/stats.py) turns labels into group codes.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>

#include "bindings.hpp"
#include "precis/stats/bootstrap.hpp"
#include "precis/stats/correlation.hpp"

namespace py = pybind11;
namespace ps = precis::stats;

namespace {

using doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
using codes = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

std::span<const double> view(const doubles& a, const char* name) {
  if (a.ndim() != 1) {
    precis::raise("invalid_argument", std::string(name) + " must be one-dimensional");
  }
  return {a.data(), static_cast<std::size_t>(a.shape(0))};
}

ps::grouping groups_of(const codes& keys, std::size_t n, const char* name) {
  if (keys.ndim() != 1 || static_cast<std::size_t>(keys.shape(0)) != n) {
    precis::raise("invalid_argument", std::string(name) + " must give one group per value (" +
                                          std::to_string(n) + ")");
  }
  return ps::grouping::of({keys.data(), n});
}

py::dict interval_dict(const ps::interval& i) {
  py::dict d;
  d["estimate"] = i.estimate;
  d["low"] = i.low;
  d["high"] = i.high;
  d["resamples_used"] = i.resamples_used;
  return d;
}

py::dict paired_dict(const ps::paired_result& r) {
  py::dict d = interval_dict(r.difference);
  d["p_value"] = r.p_value;
  return d;
}

ps::bootstrap_options options(std::size_t resamples, double confidence, std::uint64_t seed) {
  return {resamples, confidence, seed};
}

}  // namespace

namespace precis_python {

void bind_stats(py::module_& m) {
  m.def("average_ranks", [](const doubles& x) {
    const auto ranks = ps::average_ranks(view(x, "x"));
    py::array_t<double> out(static_cast<py::ssize_t>(ranks.size()));
    std::copy(ranks.begin(), ranks.end(), out.mutable_data());
    return out;
  });
  m.def("correlation", [](const doubles& x, const doubles& y, const std::string& method) {
    return ps::correlate(ps::parse_method(method), view(x, "x"), view(y, "y"));
  });
  m.def("summary_level", [](const doubles& x, const doubles& y, const codes& documents,
                            const std::string& method) {
    const auto xs = view(x, "x"), ys = view(y, "y");
    const auto r = ps::summary_level(ps::parse_method(method), xs, ys,
                                     groups_of(documents, xs.size(), "documents"));
    py::dict d;
    d["value"] = r.value;
    d["documents_used"] = r.groups_used;
    d["documents_skipped"] = r.groups_skipped;
    return d;
  });
  m.def("system_level", [](const doubles& x, const doubles& y, const codes& systems,
                           const std::string& method) {
    const auto xs = view(x, "x"), ys = view(y, "y");
    return ps::system_level(ps::parse_method(method), xs, ys,
                            groups_of(systems, xs.size(), "systems"));
  });
  m.def("summary_level_interval",
        [](const doubles& x, const doubles& y, const codes& documents, const std::string& method,
           std::size_t resamples, double confidence, std::uint64_t seed) {
          const auto xs = view(x, "metric"), ys = view(y, "human");
          const auto g = groups_of(documents, xs.size(), "documents");
          const auto how = ps::parse_method(method);
          ps::interval r;
          {
            py::gil_scoped_release release;
            r = ps::summary_level_interval(how, xs, ys, g, options(resamples, confidence, seed));
          }
          return interval_dict(r);
        });
  m.def("compare_correlations",
        [](const doubles& a, const doubles& b, const doubles& human, const codes& documents,
           const std::string& method, std::size_t resamples, double confidence,
           std::uint64_t seed) {
          const auto as = view(a, "metric_a"), bs = view(b, "metric_b"), hs = view(human, "human");
          const auto g = groups_of(documents, hs.size(), "documents");
          const auto how = ps::parse_method(method);
          ps::paired_result r;
          {
            py::gil_scoped_release release;
            r = ps::compare_correlations(how, as, bs, hs, g, options(resamples, confidence, seed));
          }
          return paired_dict(r);
        });
  m.def("compare_means", [](const doubles& a, const doubles& b, std::size_t resamples,
                            double confidence, std::uint64_t seed) {
    return paired_dict(ps::compare_means(view(a, "a"), view(b, "b"),
                                         options(resamples, confidence, seed)));
  });
}

}  // namespace precis_python
