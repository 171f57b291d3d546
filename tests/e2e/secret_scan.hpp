// Helpers of the secret leak tests: canary strings, byte-by-byte scans of folders and Git
// objects, and a look inside age blocks (their X25519 stanzas).
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "process.hpp"

namespace dossier::e2e::scan {

namespace fs = std::filesystem;

// A random string of lower-case letters and digits, different on every run.
inline std::string random_token(std::size_t length) {
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device device;
    std::uniform_int_distribution<int> pick(0, 35);
    std::string token;
    for (std::size_t i = 0; i < length; ++i) token += alphabet[pick(device)];
    return token;
}

// RFC 4648 Base32, upper case, without padding when the length is a multiple of 5.
inline std::string base32(const std::string& bytes) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out += alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
    while (out.size() % 8 != 0) out += '=';
    return out;
}

// Standard Base64 decoding that skips line breaks and stops at padding.
inline std::string base64_decode(const std::string& text) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        int value = -1;
        if (c >= 'A' && c <= 'Z') value = c - 'A';
        if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
        if (c >= '0' && c <= '9') value = c - '0' + 52;
        if (c == '+') value = 62;
        if (c == '/') value = 63;
        if (c == '=') break;
        if (value < 0) continue;
        buffer = (buffer << 6) | static_cast<unsigned>(value);
        bits += 6;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

// Standard Base64 with padding, in lines of 64 characters as age's armor writes it.
inline std::string base64_armor_lines(const std::string& bytes) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? alphabet[n & 63] : '=';
    }
    std::string lines;
    for (std::size_t i = 0; i < out.size(); i += 64) lines += out.substr(i, 64) + "\n";
    return lines;
}

// An armored block around the binary age file `bytes`.
inline std::string armor(const std::string& bytes) {
    return "-----BEGIN AGE ENCRYPTED FILE-----\n" + base64_armor_lines(bytes) + "-----END AGE ENCRYPTED FILE-----\n";
}

inline std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// The armored age block of a document, BEGIN and END lines included, or "" when there is none.
inline std::string armored_block(const std::string& document) {
    auto begin = document.find("-----BEGIN AGE ENCRYPTED FILE-----");
    if (begin == std::string::npos) return "";
    const std::string end_line = "-----END AGE ENCRYPTED FILE-----";
    auto end = document.find(end_line, begin);
    if (end == std::string::npos) return document.substr(begin);
    return document.substr(begin, end + end_line.size() - begin) + "\n";
}

// The binary age file inside an armored block.
inline std::string dearmored(const std::string& block) {
    auto first = block.find('\n');
    auto last = block.rfind("-----END");
    if (first == std::string::npos || last == std::string::npos || last < first) return "";
    return base64_decode(block.substr(first + 1, last - first - 1));
}

// The number of "-> X25519 " stanzas of the header of an age file (armored or not).
inline int x25519_stanzas(const std::string& age_file) {
    std::string binary = age_file.starts_with("-----BEGIN") ? dearmored(age_file) : age_file;
    int count = 0;
    std::istringstream lines(binary);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("---")) break;
        if (line.starts_with("-> X25519 ")) ++count;
    }
    return count;
}

// Where a needle was found.
struct Finding {
    std::string place;   // a file, "git objects of X", or "stdout of COMMAND"
    std::string needle;  // its label
};

// Labels and values of the strings that must not appear.
using Needles = std::map<std::string, std::string>;

inline void scan_bytes(const std::string& place, const std::string& bytes, const Needles& needles,
                       std::vector<Finding>& findings) {
    for (const auto& [label, value] : needles) {
        if (!value.empty() && bytes.find(value) != std::string::npos) findings.push_back({place, label});
    }
}

// Scans every regular file under `folder` (symbolic links are not followed), byte by byte.
inline void scan_tree(const fs::path& folder, const Needles& needles, std::vector<Finding>& findings) {
    std::error_code error;
    if (!fs::exists(folder, error)) return;
    if (fs::is_regular_file(fs::symlink_status(folder, error))) {
        scan_bytes(folder.string(), read_bytes(folder), needles, findings);
        return;
    }
    for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, error), end;
         !error && it != end; it.increment(error)) {
        if (it->is_symlink(error) || !it->is_regular_file(error)) continue;
        scan_bytes(it->path().string(), read_bytes(it->path()), needles, findings);
    }
}

// Every folder under `root` that holds a Git repository (a .git folder).
inline std::vector<fs::path> repositories(const fs::path& root) {
    std::vector<fs::path> found;
    std::error_code error;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error), end;
         !error && it != end; it.increment(error)) {
        if (it->path().filename() == ".git" && it->is_directory(error)) {
            found.push_back(it->path().parent_path());
            it.disable_recursion_pending();
        }
    }
    return found;
}

// Scans the decompressed content of every object of the repository, reachable or not, loose
// or packed, with `git cat-file --batch-all-objects --batch`.
inline void scan_git_objects(const fs::path& repository, const std::map<std::string, std::string>& environment,
                             const Needles& needles, std::vector<Finding>& findings) {
    auto result = run_process({"git", "-C", repository.string(), "cat-file", "--batch-all-objects", "--batch"},
                              environment, repository);
    if (result.exit_status != 0) {
        findings.push_back({"git cat-file failed in " + repository.string() + ": " + result.err, "(none)"});
        return;
    }
    scan_bytes("git objects of " + repository.string(), result.out, needles, findings);
}

inline std::string describe(const std::vector<Finding>& findings) {
    std::string text;
    for (const auto& finding : findings) text += "  " + finding.needle + " in " + finding.place + "\n";
    return text;
}

// The mode bits (0777) of a file, or -1 when it does not exist.
inline int mode_of(const fs::path& path) {
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0) return -1;
    return static_cast<int>(status.st_mode & 07777);
}

// Entries of `folder` whose name starts with `prefix`.
inline std::vector<std::string> entries_with_prefix(const fs::path& folder, const std::string& prefix) {
    std::vector<std::string> names;
    std::error_code error;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        auto name = it->path().filename().string();
        if (name.starts_with(prefix)) names.push_back(name);
    }
    return names;
}

}  // namespace dossier::e2e::scan
