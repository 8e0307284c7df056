// Tests of precis/embed/encoder.hpp: the hashed encoder (hand-computed values, determinism,
// additivity over words against a slow twin, IDF), precomputed and callback encoders, batching
// and the finiteness checks (messages pinned word for word).

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"

namespace pe = precis::embed;

namespace {

std::string expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const precis::error& e) {
    return e.what();
  }
  return "no error";
}

pe::row_matrix enc(const pe::encoder& e, std::vector<std::string_view> texts) {
  return e.encode(texts);
}

pe::hashed_options raw_words(std::size_t dimension) {
  pe::hashed_options o;
  o.dimension = dimension;
  o.char_ngram_min = 0;
  o.signed_hash = false;
  o.normalize = false;
  return o;
}

}  // namespace

TEST(HashedEncoder, HandComputedCounts) {
  const pe::hashed_encoder e(raw_words(1));
  const auto m = enc(e, {"a b a", "", "  ...  ", "Word, word; WORD"});
  EXPECT_EQ(m.rows(), 4);
  EXPECT_EQ(m.cols(), 1);
  EXPECT_FLOAT_EQ(m(0, 0), 3.0F);
  EXPECT_FLOAT_EQ(m(1, 0), 0.0F);
  EXPECT_FLOAT_EQ(m(2, 0), 0.0F);
  EXPECT_FLOAT_EQ(m(3, 0), 3.0F);
  auto o = raw_words(1);
  o.word_weight = 2.0F;
  EXPECT_FLOAT_EQ(enc(pe::hashed_encoder(o), {"x y"})(0, 0), 4.0F);
  // char n-grams of "<ab>" for n in 3..4: "<ab", "ab>", "<ab>" = 3 features of weight 0.5.
  o = raw_words(1);
  o.words = false;
  o.char_ngram_min = 3;
  o.char_ngram_max = 4;
  EXPECT_FLOAT_EQ(enc(pe::hashed_encoder(o), {"ab"})(0, 0), 1.5F);
  // "a" padded is "<a>": one 3-gram, no 4-gram.
  EXPECT_FLOAT_EQ(enc(pe::hashed_encoder(o), {"a"})(0, 0), 0.5F);
}

TEST(HashedEncoder, NormalizedDeterministicCaseInsensitive) {
  const pe::hashed_encoder e;
  const auto m = enc(e, {"The cat sat on the mat.", "the CAT sat on THE mat", "dogs bark", ""});
  EXPECT_EQ(m.cols(), 1024);
  EXPECT_NEAR(m.row(0).norm(), 1.0F, 1e-6F);
  EXPECT_EQ(m.row(0), m.row(1));
  EXPECT_EQ(m.row(3).squaredNorm(), 0.0F);
  EXPECT_LT(m.row(0).dot(m.row(2)), 0.5F);
  const auto again = enc(pe::hashed_encoder(), {"The cat sat on the mat."});
  EXPECT_EQ(again.row(0), m.row(0));
  pe::hashed_options o;
  o.seed = 7;
  const auto seeded = enc(pe::hashed_encoder(o), {"The cat sat on the mat."});
  EXPECT_NE(seeded.row(0), m.row(0));
  EXPECT_NE(pe::hashed_encoder(o).id(), e.id());
  EXPECT_EQ(e.id(), pe::hashed_encoder().id());
}

TEST(HashedEncoder, SharedPiecesGiveSimilarity) {
  const pe::hashed_encoder e;
  const auto m = enc(e, {"the senator resigned", "senators resign", "purple giraffes"});
  EXPECT_GT(m.row(0).dot(m.row(1)), 0.3F);
  EXPECT_GT(m.row(0).dot(m.row(1)), m.row(0).dot(m.row(2)) + 0.2F);
}

// Without normalization and IDF, features of different words add up: encode("w1 w2 ...") is the
// sum of the encodings of the words (the slow twin), on seeded random texts.
TEST(HashedEncoder, AdditiveOverWordsOnRandomTexts) {
  std::mt19937 rng(42);
  const std::string alphabet = "abcdeABCDE0123\xc3\xa9";
  pe::hashed_options o;
  o.dimension = 64;
  o.normalize = false;
  const pe::hashed_encoder e(o);
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<std::string> words(1 + rng() % 6);
    std::string text;
    for (auto& w : words) {
      const std::size_t len = 1 + rng() % 9;
      for (std::size_t k = 0; k < len; ++k) w += alphabet[rng() % 14];
      if (rng() % 3 == 0) w += "\xc3\xa9";
      text += w + (rng() % 2 ? " " : ", ");
    }
    const auto whole = enc(e, {text});
    pe::row_matrix sum = pe::row_matrix::Zero(1, 64);
    for (const auto& w : words) sum += enc(e, {w});
    ASSERT_LT((whole - sum).cwiseAbs().maxCoeff(), 1e-4F) << text;
  }
}

