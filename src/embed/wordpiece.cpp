// The WordPiece tokenizer: Hugging Face's BERT steps in order (see wordpiece.hpp). Character
// properties come from ICU (u_charType, White_Space); NFD from ICU's Normalizer2.
#include "precis/embed/wordpiece.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "precis/embed/encoder.hpp"
#include "precis/error.hpp"
#include "precis/text/utf8.hpp"

namespace precis::embed {

namespace fs = std::filesystem;

namespace wordpiece_steps {

namespace {

// The `tokenizers` library takes general categories from the `unicode_categories` crate, whose
// tables are of an older Unicode version than ICU's: a code point assigned later is in none of
// its tables (neither control, punctuation nor nonspacing mark), and an unassigned (Cn) code
// point is not a control character there. Measured against tokenizers on every code point
// (see tests/python/test_encoder_tokenizer.py).
constexpr std::uint8_t k_category_unicode_major = 8;

// Code points whose general category changed between Unicode 8.0 and ICU's version, with their
// Unicode 8.0 category as the tables have it (each seen to differ on the probe of every code
// point): P = punctuation, M = nonspacing mark, O = neither.
bool assigned_after_tables(char32_t c) noexcept;

struct category_override {
  char32_t c;
  char category;
};
constexpr category_override k_unicode8_overrides[] = {
    {0x166D, 'P'},   // CANADIAN SYLLABICS CHI SIGN: Po then, So since Unicode 12
    {0x1734, 'M'},   // HANUNOO SIGN PAMUDPOD: Mn then, Mc since Unicode 14
    {0x1885, 'O'},   // MONGOLIAN LETTER ALI GALI BALUDA: Lo then, Mn since Unicode 9
    {0x1886, 'O'},   // MONGOLIAN LETTER ALI GALI THREE BALUDA: likewise
    {0xA9BD, 'O'},   // JAVANESE CONSONANT SIGN KERET: Mc then, Mn since Unicode 12
    {0x111C9, 'P'},  // SHARADA SANDHI MARK: Po then, Mn since Unicode 12
};

char unicode8_override(char32_t c) noexcept {
  for (const auto& o : k_unicode8_overrides) {
    if (o.c == c) return o.category;
  }
  return 0;
}

bool is_nonspacing_mark(char32_t c) noexcept {
  if (const char o = unicode8_override(c)) return o == 'M';
  return u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK && !assigned_after_tables(c);
}

bool assigned_after_tables(char32_t c) noexcept {
  UVersionInfo age;
  u_charAge(static_cast<UChar32>(c), age);
  return age[0] > k_category_unicode_major;
}

}  // namespace

std::u32string decode_utf8(std::string_view text) {
  precis::text::validate_utf8(text, "text");
  std::u32string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const unsigned char b = s[i];
    if (b < 0x80) {
      out.push_back(b);
      ++i;
    } else if (b < 0xE0) {
      out.push_back(static_cast<char32_t>(((b & 0x1FU) << 6) | (s[i + 1] & 0x3FU)));
      i += 2;
    } else if (b < 0xF0) {
      out.push_back(static_cast<char32_t>(((b & 0x0FU) << 12) | ((s[i + 1] & 0x3FU) << 6) |
                                          (s[i + 2] & 0x3FU)));
      i += 3;
    } else {
      out.push_back(static_cast<char32_t>(((b & 0x07U) << 18) | ((s[i + 1] & 0x3FU) << 12) |
                                          ((s[i + 2] & 0x3FU) << 6) | (s[i + 3] & 0x3FU)));
      i += 4;
    }
  }
  return out;
}

namespace {
void append_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}
}  // namespace

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char32_t c : text) append_utf8(c, out);
  return out;
}

bool is_control(char32_t c) noexcept {
  if (c == U'\t' || c == U'\n' || c == U'\r') return false;
  if (c < 0x80) return c < 0x20 || c == 0x7F;
  switch (u_charType(static_cast<UChar32>(c))) {
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
    case U_PRIVATE_USE_CHAR:
    case U_SURROGATE:
      return !assigned_after_tables(c);
    default:
      return false;
  }
}

bool is_whitespace(char32_t c) noexcept {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_WHITE_SPACE) != 0;
}

