#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

#include "clipboard.hpp"
#include "context.hpp"
#include "credential_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"
#include "dossier/totp.hpp"
#include "output.hpp"
#include "secret_input.hpp"

namespace dossier::cli {
namespace {

// Secret fields that may hold the TOTP seed, in the order they are tried.
constexpr const char* seed_fields[] = {"otp_secret", "totp", "otp", "otpauth"};

struct OtpOptions {
    std::string reference;
    std::string field;
    bool clip = false;
    bool json = false;
};

void run_otp(Context& context, const OtpOptions& options) {
    protect_process_memory();
    auto file = read_credential(context, options.reference);
    auto fields = open_credential(context, file);
    const SecretBytes* seed = nullptr;
    if (!options.field.empty()) {
        seed = fields.find(options.field);
    } else {
        for (const char* name : seed_fields) {
            if ((seed = fields.find(name)) != nullptr) break;
        }
    }
    if (seed == nullptr) {
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("{} holds no TOTP seed")), file.reference.to_string()),
                    fmt::format(fmt::runtime(tr("store the seed or the otpauth:// URI with: dossier secret set {} otp_secret")),
                                file.reference.to_string()));
    }

    auto parameters = totp::parse(seed->view());
    // RFC 4226 asks for seeds of at least 128 bits; 80-bit seeds are common in practice, and
    // anything shorter is more likely a PIN or a password stored in the wrong field.
    if (parameters.key.size() < 10) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("the TOTP seed of {} is too short: {} bits, where seeds have at least 80")),
                                file.reference.to_string(), parameters.key.size() * 8),
                    tr("check that the field holds the Base32 seed or the otpauth:// URI that the service gave"));
    }
    auto now = context.now();
    auto code = totp::code(parameters, now);
    int left = totp::seconds_left(parameters, now);
    if (options.json) {
        print_json({{"code", code}, {"seconds_left", left}, {"period", parameters.period}});
    } else if (options.clip) {
        auto method = copy_to_clipboard(SecretBytes(code), std::chrono::seconds(left));
        print_notice(fmt::format(fmt::runtime(tr("copied the code of {} to the clipboard ({}); it is valid for {} s")),
                                 file.reference.to_string(), method_name(method), left));
    } else {
        print_data(code + "\n");
        print_notice(fmt::format(fmt::runtime(trn("valid for {} more second", "valid for {} more seconds", left)), left));
    }
}

}  // namespace

void add_otp_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<OtpOptions>();
    auto* otp = app.add_subcommand("otp", tr("Print the current TOTP code of a credential and the seconds it stays valid"));
    otp->add_option("REF", options->reference, tr("The credential document, such as acme/credentials/m365-admin"))
        ->type_name(reference_value)
        ->required();
    otp->add_option("FIELD", options->field, tr("The secret field that holds the seed (default: otp_secret)"));
    auto* clip = otp->add_flag("--clip", options->clip, tr("Copy the code to the clipboard instead of printing it"));
    otp->add_flag("--json", options->json, tr("Print {\"code\", \"seconds_left\", \"period\"} as JSON"))->excludes(clip);
    otp->callback([&context, options] { run_otp(context, *options); });
}

}  // namespace dossier::cli
