// Checks a JSON text must pass before any parser or renderer walks it: its
// nesting depth and its encoding. Request bodies, policy documents, scenario
// files and admin bodies all go through CheckJsonText() first, so nothing
// downstream (RapidJSON, the audit renderer, AttributeValue code) ever sees
// more than kMaxJsonDepth levels or a string that is not valid UTF-8.
//
// Pure and linear in the input, no allocation on success; thread-safe.
#ifndef KMSLAB_CORE_JSON_TEXT_H_
#define KMSLAB_CORE_JSON_TEXT_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace kmslab::core {

// The deepest nesting of arrays and objects accepted anywhere. DynamoDB's own
// limit of 32 attribute levels (two JSON levels each, under a batch or
// transaction envelope) stays well inside it, so such items still get
// DynamoDB's own ValidationException rather than this limit.
inline constexpr int kMaxJsonDepth = 128;

// OK when `text` is valid UTF-8 (no overlong forms, no encoded surrogates,
// nothing above U+10FFFF), every \u escape that names a surrogate is a
// proper high-low pair, and arrays and objects nest at most `max_depth`
// deep. Otherwise InvalidArgument naming the problem and its byte offset.
// It does not check the grammar: the parser still does that.
Status CheckJsonText(std::string_view text, int max_depth = kMaxJsonDepth);

// The length of the valid UTF-8 sequence starting at text[i], or 0 when the
// bytes there are not one (same rules as above).
size_t Utf8SequenceLength(std::string_view text, size_t i);

// True when `text` is entirely valid UTF-8.
bool IsValidUtf8(std::string_view text);

// `text` with every byte that does not start a valid UTF-8 sequence replaced
// by U+FFFD, for echoing header values and other unchecked bytes in JSON.
std::string ScrubUtf8(std::string_view text);

}  // namespace kmslab::core

#endif  // KMSLAB_CORE_JSON_TEXT_H_
