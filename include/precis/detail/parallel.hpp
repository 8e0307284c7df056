#pragma once
/// @file parallel.hpp
/// Explicit parallelism for batch calls: no hidden global pool. A batch call takes `threads`
/// (0 = std::thread::hardware_concurrency()), splits the records into contiguous blocks handed
/// out dynamically, and joins before it returns.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "precis/error.hpp"

namespace precis::detail {

/// Number of worker threads to use for `n` items when the caller asked for `threads`.
inline unsigned resolve_threads(unsigned threads, std::size_t n) noexcept {
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(n, 1)));
}

/// Calls `f(i)` for every i in [0, n) on up to `threads` threads (the calling thread included).
/// Items are claimed in chunks of `chunk` through an atomic counter, so uneven records balance.
/// The first exception thrown by `f` is rethrown after all threads joined; batch callers that must
/// report every record catch inside `f` instead.
template <class F>
void parallel_for(std::size_t n, unsigned threads, F&& f, std::size_t chunk = 16) {
  const unsigned workers = resolve_threads(threads, n);
  if (workers <= 1 || n <= chunk) {
    for (std::size_t i = 0; i < n; ++i) f(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    try {
      for (;;) {
        const std::size_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
        if (begin >= n) break;
        const std::size_t end = std::min(n, begin + chunk);
        for (std::size_t i = begin; i < end; ++i) f(i);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next.store(n, std::memory_order_relaxed);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (unsigned t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

/// A scorer's `score_batch`: `Item{score(summaries[i]), ""}` for every summary, on `threads`
/// threads; a summary that fails keeps its row, with `error` = `[precis.<code>] summary <i>:
/// <message>` and a default result. `Item` has members `result` and `error` (a std::string).
template <class Item, class Score>
std::vector<Item> score_each(std::span<const std::string> summaries, unsigned threads,
                             const Score& score) {
  std::vector<Item> out(summaries.size());
  parallel_for(summaries.size(), threads, [&](std::size_t i) {
    try {
      out[i].result = score(summaries[i]);
    } catch (const error& e) {
      out[i].error = "[precis." + e.code() + "] summary " + std::to_string(i) + ": " +
                     std::string(e.message());
    }
  });
  return out;
}

}  // namespace precis::detail
