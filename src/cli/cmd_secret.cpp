#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "clipboard.hpp"
#include "context.hpp"
#include "credential_file.hpp"
#include "dossier/change.hpp"
#include "dossier/error.hpp"
#include "dossier/front_matter.hpp"
#include "dossier/i18n.hpp"
#include "dossier/password_generator.hpp"
#include "output.hpp"
#include "private_folder.hpp"
#include "prompt.hpp"
#include "secret_input.hpp"

extern char** environ;

namespace dossier::cli {
namespace {

constexpr const char* default_field = "password";
constexpr std::chrono::seconds clipboard_seconds{45};

struct SecretOptions {
    std::string reference;
    std::string field = default_field;
    bool clip = false;
    int length = 0;
    int words = 0;
    std::string language;
};

std::string shown_path(const CredentialFile& file) { return file.reference.path.substr(0, file.reference.path.size() - 3); }

// Seals `fields` into the credential and commits the change with `message`.
void store(Context& context, const CredentialFile& file, const SecretFields& fields, const std::string& message,
           const std::optional<std::string>& rotated) {
    auto repository = git::Repository::open(file.reference.client.directory);
    Change change(repository);
    auto author = context.author(&repository);  // before writing, so a missing author changes no file
    auto recipients = credential_recipients(context, file.reference);
    auto bytes = sealed_credential(context, file, fields, recipients, rotated);
    auto commit = commit_all_or_nothing(change, file.reference.client.directory, {{file.reference.path, bytes}}, message,
                                        author);
    print_notice(fmt::format(fmt::runtime(tr("updated {} (commit {})")), file.reference.to_string(),
                             commit ? commit->substr(0, 8) : std::string("-")));
}

// Returns the credential's fields, or none when it holds no secret yet.
SecretFields current_fields(Context& context, const CredentialFile& file) {
    return file.block ? open_credential(context, file) : SecretFields();
}

void run_set(Context& context, const SecretOptions& options) {
    protect_process_memory();
    check_secret_field_name(options.field);
    auto file = read_credential(context, options.reference);
    // The recipients are checked before asking for anything, so a typed secret is never lost
    // to a missing recipients file.
    credential_recipients(context, file.reference);
    auto fields = current_fields(context, file);
    auto value = read_secret_value(fmt::format(fmt::runtime(tr("{} of {}: ")), options.field, file.reference.to_string()));
    fields.set(options.field, std::move(value));
    store(context, file, fields, fmt::format("set the secret {} of {}", options.field, shown_path(file)), std::nullopt);
}

void run_get(Context& context, const SecretOptions& options) {
    protect_process_memory();
    auto file = read_credential(context, options.reference);
    auto fields = open_credential(context, file);
    const SecretBytes* value = fields.find(options.field);
    if (value == nullptr) {
        std::vector<std::string> names;
        for (const auto& entry : fields.entries()) names.push_back(entry.first);
        throw Error(ErrorKind::not_found,
                    fmt::format(fmt::runtime(tr("{} has no secret field {}")), file.reference.to_string(), options.field),
                    names.empty() ? tr("store one with dossier secret set")
                                  : fmt::format(fmt::runtime(tr("its fields: {}")), fmt::join(names, ", ")));
    }
    if (!options.clip) {
        SecretBytes line = value->copy();
        line.append("\n");
        print_data(line.view());
        return;
    }
    auto seconds = clear_delay(clipboard_seconds);
    auto method = copy_to_clipboard(*value, seconds);
    print_notice(fmt::format(fmt::runtime(tr("copied {} of {} to the clipboard ({}); it is cleared in {} s")),
                             options.field, file.reference.to_string(), method_name(method), seconds.count()));
}

void run_generate(Context& context, const SecretOptions& options) {
    check_secret_field_name(options.field);
    if (options.length != 0 && options.words != 0) {
        throw Error(ErrorKind::usage, tr("--length and --words cannot be used together"),
                    tr("--length makes a password of characters, --words a passphrase of words"));
    }
    protect_process_memory();
    auto file = read_credential(context, options.reference);
    credential_recipients(context, file.reference);
    auto fields = current_fields(context, file);
    std::string language = options.language.empty() ? context.workspace().language() : options.language;
    auto value = options.words != 0 ? generate_passphrase(options.words, language)
                                    : generate_password(options.length != 0 ? options.length : 24);
    fields.set(options.field, std::move(value));
    store(context, file, fields, fmt::format("generate the secret {} of {}", options.field, shown_path(file)),
          context.today());
}

// The text given to the editor: a comment on what to do, then the fields.
SecretBytes editable_text(const CredentialFile& file, const SecretFields& fields) {
    SecretBytes text(fmt::format(fmt::runtime(tr("# Secret fields of {}, one per line as name: \"value\".\n"
                                                 "# Save and quit to encrypt them again; quit without saving to "
                                                 "change nothing.\n")),
                                 file.reference.to_string()));
    if (fields.empty()) {
        text.append("password: \"\"\n");
        return text;
    }
    auto plaintext = secret_plaintext(fields, file.binding());
    // The editor gets the fields without the binding line and the padding, which dossier writes.
    for (std::size_t offset = 0; offset < plaintext.size();) {
        auto end = plaintext.view().find('\n', offset);
        auto line = plaintext.view().substr(offset, end - offset + 1);
        offset = end + 1;
        if (line.starts_with("#") || line.starts_with(std::string(binding_key) + ":")) continue;
        text.append(line);
    }
    return text;
}

// Runs the editor on `path` with its swap, backup and history files turned off where the editor
// is known to make them. Returns its exit status.
int run_secret_editor(const std::filesystem::path& path) {
    std::string editor = "vi";
    for (const char* name : {"VISUAL", "EDITOR"}) {
        if (const char* value = std::getenv(name); value != nullptr && *value != '\0') {
            editor = value;
            break;
        }
    }
    auto program = editor.substr(0, editor.find(' '));
    program = program.substr(program.rfind('/') + 1);
    std::string options;
    if (program == "vi" || program == "vim" || program == "nvim" || program == "view" || program == "vim.basic" ||
        program == "vim.tiny") {
        options = " -n -i NONE --cmd 'set nobackup nowritebackup noundofile'";
    } else if (program == "emacs" || program == "emacsclient") {
        options = " --eval '(setq make-backup-files nil auto-save-default nil)'";
    }
    std::string script = editor + options + " \"$1\"";
    std::string file = path.string();
    const char* arguments[] = {"sh", "-c", script.c_str(), "sh", file.c_str(), nullptr};

    // While the editor runs, Ctrl-C belongs to it; dossier waits and then cleans up.
    struct sigaction ignore {}, old_int {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGINT, &ignore, &old_int);
    pid_t child = 0;
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGQUIT);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
    int failure = posix_spawn(&child, "/bin/sh", nullptr, &attributes, const_cast<char* const*>(arguments), environ);
    posix_spawnattr_destroy(&attributes);
    int status = 0;
    if (failure == 0) {
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
    }
    ::sigaction(SIGINT, &old_int, nullptr);
    if (failure != 0) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot start the editor {}: {}")), editor,
                                               std::strerror(failure)));
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// Reads the fields the editor left, with the strict YAML reader of front matter (open quotes
// and duplicate keys are errors). Errors give the line but never its text, which holds secrets.
SecretFields parse_edited(const SecretBytes& text, const std::string& shown) {
    auto invalid = [&](int line) {
        return Error(ErrorKind::invalid_input,
                     fmt::format(fmt::runtime(tr("the edited secret fields of {} are not valid (line {}): nothing was "
                                                 "changed")),
                                 shown, line),
                     tr("write one field per line as name: \"value\", then run dossier secret edit again"));
    };
    Value root;
    try {
        root = parse_yaml_mapping(text.view(), 1, text.view(), shown);
    } catch (const Error& error) {
        throw invalid(error.location() ? error.location()->line : 0);
    }
    SecretFields fields;
    for (std::size_t i = 0; i < root.entries().size(); ++i) {
        const auto& [name, value] = root.entries()[i];
        int line = root.key_position(i).first;
        if (!value.is_scalar()) throw invalid(line);
        if (value.scalar_type() == ScalarType::null || value.text().empty()) continue;
        try {
            fields.set(name, SecretBytes(value.text()));
        } catch (const Error&) {
            throw invalid(line);
        }
    }
    return fields;
}

