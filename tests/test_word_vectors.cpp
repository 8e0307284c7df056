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
