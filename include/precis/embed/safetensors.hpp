#pragma once
/// @file safetensors.hpp
/// A memory-mapped reader of the safetensors format (an 8-byte little-endian header length, a
/// JSON header `{"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {...}}`, then the
/// raw little-endian tensor bytes). F32 tensors are read in place; F16 and BF16 are widened to
/// float32 on request. See docs/encoder.md.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace precis::embed {

/// Element types of safetensors that precis reads (others are listed but cannot be read).
enum class tensor_dtype : std::uint8_t { f32, f16, bf16, other };

/// One tensor of a safetensors file: its dtype name as written (`F32`, `F16`, `BF16`, `I64`...),
/// its shape and its bytes inside the mapping.
struct tensor_info {
  std::string name;
  std::string dtype_name;
  tensor_dtype dtype = tensor_dtype::other;
  std::vector<std::int64_t> shape;
  std::size_t offset = 0;  ///< from the start of the data section
  std::size_t bytes = 0;
  /// Number of elements (product of the shape; 1 for a scalar).
  [[nodiscard]] std::size_t elements() const noexcept;
};

/// A float32 tensor: a view into the mapping (F32, aligned) or an owned widened copy.
struct float_tensor {
  const float* data = nullptr;
  std::vector<std::int64_t> shape;
  std::shared_ptr<const std::vector<float>> owned;  ///< set when converted
  [[nodiscard]] std::size_t elements() const noexcept;
};

/// A safetensors file mapped read-only into memory. Immutable; share it between threads. The
/// mapping lives as long as the object (and every `float_tensor` view of it must not outlive it).
class safetensors_file {
 public:
  /// Maps `path` and parses its header.
  /// @throws precis::error `[precis.io_error]` when the file cannot be opened or mapped,
  ///   `[precis.model_error] <path>: ...` when the header is truncated, not JSON, or a tensor's
  ///   dtype, shape or data_offsets are inconsistent (naming the tensor and the field).
  static std::shared_ptr<const safetensors_file> open(const std::string& path);

  safetensors_file(const safetensors_file&) = delete;
  safetensors_file& operator=(const safetensors_file&) = delete;
  ~safetensors_file();

  /// The path it was opened from.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// True when the file has a tensor `name`.
  [[nodiscard]] bool contains(const std::string& name) const;
  /// The tensor `name`.
  /// @throws precis::error `[precis.model_error] <path>: no tensor '<name>'`.
  [[nodiscard]] const tensor_info& at(const std::string& name) const;
  /// All tensors, by name.
  [[nodiscard]] const std::map<std::string, tensor_info>& tensors() const noexcept {
    return tensors_;
  }
  /// The optional `__metadata__` string map.
  [[nodiscard]] const std::map<std::string, std::string>& metadata() const noexcept {
    return metadata_;
  }
  /// The raw bytes of a tensor.
  [[nodiscard]] std::span<const std::byte> bytes(const tensor_info& t) const noexcept;
  /// Tensor `name` as float32, checked against `expected_shape` (when not empty): a view for an
  /// aligned F32 tensor, a widened copy for F16 and BF16.
  /// @throws precis::error `[precis.model_error] <path>: tensor '<name>' has shape [a, b],
  ///   expected [c, d]` or `... has dtype I64; precis reads F32, F16 and BF16`.
  [[nodiscard]] float_tensor floats(const std::string& name,
                                    const std::vector<std::int64_t>& expected_shape = {}) const;
  /// Size of the file in bytes.
  [[nodiscard]] std::size_t file_size() const noexcept { return size_; }
  /// The whole mapped file.
  [[nodiscard]] std::span<const std::byte> file_bytes() const noexcept {
    return {static_cast<const std::byte*>(base_), size_};
  }

 private:
  safetensors_file() = default;
  std::string path_;
  void* base_ = nullptr;
  std::size_t size_ = 0;
  std::size_t data_start_ = 0;
  std::map<std::string, tensor_info> tensors_;
  std::map<std::string, std::string> metadata_;
};

/// IEEE half to float.
[[nodiscard]] float half_to_float(std::uint16_t h) noexcept;
/// bfloat16 to float.
[[nodiscard]] float bfloat16_to_float(std::uint16_t b) noexcept;
/// `[a, b, c]` for messages.
[[nodiscard]] std::string shape_string(const std::vector<std::int64_t>& shape);

}  // namespace precis::embed
