#pragma once
/// @file jsonl.hpp
/// Reading records from JSON Lines. Malformed lines are never dropped silently: each one is
/// reported with its line number and why, in the order of the file. See docs/cli.md.

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include "precis/error.hpp"
#include "precis/record.hpp"

namespace precis::io {

/// Deepest nesting of a structured summary (a JSON object or array in the summary field) that
/// `read_jsonl` accepts; a deeper one is that line's error
/// (`[precis.parse_error] line N: field 'summary' is nested deeper than 512 levels`), never a
/// stack overflow. Other fields are never serialized, so their depth does not matter.
inline constexpr std::size_t jsonl_max_depth = 512;

/// Which JSON fields hold what. Fields may be nested with '.' ("meta.id").
struct jsonl_fields {
  std::string id = "id";                  ///< optional; a string or a number
  std::string summary = "summary";        ///< required; a string
  std::string references = "references";  ///< optional; a string or a list of strings
  std::string sources = "source";         ///< optional; a string, a list of strings, a list of
                                          ///< {"id", "text"} objects, or an object id -> text
  std::string query = "query";            ///< optional; a string
};

/// A line that could not be read, and why.
struct jsonl_error {
  std::size_t line;     ///< 1-based line number
  std::string message;  ///< starts with "[precis.parse_error] line N: ..."
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
