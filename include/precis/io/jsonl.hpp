#pragma once
/// @file jsonl.hpp
/// Reading records from JSON Lines, whole (`read_jsonl`) or a line at a time (`jsonl_line_reader`
/// and `parse_jsonl_line`, what the streaming `precis score` uses). Bad lines are never dropped
/// silently: each one is reported with its line number and why, in the order of the file; a line
/// that holds a JSON object keeps its record id in the report. See docs/cli.md.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "precis/error.hpp"
#include "precis/record.hpp"

namespace precis::io {

/// Deepest nesting of a structured summary (a JSON object or array in the summary field) that
/// the reader accepts; a deeper one is that line's error
/// (`[precis.parse_error] line N (id 'x'), field 'summary' is nested deeper than 512 levels`),
/// never a stack overflow. Other fields are never serialized, so their depth does not matter.
inline constexpr std::size_t jsonl_max_depth = 512;

/// Default longest line `jsonl_line_reader` keeps (64 MiB); a longer line is that line's error
/// and is skipped without being held in memory.
inline constexpr std::size_t jsonl_max_line_bytes = std::size_t{64} << 20;

/// Which JSON fields hold what. Fields may be nested with '.' ("meta.id"). The defaults are the
/// column names of Python's `precis.evaluate`.
struct jsonl_fields {
  std::string id = "id";                  ///< optional; a string or a number
  std::string summary = "summary";        ///< required; a string, or a JSON object / array
  std::string references = "references";  ///< optional; a string or a list of strings
  std::string sources = "sources";        ///< optional; a string, a list of strings, a list of
                                          ///< {"id", "text"} objects, or an object id -> text
  /// Read instead of `sources` when a line has no `sources` field (the CLI's former default,
  /// and what Python's `precis.evaluate` falls back to); empty = no fallback.
  std::string sources_fallback = "source";
  std::string query = "query";  ///< optional; a string
  /// optional; the expected JSON for "json_match": any JSON value, or a string holding JSON text
  std::string gold = "gold";
  /// optional; a string, a list of strings, or {"name": ..., "aliases": [...]}
  std::string subject = "subject";
};

/// A line that could not be read, and why.
struct jsonl_error {
  std::size_t line;     ///< 1-based line number
  std::string message;  ///< "[precis.parse_error] line N: ..." for a line that is not a JSON
                        ///< object, "[precis.<code>] line N (id 'x'), field 'f' ..." for a
                        ///< record with a bad field
  std::string id{};     ///< the record's id ("line N" when it has none); empty when the line is
                        ///< not a JSON object
};

/// One non-blank line, parsed: its record, or its error.
struct jsonl_line {
  std::size_t line = 0;         ///< 1-based line number
  std::optional<record> value;  ///< the record, when the line holds a valid one
  jsonl_error error{};          ///< when `value` is empty
};

/// Parses the text of line `line_number` (without its newline). Never throws for bad input.
[[nodiscard]] jsonl_line parse_jsonl_line(std::string_view text, std::size_t line_number,
                                          const jsonl_fields& fields = {});

/// A line as read from the stream, before parsing.
struct jsonl_raw_line {
  std::size_t number = 0;        ///< 1-based line number
  std::string text;              ///< without "\n" (and a final "\r"); empty when `too_long`
  std::uint64_t length = 0;      ///< bytes of the line in the stream, without its newline
  bool too_long = false;         ///< longer than the reader's limit: `text` was not kept
  std::uint64_t end_offset = 0;  ///< stream offset just past this line's newline
  /// Hash of every byte of the stream from where the reader started up to `end_offset`
  /// (`embed::hash_bytes` chained line by line): tells whether a file still starts the same.
  std::uint64_t end_hash = 0;
};

/// Reads a stream line by line (each line as soon as it arrives), skipping blank lines, with memory
/// bounded by the longest line kept (`max_line_bytes`): a longer line is returned with `too_long`
/// set and its bytes dropped as they are read.
class jsonl_line_reader {
 public:
  /// Starts at the current position of `in`, which is line `first_line` of the file, at byte
  /// `start_offset`, with `start_hash` the hash of the bytes before it (0 at the start).
  explicit jsonl_line_reader(std::istream& in, std::size_t max_line_bytes = jsonl_max_line_bytes,
                             std::size_t first_line = 1, std::uint64_t start_offset = 0,
                             std::uint64_t start_hash = 0);

  /// The next non-blank line into `out`; false at the end of the stream.
  /// @throws precis::error `[precis.io_error] read error` when the stream fails part way.
  bool next(jsonl_raw_line& out);

  /// Offset and hash just past the last line consumed (blank lines included).
  [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }
  [[nodiscard]] std::uint64_t hash() const noexcept { return hash_; }

 private:
  std::istream& in_;
  std::size_t max_line_bytes_;
  std::size_t next_line_;
  std::uint64_t offset_;
  std::uint64_t hash_;
  std::vector<char> buffer_;
};

/// Everything read from one JSONL stream: the records in order, the line each came from, and the
/// lines that failed. Blank lines are skipped (and not counted as errors).
struct jsonl_records {
  std::vector<record> records;
  std::vector<std::size_t> lines;  ///< lines[i] is the 1-based line of records[i]
  std::vector<jsonl_error> errors;
};

/// Reads records from `in`. Never throws for a bad line: bad lines go to `errors`.
jsonl_records read_jsonl(std::istream& in, const jsonl_fields& fields = {});

/// Reads records from the file at `path`.
/// @throws precis::error `[precis.io_error]` when the file cannot be opened, is a directory, or a
///   read fails part way.
jsonl_records read_jsonl_file(const std::string& path, const jsonl_fields& fields = {});

}  // namespace precis::io
