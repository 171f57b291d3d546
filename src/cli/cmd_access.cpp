#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "context.hpp"
#include "credential_file.hpp"
#include "dossier/age.hpp"
#include "dossier/atomic_file.hpp"
#include "dossier/change.hpp"
#include "dossier/credential.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "output.hpp"
#include "secret_input.hpp"

namespace fs = std::filesystem;

namespace dossier::cli {
namespace {

struct AccessOptions {
    std::string technician;
    std::string client;
    bool json = false;
};

// A recipients file of a client: its path in the repository and its lines.
struct RecipientsText {
    std::string path;  // "credentials/.age-recipients", or ".age-recipients" at the root
    std::string text;
};

// Returns the recipients files of `client`, the root one first, skipping .git.
std::vector<std::string> recipients_files(const Client& client) {
    std::vector<std::string> paths;
    std::error_code error;
    fs::recursive_directory_iterator it(client.directory, fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        auto name = it->path().filename().string();
        if (it->is_directory() && name == ".git") {
            it.disable_recursion_pending();
            continue;
        }
        if (name == recipients_file_name && it->is_regular_file()) {
            paths.push_back(it->path().lexically_relative(client.directory).generic_string());
        }
    }
    std::sort(paths.begin(), paths.end(), [](const std::string& a, const std::string& b) {
        return std::count(a.begin(), a.end(), '/') < std::count(b.begin(), b.end(), '/') ||
               (std::count(a.begin(), a.end(), '/') == std::count(b.begin(), b.end(), '/') && a < b);
    });
    return paths;
}

// Returns who holds `key`: a technician's id, "recovery", or an empty string.
std::string holder_of(const std::string& key, const std::vector<Technician>& team, const std::string& recovery) {
    for (const auto& member : team) {
        if (member.key == key) return member.id;
    }
    return key == recovery ? "recovery" : "";
}

const Technician& find_technician(const std::vector<Technician>& team, const std::string& id) {
    for (const auto& member : team) {
        if (member.id != id) continue;
        if (member.key.empty()) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("{} has no age key in team/team.yaml")), id),
                        tr("the technician runs dossier key init; then add their key to their entry as key: age1..."));
        }
        age::X25519Recipient::parse(member.key);
        return member;
    }
    std::vector<std::string> ids;
    for (const auto& member : team) ids.push_back(member.id);
    auto matches = closest_matches(id, ids);
    throw Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("technician not found in team/team.yaml: {}")), id),
                matches.empty() ? std::string(tr("add them with: dossier team add ID --key age1..."))
                                : fmt::format(fmt::runtime(tr("did you mean {}?")), fmt::join(matches, ", ")));
}

// Removes the lines of `text` that hold `key`, with a comment line naming it just above.
std::string without_key(const std::string& text, const std::string& key) {
    std::vector<std::string> lines;
    for (std::size_t offset = 0; offset < text.size();) {
        auto end = text.find('\n', offset);
        lines.push_back(text.substr(offset, end == std::string::npos ? std::string::npos : end - offset));
        offset = end == std::string::npos ? text.size() : end + 1;
    }
    std::string result;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        bool next_is_key = i + 1 < lines.size() && lines[i + 1] == key;
        if (lines[i] == key || (next_is_key && lines[i].starts_with("#"))) continue;
        result += lines[i] + "\n";
    }
    return result;
}

// Returns the keys of the recipients file `path` (in the client repository) whose text is
// `text`. Throws Error(invalid_input) located in the file for a malformed line.
std::vector<age::X25519Recipient> read_recipients(const Client& client, const std::string& path, const std::string& text) {
    std::vector<age::KeyFileProblem> problems;
    auto recipients = age::parse_recipients(text, &problems);
    if (!problems.empty()) {
        auto file = client.directory / path;
        throw Error(ErrorKind::invalid_input, SourceLocation{file, problems.front().line, 1, {}},
                    fmt::format(fmt::runtime(tr("invalid recipient in {}: {}")), file.string(), problems.front().message),
                    tr("each line holds one age1... public key; fix or remove that line"));
    }
    return recipients;
}

// Returns the path in the repository of the recipients file nearest to `path`, or the root
// file's when there is none yet.
std::string nearest_recipients_path(const Client& client, const std::string& path) {
    return find_recipients_file(client.directory, path).value_or(std::string(recipients_file_name));
}

// The credentials whose secret is re-encrypted by a change to recipients files.
struct Resealed {
    std::string path;
    std::string bytes;
};

