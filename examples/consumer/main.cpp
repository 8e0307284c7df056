// Built against an installed precis with find_package(precis): scores one summary with the
// cached ROUGE scorer, BLEU and chrF, and checks a value computed by hand.
#include <precis/precis.hpp>

#include <cmath>
#include <cstdio>

int main() {
  const char* reference = "the cat is on the mat";
  const char* summary = "the cat sat on the mat";
  precis::metrics::rouge_options options;
  options.use_stemmer = true;
  const precis::metrics::rouge_scorer scorer(reference, options);
  const auto rouge = scorer.score(summary);
  const auto bleu = precis::metrics::bleu(summary, reference);
  const auto chrf = precis::metrics::chrf(summary, reference);
  std::printf("precis %s: rouge1 %.4f rougeLsum %.4f bleu %.4f chrf %.4f\n", precis::version(),
              rouge["rouge1"].f1, rouge["rougeLsum"].f1, bleu.score, chrf.score);
  // 5 of 6 unigrams shared: P = R = F1 = 5/6.
  return std::fabs(rouge["rouge1"].f1 - 5.0 / 6.0) < 1e-12 ? 0 : 1;
}
