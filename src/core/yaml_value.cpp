#include "dossier/yaml_value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace dossier {

Value Value::make_scalar(ScalarType type, std::string text, bool quoted, int line, int column) {
    Value value;
    value.kind_ = Kind::scalar;
    value.scalar_type_ = type;
    value.text_ = std::move(text);
    value.quoted_ = quoted;
    value.line_ = line;
    value.column_ = column;
    return value;
}

Value Value::make_sequence(int line, int column) {
    Value value;
    value.kind_ = Kind::sequence;
    value.line_ = line;
    value.column_ = column;
    return value;
}

Value Value::make_mapping(int line, int column) {
    Value value;
    value.kind_ = Kind::mapping;
    value.line_ = line;
    value.column_ = column;
    return value;
}

const Value* Value::find(std::string_view key) const noexcept {
    if (kind_ != Kind::mapping) return nullptr;
    for (const auto& [name, value] : entries_) {
        if (name == key) return &value;
    }
    return nullptr;
}

std::string Value::scalar_or_empty() const {
    if (kind_ != Kind::scalar || scalar_type_ == ScalarType::null) return {};
    return text_;
}

namespace {

nlohmann::ordered_json integer_to_json(const std::string& text) {
    std::string_view digits = text;
    bool negative = false;
    if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
        negative = digits.front() == '-';
        digits.remove_prefix(1);
    }
    int base = 10;
    if (digits.starts_with("0x")) {
        base = 16;
        digits.remove_prefix(2);
    } else if (digits.starts_with("0o")) {
        base = 8;
        digits.remove_prefix(2);
    }
    std::int64_t number = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number, base);
    if (error != std::errc() || end != digits.data() + digits.size()) return text;  // too large: keep the text
    return negative ? -number : number;
}

nlohmann::ordered_json float_to_json(const std::string& text) {
    double number = 0;
    auto [end, error] = std::from_chars(text.data() + (text.starts_with('+') ? 1 : 0), text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(number)) return text;
    return number;
}

}  // namespace

nlohmann::ordered_json Value::to_json() const {
    switch (kind_) {
        case Kind::sequence: {
            auto array = nlohmann::ordered_json::array();
            for (const auto& item : items_) array.push_back(item.to_json());
            return array;
        }
        case Kind::mapping: {
            auto object = nlohmann::ordered_json::object();
            for (const auto& [key, value] : entries_) object[key] = value.to_json();
            return object;
        }
        case Kind::scalar: break;
    }
    switch (scalar_type_) {
        case ScalarType::null: return nullptr;
        case ScalarType::boolean: return text_ == "true" || text_ == "True" || text_ == "TRUE";
        case ScalarType::integer: return integer_to_json(text_);
        case ScalarType::floating: return float_to_json(text_);
        case ScalarType::string:
        case ScalarType::date:
        case ScalarType::timestamp: return text_;
    }
    return text_;
}

bool same_value(const Value& a, const Value& b) {
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case Value::Kind::sequence:
            return std::equal(a.items().begin(), a.items().end(), b.items().begin(), b.items().end(), same_value);
        case Value::Kind::mapping: {
            if (a.entries().size() != b.entries().size()) return false;
            for (const auto& [key, value] : a.entries()) {
                const Value* other = b.find(key);
                if (other == nullptr || !same_value(value, *other)) return false;
            }
            return true;
        }
        case Value::Kind::scalar: break;
    }
    if (a.scalar_type() != b.scalar_type()) return false;
    switch (a.scalar_type()) {
        case ScalarType::null: return true;
        case ScalarType::boolean:
        case ScalarType::integer:
        case ScalarType::floating: return a.to_json() == b.to_json();
        case ScalarType::string:
        case ScalarType::date:
        case ScalarType::timestamp: break;
    }
    return a.text() == b.text();
}

}  // namespace dossier