TEST(HashedEncoder, FitIdf) {
  const pe::hashed_encoder e(raw_words(1));
  const std::vector<std::string_view> corpus = {"a", ""};
  const auto fitted = e.fit_idf(corpus);
  ASSERT_EQ(fitted.idf().size(), 1U);
  EXPECT_FLOAT_EQ(fitted.idf()[0], static_cast<float>(std::log(3.0 / 2.0) + 1.0));
  EXPECT_FLOAT_EQ(enc(fitted, {"a a"})(0, 0), 2.0F * fitted.idf()[0]);
  EXPECT_NE(fitted.id(), e.id());
  pe::hashed_encoder loaded(raw_words(1));
  loaded.set_idf({fitted.idf().begin(), fitted.idf().end()});
  EXPECT_EQ(loaded.id(), fitted.id());
  EXPECT_EQ(expect_error([&] {
              loaded.set_idf({1.0F, 2.0F});
            }),
            "[precis.invalid_argument] hashed encoder: idf has 2 values, dimension is 1");
}

TEST(HashedEncoder, BadOptions) {
  pe::hashed_options o;
  o.dimension = 0;
  EXPECT_EQ(expect_error([&] { pe::hashed_encoder x(o); }),
            "[precis.invalid_argument] hashed encoder: dimension must be >= 1");
  o = {};
  o.char_ngram_max = 9;
  EXPECT_EQ(expect_error([&] { pe::hashed_encoder x(o); }),
            "[precis.invalid_argument] hashed encoder: need 1 <= char_ngram_min <= "
            "char_ngram_max <= 8 (or char_ngram_min 0)");
}

TEST(Encoders, PrecomputedAndCallback) {
  pe::row_matrix v(2, 3);
  v << 1, 2, 3, 4, 5, 6;
  const std::vector<std::string> texts = {"a", "b"};
  const pe::precomputed_encoder p("mine", texts, v);
  const auto m = enc(p, {"b", "a", "b"});
  EXPECT_EQ(m.row(0), v.row(1));
  EXPECT_EQ(m.row(1), v.row(0));
  EXPECT_EQ(p.dimension(), 3U);
  EXPECT_EQ(expect_error([&] {
              (void)enc(p, {"a", "zzz"});
            }),
            "[precis.invalid_argument] precomputed encoder 'mine': no vector for text 1 ('zzz')");

  int calls = 0;
  const pe::callback_encoder c("cb", 2, [&](std::span<const std::string_view> t) {
    ++calls;
    pe::row_matrix out(static_cast<Eigen::Index>(t.size()), 2);
    for (std::size_t i = 0; i < t.size(); ++i) {
      out(static_cast<Eigen::Index>(i), 0) = static_cast<float>(t[i].size());
      out(static_cast<Eigen::Index>(i), 1) = 1.0F;
    }
    return out;
  });
  const std::vector<std::string> many(10, "xyz");
  const auto b = pe::encode_batched(c, many, 4);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(b.rows(), 10);
  EXPECT_FLOAT_EQ(b(9, 0), 3.0F);

  const pe::callback_encoder bad(
      "bad", 2, [](std::span<const std::string_view>) { return pe::row_matrix(1, 5); });
  EXPECT_EQ(expect_error([&] {
              (void)enc(bad, {"a", "b"});
            }),
            "[precis.invalid_argument] callback encoder 'bad' returned a 1 x 5 matrix for 2 texts "
            "(expected 2 x 2)");
  const pe::callback_encoder nan("nan", 1, [](std::span<const std::string_view> t) {
    pe::row_matrix out = pe::row_matrix::Zero(static_cast<Eigen::Index>(t.size()), 1);
    out(static_cast<Eigen::Index>(t.size()) - 1, 0) = std::nanf("");
    return out;
  });
  EXPECT_EQ(expect_error([&] { (void)pe::encode_batched(nan, many, 4); }),
            "[precis.invalid_argument] encoder 'nan' returned a NaN or infinite value for text 3");
}

TEST(Encoders, CheckFinite) {
  pe::row_matrix m = pe::row_matrix::Ones(3, 4);
  EXPECT_NO_THROW(pe::check_finite(m, "x"));
  m(2, 1) = std::nanf("");
  EXPECT_EQ(expect_error([&] { pe::check_finite(m, "x"); }),
            "[precis.invalid_argument] x: row 2 column 1 is NaN");
  m(2, 1) = INFINITY;
  EXPECT_EQ(expect_error([&] { pe::check_finite(m, "x"); }),
            "[precis.invalid_argument] x: row 2 column 1 is infinite");
  EXPECT_EQ(expect_error([&] { pe::check_finite(pe::row_matrix(0, 4), "y"); }),
            "[precis.invalid_argument] y: empty matrix (0 x 4)");
  EXPECT_NO_THROW(pe::check_finite(pe::row_matrix(0, 4), "y", true));
}

TEST(HashBytes, StableAndSeeded) {
  EXPECT_EQ(pe::hash_bytes("abc", 1), pe::hash_bytes("abc", 1));
  EXPECT_NE(pe::hash_bytes("abc", 1), pe::hash_bytes("abc", 2));
  EXPECT_NE(pe::hash_bytes("abcdefgh1", 0), pe::hash_bytes("abcdefgh2", 0));
  EXPECT_NE(pe::hash_bytes("", 0), pe::hash_bytes(std::string_view("\0", 1), 0));
}
