// The documents that `dossier check --changed-since REV` and `--staged` select in a client repository.
#pragma once

#include <string>
#include <vector>

#include "dossier/workspace.hpp"

namespace dossier::cli {

// Returns the client-relative paths ('/' separated, sorted) of the Markdown documents of
// `client` that changed between the commit `rev` and the working tree (staged, unstaged and
// untracked alike), plus the documents whose relative links or `related:` entries name a
// changed path, including a deleted or renamed one. Reads the documents on `threads` threads.
// Throws Error(not_found) naming the client when `rev` is not a commit of its repository, with
// a hint to fetch more history in a shallow clone.
std::vector<std::string> documents_changed_since(const Client& client, const std::string& rev, unsigned threads);

// Returns documents_changed_since for each of `clients`, in their order, working on `threads`
// clients at a time (0: one per core). Throws the error of the first client that failed.
std::vector<std::vector<std::string>> documents_changed_since(const std::vector<Client>& clients,
                                                              const std::string& rev, unsigned threads);

// Returns the client-relative paths of the documents of `client` whose relative links or
// `related:` entries name one of `targets` (client-relative paths), read on `threads` threads.
std::vector<std::string> documents_linking_to(const Client& client, const std::vector<std::string>& targets,
                                              unsigned threads);

}  // namespace dossier::cli