// Runs the editor on `path` until it leaves valid fields. Returns nullopt when the user gives
// up after an invalid edit, or when nothing changed.
std::optional<SecretFields> edit_until_valid(const std::filesystem::path& path, const SecretBytes& before,
                                             const std::string& shown) {
    while (true) {
        int status = run_secret_editor(path);
        if (status == 127) {
            throw Error(ErrorKind::not_found, tr("editor not found: nothing was changed"),
                        tr("set VISUAL or EDITOR to your editor, such as EDITOR=nano"));
        }
        if (status != 0) {
            throw Error(ErrorKind::invalid_input,
                        fmt::format(fmt::runtime(tr("the editor exited with status {}: nothing was changed")), status),
                        fmt::format(fmt::runtime(tr("run dossier secret edit {} again")), shown));
        }
        auto after = PrivateFolder::read(path);
        if (after == before) return std::nullopt;
        try {
            return parse_edited(after, shown);
        } catch (const Error& error) {
            if (!can_prompt()) throw;
            print_notice(error.what());
            auto answer = ask(tr("Edit again, or quit without changing anything? [E/q] "));
            if (!answer || *answer == "q" || *answer == "Q") throw;
        }
    }
}

void run_edit(Context& context, const SecretOptions& options) {
    protect_process_memory();
    auto file = read_credential(context, options.reference);
    credential_recipients(context, file.reference);
    auto fields = current_fields(context, file);
    auto shown = file.reference.to_string();

    PrivateFolder folder;
    if (!folder.in_memory()) {
        print_notice(fmt::format(fmt::runtime(tr("warning: no folder in memory was found; the secret is edited in {}, "
                                                 "which is wiped and removed afterwards")),
                                 folder.path().string()));
    }
    auto before = editable_text(file, fields);
    auto path = folder.write("secret.yaml", before.view());
    auto result = edit_until_valid(path, before, shown);
    if (!result) {
        print_notice(fmt::format(fmt::runtime(tr("{}: the secret fields are unchanged")), shown));
        return;
    }
    auto& edited = *result;
    if (edited.empty()) {
        throw Error(ErrorKind::invalid_input, fmt::format(fmt::runtime(tr("the edit left {} without any secret field: "
                                                                          "nothing was changed")),
                                                          shown),
                    tr("to delete the credential, use dossier rm"));
    }
    store(context, file, edited, fmt::format("edit the secret fields of {}", shown_path(file)), std::nullopt);
}

}  // namespace