bool is_punctuation(char32_t c) noexcept {
  if (c < 0x80) {
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
           (c >= 123 && c <= 126);
  }
  if (const char o = unicode8_override(c)) return o == 'P';
  if (assigned_after_tables(c)) return false;
  switch (u_charType(static_cast<UChar32>(c))) {
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
      return true;
    default:
      return false;
  }
}

bool is_chinese_char(char32_t c) noexcept {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::u32string clean_text(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (const char32_t c : text) {
    if (c == 0 || c == 0xFFFD || is_control(c)) continue;
    out.push_back(is_whitespace(c) ? U' ' : c);
  }
  return out;
}

std::u32string pad_chinese_chars(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (const char32_t c : text) {
    if (is_chinese_char(c)) {
      out.push_back(U' ');
      out.push_back(c);
      out.push_back(U' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::u32string strip_accents(std::u32string_view text) {
  const bool ascii = std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x80; });
  if (ascii) return std::u32string(text);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) raise("internal", "ICU NFD is unavailable");
  const icu::UnicodeString in =
      icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(text.data()),
                                    static_cast<int32_t>(text.size()));
  const icu::UnicodeString decomposed = nfd->normalize(in, status);
  if (U_FAILURE(status)) raise("internal", "ICU NFD failed");
  std::u32string out;
  out.reserve(static_cast<std::size_t>(decomposed.length()));
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (is_nonspacing_mark(static_cast<char32_t>(c))) continue;
    out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

std::u32string lowercase(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (const char32_t c : text) {
    if (c < 0x80) {
      out.push_back((c >= 'A' && c <= 'Z') ? c + 32 : c);
    } else if (c == 0x130) {  // the one unconditional multi-code-point lower-case mapping
      out.push_back(U'i');
      out.push_back(0x307);
    } else {
      out.push_back(static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))));
    }
  }
  return out;
}