// Decrypts every sealed document of `client` whose nearest recipients file is one of `files`,
// or whose `recipients` digest is not that of its nearest file (a file changed by hand), and
// seals it again for the recipients that its file will hold. All are decrypted before anything
// is written, so a secret that the technician cannot open stops the whole change.
std::vector<Resealed> reseal(Context& context, const Client& client, const std::map<std::string, std::string>& files,
                             std::vector<std::string>& sealed_paths) {
    std::vector<Resealed> results;
    std::vector<std::string> unreadable;
    std::map<std::string, std::vector<age::X25519Recipient>> recipients_by_file;
    auto recipients_of = [&](const std::string& relative) -> const std::vector<age::X25519Recipient>& {
        auto cached = recipients_by_file.find(relative);
        if (cached != recipients_by_file.end()) return cached->second;
        auto updated = files.find(relative);
        std::string text = updated != files.end()               ? updated->second
                           : fs::exists(client.directory / relative) ? read_file(client.directory / relative)
                                                                     : std::string();
        return recipients_by_file[relative] = read_recipients(client, relative, text);
    };
    for (const auto& path : list_documents(client)) {
        Reference reference{client, path};
        auto file = read_credential_at(reference);
        if (!file.block) continue;
        auto relative = nearest_recipients_path(client, path);
        const auto& recipients = recipients_of(relative);
        if (recipients.empty()) continue;
        if (!files.contains(relative)) {
            auto document = Document::parse(file.bytes, reference.file().string());
            auto digest = document.field("recipients");
            if (digest.empty() || digest == recipients_digest(recipients)) continue;
        }
        sealed_paths.push_back(path);

        SecretBytes plaintext;
        try {
            plaintext = age::decrypt(context.identities(), file.block_text());
        } catch (const age::AgeError& error) {
            if (error.failure() != age::Failure::no_match) throw;
            unreadable.push_back(reference.to_string());
            continue;
        }
        std::vector<age::Recipient> targets(recipients.begin(), recipients.end());
        auto block = age::encrypt(targets, plaintext.view(), age::Armor::yes);
        auto bytes = replace_age_block(file.bytes, file.block, block);
        auto document = Document::parse(bytes, reference.file().string());
        if (document.type() == "credential") document.set("recipients", recipients_digest(recipients));
        results.push_back({path, document.to_bytes()});
    }
    if (!unreadable.empty()) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("your identity cannot open these secrets, so nothing was changed: {}")),
                                fmt::join(unreadable, ", ")),
                    tr("a technician who can read every secret of the client must run the command"));
    }
    return results;
}

std::string recovery_key(Context& context) {
    const auto& recovery = context.workspace().recovery_recipient();
    if (!recovery.empty()) age::X25519Recipient::parse(recovery);
    return recovery;
}

// Writes the recipients `files` and the secrets sealed again for them in one commit. Returns
// false, writing nothing, when no file changes and no secret needs sealing again.
bool commit_access(Context& context, const Client& client, const std::map<std::string, std::string>& files,
                   const std::string& message, std::vector<std::string>& sealed_paths) {
    auto repository = git::Repository::open(client.directory);
    Change change(repository);
    auto author = context.author(&repository);  // before writing, so a missing author changes no file
    auto resealed = reseal(context, client, files, sealed_paths);
    if (files.empty() && resealed.empty()) return false;
    std::vector<std::pair<std::string, std::string>> written(files.begin(), files.end());
    for (const auto& document : resealed) written.emplace_back(document.path, document.bytes);
    auto commit = commit_all_or_nothing(change, client.directory, written, message, author);
    print_notice(fmt::format(fmt::runtime(trn("{}: re-encrypted {} secret (commit {})",
                                              "{}: re-encrypted {} secrets (commit {})", resealed.size())),
                             client.slug, resealed.size(), commit ? commit->substr(0, 8) : std::string("-")));
    return true;
}

void run_grant(Context& context, const AccessOptions& options) {
    protect_process_memory();
    auto client = context.client(options.client);
    auto team = context.workspace().technicians();
    const auto& member = find_technician(team, options.technician);
    auto recovery = recovery_key(context);

    auto root = client.directory / recipients_file_name;
    std::string text = fs::exists(root) ? read_file(root) : std::string();
    auto present = read_recipients(client, std::string(recipients_file_name), text);
    auto has = [&](const std::string& key) {
        return std::any_of(present.begin(), present.end(), [&](const auto& r) { return r.to_string() == key; });
    };
    if (has(member.key) && (recovery.empty() || has(recovery))) {
        print_notice(fmt::format(fmt::runtime(tr("{} can already read the secrets of {}: nothing changed")), member.id,
                                 client.slug));
        return;
    }
    if (text.empty()) {
        text = fmt::format(fmt::runtime(tr("# Who may read the secrets of {}: one age public key per line.\n"
                                           "# Change it with dossier access grant and revoke.\n")),
                           client.slug);
    }
    if (!text.empty() && text.back() != '\n') text += '\n';
    if (!has(member.key)) text += fmt::format("# {}\n{}\n", member.id, member.key);
    if (!recovery.empty() && !has(recovery)) text += fmt::format("# recovery\n{}\n", recovery);

    std::vector<std::string> sealed;
    commit_access(context, client, {{std::string(recipients_file_name), text}},
                  fmt::format("grant {} access to the secrets", member.id), sealed);
}

