// Translation of user-facing text through GNU gettext, text domain "dossier".
#pragma once

#include <string>

namespace dossier {

// Returns the translation of `msgid` in the current language, or `msgid` itself.
const char* tr(const char* msgid);

// Returns the singular or plural translation for `count`.
const char* trn(const char* singular, const char* plural, unsigned long count);

// Selects the language: "fr", "en", or empty for the locale's (LANGUAGE, LC_ALL,
// LC_MESSAGES, LANG). `locale_dir` contains <lang>/LC_MESSAGES/dossier.mo.
void set_up_translations(const std::string& language, const std::string& locale_dir);

// Returns "fr" or "en": the language that messages are shown in.
std::string current_language();

}  // namespace dossier

// Marks a string literal for extraction by xgettext without translating it here.
#define N_(text) text
