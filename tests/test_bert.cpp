// The safetensors reader and the BERT forward pass against a slow, obviously correct reference
// (double precision loops) on a tiny random model the test writes; sentence-transformers parity
// on real models is in tests/python/test_encoder.py.
#include "precis/embed/bert.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "precis/embed/cache.hpp"
#include "precis/metrics/embedding.hpp"
#include "precis/embed/safetensors.hpp"
#include "precis/error.hpp"

namespace pe = precis::embed;
namespace fs = std::filesystem;

namespace {

constexpr int H = 8, HEADS = 2, I = 12, LAYERS = 2, POS = 16, TYPES = 2;
const std::vector<std::string> k_vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello",
                                          "world", "the", "cat", "##s", "!", ","};
const int V = static_cast<int>(k_vocab.size());

using tensor_map = std::map<std::string, std::pair<std::vector<std::int64_t>, std::vector<float>>>;

tensor_map random_weights(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.0F, 0.5F);
  tensor_map t;
  auto add = [&](const std::string& name, std::vector<std::int64_t> shape, float base = 0.0F) {
    std::size_t count = 1;
    for (auto d : shape) count *= static_cast<std::size_t>(d);
    std::vector<float> v(count);
    for (auto& x : v) x = base + n(rng);
    t[name] = {shape, v};
  };
  add("embeddings.word_embeddings.weight", {V, H});
  add("embeddings.position_embeddings.weight", {POS, H});
  add("embeddings.token_type_embeddings.weight", {TYPES, H});
  add("embeddings.LayerNorm.weight", {H}, 1.0F);
  add("embeddings.LayerNorm.bias", {H});
  for (int l = 0; l < LAYERS; ++l) {
    const std::string p = "encoder.layer." + std::to_string(l) + ".";
    for (const char* m : {"attention.self.query", "attention.self.key", "attention.self.value",
                          "attention.output.dense"}) {
      add(p + m + ".weight", {H, H});
      add(p + m + ".bias", {H});
    }
    add(p + "attention.output.LayerNorm.weight", {H}, 1.0F);
    add(p + "attention.output.LayerNorm.bias", {H});
    add(p + "intermediate.dense.weight", {I, H});
    add(p + "intermediate.dense.bias", {I});
    add(p + "output.dense.weight", {H, I});
    add(p + "output.dense.bias", {H});
    add(p + "output.LayerNorm.weight", {H}, 1.0F);
    add(p + "output.LayerNorm.bias", {H});
  }
  return t;
}

std::uint16_t to_half_bits(float f) {  // exact for the values used (small, few mantissa bits)
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  const std::uint32_t sign = (b >> 16) & 0x8000U;
  const int exp = static_cast<int>((b >> 23) & 0xFF) - 127 + 15;
  const std::uint32_t mant = (b >> 13) & 0x3FFU;
  if ((b & 0x7FFFFFFFU) == 0) return static_cast<std::uint16_t>(sign);
  return static_cast<std::uint16_t>(sign | (static_cast<std::uint32_t>(exp) << 10) | mant);
}

void write_safetensors(const fs::path& file, const tensor_map& t, const std::string& dtype = "F32") {
  std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
  std::string data;
  for (const auto& [name, sv] : t) {
    const auto& [shape, values] = sv;
    const std::size_t begin = data.size();
    for (const float x : values) {
      if (dtype == "F32") {
        data.append(reinterpret_cast<const char*>(&x), 4);
      } else if (dtype == "BF16") {
        std::uint32_t b;
        std::memcpy(&b, &x, 4);
        const auto h = static_cast<std::uint16_t>(b >> 16);
        data.append(reinterpret_cast<const char*>(&h), 2);
      } else {
        const auto h = to_half_bits(x);
        data.append(reinterpret_cast<const char*>(&h), 2);
      }
    }
    header += ",\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
      if (i > 0) header += ",";
      header += std::to_string(shape[i]);
    }
    header += "],\"data_offsets\":[" + std::to_string(begin) + "," + std::to_string(data.size()) +
              "]}";
  }
  header += "}";
  while (header.size() % 8 != 0) header += ' ';
  std::ofstream out(file, std::ios::binary);
  std::uint64_t n = header.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header << data;
}

