// Tests of TOTP: SHA-1 and HMAC-SHA1 against their published vectors, the RFC 6238 and RFC 4226
// vectors, Base32 seeds and otpauth:// URIs, and errors that never show the seed.
#include "dossier/totp.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/sha1.hpp"
#include "dossier/error.hpp"

namespace {

using dossier::Error;
using dossier::ErrorKind;
using dossier::SecretBytes;
using dossier::totp::Algorithm;
using dossier::totp::Parameters;

std::span<const unsigned char> bytes_of(std::string_view text) {
    return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

std::string hex(const dossier::crypto::Sha1::Digest& digest) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char byte : digest) {
        out += digits[byte >> 4];
        out += digits[byte & 15];
    }
    return out;
}

std::string sha1_hex(std::string_view text) { return hex(dossier::crypto::sha1(bytes_of(text))); }

std::string hmac_hex(std::string_view key, std::string_view message) {
    return hex(dossier::crypto::hmac_sha1(bytes_of(key), bytes_of(message)));
}

Parameters parameters(std::string_view key, Algorithm algorithm, int digits) {
    Parameters p;
    p.key = SecretBytes(key);
    p.algorithm = algorithm;
    p.digits = digits;
    return p;
}

// Returns the message of the Error that `parse` throws for `text`.
std::string parse_error(std::string_view text) {
    try {
        dossier::totp::parse(text);
    } catch (const Error& error) {
        CHECK(error.kind() == ErrorKind::invalid_input);
        return std::string(error.what()) + "\n" + error.hint();
    }
    FAIL("no error for an invalid seed or URI");
    return {};
}

constexpr std::string_view seed_sha1 = "12345678901234567890";
constexpr std::string_view seed_sha256 = "12345678901234567890123456789012";
constexpr std::string_view seed_sha512 = "1234567890123456789012345678901234567890123456789012345678901234";

}  // namespace

