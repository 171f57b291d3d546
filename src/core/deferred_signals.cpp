#include "dossier/deferred_signals.hpp"

#include <pthread.h>

#include <ctime>
#include <initializer_list>
#include <utility>

namespace dossier {
namespace {

sigset_t held_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&signals, signal);
    return signals;
}

}  // namespace

DeferredSignals::DeferredSignals() {
    const sigset_t deferred = held_signals();
    pthread_sigmask(SIG_BLOCK, &deferred, &previous_);
}

DeferredSignals::~DeferredSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

SignalWatch::SignalWatch(std::function<void()> on_first_signal)
    : watcher_([this, on_first_signal = std::move(on_first_signal)] {
          // The watcher inherits the blocked mask, so sigtimedwait takes the process's signals.
          // A signal that the process ignores, as under nohup, is left alone: it stays
          // pending and is discarded once the mask is put back.
          sigset_t signals;
          sigemptyset(&signals);
          for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
              struct sigaction action {};
              if (::sigaction(signal, nullptr, &action) == 0 && action.sa_handler == SIG_IGN) continue;
              sigaddset(&signals, signal);
          }
          const timespec period{0, 10'000'000};  // how long stop() may wait
          while (!finished_) {
              const int signal = ::sigtimedwait(&signals, nullptr, &period);
              if (signal > 0) {
                  int none = 0;
                  if (signal_.compare_exchange_strong(none, signal) && on_first_signal) on_first_signal();
              }
          }
      }) {}

SignalWatch::~SignalWatch() { stop(); }

void SignalWatch::stop() {
    finished_ = true;
    if (watcher_.joinable()) watcher_.join();
}

void SignalWatch::raise_again() {
    stop();
    const int signal = signal_;
    if (signal == 0) return;
    // Unblocked in this thread, the signal is handled before pthread_sigmask returns.
    sigset_t only_this;
    sigemptyset(&only_this);
    sigaddset(&only_this, signal);
    ::raise(signal);
    pthread_sigmask(SIG_UNBLOCK, &only_this, nullptr);
    pthread_sigmask(SIG_BLOCK, &only_this, nullptr);
}

}  // namespace dossier
