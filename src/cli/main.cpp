// The `precis` command. `precis score FILE.jsonl` reads records, scores them with the batch
// engine (precis/score.hpp), writes one JSON line per input line (malformed lines included, with
// their error) and prints a summary table. Exit status (docs/cli.md): 0 when every line scored,
// 3 when some line or record failed (all are still reported), 2 for a usage error, 4 for an I/O
// error (input unreadable, output not written), 128 + signal number when stopped by SIGINT (130)
// or SIGTERM (143).
//
// Output is atomic: the lines go to a temporary file in the output's folder, which is renamed
// over the output only once every write, flush and fsync succeeded; on an error or a signal the
// temporary file is removed and an existing output is left as it was.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "precis/error.hpp"
#include "precis/io/jsonl.hpp"
#include "precis/score.hpp"
#include "precis/version.hpp"

namespace {

constexpr int exit_usage = 2;
constexpr int exit_failed_records = 3;
constexpr int exit_io = 4;

// ---- signals ----------------------------------------------------------------------------------
// SIGINT/SIGTERM may arrive while the batch engine's threads are scoring, so the handler cannot
// wait for a safe point: it removes the temporary output file (unlink is async-signal-safe),
// says how far the run got with write(2), and ends the process with _exit(128 + signal). Only
// lock-free atomics and a fixed buffer are read in the handler.

enum class stage : int { reading, scoring, writing, done };
std::atomic<int> g_stage{static_cast<int>(stage::reading)};
std::atomic<std::size_t> g_lines_total{0};
std::atomic<std::size_t> g_lines_written{0};
std::atomic<bool> g_have_temp{false};
char g_temp_path[4096];
char g_output_name[1024];

void put(const char* s) {
  std::size_t n = std::strlen(s);
  while (n > 0) {
    const ssize_t w = ::write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

void put_number(std::size_t v) {
  char buf[32];
  char* p = buf + sizeof buf;
  *--p = '\0';
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  put(p);
}

void on_signal(int sig) {
  if (g_have_temp.exchange(false)) ::unlink(g_temp_path);
  put("precis: stopped by ");
  put(sig == SIGINT ? "SIGINT" : "SIGTERM");
  switch (static_cast<stage>(g_stage.load())) {
    case stage::reading:
      put(" while reading the input");
      break;
    case stage::scoring:
      put(" while scoring ");
      put_number(g_lines_total.load());
      put(" lines");
      break;
    case stage::writing:
      put(" after writing ");
      put_number(g_lines_written.load());
      put(" of ");
      put_number(g_lines_total.load());
      put(" lines");
      break;
    case stage::done:
      put(" after the output was complete");
      break;
  }
  if (g_output_name[0] != '\0' && static_cast<stage>(g_stage.load()) != stage::done) {
    put("; '");
    put(g_output_name);
    put("' was not changed");
  }
  put("\n");
  ::_exit(128 + sig);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// ---- output -----------------------------------------------------------------------------------

[[noreturn]] void write_failed(const std::string& name, int err) {
  precis::raise("io_error", "cannot write '" + name + "': " + std::strerror(err));
}

// Writes all of `data` to `fd`, or raises naming `name`.
void write_all(int fd, std::string_view data, const std::string& name) {
  while (!data.empty()) {
    const ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) write_failed(name, w < 0 ? errno : EIO);
    data.remove_prefix(static_cast<std::size_t>(w));
  }
}

// Where the lines go: stdout, a device or FIFO written in place, or a temporary file in the
// output's folder that `commit` renames over the output.
class output_file {
 public:
  explicit output_file(const std::string& path) : name_(path) {
    if (path.empty() || path == "-") {
      fd_ = STDOUT_FILENO;
      name_ = "<stdout>";
      return;
    }
    std::snprintf(g_output_name, sizeof g_output_name, "%s", path.c_str());
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path target = path;
    if (fs::is_symlink(target, ec)) {  // replace the file the link points to, not the link
      const fs::path resolved = fs::canonical(target, ec);
      if (!ec) target = resolved;
    }
    const auto status = fs::status(target, ec);
    if (fs::is_directory(status)) {
      precis::raise("io_error", "cannot write '" + path + "': is a directory");
    }
    if (fs::exists(status) && !fs::is_regular_file(status)) {
      // A device or FIFO (/dev/null, /dev/full, a pipe): nothing to replace atomically.
      fd_ = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0) write_failed(path, errno);
      owned_ = true;
      return;
    }
    target_ = target;
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    temp_ = (dir / ("." + target.filename().string() + ".precis-XXXXXX")).string();
    if (temp_.size() >= sizeof g_temp_path) write_failed(path, ENAMETOOLONG);
    std::vector<char> name(temp_.begin(), temp_.end());
    name.push_back('\0');
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) write_failed(path, errno);
    temp_.assign(name.data());
    owned_ = true;
    std::snprintf(g_temp_path, sizeof g_temp_path, "%s", temp_.c_str());
    g_have_temp = true;
    // mkstemp makes the file 0600; give it the mode the output would get (or already has).
    struct stat st {};
    mode_t mode = 0;
    if (::stat(target.c_str(), &st) == 0) {
      mode = st.st_mode & 07777;
    } else {
      const mode_t mask = ::umask(0);
      ::umask(mask);
      mode = static_cast<mode_t>(0666 & ~mask);
    }
    ::fchmod(fd_, mode);
  }
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  ~output_file() {
    if (owned_ && fd_ >= 0) ::close(fd_);
    discard();
  }

  void write(std::string_view data) { write_all(fd_, data, name_); }

  // Flushes to disk and renames the temporary file over the output.
  void commit() {
    if (!temp_.empty()) {
      if (::fsync(fd_) != 0) write_failed(name_, errno);
    }
    if (owned_) {
      const int rc = ::close(fd_);
      fd_ = -1;
      if (rc != 0) write_failed(name_, errno);
    } else if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) {
      write_failed(name_, errno);  // stdout on a file: a deferred write error shows up here
    }
    if (!temp_.empty()) {
      if (::rename(temp_.c_str(), target_.c_str()) != 0) write_failed(name_, errno);
      g_have_temp = false;
      temp_.clear();
    }
  }

