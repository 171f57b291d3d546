#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "schema_detail.hpp"

namespace dossier::schema_detail {

std::string path_text(const std::vector<PathStep>& path) {
    std::string text;
    for (const auto& step : path) {
        if (step.index) {
            text += fmt::format("[{}]", *step.index);
        } else {
            if (!text.empty()) text += '.';
            text += step.key;
        }
    }
    return text;
}

std::vector<PathStep> parse_context(const std::vector<std::string>& context, const Json& document) {
    std::vector<PathStep> path;
    const Json* node = &document;
    for (const auto& part : context) {
        if (part == "<root>" || part.size() < 2 || part.front() != '[' || part.back() != ']') continue;
        auto inner = part.substr(1, part.size() - 2);
        if (node != nullptr && node->is_array()) {
            std::size_t index = 0;
            std::from_chars(inner.data(), inner.data() + inner.size(), index);
            path.push_back({inner, index});
            node = index < node->size() ? &(*node)[index] : nullptr;
        } else {
            path.push_back({inner, std::nullopt});
            node = node != nullptr && node->is_object() && node->contains(inner) ? &(*node)[inner] : nullptr;
        }
    }
    return path;
}

const Json* json_at(const Json& document, const std::vector<PathStep>& path) {
    const Json* node = &document;
    for (const auto& step : path) {
        if (step.index) {
            if (!node->is_array() || *step.index >= node->size()) return nullptr;
            node = &(*node)[*step.index];
        } else {
            if (!node->is_object() || !node->contains(step.key)) return nullptr;
            node = &(*node)[step.key];
        }
    }
    return node;
}

const Value* value_at(const Value& front_matter, const std::vector<PathStep>& path) {
    const Value* node = &front_matter;
    for (const auto& step : path) {
        if (step.index) {
            if (!node->is_sequence() || *step.index >= node->items().size()) return nullptr;
            node = &node->items()[*step.index];
        } else {
            node = node->find(step.key);
            if (node == nullptr) return nullptr;
        }
    }
    return node;
}

const OrderedJson* schema_at(const OrderedJson& schema, const std::vector<PathStep>& path) {
    const OrderedJson* node = &schema;
    for (const auto& step : path) {
        if (!node->is_object()) return nullptr;
        if (step.index) {
            auto items = node->find("items");
            if (items == node->end() || !items->is_object()) return nullptr;
            node = &*items;
            continue;
        }
        auto properties = node->find("properties");
        if (properties != node->end() && properties->is_object() && properties->contains(step.key)) {
            node = &(*properties)[step.key];
            continue;
        }
        auto additional = node->find("additionalProperties");
        if (additional == node->end() || !additional->is_object()) return nullptr;
        node = &*additional;
    }
    return node;
}

void locate(SchemaViolation& violation, const Value* value, const Value& front_matter) {
    const Value* anchor = value != nullptr && value->line() > 0 ? value : &front_matter;
    violation.line = std::max(anchor->line(), 1);
    violation.column = std::max(anchor->column(), 1);
}

}  // namespace dossier::schema_detail
