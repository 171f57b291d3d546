// The MSP's workspace: dossier.yaml, team/, types/ and one Git repository per client.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dossier/git_repository.hpp"
#include "dossier/yaml_value.hpp"

namespace dossier {

struct Client {
    std::string slug;
    std::string name;                 // the title of client.md, or the slug when it has none
    std::filesystem::path directory;  // clients/<slug>
};

// A technician of team/team.yaml.
struct Technician {
    std::string id;
    std::string name;
    std::string email;
    std::string key;   // age public key (age1…), empty when the technician has none
    std::string role;
};

// The places where commands look for the workspace, in order: an explicit folder (-C), the current
// folder and its parents, then the folder named by DOSSIER_WORKSPACE.
struct WorkspaceSearch {
    std::optional<std::filesystem::path> explicit_dir;
    std::filesystem::path current_dir;
    std::optional<std::filesystem::path> environment_dir;
};

// The outcome of `init`: whether a workspace was created or was already there.
enum class InitOutcome { created, already_exists };

class Workspace {
public:
    // Returns the root of the workspace found by `search`, or nullopt. A root is a folder
    // holding dossier.yaml.
    static std::optional<std::filesystem::path> find_root(const WorkspaceSearch& search);

    // Opens the workspace at `root` and reads dossier.yaml. Throws Error(invalid_input)
    // located in dossier.yaml when it is invalid.
    static Workspace open(const std::filesystem::path& root);

    // Creates a workspace at `root` (dossier.yaml, types/, team/team.yaml, clients/,
    // .gitignore) as a Git repository with a first commit by `author`. Changes nothing and
    // returns already_exists when `root` already contains dossier.yaml.
    static InitOutcome init(const std::filesystem::path& root, const std::string& language,
                            const git::Signature& author);

    const std::filesystem::path& root() const noexcept { return root_; }
    std::filesystem::path clients_dir() const { return root_ / "clients"; }
    const std::string& name() const noexcept { return name_; }
    const std::string& language() const noexcept { return language_; }
    // The offline recovery recipient of dossier.yaml (`recovery_recipient: age1…`), or empty.
    const std::string& recovery_recipient() const noexcept { return recovery_recipient_; }
    // The time zone of dossier.yaml (`time_zone: Europe/Paris`) in which today's date is taken
    // for reviews and expirations, or empty for the zone of the machine.
    const std::string& time_zone() const noexcept { return time_zone_; }
    // dossier.yaml as read, for the settings that other modules own (such as `check:`).
    const Value& settings() const noexcept { return settings_; }
    std::filesystem::path settings_path() const { return root_ / "dossier.yaml"; }

    // Returns the clients (folders of clients/ holding a Git repository), sorted by slug.
    std::vector<Client> clients() const;

    // Returns the client with `slug`, or nullopt.
    std::optional<Client> find_client(const std::string& slug) const;

    // Returns the technicians of team/team.yaml (empty when the file is absent).
    std::vector<Technician> technicians() const;

    // Creates clients/<slug>/ as a Git repository with client.md and a first commit.
    // Throws Error(usage) for an invalid slug and Error(already_exists) when the folder exists.
    Client add_client(const std::string& name, const std::string& slug, const std::string& language,
                      const git::Signature& author, const std::string& today) const;

private:
    std::filesystem::path root_;
    std::string name_;
    std::string language_ = "en";
    std::string recovery_recipient_;
    std::string time_zone_;
    Value settings_;
};

// Returns the author of new commits: the technician named by `technician_id`
// (DOSSIER_TECHNICIAN) in team/team.yaml, else GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, else
// Git's user.name and user.email for `repository`, or from the global configuration when
// `repository` is null. Throws Error(invalid_input) saying how to
// set one when none is found; never invents one.
git::Signature resolve_author(const std::vector<Technician>& team, const std::string& technician_id,
                              const git::Repository* repository);

// Returns the slug for a client name after checking it, or `requested_slug` when given.
// Throws Error(usage) with the rules when the slug is invalid.
std::string client_slug(const std::string& name, const std::string& requested_slug);

// Returns up to three of `candidates` closest to `word` by edit distance, for "did you mean".
std::vector<std::string> closest_matches(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace dossier
