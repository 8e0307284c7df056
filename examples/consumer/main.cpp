// Built against an installed precis with find_package(precis): scores one summary with the
// cached ROUGE scorer, BLEU and chrF, judges its citations with an LLM judge whose model is a
// function of our own, and checks values computed by hand.
#include <precis/precis.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

// The citation support judge as the citation metrics' judge (docs/judge/cpp.md). The model is a
// stand-in function that answers as a model would; a real program calls its endpoint here.
double judged_citation_score() {
  namespace pj = precis::judge;
  const pj::chat_function model = [](const pj::chat_request& request) {
    const std::string& prompt = request.messages.back().content;  // evidence, then the claim
    const auto claim_at = prompt.find("\nClaim: ");
    const bool year_cited = prompt.rfind("1932", claim_at) != std::string::npos;
    const bool year_claimed = prompt.find("1932", claim_at) != std::string::npos;
    return pj::chat_reply{year_cited && year_claimed
                              ? R"({"verdict": "supported", "rationale": "The year is cited."})"
                              : R"({"verdict": "not_supported", "rationale": "Not cited."})"};
  };
  const std::vector<precis::source_doc> sources{{"doc1", "The bridge opened in 1932."},
                                                {"doc2", "It is 503 metres long."}};
  precis::metrics::citation_options options;
  options.judge = precis::metrics::support_judge::custom;
  options.support_fn = pj::support_function(pj::citation_support_judge(model), sources);
  const precis::metrics::citation_scorer scorer(sources, options);
  return scorer.score("The bridge opened in 1932 [1]. It is painted red [2].").score;
}

}  // namespace

int main() {
  const char* reference = "the cat is on the mat";
  const char* summary = "the cat sat on the mat";
  precis::metrics::rouge_options options;
  options.use_stemmer = true;
  const precis::metrics::rouge_scorer scorer(reference, options);
  const auto rouge = scorer.score(summary);
  const auto bleu = precis::metrics::bleu(summary, reference);
  const auto chrf = precis::metrics::chrf(summary, reference);
  const double citation = judged_citation_score();
  std::printf("precis %s: rouge1 %.4f rougeLsum %.4f bleu %.4f chrf %.4f judged citations %.4f\n",
              precis::version(), rouge["rouge1"].f1, rouge["rougeLsum"].f1, bleu.score, chrf.score,
              citation);
  // 5 of 6 unigrams shared: P = R = F1 = 5/6. One of the two claims is supported: 1/2.
  return std::fabs(rouge["rouge1"].f1 - 5.0 / 6.0) < 1e-12 && citation == 0.5 ? 0 : 1;
}
