// BERT models: config.json, weights by their checkpoint names, the sentence-transformers folder
// layout, pooling, the encoder and the cross-encoder. The forward pass itself is in
// bert_kernel.inc (one copy per instruction set).
#include "precis/embed/bert.hpp"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "bert_kernel.hpp"
#include "precis/detail/parallel.hpp"
#include "precis/error.hpp"
#include "precis/text/utf8.hpp"

namespace precis::embed {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) raise("io_error", file.string() + ": cannot open (missing file?)");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return json::parse(ss.str());
  } catch (const json::exception& e) {
    raise("model_error", file.string() + ": not valid JSON (" + e.what() + ")");
  }
}

std::size_t positive_field(const json& j, const std::string& path, const char* key,
                           std::optional<std::size_t> fallback = std::nullopt) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (fallback) return *fallback;
    raise("model_error", path + ": missing field '" + key + "'");
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() <= 0) {
    raise("model_error", path + ": field '" + key + "' must be a positive integer");
  }
  return it->get<std::size_t>();
}

std::string hex16(std::uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = digits[v & 15U];
    v >>= 4;
  }
  return s;
}

std::uint64_t file_digest(const fs::path& file, std::uint64_t seed) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return seed;
  std::stringstream ss;
  ss << in.rdbuf();
  return hash_bytes(ss.str(), seed);
}

// Model name for ids: the folder's name, or its parent's when the folder is called "model"
// (installed packages keep the model in <package>/model).
std::string default_name(const std::string& folder) {
  fs::path p = fs::absolute(fs::path(folder)).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  std::string name = p.filename().string();
  if ((name == "model" || name == "models") && p.has_parent_path()) {
    name = p.parent_path().filename().string();
  }
  return name;
}

}  // namespace

// ---- config ---------------------------------------------------------------------------------

bert_config bert_config::from_file(const std::string& path) {
  if (!fs::exists(path)) raise("io_error", path + ": missing file (not a model folder?)");
  const json j = read_json(path);
  if (!j.is_object()) raise("model_error", path + ": not a JSON object");
  bert_config c;
  try {
    c.model_type = j.value("model_type", std::string());
    if (c.model_type != "bert") {
      raise("unsupported_model",
            path + ": field 'model_type' is '" + c.model_type +
                "'; precis runs BERT-family encoders (model_type 'bert') only");
    }
    if (j.contains("architectures") && j["architectures"].is_array()) {
      for (const auto& a : j["architectures"]) c.architectures.push_back(a.get<std::string>());
    }
    c.vocab_size = positive_field(j, path, "vocab_size");
    c.hidden_size = positive_field(j, path, "hidden_size");
    c.num_hidden_layers = positive_field(j, path, "num_hidden_layers");
    c.num_attention_heads = positive_field(j, path, "num_attention_heads");
    c.intermediate_size = positive_field(j, path, "intermediate_size");
    c.max_position_embeddings = positive_field(j, path, "max_position_embeddings", 512);
    c.type_vocab_size = positive_field(j, path, "type_vocab_size", 2);
    c.hidden_act = j.value("hidden_act", std::string("gelu"));
    if (c.hidden_act != "gelu" && c.hidden_act != "relu") {
      raise("unsupported_model", path + ": field 'hidden_act' is '" + c.hidden_act +
                                     "'; precis supports 'gelu' and 'relu'");
    }
    c.layer_norm_eps = j.value("layer_norm_eps", 1e-12);
    c.position_embedding_type = j.value("position_embedding_type", std::string("absolute"));
    if (c.position_embedding_type != "absolute") {
      raise("unsupported_model", path + ": field 'position_embedding_type' is '" +
                                     c.position_embedding_type +
                                     "'; precis supports 'absolute'");
    }
    c.name_or_path = j.value("_name_or_path", std::string());
    if (j.contains("id2label") && j["id2label"].is_object()) {
      for (const auto& [k, v] : j["id2label"].items()) c.id2label[std::stoi(k)] = v.get<std::string>();
    }
  } catch (const json::exception& e) {
    raise("model_error", path + ": unexpected field type (" + e.what() + ")");
  } catch (const std::invalid_argument&) {
    raise("model_error", path + ": field 'id2label' has a key that is not an integer");
  }
  if (c.hidden_size % c.num_attention_heads != 0) {
    raise("model_error", path + ": field 'hidden_size' (" + std::to_string(c.hidden_size) +
                             ") is not a multiple of 'num_attention_heads' (" +
                             std::to_string(c.num_attention_heads) + ")");
  }
  return c;
}