void add_secret_command(CLI::App& app, Context& context) {
    auto* secret = app.add_subcommand("secret", tr("Store, read, edit and generate the secrets of credential documents"));
    secret->require_subcommand(1);

    auto add_reference = [](CLI::App* command, SecretOptions& options) {
        command->add_option("REF", options.reference, tr("The credential document, such as acme/credentials/fw01-admin"))
            ->type_name(reference_value)
            ->required();
        command->add_option("FIELD", options.field, tr("The secret field (default: password)"));
    };

    auto set_options = std::make_shared<SecretOptions>();
    auto* set = secret->add_subcommand("set", tr("Store a secret field, typed without echo or read from standard input"));
    add_reference(set, *set_options);
    set->callback([&context, set_options] { run_set(context, *set_options); });

    auto get_options = std::make_shared<SecretOptions>();
    auto* get = secret->add_subcommand("get", tr("Print a secret field, or copy it to the clipboard with --clip"));
    add_reference(get, *get_options);
    get->add_flag("--clip", get_options->clip, tr("Copy to the clipboard and clear it after 45 seconds"));
    get->callback([&context, get_options] { run_get(context, *get_options); });

    auto edit_options = std::make_shared<SecretOptions>();
    auto* edit = secret->add_subcommand("edit", tr("Edit every secret field in $VISUAL or $EDITOR, in a private folder in memory"));
    edit->add_option("REF", edit_options->reference, tr("The credential document, such as acme/credentials/fw01-admin"))
        ->type_name(reference_value)
        ->required();
    edit->callback([&context, edit_options] { run_edit(context, *edit_options); });

    auto generate_options = std::make_shared<SecretOptions>();
    auto* generate = secret->add_subcommand("generate", tr("Store a new random password or passphrase and record the date in rotated"));
    add_reference(generate, *generate_options);
    generate->add_option("--length", generate_options->length, tr("Characters of the password (8 to 1024, default 24)"))
        ->option_text("N");
    generate->add_option("--words", generate_options->words, tr("Make a passphrase of N words instead (3 to 64)"))
        ->option_text("N");
    generate->add_option("--wordlist", generate_options->language, tr("The word list of --words: en or fr (default: the workspace's language)"))
        ->check(CLI::IsMember({"en", "fr"}));
    generate->callback([&context, generate_options] { run_generate(context, *generate_options); });
}

}  // namespace dossier::cli
