# Every dependency comes from a Debian 12 package; scripts/install-deps lists them.
find_package(PkgConfig REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(valijson CONFIG REQUIRED)
find_package(Gettext REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2>=1.5)
pkg_check_modules(CMARK_GFM REQUIRED IMPORTED_TARGET libcmark-gfm)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3>=3.35)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
# The HTML parser of the IT Glue import, which turns documents and notes into Markdown.
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0>=2.9)
# Reads the ZIP file of an IT Glue export in memory, so that no member is extracted to disk.
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip>=1.7)
# libgit2 1.5 checks no SSH host key by itself: sync checks it against known_hosts with libssh2.
pkg_check_modules(LIBSSH2 REQUIRED IMPORTED_TARGET libssh2)

find_library(CMARK_GFM_EXTENSIONS_LIBRARY NAMES cmark-gfm-extensions REQUIRED)
# Packs of Git objects written by imports: zlib compresses the objects, and the SHA-1 of
# mbed TLS, the crypto library that Debian's libgit2 itself uses, checksums the pack.
find_package(ZLIB REQUIRED)
find_library(MBEDCRYPTO_LIBRARY NAMES mbedcrypto REQUIRED)
find_path(MBEDTLS_INCLUDE_DIR NAMES mbedtls/sha1.h REQUIRED)

if(DOSSIER_BUILD_TESTS)
  find_package(doctest CONFIG REQUIRED)
endif()