fs::path write_model(const std::string& name, const tensor_map& t, const std::string& pooling) {
  const fs::path dir = fs::temp_directory_path() / ("precis-test-bert-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir / "1_Pooling");
  write_safetensors(dir / "model.safetensors", t);
  std::ofstream(dir / "config.json")
      << R"({"model_type": "bert", "architectures": ["BertModel"], "vocab_size": )" << V
      << R"(, "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
            "intermediate_size": 12, "max_position_embeddings": 16, "type_vocab_size": 2,
            "hidden_act": "gelu", "layer_norm_eps": 1e-12})";
  std::ofstream vocab(dir / "vocab.txt");
  for (const auto& v : k_vocab) vocab << v << "\n";
  vocab.close();
  std::ofstream(dir / "tokenizer_config.json") << R"({"do_lower_case": true})";
  std::ofstream(dir / "sentence_bert_config.json") << R"({"max_seq_length": 10})";
  std::ofstream(dir / "modules.json")
      << R"([{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
            {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
            {"idx":2,"name":"2","path":"2_Normalize","type":"sentence_transformers.models.Normalize"}])";
  std::ofstream(dir / "1_Pooling" / "config.json") << R"({"pooling_mode": ")" << pooling << "\"}";
  return dir;
}

// The slow reference: double precision, one sequence, straight from the BERT equations.
std::vector<std::vector<double>> reference_forward(const tensor_map& t,
                                                   const std::vector<std::int32_t>& ids) {
  auto W = [&](const std::string& n) -> const std::vector<float>& { return t.at(n).second; };
  const std::size_t L = ids.size();
  using mat = std::vector<std::vector<double>>;
  auto layer_norm = [&](mat& x, const std::string& p) {
    for (auto& row : x) {
      double mean = 0, var = 0;
      for (double v : row) mean += v / H;
      for (double v : row) var += (v - mean) * (v - mean) / H;
      for (int j = 0; j < H; ++j) {
        row[j] = (row[j] - mean) / std::sqrt(var + 1e-12) * W(p + ".weight")[j] +
                 W(p + ".bias")[j];
      }
    }
  };
  auto linear = [&](const mat& x, const std::string& p, int out) {
    const int in = static_cast<int>(x[0].size());
    mat y(x.size(), std::vector<double>(out));
    for (std::size_t r = 0; r < x.size(); ++r) {
      for (int o = 0; o < out; ++o) {
        double s = W(p + ".bias")[o];
        for (int k = 0; k < in; ++k) s += x[r][k] * W(p + ".weight")[o * in + k];
        y[r][o] = s;
      }
    }
    return y;
  };
  mat x(L, std::vector<double>(H));
  for (std::size_t p = 0; p < L; ++p) {
    for (int j = 0; j < H; ++j) {
      x[p][j] = W("embeddings.word_embeddings.weight")[ids[p] * H + j] +
                W("embeddings.position_embeddings.weight")[p * H + j] +
                W("embeddings.token_type_embeddings.weight")[j];
    }
  }
  layer_norm(x, "embeddings.LayerNorm");
  const int dh = H / HEADS;
  for (int l = 0; l < LAYERS; ++l) {
    const std::string p = "encoder.layer." + std::to_string(l) + ".";
    const mat q = linear(x, p + "attention.self.query", H);
    const mat k = linear(x, p + "attention.self.key", H);
    const mat v = linear(x, p + "attention.self.value", H);
    mat ctx(L, std::vector<double>(H, 0.0));
    for (int h = 0; h < HEADS; ++h) {
      for (std::size_t i = 0; i < L; ++i) {
        std::vector<double> s(L);
        double m = -1e300, z = 0;
        for (std::size_t j = 0; j < L; ++j) {
          double d = 0;
          for (int c = 0; c < dh; ++c) d += q[i][h * dh + c] * k[j][h * dh + c];
          s[j] = d / std::sqrt(static_cast<double>(dh));
          m = std::max(m, s[j]);
        }
        for (auto& e : s) z += (e = std::exp(e - m));
        for (std::size_t j = 0; j < L; ++j) {
          for (int c = 0; c < dh; ++c) ctx[i][h * dh + c] += s[j] / z * v[j][h * dh + c];
        }
      }
    }
    mat a = linear(ctx, p + "attention.output.dense", H);
    for (std::size_t r = 0; r < L; ++r) {
      for (int j = 0; j < H; ++j) a[r][j] += x[r][j];
    }
    layer_norm(a, p + "attention.output.LayerNorm");
    mat inter = linear(a, p + "intermediate.dense", I);
    for (auto& row : inter) {
      for (auto& e : row) e = 0.5 * e * (1.0 + std::erf(e / std::sqrt(2.0)));
    }
    mat o = linear(inter, p + "output.dense", H);
    for (std::size_t r = 0; r < L; ++r) {
      for (int j = 0; j < H; ++j) o[r][j] += a[r][j];
    }
    layer_norm(o, p + "output.LayerNorm");
    x = o;
  }
  return x;
}

}  // namespace

