// The watcher of a workspace's folders: a process that keeps inotify watches on every folder
// of the clients, so that a refresh of the search index reads only the paths that changed
// instead of looking at every file.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "dossier/workspace.hpp"

namespace dossier {

// A watcher that listens on .dossier/watch.sock.
struct IndexWatcherStatus {
    long pid = 0;
    std::size_t folders = 0;  // folders watched
};

class IndexWatcher {
public:
    // Watches every folder of the workspace's clients (hidden folders such as .git excepted)
    // and opens .dossier/watch.sock. Throws Error(conflict) when a watcher already runs for
    // the workspace, and Error(io) when the system refuses the watches or the socket.
    explicit IndexWatcher(const Workspace& workspace);
    ~IndexWatcher();
    IndexWatcher(const IndexWatcher&) = delete;
    IndexWatcher& operator=(const IndexWatcher&) = delete;

    std::size_t folders() const;

    // Serves the requests of refreshes until asked to stop, or until the workspace's clients folder or
    // .dossier goes away. With `take_signals`, SIGINT, SIGTERM and SIGHUP stop it too, after
    // it removed its socket. Throws Error(io) when it can no longer watch every folder, for
    // example when the system's limit of watches is reached: refreshes then look at every
    // file again. `log` receives a sentence for each event that a caller cannot see
    // otherwise: lost events, and rejected connections and requests.
    void run(bool take_signals, std::function<void(const std::string&)> log = {});

private:
    struct State;
    std::unique_ptr<State> state_;
};

// Returns the watcher of the workspace, or nothing when none responds.
std::optional<IndexWatcherStatus> index_watcher_status(const Workspace& workspace);

// Asks the watcher of the workspace to stop and waits until it has. Returns false when none
// was running.
bool stop_index_watcher(const Workspace& workspace);

}  // namespace dossier