// ---- model ----------------------------------------------------------------------------------

namespace {
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, std::weak_ptr<const bert_model>>& registry() {
  static std::map<std::string, std::weak_ptr<const bert_model>> r;
  return r;
}
const char* g_isa = nullptr;
detail::bert_forward_fn kernel() {
  static const detail::bert_forward_fn fn = select_bert_kernel(&g_isa);
  return fn;
}
}  // namespace

const char* bert_model::kernel_isa() noexcept {
  kernel();
  return g_isa;
}

float_tensor bert_model::tensor(const std::string& name,
                                const std::vector<std::int64_t>& shape) const {
  return file_->floats(prefix_ + name, shape);
}

std::shared_ptr<const bert_model> bert_model::load(const std::string& folder,
                                                   const std::string& prefix) {
  const fs::path dir(folder);
  if (!fs::is_directory(dir)) raise("io_error", folder + ": not a model folder (missing)");
  const fs::path weights = dir / "model.safetensors";
  if (!fs::exists(weights)) {
    if (fs::exists(dir / "pytorch_model.bin")) {
      raise("unsupported_model", weights.string() +
                                     ": missing; the folder has only pytorch_model.bin (pickle), "
                                     "which precis does not read: save it with "
                                     "safe_serialization=True");
    }
    raise("io_error", weights.string() + ": missing file");
  }
  std::error_code ec;
  const std::string key = fs::weakly_canonical(weights, ec).string() + "|" + prefix;
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    if (auto existing = registry()[key].lock()) return existing;
  }
  std::shared_ptr<bert_model> m(new bert_model());
  m->config_ = bert_config::from_file((dir / "config.json").string());
  m->file_ = safetensors_file::open(weights.string());
  const auto& f = *m->file_;
  m->prefix_ = prefix;
  if (prefix.empty() && !f.contains("embeddings.word_embeddings.weight") &&
      f.contains("bert.embeddings.word_embeddings.weight")) {
    m->prefix_ = "bert.";
  }
  const auto& c = m->config_;
  const auto H = static_cast<std::int64_t>(c.hidden_size);
  const auto I = static_cast<std::int64_t>(c.intermediate_size);
  auto t = [&](const std::string& name, std::vector<std::int64_t> shape) {
    return f.floats(m->prefix_ + name, shape);
  };
  m->word_embeddings_ = t("embeddings.word_embeddings.weight",
                          {static_cast<std::int64_t>(c.vocab_size), H});
  m->position_embeddings_ = t("embeddings.position_embeddings.weight",
                              {static_cast<std::int64_t>(c.max_position_embeddings), H});
  m->token_type_embeddings_ = t("embeddings.token_type_embeddings.weight",
                                {static_cast<std::int64_t>(c.type_vocab_size), H});
  m->embeddings_layernorm_weight_ = t("embeddings.LayerNorm.weight", {H});
  m->embeddings_layernorm_bias_ = t("embeddings.LayerNorm.bias", {H});
  for (std::size_t l = 0; l < c.num_hidden_layers; ++l) {
    const std::string p = "encoder.layer." + std::to_string(l) + ".";
    layer L;
    L.query_weight = t(p + "attention.self.query.weight", {H, H});
    L.query_bias = t(p + "attention.self.query.bias", {H});
    L.key_weight = t(p + "attention.self.key.weight", {H, H});
    L.key_bias = t(p + "attention.self.key.bias", {H});
    L.value_weight = t(p + "attention.self.value.weight", {H, H});
    L.value_bias = t(p + "attention.self.value.bias", {H});
    L.attention_output_weight = t(p + "attention.output.dense.weight", {H, H});
    L.attention_output_bias = t(p + "attention.output.dense.bias", {H});
    L.attention_layernorm_weight = t(p + "attention.output.LayerNorm.weight", {H});
    L.attention_layernorm_bias = t(p + "attention.output.LayerNorm.bias", {H});
    L.intermediate_weight = t(p + "intermediate.dense.weight", {I, H});
    L.intermediate_bias = t(p + "intermediate.dense.bias", {I});
    L.output_weight = t(p + "output.dense.weight", {H, I});
    L.output_bias = t(p + "output.dense.bias", {H});
    L.output_layernorm_weight = t(p + "output.LayerNorm.weight", {H});
    L.output_layernorm_bias = t(p + "output.LayerNorm.bias", {H});
    m->layers_.push_back(std::move(L));
  }
  const auto bytes = f.file_bytes();
  m->digest_ = hash_bytes(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), 0xB5E7);
  std::lock_guard<std::mutex> lock(registry_mutex());
  auto& slot = registry()[key];
  if (auto existing = slot.lock()) return existing;
  slot = m;
  return m;
}

