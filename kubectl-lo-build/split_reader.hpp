// The fast reader of scan_documents (split.hpp): the identity of one
// document (apiVersion, kind, metadata.name, metadata.namespace) read line by
// line from its bytes. It gives up, and the document goes to the YAML parser,
// as soon as a line could mean something it does not follow: a flow
// collection or quoted scalar that does not close on its line, an anchor,
// alias or tag, a complex or quoted key where a key of the mapping or of
// metadata is expected, an identity value that is not a one-line plain or
// quoted (unescaped) scalar or that may continue on the next line, a tab as
// indentation, a root that is not a block mapping at column 0, a key twice.
// Lines inside block scalars ("|", ">") are skipped unread.
#pragma once

#include <string>
#include <string_view>

#include "kubectl-lo-build/split.hpp"

namespace lo::build {

struct LineShape;

class FastReader {
 public:
  // Forgets the document read so far.
  void reset() { *this = FastReader(); }
  // One line of the document, without its line break (and without the CR of
  // a CRLF). The views it keeps must stay valid until finish().
  void line(std::string_view s);
  // True when every line was understood and apiVersion, kind and
  // metadata.name were found; then they (and metadata.namespace) are in `d`.
  bool finish(DocInfo& d) const;

 private:
  struct Field {
    std::string_view text;
    bool seen = false;
    bool single_quoted = false;  // '' inside stands for one quote
  };
  bool read_identity(std::string_view s, size_t at, Field& f);
  void line_in_metadata(std::string_view s, long indent, const LineShape& sh);

  bool failed_ = false;
  bool any_key_ = false;    // a column-0 key was seen
  bool in_meta_ = false;    // inside the value of metadata:
  bool seen_meta_ = false;
  bool top_open_ = false;   // the last column-0 key has an empty value: a "- " list may follow at column 0
  bool meta_open_ = false;  // the same for the last key of metadata
  long meta_indent_ = -1;
  long block_n_ = -1;  // inside a block scalar: lines indented more than this are its content
  long ident_n_ = -1;  // after an identity value at this column: a deeper line would continue it
  Field api_, kind_, name_, ns_;
};

}  // namespace lo::build
