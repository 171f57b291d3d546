// A credential document as the secret commands read and write it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "context.hpp"
#include "dossier/change.hpp"
#include "dossier/age.hpp"
#include "dossier/credential.hpp"
#include "dossier/reference.hpp"

namespace dossier::cli {

struct CredentialFile {
    Reference reference;
    std::string bytes;                 // the file as it is on disk
    std::optional<AgeBlockSpan> block; // where its secret is, when it has one

    std::string binding() const { return reference.to_string(); }
    std::string_view block_text() const { return std::string_view(bytes).substr(block->begin, block->end - block->begin); }
};

// Reads the credential `text` names. Throws Error(not_found) for a missing document and
// Error(invalid_input) when the document is not of type credential or its block is malformed.
CredentialFile read_credential(Context& context, const std::string& text);

// Reads the credential at `reference` (which exists), without the type check.
CredentialFile read_credential_at(const Reference& reference);

// Decrypts the credential's fields with the technician's identity. Throws Error(not_found)
// when the document holds no secret yet, and the errors of the identity and of age.
SecretFields open_credential(Context& context, const CredentialFile& file);

// Returns the recipients the credential must be encrypted to: its nearest recipients file,
// which must name the workspace's recovery recipient when dossier.yaml sets one.
RecipientsFile credential_recipients(Context& context, const Reference& reference);

// Returns the document's new bytes with `fields` sealed for `recipients`, the `recipients`
// digest updated and, when `rotated` is given, the `rotated` date set.
std::string sealed_credential(Context& context, const CredentialFile& file, const SecretFields& fields,
                              const RecipientsFile& recipients, const std::optional<std::string>& rotated);

// Returns the bytes of the document moved from `source` to `target`: its secret, when it holds
// one, sealed again for the new path and the recipients there. Throws Error(invalid_input) when
// the technician's identity cannot open it, so that nothing is moved.
std::string rebind_moved_secret(Context& context, const Reference& source, const Reference& target,
                                const std::string& bytes);

// Writes `files` (path in the repository, bytes) through `change` and commits them with
// `message`. When writing or committing fails, the files are put back as they were before the
// error is passed on, so the change is all or nothing. Returns the commit id, or nullopt when
// the files were already as written.
std::optional<std::string> commit_all_or_nothing(Change& change, const std::filesystem::path& repository_dir,
                                                 const std::vector<std::pair<std::string, std::string>>& files,
                                                 const std::string& message, const git::Signature& author);

}  // namespace dossier::cli
