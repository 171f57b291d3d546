// The age v1 header: the version line, recipient stanzas and the MAC line, parsed with every
// canonical-form rule of the specification and written in that same form.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "buffered_reader.hpp"
#include "dossier/secret_bytes.hpp"

namespace dossier::crypto {

inline constexpr std::string_view age_version_line = "age-encryption.org/v1";

// One recipient stanza: `-> TYPE ARG...` then its body.
struct Stanza {
    std::string type;
    std::vector<std::string> args;
    std::vector<unsigned char> body;
};

struct AgeHeader {
    std::vector<Stanza> stanzas;
    std::string mac_input;  // the header bytes that the MAC covers, through "---"
    std::array<unsigned char, 32> mac{};
};

// Reads the header from `in`, leaving it at the first byte after the MAC line's LF. Throws
// AgeError(header) when the header is malformed, not canonical, or truncated.
AgeHeader read_age_header(BufferedReader& in);

// Writes `stanzas` and the MAC under `file_key` in canonical form, MAC line and LF included.
std::string write_age_header(const std::vector<Stanza>& stanzas, const SecretBytes& file_key);

// The header MAC of `mac_input` under `file_key`.
std::array<unsigned char, 32> age_header_mac(const SecretBytes& file_key, std::string_view mac_input);

// Whether `text` is a valid stanza argument: one or more printable ASCII characters.
bool is_stanza_argument(std::string_view text);

}  // namespace dossier::crypto
