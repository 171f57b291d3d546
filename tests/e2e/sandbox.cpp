#include "sandbox.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dossier::e2e {

namespace fs = std::filesystem;

const std::string vpn_reset_document =
    "---\n"
    "type: runbook\n"
    "title: Réinitialiser le VPN du siège\n"
    "owner: jdupont\n"
    "status: approved\n"
    "reviewed: 2026-01-10\n"
    "tags: [vpn, fortigate]\n"
    "---\n"
    "# Réinitialiser le VPN du siège\n"
    "\n"
    "1. Ouvrir la console du pare-feu [fw01](../assets/fw01.md).\n"
    "2. Prévenir [Jeanne](../contacts/jeanne-dupont.md#téléphone) avant de relancer le tunnel.\n";

const std::string jeanne_document =
    "---\n"
    "type: contact\n"
    "title: Jeanne Dupont\n"
    "phone: \"+33 1 23 45 67 89\"\n"
    "---\n"
    "# Jeanne Dupont\n"
    "\n"
    "## Téléphone\n"
    "\n"
    "Joignable de 8 h à 18 h.\n";

const std::string firewall_document =
    "---\n"
    "type: asset\n"
    "title: Pare-feu FortiGate du siège\n"
    "owner: jdupont\n"
    "---\n"
    "# Pare-feu\n"
    "\n"
    "Procédure : [réinitialiser le VPN](../runbooks/vpn-reset.md#étapes \"La procédure\").\n";

Sandbox::Sandbox() {
    std::string pattern = (fs::temp_directory_path() / "dossier-e2e-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    root_ = fs::canonical(pattern);  // messages show the real path, even when TMPDIR is a symlink
    fs::create_directories(home());

    const char* path = std::getenv("PATH");
    environment = {
        {"HOME", home().string()},
        {"PATH", path != nullptr ? path : "/usr/bin:/bin"},
        {"GIT_CONFIG_NOSYSTEM", "1"},
        {"LANG", "C.UTF-8"},
        {"NO_COLOR", "1"},
        {"TZ", "UTC"},
        {"DOSSIER_TODAY", "2026-03-15"},
        {"GIT_AUTHOR_NAME", author_name},
        {"GIT_AUTHOR_EMAIL", author_email},
    };
}

Sandbox::~Sandbox() {
    std::error_code error;
    fs::remove_all(root_, error);
}

ProcessResult Sandbox::dossier(const std::vector<std::string>& arguments) const {
    std::error_code error;
    return dossier_in(fs::is_directory(workspace(), error) ? workspace() : root_, arguments);
}

ProcessResult Sandbox::dossier_in(const fs::path& directory, const std::vector<std::string>& arguments) const {
    std::vector<std::string> command{DOSSIER_BINARY};
    command.insert(command.end(), arguments.begin(), arguments.end());
    return run_process(command, environment, directory);
}

ProcessResult Sandbox::git(const fs::path& repository, const std::vector<std::string>& arguments) const {
    auto git_environment = environment;
    git_environment["GIT_AUTHOR_NAME"] = "Test Harness";
    git_environment["GIT_AUTHOR_EMAIL"] = "harness@example.com";
    git_environment["GIT_COMMITTER_NAME"] = "Test Harness";
    git_environment["GIT_COMMITTER_EMAIL"] = "harness@example.com";

    std::vector<std::string> command{"git", "-c", "init.defaultBranch=main", "-C", repository.string()};
    command.insert(command.end(), arguments.begin(), arguments.end());
    return run_process(command, git_environment, root_);
}

std::string Sandbox::git_output(const fs::path& repository, const std::vector<std::string>& arguments) const {
    auto result = git(repository, arguments);
    INFO("git ", arguments.empty() ? std::string() : arguments.front(), " in ", repository.string(), ": ", result.err);
    REQUIRE(result.exit_status == 0);
    return result.out;
}

std::string Sandbox::head(const fs::path& repository) const {
    auto text = git_output(repository, {"rev-parse", "HEAD"});
    return text.substr(0, text.find('\n'));
}

int Sandbox::commit_count(const fs::path& repository) const {
    return std::stoi(git_output(repository, {"rev-list", "--count", "HEAD"}));
}

std::string Sandbox::status(const fs::path& repository) const {
    return git_output(repository, {"status", "--porcelain"});
}

ProcessResult Sandbox::fsck(const fs::path& repository) const { return git(repository, {"fsck", "--strict"}); }

void Sandbox::write_file(const fs::path& path, const std::string& bytes) {
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string Sandbox::read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

void Sandbox::init_workspace() {
    auto result = dossier_in(root_, {"init", "ws"});
    INFO("dossier init: ", result.err);
    REQUIRE(result.exit_status == 0);
}

std::string Sandbox::add_client(const std::string& name) {
    auto result = dossier({"client", "add", name});
    INFO("dossier client add: ", result.err);
    REQUIRE(result.exit_status == 0);
    return result.out.substr(0, result.out.find('\n'));
}

void Sandbox::commit_document(const std::string& slug, const std::string& path, const std::string& bytes) const {
    write_file(client_dir(slug) / path, bytes);
    git_output(client_dir(slug), {"add", "--", path});
    git_output(client_dir(slug), {"commit", "-q", "-m", "Add " + path});
}

ClientSandbox::ClientSandbox() {
    init_workspace();
    REQUIRE(add_client("Acme") == "acme");
    write_file(acme() / "runbooks/vpn-reset.md", vpn_reset_document);
    write_file(acme() / "contacts/jeanne-dupont.md", jeanne_document);
    write_file(acme() / "assets/fw01.md", firewall_document);
    git_output(acme(), {"add", "."});
    git_output(acme(), {"commit", "-q", "-m", "Add the first documents"});
}

}  // namespace dossier::e2e
