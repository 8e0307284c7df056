// Tests of precis/embed/word_vectors.hpp: the same small vectors written by the test as GloVe text,
// word2vec text (with header), fastText .vec, word2vec binary and precis cache all load to the
// same table; parse errors pinned; mean and SIF pooling hand-computed; OOV counted.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "precis/embed/word_vectors.hpp"
#include "precis/error.hpp"

namespace pe = precis::embed;
namespace fs = std::filesystem;

namespace {

std::string expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const precis::error& e) {
    return e.what();
  }
  return "no error";
}

const std::vector<std::string> k_words = {"the", "cat", "sat", "mat", "caf\xc3\xa9"};
const std::vector<std::vector<float>> k_vecs = {{0.5F, 0.0F, 0.0F},
                                                {1.0F, 2.0F, 3.0F},
                                                {-1.0F, 0.25F, 4.0F},
                                                {0.0F, 1.0F, -2.5F},
                                                {3.0F, 3.0F, 3.0F}};

fs::path tmp(const std::string& name) {
  return fs::temp_directory_path() / ("precis_test_wv_" + name);
}

std::string write_text(const std::string& name, bool header) {
  const auto p = tmp(name);
  std::ofstream out(p);
  if (header) out << k_words.size() << " 3\n";
  for (std::size_t i = 0; i < k_words.size(); ++i) {
    out << k_words[i];
    for (const float v : k_vecs[i]) out << ' ' << v;
    out << (i % 2 ? " \n" : "\n");  // fastText .vec lines end with a space
  }
  return p.string();
}

std::string write_binary(const std::string& name) {
  const auto p = tmp(name);
  std::ofstream out(p, std::ios::binary);
  out << k_words.size() << " 3\n";
  for (std::size_t i = 0; i < k_words.size(); ++i) {
    out << k_words[i] << ' ';
    out.write(reinterpret_cast<const char*>(k_vecs[i].data()), 12);
    out << '\n';
  }
  return p.string();
}

void expect_table(const pe::word_vectors& wv) {
  ASSERT_EQ(wv.size(), k_words.size());
  ASSERT_EQ(wv.dimension(), 3U);
  for (std::size_t i = 0; i < k_words.size(); ++i) {
    EXPECT_EQ(wv.word(i), k_words[i]);
    EXPECT_EQ(*wv.find(k_words[i]), i);
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(wv.vectors()(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)),
                k_vecs[i][k]);
    }
  }
  EXPECT_FALSE(wv.find("dog"));
}

}  // namespace

TEST(WordVectors, AllFormatsLoadTheSameTable) {
  const auto glove = write_text("glove.txt", false);
  const auto w2v = write_text("w2v.txt", true);
  const auto bin = write_binary("w2v.bin");
  expect_table(pe::word_vectors::load(glove));
  expect_table(pe::word_vectors::load(w2v));
  expect_table(pe::word_vectors::load(bin));  // detected as binary
  expect_table(pe::word_vectors::load(bin, pe::word_vector_format::word2vec_binary));
  const auto wv = pe::word_vectors::load(glove, pe::word_vector_format::text);
  const auto cache = tmp("cache.pwv").string();
  wv.save(cache);
  expect_table(pe::word_vectors::load(cache));
  const pe::word_vectors copy = wv;  // the copy's index points at its own strings
  expect_table(copy);
  EXPECT_EQ(pe::word_vectors::load(w2v, pe::word_vector_format::detect, 2).size(), 2U);
  for (const auto& p : {glove, w2v, bin, cache}) fs::remove(p);
}

TEST(WordVectors, Errors) {
  const auto p = tmp("bad.txt").string();
  {
    std::ofstream out(p);
    out << "a 1 2 3\nb 1 2\n";
  }
  EXPECT_EQ(expect_error([&] { (void)pe::word_vectors::load(p); }),
            "[precis.parse_error] word vectors '" + p + "' line 2: 2 values, expected 3");
  {
    std::ofstream out(p);
    out << "a 1 x 3\n";
  }
  EXPECT_EQ(expect_error([&] { (void)pe::word_vectors::load(p); }),
            "[precis.parse_error] word vectors '" + p + "' line 1: value 2 is not a number");
  {
    std::ofstream out(p);
    out << "a 1 nan 3\n";
  }
  EXPECT_EQ(expect_error([&] { (void)pe::word_vectors::load(p); }),
            "[precis.parse_error] word vectors '" + p + "' line 1: value 2 is NaN or infinite");
  fs::remove(p);
  EXPECT_EQ(expect_error([&] { (void)pe::word_vectors::load("/nonexistent/v.txt"); }),
            "[precis.io_error] word vectors '/nonexistent/v.txt': cannot open");
  const auto bin = write_binary("trunc.bin");
  fs::resize_file(bin, fs::file_size(bin) - 5);
  EXPECT_EQ(expect_error([&] { (void)pe::word_vectors::load(bin); }),
            "[precis.parse_error] word vectors '" + bin +
                "' line 6: truncated word2vec binary file (4 of 5 words)");
  fs::remove(bin);
}

