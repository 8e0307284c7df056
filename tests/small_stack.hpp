#pragma once
// Runs a function on a thread with a small stack (default 256 KB), as a caller's worker thread or
// a Python thread may have. std::thread cannot set a stack size, so this uses pthreads directly.
// Exceptions thrown by `f` are carried back and rethrown in the caller.
#include <pthread.h>

#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

namespace precis_test {

inline void run_with_stack(std::size_t stack_bytes, const std::function<void()>& f) {
  struct job {
    const std::function<void()>* f;
    std::exception_ptr error;
  } j{&f, nullptr};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  if (pthread_attr_setstacksize(&attr, stack_bytes) != 0) {
    pthread_attr_destroy(&attr);
    throw std::runtime_error("pthread_attr_setstacksize failed");
  }
  pthread_t thread;
  const int rc = pthread_create(
      &thread, &attr,
      [](void* p) -> void* {
        auto* jb = static_cast<job*>(p);
        try {
          (*jb->f)();
        } catch (...) {
          jb->error = std::current_exception();
        }
        return nullptr;
      },
      &j);
  pthread_attr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("pthread_create failed: " + std::to_string(rc));
  pthread_join(thread, nullptr);
  if (j.error) std::rethrow_exception(j.error);
}

/// 256 KB: a quarter of the smallest default thread stack seen (1 MB on Windows and musl's
/// 128 KB aside), small enough that recursion proportional to input depth overflows it.
inline constexpr std::size_t small_stack = 256 * 1024;

}  // namespace precis_test
