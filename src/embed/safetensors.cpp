// The safetensors reader: mmap, header parsing and validation, F16/BF16 widening.
#include "precis/embed/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "precis/error.hpp"

namespace precis::embed {

namespace {

[[noreturn]] void model_error(const std::string& path, const std::string& what) {
  raise("model_error", path + ": " + what);
}

tensor_dtype dtype_of(const std::string& name) {
  if (name == "F32") return tensor_dtype::f32;
  if (name == "F16") return tensor_dtype::f16;
  if (name == "BF16") return tensor_dtype::bf16;
  return tensor_dtype::other;
}

std::size_t dtype_size(const std::string& name) {
  if (name == "F64" || name == "I64" || name == "U64") return 8;
  if (name == "F32" || name == "I32" || name == "U32") return 4;
  if (name == "F16" || name == "BF16" || name == "I16" || name == "U16") return 2;
  if (name == "I8" || name == "U8" || name == "BOOL" || name == "F8_E4M3" || name == "F8_E5M2") {
    return 1;
  }
  return 0;
}

}  // namespace

std::size_t tensor_info::elements() const noexcept {
  std::size_t n = 1;
  for (const auto d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

std::size_t float_tensor::elements() const noexcept {
  std::size_t n = 1;
  for (const auto d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

float half_to_float(std::uint16_t h) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000U) << 16;
  std::uint32_t exp = (h >> 10) & 0x1FU;
  std::uint32_t mant = h & 0x3FFU;
  std::uint32_t bits = 0;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalize
      exp = 127 - 15 + 1;
      while ((mant & 0x400U) == 0) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3FFU;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000U | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float bfloat16_to_float(std::uint16_t b) noexcept {
  const std::uint32_t bits = static_cast<std::uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::shared_ptr<const safetensors_file> safetensors_file::open(const std::string& path) {
  std::shared_ptr<safetensors_file> f(new safetensors_file());
  f->path_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    raise("io_error", path + ": cannot open (" + std::string(std::strerror(errno)) + ")");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    raise("io_error", path + ": cannot stat (" + std::string(std::strerror(errno)) + ")");
  }
  f->size_ = static_cast<std::size_t>(st.st_size);
  if (f->size_ < 8) {
    ::close(fd);
    model_error(path, "truncated safetensors file (" + std::to_string(f->size_) +
                          " bytes, no header length)");
  }
  void* base = ::mmap(nullptr, f->size_, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (base == MAP_FAILED) {
    raise("io_error", path + ": cannot map (" + std::string(std::strerror(errno)) + ")");
  }
  f->base_ = base;
  const auto* bytes = static_cast<const unsigned char*>(base);
  std::uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  if (header_len > f->size_ - 8) {
    model_error(path, "header length " + std::to_string(header_len) + " exceeds the file size " +
                          std::to_string(f->size_) + " (truncated or not a safetensors file)");
  }
  f->data_start_ = 8 + static_cast<std::size_t>(header_len);
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(reinterpret_cast<const char*>(bytes + 8),
                                   reinterpret_cast<const char*>(bytes + f->data_start_));
  } catch (const nlohmann::json::exception& e) {
    model_error(path, std::string("header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) model_error(path, "header is not a JSON object");
  const std::size_t data_size = f->size_ - f->data_start_;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      if (value.is_object()) {
        for (const auto& [k, v] : value.items()) {
          if (v.is_string()) f->metadata_[k] = v.get<std::string>();
        }
      }
      continue;
    }
    const std::string where = "tensor '" + name + "'";
    if (!value.is_object()) model_error(path, where + " is not a JSON object");
    tensor_info t;
    t.name = name;
    const auto dt = value.find("dtype");
    if (dt == value.end() || !dt->is_string()) model_error(path, where + ": missing field 'dtype'");
    t.dtype_name = dt->get<std::string>();
    t.dtype = dtype_of(t.dtype_name);
    const std::size_t esize = dtype_size(t.dtype_name);
    if (esize == 0) model_error(path, where + ": unknown dtype '" + t.dtype_name + "'");
    const auto sh = value.find("shape");
    if (sh == value.end() || !sh->is_array()) model_error(path, where + ": missing field 'shape'");
    for (const auto& d : *sh) {
      if (!d.is_number_integer() || d.get<std::int64_t>() < 0) {
        model_error(path, where + ": field 'shape' holds a non-integer or negative size");
      }
      t.shape.push_back(d.get<std::int64_t>());
    }
    const auto off = value.find("data_offsets");
    if (off == value.end() || !off->is_array() || off->size() != 2 ||
        !(*off)[0].is_number_unsigned() || !(*off)[1].is_number_unsigned()) {
      model_error(path, where + ": field 'data_offsets' must be [begin, end]");
    }
    const auto begin = (*off)[0].get<std::uint64_t>();
    const auto end = (*off)[1].get<std::uint64_t>();
    if (begin > end || end > data_size) {
      model_error(path, where + ": field 'data_offsets' [" + std::to_string(begin) + ", " +
                            std::to_string(end) + "] lies outside the data (" +
                            std::to_string(data_size) + " bytes; truncated file?)");
    }
    t.offset = static_cast<std::size_t>(begin);
    t.bytes = static_cast<std::size_t>(end - begin);
    if (t.bytes != t.elements() * esize) {
      model_error(path, where + ": field 'data_offsets' spans " + std::to_string(t.bytes) +
                            " bytes but shape " + shape_string(t.shape) + " of " + t.dtype_name +
                            " needs " + std::to_string(t.elements() * esize));
    }
    f->tensors_.emplace(name, std::move(t));
  }
  return f;
}

safetensors_file::~safetensors_file() {
  if (base_ != nullptr) ::munmap(base_, size_);
}

bool safetensors_file::contains(const std::string& name) const {
  return tensors_.find(name) != tensors_.end();
}

const tensor_info& safetensors_file::at(const std::string& name) const {
  const auto it = tensors_.find(name);
  if (it == tensors_.end()) model_error(path_, "no tensor '" + name + "'");
  return it->second;
}

std::span<const std::byte> safetensors_file::bytes(const tensor_info& t) const noexcept {
  return {static_cast<const std::byte*>(base_) + data_start_ + t.offset, t.bytes};
}

float_tensor safetensors_file::floats(const std::string& name,
                                      const std::vector<std::int64_t>& expected_shape) const {
  const tensor_info& t = at(name);
  if (!expected_shape.empty() && t.shape != expected_shape) {
    model_error(path_, "tensor '" + name + "' has shape " + shape_string(t.shape) + ", expected " +
                           shape_string(expected_shape));
  }
  float_tensor out;
  out.shape = t.shape;
  const auto raw = bytes(t);
  const std::size_t n = t.elements();
  if (t.dtype == tensor_dtype::f32) {
    if (reinterpret_cast<std::uintptr_t>(raw.data()) % alignof(float) == 0) {
      out.data = reinterpret_cast<const float*>(raw.data());
      return out;
    }
    auto v = std::make_shared<std::vector<float>>(n);
    std::memcpy(v->data(), raw.data(), n * sizeof(float));
    out.data = v->data();
    out.owned = std::move(v);
    return out;
  }
  if (t.dtype != tensor_dtype::f16 && t.dtype != tensor_dtype::bf16) {
    model_error(path_, "tensor '" + name + "' has dtype " + t.dtype_name +
                           "; precis reads F32, F16 and BF16");
  }
  auto v = std::make_shared<std::vector<float>>(n);
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  for (std::size_t i = 0; i < n; ++i) {
    const auto h = static_cast<std::uint16_t>(p[2 * i] | (p[2 * i + 1] << 8));
    (*v)[i] = t.dtype == tensor_dtype::f16 ? half_to_float(h) : bfloat16_to_float(h);
  }
  out.data = v->data();
  out.owned = std::move(v);
  return out;
}

}  // namespace precis::embed
