#include "conflict_resolver.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "credential_file.hpp"
#include "dossier/credential.hpp"
#include "dossier/document.hpp"
#include "dossier/document_merge.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/identity.hpp"
#include "secret_input.hpp"

namespace dossier::cli {
namespace {

// An empty armored block that stands for the secret while the rest of a credential merges.
constexpr std::string_view secret_placeholder =
    "-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----\n";

// The age block of each version, where it has one.
struct Blocks {
    std::optional<AgeBlockSpan> base;
    std::optional<AgeBlockSpan> ours;
    std::optional<AgeBlockSpan> theirs;
};

std::optional<std::string_view> block_text(const std::string& text, const std::optional<AgeBlockSpan>& span) {
    if (!span) return std::nullopt;
    return std::string_view(text).substr(span->begin, span->end - span->begin);
}

// Returns the conflicting names for a message, "body" as the translated word.
std::string conflict_names(const std::vector<std::string>& conflicts) {
    std::vector<std::string> names;
    for (const auto& name : conflicts) names.push_back(name == "body" ? std::string(tr("the body")) : name);
    return fmt::format("{}", fmt::join(names, ", "));
}

std::string conflict_reason(const std::string& document_name, const std::vector<std::string>& conflicts) {
    return fmt::format(fmt::runtime(tr("{}: both sides changed {} differently")), document_name,
                       conflict_names(conflicts));
}

// Returns true when a passphrase can be read without standard input: from DOSSIER_PASSPHRASE_FD,
// or from the terminal that standard input is.
bool can_read_passphrase() {
    const char* descriptor = std::getenv("DOSSIER_PASSPHRASE_FD");
    return (descriptor != nullptr && *descriptor != '\0') || ::isatty(STDIN_FILENO) == 1;
}

// Returns the secret fields of one version, none when it has no block.
SecretFields open_version(const std::string& text, const std::optional<AgeBlockSpan>& span,
                          const std::vector<age::Identity>& identities, const std::string& binding) {
    if (!span) return {};
    return open_secret(*block_text(text, span), identities, binding);
}

bool same_field(const SecretBytes* a, const SecretBytes* b) {
    if (a == nullptr || b == nullptr) return a == b;
    return *a == *b;
}

// Merges the fields key by key as merge_document merges front matter: a field changed, added or
// removed on one side takes that side's value. Appends the fields changed differently on both
// sides to `conflicts`.
SecretFields merge_fields(const SecretFields& base, const SecretFields& ours, const SecretFields& theirs,
                          std::vector<std::string>& conflicts) {
    std::vector<std::string> names;
    for (const auto& entry : ours.entries()) names.push_back(entry.first);
    for (const auto& entry : theirs.entries()) {
        if (std::find(names.begin(), names.end(), entry.first) == names.end()) names.push_back(entry.first);
    }

    SecretFields merged;
    for (const auto& name : names) {
        const SecretBytes* base_value = base.find(name);
        const SecretBytes* our_value = ours.find(name);
        const SecretBytes* their_value = theirs.find(name);
        const SecretBytes* value = our_value;
        if (!same_field(our_value, their_value) && !same_field(base_value, their_value)) {
            if (!same_field(base_value, our_value)) {
                conflicts.push_back(name);
                continue;
            }
            value = their_value;
        }
        if (value != nullptr) merged.set(name, value->copy());
    }
    return merged;
}

// Returns `text` with its secret replaced by the placeholder and its `recipients` entry made
// `recipients_entry` (removed when nullopt), so that neither differs between the versions
// merged line by line: both are written again when the merged fields are sealed.
std::string without_secret(const std::string& text, const std::optional<AgeBlockSpan>& span,
                           const std::optional<std::string>& recipients_entry, const std::string& document_name) {
    auto document = Document::parse(span ? replace_age_block(text, span, secret_placeholder) : text, document_name);
    if (!document.has_front_matter()) return document.to_bytes();
    if (recipients_entry) {
        document.set_entry_text("recipients", *recipients_entry);
    } else {
        document.remove("recipients");
    }
    return document.to_bytes();
}

// The three versions of a credential and where their blocks are.
struct CredentialVersions {
    const std::optional<std::string>& base;
    const std::string& ours;
    const std::string& theirs;
    std::optional<AgeBlockSpan> base_span;
    std::optional<AgeBlockSpan> our_span;
    std::optional<AgeBlockSpan> their_span;
};

// Decrypts the fields of the three versions, bound to `binding`, and merges them. Appends the
// fields changed differently on both sides to `conflicts`.
SecretFields merge_secret_fields(const CredentialVersions& versions, const std::vector<age::Identity>& identities,
                                 const std::string& binding, std::vector<std::string>& conflicts) {
    auto base = versions.base ? open_version(*versions.base, versions.base_span, identities, binding) : SecretFields();
    auto ours = open_version(versions.ours, versions.our_span, identities, binding);
    auto theirs = open_version(versions.theirs, versions.their_span, identities, binding);
    return merge_fields(base, ours, theirs, conflicts);
}

// Merges the versions with their secret and its digest set aside, so that only the other front
// matter and the body can conflict. The result contains the placeholder where its secret goes.
DocumentMerge merge_without_secret(const CredentialVersions& versions, const std::string& document_name) {
    auto recipients_entry = Document::parse(versions.ours, document_name).entry_text("recipients");
    std::optional<std::string> base;
    if (versions.base) base = without_secret(*versions.base, versions.base_span, recipients_entry, document_name);
    return merge_document(base, without_secret(versions.ours, versions.our_span, recipients_entry, document_name),
                          without_secret(versions.theirs, versions.their_span, recipients_entry, document_name),
                          document_name);
}

}  // namespace

ConflictResolver::ConflictResolver(Context& context, const Client& client) : context_(context), client_(client) {}

std::optional<std::string> ConflictResolver::resolve(const std::string& path, const std::optional<std::string>& base,
                                                     const std::string& ours, const std::string& theirs,
                                                     std::string& reason) {
    auto outcome = merge(path, base, ours, theirs);
    if (!outcome.merged) reason = std::move(outcome.reason);
    return std::move(outcome.merged);
}

ConflictResolver::Outcome ConflictResolver::merge(const std::string& path, const std::optional<std::string>& base,
                                                  const std::string& ours, const std::string& theirs) {
    const Reference reference{client_, path};
    const std::string document_name = reference.to_string();
    Blocks blocks;
    try {
        if (base) blocks.base = find_age_block(*base, document_name);
        blocks.ours = find_age_block(ours, document_name);
        blocks.theirs = find_age_block(theirs, document_name);
    } catch (const Error& error) {
        return {std::nullopt, fmt::format(fmt::runtime(tr("cannot merge {}: {}")), document_name, error.what()),
                std::nullopt};
    }

    if (!blocks.base && !blocks.ours && !blocks.theirs) {
        auto merged = merge_document(base, ours, theirs, document_name);
        if (merged.clean) return {std::move(merged.bytes), {}, std::nullopt};
        return {std::nullopt, conflict_reason(document_name, merged.conflicts), std::move(merged.bytes)};
    }

    // A secret that one side left alone, or that both sides changed alike, merges as lines of
    // ciphertext: the merged block is then one side's block, bound to the same path.
    auto base_block = base ? block_text(*base, blocks.base) : std::nullopt;
    auto our_block = block_text(ours, blocks.ours);
    auto their_block = block_text(theirs, blocks.theirs);
    if (our_block == their_block || base_block == our_block || base_block == their_block) {
        auto merged = merge_document(base, ours, theirs, document_name);
        if (!merged.clean) return {std::nullopt, conflict_reason(document_name, merged.conflicts), std::nullopt};
        std::optional<AgeBlockSpan> span;
        try {
            span = find_age_block(merged.bytes, document_name);
        } catch (const Error&) {
            // Two blocks or a cut one: the lines did not merge into a credential.
        }
        auto changed_block = base_block == our_block ? their_block : our_block;
        if (block_text(merged.bytes, span) == changed_block) return {std::move(merged.bytes), {}, std::nullopt};
    }
    return merge_secret(path, base, ours, theirs);
}

const std::vector<age::Identity>* ConflictResolver::identities(std::string& reason) {
    if (identity_failure_) {
        reason = *identity_failure_;
        return nullptr;
    }
    try {
        if (identity_file_needs_passphrase(find_identity_file()) && !can_read_passphrase()) {
            throw Error(ErrorKind::usage, tr("your identity is protected by a passphrase and standard input is not a "
                                             "terminal to ask for it"));
        }
        return &context_.identities();
    } catch (const Error& error) {
        identity_failure_ = error.what();
        reason = *identity_failure_;
        return nullptr;
    }
}

ConflictResolver::Outcome ConflictResolver::merge_secret(const std::string& path,
                                                         const std::optional<std::string>& base,
                                                         const std::string& ours, const std::string& theirs) {
    protect_process_memory();
    const Reference reference{client_, path};
    const std::string document_name = reference.to_string();
    const auto failed = [&](const std::string& why) {
        return Outcome{std::nullopt,
                       fmt::format(fmt::runtime(tr("both sides changed the secret of {}, and it cannot be merged: {}")),
                                   document_name, why),
                       std::nullopt};
    };

    std::string reason;
    const auto* identities = this->identities(reason);
    if (identities == nullptr) return failed(reason);

    try {
        const CredentialVersions versions{base,
                                          ours,
                                          theirs,
                                          base ? find_age_block(*base, document_name) : std::nullopt,
                                          find_age_block(ours, document_name),
                                          find_age_block(theirs, document_name)};
        std::vector<std::string> conflicts;
        auto fields = merge_secret_fields(versions, *identities, document_name, conflicts);
        if (!conflicts.empty()) {
            return {std::nullopt,
                    fmt::format(fmt::runtime(trn("both sides changed the secret field {} of {} differently",
                                                 "both sides changed the secret fields {} of {} differently",
                                                 conflicts.size())),
                                fmt::join(conflicts, ", "), document_name),
                    std::nullopt};
        }

        auto plain = merge_without_secret(versions, document_name);
        if (!plain.clean) return {std::nullopt, conflict_reason(document_name, plain.conflicts), std::nullopt};
        CredentialFile file{reference, std::move(plain.bytes), std::nullopt};
        file.block = find_age_block(file.bytes, document_name);
        if (fields.empty()) {
            // The changes of both sides together remove every field, and the block with them.
            if (!file.block) return {std::move(file.bytes), {}, std::nullopt};
            return failed(tr("the merged secret would have no field left"));
        }
        // NOTE: during git merge the working tree still contains our recipients files, so
        // access that the other branch granted or revoked is not applied here. check then reports
        // the secret as stale-recipients.
        auto recipients = credential_recipients(context_, reference);
        return {sealed_credential(context_, file, fields, recipients, std::nullopt), {}, std::nullopt};
    } catch (const Error& error) {
        return failed(error.what());
    }
}

}  // namespace dossier::cli