row_matrix bert_model::forward(std::span<const std::int32_t> ids,
                               std::span<const std::int32_t> type_ids,
                               std::span<const std::size_t> offsets) const {
  return run(ids, type_ids, offsets, {});
}

row_matrix bert_model::forward(std::span<const std::int32_t> ids,
                               std::span<const std::int32_t> type_ids,
                               std::span<const std::size_t> offsets, std::string_view isa) const {
  if (isa.empty()) raise("invalid_argument", "bert forward: empty kernel name");
  return run(ids, type_ids, offsets, isa);
}

row_matrix bert_model::run(std::span<const std::int32_t> ids,
                           std::span<const std::int32_t> type_ids,
                           std::span<const std::size_t> offsets, std::string_view isa) const {
  detail::bert_forward_fn fn = kernel();
  if (!isa.empty()) {
    const std::string name(isa);
    fn = bert_kernel_named(name.c_str());
    if (fn == nullptr) {
      raise("invalid_argument", "bert forward: kernel '" + name +
                                    "' is unknown or not supported by this CPU");
    }
  }
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != ids.size() ||
      type_ids.size() != ids.size()) {
    raise("invalid_argument", "bert forward: offsets must run from 0 to the number of ids");
  }
  for (std::size_t s = 0; s + 1 < offsets.size(); ++s) {
    if (offsets[s + 1] < offsets[s]) raise("invalid_argument", "bert forward: offsets decrease");
    if (offsets[s + 1] - offsets[s] > config_.max_position_embeddings) {
      raise("invalid_argument", "bert forward: sequence " + std::to_string(s) + " has " +
                                    std::to_string(offsets[s + 1] - offsets[s]) +
                                    " tokens, more than max_position_embeddings (" +
                                    std::to_string(config_.max_position_embeddings) + ")");
    }
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || static_cast<std::size_t>(ids[i]) >= config_.vocab_size) {
      raise("invalid_argument", "bert forward: token id " + std::to_string(ids[i]) +
                                    " outside the vocabulary (" +
                                    std::to_string(config_.vocab_size) + ")");
    }
    if (type_ids[i] < 0 || static_cast<std::size_t>(type_ids[i]) >= config_.type_vocab_size) {
      raise("invalid_argument", "bert forward: token type id " + std::to_string(type_ids[i]) +
                                    " outside 0.." + std::to_string(config_.type_vocab_size - 1));
    }
  }
  std::vector<detail::bert_layer_view> lv;
  lv.reserve(layers_.size());
  for (const auto& L : layers_) {
    lv.push_back({L.query_weight.data, L.query_bias.data, L.key_weight.data, L.key_bias.data,
                  L.value_weight.data, L.value_bias.data, L.attention_output_weight.data,
                  L.attention_output_bias.data, L.attention_layernorm_weight.data,
                  L.attention_layernorm_bias.data, L.intermediate_weight.data,
                  L.intermediate_bias.data, L.output_weight.data, L.output_bias.data,
                  L.output_layernorm_weight.data, L.output_layernorm_bias.data});
  }
  const detail::bert_view view{config_.hidden_size,
                               config_.num_attention_heads,
                               config_.intermediate_size,
                               layers_.size(),
                               static_cast<float>(config_.layer_norm_eps),
                               config_.hidden_act == "gelu",
                               word_embeddings_.data,
                               position_embeddings_.data,
                               token_type_embeddings_.data,
                               embeddings_layernorm_weight_.data,
                               embeddings_layernorm_bias_.data,
                               lv.data()};
  row_matrix out(static_cast<Eigen::Index>(ids.size()),
                 static_cast<Eigen::Index>(config_.hidden_size));
  if (!ids.empty()) {
    fn(view, ids.data(), type_ids.data(), offsets.data(), offsets.size() - 1, out.data());
  }
  return out;
}