TEST(WordVectorEncoder, MeanSifAndOov) {
  pe::row_matrix m(5, 3);
  for (Eigen::Index i = 0; i < 5; ++i) {
    for (Eigen::Index k = 0; k < 3; ++k)
      m(i, k) = k_vecs[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)];
  }
  const auto wv = std::make_shared<pe::word_vectors>(k_words, m);
  const pe::word_vector_encoder mean(wv, "toy");
  const std::vector<std::string_view> texts = {"The cat, the DOG.", "", "zebra"};
  const auto out = mean.encode(texts);
  // the + cat + the (dog is OOV) / 3
  EXPECT_FLOAT_EQ(out(0, 0), (0.5F + 1.0F + 0.5F) / 3.0F);
  EXPECT_FLOAT_EQ(out(0, 2), 3.0F / 3.0F);
  EXPECT_EQ(out.row(1).squaredNorm(), 0.0F);
  EXPECT_EQ(out.row(2).squaredNorm(), 0.0F);
  EXPECT_EQ(mean.tokens_seen(), 5U);
  EXPECT_EQ(mean.oov_tokens(), 2U);

  pe::word_vector_options o;
  o.pool = pe::pooling::sif;
  o.sif_a = 0.1;
  pe::word_vector_encoder sif(wv, "toy", o);
  const double h = 1.0 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4 + 1.0 / 5;
  EXPECT_NEAR(sif.weight(0), 0.1 / (0.1 + 1.0 / h), 1e-6);          // rank 0
  EXPECT_NEAR(sif.weight(1), 0.1 / (0.1 + 1.0 / (2.0 * h)), 1e-6);  // rank 1
  const std::vector<std::string_view> corpus = {"the the the cat", "mat"};
  sif.set_frequencies(corpus);
  EXPECT_NEAR(sif.weight(0), 0.1 / (0.1 + 3.0 / 5.0), 1e-6);
  EXPECT_NEAR(sif.weight(2), 1.0, 1e-6);  // "sat" not in the corpus
  const std::vector<std::string_view> one = {"the sat"};
  const auto s = sif.encode(one);
  EXPECT_NEAR(s(0, 2), (sif.weight(0) * 0.0 + sif.weight(2) * 4.0) / 2.0, 1e-6);
  EXPECT_NE(sif.id(), mean.id());
  EXPECT_NE(sif.id().find("pool=sif"), std::string::npos);
}

// ---- hostile files (docs/reliability.md): every size in a file is checked against the file's
// real size before anything is allocated or read.

