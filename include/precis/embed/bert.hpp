#pragma once
/// @file bert.hpp
/// BERT-family transformer inference with Eigen: `config.json`, the safetensors weights (named as
/// in the checkpoint: `embeddings.word_embeddings.weight`, `encoder.layer.N.attention.self.query
/// .weight`, ...), the forward pass (embeddings + LayerNorm; per layer masked multi-head
/// self-attention and a GELU feed-forward, each with a residual and LayerNorm), the
/// sentence-transformers folder layout (`modules.json`, `1_Pooling/config.json`, `Normalize`,
/// `sentence_bert_config.json`) and the `BertForSequenceClassification` head of cross-encoders.
/// Sequences are never padded: each attends only to itself, so the attention mask is implicit.
/// See docs/encoder.md.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "precis/embed/encoder.hpp"
#include "precis/embed/safetensors.hpp"
#include "precis/embed/wordpiece.hpp"

namespace precis::embed {

/// The fields of a BERT `config.json` that inference needs (names as in the file).
struct bert_config {
  std::string model_type = "bert";
  std::vector<std::string> architectures;
  std::size_t vocab_size = 0;
  std::size_t hidden_size = 0;
  std::size_t num_hidden_layers = 0;
  std::size_t num_attention_heads = 0;
  std::size_t intermediate_size = 0;
  std::string hidden_act = "gelu";
  std::size_t max_position_embeddings = 512;
  std::size_t type_vocab_size = 2;
  double layer_norm_eps = 1e-12;
  std::string position_embedding_type = "absolute";
  std::map<int, std::string> id2label;  ///< classifier labels (empty for an encoder)
  std::string name_or_path;             ///< `_name_or_path`, informative only

  /// Reads and checks `path` (a `config.json`).
  /// @throws precis::error `[precis.io_error]` when missing, `[precis.model_error] <path>: field
  ///   '<key>' ...` when a field is missing or invalid, `[precis.unsupported_model] <path>: field
  ///   'model_type' is 'roberta'; ...` for a model type other than bert, an activation other
  ///   than gelu/relu or a position embedding other than absolute.
  static bert_config from_file(const std::string& path);
};

/// The weights of a BERT model (views into the mapped safetensors file, or widened copies), and
/// its forward pass. Immutable; one instance per file and prefix is shared by every encoder of
/// the process (`load`).
class bert_model {
 public:
  /// Loads (or returns the already loaded) model of `folder`: `config.json` and
  /// `model.safetensors`. `prefix` is put before every tensor name (`bert.` in a
  /// `BertForSequenceClassification` checkpoint; found automatically when empty and the file has
  /// no `embeddings.word_embeddings.weight`).
  /// @throws precis::error as `bert_config::from_file` and `safetensors_file::open`, and
  ///   `[precis.model_error] <file>: tensor '<name>' has shape [..], expected [..]`.
  static std::shared_ptr<const bert_model> load(const std::string& folder,
                                                const std::string& prefix = "");

  [[nodiscard]] const bert_config& config() const noexcept { return config_; }
  [[nodiscard]] const safetensors_file& file() const noexcept { return *file_; }
  [[nodiscard]] std::size_t hidden_size() const noexcept { return config_.hidden_size; }
  /// The tensor prefix in use (`""` or `bert.`).
  [[nodiscard]] const std::string& prefix() const noexcept { return prefix_; }
  /// A 64-bit digest of the weights file's bytes (the model identity of cache keys).
  [[nodiscard]] std::uint64_t digest() const noexcept { return digest_; }

  /// Last hidden states of a batch of sequences laid end to end: sequence s is rows
  /// `offsets[s]..offsets[s+1]` of `ids` / `type_ids`; the result has one row per token.
  /// @throws precis::error `[precis.invalid_argument]` for an id outside the vocabulary, a
  ///   sequence longer than max_position_embeddings or inconsistent offsets.
  [[nodiscard]] row_matrix forward(std::span<const std::int32_t> ids,
                                   std::span<const std::int32_t> type_ids,
                                   std::span<const std::size_t> offsets) const;

  /// Same with the kernel of instruction set `isa` (`avx512`, `avx2` or `generic`), to compare
  /// them. @throws precis::error `[precis.invalid_argument]` when this CPU cannot run `isa`.
  [[nodiscard]] row_matrix forward(std::span<const std::int32_t> ids,
                                   std::span<const std::int32_t> type_ids,
                                   std::span<const std::size_t> offsets,
                                   std::string_view isa) const;

