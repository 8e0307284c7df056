// The `precis` command. `precis score FILE.jsonl` reads records, scores them with the batch
// engine (precis/score.hpp), writes one JSON line per input line (malformed lines included, with
// their error) and prints a summary table. Exit status: 0 when every line scored, 3 when some
// line or record failed (all are still reported), 2 for a usage error. See docs/cli.md.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "precis/error.hpp"
#include "precis/io/jsonl.hpp"
#include "precis/score.hpp"
#include "precis/version.hpp"

namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Mean, min and max of a column over the records that scored.
struct column_summary {
  std::size_t n = 0;
  double mean = 0, min = 0, max = 0;
};

column_summary summarize(const precis::score_table& table, std::size_t column) {
  column_summary s;
  double sum = 0;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    const double v = table.at(r, column);
    if (std::isnan(v)) continue;
    if (s.n == 0 || v < s.min) s.min = v;
    if (s.n == 0 || v > s.max) s.max = v;
    sum += v;
    ++s.n;
  }
  if (s.n > 0) s.mean = sum / static_cast<double>(s.n);
  return s;
}

void print_table(std::FILE* out, const precis::score_table& table, std::size_t lines_failed) {
  std::fprintf(out, "%-24s %8s %8s %8s %8s %8s\n", "metric", "n", "mean", "min", "max", "corpus");
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    // Headline columns only (and the citation ratios); precision, recall and counts are in the
    // JSONL output.
    static const std::vector<std::string> citation_ratios = [] {
      auto names = precis::metrics::citation_columns();
      names.resize(10);  // the ratios come first, then the counts
      return names;
    }();
    const auto& name = table.columns[c];
    if (name.find('_') != std::string::npos &&
        std::find(citation_ratios.begin(), citation_ratios.end(), name) == citation_ratios.end())
      continue;
    const auto s = summarize(table, c);
    const auto it = std::find_if(table.corpus.begin(), table.corpus.end(),
                                 [&](const auto& kv) { return kv.first == table.columns[c]; });
    char corpus[32] = "";
    if (it != table.corpus.end()) std::snprintf(corpus, sizeof corpus, "%8.4f", it->second);
    std::fprintf(out, "%-24s %8zu %8.4f %8.4f %8.4f %8s\n", table.columns[c].c_str(), s.n, s.mean,
                 s.min, s.max, corpus);
  }
  std::fprintf(out, "%zu records scored, %zu failed, %zu malformed lines (scores on 0..1)\n",
               table.rows() - table.failed(), table.failed(), lines_failed);
}

int run_score(const std::string& path, const std::string& output, precis::io::jsonl_fields fields,
              precis::score_options options, unsigned threads, bool quiet) {
  const auto input = precis::io::read_jsonl_file(path, fields);
  options.record_label = "line";
  options.record_numbers = input.lines;
  const auto table = precis::score_records(input.records, options, threads);

  // Merge scored records and malformed lines back into file order.
  std::vector<std::pair<std::size_t, nlohmann::ordered_json>> rows;
  for (std::size_t i = 0; i < table.rows(); ++i) {
    nlohmann::ordered_json row;
    row["line"] = input.lines[i];
    row["id"] = table.ids[i];
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const double v = table.at(i, c);
      row[table.columns[c]] = std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
    }
    row["error"] = table.errors[i].empty() ? nlohmann::ordered_json(nullptr)
                                           : nlohmann::ordered_json(table.errors[i]);
    rows.emplace_back(input.lines[i], std::move(row));
  }
  for (const auto& e : input.errors) {
    nlohmann::ordered_json row;
    row["line"] = e.line;
    row["id"] = nullptr;
    row["error"] = e.message;
    rows.emplace_back(e.line, std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!output.empty() && output != "-") {
    file.open(output, std::ios::binary);
    if (!file) precis::raise("io_error", "cannot write '" + output + "'");
    out = &file;
  }
  for (const auto& [line, row] : rows) *out << row.dump() << '\n';
  out->flush();

  for (const auto& e : input.errors) std::fprintf(stderr, "%s\n", e.message.c_str());
  for (const auto& e : table.errors) {
    if (!e.empty()) std::fprintf(stderr, "%s\n", e.c_str());
  }
  if (!quiet) print_table(out == &std::cout ? stderr : stdout, table, input.errors.size());
  return input.errors.empty() && table.failed() == 0 ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"precis: scores LLM-written summaries against their sources and references"};
  app.set_version_flag("--version", std::string(precis::version()));
  app.require_subcommand(1);

  auto* score = app.add_subcommand("score", "Score the records of a JSONL file");
  std::string path, output, metrics = "rouge1,rouge2,rougeL,rougeLsum,bleu,chrf";
  precis::io::jsonl_fields fields;
  precis::score_options options;
  std::string rouge_tokenizer = "unicode", bleu_tokenizer = "13a";
  bool stem = false, lowercase = false, quiet = false;
  unsigned threads = 0;
  score->add_option("file", path, "JSONL file, one record per line")->required()->check(CLI::ExistingFile);
  score->add_option("-o,--output", output, "where to write one JSON line per input line (- for stdout)");
  score->add_option("-m,--metrics", metrics, "comma-separated metrics")->capture_default_str();
  score->add_option("--summary-field", fields.summary, "field of the summary")->capture_default_str();
  score->add_option("--references-field", fields.references, "field of the reference(s)")->capture_default_str();
  score->add_option("--source-field", fields.sources, "field of the source(s)")->capture_default_str();
  score->add_option("--id-field", fields.id, "field of the record id")->capture_default_str();
  score->add_option("--rouge-tokenizer", rouge_tokenizer, "unicode or rouge_score")
      ->check(CLI::IsMember({"unicode", "rouge_score"}))->capture_default_str();
  score->add_flag("--stem", stem, "stem tokens for ROUGE (NLTK Porter)");
  score->add_option("--bleu-tokenize", bleu_tokenizer, "sacrebleu tokenizer: 13a, none, zh, char, intl")
      ->capture_default_str();
  score->add_flag("--lowercase", lowercase, "lowercase before BLEU and chrF");
  score->add_option("-j,--threads", threads, "threads (0 = all cores)")->capture_default_str();
  score->add_flag("-q,--quiet", quiet, "do not print the summary table");

  CLI11_PARSE(app, argc, argv);
  try {
    options.metrics = split_list(metrics);
    options.rouge.tokenizer = rouge_tokenizer == "rouge_score"
                                  ? precis::metrics::rouge_tokenizer::rouge_score
                                  : precis::metrics::rouge_tokenizer::unicode;
    options.rouge.use_stemmer = stem;
    options.bleu.tokenizer = precis::metrics::parse_sacrebleu_tokenizer(bleu_tokenizer);
    options.bleu.lowercase = lowercase;
    options.chrf.lowercase = lowercase;
    return run_score(path, output, fields, options, threads, quiet);
  } catch (const precis::error& e) {
    std::fprintf(stderr, "precis: %s\n", e.what());
    return 2;
  }
}
