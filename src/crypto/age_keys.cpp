// X25519 recipients and identities of dossier/age.hpp, and the key files of `age -R` and `age -i`.
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>

#include "bech32.hpp"
#include "dossier/age.hpp"
#include "dossier/i18n.hpp"
#include "sodium_setup.hpp"

namespace dossier::age {
namespace {

constexpr std::string_view recipient_hrp = "age";
constexpr std::string_view identity_hrp = "AGE-SECRET-KEY-";
constexpr std::size_t max_echo = 100;

// `text` as it can be shown in a message: cut when long, and never a secret key pasted by
// mistake where a public key belongs.
std::string shown(std::string_view text) {
    std::string upper;
    for (const char c : text.substr(0, identity_hrp.size())) upper.push_back(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (upper == identity_hrp) return tr("(a secret identity, not shown)");
    if (text.size() <= max_echo) return std::string(text);
    return std::string(text.substr(0, max_echo)) + "…";
}

// Calls `line_handler(number, line)` for each line that is neither empty nor a comment.
template <typename Handler>
void for_each_key_line(std::string_view text, Handler&& line_handler) {
    int number = 0;
    while (!text.empty()) {
        ++number;
        const std::size_t newline = text.find('\n');
        std::string_view line = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (line.empty() || line.starts_with('#')) continue;
        line_handler(number, line);
    }
}

}  // namespace

std::optional<X25519Recipient> X25519Recipient::try_parse(std::string_view text) {
    auto decoded = crypto::bech32_decode(text);
    if (!decoded || decoded->hrp != recipient_hrp || decoded->data.size() != 32) return std::nullopt;
    std::array<unsigned char, 32> key{};
    std::copy_n(decoded->data.bytes(), 32, key.begin());
    return X25519Recipient(key);
}

X25519Recipient X25519Recipient::parse(std::string_view text) {
    if (auto recipient = try_parse(text)) return *recipient;
    throw Error(ErrorKind::invalid_input,
                fmt::format(fmt::runtime(tr("\"{}\" is not a valid age public key")), shown(text)),
                tr("an age public key is age1 followed by 58 lowercase letters and digits, as age-keygen prints it"));
}

std::string X25519Recipient::to_string() const { return std::string(crypto::bech32_encode(recipient_hrp, key_).view()); }

X25519Identity X25519Identity::generate() {
    crypto::ensure_sodium();
    SecretBytes key(32);
    randombytes_buf(key.bytes(), key.size());
    return X25519Identity(std::move(key));
}

X25519Identity X25519Identity::parse(std::string_view text) {
    auto decoded = crypto::bech32_decode(text);
    if (!decoded || decoded->hrp != identity_hrp || decoded->data.size() != 32) {
        throw Error(ErrorKind::invalid_input, tr("the text is not a valid age identity"),
                    tr("an age identity is AGE-SECRET-KEY-1 followed by 58 uppercase letters and digits, as "
                       "age-keygen writes it"));
    }
    return X25519Identity(std::move(decoded->data));
}

SecretBytes X25519Identity::to_string() const {
    SecretBytes text = crypto::bech32_encode("age-secret-key-", key_.span());
    for (char& c : std::span(text.data(), text.size())) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return text;
}

X25519Recipient X25519Identity::recipient() const {
    crypto::ensure_sodium();
    std::array<unsigned char, 32> public_key{};
    crypto_scalarmult_base(public_key.data(), key_.bytes());
    return X25519Recipient(public_key);
}

std::vector<X25519Recipient> parse_recipients(std::string_view text, std::vector<KeyFileProblem>* problems) {
    std::vector<X25519Recipient> recipients;
    for_each_key_line(text, [&](int number, std::string_view line) {
        if (auto recipient = X25519Recipient::try_parse(line)) {
            recipients.push_back(*recipient);
            return;
        }
        std::string message = fmt::format(fmt::runtime(tr("line {}: \"{}\" is not a valid age public key")), number,
                                          shown(line));
        if (problems == nullptr) {
            throw Error(ErrorKind::invalid_input, std::move(message),
                        tr("each line holds one age1... public key; lines starting with # are comments"));
        }
        problems->push_back({number, std::move(message)});
    });
    return recipients;
}

std::vector<X25519Identity> parse_identities(std::string_view text) {
    std::vector<X25519Identity> identities;
    for_each_key_line(text, [&](int number, std::string_view line) {
        try {
            identities.push_back(X25519Identity::parse(line));
        } catch (const Error&) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("line {} of the identity file is not a valid age identity")),
                                    number),
                        tr("each line holds one AGE-SECRET-KEY-1... identity; lines starting with # are comments"));
        }
    });
    return identities;
}

}  // namespace dossier::age