// ---- pooling --------------------------------------------------------------------------------

pooling_config pooling_config::from_file(const std::string& path) {
  const json j = read_json(path);
  pooling_config p;
  try {
    if (j.contains("pooling_mode")) {  // newer sentence-transformers may write a single mode
      const std::string mode = j["pooling_mode"].get<std::string>();
      if (mode != "mean" && mode != "cls" && mode != "max" && mode != "mean_sqrt_len_tokens") {
        raise("unsupported_model", path + ": field 'pooling_mode' is '" + mode +
                                       "'; precis pools by cls, max, mean and "
                                       "mean_sqrt_len_tokens");
      }
      p.mean = mode == "mean";
      p.cls = mode == "cls";
      p.max = mode == "max";
      p.mean_sqrt_len = mode == "mean_sqrt_len_tokens";
    } else {
      p.cls = j.value("pooling_mode_cls_token", false);
      p.max = j.value("pooling_mode_max_tokens", false);
      p.mean = j.value("pooling_mode_mean_tokens", false);
      p.mean_sqrt_len = j.value("pooling_mode_mean_sqrt_len_tokens", false);
    }
    for (const char* unsupported : {"pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"}) {
      if (j.value(unsupported, false)) {
        raise("unsupported_model", path + ": field '" + unsupported +
                                       "' is true; precis pools by cls, max, mean and "
                                       "mean_sqrt_len_tokens");
      }
    }
    if (j.value("include_prompt", true) == false) {
      raise("unsupported_model", path + ": field 'include_prompt' is false; not supported");
    }
  } catch (const json::exception& e) {
    raise("model_error", path + ": unexpected field type (" + e.what() + ")");
  }
  if (!p.cls && !p.max && !p.mean && !p.mean_sqrt_len) {
    raise("model_error", path + ": no pooling_mode_* field is true");
  }
  return p;
}

std::string pooling_config::name() const {
  std::string s;
  auto add = [&](bool on, const char* n) {
    if (!on) return;
    if (!s.empty()) s += "+";
    s += n;
  };
  add(cls, "cls");
  add(max, "max");
  add(mean, "mean");
  add(mean_sqrt_len, "mean_sqrt_len");
  return s;
}

namespace {

// Pools rows [begin, end) of `hidden` into `out` (in the order cls, max, mean, mean_sqrt_len).
void pool(const row_matrix& hidden, Eigen::Index begin, Eigen::Index len, const pooling_config& p,
          float* out) {
  const Eigen::Index h = hidden.cols();
  const auto block = hidden.middleRows(begin, len);
  Eigen::Index at = 0;
  auto put = [&](const Eigen::Matrix<float, 1, Eigen::Dynamic>& v) {
    std::copy(v.data(), v.data() + h, out + at);
    at += h;
  };
  if (p.cls) put(block.row(0));
  if (p.max) put(block.colwise().maxCoeff());
  if (p.mean || p.mean_sqrt_len) {
    // Sum in double for a stable mean over long sequences.
    const Eigen::Matrix<double, 1, Eigen::Dynamic> sum = block.cast<double>().colwise().sum();
    if (p.mean) put((sum / static_cast<double>(len)).cast<float>());
    if (p.mean_sqrt_len) put((sum / std::sqrt(static_cast<double>(len))).cast<float>());
  }
}

void l2_normalize(float* v, std::size_t n) {
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) ss += static_cast<double>(v[i]) * v[i];
  // torch.nn.functional.normalize: x / max(||x||, 1e-12)
  const double norm = std::max(std::sqrt(ss), 1e-12);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(v[i] / norm);
}

// Batches of sequence indices (sorted by length, so similar lengths run together) of at most
// `budget` tokens each (a longer sequence is a batch of its own).
std::vector<std::vector<std::size_t>> length_buckets(const std::vector<std::size_t>& lengths,
                                                     std::size_t budget) {
  std::vector<std::size_t> order(lengths.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return lengths[a] > lengths[b]; });
  std::vector<std::vector<std::size_t>> batches;
  std::size_t tokens = 0;
  for (const auto i : order) {
    if (batches.empty() || tokens + lengths[i] > budget) {
      batches.emplace_back();
      tokens = 0;
    }
    batches.back().push_back(i);
    tokens += lengths[i];
  }
  return batches;
}

