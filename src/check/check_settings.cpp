// Reading the `check:` settings of dossier.yaml.
#include <fmt/format.h>

#include "dossier/calendar.hpp"
#include "dossier/check.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier {
namespace {

Error settings_error(const std::filesystem::path& path, const Value& at, std::string message, std::string hint) {
    return Error(ErrorKind::invalid_input, SourceLocation{path, at.line(), at.column(), {}}, std::move(message),
                 std::move(hint));
}

// Reads `rules: {rule-id: error|warning|info|off}`.
std::map<std::string, std::optional<Severity>, std::less<>> read_rules(const Value& rules,
                                                                       const std::filesystem::path& path) {
    if (!rules.is_mapping()) {
        throw settings_error(path, rules, tr("check.rules must be a mapping of rule ids to severities"),
                             tr("for example: rules: {file-name: off, review-overdue: error}"));
    }
    std::map<std::string, std::optional<Severity>, std::less<>> result;
    for (const auto& [id, value] : rules.entries()) {
        if (find_check_rule(id) == nullptr) {
            std::vector<std::string> ids;
            for (const auto& rule : check_rules()) ids.emplace_back(rule.id);
            auto matches = closest_matches(id, ids);
            throw settings_error(path, value, fmt::format(fmt::runtime(tr("unknown rule in check.rules: {}")), id),
                                 matches.empty()
                                     ? std::string(tr("dossier check --help lists the rules"))
                                     : fmt::format(fmt::runtime(tr("did you mean {}?")), fmt::join(matches, ", ")));
        }
        auto name = value.scalar_or_empty();
        if (name == "off") {
            result[id] = std::nullopt;
            continue;
        }
        auto severity = parse_severity(name);
        if (!severity) {
            throw settings_error(path, value,
                                 fmt::format(fmt::runtime(tr("invalid severity for rule {}: {}")), id, name),
                                 tr("use error, warning, info or off"));
        }
        result[id] = *severity;
    }
    return result;
}

// Reads "30 days", "6 weeks" or a bare number of days.
int read_days(const Value& value, const std::filesystem::path& path) {
    auto text = value.scalar_or_empty();
    int number = 0;
    char unit[16] = {0};
    int matched = std::sscanf(text.c_str(), "%d %15s", &number, unit);
    std::string_view name = unit;
    int factor = matched == 1 || name == "day" || name == "days" || name == "jour" || name == "jours" ? 1
                 : name == "week" || name == "weeks" || name == "semaine" || name == "semaines"   ? 7
                                                                                                    : 0;
    if (matched < 1 || number < 0 || factor == 0) {
        throw settings_error(path, value, fmt::format(fmt::runtime(tr("invalid check.expiring_within: {}")), text),
                             tr("write a number of days or weeks, such as 30 days"));
    }
    return number * factor;
}

RequiredDocument read_required(const Value& entry, const std::filesystem::path& path) {
    RequiredDocument required;
    if (entry.is_scalar()) {
        required.type = entry.scalar_or_empty();
        required.description = required.type;
        return required;
    }
    if (!entry.is_mapping() || entry.find("type") == nullptr) {
        throw settings_error(path, entry, tr("each check.required entry is a type, or a mapping with a type"),
                             tr("for example: required: [contract, {type: contact, emergency: true}]"));
    }
    std::vector<std::string> parts;
    for (const auto& [key, value] : entry.entries()) {
        if (key == "type") {
            required.type = value.scalar_or_empty();
            continue;
        }
        required.fields.emplace_back(key, value.scalar_or_empty());
        parts.push_back(key + ": " + value.scalar_or_empty());
    }
    required.description = parts.empty() ? required.type
                                          : fmt::format("{} ({})", required.type, fmt::join(parts, ", "));
    return required;
}

}  // namespace

CheckSettings CheckSettings::from_workspace(const Value& settings, const std::filesystem::path& path) {
    CheckSettings result;
    if (const Value* period = settings.find("review_every"); period != nullptr && !period->scalar_or_empty().empty()) {
        result.review_every = period->scalar_or_empty();
        if (!parse_period(result.review_every)) {
            throw settings_error(path, *period,
                                 fmt::format(fmt::runtime(tr("invalid review_every: {}")), result.review_every),
                                 tr("write a period such as 90 days, 6 months or 1 year"));
        }
    }
    const Value* check = settings.find("check");
    if (check == nullptr || (check->is_scalar() && check->scalar_type() == ScalarType::null)) return result;
    if (!check->is_mapping()) {
        throw settings_error(path, *check, tr("check in dossier.yaml must be a mapping"),
                             tr("see the check settings in the user guide"));
    }
    if (const Value* rules = check->find("rules")) result.rules = read_rules(*rules, path);
    if (const Value* within = check->find("expiring_within")) result.expiring_days = read_days(*within, path);
    if (const Value* clients = check->find("clients"); clients != nullptr && clients->is_mapping()) {
        for (const auto& [slug, client] : clients->entries()) {
            if (const Value* rules = client.find("rules")) result.client_rules[slug] = read_rules(*rules, path);
        }
    }
    if (const Value* required = check->find("required"); required != nullptr && required->is_sequence()) {
        for (const auto& entry : required->items()) result.required.push_back(read_required(entry, path));
    }
    return result;
}

std::optional<Severity> CheckSettings::severity_for(std::string_view rule, std::string_view client,
                                                    Severity fallback) const {
    if (auto found = client_rules.find(client); found != client_rules.end()) {
        if (auto setting = found->second.find(rule); setting != found->second.end()) return setting->second;
    }
    if (auto setting = rules.find(rule); setting != rules.end()) return setting->second;
    return fallback;
}

}  // namespace dossier
