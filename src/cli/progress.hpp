#pragma once
// The progress bar of `precis score` on stderr: a thread redraws one line every 200 ms from
// counters the scoring threads update; messages printed in between go through `print`, which
// clears the bar first. Off (and costing nothing) unless enabled.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace precis_cli {

class progress_bar {
 public:
  /// `total_bytes`: the input's size (0 when unknown, e.g. a pipe); `start_bytes`: where a
  /// resumed run starts.
  progress_bar(bool enabled, std::uint64_t total_bytes, std::uint64_t start_bytes);
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;
  ~progress_bar();

  /// A window of `records` records, spanning input bytes [begin, end), starts scoring; its
  /// records count into `scored()` as they finish.
  void start_window(std::uint64_t begin, std::uint64_t end, std::size_t records);
  /// The window's lines were written (`lines` of them).
  void window_written(std::uint64_t end, std::size_t lines);
  /// The counter the scoring threads increment (score_options::progress).
  std::atomic<std::size_t>* scored() noexcept { return &scored_; }

  /// Prints a line on stderr, clearing the bar first (the next tick redraws it).
  void print(const std::string& line);
  /// Draws the final state and ends the line.
  void finish();

 private:
  void run();
  void draw(bool final);
  bool enabled_;
  std::uint64_t total_bytes_;
  std::uint64_t start_bytes_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<std::uint64_t> window_begin_{0}, window_end_{0}, done_bytes_{0};
  std::atomic<std::size_t> window_records_{0}, scored_{0}, lines_written_{0};
  std::mutex mutex_;  // stderr, and the stop flag
  std::condition_variable wake_;
  bool stop_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace precis_cli
