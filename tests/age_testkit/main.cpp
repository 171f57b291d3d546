// Runs the age test vectors of a folder (the C2SP CCTV format, see ../shared/age-testkit/README.md)
// through dossier's age implementation. The folder is $DOSSIER_AGE_TESTKIT, else the one shipped
// in the shared folder. Prints one line per failing or skipped vector, then a summary; exits
// non-zero when a vector fails or when there is none.
#include <sodium.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "age_decrypt.hpp"
#include "dossier/age.hpp"

namespace {

namespace age = dossier::age;

struct Vector {
    std::string expect;
    std::optional<std::string> payload;
    std::vector<std::string> identities;
    std::vector<std::string> passphrases;
    bool armored = false;
    bool compressed = false;
    std::string body;
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in) throw std::runtime_error("cannot read " + path.string());
    return content.str();
}

// Parses the vector; returns an error message when it cannot be run (a key or value the
// runner does not know), which counts the vector as skipped.
std::optional<std::string> parse_vector(const std::string& text, Vector& vector) {
    std::size_t position = 0;
    for (;;) {
        const std::size_t newline = text.find('\n', position);
        if (newline == std::string::npos) return "no empty line after the header";
        const std::string line = text.substr(position, newline - position);
        position = newline + 1;
        if (line.empty()) break;
        const std::size_t colon = line.find(": ");
        if (colon == std::string::npos) return "malformed header line: " + line;
        const std::string key = line.substr(0, colon);
        const std::string value = line.substr(colon + 2);
        if (key == "expect") {
            vector.expect = value;
        } else if (key == "payload") {
            vector.payload = value;
        } else if (key == "identity") {
            vector.identities.push_back(value);
        } else if (key == "passphrase") {
            vector.passphrases.push_back(value);
        } else if (key == "armored") {
            vector.armored = value == "yes";
        } else if (key == "compressed") {
            if (value != "zlib") return "unknown compression: " + value;
            vector.compressed = true;
        } else if (key == "file key" || key == "comment") {
        } else {
            return "unknown key: " + key;
        }
    }
    static const std::vector<std::string> outcomes = {"success",      "header failure", "payload failure",
                                                      "armor failure", "no match",      "HMAC failure"};
    if (std::find(outcomes.begin(), outcomes.end(), vector.expect) == outcomes.end()) {
        return "unknown expect: " + vector.expect;
    }
    vector.body = text.substr(position);
    return std::nullopt;
}

std::string inflate_zlib(const std::string& compressed) {
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK) throw std::runtime_error("inflateInit failed");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());
    std::string out;
    char buffer[65536];
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            inflateEnd(&stream);
            throw std::runtime_error("corrupt zlib data");
        }
        out.append(buffer, sizeof buffer - stream.avail_out);
    }
    inflateEnd(&stream);
    return out;
}

std::string sha256_hex(std::string_view bytes) {
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (const unsigned char byte : hash) {
        hex.push_back(digits[byte >> 4]);
        hex.push_back(digits[byte & 15]);
    }
    return hex;
}

std::string outcome_name(age::Failure failure) {
    switch (failure) {
    case age::Failure::header:
        return "header failure";
    case age::Failure::hmac:
        return "HMAC failure";
    case age::Failure::no_match:
        return "no match";
    case age::Failure::payload:
        return "payload failure";
    case age::Failure::armor:
        return "armor failure";
    }
    return "?";
}

// Records everything released, as a test sink.
class RecordingSink final : public age::ByteSink {
public:
    void write(std::span<const unsigned char> bytes) override {
        bytes_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    const std::string& bytes() const { return bytes_; }

private:
    std::string bytes_;
};

// Runs one vector; returns an empty string when it passes, else what went wrong.
std::string run_vector(const Vector& vector) {
    std::vector<age::Identity> identities;
    for (const std::string& text : vector.identities) identities.emplace_back(age::X25519Identity::parse(text));
    for (const std::string& text : vector.passphrases) {
        identities.emplace_back(age::ScryptIdentity{dossier::SecretBytes(text), 22});
    }
    const std::string file = vector.compressed ? inflate_zlib(vector.body) : vector.body;

    age::StringSource source(file);
    RecordingSink sink;
    std::string outcome = "success";
    std::string message;
    try {
        dossier::crypto::age_decrypt(identities, source, sink,
                                     vector.armored ? dossier::crypto::AgeInputFormat::armored
                                                    : dossier::crypto::AgeInputFormat::binary);
    } catch (const age::AgeError& error) {
        outcome = outcome_name(error.failure());
        message = error.what();
    } catch (const std::exception& error) {
        outcome = "other error";
        message = error.what();
    }
    std::string problems;
    if (outcome != vector.expect) {
        problems = "expected " + vector.expect + ", got " + outcome + (message.empty() ? "" : " (" + message + ")");
    }
    const std::string released = sha256_hex(sink.bytes());
    const std::string expected_payload = vector.payload.value_or(sha256_hex(""));
    if (released != expected_payload) {
        if (!problems.empty()) problems += "; ";
        problems += "released " + std::to_string(sink.bytes().size()) + " bytes with SHA-256 " + released +
                    ", expected " + expected_payload;
    }
    return problems;
}

}  // namespace

int main() {
    if (sodium_init() < 0) {
        std::fprintf(stderr, "cannot initialise libsodium\n");
        return 2;
    }
    const char* from_environment = std::getenv("DOSSIER_AGE_TESTKIT");
    const std::filesystem::path folder =
        from_environment != nullptr && *from_environment != '\0' ? from_environment : DOSSIER_SHARED_DIR "/age-testkit";
    std::vector<std::filesystem::path> paths;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        if (entry.is_regular_file() && entry.path().extension().empty()) paths.push_back(entry.path());
    }
    if (error) {
        std::fprintf(stderr, "cannot read the test vector folder %s: %s\n", folder.c_str(), error.message().c_str());
        return 2;
    }
    std::sort(paths.begin(), paths.end());

    int passed = 0;
    int failed = 0;
    int skipped = 0;
    for (const auto& path : paths) {
        const std::string name = path.filename().string();
        Vector vector;
        std::string text;
        try {
            text = read_file(path);
        } catch (const std::exception& e) {
            std::printf("FAIL %s: %s\n", name.c_str(), e.what());
            ++failed;
            continue;
        }
        if (const auto reason = parse_vector(text, vector)) {
            std::printf("SKIP %s: %s\n", name.c_str(), reason->c_str());
            ++skipped;
            continue;
        }
        std::string problems;
        try {
            problems = run_vector(vector);
        } catch (const std::exception& e) {
            problems = std::string("the runner failed: ") + e.what();
        }
        if (problems.empty()) {
            ++passed;
        } else {
            std::printf("FAIL %s: %s\n", name.c_str(), problems.c_str());
            ++failed;
        }
    }
    std::printf("%d passed, %d failed, %d skipped (%s)\n", passed, failed, skipped, folder.c_str());
    return failed > 0 || passed == 0 ? 1 : 0;
}
