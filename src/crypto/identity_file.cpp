#include "dossier/identity.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dossier/atomic_file.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace fs = std::filesystem;

namespace dossier {
namespace {

std::string utc_now() {
    std::time_t now = std::time(nullptr);
    std::tm parts{};
    gmtime_r(&now, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

// Writes `bytes` to a new file at `path` with mode 0600, refusing to replace anything: the
// bytes go to a temporary file first and are linked into place, which fails when `path` exists.
void write_private_file(const fs::path& path, std::string_view bytes) {
    auto temporary = path;
    temporary += fmt::format(".tmp{}", ::getpid());
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot create {}: {}")), temporary.string(),
                                               std::strerror(errno)));
    }
    // The mode given to open() is reduced by the umask; set it exactly.
    bool ok = ::fchmod(fd, 0600) == 0;
    for (std::size_t written = 0; ok && written < bytes.size();) {
        auto count = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (count < 0 && errno == EINTR) continue;
        ok = count > 0;
        if (ok) written += static_cast<std::size_t>(count);
    }
    ok = ok && ::fsync(fd) == 0;
    int saved_errno = errno;
    ::close(fd);
    if (ok && ::link(temporary.c_str(), path.c_str()) != 0) {
        saved_errno = errno;
        ok = false;
    }
    ::unlink(temporary.c_str());
    if (ok) return;
    if (saved_errno == EEXIST) {
        throw Error(ErrorKind::already_exists,
                    fmt::format(fmt::runtime(tr("an identity already exists: {}")), path.string()),
                    tr("dossier key show prints its public key; move the file away first to create another"));
    }
    throw Error(ErrorKind::io,
                fmt::format(fmt::runtime(tr("cannot write {}: {}")), path.string(), std::strerror(saved_errno)));
}

// Creates `folder` and its missing parents with mode 0700, whatever the umask, so that no other
// user can replace a folder on the way to the identity.
void create_private_folders(const fs::path& folder) {
    if (folder.empty() || fs::exists(folder)) return;
    create_private_folders(folder.parent_path());
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot create the folder {}: {}")), folder.string(),
                                               std::strerror(errno)));
    }
    ::chmod(folder.c_str(), 0700);
}

void check_private(const fs::path& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        if (errno == ENOENT) {
            throw Error(ErrorKind::not_found,
                        fmt::format(fmt::runtime(tr("no identity file at {}")), path.string()),
                        tr("create one with: dossier key init (or set DOSSIER_IDENTITY to your identity file)"));
        }
        throw Error(ErrorKind::io, fmt::format(fmt::runtime(tr("cannot read {}: {}")), path.string(),
                                               std::strerror(errno)));
    }
    if ((status.st_mode & 077) != 0) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("the identity file {} can be read by other users")), path.string()),
                    fmt::format(fmt::runtime(tr("make it private with: chmod 600 {}")), path.string()));
    }
}

// Parses the identities of the file at `path`, naming the file in errors, and rejects a file
// that holds none.
std::vector<age::X25519Identity> parse_identities_of(const fs::path& path, std::string_view text) {
    std::vector<age::X25519Identity> identities;
    try {
        identities = age::parse_identities(text);
    } catch (const Error& error) {
        throw Error(error.kind(), fmt::format(fmt::runtime(tr("invalid identity file {}: {}")), path.string(), error.what()),
                    tr("it must hold AGE-SECRET-KEY-1... lines as dossier key init or age-keygen write them"));
    }
    if (identities.empty()) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("the identity file {} holds no identity")), path.string()),
                    tr("it must hold AGE-SECRET-KEY-1... lines as dossier key init or age-keygen write them"));
    }
    return identities;
}

}  // namespace

std::vector<fs::path> identity_candidates() {
    if (const char* explicit_path = std::getenv("DOSSIER_IDENTITY"); explicit_path != nullptr && *explicit_path != '\0') {
        return {explicit_path};
    }
    std::vector<fs::path> candidates;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg == '/') {
        candidates.push_back(fs::path(xdg) / "dossier" / "identity.age");
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        auto default_path = fs::path(home) / ".config" / "dossier" / "identity.age";
        if (candidates.empty() || candidates.front() != default_path) candidates.push_back(default_path);
    }
    if (candidates.empty()) {
        throw Error(ErrorKind::not_found, tr("cannot find the identity: HOME is not set"),
                    tr("set DOSSIER_IDENTITY to your identity file"));
    }
    return candidates;
}

fs::path find_identity_file() {
    auto candidates = identity_candidates();
    std::vector<std::string> looked;
    for (const auto& candidate : candidates) {
        if (fs::exists(fs::symlink_status(candidate))) return candidate;
        looked.push_back(candidate.string());
    }
    throw Error(ErrorKind::not_found,
                fmt::format(fmt::runtime(tr("no identity file found: looked for {}")), fmt::join(looked, ", ")),
                tr("create one with: dossier key init (or set DOSSIER_IDENTITY to your identity file)"));
}

SecretBytes identity_file_text(const age::X25519Identity& identity, const std::string& created_utc) {
    SecretBytes text(fmt::format("# created: {}\n# public key: {}\n", created_utc, identity.recipient().to_string()));
    text.append(identity.to_string().view());
    text.append("\n");
    return text;
}

age::X25519Identity create_identity_file(const fs::path& path, const std::optional<SecretBytes>& passphrase,
                                         int work_factor) {
    if (fs::exists(fs::symlink_status(path))) {
        throw Error(ErrorKind::already_exists,
                    fmt::format(fmt::runtime(tr("an identity already exists: {}")), path.string()),
                    tr("dossier key show prints its public key; move the file away first to create another"));
    }
    create_private_folders(path.parent_path());

    auto identity = age::X25519Identity::generate();
    auto text = identity_file_text(identity, utc_now());
    if (!passphrase) {
        write_private_file(path, text.view());
        return identity;
    }
    std::vector<age::Recipient> recipients;
    recipients.emplace_back(age::ScryptRecipient{passphrase->copy(), work_factor});
    write_private_file(path, age::encrypt(recipients, text.view(), age::Armor::no));
    return identity;
}

bool identity_file_needs_passphrase(const fs::path& path) {
    check_private(path);
    auto bytes = read_file(path);
    return bytes.starts_with("age-encryption.org/") || age::is_armored(bytes);
}

std::vector<age::X25519Identity> read_identity_file(const fs::path& path, const PassphraseSource& passphrase) {
    check_private(path);
    SecretBytes bytes(read_file(path));
    if (!bytes.view().starts_with("age-encryption.org/") && !age::is_armored(bytes.view())) {
        return parse_identities_of(path, bytes.view());
    }

    auto given = passphrase(fmt::format(fmt::runtime(tr("Passphrase of {}: ")), path.string()), false);
    if (!given) {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("no passphrase given for {}")), path.string()),
                    tr("type the passphrase of your identity, or set DOSSIER_PASSPHRASE_FD to a file descriptor that holds it"));
    }
    std::vector<age::Identity> identities;
    identities.emplace_back(age::ScryptIdentity{std::move(*given)});
    SecretBytes text;
    try {
        text = age::decrypt(identities, bytes.view());
    } catch (const age::AgeError& error) {
        if (error.failure() == age::Failure::no_match) {
            throw age::AgeError(age::Failure::no_match,
                                fmt::format(fmt::runtime(tr("wrong passphrase for {}")), path.string()),
                                tr("try again; the identity file was not changed"));
        }
        throw;
    }
    return parse_identities_of(path, text.view());
}

}  // namespace dossier
