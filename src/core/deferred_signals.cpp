#include "dossier/deferred_signals.hpp"

#include <pthread.h>

#include <initializer_list>

namespace dossier {

DeferredSignals::DeferredSignals() {
    sigset_t deferred;
    sigemptyset(&deferred);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&deferred, signal);
    pthread_sigmask(SIG_BLOCK, &deferred, &previous_);
}

DeferredSignals::~DeferredSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

}  // namespace dossier
