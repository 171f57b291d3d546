// The JSON files of a Hudu export: the list responses of Hudu's API saved one per file, such
// as companies.json holding {"companies": [...]}, read one record at a time.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "record_source.hpp"

namespace dossier::importers {

// One kind of list of the export: `key` is the array's name in the API's response and the
// file's name without .json ("companies", "asset_layouts", "assets", "asset_passwords",
// "articles").
struct HuduList {
    std::string key;
    std::vector<std::filesystem::path> pages;  // empty when the export has no such file

    // The name of the first page, such as "companies.json", for reports.
    std::string file_name() const { return key + ".json"; }
};

// Returns the pages of the list `key` in `folder`: KEY.json, then KEY-2.json, KEY-3.json and
// so on while they exist, since Hudu's API returns a long list in pages. A missing KEY.json
// gives no pages, whatever follows it.
HuduList find_hudu_list(const std::filesystem::path& folder, const std::string& key);

// The records of every page of a list, one after the other, optionally only those that
// `keep` accepts. Each page is an object whose member named by the list's key is the array of
// records, as the API returns it, or that array alone. Record numbers and lines are those of
// the record's own page.
class HuduRecords final : public RecordSource {
public:
    using Filter = std::function<bool(const SourceRecord& record)>;

    // Opens the first page. Throws as next() does.
    explicit HuduRecords(HuduList list, Filter keep = {});

    // Reads the next record that `keep` accepts. Throws Error(invalid_input) naming the page
    // and line for invalid JSON, a page that is neither an object nor an array, or an object
    // without the list's array, and Error(not_found)/Error(io) when a page cannot be opened.
    bool next(SourceRecord& record) override;
    const std::vector<std::string>& columns() const override { return no_columns_; }
    void rewind() override;

    // The page of the record that next() returned last.
    const std::filesystem::path& current_page() const { return list_.pages.at(page_); }
    std::string current_file_name() const { return current_page().filename().string(); }

private:
    void open_page();

    HuduList list_;
    Filter keep_;
    std::size_t page_ = 0;
    std::unique_ptr<RecordSource> source_;
    std::vector<std::string> no_columns_;
};

}  // namespace dossier::importers
