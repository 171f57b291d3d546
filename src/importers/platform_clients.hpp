// The clients of a platform import (IT Glue's organizations, Hudu's companies): how each is
// found or created, how its writes are gathered into one commit, and how the technician
// running the import is given access to its secrets.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "dossier/age.hpp"
#include "dossier/change.hpp"
#include "dossier/credential.hpp"
#include "dossier/git_repository.hpp"
#include "dossier/platform_import.hpp"
#include "dossier/workspace.hpp"

namespace dossier::importers {

// How the import creates a client that the workspace does not have.
struct ClientCreation {
    bool dry_run = false;
    std::string language;  // of client.md
    std::string today;     // its created date
    // The author of the commit that creates the client.
    std::function<git::Signature()> author;
    // The start of the slug of a client whose name gives none, such as "organization", to which
    // the platform's id is added.
    std::string fallback_slug;
};

// The clients of the workspace, as a platform import matches its organizations or companies
// to them: by the `source` key of client.md, else by slug or name.
class PlatformClients {
public:
    // Reads the `source` of every client's client.md. A client.md that cannot be read is
    // matched by slug or name only.
    explicit PlatformClients(const Workspace& workspace);

    // Returns the client of the platform's record `source` (such as hudu:company:11) named
    // `name`: the client whose client.md has that source, else the client whose slug or name
    // is the record's name or its slug, unless that client came from another record of the
    // platform. When there is none, creates the client as `client add` does, in its own commit,
    // or in a dry run only plans it. Records the client as taken by `source`.
    PlatformClient resolve(const std::string& source, const std::string& name, const std::string& id,
                           const ClientCreation& creation);

    // Returns the slug of the client whose client.md has `source`, or nullopt.
    std::optional<std::string> slug_of_source(const std::string& source) const;

    // Returns the slug of the client whose slug or name is `name`, compared without case or
    // accents, or nullopt.
    std::optional<std::string> slug_named(const std::string& name) const;

    // Returns true for a client that a dry run would create: it does not exist yet.
    bool planned(const std::string& slug) const { return planned_.contains(slug); }

private:
    std::optional<Client> find(const std::string& source, const std::string& name, const std::string& slug);
    std::string free_slug(const std::string& name, const std::string& fallback, const std::string& id) const;
    void remember(const Client& client, const std::string& source);

    const Workspace& workspace_;
    std::map<std::string, Client> by_source_;
    std::map<std::string, Client> by_name_;          // comparable slug or name
    std::map<std::string, std::string> sources_;     // slug → source in client.md
    std::set<std::string> planned_;
};

// One client's part of an import: its repository and the Change that all its writes go
// through, committed once at the end.
struct ClientWork {
    Client client;
    std::unique_ptr<git::Repository> repository;
    std::unique_ptr<Change> change;
    std::set<std::string> written;  // paths, for a rollback
    std::size_t created = 0;
    std::size_t updated = 0;
    bool committed = false;
};

// The writes of an import, one ClientWork per client.
class ClientChanges {
public:
    explicit ClientChanges(const Workspace& workspace) : workspace_(workspace) {}

    const Workspace& workspace() const noexcept { return workspace_; }

    // Returns the work of the client `slug`, opening its repository and taking its write lock
    // first. Throws Error(not_found) when the workspace has no such client.
    ClientWork& work_for(const std::string& slug);

    // Writes `bytes` to `path` of the client `slug` through its Change.
    void write(const std::string& slug, const std::string& path, const std::string& bytes);

    // Commits the work of `slug`, when it has any, and returns the commit id: nullopt when
    // nothing changed or the work was committed already.
    std::optional<std::string> commit(const std::string& slug, const std::string& message,
                                      const std::function<git::Signature(const git::Repository*)>& author);

    // Returns the slugs of the clients with work, sorted.
    std::vector<std::string> slugs() const;

    // Puts back the files written and not committed: each as the last commit has it, or
    // removed when it is new. A failure here is ignored, so that the error that caused the
    // rollback is reported.
    void roll_back() noexcept;

private:
    const Workspace& workspace_;
    std::map<std::string, std::unique_ptr<ClientWork>> work_;
};

// Gives the technician running an import access to the secrets of the clients that receive
// some, as `access grant` does, and tells the engine whom to encrypt them to.
class SecretAccess {
public:
    SecretAccess(const Workspace& workspace, std::optional<Technician> technician, bool dry_run)
        : workspace_(workspace), technician_(std::move(technician)), dry_run_(dry_run) {}

    // Writes a recipients file naming the technician and the workspace's recovery recipient to
    // the client of `entry` when it has none, through `changes` (planned only in a dry run),
    // and sets entry.access_granted. Returns a translated loss when the client has no
    // recipients file and the technician has no age key: its secrets cannot be imported.
    std::optional<std::string> give(PlatformClient& entry, ClientChanges& changes);

    // Returns the recipients that a credential at `path` of `client` is encrypted to: those
    // planned for the client in a dry run, else what `nearest` finds.
    RecipientsFile recipients_for(const Client& client, const std::string& path,
                                  const std::function<RecipientsFile(const Client&, const std::string&)>& nearest) const;

private:
    const Workspace& workspace_;
    std::optional<Technician> technician_;
    bool dry_run_ = false;
    std::map<std::string, std::vector<age::X25519Recipient>> planned_;
};

// Sets `values` (front-matter key, value; a null or empty value is skipped) in the client.md
// of `entry` and returns the keys whose value was missing or different. Writes client.md
// through `changes` unless `dry_run`. For a client still to create, only returns the keys.
std::vector<std::string> set_client_fields(const PlatformClient& entry,
                                           const std::vector<std::pair<std::string, nlohmann::ordered_json>>& values,
                                           ClientChanges& changes, bool dry_run);

// Adds to `counts` the outcome of one record of `kind`.
void count_record(std::vector<PlatformCounts>& counts, const std::string& kind, const RecordResult& result);

// Returns the reference of a document from its path in the client repository: the path
// without ".md".
std::string reference_of(const std::string& path);

}  // namespace dossier::importers
