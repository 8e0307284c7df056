// LSA encoder: randomized truncated SVD of the hashed TF-IDF corpus matrix (Halko et al. 2011,
// algorithm 4.4 with QR re-orthonormalization between power iterations).
#include "precis/embed/lsa.hpp"

#include <Eigen/QR>
#include <Eigen/SVD>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "precis/error.hpp"

namespace precis::embed {

namespace {

using col_matrix = Eigen::MatrixXf;
constexpr char k_magic[8] = {'P', 'R', 'E', 'C', 'I', 'S', 'L', 'A'};

col_matrix orthonormal(const col_matrix& y) {
  Eigen::HouseholderQR<col_matrix> qr(y);
  return qr.householderQ() * col_matrix::Identity(y.rows(), y.cols());
}

}  // namespace

lsa_encoder::lsa_encoder(hashed_encoder features, row_matrix components, std::vector<float> sigma,
                         std::uint64_t fingerprint)
    : features_(std::move(features)),
      components_(std::move(components)),
      sigma_(std::move(sigma)),
      fingerprint_(fingerprint) {}

lsa_encoder lsa_encoder::fit(std::span<const std::string_view> corpus, const lsa_options& options) {
  if (corpus.empty()) raise("invalid_argument", "lsa: the corpus is empty");
  if (options.rank == 0) raise("invalid_argument", "lsa: rank must be >= 1");
  hashed_options ho = options.features;
  ho.normalize = true;
  const hashed_encoder feat = hashed_encoder(ho).fit_idf(corpus);
  const row_matrix x = feat.encode(corpus);  // N x D
  const auto n = x.rows();
  const auto d = x.cols();
  const auto k = std::min<Eigen::Index>(static_cast<Eigen::Index>(options.rank), std::min(n, d));
  const auto l =
      std::min<Eigen::Index>(k + static_cast<Eigen::Index>(options.oversample), std::min(n, d));
  std::mt19937_64 rng(options.seed);
  std::normal_distribution<float> g(0.0F, 1.0F);
  col_matrix omega(d, l);
  for (Eigen::Index j = 0; j < l; ++j) {
    for (Eigen::Index i = 0; i < d; ++i) omega(i, j) = g(rng);
  }
  col_matrix q = orthonormal(x * omega);  // N x l
  for (std::size_t it = 0; it < options.power_iterations; ++it) {
    const col_matrix z = orthonormal(x.transpose() * q);  // D x l
    q = orthonormal(x * z);
  }
  const col_matrix b = q.transpose() * x;  // l x D
  Eigen::BDCSVD<col_matrix> svd(b, Eigen::ComputeThinV);
  row_matrix comps = svd.matrixV().leftCols(k);  // D x k
  std::vector<float> sigma(static_cast<std::size_t>(k));
  for (Eigen::Index i = 0; i < k; ++i) sigma[static_cast<std::size_t>(i)] = svd.singularValues()(i);
  // Sign convention: the largest-magnitude entry of each component is positive (reproducible).
  for (Eigen::Index c = 0; c < k; ++c) {
    Eigen::Index arg = 0;
    comps.col(c).cwiseAbs().maxCoeff(&arg);
    if (comps(arg, c) < 0) comps.col(c) *= -1.0F;
  }
  const std::uint64_t fp =
      hash_bytes(std::string_view(reinterpret_cast<const char*>(comps.data()),
                                  static_cast<std::size_t>(comps.size()) * sizeof(float)),
                 1);
  return lsa_encoder(feat, std::move(comps), std::move(sigma), fp);
}

std::string lsa_encoder::id() const {
  return "lsa/v1/k=" + std::to_string(dimension()) + "/" + features_.id() +
         "/fp=" + std::to_string(fingerprint_);
}

row_matrix lsa_encoder::encode(std::span<const std::string_view> texts) const {
  const row_matrix x = features_.encode(texts);
  row_matrix out = x * components_;
  for (Eigen::Index r = 0; r < out.rows(); ++r) {
    const double norm = out.row(r).cast<double>().norm();
    if (norm > 0.0) out.row(r) /= static_cast<float>(norm);
  }
  return out;
}

void lsa_encoder::save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) raise("io_error", "lsa '" + path + "': cannot write");
  const auto& o = features_.options();
  auto put = [&](const auto& v) { out.write(reinterpret_cast<const char*>(&v), sizeof(v)); };
  out.write(k_magic, 8);
  put(std::uint32_t{1});
  put(static_cast<std::uint64_t>(o.dimension));
  put(static_cast<std::uint8_t>(o.words));
  put(o.word_weight);
  put(static_cast<std::uint64_t>(o.char_ngram_min));
  put(static_cast<std::uint64_t>(o.char_ngram_max));
  put(o.char_weight);
  put(static_cast<std::uint8_t>(o.signed_hash));
  put(o.seed);
  put(fingerprint_);
  const auto k = static_cast<std::uint64_t>(components_.cols());
  put(k);
  out.write(reinterpret_cast<const char*>(features_.idf().data()),
            static_cast<std::streamsize>(o.dimension * sizeof(float)));
  out.write(reinterpret_cast<const char*>(sigma_.data()),
            static_cast<std::streamsize>(k * sizeof(float)));
  out.write(
      reinterpret_cast<const char*>(components_.data()),
      static_cast<std::streamsize>(static_cast<std::size_t>(components_.size()) * sizeof(float)));
  out.close();  // the last buffer is written here: check after closing
  if (!out) raise("io_error", "lsa '" + path + "': write failed");
}

