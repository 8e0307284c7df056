// libFuzzer target: the BERT encoder's file readers on arbitrary contents: safetensors (header
// JSON, dtypes, shapes, data offsets), and a tokenizer folder (`tokenizer.json`, or `vocab.txt`
// with `tokenizer_config.json`), whose tokenizer then encodes text from the same input.
// Invariants: a file opens into tensors whose bytes lie in the file and whose float views have
// as many finite-or-not floats as elements, or raises a `[precis.*]` error; a loaded tokenizer
// returns ids inside its vocabulary, `[CLS] ... [SEP]` within max_length.

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_common.hpp"
#include "precis/embed/safetensors.hpp"
#include "precis/embed/wordpiece.hpp"

namespace {

namespace pe = precis::embed;

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void safetensors(const std::string& dir, std::string_view bytes) {
  const std::string path = dir + "/model.safetensors";
  write_file(path, bytes);
  try {
    const auto file = pe::safetensors_file::open(path);
    for (const auto& [name, t] : file->tensors()) {
      PRECIS_FUZZ_CHECK(t.offset <= file->file_size() && t.bytes <= file->file_size());
      const auto b = file->bytes(t);
      PRECIS_FUZZ_CHECK(b.size() == t.bytes);
      PRECIS_FUZZ_CHECK(b.data() >= file->file_bytes().data() &&
                        b.data() + b.size() <= file->file_bytes().data() + file->file_size());
      try {
        const auto f = file->floats(name);
        PRECIS_FUZZ_CHECK(f.elements() == t.elements());
        float sum = 0.0f;
        for (std::size_t i = 0; i < f.elements(); ++i) sum += f.data[i] * 0.0f;  // every element read
        (void)sum;
      } catch (const precis::error& e) {
        precis_fuzz::check_error(e);
      }
    }
  } catch (const precis::error& e) {
    precis_fuzz::check_error(e);
  }
}

void tokenizer(const std::string& dir, const std::vector<std::string_view>& parts) {
  // parts: [tokenizer.json or vocab.txt, tokenizer_config.json (vocab form only), text].
  const bool json_form = !parts[0].empty() && parts[0].front() == '{';
  std::filesystem::remove(dir + "/tokenizer.json");
  std::filesystem::remove(dir + "/vocab.txt");
  std::filesystem::remove(dir + "/tokenizer_config.json");
  if (json_form) {
    write_file(dir + "/tokenizer.json", parts[0]);
  } else {
    write_file(dir + "/vocab.txt", parts[0]);
    if (parts.size() > 2) write_file(dir + "/tokenizer_config.json", parts[1]);
  }
  try {
    const auto t = pe::wordpiece_tokenizer::from_folder(dir);
    const auto text = precis::text::repair_utf8(parts.back());
    const auto vocab = static_cast<std::int32_t>(t.vocab_size());
    for (const auto id : t.piece_ids(text)) PRECIS_FUZZ_CHECK(id >= 0 && id < vocab);
    const std::size_t max_length = 2 + text.size() % 30;
    const auto e = t.encode(text, max_length);
    PRECIS_FUZZ_CHECK(e.ids.size() >= 2 && e.ids.size() <= max_length);
    PRECIS_FUZZ_CHECK(e.ids.front() == t.cls_id() && e.ids.back() == t.sep_id());
    PRECIS_FUZZ_CHECK(e.type_ids.size() == e.ids.size());
    for (const auto id : e.ids) PRECIS_FUZZ_CHECK(id >= 0 && id < vocab);
    const auto p = t.encode_pair(text, text, max_length + 1);
    PRECIS_FUZZ_CHECK(p.ids.size() <= max_length + 1 && p.type_ids.size() == p.ids.size());
  } catch (const precis::error& e) {
    precis_fuzz::check_error(e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = [] {
    const std::string d = "/tmp/precis-fuzz-model-" + std::to_string(::getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  const auto bytes = precis_fuzz::view(data, size);
  safetensors(dir, bytes);
  tokenizer(dir, precis_fuzz::fields(bytes, 3));
  return 0;
}
