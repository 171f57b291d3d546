#include "age_stream.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "dossier/i18n.hpp"
#include "chunk_workers.hpp"
#include "hkdf.hpp"
#include "page_buffer.hpp"

namespace dossier::crypto {
namespace {

constexpr std::size_t nonce_size = crypto_aead_chacha20poly1305_ietf_NPUBBYTES;  // 12
static_assert(nonce_size == 12);

// The nonce of chunk `counter`: 11 bytes of big-endian counter, then the last-chunk flag.
class ChunkNonce {
public:
    const unsigned char* get(bool last) {
        bytes_[11] = last ? 1 : 0;
        return bytes_.data();
    }
    bool is_first() const { return first_; }
    // Moves on by `count` chunks.
    void skip(std::size_t count) {
        if (count == 0) return;
        first_ = false;
        unsigned carry = 0;
        for (int i = 10; i >= 0; --i) {
            const unsigned sum = bytes_[i] + static_cast<unsigned>(count & 0xFF) + carry;
            bytes_[i] = static_cast<unsigned char>(sum);
            carry = sum >> 8;
            count >>= 8;
        }
        if (carry != 0 || count != 0) {
            throw age::AgeError(age::Failure::payload, tr("the age payload is too long: its chunk counter overflowed"));
        }
    }

private:
    std::array<unsigned char, nonce_size> bytes_{};
    bool first_ = true;
};

// Initial size of the payload buffers, which double as the input requires, so that a small
// secret never touches the full block size.
constexpr std::size_t initial_buffer_size = 4 * page_size;

// Collects plaintext or ciphertext and writes it to the sink in blocks of up to `capacity`
// bytes. The buffer starts small and doubles as the data requires, up to `capacity`.
class BlockWriter {
public:
    BlockWriter(age::ByteSink& out, std::size_t capacity)
        : out_(out), capacity_(capacity), buffer_(std::min(capacity, initial_buffer_size)) {}

