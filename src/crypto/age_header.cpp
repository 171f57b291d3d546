#include "age_header.hpp"

#include "base64.hpp"
#include "dossier/age.hpp"
#include "dossier/i18n.hpp"
#include "hkdf.hpp"

namespace dossier::crypto {
namespace {

constexpr std::size_t max_line_length = 1U << 20;
constexpr std::size_t max_header_size = 16U << 20;
constexpr std::size_t body_columns = 64;
constexpr std::size_t body_line_bytes = 48;

[[noreturn]] void malformed(const char* message) {
    throw age::AgeError(age::Failure::header, tr(message), tr("the file is damaged, was changed, or is not an age file"));
}

std::vector<std::string_view> split_spaces(std::string_view line) {
    std::vector<std::string_view> parts;
    for (;;) {
        const std::size_t space = line.find(' ');
        parts.push_back(line.substr(0, space));
        if (space == std::string_view::npos) return parts;
        line.remove_prefix(space + 1);
    }
}

// Reads one LF-terminated header line and adds it to the bytes that the MAC covers.
void read_header_line(BufferedReader& in, std::string& line, std::string& mac_input) {
    switch (in.read_line(line, max_line_length)) {
    case BufferedReader::Line::newline:
        break;
    case BufferedReader::Line::too_long:
        malformed(N_("the age header is too large"));
    case BufferedReader::Line::end:
    case BufferedReader::Line::end_of_input:
        malformed(N_("the age header is truncated: it ends before its MAC line"));
    }
    if (mac_input.size() + line.size() >= max_header_size) malformed(N_("the age header is too large"));
}

}  // namespace

bool is_stanza_argument(std::string_view text) {
    if (text.empty()) return false;
    for (const char c : text) {
        if (c < 33 || c > 126) return false;
    }
    return true;
}

AgeHeader read_age_header(BufferedReader& in) {
    AgeHeader header;
    std::string line;
    switch (in.read_line(line, age_version_line.size() + 64)) {
    case BufferedReader::Line::newline:
        if (line == age_version_line) break;
        [[fallthrough]];
    default:
        throw age::AgeError(age::Failure::header,
                            tr("the file is not an age v1 file: it does not start with the line age-encryption.org/v1"),
                            tr("the file is damaged, was changed, or is not an age file"));
    }
    header.mac_input.append(line).push_back('\n');

    for (;;) {
        read_header_line(in, line, header.mac_input);
        if (line.starts_with("---")) {
            const auto parts = split_spaces(line);
            std::vector<unsigned char> mac;
            if (parts.size() != 2 || parts[0] != "---" || !base64_decode_unpadded(parts[1], mac) || mac.size() != 32) {
                malformed(N_("the age header's MAC line is malformed"));
            }
            std::copy(mac.begin(), mac.end(), header.mac.begin());
            header.mac_input.append("---");
            return header;
        }
        if (!line.starts_with("->")) malformed(N_("the age header has a line that is neither a stanza nor the MAC line"));
        const auto parts = split_spaces(line);
        if (parts[0] != "->" || parts.size() < 2) malformed(N_("the age header has a malformed stanza line"));
        Stanza stanza;
        for (std::size_t i = 1; i < parts.size(); ++i) {
            if (!is_stanza_argument(parts[i])) malformed(N_("the age header has a malformed stanza line"));
            if (i == 1) {
                stanza.type = parts[i];
            } else {
                stanza.args.emplace_back(parts[i]);
            }
        }
        header.mac_input.append(line).push_back('\n');

        // The body: full 64-column lines, then one shorter line (possibly empty) that ends it.
        for (;;) {
            read_header_line(in, line, header.mac_input);
            const std::size_t before = stanza.body.size();
            if (line.size() > body_columns || !base64_decode_unpadded(line, stanza.body)) {
                malformed(N_("the age header has a stanza body that is not canonical base64 in 64-column lines"));
            }
            header.mac_input.append(line).push_back('\n');
            if (stanza.body.size() - before < body_line_bytes) break;
        }
        header.stanzas.push_back(std::move(stanza));
    }
}

std::array<unsigned char, 32> age_header_mac(const SecretBytes& file_key, std::string_view mac_input) {
    const SecretBytes key = hkdf_sha256({}, file_key.span(), "header", 32);
    std::array<unsigned char, 32> mac{};
    hmac_sha256(key.span(), {reinterpret_cast<const unsigned char*>(mac_input.data()), mac_input.size()}, mac.data());
    return mac;
}

std::string write_age_header(const std::vector<Stanza>& stanzas, const SecretBytes& file_key) {
    std::string out(age_version_line);
    out.push_back('\n');
    for (const Stanza& stanza : stanzas) {
        out.append("-> ").append(stanza.type);
        for (const std::string& arg : stanza.args) out.append(" ").append(arg);
        out.push_back('\n');
        std::span<const unsigned char> body = stanza.body;
        for (;;) {
            const std::size_t take = std::min(body.size(), body_line_bytes);
            base64_encode_unpadded(body.first(take), out);
            out.push_back('\n');
            body = body.subspan(take);
            if (take < body_line_bytes) break;
        }
    }
    out.append("---");
    const auto mac = age_header_mac(file_key, out);
    out.push_back(' ');
    base64_encode_unpadded(mac, out);
    out.push_back('\n');
    return out;
}

}  // namespace dossier::crypto
