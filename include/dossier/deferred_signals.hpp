// Holding back the signals that end a command while a change is written and committed.
#pragma once

#include <csignal>

#include <atomic>
#include <functional>
#include <thread>

namespace dossier {

// Blocks SIGINT, SIGTERM, SIGHUP and SIGQUIT in the calling thread for its lifetime, then puts
// the previous mask back, which delivers a signal that arrived meanwhile. A command that
// writes several files and commits them does so inside one, so that Ctrl-C or a `kill`
// leaves either the old state or the new one, never files written but not committed. SIGKILL
// cannot be blocked. Threads started inside inherit the mask.
class DeferredSignals {
public:
    DeferredSignals();
    ~DeferredSignals();
    DeferredSignals(const DeferredSignals&) = delete;
    DeferredSignals& operator=(const DeferredSignals&) = delete;

private:
    sigset_t previous_{};
};

// Holds back the same signals as DeferredSignals, and takes those that the process does not
// ignore in a thread of its own. A long command can then check interrupted() between two
// steps and stop where nothing is half done. `on_first_signal` runs in that thread when the
// first signal arrives.
class SignalWatch {
public:
    explicit SignalWatch(std::function<void()> on_first_signal = {});
    ~SignalWatch();
    SignalWatch(const SignalWatch&) = delete;
    SignalWatch& operator=(const SignalWatch&) = delete;

    bool interrupted() const noexcept { return signal_ != 0; }

    // Stops watching, puts the previous mask back and sends the signal that arrived to the
    // process again, so that it ends as that signal would have ended it. Returns when no
    // signal arrived, or when the signal's action does not end the process.
    void raise_again();

private:
    void stop();

    DeferredSignals deferred_;
    std::atomic<int> signal_{0};
    std::atomic<bool> finished_{false};
    std::thread watcher_;
};

}  // namespace dossier