TEST(Safetensors, WidensHalfAndBfloat16) {
  EXPECT_EQ(pe::half_to_float(0x3C00), 1.0F);
  EXPECT_EQ(pe::half_to_float(0xC000), -2.0F);
  EXPECT_EQ(pe::half_to_float(0x0001), std::ldexp(1.0F, -24));  // smallest subnormal
  EXPECT_TRUE(std::isinf(pe::half_to_float(0x7C00)));
  EXPECT_EQ(pe::bfloat16_to_float(0x3F80), 1.0F);
  const fs::path file = fs::temp_directory_path() / "precis-test-half.safetensors";
  const tensor_map t = {{"a", {{2, 2}, {1.0F, -0.5F, 0.25F, 3.0F}}}};
  for (const char* dtype : {"F32", "F16", "BF16"}) {
    write_safetensors(file, t, dtype);
    const auto f = pe::safetensors_file::open(file.string());
    const auto a = f->floats("a", {2, 2});
    EXPECT_EQ(std::vector<float>(a.data, a.data + 4), t.at("a").second) << dtype;
  }
  fs::remove(file);
}

TEST(Safetensors, ErrorsNameFileTensorAndField) {
  const fs::path file = fs::temp_directory_path() / "precis-test-bad.safetensors";
  write_safetensors(file, {{"a", {{3}, {1, 2, 3}}}});
  const auto f = pe::safetensors_file::open(file.string());
  try {
    (void)f->floats("a", {4});
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(std::string(e.what()), "[precis.model_error] " + file.string() +
                                         ": tensor 'a' has shape [3], expected [4]");
  }
  try {
    (void)f->at("b");
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(std::string(e.what()), "[precis.model_error] " + file.string() + ": no tensor 'b'");
  }
  fs::resize_file(file, fs::file_size(file) - 4);
  try {
    (void)pe::safetensors_file::open(file.string());
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 'a': field 'data_offsets' [0, 12] lies outside"),
              std::string::npos)
        << e.what();
  }
  fs::remove(file);
  try {
    (void)pe::safetensors_file::open(file.string());
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(e.code(), "io_error");
  }
}

TEST(Bert, ForwardMatchesTheSlowReference) {
  const auto t = random_weights(42);
  const auto dir = write_model("forward", t, "mean");
  const auto model = pe::bert_model::load(dir.string());
  EXPECT_EQ(pe::bert_model::load(dir.string()), model);  // shared per process
  const std::vector<std::vector<std::int32_t>> seqs = {
      {2, 5, 6, 3}, {2, 3}, {2, 7, 8, 9, 10, 11, 5, 6, 7, 8, 3}, {2, 1, 3}};
  std::vector<std::int32_t> flat;
  std::vector<std::size_t> offsets{0};
  for (const auto& s : seqs) {
    flat.insert(flat.end(), s.begin(), s.end());
    offsets.push_back(flat.size());
  }
  const std::vector<std::int32_t> types(flat.size(), 0);
  for (const char* isa : {"generic", "avx2", "avx512", "default"}) {
  const bool is_default = std::string_view(isa) == "default";
  if (!is_default && std::string_view(isa) != "generic") {
    try {
      (void)model->forward(flat, types, offsets, isa);
    } catch (const precis::error&) {
      continue;  // this CPU cannot run it
    }
  }
  const auto out = is_default ? model->forward(flat, types, offsets)
                              : model->forward(flat, types, offsets, isa);
  double worst = 0;
  for (std::size_t s = 0; s < seqs.size(); ++s) {
    const auto ref = reference_forward(t, seqs[s]);
    for (std::size_t p = 0; p < seqs[s].size(); ++p) {
      for (int j = 0; j < H; ++j) {
        worst = std::max(worst, std::abs(ref[p][static_cast<std::size_t>(j)] -
                                         out(static_cast<Eigen::Index>(offsets[s] + p), j)));
      }
    }
  }
  EXPECT_LT(worst, 2e-5) << "kernel " << isa << " (default " << pe::bert_model::kernel_isa()
                         << ")";
  }
  EXPECT_THROW((void)model->forward(flat, types, offsets, "sse9"), precis::error);
}