std::vector<std::u32string> split_words(std::u32string_view text) {
  std::vector<std::u32string> words;
  std::u32string current;
  for (const char32_t c : text) {
    if (is_whitespace(c)) {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else if (is_punctuation(c)) {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
      words.emplace_back(1, c);
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

}  // namespace wordpiece_steps

namespace ws = wordpiece_steps;

std::size_t wordpiece_tokenizer::sv_hash::operator()(std::string_view s) const noexcept {
  return static_cast<std::size_t>(hash_bytes(s, 0x5EED));
}

wordpiece_tokenizer::wordpiece_tokenizer(std::vector<std::string> vocab,
                                         wordpiece_options options, std::vector<added_token> added)
    : vocab_(std::move(vocab)), options_(std::move(options)), added_(std::move(added)) {
  ids_.reserve(vocab_.size());
  for (std::size_t i = 0; i < vocab_.size(); ++i) {
    ids_.emplace(vocab_[i], static_cast<std::int32_t>(i));  // first occurrence wins
  }
  auto need = [&](const std::string& token, const char* what) {
    const auto id = token_to_id(token);
    if (id < 0) {
      raise("model_error", std::string("tokenizer: the ") + what + " token '" + token +
                               "' is not in the vocabulary");
    }
    return id;
  };
  unk_id_ = need(options_.unk_token, "unknown");
  cls_id_ = need(options_.cls_token, "CLS");
  sep_id_ = need(options_.sep_token, "SEP");
  const auto pad = token_to_id(options_.pad_token);
  pad_id_ = pad < 0 ? 0 : pad;
  // Longest first, so that a token containing another wins at the same position.
  std::stable_sort(added_.begin(), added_.end(), [](const added_token& a, const added_token& b) {
    return a.content.size() > b.content.size();
  });
  added_.erase(std::remove_if(added_.begin(), added_.end(),
                              [](const added_token& t) { return t.content.empty(); }),
               added_.end());
}

std::int32_t wordpiece_tokenizer::token_to_id(std::string_view token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? -1 : it->second;
}

const std::string& wordpiece_tokenizer::id_to_token(std::int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= vocab_.size()) {
    raise("invalid_argument", "token id " + std::to_string(id) + " is outside the vocabulary (" +
                                  std::to_string(vocab_.size()) + " tokens)");
  }
  return vocab_[static_cast<std::size_t>(id)];
}

// Greedy longest-match-first: the longest vocabulary entry that starts the rest of the word
// (with the continuation prefix after the first piece); a word that cannot be pieced, or is
// longer than max_input_chars_per_word, is one unknown token.
void wordpiece_tokenizer::append_word_pieces(std::u32string_view word,
                                             std::vector<std::int32_t>& out) const {
  if (word.size() > options_.max_input_chars_per_word) {
    out.push_back(unk_id_);
    return;
  }
  // UTF-8 of the word with the byte offset of every code point.
  std::string utf8;
  std::vector<std::size_t> at;
  at.reserve(word.size() + 1);
  for (const char32_t c : word) {
    at.push_back(utf8.size());
    utf8 += ws::encode_utf8(std::u32string_view(&c, 1));
  }
  at.push_back(utf8.size());
  const std::size_t start_size = out.size();
  std::string candidate;
  std::size_t start = 0;
  const std::size_t n = word.size();
  while (start < n) {
    std::size_t end = n;
    std::int32_t found = -1;
    while (start < end) {
      const std::string_view piece(utf8.data() + at[start], at[end] - at[start]);
      if (start > 0) {
        candidate.assign(options_.continuing_subword_prefix);
        candidate.append(piece);
        found = token_to_id(candidate);
      } else {
        found = token_to_id(piece);
      }
      if (found >= 0) break;
      --end;
    }
    if (found < 0) {
      out.resize(start_size);
      out.push_back(unk_id_);
      return;
    }
    out.push_back(found);
    start = end;
  }
}

void wordpiece_tokenizer::append_normalized_ids(std::string_view text,
                                                std::vector<std::int32_t>& out) const {
  std::u32string s = ws::decode_utf8(text);
  if (options_.clean_text) s = ws::clean_text(s);
  if (options_.handle_chinese_chars) s = ws::pad_chinese_chars(s);
  if (options_.strip_accents.value_or(options_.lowercase)) s = ws::strip_accents(s);
  if (options_.lowercase) s = ws::lowercase(s);
  for (const auto& word : ws::split_words(s)) append_word_pieces(word, out);
}

std::vector<std::int32_t> wordpiece_tokenizer::piece_ids(std::string_view text) const {
  std::vector<std::int32_t> out;
  if (added_.empty()) {
    append_normalized_ids(text, out);
    return out;
  }
  precis::text::validate_utf8(text, "text");
  // Split off the added tokens (leftmost match, longest first at a position); the text between
  // them is tokenized normally. lstrip/rstrip swallow the adjacent whitespace.
  std::size_t pos = 0;
  std::size_t segment_begin = 0;
  auto is_space = [](char ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r'); };
  while (pos < text.size()) {
    const added_token* hit = nullptr;
    for (const auto& t : added_) {
      if (text.compare(pos, t.content.size(), t.content) == 0) {
        hit = &t;
        break;
      }
    }
    if (hit == nullptr) {
      ++pos;
      continue;
    }
    std::size_t segment_end = pos;
    if (hit->lstrip) {
      while (segment_end > segment_begin && is_space(text[segment_end - 1])) --segment_end;
    }
    append_normalized_ids(text.substr(segment_begin, segment_end - segment_begin), out);
    out.push_back(hit->id);
    pos += hit->content.size();
    if (hit->rstrip) {
      while (pos < text.size() && is_space(text[pos])) ++pos;
    }
    segment_begin = pos;
  }
  append_normalized_ids(text.substr(segment_begin), out);
  return out;
}

std::vector<std::string> wordpiece_tokenizer::tokenize(std::string_view text) const {
  std::vector<std::string> out;
  for (const auto id : piece_ids(text)) out.push_back(vocab_[static_cast<std::size_t>(id)]);
  return out;
}

tokenized wordpiece_tokenizer::encode(std::string_view text, std::size_t max_length) const {
  if (max_length < 2) raise("invalid_argument", "tokenizer: max_length must be >= 2");
  tokenized out;
  auto pieces = piece_ids(text);
  if (pieces.size() > max_length - 2) pieces.resize(max_length - 2);
  out.ids.reserve(pieces.size() + 2);
  out.ids.push_back(cls_id_);
  out.ids.insert(out.ids.end(), pieces.begin(), pieces.end());
  out.ids.push_back(sep_id_);
  out.type_ids.assign(out.ids.size(), 0);
  return out;
}

tokenized wordpiece_tokenizer::encode_pair(std::string_view a, std::string_view b,
                                           std::size_t max_length) const {
  if (max_length < 3) raise("invalid_argument", "tokenizer: max_length must be >= 3 for a pair");
  auto pa = piece_ids(a);
  auto pb = piece_ids(b);
  // Longest-first truncation as the tokenizers library computes it: the shorter text keeps its
  // length when the longer one can absorb the cut, otherwise both get half of the room.
  const std::size_t room = max_length - 3;
  if (pa.size() + pb.size() > room) {
    std::size_t n1 = pa.size(), n2 = pb.size();
    const bool swap = n1 > n2;
    if (swap) std::swap(n1, n2);
    if (n1 > room) {
      n2 = n1;
    } else {
      n2 = std::max(n1, room - n1);
    }
    if (n1 + n2 > room) {
      n1 = room / 2;
      n2 = n1 + room % 2;
    }
    if (swap) std::swap(n1, n2);
    pa.resize(std::min(pa.size(), n1));
    pb.resize(std::min(pb.size(), n2));
  }
  tokenized out;
  out.ids.push_back(cls_id_);
  out.ids.insert(out.ids.end(), pa.begin(), pa.end());
  out.ids.push_back(sep_id_);
  out.type_ids.assign(out.ids.size(), 0);
  out.ids.insert(out.ids.end(), pb.begin(), pb.end());
  out.ids.push_back(sep_id_);
  out.type_ids.resize(out.ids.size(), 1);
  return out;
}

// ---- loading ----------------------------------------------------------------------------------

namespace {

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) raise("io_error", file.string() + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::exception& e) {
    raise("model_error", file.string() + ": not valid JSON (" + e.what() + ")");
  }
}

template <class T>
T field_or(const nlohmann::json& j, const char* key, T fallback) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<T>();
}

// A token field of tokenizer_config.json: a string or an AddedToken object {"content": ...}.
std::string token_field(const nlohmann::json& j, const char* key, const std::string& fallback) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content")) return (*it)["content"].get<std::string>();
  return fallback;
}

