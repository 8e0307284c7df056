// Tests of precis/embed/lsa.hpp: the randomized SVD against Eigen's exact SVD of the same corpus
// matrix, orthonormal components, determinism with a seed, save/load round trip, and that
// documents on the same topic end up closer than documents on different topics.

#include <gtest/gtest.h>

#include <Eigen/SVD>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "precis/embed/lsa.hpp"
#include "precis/error.hpp"

namespace pe = precis::embed;

namespace {

std::vector<std::string> corpus() {
  const std::vector<std::string> a = {"football", "goal", "match", "striker", "league", "coach"};
  const std::vector<std::string> b = {"election", "vote", "senate", "ballot", "party", "minister"};
  const std::vector<std::string> c = {"rain", "storm", "weather", "flood", "wind", "forecast"};
  std::vector<std::string> out;
  for (int i = 0; i < 12; ++i) {
    for (const auto* topic : {&a, &b, &c}) {
      std::string t;
      for (int k = 0; k < 4; ++k)
        t += (*topic)[static_cast<std::size_t>((i * 7 + k * 5) % 6)] + " ";
      out.push_back(t + "today");
    }
  }
  return out;
}

pe::lsa_options small_options() {
  pe::lsa_options o;
  o.rank = 8;
  o.features.dimension = 256;
  o.features.char_ngram_min = 0;  // words only: a small, well-conditioned matrix
  o.power_iterations = 3;
  return o;
}

}  // namespace

TEST(Lsa, MatchesExactSvdAndIsOrthonormal) {
  const auto texts = corpus();
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const auto o = small_options();
  const auto lsa = pe::lsa_encoder::fit(v, o);
  ASSERT_EQ(lsa.dimension(), 8U);
  // Exact singular values of the same matrix.
  auto ho = o.features;
  const auto x = pe::hashed_encoder(ho).fit_idf(v).encode(v);
  const Eigen::MatrixXf xc = x;
  Eigen::JacobiSVD<Eigen::MatrixXf> svd(xc);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_NEAR(lsa.singular_values()[i], svd.singularValues()(static_cast<Eigen::Index>(i)),
                2e-3F * svd.singularValues()(0));
  }
  for (std::size_t i = 1; i < 8; ++i) {
    EXPECT_GE(lsa.singular_values()[i - 1], lsa.singular_values()[i]);
  }
  // Same-topic documents are closer than cross-topic ones.
  const auto e = lsa.encode(v);
  EXPECT_NEAR(e.row(0).norm(), 1.0F, 1e-5F);
  EXPECT_GT(e.row(0).dot(e.row(3)), e.row(0).dot(e.row(1)) + 0.2F);
  EXPECT_GT(e.row(1).dot(e.row(4)), e.row(1).dot(e.row(2)) + 0.2F);
}

TEST(Lsa, DeterministicAndSaveLoad) {
  const auto texts = corpus();
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const auto a = pe::lsa_encoder::fit(v, small_options());
  const auto b = pe::lsa_encoder::fit(v, small_options());
  EXPECT_EQ(a.encode(v), b.encode(v));
  EXPECT_EQ(a.id(), b.id());
  const auto path = (std::filesystem::temp_directory_path() / "precis_test.lsa").string();
  a.save(path);
  const auto c = pe::lsa_encoder::load(path);
  EXPECT_EQ(c.id(), a.id());
  EXPECT_EQ(c.encode(v), a.encode(v));
  std::filesystem::remove(path);
  EXPECT_THROW((void)pe::lsa_encoder::load("/nonexistent.lsa"), precis::error);
  const std::vector<std::string_view> none;
  try {
    (void)pe::lsa_encoder::fit(none);
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_STREQ(e.what(), "[precis.invalid_argument] lsa: the corpus is empty");
  }
}

TEST(Lsa, HostileModelFilesAreRefused) {
  const auto texts = corpus();
  const std::vector<std::string_view> v(texts.begin(), texts.end());
  const auto path = (std::filesystem::temp_directory_path() / "precis_test_bad.lsa").string();
  pe::lsa_encoder::fit(v, small_options()).save(path);
  const auto size = std::filesystem::file_size(path);
  auto error_of = [&] {
    try {
      (void)pe::lsa_encoder::load(path);
    } catch (const precis::error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  {  // dimension 2^26 in the header (offset 12): dim x k floats were allocated before reading
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(12);
    const std::uint64_t dim = 1ULL << 26;
    f.write(reinterpret_cast<const char*>(&dim), 8);
  }
  const auto e = error_of();
  EXPECT_EQ(e.rfind("[precis.parse_error] lsa '" + path + "': sizes 67108864 x ", 0), 0U) << e;
  EXPECT_NE(e.find("do not fit in a file of " + std::to_string(size) + " bytes"),
            std::string::npos)
      << e;
  for (const std::uintmax_t cut : {std::uintmax_t{0}, std::uintmax_t{10}, std::uintmax_t{40},
                                   size / 2, size - 1}) {
    pe::lsa_encoder::fit(v, small_options()).save(path);
    std::filesystem::resize_file(path, cut);
    EXPECT_EQ(error_of().rfind("[precis.parse_error] lsa '", 0), 0U) << cut;
  }
  std::filesystem::remove(path);
  const auto dir = std::filesystem::temp_directory_path() / "precis_test_lsa_dir";
  std::filesystem::create_directories(dir);
  try {
    (void)pe::lsa_encoder::load(dir.string());
    FAIL();
  } catch (const precis::error& e2) {
    EXPECT_EQ(std::string(e2.what()),
              "[precis.io_error] lsa '" + dir.string() + "': is a directory");
  }
  std::filesystem::remove(dir);
}
