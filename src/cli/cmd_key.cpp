#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "context.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/identity.hpp"
#include "output.hpp"
#include "secret_input.hpp"

namespace dossier::cli {
namespace {

struct KeyInitOptions {
    bool no_passphrase = false;
};

// The scrypt work factor of new identity files: age's own default, lowered only by tests.
int identity_work_factor() {
    if (const char* value = std::getenv("DOSSIER_TEST_SCRYPT_WORK_FACTOR"); value != nullptr && *value != '\0') {
        int factor = std::atoi(value);
        if (factor >= 1 && factor <= 22) return factor;
    }
    return 18;
}

void run_key_init(const KeyInitOptions& options) {
    protect_process_memory();
    auto path = identity_candidates().front();
    // Checked before asking for a passphrase, which would otherwise be typed for nothing.
    if (std::filesystem::exists(std::filesystem::symlink_status(path))) {
        throw Error(ErrorKind::already_exists,
                    fmt::format(fmt::runtime(tr("an identity already exists: {}")), path.string()),
                    tr("dossier key show prints its public key; move the file away first to create another"));
    }
    std::optional<SecretBytes> passphrase;
    if (!options.no_passphrase) {
        passphrase = passphrase_source()(tr("Passphrase for the new identity: "), true);
        if (!passphrase || passphrase->empty()) {
            throw Error(ErrorKind::usage, tr("no passphrase given: no identity was created"),
                        tr("type a passphrase, or use --no-passphrase for an identity that only file permissions protect"));
        }
    }
    auto identity = create_identity_file(path, passphrase, identity_work_factor());
    print_data(identity.recipient().to_string() + "\n");
    print_notice(fmt::format(fmt::runtime(tr("created the identity {}; give the public key above to whoever grants "
                                             "access, or run: dossier team add YOUR_ID --key KEY")),
                             path.string()));
}

void run_key_show() {
    protect_process_memory();
    auto identities = read_identity_file(find_identity_file(), passphrase_source());
    for (const auto& identity : identities) print_data(identity.recipient().to_string() + "\n");
}

}  // namespace

void add_key_command(CLI::App& app, Context& /*context*/) {
    auto* key = app.add_subcommand("key", tr("Create or show your age identity, which opens the secrets"));
    key->require_subcommand(1);

    auto init_options = std::make_shared<KeyInitOptions>();
    auto* init = key->add_subcommand("init", tr("Create your identity in ~/.config/dossier/identity.age and print its public key"));
    init->add_flag("--no-passphrase", init_options->no_passphrase,
                   tr("Write the identity unencrypted, protected by file permissions only (for automation)"));
    init->callback([init_options] { run_key_init(*init_options); });

    auto* show = key->add_subcommand("show", tr("Print the public key of your identity"));
    show->callback([] { run_key_show(); });
}

}  // namespace dossier::cli