std::string lower_text(std::string_view text) {
  // sentence_bert_config.json do_lower_case: Python's str.lower() before tokenizing (full
  // lower-case mapping with the final-sigma rule, as ICU's root locale gives it).
  precis::text::validate_utf8(text, "text");
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  u.toLower(icu::Locale::getRoot());
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace

namespace {
std::string encoder_id(const bert_model& model, const std::string& name,
                       const pooling_config& pooling, bool normalize, std::size_t length) {
  std::uint64_t d = model.digest();
  const fs::path dir = fs::path(model.file().path()).parent_path();
  for (const char* f : {"tokenizer.json", "vocab.txt", "tokenizer_config.json"}) {
    d = file_digest(dir / f, d);
  }
  return "bert/" + name + "/" + hex16(d) + "/" + pooling.name() +
         "/norm=" + (normalize ? "1" : "0") + "/len=" + std::to_string(length);
}
}  // namespace

// ---- encoder --------------------------------------------------------------------------------

bert_encoder::bert_encoder(const std::string& folder, bert_encoder_options options)
    : options_(std::move(options)) {
  const fs::path dir(folder);
  if (!fs::is_directory(dir)) raise("io_error", folder + ": not a model folder (missing)");
  fs::path transformer_dir = dir;
  std::string pooling_path;
  const fs::path modules = dir / "modules.json";
  if (fs::exists(modules)) {
    const json j = read_json(modules);
    if (!j.is_array()) raise("model_error", modules.string() + ": not a JSON array");
    bool seen_transformer = false;
    for (const auto& m : j) {
      const std::string type = m.value("type", std::string());
      const std::string path = m.value("path", std::string());
      const std::string kind = type.substr(type.rfind('.') == std::string::npos ? 0 : type.rfind('.') + 1);
      if (kind == "Transformer") {
        seen_transformer = true;
        transformer_dir = dir / path;
      } else if (kind == "Pooling") {
        pooling_path = (dir / path / "config.json").string();
      } else if (kind == "Normalize") {
        normalize_ = true;
      } else {
        raise("unsupported_model", modules.string() + ": field 'type' is '" + type +
                                       "'; precis runs Transformer, Pooling and Normalize "
                                       "modules");
      }
    }
    if (!seen_transformer) {
      raise("model_error", modules.string() + ": no sentence_transformers.models.Transformer module");
    }
  }
  model_ = bert_model::load(transformer_dir.string());
  tokenizer_ = std::make_shared<const wordpiece_tokenizer>(
      wordpiece_tokenizer::from_folder(transformer_dir.string()));
  if (tokenizer_->vocab_size() > model_->config().vocab_size) {
    raise("model_error", (transformer_dir / "config.json").string() + ": field 'vocab_size' (" +
                             std::to_string(model_->config().vocab_size) +
                             ") is smaller than the tokenizer's vocabulary (" +
                             std::to_string(tokenizer_->vocab_size()) + ")");
  }
  if (!pooling_path.empty()) pooling_ = pooling_config::from_file(pooling_path);
  // Length: sentence_bert_config.json's max_seq_length (sentence-transformers < 6), else the
  // tokenizer's model_max_length (where sentence-transformers 6 keeps it), never more than the
  // position embeddings.
  max_seq_length_ = model_->config().max_position_embeddings;
  const fs::path sbert = transformer_dir / "sentence_bert_config.json";
  const fs::path tcfg = transformer_dir / "tokenizer_config.json";
  bool length_set = false;
  if (fs::exists(sbert)) {
    const json j = read_json(sbert);
    if (j.contains("max_seq_length") && j["max_seq_length"].is_number_integer()) {
      max_seq_length_ = std::min(max_seq_length_, j["max_seq_length"].get<std::size_t>());
      length_set = true;
    }
    lowercase_input_ = j.value("do_lower_case", false);
  }
  if (!length_set && fs::exists(tcfg)) {
    const json j = read_json(tcfg);
    if (j.contains("model_max_length") && j["model_max_length"].is_number_integer() &&
        j["model_max_length"].get<std::int64_t>() > 0) {
      max_seq_length_ = std::min(max_seq_length_, j["model_max_length"].get<std::size_t>());
    }
  }
  if (options_.max_seq_length != 0) {
    if (options_.max_seq_length < 2 ||
        options_.max_seq_length > model_->config().max_position_embeddings) {
      raise("invalid_argument", "bert encoder: max_seq_length must be in 2.." +
                                    std::to_string(model_->config().max_position_embeddings));
    }
    max_seq_length_ = options_.max_seq_length;
  }
  if (options_.batch_tokens == 0) raise("invalid_argument", "bert encoder: batch_tokens must be >= 1");
  name_ = options_.name.empty() ? default_name(folder) : options_.name;
  id_ = encoder_id(*model_, name_, pooling_, normalize_, max_seq_length_);
  if (options_.long_texts == long_text_mode::chunk) id_ += "/long=chunk";
}

std::string bert_encoder::token_id() const { return id_ + "/tokens=last-layer"; }

std::vector<std::int32_t> bert_encoder::pieces(std::string_view text) const {
  if (lowercase_input_) return tokenizer_->piece_ids(lower_text(text));
  return tokenizer_->piece_ids(text);
}

row_matrix bert_encoder::embed_pieces(std::span<const std::vector<std::int32_t>> sequences) const {
  const std::size_t n = sequences.size();
  std::vector<std::size_t> lengths(n);
  std::vector<std::size_t> first_row(n + 1, 0);
  for (std::size_t s = 0; s < n; ++s) {
    if (sequences[s].size() > max_pieces()) {
      raise("invalid_argument", "bert encoder: sequence " + std::to_string(s) + " has " +
                                    std::to_string(sequences[s].size()) + " pieces, more than " +
                                    std::to_string(max_pieces()));
    }
    lengths[s] = sequences[s].size() + 2;
    first_row[s + 1] = first_row[s] + sequences[s].size();
  }
  row_matrix out(static_cast<Eigen::Index>(first_row[n]),
                 static_cast<Eigen::Index>(model_->hidden_size()));
  if (first_row[n] == 0) return out;
  const auto batches = length_buckets(lengths, options_.batch_tokens);
  precis::detail::parallel_for(batches.size(), options_.threads, [&](std::size_t b) {
    const auto& batch = batches[b];
    std::vector<std::int32_t> flat;
    std::vector<std::size_t> offsets{0};
    for (const auto s : batch) {
      flat.push_back(tokenizer_->cls_id());
      flat.insert(flat.end(), sequences[s].begin(), sequences[s].end());
      flat.push_back(tokenizer_->sep_id());
      offsets.push_back(flat.size());
    }
    const std::vector<std::int32_t> types(flat.size(), 0);
    const row_matrix hidden = model_->forward(flat, types, offsets);
    for (std::size_t k = 0; k < batch.size(); ++k) {
      const auto len = static_cast<Eigen::Index>(sequences[batch[k]].size());
      out.middleRows(static_cast<Eigen::Index>(first_row[batch[k]]), len) =
          hidden.middleRows(static_cast<Eigen::Index>(offsets[k]) + 1, len);
    }
  }, 1);
  return out;
}

std::string bert_encoder::id() const { return id_; }


std::size_t bert_encoder::dimension() const {
  const std::size_t modes = static_cast<std::size_t>(pooling_.cls) + pooling_.max +
                            pooling_.mean + pooling_.mean_sqrt_len;
  return modes * model_->hidden_size();
}

std::vector<std::int32_t> bert_encoder::token_ids(std::string_view text) const {
  if (lowercase_input_) return tokenizer_->encode(lower_text(text), max_seq_length_).ids;
  return tokenizer_->encode(text, max_seq_length_).ids;
}

row_matrix bert_encoder::encode(std::span<const std::string_view> texts) const {
  return encode(texts, options_.threads);
}

row_matrix bert_encoder::encode(std::span<const std::string_view> texts, unsigned threads) const {
  const std::size_t n = texts.size();
  const auto dim = static_cast<Eigen::Index>(dimension());
  row_matrix out(static_cast<Eigen::Index>(n), dim);
  if (n == 0) return out;
  const bool chunk = options_.long_texts == long_text_mode::chunk;
  // The sequences to run ([CLS] pieces [SEP]): one per text, truncated; or, chunking, one per
  // window of max_pieces() pieces.
  std::vector<std::vector<std::vector<std::int32_t>>> windows(n);
  precis::detail::parallel_for(n, threads, [&](std::size_t i) {
    try {
      if (!chunk) {
        windows[i].push_back(token_ids(texts[i]));
        return;
      }
      const auto p = pieces(texts[i]);
      std::size_t b = 0;
      do {
        const std::size_t e = std::min(b + max_pieces(), p.size());
        auto& seq = windows[i].emplace_back();
        seq.reserve(e - b + 2);
        seq.push_back(tokenizer_->cls_id());
        seq.insert(seq.end(), p.begin() + static_cast<std::ptrdiff_t>(b),
                   p.begin() + static_cast<std::ptrdiff_t>(e));
        seq.push_back(tokenizer_->sep_id());
        b = e;
      } while (b < p.size());
    } catch (const error& e) {
      raise_with_context(e, "text " + std::to_string(i));
    }
  }, 64);
  std::vector<const std::vector<std::int32_t>*> seqs;
  std::vector<std::size_t> first_seq(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& w : windows[i]) seqs.push_back(&w);
    first_seq[i + 1] = seqs.size();
  }
  // Pooled vector per sequence (straight into `out` when every text is one sequence).
  row_matrix pooled_windows;
  const bool one_each = seqs.size() == n;
  if (!one_each) pooled_windows.resize(static_cast<Eigen::Index>(seqs.size()), dim);
  row_matrix& pooled = one_each ? out : pooled_windows;
  std::vector<std::size_t> lengths(seqs.size());
  for (std::size_t s = 0; s < seqs.size(); ++s) lengths[s] = seqs[s]->size();
  const auto batches = length_buckets(lengths, options_.batch_tokens);
  precis::detail::parallel_for(batches.size(), threads, [&](std::size_t b) {
    const auto& batch = batches[b];
    std::vector<std::int32_t> flat, types;
    std::vector<std::size_t> offsets{0};
    for (const auto s : batch) {
      flat.insert(flat.end(), seqs[s]->begin(), seqs[s]->end());
      offsets.push_back(flat.size());
    }
    types.assign(flat.size(), 0);
    const row_matrix hidden = model_->forward(flat, types, offsets);
    for (std::size_t k = 0; k < batch.size(); ++k) {
      pool(hidden, static_cast<Eigen::Index>(offsets[k]),
           static_cast<Eigen::Index>(offsets[k + 1] - offsets[k]), pooling_,
           pooled.row(static_cast<Eigen::Index>(batch[k])).data());
    }
  }, 1);
  for (std::size_t i = 0; i < n; ++i) {
    float* row = out.row(static_cast<Eigen::Index>(i)).data();
    if (!one_each) {
      // Windows averaged with their lengths as weights (for mean pooling: the mean over all
      // tokens of all windows).
      Eigen::Matrix<double, 1, Eigen::Dynamic> sum = Eigen::Matrix<double, 1, Eigen::Dynamic>::Zero(dim);
      double total = 0.0;
      for (std::size_t s = first_seq[i]; s < first_seq[i + 1]; ++s) {
        const auto w = static_cast<double>(lengths[s]);
        sum += w * pooled.row(static_cast<Eigen::Index>(s)).cast<double>();
        total += w;
      }
      out.row(static_cast<Eigen::Index>(i)) = (sum / total).cast<float>();
    }
    if (normalize_) l2_normalize(row, dimension());
  }
  return out;
}

