// Instructions per scored summary, for comparing versions on a noisy machine: scores the 1,024
// summaries of citation_data.hpp once to warm up, then once more inside `measured_pass`; run under
// callgrind, which counts only that pass:
//
//   valgrind --tool=callgrind --toggle-collect='*measured_pass*' build/benchmarks/citations_callgrind
//
// and divide "Collected" by 1,024. The program prints the sum of the scores, which must not
// change with an optimization.

#include <cstdio>
#include <memory>
#include <vector>

#include "citation_data.hpp"
#include "precis/metrics/citations.hpp"

namespace {

using scorers = std::vector<std::unique_ptr<precis::metrics::citation_scorer>>;

__attribute__((noinline)) double pass(const scorers& s) {
  const auto& d = precis_bench::data();
  double sum = 0.0;
  for (std::size_t i = 0; i < d.summaries.size(); ++i) {
    sum += s[i / precis_bench::k_summaries_per_set]->score(d.summaries[i]).score;
  }
  return sum;
}

__attribute__((noinline)) double measured_pass(const scorers& s) { return pass(s); }

}  // namespace

int main() {
  const auto& d = precis_bench::data();
  scorers s;
  for (const auto& sources : d.sources) {
    s.push_back(std::make_unique<precis::metrics::citation_scorer>(sources));
  }
  const double warm = pass(s);
  const double measured = measured_pass(s);
  std::printf("%zu summaries; sum of scores %.6f (warm-up %.6f)\n", d.summaries.size(), measured,
              warm);
  return warm == measured ? 0 : 1;
}
