// Benchmark driver of bench/secrets/run: encrypts or decrypts standard input to standard output
// with dossier's age implementation (dossier::age::encrypt and decrypt, binary format, X25519),
// so that its throughput can be compared with the age command on the same file.
//
//   age_throughput encrypt RECIPIENTS_FILE  < plaintext  > ciphertext   (like age -R FILE)
//   age_throughput decrypt IDENTITY_FILE    < ciphertext > plaintext    (like age -d -i FILE)
//
// RECIPIENTS_FILE holds age1... keys, one a line; IDENTITY_FILE an unencrypted identity file as
// age-keygen or dossier key init --no-passphrase writes it. Exits with status 0 on success, 2 on
// a usage error and 1 on any other error.
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "dossier/age.hpp"

namespace {

std::string read_text(const char* path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error(std::string("cannot read ") + path);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

int usage() {
    std::fputs("usage: age_throughput encrypt RECIPIENTS_FILE < in > out\n"
               "       age_throughput decrypt IDENTITY_FILE < in > out\n",
               stderr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) return usage();
    const std::string_view mode = argv[1];
    try {
        dossier::age::FdSource in(STDIN_FILENO);
        dossier::age::FdSink out(STDOUT_FILENO);
        if (mode == "encrypt") {
            auto keys = dossier::age::parse_recipients(read_text(argv[2]));
            std::vector<dossier::age::Recipient> recipients(keys.begin(), keys.end());
            dossier::age::encrypt(recipients, in, out, dossier::age::Armor::no);
        } else if (mode == "decrypt") {
            auto keys = dossier::age::parse_identities(read_text(argv[2]));
            std::vector<dossier::age::Identity> identities;
            for (auto& key : keys) identities.emplace_back(std::move(key));
            dossier::age::decrypt(identities, in, out);
        } else {
            return usage();
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "age_throughput: %s\n", error.what());
        return 1;
    }
    return 0;
}