row_matrix bert_encoder::token_embeddings(std::string_view text,
                                          std::vector<std::string>* tokens) const {
  const auto ids = token_ids(text);
  const std::vector<std::int32_t> types(ids.size(), 0);
  const std::vector<std::size_t> offsets{0, ids.size()};
  if (tokens != nullptr) {
    tokens->clear();
    for (const auto id : ids) tokens->push_back(tokenizer_->id_to_token(id));
  }
  return model_->forward(ids, types, offsets);
}

// ---- cross-encoder --------------------------------------------------------------------------

bert_cross_encoder::bert_cross_encoder(const std::string& folder, cross_encoder_options options)
    : options_(options) {
  model_ = bert_model::load(folder);
  tokenizer_ = std::make_shared<const wordpiece_tokenizer>(wordpiece_tokenizer::from_folder(folder));
  const auto& c = model_->config();
  const auto H = static_cast<std::int64_t>(c.hidden_size);
  const auto& f = model_->file();
  const std::string weights = f.path();
  if (!f.contains("classifier.weight")) {
    raise("model_error", weights + ": no tensor 'classifier.weight' (not a "
                                   "BertForSequenceClassification checkpoint?)");
  }
  const auto& cw = f.at("classifier.weight");
  if (cw.shape.size() != 2 || cw.shape[1] != H) {
    raise("model_error", weights + ": tensor 'classifier.weight' has shape " +
                             shape_string(cw.shape) + ", expected [num_labels, " +
                             std::to_string(H) + "]");
  }
  const auto labels = cw.shape[0];
  classifier_weight_ = f.floats("classifier.weight", {labels, H});
  classifier_bias_ = f.floats("classifier.bias", {labels});
  pooler_weight_ = model_->tensor("pooler.dense.weight", {H, H});
  pooler_bias_ = model_->tensor("pooler.dense.bias", {H});
  for (std::int64_t i = 0; i < labels; ++i) {
    const auto it = c.id2label.find(static_cast<int>(i));
    labels_.push_back(it != c.id2label.end() ? it->second : "LABEL_" + std::to_string(i));
  }
  max_length_ = c.max_position_embeddings;
  const fs::path tcfg = fs::path(folder) / "tokenizer_config.json";
  if (fs::exists(tcfg)) {
    const json j = read_json(tcfg);
    if (j.contains("model_max_length") && j["model_max_length"].is_number_integer() &&
        j["model_max_length"].get<std::int64_t>() > 0) {
      max_length_ = std::min(max_length_, j["model_max_length"].get<std::size_t>());
    }
  }
  if (options_.max_length != 0) max_length_ = std::min(max_length_, options_.max_length);
  name_ = default_name(folder);
}

