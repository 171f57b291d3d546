// Reading the pages of a Hudu export's lists through the JSON reader of `import json`.
#include "hudu_source.hpp"

#include <fmt/format.h>

#include "block_reader.hpp"
#include "dossier/error.hpp"
#include "dossier/i18n.hpp"

namespace dossier::importers {
namespace {

namespace fs = std::filesystem;

// Returns the first byte of `path` that is not a BOM or white space, or 0 for an empty file.
char first_significant_byte(const fs::path& path) {
    BlockReader reader(path);
    std::string block;
    bool start = true;
    while (reader.append_block(block)) {
        std::size_t offset = start && block.starts_with("\xEF\xBB\xBF") ? 3 : 0;
        start = false;
        auto found = block.find_first_not_of(" \t\r\n", offset);
        if (found != std::string::npos) return block[found];
        block.clear();
    }
    return 0;
}

std::string list_hint(const std::string& key) {
    return fmt::format(fmt::runtime(tr("save each list of Hudu's API as it returns it, an object such as "
                                       "{{\"{}\": [...]}}, or as the array alone")),
                       key);
}

}  // namespace

HuduList find_hudu_list(const fs::path& folder, const std::string& key) {
    HuduList list{key, {}};
    if (!fs::is_regular_file(folder / (key + ".json"))) return list;
    list.pages.push_back(folder / (key + ".json"));
    for (int page = 2; fs::is_regular_file(folder / fmt::format("{}-{}.json", key, page)); ++page) {
        list.pages.push_back(folder / fmt::format("{}-{}.json", key, page));
    }
    return list;
}

HuduRecords::HuduRecords(HuduList list, Filter keep) : list_(std::move(list)), keep_(std::move(keep)) {
    if (!list_.pages.empty()) open_page();
}

void HuduRecords::open_page() {
    const auto& path = list_.pages.at(page_);
    const char first = first_significant_byte(path);
    if (first != '{' && first != '[') {
        throw Error(ErrorKind::invalid_input,
                    fmt::format(fmt::runtime(tr("{} is not a list of Hudu's API: it contains no JSON object or array")),
                                path.string()),
                    list_hint(list_.key));
    }
    JsonOptions options;
    if (first == '{') options.records_pointer = "/" + list_.key;
    try {
        source_ = open_json(path, options);
    } catch (const Error& error) {
        // Errors in the JSON text have a location and their own hint. The others report an object
        // without the list's array, with a hint about --records, which this import does not take.
        if (error.location()) throw;
        throw Error(error.kind(), error.what(), list_hint(list_.key));
    }
}

bool HuduRecords::next(SourceRecord& record) {
    while (source_) {
        if (!source_->next(record)) {
            if (page_ + 1 >= list_.pages.size()) return false;
            ++page_;
            open_page();
            continue;
        }
        if (!keep_ || keep_(record)) return true;
    }
    return false;
}

void HuduRecords::rewind() {
    if (list_.pages.empty()) return;
    if (page_ == 0 && source_) {
        source_->rewind();
        return;
    }
    page_ = 0;
    open_page();
}

}  // namespace dossier::importers