  /// Float32 view of `prefix + name` (for heads stored beside the encoder).
  [[nodiscard]] float_tensor tensor(const std::string& name,
                                    const std::vector<std::int64_t>& shape) const;
  /// Name of the instruction set the forward pass runs with (`avx512`, `avx2` or `generic`).
  [[nodiscard]] static const char* kernel_isa() noexcept;

  struct layer {
    float_tensor query_weight, query_bias, key_weight, key_bias, value_weight, value_bias;
    float_tensor attention_output_weight, attention_output_bias;
    float_tensor attention_layernorm_weight, attention_layernorm_bias;
    float_tensor intermediate_weight, intermediate_bias;
    float_tensor output_weight, output_bias, output_layernorm_weight, output_layernorm_bias;
  };

 private:
  bert_model() = default;
  row_matrix run(std::span<const std::int32_t> ids, std::span<const std::int32_t> type_ids,
                 std::span<const std::size_t> offsets, std::string_view isa) const;
  bert_config config_;
  std::shared_ptr<const safetensors_file> file_;
  std::string prefix_;
  std::uint64_t digest_ = 0;
  float_tensor word_embeddings_, position_embeddings_, token_type_embeddings_;
  float_tensor embeddings_layernorm_weight_, embeddings_layernorm_bias_;
  std::vector<layer> layers_;
};

/// Pooling of a sentence-transformers `Pooling` module; several modes are concatenated in the
/// order cls, max, mean, mean_sqrt_len (as sentence-transformers does).
struct pooling_config {
  bool cls = false;
  bool max = false;
  bool mean = true;
  bool mean_sqrt_len = false;
  /// Reads `1_Pooling/config.json` (the path that `modules.json` gives).
  /// @throws precis::error `[precis.unsupported_model] <path>: field 'pooling_mode_<x>' is true;
  ///   ...` for weightedmean and lasttoken pooling.
  static pooling_config from_file(const std::string& path);
  /// `mean`, `cls`, `max`, `mean_sqrt_len`, joined with `+`.
  [[nodiscard]] std::string name() const;
};

/// What `bert_encoder::encode` does with a text of more than `max_seq_length - 2` word pieces.
enum class long_text_mode : std::uint8_t {
  truncate,  ///< keep the first max_seq_length - 2 pieces, as sentence-transformers does
  chunk,     ///< encode every window of max_seq_length - 2 pieces and pool the windows
};

/// Options of `bert_encoder`.
struct bert_encoder_options {
  std::size_t max_seq_length = 0;  ///< 0: the folder's (sentence_bert_config.json)
  unsigned threads = 1;            ///< threads of `encode` (0 = all cores)
  std::size_t batch_tokens = 4096; ///< tokens per forward batch (length-bucketed)
  std::string name;                ///< model name in `id()`; default: from the folder
  /// Texts over the length limit: truncated (default, as sentence-transformers) or chunked.
  long_text_mode long_texts = long_text_mode::truncate;
};

/// A sentence-transformers model folder (BERT family) as an encoder: tokenizer, transformer,
/// pooling and normalization as the folder says; a plain Hugging Face BERT folder (no
/// modules.json) gets mean pooling without normalization, as sentence-transformers gives it.
/// Texts longer than `max_seq_length` word pieces (with [CLS] and [SEP]) are truncated, as
/// sentence-transformers does, or (`long_texts = chunk`) cut into windows of
/// `max_seq_length - 2` pieces, each encoded as `[CLS] window [SEP]` and pooled as the folder
/// says, the window vectors averaged with weights = their lengths, then normalized as the folder
/// says. Its token vectors (`tokens()`) are the last layer's hidden states. Thread-safe; weights
/// shared process-wide.
class bert_encoder final : public encoder, public token_encoder {
 public:
  /// @throws precis::error `[precis.io_error]` for a missing folder or file,
  ///   `[precis.model_error]` for a corrupt one, `[precis.unsupported_model]` for another
  ///   architecture, tokenizer or module (naming the file and field).
  explicit bert_encoder(const std::string& folder, bert_encoder_options options = {});

