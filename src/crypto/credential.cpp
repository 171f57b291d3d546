#include "dossier/credential.hpp"

#include <sodium.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/text.hpp"

namespace fs = std::filesystem;

namespace dossier {
namespace {

constexpr std::string_view begin_line = "-----BEGIN AGE ENCRYPTED FILE-----";
constexpr std::string_view end_line = "-----END AGE ENCRYPTED FILE-----";
constexpr std::size_t padding_unit = 256;

// Appends `value` as a YAML double-quoted scalar. Every byte below 0x20, DEL and the Unicode
// line breaks are escaped, so a value always stays on its line whatever it holds.
void append_quoted(SecretBytes& out, std::string_view value) {
    out.append("\"");
    for (std::size_t i = 0; i < value.size(); ++i) {
        auto byte = static_cast<unsigned char>(value[i]);
        if (byte == '"' || byte == '\\') {
            char escaped[2] = {'\\', static_cast<char>(byte)};
            out.append({escaped, 2});
        } else if (byte == '\n') {
            out.append("\\n");
        } else if (byte == '\t') {
            out.append("\\t");
        } else if (byte < 0x20 || byte == 0x7f) {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            out.append({escaped, 4});
        } else if (value.substr(i).starts_with("\xc2\x85") || value.substr(i).starts_with("\xe2\x80\xa8") ||
                   value.substr(i).starts_with("\xe2\x80\xa9") || value.substr(i).starts_with("\xef\xbb\xbf")) {
            // NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR and BOM: escaped as code points.
            std::string_view rest = value.substr(i);
            const char* escaped = rest.starts_with("\xc2\x85") ? "\\N"
                                  : rest.starts_with("\xe2\x80\xa8") ? "\\L"
                                  : rest.starts_with("\xe2\x80\xa9") ? "\\P"
                                                                       : "\\uFEFF";
            out.append(escaped);
            i += rest.starts_with("\xc2\x85") ? 1 : 2;
        } else {
            out.append(value.substr(i, 1));
        }
    }
    out.append("\"");
}

std::string hex(const unsigned char* bytes, std::size_t size) {
    std::string text(size * 2 + 1, '\0');
    sodium_bin2hex(text.data(), text.size(), bytes, size);
    text.pop_back();
    return text;
}

// Returns the offset just after the line that starts at `offset`, line ending included.
std::size_t next_line(std::string_view text, std::size_t offset) {
    auto newline = text.find('\n', offset);
    return newline == std::string_view::npos ? text.size() : newline + 1;
}

std::string_view line_at(std::string_view text, std::size_t offset) {
    auto line = text.substr(offset, next_line(text, offset) - offset);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    return line;
}

}  // namespace

void check_secret_field_name(std::string_view name) {
    bool valid = !name.empty() && name.size() <= 64 && name.front() >= 'a' && name.front() <= 'z' &&
                 std::all_of(name.begin(), name.end(), [](char c) {
                     return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                 });
    if (!valid) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("invalid secret field name: {}")), name),
                    tr("use lower-case letters, digits and _, starting with a letter, such as password or otp_secret"));
    }
    if (name == binding_key) {
        throw Error(ErrorKind::usage, fmt::format(fmt::runtime(tr("the secret field name {} is reserved")), name),
                    tr("dossier uses it to bind the secret to its document; choose another name"));
    }
}

const SecretBytes* SecretFields::find(std::string_view name) const {
    for (const auto& [key, value] : entries_) {
        if (key == name) return &value;
    }
    return nullptr;
}

void SecretFields::set(const std::string& name, SecretBytes value) {
    check_secret_field_name(name);
    if (find_invalid_utf8(value.view()) != std::string_view::npos) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("the value of the secret field {} is not UTF-8 text")), name),
                    tr("store binary secrets encoded in Base64"));
    }
    for (auto& [key, existing] : entries_) {
        if (key == name) {
            existing = std::move(value);
            return;
        }
    }
    entries_.emplace_back(name, std::move(value));
}

bool SecretFields::remove(std::string_view name) {
    auto found = std::find_if(entries_.begin(), entries_.end(), [&](const auto& entry) { return entry.first == name; });
    if (found == entries_.end()) return false;
    entries_.erase(found);
    return true;
}

SecretBytes secret_plaintext(const SecretFields& fields, std::string_view binding) {
    SecretBytes text;
    text.append("# dossier credential: the secret fields of one document, as YAML.\n");
    text.append(binding_key);
    text.append(": ");
    append_quoted(text, binding);
    text.append("\n");
    for (const auto& [name, value] : fields.entries()) {
        text.append(name);
        text.append(": ");
        append_quoted(text, value.view());
        text.append("\n");
    }

    // A comment line pads the text to the next multiple of the unit.
    constexpr std::string_view padding_start = "# padding ";
    auto unpadded = text.size() + padding_start.size() + 1;
    auto target = (unpadded + padding_unit - 1) / padding_unit * padding_unit;
    text.append(padding_start);
    text.append(std::string(target - unpadded, '.'));
    text.append("\n");
    return text;
}