TEST(Bert, EncoderPoolsNormalizesAndTruncates) {
  const auto t = random_weights(7);
  const auto dir = write_model("encoder", t, "cls");
  const pe::bert_encoder enc(dir.string());
  EXPECT_EQ(enc.dimension(), 8U);
  EXPECT_EQ(enc.max_seq_length(), 10U);
  EXPECT_TRUE(enc.normalize());
  EXPECT_EQ(enc.pooling().name(), "cls");
  EXPECT_EQ(enc.id().rfind("bert/precis-test-bert-encoder/", 0), 0U) << enc.id();
  EXPECT_EQ(enc.token_ids("Hello cats! " + std::string(50, '!')).size(), 10U);
  const std::vector<std::string_view> texts = {"hello world", "the cats", ""};
  const auto v = enc.encode(texts);
  for (Eigen::Index r = 0; r < v.rows(); ++r) EXPECT_NEAR(v.row(r).norm(), 1.0F, 1e-5F);
  const auto ref = reference_forward(t, enc.token_ids("hello world"));
  Eigen::RowVectorXd cls(H);
  for (int j = 0; j < H; ++j) cls(j) = ref[0][static_cast<std::size_t>(j)];
  cls.normalize();
  EXPECT_LT((v.row(0).cast<double>() - cls).cwiseAbs().maxCoeff(), 2e-5);
  // threads and batch sizes do not change the vectors
  pe::bert_encoder_options o;
  o.threads = 2;
  o.batch_tokens = 3;
  const auto v2 = pe::bert_encoder(dir.string(), o).encode(texts);
  EXPECT_LT((v - v2).cwiseAbs().maxCoeff(), 1e-6F);
}

TEST(Bert, ErrorsNameFileAndField) {
  auto t = random_weights(1);
  t["encoder.layer.1.output.dense.weight"].first = {H, I + 1};
  t["encoder.layer.1.output.dense.weight"].second.resize(H * (I + 1));
  const auto dir = write_model("errors", t, "mean");
  try {
    pe::bert_encoder enc(dir.string());
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(std::string(e.what()),
              "[precis.model_error] " + (dir / "model.safetensors").string() +
                  ": tensor 'encoder.layer.1.output.dense.weight' has shape [8, 13], expected "
                  "[8, 12]");
  }
  std::ofstream(dir / "config.json") << R"({"model_type": "xlm-roberta"})";
  try {
    pe::bert_encoder enc(dir.string());
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(e.code(), "unsupported_model");
    EXPECT_NE(std::string(e.what()).find("config.json: field 'model_type' is 'xlm-roberta'"),
              std::string::npos);
  }
  std::ofstream(dir / "1_Pooling" / "config.json") << R"({"pooling_mode": "lasttoken"})";
  try {
    pe::bert_encoder enc((dir / "missing").string());
    FAIL();
  } catch (const precis::error& e) {
    EXPECT_EQ(e.code(), "io_error");
  }
}

TEST(Bert, TokenVectorsAreLastLayerStatesWithoutSpecials) {
  const auto t = random_weights(11);
  const auto dir = write_model("tokens", t, "mean");
  const pe::bert_encoder enc(dir.string());
  const pe::encoder& as_encoder = enc;
  ASSERT_NE(as_encoder.tokens(), nullptr);
  const auto& tok = *as_encoder.tokens();
  EXPECT_EQ(tok.max_pieces(), 8U);
  EXPECT_EQ(tok.token_dimension(), 8U);
  EXPECT_EQ(tok.token_id(), enc.id() + "/tokens=last-layer");
  EXPECT_EQ(tok.pieces("Hello cats!"), (std::vector<std::int32_t>{5, 8, 9, 10}));
  const std::vector<std::vector<std::int32_t>> seqs = {{5, 6}, {}, {7, 8, 9, 10, 11, 5, 6, 7}};
  const auto out = tok.embed_pieces(seqs);
  ASSERT_EQ(out.rows(), 10);
  Eigen::Index row = 0;
  double worst = 0;
  for (const auto& s : seqs) {
    std::vector<std::int32_t> ids{2};
    ids.insert(ids.end(), s.begin(), s.end());
    ids.push_back(3);
    const auto ref = reference_forward(t, ids);
    for (std::size_t p = 0; p < s.size(); ++p, ++row) {
      for (int j = 0; j < H; ++j) {
        worst = std::max(worst, std::abs(ref[p + 1][static_cast<std::size_t>(j)] - out(row, j)));
      }
    }
  }
  EXPECT_LT(worst, 2e-5);
  const std::vector<std::vector<std::int32_t>> too_long = {std::vector<std::int32_t>(9, 5)};
  EXPECT_THROW((void)tok.embed_pieces(too_long), precis::error);
  // a cache in front keeps the token vectors reachable
  const pe::cached_encoder cached(std::make_shared<pe::bert_encoder>(dir.string()),
                                  std::make_shared<pe::memory_cache>());
  EXPECT_NE(cached.tokens(), nullptr);
  EXPECT_EQ(pe::hashed_encoder().tokens(), nullptr);
}