  /// `bert/<name>/<digest>/<pooling>/norm=<0|1>/len=<max_seq_length>`, `+ /long=chunk` when
  /// long texts are chunked. The digest covers the weights and tokenizer files.
  [[nodiscard]] std::string id() const override;
  [[nodiscard]] std::size_t dimension() const override;
  /// Pooled (and normalized, when the folder says so) sentence vectors.
  [[nodiscard]] row_matrix encode(std::span<const std::string_view> texts) const override;
  /// Same on `threads` threads (0 = all cores).
  [[nodiscard]] row_matrix encode(std::span<const std::string_view> texts, unsigned threads) const;
  /// Last hidden states of each token of `text` ([CLS] and [SEP] included): the vectors of
  /// BERTScore-style matching; `tokens` receives the word pieces when not null.
  [[nodiscard]] row_matrix token_embeddings(std::string_view text,
                                            std::vector<std::string>* tokens = nullptr) const;
  /// Token ids as the encoder feeds them to the model ([CLS] ... [SEP], truncated).
  [[nodiscard]] std::vector<std::int32_t> token_ids(std::string_view text) const;

  [[nodiscard]] const token_encoder* tokens() const noexcept override { return this; }
  /// `id() + "/tokens=last-layer"`.
  [[nodiscard]] std::string token_id() const override;
  [[nodiscard]] std::size_t token_dimension() const override { return model_->hidden_size(); }
  /// max_seq_length - 2.
  [[nodiscard]] std::size_t max_pieces() const override { return max_seq_length_ - 2; }
  /// Word piece ids (lower-cased first when sentence_bert_config.json says do_lower_case).
  [[nodiscard]] std::vector<std::int32_t> pieces(std::string_view text) const override;
  /// Last hidden states of the pieces of each `[CLS] sequence [SEP]`, on `threads` threads.
  [[nodiscard]] row_matrix embed_pieces(
      std::span<const std::vector<std::int32_t>> sequences) const override;

  [[nodiscard]] const wordpiece_tokenizer& tokenizer() const noexcept { return *tokenizer_; }
  /// The tokenizer, shared.
  [[nodiscard]] std::shared_ptr<const wordpiece_tokenizer> shared_tokenizer() const noexcept {
    return tokenizer_;
  }
  [[nodiscard]] const bert_model& model() const noexcept { return *model_; }
  [[nodiscard]] const pooling_config& pooling() const noexcept { return pooling_; }
  [[nodiscard]] bool normalize() const noexcept { return normalize_; }
  [[nodiscard]] std::size_t max_seq_length() const noexcept { return max_seq_length_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const bert_encoder_options& options() const noexcept { return options_; }

 private:
  std::shared_ptr<const bert_model> model_;
  std::shared_ptr<const wordpiece_tokenizer> tokenizer_;
  pooling_config pooling_;
  bool normalize_ = false;
  bool lowercase_input_ = false;  // sentence_bert_config.json do_lower_case
  std::size_t max_seq_length_ = 512;
  std::string name_;
  std::string id_;
  bert_encoder_options options_;
};

/// Options of `bert_cross_encoder`.
struct cross_encoder_options {
  std::size_t max_length = 0;  ///< 0: the tokenizer's model_max_length, at most the positions
  unsigned threads = 1;
  std::size_t batch_tokens = 4096;
};

/// A `BertForSequenceClassification` checkpoint (cross-encoder, e.g. an NLI model): the pair
/// `[CLS] a [SEP] b [SEP]`, the pooler (`bert.pooler.dense`, tanh on [CLS]) and the
/// `classifier` layer. Thread-safe.
class bert_cross_encoder {
 public:
  /// @throws precis::error as `bert_encoder`, and `[precis.model_error]` when `classifier.weight`
  ///   or the pooler is missing.
  explicit bert_cross_encoder(const std::string& folder, cross_encoder_options options = {});
  /// Logits, one row per pair, one column per label.
  [[nodiscard]] row_matrix predict(
      std::span<const std::pair<std::string_view, std::string_view>> pairs) const;
  /// Label names by column (`id2label`; `LABEL_<i>` when the config has none).
  [[nodiscard]] const std::vector<std::string>& labels() const noexcept { return labels_; }
  /// `bert-cross/<name>/<digest>/len=<max_length>`.
  [[nodiscard]] std::string id() const;
  [[nodiscard]] const wordpiece_tokenizer& tokenizer() const noexcept { return *tokenizer_; }
  [[nodiscard]] std::size_t max_length() const noexcept { return max_length_; }

 private:
  std::shared_ptr<const bert_model> model_;
  std::shared_ptr<const wordpiece_tokenizer> tokenizer_;
  float_tensor pooler_weight_, pooler_bias_, classifier_weight_, classifier_bias_;
  std::vector<std::string> labels_;
  std::size_t max_length_ = 512;
  std::string name_;
  cross_encoder_options options_;
};

}  // namespace precis::embed