SecretFields parse_secret_plaintext(std::string_view plaintext, std::string_view binding) {
    auto invalid = [] {
        return Error(ErrorKind::invalid_input, tr("the decrypted secret is not a mapping of text fields"),
                     tr("the block was not written by dossier; decrypt it by hand with age -d to see it"));
    };
    YAML::Node root;
    try {
        root = YAML::Load(std::string(plaintext));
    } catch (const YAML::Exception&) {
        // The message of yaml-cpp may quote the secret, so it is not shown.
        throw invalid();
    }
    if (!root.IsMap()) throw invalid();

    auto bound = root[std::string(binding_key)];
    std::string bound_to = bound && bound.IsScalar() ? bound.Scalar() : std::string();
    if (bound_to != binding) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("the secret block of {} belongs to {}")), binding,
                                bound_to.empty() ? tr("no document") : bound_to),
                    tr("a block copied from another document is refused; if the file was renamed outside dossier, "
                       "move it back and use dossier mv"));
    }

    SecretFields fields;
    for (const auto& entry : root) {
        if (!entry.first.IsScalar() || !entry.second.IsScalar()) throw invalid();
        auto name = entry.first.Scalar();
        if (name == binding_key) continue;
        fields.set(name, SecretBytes(entry.second.Scalar()));
    }
    return fields;
}

std::optional<AgeBlockSpan> find_age_block(std::string_view text, const std::string& display_path) {
    std::optional<AgeBlockSpan> found;
    std::optional<AgeBlockSpan> open;
    int line = 1;
    for (std::size_t offset = 0; offset < text.size(); offset = next_line(text, offset), ++line) {
        auto current = line_at(text, offset);
        if (open) {
            if (current == end_line) {
                open->end = next_line(text, offset);
                found = open;
                open.reset();
            }
            continue;
        }
        if (current != begin_line) continue;
        if (found) {
            throw Error(ErrorKind::invalid_input, SourceLocation{display_path, line, 1, std::string(begin_line)},
                        fmt::format(fmt::runtime(tr("a second age block starts on line {}; a credential holds one")),
                                    line),
                        fmt::format(fmt::runtime(tr("keep the block that starts on line {} and remove the other")),
                                    found->line));
        }
        open = AgeBlockSpan{offset, 0, line};
    }
    if (open) {
        throw Error(ErrorKind::invalid_input, SourceLocation{display_path, open->line, 1, std::string(begin_line)},
                    tr("the age block has no END line"),
                    tr("the file was cut; find the last good version with dossier log, then dossier restore it"));
    }
    return found;
}

std::string recipients_digest(std::span<const age::X25519Recipient> recipients) {
    std::set<std::string> sorted;
    for (const auto& recipient : recipients) sorted.insert(recipient.to_string());
    std::string joined;
    for (const auto& key : sorted) joined += key + "\n";
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(joined.data()), joined.size());
    return "sha256:" + hex(digest, sizeof digest);
}

std::optional<std::string> find_recipients_file(const fs::path& client_dir, const std::string& document_path) {
    for (auto folder = fs::path(document_path).parent_path();; folder = folder.parent_path()) {
        if (fs::exists(client_dir / folder / recipients_file_name)) return (folder / recipients_file_name).generic_string();
        if (folder.empty()) return std::nullopt;
    }
}

RecipientsFile nearest_recipients(const fs::path& client_dir, const std::string& document_path) {
    auto found = find_recipients_file(client_dir, document_path);
    if (!found) {
        std::vector<std::string> looked;
        for (auto folder = fs::path(document_path).parent_path();; folder = folder.parent_path()) {
            looked.push_back((folder / recipients_file_name).generic_string());
            if (folder.empty()) break;
        }
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("no recipients file for {}: looked for {}")), document_path,
                                fmt::join(looked, ", ")),
                    tr("grant access with: dossier access grant TECHNICIAN --client CLIENT"));
    }
    auto candidate = client_dir / *found;
    auto text = read_file(candidate);
    std::vector<age::KeyFileProblem> problems;
    auto recipients = age::parse_recipients(text, &problems);
    if (!problems.empty()) {
        throw Error(ErrorKind::invalid_input,
                    SourceLocation{candidate, problems.front().line, 1, {}},
                    fmt::format(fmt::runtime(tr("invalid recipient in {}: {}")), candidate.string(),
                                problems.front().message),
                    tr("each line holds one age1... public key; fix or remove that line"));
    }
    if (recipients.empty()) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("{} names no recipient")), candidate.string()),
                    tr("grant access with: dossier access grant TECHNICIAN --client CLIENT"));
    }
    return {candidate, std::move(recipients)};
}

std::string seal_secret(const SecretFields& fields, std::string_view binding,
                        std::span<const age::X25519Recipient> recipients) {
    std::vector<age::Recipient> targets(recipients.begin(), recipients.end());
    auto plaintext = secret_plaintext(fields, binding);
    return age::encrypt(targets, plaintext.view(), age::Armor::yes);
}

SecretFields open_secret(std::string_view block, std::span<const age::Identity> identities, std::string_view binding) {
    auto plaintext = age::decrypt(identities, block);
    return parse_secret_plaintext(plaintext.view(), binding);
}

std::string replace_age_block(std::string_view text, const std::optional<AgeBlockSpan>& span, std::string_view block) {
    std::string block_text(block);
    if (!block_text.empty() && block_text.back() != '\n') block_text += '\n';
    if (span) {
        return std::string(text.substr(0, span->begin)) + block_text + std::string(text.substr(span->end));
    }
    std::string result(text);
    if (!result.empty() && result.back() != '\n') result += '\n';
    if (!result.empty() && !result.ends_with("\n\n")) result += '\n';
    return result + block_text;
}

}  // namespace dossier
