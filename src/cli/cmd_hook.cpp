// dossier hook install: a pre-commit hook in each client repository that checks the staged
// documents, and the merge driver that merges documents key by key on git merge.
#include <git2.h>
#include <sys/stat.h>

#include <fmt/format.h>

#include <memory>
#include <sstream>

#include "context.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "output.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

// The line that marks a hook as written by dossier, so that `hook install` may replace it.
constexpr std::string_view hook_marker = "# dossier-pre-commit-hook";

struct HookOptions {
    std::string client;
};

// Returns `text` quoted for a POSIX shell.
std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

// Returns the absolute path of the running dossier binary, or "" when /proc/self/exe cannot be read.
std::string own_binary() {
    std::error_code error;
    auto path = fs::read_symlink("/proc/self/exe", error);
    return error ? std::string() : path.string();
}

std::string hook_script(const std::string& binary) {
    return fmt::format(
        "#!/bin/sh\n"
        "{}\n"
        "# Written by \"dossier hook install\", which may replace it: it checks the staged content of the\n"
        "# staged documents and stops the commit when a finding is an error.\n"
        "dossier={}\n"
        "# The binary that installed the hook, else the first dossier in PATH.\n"
        "if [ ! -x \"$dossier\" ]; then\n"
        "    dossier=dossier\n"
        "fi\n"
        "exec \"$dossier\" check --staged --fail-on error\n",
        hook_marker, shell_quote(binary));
}

// Returns the hooks folder of `repository`, inside its Git folder.
fs::path hooks_folder(const git::Repository& repository) {
    // NOTE: core.hooksPath is not read, so a repository that sets it never runs this hook.
    return fs::path(git_repository_path(repository.raw())) / "hooks";
}

// Writes the hook of `client`. Returns false, and writes nothing, when a hook that dossier did
// not write is already there.
bool install_hook(const Client& client, const std::string& binary) {
    auto repository = git::Repository::open(client.directory);
    auto hook = hooks_folder(repository) / "pre-commit";
    std::error_code error;
    if (fs::exists(hook, error)) {
        std::string existing = read_file(hook);
        if (existing.find(hook_marker) == std::string::npos) return false;
    }
    write_file_atomically(hook, hook_script(binary));
    if (::chmod(hook.c_str(), 0755) != 0) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot make the hook executable: {}")), hook.string()),
                    tr("check the permissions of the hooks folder"));
    }
    print_notice(fmt::format(fmt::runtime(tr("installed the pre-commit hook of {}: {}")), client.slug, hook.string()));
    return true;
}

// The line of info/attributes that sends Markdown files to the merge driver.
constexpr std::string_view merge_attribute = "*.md merge=dossier";

using ConfigPtr = std::unique_ptr<git_config, decltype(&git_config_free)>;

// Returns the configuration file of `repository` itself, .git/config.
ConfigPtr local_config(const git::Repository& repository) {
    const auto unreadable = [&] {
        return Error(
            ErrorKind::git,
            fmt::format(fmt::runtime(tr("cannot read the Git configuration of {}")), repository.workdir().string()),
            tr("check that .git/config of the client repository exists and is readable"));
    };
    git_config* levels = nullptr;
    if (git_repository_config(&levels, repository.raw()) < 0) throw unreadable();
    ConfigPtr all(levels, git_config_free);
    git_config* local = nullptr;
    if (git_config_open_level(&local, all.get(), GIT_CONFIG_LEVEL_LOCAL) < 0) throw unreadable();
    return ConfigPtr(local, git_config_free);
}

// Returns true when `text` has `line` as one of its lines, trailing spaces and CR aside.
bool has_line(const std::string& text, std::string_view line) {
    std::istringstream lines(text);
    for (std::string current; std::getline(lines, current);) {
        current.erase(current.find_last_not_of(" \t\r") + 1);
        if (current == line) return true;
    }
    return false;
}

// Registers dossier's merge driver in the repository of `client`: merge.dossier in .git/config,
// and `*.md merge=dossier` in .git/info/attributes, which Git reads but never commits. Lines
// already in the attributes file stay as they are.
void install_merge_driver(const Client& client, const std::string& binary) {
    auto repository = git::Repository::open(client.directory);
    auto config = local_config(repository);
    auto command = (binary.empty() ? std::string("dossier") : shell_quote(binary)) + " merge-driver %O %A %B %P";
    if (git_config_set_string(config.get(), "merge.dossier.name",
                              "dossier: documents key by key, secrets field by field") < 0 ||
        git_config_set_string(config.get(), "merge.dossier.driver", command.c_str()) < 0) {
        throw Error(
            ErrorKind::git,
            fmt::format(fmt::runtime(tr("cannot write the Git configuration of {}")), client.directory.string()),
            tr("check that .git/config of the client repository is writable"));
    }

    // info/attributes is in the common folder that the worktrees of a repository share.
    auto attributes = fs::path(git_repository_commondir(repository.raw())) / "info" / "attributes";
    std::error_code error;
    std::string text = fs::exists(attributes, error) ? read_file(attributes) : std::string();
    if (!has_line(text, merge_attribute)) {
        if (!text.empty() && text.back() != '\n') text += '\n';
        text += std::string(merge_attribute) + "\n";
        write_file_atomically(attributes, text);
    }
    print_notice(
        fmt::format(fmt::runtime(tr("registered the merge driver of {}: {}")), client.slug, attributes.string()));
}

void run_hook_install(Context& context, const HookOptions& options) {
    std::vector<Client> clients;
    if (options.client.empty()) {
        clients = context.workspace().clients();
    } else {
        clients.push_back(context.client(options.client));
    }

    std::string binary = own_binary();
    std::vector<std::string> refused;
    for (const auto& client : clients) {
        install_merge_driver(client, binary);
        if (!install_hook(client, binary)) {
            auto repository = git::Repository::open(client.directory);
            refused.push_back((hooks_folder(repository) / "pre-commit").string());
        }
    }
    if (refused.empty()) return;
    throw Error(ErrorKind::already_exists,
                fmt::format(fmt::runtime(trn("a pre-commit hook that dossier did not write is already there: {}",
                                             "pre-commit hooks that dossier did not write are already there: {}",
                                             refused.size())),
                            fmt::join(refused, ", ")),
                tr("to run dossier's check as well, add this line to that hook: "
                   "dossier check --staged --fail-on error || exit 1"));
}

}  // namespace

void add_hook_command(CLI::App& app, Context& context) {
    auto* hook = app.add_subcommand("hook", tr("Install Git hooks and the merge driver in the client repositories"));
    hook->require_subcommand(1);

    auto options = std::make_shared<HookOptions>();
    auto* install = hook->add_subcommand(
        "install", tr("Add a pre-commit hook that runs dossier check on the staged documents of each client, and "
                      "register the merge driver that merges documents key by key"));
    install
        ->add_option("--client", options->client, tr("Install the hook and the driver of this client only (its slug)"))
        ->type_name(client_value);
    install->callback([&context, options] { run_hook_install(context, *options); });
}

}  // namespace dossier::cli