namespace {

void put_u32(std::string& s, std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
void put_u64(std::string& s, std::uint64_t v) { s.append(reinterpret_cast<const char*>(&v), 8); }

// A precis cache with the given header fields, `floats` float32 zeros, offsets and word bytes.
std::string cache_bytes(std::uint64_t n, std::uint64_t d, std::size_t floats,
                        const std::vector<std::uint64_t>& offsets, std::uint64_t chars,
                        const std::string& word_bytes) {
  std::string s("PRECISWV", 8);
  put_u32(s, 1);
  put_u64(s, n);
  put_u64(s, d);
  s.append(floats * 4, '\0');
  for (const auto o : offsets) put_u64(s, o);
  put_u64(s, chars);
  s += word_bytes;
  return s;
}

std::string write_bytes(const std::string& name, const std::string& bytes) {
  const auto p = tmp(name).string();
  std::ofstream out(p, std::ios::binary);
  out << bytes;
  return p;
}

std::string load_error(const std::string& path) {
  return expect_error([&] { (void)pe::word_vectors::load(path); });
}

}  // namespace

TEST(WordVectors, CraftedCacheIsRefusedNotRead) {
  const std::string corrupt = "[precis.parse_error] word vectors '";
  // The 90-byte file of the audit: the last offset is right, the first points 1 TB away.
  const auto far = write_bytes("far.pwv", cache_bytes(2, 1, 2, {1ULL << 40, 3, 6}, 6, "abcdef"));
  EXPECT_EQ(load_error(far), corrupt + far + "': corrupt precis cache: word offsets do not span "
                                              "the word bytes");
  const auto mid = write_bytes("mid.pwv", cache_bytes(2, 1, 2, {0, 1ULL << 40, 6}, 6, "abcdef"));
  EXPECT_EQ(load_error(mid),
            corrupt + mid + "': corrupt precis cache: word offset 1 out of order or range");
  // Offsets out of order (was std::length_error).
  const auto order = write_bytes("order.pwv", cache_bytes(2, 1, 2, {0, 5, 3}, 3, "abc"));
  EXPECT_EQ(load_error(order),
            corrupt + order + "': corrupt precis cache: word offset 1 out of order or range");
  // n * d * 4 overflows 64 bits.
  const auto huge = write_bytes("huge.pwv", cache_bytes(1ULL << 62, 4, 0, {0}, 0, ""));
  EXPECT_EQ(load_error(huge), corrupt + huge + "': corrupt precis cache: 4611686018427387904 words "
                                                "of dimension 4 do not fit in 44 bytes");
  // n fits but n + 1 offsets overflow.
  const auto wrap = write_bytes("wrap.pwv", cache_bytes(~0ULL, 1, 0, {}, 0, ""));
  EXPECT_NE(load_error(wrap).find("corrupt precis cache"), std::string::npos);
  // Zero dimension or count (was memcpy(nullptr, ..., 0)).
  const auto zero = write_bytes("zero.pwv", cache_bytes(3, 0, 0, {0, 0, 0, 0}, 0, ""));
  EXPECT_EQ(load_error(zero), corrupt + zero + "': corrupt precis cache: 3 words of dimension 0");
  const auto none = write_bytes("none.pwv", cache_bytes(0, 3, 0, {0}, 0, ""));
  EXPECT_EQ(load_error(none), corrupt + none + "': corrupt precis cache: 0 words of dimension 3");
  // Word bytes that do not match the file.
  const auto chars = write_bytes("chars.pwv", cache_bytes(1, 1, 1, {0, 3}, 9, "abc"));
  EXPECT_EQ(load_error(chars), corrupt + chars +
                                   "': corrupt precis cache: word bytes 9 but 3 bytes left in the "
                                   "file");
  // Every truncation of a good cache is an error, never a crash.
  const pe::word_vectors good({"ab", "c"}, pe::row_matrix::Ones(2, 3));
  const auto ok = tmp("ok.pwv").string();
  good.save(ok);
  const auto size = fs::file_size(ok);
  for (std::uintmax_t cut = 0; cut < size; ++cut) {
    fs::copy_file(ok, tmp("cut.pwv"), fs::copy_options::overwrite_existing);
    fs::resize_file(tmp("cut.pwv"), cut);
    const auto e = load_error(tmp("cut.pwv").string());
    EXPECT_EQ(e.rfind("[precis.parse_error] word vectors '", 0), 0U) << cut << ": " << e;
  }
  EXPECT_EQ(pe::word_vectors::load(ok).size(), 2U);
  for (const auto& p : {far, mid, order, huge, wrap, zero, none, chars, ok}) fs::remove(p);
  fs::remove(tmp("cut.pwv"));
}

TEST(WordVectors, HeadersAreCheckedAgainstTheFileSize) {
  // word2vec binary asking for 10^6 x 10^6 floats (was std::bad_alloc after reserving 4 TB).
  const auto big = write_bytes("big.bin", std::string("1000000 1000000\nthe \xcd\xcc\xcc\x3d", 24));
  EXPECT_EQ(load_error(big), "[precis.parse_error] word vectors '" + big +
                                 "' line 1: header says 1000000 words of dimension 1000000 but "
                                 "the file holds 8 bytes of vectors");
  // A dimension whose 4 * dim wraps to 0 (was memcpy into a null pointer).
  const auto wrap =
      write_bytes("wrap.bin", std::string("1 4611686018427387904\nthe \xcd\xcc\xcc\x3d", 30));
  EXPECT_EQ(load_error(wrap), "[precis.parse_error] word vectors '" + wrap +
                                  "' line 1: header says 1 words of dimension 4611686018427387904 "
                                  "but the file holds 8 bytes of vectors");
  EXPECT_NE(expect_error([&] {
              (void)pe::word_vectors::load(wrap, pe::word_vector_format::word2vec_binary);
            }).find("header says"),
            std::string::npos);
  // A text (GloVe / fastText .vec) header with an impossible dimension.
  const auto text = write_bytes("big.vec", "2 1000000000\nthe 1 2\ncat 3 4\n");
  EXPECT_EQ(load_error(text), "[precis.parse_error] word vectors '" + text +
                                  "' line 1: header dimension 1000000000 is larger than a file of "
                                  "29 bytes can hold");
  // A header count larger than the file is only a problem for binary files (text ignores it).
  const auto many = write_bytes("many.bin", std::string("5 1\nab \x00\x00\x80\x3f\n", 12));
  EXPECT_NE(load_error(many).find("header says 5 words of dimension 1"), std::string::npos);
  for (const auto& p : {big, wrap, text, many}) fs::remove(p);
}

TEST(WordVectors, DirectoryIsAnIoError) {
  const auto dir = tmp("dir");
  fs::create_directories(dir);
  EXPECT_EQ(load_error(dir.string()),
            "[precis.io_error] word vectors '" + dir.string() + "': is a directory");
  EXPECT_EQ(load_error("/dev/null"), "[precis.parse_error] word vectors '/dev/null': no vectors");
  fs::remove(dir);
}
