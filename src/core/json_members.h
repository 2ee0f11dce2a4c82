// Repeated member names in JSON objects. RFC 8259 leaves their meaning open;
// AWS's JSON services read objects into maps, so a later member replaces an
// earlier one of the same name. kmslab's wire readers normalize every parsed
// body with KeepLastMembers() once, so lookups (which find the first member),
// iteration, sizes, storage and the trail all see one member per name.
#ifndef KMSLAB_CORE_JSON_MEMBERS_H_
#define KMSLAB_CORE_JSON_MEMBERS_H_

#include <rapidjson/document.h>

namespace kmslab::core {

// Rewrites every object inside `value` (itself included) so each member name
// occurs once: the member keeps the place of its first occurrence and the
// value of its last. Objects without repeats are left untouched (no
// allocation). Recursion is bounded by the nesting CheckJsonText() allows.
void KeepLastMembers(rapidjson::Value& value, rapidjson::Document::AllocatorType& allocator);

}  // namespace kmslab::core

#endif  // KMSLAB_CORE_JSON_MEMBERS_H_