[[noreturn]] void unsupported_tokenizer(const fs::path& file, const std::string& kind) {
  raise("unsupported_model", file.string() + ": " + kind +
                                 " tokenizer; precis reads WordPiece (BERT-family) tokenizers "
                                 "only");
}

}  // namespace

wordpiece_tokenizer wordpiece_tokenizer::from_folder(const std::string& folder) {
  const fs::path dir(folder);
  const fs::path tj = dir / "tokenizer.json";
  const fs::path vt = dir / "vocab.txt";
  const fs::path tc = dir / "tokenizer_config.json";
  nlohmann::json config = fs::exists(tc) ? read_json(tc) : nlohmann::json::object();
  wordpiece_options o;
  if (fs::exists(tj)) {
    const nlohmann::json j = read_json(tj);
    try {
      const auto& model = j.at("model");
      const std::string type = field_or<std::string>(model, "type", "");
      if (type == "BPE") unsupported_tokenizer(tj, "a BPE (RoBERTa / GPT-2 style)");
      if (type == "Unigram") unsupported_tokenizer(tj, "a SentencePiece Unigram (XLM-R / T5 style)");
      if (type != "WordPiece") unsupported_tokenizer(tj, "a '" + type + "'");
      o.unk_token = field_or<std::string>(model, "unk_token", "[UNK]");
      o.continuing_subword_prefix = field_or<std::string>(model, "continuing_subword_prefix", "##");
      o.max_input_chars_per_word = field_or<std::size_t>(model, "max_input_chars_per_word", 100);
      const auto& norm = j.at("normalizer");
      if (!norm.is_null()) {
        const std::string nt = field_or<std::string>(norm, "type", "");
        if (nt != "BertNormalizer") unsupported_tokenizer(tj, "a '" + nt + "' normalizer in a");
        o.clean_text = field_or<bool>(norm, "clean_text", true);
        o.handle_chinese_chars = field_or<bool>(norm, "handle_chinese_chars", true);
        o.lowercase = field_or<bool>(norm, "lowercase", true);
        const auto sa = norm.find("strip_accents");
        if (sa != norm.end() && !sa->is_null()) o.strip_accents = sa->get<bool>();
      } else {
        o.clean_text = false;
        o.handle_chinese_chars = false;
        o.lowercase = false;
        o.strip_accents = false;
      }
      const auto& pre = j.at("pre_tokenizer");
      if (!pre.is_null() && field_or<std::string>(pre, "type", "") != "BertPreTokenizer") {
        unsupported_tokenizer(tj, "a '" + field_or<std::string>(pre, "type", "") +
                                      "' pre-tokenizer in a");
      }
      const auto& vocab_map = model.at("vocab");
      std::vector<std::string> vocab(vocab_map.size());
      for (const auto& [token, id] : vocab_map.items()) {
        const auto k = id.get<std::int64_t>();
        if (k < 0 || static_cast<std::size_t>(k) >= vocab.size()) {
          raise("model_error", tj.string() + ": field 'model.vocab': id " + std::to_string(k) +
                                   " of '" + token + "' is outside 0.." +
                                   std::to_string(vocab.size() - 1));
        }
        vocab[static_cast<std::size_t>(k)] = token;
      }
      o.cls_token = token_field(config, "cls_token", "[CLS]");
      o.sep_token = token_field(config, "sep_token", "[SEP]");
      o.pad_token = token_field(config, "pad_token", "[PAD]");
      std::vector<added_token> added;
      if (j.contains("added_tokens") && j["added_tokens"].is_array()) {
        for (const auto& t : j["added_tokens"]) {
          added_token a;
          a.content = t.at("content").get<std::string>();
          a.id = t.at("id").get<std::int32_t>();
          a.lstrip = field_or<bool>(t, "lstrip", false);
          a.rstrip = field_or<bool>(t, "rstrip", false);
          if (static_cast<std::size_t>(a.id) >= vocab.size()) vocab.resize(std::size_t(a.id) + 1);
          if (vocab[static_cast<std::size_t>(a.id)].empty()) {
            vocab[static_cast<std::size_t>(a.id)] = a.content;
          }
          added.push_back(std::move(a));
        }
      }
      return wordpiece_tokenizer(std::move(vocab), std::move(o), std::move(added));
    } catch (const nlohmann::json::exception& e) {
      raise("model_error", tj.string() + ": unexpected layout (" + e.what() + ")");
    }
  }
  if (fs::exists(dir / "vocab.json") || fs::exists(dir / "merges.txt")) {
    unsupported_tokenizer(dir / "vocab.json", "a BPE (RoBERTa / GPT-2 style)");
  }
  if (fs::exists(dir / "sentencepiece.bpe.model") || fs::exists(dir / "spiece.model")) {
    unsupported_tokenizer(dir / "sentencepiece.bpe.model", "a SentencePiece (XLM-R / T5 style)");
  }
  if (!fs::exists(vt)) {
    raise("io_error", folder + ": no tokenizer (neither tokenizer.json nor vocab.txt)");
  }
  std::ifstream in(vt, std::ios::binary);
  if (!in) raise("io_error", vt.string() + ": cannot open");
  std::vector<std::string> vocab;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    vocab.push_back(line);
  }
  try {
    o.lowercase = field_or<bool>(config, "do_lower_case", true);
    o.handle_chinese_chars = field_or<bool>(config, "tokenize_chinese_chars", true);
    const auto sa = config.find("strip_accents");
    if (sa != config.end() && !sa->is_null()) o.strip_accents = sa->get<bool>();
    o.unk_token = token_field(config, "unk_token", "[UNK]");
    o.cls_token = token_field(config, "cls_token", "[CLS]");
    o.sep_token = token_field(config, "sep_token", "[SEP]");
    o.pad_token = token_field(config, "pad_token", "[PAD]");
  } catch (const nlohmann::json::exception& e) {
    raise("model_error", tc.string() + ": unexpected layout (" + e.what() + ")");
  }
  std::vector<added_token> added;
  for (const auto& name : {o.unk_token, o.cls_token, o.sep_token, o.pad_token,
                           token_field(config, "mask_token", "[MASK]")}) {
    const auto it = std::find(vocab.begin(), vocab.end(), name);
    if (it != vocab.end()) {
      added.push_back({name, static_cast<std::int32_t>(it - vocab.begin()), false, false});
    }
  }
  return wordpiece_tokenizer(std::move(vocab), std::move(o), std::move(added));
}

}  // namespace precis::embed
