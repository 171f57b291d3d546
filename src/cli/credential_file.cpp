#include "credential_file.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dossier/atomic_file.hpp"
#include "dossier/document.hpp"
#include "dossier/document_template.hpp"
#include "dossier/deferred_signals.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/identity.hpp"
#include "output.hpp"
#include "secret_input.hpp"

namespace dossier::cli {

const std::vector<age::Identity>& Context::identities() {
    if (identities_) return *identities_;
    protect_process_memory();
    auto keys = read_identity_file(find_identity_file(), passphrase_source());
    std::vector<age::Identity> identities;
    for (auto& key : keys) identities.emplace_back(std::move(key));
    identities_ = std::move(identities);
    return *identities_;
}

CredentialFile read_credential_at(const Reference& reference) {
    CredentialFile file{reference, read_file(reference.file()), std::nullopt};
    file.block = find_age_block(file.bytes, reference.file().string());
    return file;
}

CredentialFile read_credential(Context& context, const std::string& text) {
    auto reference = context.reference(text, true);
    auto file = read_credential_at(reference);
    auto document = Document::parse(file.bytes, reference.file().string());
    if (document.type() != "credential") {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("{} is a document of type {}, not a credential")), reference.to_string(),
                                document.type()),
                    fmt::format(fmt::runtime(tr("secrets live in credential documents: dossier new credential TITLE --client {}")),
                                reference.client.slug));
    }
    return file;
}

SecretFields open_credential(Context& context, const CredentialFile& file) {
    if (!file.block) {
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("{} holds no secret yet")), file.reference.to_string()),
                    fmt::format(fmt::runtime(tr("store one with: dossier secret set {}")), file.reference.to_string()));
    }
    const auto& identities = context.identities();
    try {
        return open_secret(file.block_text(), identities, file.binding());
    } catch (const age::AgeError& error) {
        if (error.failure() != age::Failure::no_match) throw;
        throw age::AgeError(
            age::Failure::no_match,
            fmt::format(fmt::runtime(tr("your identity cannot open the secret of {}")), file.reference.to_string()),
            fmt::format(fmt::runtime(tr("ask a technician who can read it to run: dossier access grant YOUR_ID --client {}")),
                        file.reference.client.slug));
    }
}

RecipientsFile credential_recipients(Context& context, const Reference& reference) {
    auto recipients = nearest_recipients(reference.client.directory, reference.path);
    const auto& recovery = context.workspace().recovery_recipient();
    if (recovery.empty()) return recipients;

    auto recovery_key = age::X25519Recipient::try_parse(recovery);
    if (!recovery_key) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("invalid recovery_recipient in dossier.yaml: {}")), recovery),
                    tr("set it to the age1... public key of the offline recovery identity"));
    }
    if (std::find(recipients.recipients.begin(), recipients.recipients.end(), *recovery_key) ==
        recipients.recipients.end()) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("{} does not name the recovery recipient of dossier.yaml")),
                                recipients.path.string()),
                    fmt::format(fmt::runtime(tr("add the line {} to it, or run dossier access grant for the client, "
                                                "which adds it")),
                                recovery));
    }
    return recipients;
}

std::string sealed_credential(Context& context, const CredentialFile& file, const SecretFields& fields,
                              const RecipientsFile& recipients, const std::optional<std::string>& rotated) {
    auto block = seal_secret(fields, file.binding(), recipients.recipients);
    auto document = Document::parse(replace_age_block(file.bytes, file.block, block), file.reference.file().string());
    document.set("recipients", recipients_digest(recipients.recipients));
    if (rotated) {
        const DocumentType* type = context.types().find("credential");
        document.set("rotated", yaml_for_field(type, "rotated", *rotated));
    }
    return document.to_bytes();
}

}  // namespace dossier::cli

namespace dossier::cli {

std::string rebind_moved_secret(Context& context, const Reference& source, const Reference& target,
                                const std::string& bytes) {
    auto block = find_age_block(bytes, source.file().string());
    if (!block) return bytes;

    CredentialFile file{source, bytes, block};
    SecretFields fields;
    try {
        fields = open_credential(context, file);
    } catch (const age::AgeError& error) {
        if (error.failure() != age::Failure::no_match) throw;
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("{} holds a secret bound to its path, and your identity cannot open it "
                                                "to bind it to the new path: nothing was moved")),
                                source.to_string()),
                    tr("ask a technician who can read the secret to move it"));
    }
    CredentialFile moved{target, bytes, block};
    auto recipients = credential_recipients(context, target);
    return sealed_credential(context, moved, fields, recipients, std::nullopt);
}

}  // namespace dossier::cli

namespace dossier::cli {

std::optional<std::string> commit_all_or_nothing(Change& change, const std::filesystem::path& repository_dir,
                                                 const std::vector<std::pair<std::string, std::string>>& files,
                                                 const std::string& message, const git::Signature& author) {
    std::vector<std::optional<std::string>> originals;
    for (const auto& [path, bytes] : files) {
        auto file = repository_dir / path;
        originals.push_back(std::filesystem::exists(file) ? std::optional(read_file(file)) : std::nullopt);
    }
    try {
        const DeferredSignals deferred;
        change.write_all(files);
        return change.commit(message, author);
    } catch (const Error&) {
        for (std::size_t i = 0; i < files.size(); ++i) {
            auto file = repository_dir / files[i].first;
            std::error_code ignored;
            if (originals[i]) {
                write_file_atomically(file, *originals[i]);
            } else {
                std::filesystem::remove(file, ignored);
            }
        }
        print_notice(tr("the change failed, so nothing was changed: the files were put back as they were"));
        throw;
    }
}

}  // namespace dossier::cli
