// Clients, commits and secret access shared by the importers of IT Glue and Hudu exports.
#include "platform_clients.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/document.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"
#include "field_values.hpp"
#include "record_source.hpp"

namespace dossier::importers {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr std::string_view client_file = "client.md";

std::string client_source(const Client& client) {
    try {
        auto document = Document::parse(read_file(client.directory / client_file), std::string(client_file));
        return document.field("source");
    } catch (const Error&) {
        return {};  // left to dossier check; the client is matched by slug or name
    }
}

Error no_client(const std::string& slug) {
    return Error(ErrorKind::not_found, fmt::format(fmt::runtime(tr("no client {} in the workspace")), slug));
}

}  // namespace

// --- PlatformClients ---------------------------------------------------------------------

PlatformClients::PlatformClients(const Workspace& workspace) : workspace_(workspace) {
    for (const auto& client : workspace_.clients()) remember(client, client_source(client));
}

void PlatformClients::remember(const Client& client, const std::string& source) {
    if (!source.empty()) by_source_.emplace(source, client);
    by_name_.emplace(comparable_name(client.slug), client);
    by_name_.emplace(comparable_name(client.name), client);
    sources_[client.slug] = source;
}

std::optional<Client> PlatformClients::find(const std::string& source, const std::string& name,
                                            const std::string& slug) {
    if (auto found = by_source_.find(source); found != by_source_.end()) return found->second;
    for (const auto& key : {comparable_name(slug), comparable_name(name)}) {
        auto found = by_name_.find(key);
        if (found == by_name_.end()) continue;
        // A client that came from another record of the platform is not this one.
        const auto& other = sources_[found->second.slug];
        if (other.empty() || other == source) return found->second;
    }
    return std::nullopt;
}

std::string PlatformClients::free_slug(const std::string& name, const std::string& fallback,
                                       const std::string& id) const {
    std::string slug;
    try {
        slug = client_slug(name, "");
    } catch (const Error&) {
        slug = fallback + "-" + id;
    }
    auto is_taken = [&](const std::string& candidate) {
        return fs::exists(workspace_.clients_dir() / candidate) || planned_.contains(candidate) ||
               by_name_.contains(comparable_name(candidate));
    };
    if (is_taken(slug)) slug += "-" + id;
    const auto base = slug;
    for (int suffix = 2; is_taken(slug); ++suffix) slug = base + "-" + std::to_string(suffix);
    return slug;
}

PlatformClient PlatformClients::resolve(const std::string& source, const std::string& name, const std::string& id,
                                        const ClientCreation& creation) {
    PlatformClient entry;
    entry.name = name;
    entry.source = source;
    if (auto client = find(source, name, slugify(name))) {
        entry.slug = client->slug;
        entry.outcome = PlatformClientOutcome::found;
    } else if (creation.dry_run) {
        entry.slug = free_slug(name, creation.fallback_slug, id);
        entry.outcome = PlatformClientOutcome::to_create;
        planned_.insert(entry.slug);
    } else {
        entry.slug = free_slug(name, creation.fallback_slug, id);
        // NOTE: a client is created with its own commit, as client add does, so a failure
        // later in the import leaves the clients created so far, without their records.
        auto created =
            workspace_.add_client(name, entry.slug, creation.language, creation.author(), creation.today);
        entry.outcome = PlatformClientOutcome::created;
        auto repository = git::Repository::open(created.directory);
        entry.creation_commit = repository.head_commit();
    }
    by_source_.erase(source);
    if (entry.outcome != PlatformClientOutcome::to_create) {
        auto client = workspace_.find_client(entry.slug);
        if (!client) throw no_client(entry.slug);
        remember(*client, source);
    }
    return entry;
}

std::optional<std::string> PlatformClients::slug_of_source(const std::string& source) const {
    auto found = by_source_.find(source);
    if (found == by_source_.end()) return std::nullopt;
    return found->second.slug;
}

std::optional<std::string> PlatformClients::slug_named(const std::string& name) const {
    auto found = by_name_.find(comparable_name(name));
    if (found == by_name_.end()) return std::nullopt;
    return found->second.slug;
}

// --- ClientChanges -----------------------------------------------------------------------

ClientWork& ClientChanges::work_for(const std::string& slug) {
    if (auto found = work_.find(slug); found != work_.end()) return *found->second;
    auto client = workspace_.find_client(slug);
    if (!client) throw no_client(slug);
    auto work = std::make_unique<ClientWork>();
    work->client = *client;
    work->repository = std::make_unique<git::Repository>(git::Repository::open(client->directory));
    work->change = std::make_unique<Change>(*work->repository);
    return *work_.emplace(slug, std::move(work)).first->second;
}

void ClientChanges::write(const std::string& slug, const std::string& path, const std::string& bytes) {
    auto& work = work_for(slug);
    work.change->write(path, bytes);
    work.written.insert(path);
}