  [[nodiscard]] bool is_stdout() const { return fd_ == STDOUT_FILENO && !owned_; }

 private:
  void discard() {
    if (!temp_.empty()) {
      g_have_temp = false;
      ::unlink(temp_.c_str());
      temp_.clear();
    }
  }
  std::string name_;
  std::filesystem::path target_;
  std::string temp_;
  int fd_ = -1;
  bool owned_ = false;
};

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
  // Open the output first: an unwritable path fails before minutes of scoring.
  output_file out(output);
  g_stage = static_cast<int>(stage::reading);
  const auto input = precis::io::read_jsonl_file(path, fields);
  options.record_label = "line";
  options.record_numbers = input.lines;
  g_lines_total = input.records.size() + input.errors.size();
  g_stage = static_cast<int>(stage::scoring);
  const auto table = precis::score_records(input.records, options, threads);
  g_stage = static_cast<int>(stage::writing);

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

  std::string buffer;
  std::size_t buffered = 0;
  for (const auto& [line, row] : rows) {
    buffer += row.dump();
    buffer += '\n';
    if (++buffered == 256) {
      out.write(buffer);
      g_lines_written += buffered;
      buffer.clear();
      buffered = 0;
    }
  }
  out.write(buffer);
  g_lines_written += buffered;
  out.commit();
  g_stage = static_cast<int>(stage::done);

  for (const auto& e : input.errors) std::fprintf(stderr, "%s\n", e.message.c_str());
  for (const auto& e : table.errors) {
    if (!e.empty()) std::fprintf(stderr, "%s\n", e.c_str());
  }
  if (!quiet) {
    std::FILE* table_out = out.is_stdout() ? stderr : stdout;
    print_table(table_out, table, input.errors.size());
    if (std::fflush(table_out) != 0 || std::ferror(table_out) != 0) {
      write_failed(table_out == stdout ? "<stdout>" : "<stderr>", errno != 0 ? errno : EIO);
    }
  }
  return input.errors.empty() && table.failed() == 0 ? 0 : exit_failed_records;
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
  // No CLI::ExistingFile check: an input that cannot be read is an I/O error (exit 4), reported
  // by read_jsonl_file with the reason.
  score->add_option("file", path, "JSONL file, one record per line")->required();
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every command-line mistake is a usage error (2), not
    // CLI11's own codes (104-106).
    return app.exit(e) == 0 ? 0 : exit_usage;
  }
  install_signal_handlers();
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
    return e.code() == "io_error" ? exit_io : exit_usage;
  }
}
