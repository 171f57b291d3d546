// Holding back the signals that end a command while a change is written and committed.
#pragma once

#include <csignal>

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

}  // namespace dossier