std::optional<std::string> ClientChanges::commit(const std::string& slug, const std::string& message,
                                                 const std::function<git::Signature(const git::Repository*)>& author) {
    auto found = work_.find(slug);
    if (found == work_.end() || found->second->committed) return std::nullopt;
    auto& work = *found->second;
    auto id = work.change->commit(message, author(work.repository.get()));
    work.committed = true;
    return id;
}

std::vector<std::string> ClientChanges::slugs() const {
    std::vector<std::string> slugs;
    for (const auto& [slug, work] : work_) slugs.push_back(slug);
    return slugs;
}

void ClientChanges::roll_back() noexcept {
    for (auto& [slug, work] : work_) {
        if (work->committed) continue;
        for (const auto& path : work->written) {
            try {
                auto committed = work->repository->read_at("HEAD", path);
                if (committed) {
                    write_file_atomically(work->client.directory / path, *committed);
                } else {
                    std::error_code error;
                    fs::remove(work->client.directory / path, error);
                }
            } catch (...) {
            }
        }
    }
}

// --- SecretAccess ------------------------------------------------------------------------

std::optional<std::string> SecretAccess::give(PlatformClient& entry, ClientChanges& changes) {
    if (entry.outcome != PlatformClientOutcome::to_create &&
        find_recipients_file(workspace_.clients_dir() / entry.slug, "credentials/credential.md")) {
        return std::nullopt;
    }
    if (!technician_ || technician_->key.empty()) {
        return tr("the client has no recipients file and the technician running the import has no age key in "
                  "team/team.yaml, so its passwords are not imported: run dossier access grant, then import "
                  "again");
    }
    std::vector<age::X25519Recipient> recipients{age::X25519Recipient::parse(technician_->key)};
    std::string text = fmt::format(fmt::runtime(tr("# Who may read the secrets of {}: one age public key per line.\n"
                                                   "# Change it with dossier access grant and revoke.\n")),
                                   entry.slug);
    text += fmt::format("# {}\n{}\n", technician_->id, technician_->key);
    const auto& recovery = workspace_.recovery_recipient();
    if (!recovery.empty()) {
        recipients.push_back(age::X25519Recipient::parse(recovery));
        text += fmt::format("# recovery\n{}\n", recovery);
    }
    entry.access_granted = true;
    if (dry_run_) {
        planned_[entry.slug] = std::move(recipients);
    } else {
        changes.write(entry.slug, std::string(recipients_file_name), text);
    }
    return std::nullopt;
}

RecipientsFile SecretAccess::recipients_for(
    const Client& client, const std::string& path,
    const std::function<RecipientsFile(const Client&, const std::string&)>& nearest) const {
    if (auto planned = planned_.find(client.slug); planned != planned_.end()) {
        return RecipientsFile{client.directory / recipients_file_name, planned->second};
    }
    return nearest(client, path);
}

// --- client.md and counts ----------------------------------------------------------------

std::vector<std::string> set_client_fields(const PlatformClient& entry,
                                           const std::vector<std::pair<std::string, ordered_json>>& values,
                                           ClientChanges& changes, bool dry_run) {
    auto is_empty = [](const ordered_json& value) {
        return value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty()) ||
               (value.is_array() && value.empty());
    };
    std::vector<std::string> changed;
    if (entry.outcome == PlatformClientOutcome::to_create) {
        for (const auto& [key, value] : values) {
            if (!is_empty(value)) changed.push_back(key);
        }
        return changed;
    }
    const auto directory = changes.workspace().clients_dir() / entry.slug;
    auto document = Document::parse(read_file(directory / client_file), std::string(client_file));
    for (const auto& [key, value] : values) {
        if (is_empty(value)) continue;
        const Value* current = document.front_matter().find(key);
        if (current != nullptr && current->to_json() == value) continue;
        document.set(key, yaml_line(value, false));
        changed.push_back(key);
    }
    if (!changed.empty() && !dry_run) changes.write(entry.slug, std::string(client_file), document.to_bytes());
    return changed;
}

void count_record(std::vector<PlatformCounts>& counts, const std::string& kind, const RecordResult& result) {
    auto found = std::find_if(counts.begin(), counts.end(), [&](const PlatformCounts& entry) {
        return entry.client == result.client && entry.kind == kind;
    });
    if (found == counts.end()) {
        counts.push_back({result.client, kind, 0, 0, 0, 0});
        found = counts.end() - 1;
    }
    switch (result.outcome) {
        case RecordOutcome::created: ++found->created; break;
        case RecordOutcome::updated: ++found->updated; break;
        case RecordOutcome::unchanged: ++found->unchanged; break;
        case RecordOutcome::rejected: ++found->rejected; break;
    }
}

std::string reference_of(const std::string& path) {
    return path.ends_with(".md") ? path.substr(0, path.size() - 3) : path;
}

}  // namespace dossier::importers