std::string bert_cross_encoder::id() const {
  return "bert-cross/" + name_ + "/" + hex16(model_->digest()) + "/len=" +
         std::to_string(max_length_);
}

row_matrix bert_cross_encoder::predict(
    std::span<const std::pair<std::string_view, std::string_view>> pairs) const {
  const std::size_t n = pairs.size();
  const auto H = static_cast<Eigen::Index>(model_->hidden_size());
  const auto nl = static_cast<Eigen::Index>(labels_.size());
  row_matrix out(static_cast<Eigen::Index>(n), nl);
  if (n == 0) return out;
  std::vector<tokenized> tok(n);
  precis::detail::parallel_for(n, options_.threads, [&](std::size_t i) {
    tok[i] = tokenizer_->encode_pair(pairs[i].first, pairs[i].second, max_length_);
  }, 64);
  std::vector<std::size_t> lengths(n);
  for (std::size_t i = 0; i < n; ++i) lengths[i] = tok[i].ids.size();
  const auto batches = length_buckets(lengths, options_.batch_tokens);
  const matrix_map pw(pooler_weight_.data, H, H);
  const Eigen::Map<const Eigen::RowVectorXf> pb(pooler_bias_.data, H);
  const matrix_map cw(classifier_weight_.data, nl, H);
  const Eigen::Map<const Eigen::RowVectorXf> cb(classifier_bias_.data, nl);
  precis::detail::parallel_for(batches.size(), options_.threads, [&](std::size_t b) {
    const auto& batch = batches[b];
    std::vector<std::int32_t> flat, types;
    std::vector<std::size_t> offsets{0};
    for (const auto i : batch) {
      flat.insert(flat.end(), tok[i].ids.begin(), tok[i].ids.end());
      types.insert(types.end(), tok[i].type_ids.begin(), tok[i].type_ids.end());
      offsets.push_back(flat.size());
    }
    const row_matrix hidden = model_->forward(flat, types, offsets);
    for (std::size_t k = 0; k < batch.size(); ++k) {
      const Eigen::RowVectorXf cls = hidden.row(static_cast<Eigen::Index>(offsets[k]));
      const Eigen::RowVectorXf pooled = ((cls * pw.transpose()) + pb).array().tanh().matrix();
      out.row(static_cast<Eigen::Index>(batch[k])) = pooled * cw.transpose() + cb;
    }
  }, 1);
  return out;
}

}  // namespace precis::embed
