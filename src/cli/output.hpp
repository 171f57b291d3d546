// Printing data, notices and errors, and paging long output.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dossier/error.hpp"

namespace dossier::cli {

// Writes `text` to standard output.
void print_data(std::string_view text);

// Writes indented JSON and a newline to standard output.
void print_json(const nlohmann::ordered_json& json);

// Writes a notice ("dossier: …") to standard error.
void print_notice(std::string_view text);

// Writes an error to standard error: "dossier: error: …", the file line with a caret
// when the error is located, and the hint.
void print_error(const Error& error, bool color);

// Shows `text` through $PAGER (default "less") when standard output is a terminal, else prints it.
void page(const std::string& text, bool terminal);

// Returns `text` wrapped in an SGR sequence when `enabled`.
std::string styled(std::string_view text, std::string_view sgr, bool enabled);

}  // namespace dossier::cli
