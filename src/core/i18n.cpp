#include "dossier/i18n.hpp"

#include <libintl.h>

#include <clocale>
#include <cstdlib>
#include <string_view>

namespace dossier {
namespace {

constexpr const char* text_domain = "dossier";

// Returns the language named by the first locale variable that is set, as POSIX orders them.
std::string language_from_environment() {
    for (const char* name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') {
            return std::string_view(value).starts_with("fr") ? "fr" : "en";
        }
    }
    return "en";
}

std::string active_language = "en";

}  // namespace

const char* tr(const char* msgid) { return dgettext(text_domain, msgid); }

const char* trn(const char* singular, const char* plural, unsigned long count) {
    return dngettext(text_domain, singular, plural, count);
}

void set_up_translations(const std::string& language, const std::string& locale_dir) {
    active_language = language.empty() ? language_from_environment() : language;

    // gettext ignores LANGUAGE under the "C" locale, and fr_FR.UTF-8 may not be installed,
    // so messages are selected through LANGUAGE on top of C.UTF-8, which glibc always has.
    if (std::setlocale(LC_ALL, "") == nullptr) std::setlocale(LC_ALL, "C.UTF-8");
    std::setlocale(LC_NUMERIC, "C");
    if (std::string_view(std::setlocale(LC_MESSAGES, nullptr)) == "C") {
        std::setlocale(LC_MESSAGES, "C.UTF-8");
    }
    setenv("LANGUAGE", active_language.c_str(), 1);

    bindtextdomain(text_domain, locale_dir.c_str());
    bind_textdomain_codeset(text_domain, "UTF-8");
}

std::string current_language() { return active_language; }

}  // namespace dossier