TEST_CASE("totp: SHA-1 gives the digests of FIPS 180-4 and RFC 3174") {
    CHECK(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(sha1_hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    CHECK(sha1_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                   "mnopqrstnopqrstu") == "a49b2446a02c645bf419f995b67091253a04a259");
    // RFC 3174 section 7.3, TEST3 and TEST4: a million 'a', and a 64-byte string ten times.
    CHECK(sha1_hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    std::string test4;
    for (int i = 0; i < 10; ++i) test4 += "0123456701234567012345670123456701234567012345670123456701234567";
    CHECK(sha1_hex(test4) == "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

TEST_CASE("totp: SHA-1 gives the same digest whatever the pieces given to update") {
    std::string message;
    for (int i = 0; i < 300; ++i) message += static_cast<char>('a' + i % 26);
    for (std::size_t length : {0u, 1u, 55u, 56u, 57u, 63u, 64u, 65u, 119u, 120u, 128u, 300u}) {
        std::string_view part(message.data(), length);
        for (std::size_t split : {std::size_t{0}, length / 3, length / 2, length}) {
            dossier::crypto::Sha1 hash;
            hash.update(part.substr(0, split));
            hash.update(part.substr(split));
            CHECK(hex(hash.finish()) == sha1_hex(part));
        }
    }
}

TEST_CASE("totp: HMAC-SHA1 gives the results of RFC 2202") {
    CHECK(hmac_hex(std::string(20, '\x0b'), "Hi There") == "b617318655057264e28bc0b6fb378c8ef146be00");
    CHECK(hmac_hex("Jefe", "what do ya want for nothing?") == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    CHECK(hmac_hex(std::string(20, '\xaa'), std::string(50, '\xdd')) == "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
    std::string key4;
    for (char c = 1; c <= 25; ++c) key4 += c;
    CHECK(hmac_hex(key4, std::string(50, '\xcd')) == "4c9007f4026250c6bc8414f9bf50c86c2d7235da");
    CHECK(hmac_hex(std::string(20, '\x0c'), "Test With Truncation") == "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04");
    CHECK(hmac_hex(std::string(80, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "aa4ae5e15272d00e95705637ce8a3b55ed402112");
    CHECK(hmac_hex(std::string(80, '\xaa'),
                   "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data") ==
          "e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
}

TEST_CASE("totp: every test vector of RFC 6238 appendix B") {
    struct Vector {
        std::int64_t time;
        const char* sha1;
        const char* sha256;
        const char* sha512;
    };
    const Vector vectors[] = {
        {59, "94287082", "46119246", "90693936"},         {1111111109, "07081804", "68084774", "25091201"},
        {1111111111, "14050471", "67062674", "99943326"}, {1234567890, "89005924", "91819424", "93441116"},
        {2000000000, "69279037", "90698825", "38618901"}, {20000000000, "65353130", "77737706", "47863826"},
    };
    Parameters sha1 = parameters(seed_sha1, Algorithm::sha1, 8);
    Parameters sha256 = parameters(seed_sha256, Algorithm::sha256, 8);
    Parameters sha512 = parameters(seed_sha512, Algorithm::sha512, 8);
    for (const Vector& v : vectors) {
        CAPTURE(v.time);
        CHECK(dossier::totp::code(sha1, v.time) == v.sha1);
        CHECK(dossier::totp::code(sha256, v.time) == v.sha256);
        CHECK(dossier::totp::code(sha512, v.time) == v.sha512);
    }
}

TEST_CASE("totp: the HOTP values of RFC 4226 appendix D, at the times whose counter is 0 to 9") {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    Parameters p = parameters(seed_sha1, Algorithm::sha1, 6);
    for (std::int64_t i = 0; i < 10; ++i) {
        CAPTURE(i);
        CHECK(dossier::totp::code(p, 30 * i) == expected[i]);
        CHECK(dossier::totp::code(p, 30 * i + 29) == expected[i]);
    }
}

TEST_CASE("totp: the period divides the time into counters") {
    Parameters p = parameters(seed_sha1, Algorithm::sha1, 6);
    p.period = 1;
    CHECK(dossier::totp::code(p, 3) == "969429");
    p.period = 60;
    CHECK(dossier::totp::code(p, 60 * 9 + 59) == "520489");
}

TEST_CASE("totp: Base32 seeds ignore case, spaces, hyphens and padding") {
    const std::string_view forms[] = {
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",        "gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
        "gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ",
        "  GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n",
    };
    for (std::string_view form : forms) {
        CAPTURE(form);
        Parameters p = dossier::totp::parse(form);
        CHECK(p.key.view() == seed_sha1);
        CHECK(p.algorithm == Algorithm::sha1);
        CHECK(p.digits == 6);
        CHECK(p.period == 30);
        CHECK(p.issuer.empty());
        CHECK(p.account.empty());
        CHECK(dossier::totp::code(p, 59) == "287082");
    }
    // Padding, and lengths that are not a multiple of 8 digits.
    CHECK(dossier::totp::parse("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA====").key.view() == seed_sha256);
    CHECK(dossier::totp::parse("MY======").key.view() == "f");
    CHECK(dossier::totp::parse("MZXQ").key.view() == "fo");
    CHECK(dossier::totp::parse("MZXW6").key.view() == "foo");
    CHECK(dossier::totp::parse("MZXW6YQ").key.view() == "foob");
    CHECK(dossier::totp::parse("MZXW6YTB").key.view() == "fooba");
    CHECK(dossier::totp::parse("mzxw6ytboi======").key.view() == "foobar");
}

TEST_CASE("totp: invalid Base32 seeds are refused without showing the seed") {
    CHECK(parse_error("JBSWY3DPEHPK3PX1").find("position 16") != std::string::npos);  // '1' is not Base32
    CHECK(parse_error("JBSWY3DP0HPK3PXP").find("Base32") != std::string::npos);
    CHECK(parse_error("JBSWY3DPÉHPK3PXP").find("Base32") != std::string::npos);
    CHECK(parse_error("").find("empty") != std::string::npos);
    CHECK(parse_error(" - = ").find("empty") != std::string::npos);
    CHECK(parse_error("JBSWY3DPE").find("copied whole") != std::string::npos);  // 9 digits: 1 too many
    CHECK(parse_error("https://example.com/?secret=JBSWY3DP").find("otpauth") != std::string::npos);

    // A seed with one bad character, or a URI: the message and hint hold no part of the seed.
    const std::string seed = "QWERTYUIOPASDFGH";
    const std::string texts[] = {seed + "!",
                                 "otpauth://totp/A:b?secret=" + seed + "!&issuer=A",
                                 "otpauth://totp/A:b?secret=" + seed + "&digits=7",
                                 "otpauth://totp/A:b?secret=" + seed + "&period=0",
                                 "otpauth://totp/A:b?secret=" + seed + "&algorithm=MD5",
                                 "otpauth://totp/A:b?secret=" + seed + "&secret=" + seed,
                                 "otpauth://hotp/A:b?secret=" + seed + "&counter=1",
                                 "otpauth://totp/A:b?secret=" + seed + "%G1"};
    for (const std::string& text : texts) {
        CAPTURE(text);
        std::string message = parse_error(text);
        CHECK(message.find(seed.substr(0, 6)) == std::string::npos);
        CHECK(message.find("qwerty") == std::string::npos);
        CHECK(message.find(text) == std::string::npos);
    }
}

TEST_CASE("totp: otpauth:// URIs give the seed, algorithm, digits, period, issuer and account") {
    Parameters p = dossier::totp::parse(
        "otpauth://totp/ACME%20Co:john.doe%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        "&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60");
    CHECK(p.key.view() == seed_sha1);
    CHECK(p.algorithm == Algorithm::sha256);
    CHECK(p.digits == 8);
    CHECK(p.period == 60);
    CHECK(p.issuer == "ACME Co");
    CHECK(p.account == "john.doe@example.com");

    // Defaults, a label without an issuer, parameters in any case, unknown ones ignored.
    p = dossier::totp::parse("OTPAUTH://TOTP/alice?SECRET=gezdgnbvgy3tqojqgezdgnbvgy3tqojq&image=x.png");
    CHECK(p.key.view() == seed_sha1);
    CHECK(p.algorithm == Algorithm::sha1);
    CHECK(p.digits == 6);
    CHECK(p.period == 30);
    CHECK(p.issuer.empty());
    CHECK(p.account == "alice");

    // The issuer parameter wins over the label's prefix; a space after the colon is dropped.
    p = dossier::totp::parse("otpauth://totp/Old:%20bob?issuer=New&secret=MZXW6YTBOI&algorithm=sha512");
    CHECK(p.issuer == "New");
    CHECK(p.account == "bob");
    CHECK(p.algorithm == Algorithm::sha512);
    CHECK(p.key.view() == "foobar");

    // The RFC 6238 vectors through a URI.
    p = dossier::totp::parse(
        "otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZ"
        "DGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA%3D&algorithm=SHA512&digits=8");
    CHECK(p.key.view() == seed_sha512);
    CHECK(dossier::totp::code(p, 1111111111) == "99943326");
}

TEST_CASE("totp: invalid otpauth:// URIs are refused with a clear message") {
    const std::string secret = "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    CHECK(parse_error("otpauth://hotp/A:b?" + secret + "&counter=0").find("otpauth://hotp") != std::string::npos);
    CHECK(parse_error("otpauth://hotp/A:b?" + secret).find("TOTP") != std::string::npos);
    CHECK(parse_error("otpauth://totp/A:b?issuer=A").find("no secret") != std::string::npos);
    CHECK(parse_error("otpauth://totp/A:b").find("no secret") != std::string::npos);
    CHECK(parse_error("otpauth://totp/A:b?" + secret + "&digits=7").find("6 or 8") != std::string::npos);
    CHECK(parse_error("otpauth://totp/A:b?" + secret + "&digits=10").find("6 or 8") != std::string::npos);
    CHECK(parse_error("otpauth://totp/A:b?" + secret + "&digits=six").find("digits") != std::string::npos);
    CHECK(parse_error("otpauth://totp/A:b?" + secret + "&period=0").find("at least 1") != std::string::npos);
    CHECK(parse_error("otpauth://totp/A:b?" + secret + "&period=-30").find("at least 1") != std::string::npos);
    CHECK(parse_error("otpauth://totp/A:b?" + secret + "&period=99999999999").find("period") != std::string::npos);
    CHECK(parse_error("otpauth://totp/A:b?" + secret + "&algorithm=MD5").find("SHA1, SHA256 or SHA512") !=
          std::string::npos);
    CHECK(parse_error("otpauth://totp/A%2:b?" + secret).find("percent-encoding") != std::string::npos);
    CHECK(parse_error("otpauth://totp/A:b?" + secret + "&" + secret).find("twice") != std::string::npos);
    CHECK(parse_error("otpauth://steam/A:b?" + secret).find("otpauth://totp/") != std::string::npos);
    CHECK(parse_error("otpauth://totp?" + secret).find("otpauth://totp/") != std::string::npos);
}

TEST_CASE("totp: code refuses parameters out of range") {
    Parameters p = parameters(seed_sha1, Algorithm::sha1, 7);
    CHECK_THROWS_AS(dossier::totp::code(p, 0), Error);
    p.digits = 6;
    p.period = 0;
    CHECK_THROWS_AS(dossier::totp::code(p, 0), Error);
    CHECK_THROWS_AS(dossier::totp::seconds_left(p, 0), Error);
    p.period = 30;
    CHECK_THROWS_AS(dossier::totp::code(p, -1), Error);
    p.key = SecretBytes();
    CHECK_THROWS_AS(dossier::totp::code(p, 0), Error);
}

TEST_CASE("totp: seconds_left counts down from the period to 1") {
    Parameters p = parameters(seed_sha1, Algorithm::sha1, 6);
    CHECK(dossier::totp::seconds_left(p, 0) == 30);
    CHECK(dossier::totp::seconds_left(p, 1) == 29);
    CHECK(dossier::totp::seconds_left(p, 29) == 1);
    CHECK(dossier::totp::seconds_left(p, 30) == 30);
    CHECK(dossier::totp::seconds_left(p, 1111111109) == 1);
    CHECK(dossier::totp::seconds_left(p, 1111111111) == 29);
    p.period = 1;
    CHECK(dossier::totp::seconds_left(p, 12345) == 1);
    p.period = 60;
    CHECK(dossier::totp::seconds_left(p, 59) == 1);
    CHECK(dossier::totp::seconds_left(p, 20000000000) == 40);
    // The code changes exactly when seconds_left runs out.
    p.period = 30;
    for (std::int64_t t = 1000; t < 1100; ++t) {
        int left = dossier::totp::seconds_left(p, t);
        CHECK(dossier::totp::code(p, t + left - 1) == dossier::totp::code(p, t));
        CHECK(dossier::totp::code(p, t + left) != dossier::totp::code(p, t));
    }
}