void run_revoke(Context& context, const AccessOptions& options) {
    protect_process_memory();
    auto client = context.client(options.client);
    auto team = context.workspace().technicians();
    const auto& recovery = context.workspace().recovery_recipient();

    // A key that no member of the team holds any more is revoked by giving the key itself.
    std::string key;
    std::string label;
    if (options.technician.starts_with("age1")) {
        key = age::X25519Recipient::parse(options.technician).to_string();
        label = holder_of(key, team, recovery);
        if (label.empty()) label = key;
    } else {
        const auto& member = find_technician(team, options.technician);
        key = member.key;
        label = member.id;
    }
    if (key == recovery) {
        throw Error(ErrorKind::usage, tr("the recovery recipient of dossier.yaml cannot be revoked"),
                    tr("change recovery_recipient in dossier.yaml first"));
    }

    std::map<std::string, std::string> files;
    for (const auto& path : recipients_files(client)) {
        auto text = read_file(client.directory / path);
        auto updated = without_key(text, key);
        if (updated == text) continue;
        if (read_recipients(client, path, updated).empty()) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("revoking {} would leave {} without any recipient: nothing was "
                                                    "changed")),
                                    label, path),
                        tr("grant access to another technician first"));
        }
        files[path] = updated;
    }

    // Secrets still sealed to the key after a hand edit of a recipients file are found by their
    // digest, so they are sealed again even when no file names the key any more.
    std::vector<std::string> sealed;
    if (!commit_access(context, client, files, fmt::format("revoke the access of {} to the secrets", label), sealed)) {
        print_notice(fmt::format(fmt::runtime(tr("{} cannot read the secrets of {}: nothing changed")), label,
                                 client.slug));
        return;
    }
    if (sealed.empty()) return;
    print_notice(fmt::format(fmt::runtime(tr("{} could read these secrets before, and Git history keeps them: "
                                             "change them, for example with dossier secret generate")),
                             label));
    std::string list;
    for (const auto& path : sealed) list += client.slug + "/" + path.substr(0, path.size() - 3) + "\n";
    print_data(list);
}

void run_list(Context& context, const AccessOptions& options) {
    std::vector<Client> clients;
    if (!options.client.empty()) {
        clients.push_back(context.client(options.client));
    } else {
        clients = context.workspace().clients();
    }
    auto team = context.workspace().technicians();
    const auto& recovery = context.workspace().recovery_recipient();

    auto json = nlohmann::ordered_json::array();
    std::string text;
    for (const auto& client : clients) {
        auto files = recipients_files(client);
        if (files.empty()) text += fmt::format(fmt::runtime(tr("{}: no recipients file, no secret can be stored\n")), client.slug);
        for (const auto& path : files) {
            std::vector<age::KeyFileProblem> problems;
            auto recipients = age::parse_recipients(read_file(client.directory / path), &problems);
            auto entry = nlohmann::ordered_json{{"client", client.slug}, {"file", path}, {"recipients", nlohmann::ordered_json::array()}};
            text += fmt::format("{}/{}\n", client.slug, path);
            for (const auto& recipient : recipients) {
                auto key = recipient.to_string();
                auto holder = holder_of(key, team, recovery);
                entry["recipients"].push_back({{"key", key}, {"technician", holder}});
                text += fmt::format("  {:<12} {}\n", holder.empty() ? std::string(tr("(unknown)")) : holder, key);
            }
            entry["problems"] = nlohmann::ordered_json::array();
            for (const auto& problem : problems) {
                text += "  " + problem.message + "\n";
                entry["problems"].push_back({{"line", problem.line}, {"message", problem.message}});
            }
            json.push_back(entry);
        }
    }
    if (options.json) {
        print_json(json);
    } else {
        print_data(text);
    }
}

}  // namespace

void add_access_command(CLI::App& app, Context& context) {
    auto* access = app.add_subcommand("access", tr("List, grant and revoke technicians' access to a client's secrets"));
    access->require_subcommand(1);

    auto list_options = std::make_shared<AccessOptions>();
    auto* list = access->add_subcommand("list", tr("List who may read each client's secrets, from its .age-recipients files"));
    list->add_option("--client", list_options->client, tr("Only this client"))->type_name(client_value);
    list->add_flag("--json", list_options->json, tr("Print a JSON array of {client, file, recipients: [{key, technician}], problems: [{line, message}]}"));
    list->callback([&context, list_options] { run_list(context, *list_options); });

    auto grant_options = std::make_shared<AccessOptions>();
    auto* grant = access->add_subcommand("grant", tr("Let a technician read a client's secrets: re-encrypts them in one commit"));
    grant->add_option("TECHNICIAN", grant_options->technician, tr("The technician's id in team/team.yaml"))->required();
    grant->add_option("--client", grant_options->client, tr("The client"))->type_name(client_value)->required();
    grant->callback([&context, grant_options] { run_grant(context, *grant_options); });

    auto revoke_options = std::make_shared<AccessOptions>();
    auto* revoke = access->add_subcommand("revoke", tr("Stop a technician from reading a client's secrets, and list those to change"));
    revoke->add_option("TECHNICIAN", revoke_options->technician,
                       tr("The technician's id in team/team.yaml, or an age1... key that no member holds any more"))
        ->required();
    revoke->add_option("--client", revoke_options->client, tr("The client"))->type_name(client_value)->required();
    revoke->callback([&context, revoke_options] { run_revoke(context, *revoke_options); });
}

}  // namespace dossier::cli
