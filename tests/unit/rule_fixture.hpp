// A workspace folder on disk for the tests of the check rules: write documents under
// clients/<slug>/, then check some of them with every rule and keep one rule's findings.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dossier/atomic_file.hpp"
#include "dossier/check.hpp"
#include "temporary_folder.hpp"

namespace dossier::test {

class RuleFixture {
public:
    RuleFixture() : catalog_(TypeCatalog::built_in()) {}

    const std::filesystem::path& root() const { return folder_.path(); }

    // Writes `text` to `relative` (from the workspace root), creating its folders.
    std::filesystem::path write(const std::string& relative, std::string_view text) const {
        auto path = root() / relative;
        std::filesystem::create_directories(path.parent_path());
        write_file_atomically(path, text);
        return path;
    }

    // Checks the documents at `relatives` on `threads` threads and returns the findings of
    // `rule`, in order.
    std::vector<Finding> check(const std::vector<std::string>& relatives, std::string_view rule,
                               unsigned threads = 1) const {
        CheckEnvironment environment{catalog_, {}, "2026-06-01", {}, root()};
        std::vector<CheckFile> files;
        for (const auto& relative : relatives) files.push_back({root() / relative, relative});
        auto findings = check_files(environment, files, {}, threads);
        std::erase_if(findings, [&](const Finding& finding) { return finding.rule != rule; });
        return findings;
    }

    std::vector<Finding> check(const std::string& relative, std::string_view rule) const {
        return check(std::vector<std::string>{relative}, rule);
    }

private:
    TemporaryFolder folder_{"rules"};
    TypeCatalog catalog_;
};

}  // namespace dossier::test