    // Room for `count` more bytes (at most the capacity), flushing first if needed.
    unsigned char* reserve(std::size_t count) {
        if (size_ + count > capacity_) flush();
        if (size_ + count > buffer_.size()) {
            buffer_.grow(std::max(size_ + count, std::min(capacity_, 2 * buffer_.size())), size_);
        }
        return buffer_.data() + size_;
    }
    void commit(std::size_t count) { size_ += count; }
    void flush() {
        if (size_ == 0) return;
        const std::size_t size = size_;
        size_ = 0;
        out_.write({buffer_.data(), size});
    }

private:
    age::ByteSink& out_;
    std::size_t capacity_;
    PageBuffer buffer_;
    std::size_t size_ = 0;
};

[[noreturn]] void payload_failure(const char* message) {
    throw age::AgeError(age::Failure::payload, tr(message),
                        tr("the file was changed or damaged after it was encrypted; restore it from a backup or "
                           "from Git history"));
}

bool open_chunk(const SecretBytes& key, const unsigned char* nonce, const unsigned char* sealed, std::size_t size,
                unsigned char* out) {
    unsigned long long length = 0;
    return crypto_aead_chacha20poly1305_ietf_decrypt(out, &length, nullptr, sealed, size, nullptr, 0, nonce,
                                                     key.bytes()) == 0;
}

}  // namespace

SecretBytes payload_key(const SecretBytes& file_key, std::span<const unsigned char> nonce) {
    return hkdf_sha256(nonce, file_key.span(), "payload", 32);
}

void stream_encrypt(const SecretBytes& key, age::ByteSource& plaintext, age::ByteSink& out, std::string_view prefix) {
    // Two blocks of plaintext, read whole at page-aligned addresses: the chunks of one are
    // sealed while the next is read. A chunk is the last one when the input ends with it, so
    // the last chunk of a full block is held (copied aside) until the next block is read.
    // The buffers start small and grow to a block only while the input fills them.
    const std::size_t block_size = stream_chunks_per_block * stream_chunk_size;
    PageBuffer blocks[2] = {PageBuffer(initial_buffer_size), PageBuffer(page_size)};
    PageBuffer held(page_size);
    bool holding = false;
    BlockWriter writer(out, (stream_chunks_per_block + 1) * stream_sealed_chunk_size + prefix.size());
    std::memcpy(writer.reserve(prefix.size()), prefix.data(), prefix.size());
    writer.commit(prefix.size());
    ChunkWorkers workers;
    ChunkNonce nonce;
    bool ended = false;
    const auto read_block = [&](PageBuffer& block) {
        std::size_t have = 0;
        while (have < block_size && !ended) {
            if (have == block.size()) block.grow(std::min(block_size, 2 * block.size()), have);
            const std::size_t count = plaintext.read({block.data() + have, block.size() - have});
            if (count == 0) ended = true;
            have += count;
        }
        return have;
    };

    std::size_t current = 0;
    std::size_t have = read_block(blocks[current]);
    for (;;) {
        // The chunks to seal: the held chunk, then those of the block; the last of a full block
        // is held back unless the input has ended.
        const bool final_block = ended;
        const std::size_t block_chunks =
            final_block ? (have + stream_chunk_size - 1) / stream_chunk_size : stream_chunks_per_block - 1;
        const std::size_t chunks = std::max<std::size_t>(1, block_chunks + (holding ? 1 : 0));
        const std::size_t sealed_size = (holding ? stream_chunk_size : 0) +
                                        (final_block ? have : block_chunks * stream_chunk_size) +
                                        chunks * stream_tag_size;
        unsigned char* sealed = writer.reserve(sealed_size);
        const unsigned char* block = blocks[current].data();
        const ChunkNonce first = nonce;
        const bool with_held = holding;
        workers.start(chunks, [&, sealed, block, first, final_block, chunks, with_held](std::size_t i) {
            ChunkNonce chunk_nonce = first;
            chunk_nonce.skip(i);
            const unsigned char* source = nullptr;
            std::size_t size = 0;
            if (with_held && i == 0) {
                source = held.data();
                size = stream_chunk_size;
            } else {
                const std::size_t offset = (i - (with_held ? 1 : 0)) * stream_chunk_size;
                source = block + offset;
                size = std::min(stream_chunk_size, have - offset);
            }
            const bool last = final_block && i + 1 == chunks;
            unsigned long long length = 0;
            crypto_aead_chacha20poly1305_ietf_encrypt(sealed + i * stream_sealed_chunk_size, &length, source, size,
                                                      nullptr, 0, nullptr, chunk_nonce.get(last), key.bytes());
        });
        std::size_t next_have = 0;
        if (!final_block) next_have = read_block(blocks[1 - current]);  // while the chunks are sealed
        workers.wait();
        writer.commit(sealed_size);
        if (final_block) break;
        nonce.skip(chunks);
        // Hold the last chunk of this full block.
        if (held.size() < stream_chunk_size) held.grow(stream_chunk_size, 0);
        std::memcpy(held.data(), block + block_chunks * stream_chunk_size, stream_chunk_size);
        holding = true;
        sodium_memzero(blocks[current].data(), blocks[current].size());
        current = 1 - current;
        have = next_have;
        if (ended && have == 0) {
            // The held chunk is the last one.
            unsigned char* last_sealed = writer.reserve(stream_sealed_chunk_size);
            unsigned long long length = 0;
            crypto_aead_chacha20poly1305_ietf_encrypt(last_sealed, &length, held.data(), stream_chunk_size, nullptr, 0,
                                                      nullptr, nonce.get(true), key.bytes());
            writer.commit(stream_sealed_chunk_size);
            break;
        }
    }
    writer.flush();
}

void stream_decrypt(const SecretBytes& key, BufferedReader& in, age::ByteSink& out) {
    BlockWriter writer(out, stream_chunks_per_block * stream_chunk_size);
    ChunkWorkers workers;
    ChunkNonce nonce;
    // Writes what was verified so far, then fails.
    const auto fail = [&](const char* message) {
        writer.flush();
        payload_failure(message);
    };
    enum class Opened : unsigned char { failed, not_last, last };
    std::array<Opened, stream_chunks_per_block> opened{};
    for (;;) {
        const std::size_t available = in.fill(stream_chunks_per_block * stream_sealed_chunk_size + 1);
        // Full chunks followed by more data: not the last one unless the file is wrong.
        const std::size_t followed = available == 0 ? 0 : (available - 1) / stream_sealed_chunk_size;
        if (followed > 0) {
            const std::size_t chunks = std::min(followed, stream_chunks_per_block);
            unsigned char* plain = writer.reserve(chunks * stream_chunk_size);
            const unsigned char* sealed = in.data();
            const ChunkNonce first = nonce;
            workers.run(chunks, [&](std::size_t i) {
                ChunkNonce chunk_nonce = first;
                chunk_nonce.skip(i);
                const unsigned char* source = sealed + i * stream_sealed_chunk_size;
                unsigned char* target = plain + i * stream_chunk_size;
                if (open_chunk(key, chunk_nonce.get(false), source, stream_sealed_chunk_size, target)) {
                    opened[i] = Opened::not_last;
                } else if (open_chunk(key, chunk_nonce.get(true), source, stream_sealed_chunk_size, target)) {
                    opened[i] = Opened::last;
                } else {
                    opened[i] = Opened::failed;
                }
            });
            // Release the chunks in order, up to the first that failed.
            for (std::size_t i = 0; i < chunks; ++i) {
                if (opened[i] == Opened::failed) {
                    fail(N_("an age payload chunk failed authentication: the file was changed or damaged"));
                }
                writer.commit(stream_chunk_size);
                if (opened[i] == Opened::last) fail(N_("the age payload has data after its last chunk"));
            }
            in.consume(chunks * stream_sealed_chunk_size);
            nonce.skip(chunks);
            continue;
        }
        // The end of the input: at most one full chunk is left.
        if (available == 0) {
            fail(nonce.is_first() ? N_("the age payload is empty: it has no chunk")
                                  : N_("the age payload is truncated: its last chunk is missing"));
        }
        if (available < stream_tag_size) fail(N_("the age payload is truncated: its last chunk is cut short"));
        if (available == stream_tag_size && !nonce.is_first()) {
            fail(N_("the age payload ends with an empty chunk, which only an empty file may have"));
        }
        unsigned char* plain = writer.reserve(available - stream_tag_size);
        if (open_chunk(key, nonce.get(true), in.data(), available, plain)) {
            writer.commit(available - stream_tag_size);
            break;
        }
        // A full chunk that is not marked last: the file was cut after it.
        if (available == stream_sealed_chunk_size && open_chunk(key, nonce.get(false), in.data(), available, plain)) {
            writer.commit(available - stream_tag_size);
            fail(N_("the age payload is truncated: its last chunk is missing"));
        }
        fail(N_("an age payload chunk failed authentication: the file was changed or damaged"));
    }
    in.consume(in.available());
    writer.flush();
}

}  // namespace dossier::crypto
