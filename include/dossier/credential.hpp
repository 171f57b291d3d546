// Credential documents: secret fields sealed in one armored age block, bound to the document.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dossier/age.hpp"
#include "dossier/secret_bytes.hpp"

namespace dossier {

// The name of the recipients files of a client repository.
inline constexpr std::string_view recipients_file_name = ".age-recipients";

// The plaintext key that binds a secret to its document; no secret field may use it.
inline constexpr std::string_view binding_key = "document";

// The secret fields of a credential (password, otp_secret, recovery_codes, notes…), in order.
class SecretFields {
public:
    // Returns the value of `name`, or nullptr.
    const SecretBytes* find(std::string_view name) const;
    // Sets `name` to `value`, keeping its place when it exists, else appending it.
    // Throws Error(usage) when `name` is not a valid field name (see check_secret_field_name)
    // and Error(invalid_input) when `value` is not UTF-8 text.
    void set(const std::string& name, SecretBytes value);
    bool remove(std::string_view name);
    bool empty() const noexcept { return entries_.empty(); }
    const std::vector<std::pair<std::string, SecretBytes>>& entries() const noexcept { return entries_; }

private:
    std::vector<std::pair<std::string, SecretBytes>> entries_;
};

// Throws Error(usage) unless `name` is a lower-case field name of letters, digits and '_'
// starting with a letter, other than the binding key.
void check_secret_field_name(std::string_view name);

// Returns the plaintext sealed in a credential's block: YAML with the binding (`document:
// client/path`) and each field as a double-quoted string, padded with a comment to a multiple
// of 256 bytes so that the block's size tells little about the secret's.
SecretBytes secret_plaintext(const SecretFields& fields, std::string_view binding);

// Reads plaintext written by secret_plaintext (or by hand, as YAML with string values). Throws
// Error(invalid_input) when it is not a mapping of text values, and when it is bound to
// another document than `binding`: a block copied from elsewhere, or a file renamed outside
// dossier. The message names both documents.
SecretFields parse_secret_plaintext(std::string_view plaintext, std::string_view binding);

// Where a credential's armored block is in the document's text.
struct AgeBlockSpan {
    std::size_t begin = 0;  // offset of "-----BEGIN AGE ENCRYPTED FILE-----"
    std::size_t end = 0;    // offset after the line ending of the END line (or the text's end)
    int line = 0;           // 1-based line of the BEGIN line
};

// Finds the one armored age block that starts at column 0 in `text`. Returns nullopt when there
// is none. Throws Error(invalid_input) located in `display_path` when there are several, or when
// the block has no END line.
std::optional<AgeBlockSpan> find_age_block(std::string_view text, const std::string& display_path);

// Returns "sha256:" and the hex SHA-256 of the recipients, sorted and unique, one per line:
// the same set in any order gives the same digest.
std::string recipients_digest(std::span<const age::X25519Recipient> recipients);

// The recipients that a document's secrets are encrypted to.
struct RecipientsFile {
    std::filesystem::path path;  // absolute
    std::vector<age::X25519Recipient> recipients;
};

// Returns the path in the client repository of the recipients file nearest to `document_path`:
// the one in its folder, else in each parent up to the client's folder. Returns nullopt when
// there is none.
std::optional<std::string> find_recipients_file(const std::filesystem::path& client_dir,
                                                const std::string& document_path);

// Returns the nearest recipients file for the document at `document_path` (relative to the
// client folder): the one in its folder, else in each parent up to the client's folder.
// Throws Error(not_found) naming the folders looked at and the command that grants access when
// there is none, and Error(invalid_input) located at file:line for a malformed key or a file
// that names no key.
RecipientsFile nearest_recipients(const std::filesystem::path& client_dir, const std::string& document_path);

// Encrypts `fields` bound to `binding` for `recipients` and returns the armored block.
std::string seal_secret(const SecretFields& fields, std::string_view binding,
                        std::span<const age::X25519Recipient> recipients);

// Decrypts the armored `block` with `identities` and returns its fields. Throws age::AgeError
// when it does not open, and Error(invalid_input) as parse_secret_plaintext.
SecretFields open_secret(std::string_view block, std::span<const age::Identity> identities, std::string_view binding);

// Returns `text` (a whole document) with the block `span` replaced by `block`, or with `block`
// appended after an empty line when `span` is nullopt.
std::string replace_age_block(std::string_view text, const std::optional<AgeBlockSpan>& span, std::string_view block);

}  // namespace dossier
