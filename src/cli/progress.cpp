#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace precis_cli {

progress_bar::progress_bar(bool enabled, std::uint64_t total_bytes, std::uint64_t start_bytes)
    : enabled_(enabled),
      total_bytes_(total_bytes),
      start_bytes_(start_bytes),
      started_(std::chrono::steady_clock::now()),
      window_begin_(start_bytes),
      window_end_(start_bytes),
      done_bytes_(start_bytes) {
  if (enabled_) thread_ = std::thread([this] { run(); });
}

progress_bar::~progress_bar() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void progress_bar::start_window(std::uint64_t begin, std::uint64_t end, std::size_t records) {
  window_begin_ = begin;
  window_end_ = end;
  window_records_ = records;
  scored_ = 0;
}

void progress_bar::window_written(std::uint64_t end, std::size_t lines) {
  done_bytes_ = end;
  lines_written_ += lines;
}

void progress_bar::print(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (enabled_ && drawn_) std::fputs("\r\033[K", stderr);
  std::fputs(line.c_str(), stderr);
  std::fputc('\n', stderr);
  drawn_ = false;
}

void progress_bar::finish() {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  draw(true);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void progress_bar::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; })) {
    draw(false);
  }
}

// Called with mutex_ held.
void progress_bar::draw(bool final) {
  // Bytes done: the windows written, plus the share of the scoring window's records finished.
  const std::uint64_t begin = window_begin_, end = window_end_;
  const std::size_t records = window_records_, scored = std::min<std::size_t>(scored_, records);
  std::uint64_t done = std::max<std::uint64_t>(done_bytes_, begin);
  if (!final && records > 0 && end > begin && done < end) {
    done = begin + (end - begin) * scored / records;
  }
  if (final) done = std::max<std::uint64_t>(done_bytes_, done);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(lines_written_) / seconds : 0.0;
  char line[160];
  if (total_bytes_ > 0) {
    const double fraction =
        std::min(1.0, static_cast<double>(done) / static_cast<double>(total_bytes_));
    constexpr int width = 24;
    const int filled = static_cast<int>(fraction * width);
    char bar[width + 1];
    for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    const double rest_bytes = static_cast<double>(total_bytes_ - std::min(total_bytes_, done));
    const double byte_rate =
        seconds > 0 ? static_cast<double>(done - std::min(done, start_bytes_)) / seconds : 0.0;
    const long eta = byte_rate > 0 ? static_cast<long>(rest_bytes / byte_rate) : -1;
    if (eta >= 0 && !final) {
      std::snprintf(
          line, sizeof line, "\r\033[Kprecis: %3d%% [%s] %zu lines, %.0f/s, ETA %ld:%02ld",
          static_cast<int>(fraction * 100), bar, lines_written_.load(), rate, eta / 60, eta % 60);
    } else {
      std::snprintf(line, sizeof line, "\r\033[Kprecis: %3d%% [%s] %zu lines, %.0f/s, %.1f s",
                    static_cast<int>(fraction * 100), bar, lines_written_.load(), rate, seconds);
    }
  } else {
    std::snprintf(line, sizeof line, "\r\033[Kprecis: %zu lines, %.0f/s, %.1f s",
                  lines_written_.load(), rate, seconds);
  }
  std::fputs(line, stderr);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace precis_cli