lsa_encoder lsa_encoder::load(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    raise("io_error", "lsa '" + path + "': is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) raise("io_error", "lsa '" + path + "': cannot open");
  const std::uintmax_t file_size = std::filesystem::file_size(path, ec);
  auto get = [&](auto& v) {
    in.read(reinterpret_cast<char*>(&v), sizeof(v));
    if (!in) raise("parse_error", "lsa '" + path + "': truncated file");
  };
  char magic[8];
  in.read(magic, 8);
  std::uint32_t version = 0;
  if (!in || std::memcmp(magic, k_magic, 8) != 0)
    raise("parse_error", "lsa '" + path + "': not a precis LSA model");
  get(version);
  if (version != 1) raise("parse_error", "lsa '" + path + "': unsupported version");
  hashed_options o;
  std::uint64_t dim = 0, cmin = 0, cmax = 0, fp = 0, k = 0;
  std::uint8_t words = 0, sign = 0;
  get(dim);
  get(words);
  get(o.word_weight);
  get(cmin);
  get(cmax);
  get(o.char_weight);
  get(sign);
  get(o.seed);
  get(fp);
  get(k);
  if (dim == 0 || dim > (1ULL << 26) || k == 0 || k > dim)
    raise("parse_error", "lsa '" + path + "': bad sizes");
  // The sizes must fit in the file before anything is allocated (dim * k alone may ask for
  // petabytes). dim, k <= 2^26, so (dim + k + dim * k) * 4 cannot overflow 64 bits.
  const std::uint64_t need = (dim + k + dim * k) * sizeof(float);
  const auto at = static_cast<std::uint64_t>(in.tellg());
  if (ec || file_size < at || need > file_size - at) {
    raise("parse_error", "lsa '" + path + "': sizes " + std::to_string(dim) + " x " +
                             std::to_string(k) + " do not fit in a file of " +
                             std::to_string(file_size) + " bytes");
  }
  o.dimension = dim;
  o.words = words != 0;
  o.char_ngram_min = cmin;
  o.char_ngram_max = cmax;
  o.signed_hash = sign != 0;
  std::vector<float> idf(dim);
  std::vector<float> sigma(k);
  row_matrix comps(static_cast<Eigen::Index>(dim), static_cast<Eigen::Index>(k));
  in.read(reinterpret_cast<char*>(idf.data()), static_cast<std::streamsize>(dim * sizeof(float)));
  in.read(reinterpret_cast<char*>(sigma.data()), static_cast<std::streamsize>(k * sizeof(float)));
  in.read(reinterpret_cast<char*>(comps.data()),
          static_cast<std::streamsize>(dim * k * sizeof(float)));
  if (!in) raise("parse_error", "lsa '" + path + "': truncated file");
  hashed_encoder feat(o);
  feat.set_idf(std::move(idf));
  check_finite(comps, "lsa '" + path + "' components");
  return lsa_encoder(std::move(feat), std::move(comps), std::move(sigma), fp);
}

}  // namespace precis::embed