TEST(Bert, ChunkedLongTextsAreLengthWeightedWindowMeans) {
  const auto t = random_weights(13);
  const auto dir = write_model("chunk", t, "mean");
  pe::bert_encoder_options o;
  o.long_texts = pe::long_text_mode::chunk;
  const pe::bert_encoder chunked(dir.string(), o);
  const pe::bert_encoder truncated(dir.string());
  EXPECT_EQ(chunked.id(), truncated.id() + "/long=chunk");
  // 12 pieces: windows of 8 and 4 (sequences of 10 and 6 with [CLS] and [SEP])
  const std::string text = "hello world the cats, hello world the cats,";
  const auto pieces = chunked.pieces(text);
  ASSERT_EQ(pieces.size(), 12U);
  Eigen::RowVectorXd expected = Eigen::RowVectorXd::Zero(H);
  for (const auto& [b, e] : {std::pair<std::size_t, std::size_t>{0, 8}, {8, 12}}) {
    std::vector<std::int32_t> ids{2};
    ids.insert(ids.end(), pieces.begin() + static_cast<std::ptrdiff_t>(b),
               pieces.begin() + static_cast<std::ptrdiff_t>(e));
    ids.push_back(3);
    const auto ref = reference_forward(t, ids);
    Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(H);
    for (const auto& r : ref) {
      for (int j = 0; j < H; ++j) mean(j) += r[static_cast<std::size_t>(j)];
    }
    expected += mean;  // weight = length: sum of the window's rows
  }
  expected.normalize();
  const std::vector<std::string_view> texts = {text, "hello world"};
  const auto got = chunked.encode(texts);
  EXPECT_LT((got.row(0).cast<double>() - expected).cwiseAbs().maxCoeff(), 2e-5);
  // within the limit both modes give the same vector
  EXPECT_LT((got.row(1) - truncated.encode(texts).row(1)).cwiseAbs().maxCoeff(), 1e-6F);
}

TEST(Bert, EmbeddingScorerMatchesContextualPieces) {
  const auto t = random_weights(17);
  const auto dir = write_model("scorer", t, "mean");
  const auto enc = std::make_shared<pe::bert_encoder>(dir.string());
  const std::vector<std::string> source = {"Hello world. The cats!"};
  precis::metrics::embedding_options o;
  o.idf = false;
  const precis::metrics::embedding_scorer scorer(enc, source, o);
  EXPECT_NEAR(scorer.score(source[0]).bertscore.f1, 1.0, 1e-6);
  // the two source sentences are packed into one sequence (7 pieces <= 8); the summary alone
  const std::vector<std::vector<std::int32_t>> src = {{5, 6, 1, 7, 8, 9, 10}};  // "." is [UNK]
  const std::vector<std::vector<std::int32_t>> sum = {{7, 8, 9}};
  ASSERT_EQ(enc->pieces("Hello world. The cats!"), src[0]);
  const auto want = precis::metrics::bertscore(enc->embed_pieces(sum), enc->embed_pieces(src));
  const auto got = scorer.score("the cats").bertscore;
  EXPECT_NEAR(got.precision, want.precision, 1e-6);
  EXPECT_NEAR(got.recall, want.recall, 1e-6);
  // word-level matching when asked
  o.contextual_tokens = false;
  const precis::metrics::embedding_scorer words(enc, source, o);
  EXPECT_GT(std::abs(words.score("the cats").bertscore.recall - got.recall), 1e-4);
}
