#include "cli/scenario.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/arn.h"
#include "core/base64.h"
#include "core/text_file.h"
#include "core/json_text.h"
#include "crypto/rsa_oaep.h"

namespace kmslab::cli {

namespace {
using Json = rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

std::string ToJson(const Json& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// "line L, column C" of a byte offset.
std::string Where(std::string_view text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// The names of every ${name} in `text`.
std::vector<std::string> References(std::string_view text) {
  std::vector<std::string> names;
  for (size_t pos = 0; (pos = text.find("${", pos)) != std::string_view::npos;) {
    size_t end = text.find('}', pos + 2);
    if (end == std::string_view::npos) break;
    names.emplace_back(text.substr(pos + 2, end - pos - 2));
    pos = end + 1;
  }
  return names;
}

constexpr std::string_view kServerTime = "serverTime";
// The farthest a serverTime offset reaches: 100 years, as far as the clock moves at once.
constexpr int64_t kMaxServerTimeOffset = 100LL * 365 * 24 * 3600;

// Whether the ${name} `name` is the server clock's rather than a saved value's.
bool IsServerTime(std::string_view name) { return name.starts_with(kServerTime); }

// The offset in seconds of "serverTime" (0), "serverTime+N" or "serverTime-N"
// (N: 1 to 10 digits, at most kMaxServerTimeOffset); nullopt for any other name.
std::optional<int64_t> ServerTimeOffset(std::string_view name) {
  if (!IsServerTime(name)) return std::nullopt;
  std::string_view rest = name.substr(kServerTime.size());
  if (rest.empty()) return 0;
  const int64_t sign = rest[0] == '+' ? 1 : rest[0] == '-' ? -1 : 0;
  rest.remove_prefix(1);
  if (sign == 0 || rest.empty() || rest.size() > 10 || rest.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const int64_t n = std::stoll(std::string(rest));
  if (n > kMaxServerTimeOffset) return std::nullopt;
  return sign * n;
}

std::string ServerTimeUsage() {
  return "the server clock is ${serverTime}, ${serverTime+N} or ${serverTime-N}, N whole seconds up to " +
         std::to_string(kMaxServerTimeOffset);
}

// {"wrapKeyMaterial": {"publicKey": B64, "material": B64, "algorithm": A}}, read.
struct WrapSpec {
  std::string public_key;  // DER SubjectPublicKeyInfo (base64 text when not decoded)
  std::string material;    // the plaintext key material (likewise)
  crypto::OaepHash hash;
};

bool IsWrap(const Json& v) { return v.IsObject() && v.HasMember("wrapKeyMaterial"); }

// Reads the wrapKeyMaterial object `v` (IsWrap), checking its shape. The base64
// strings are decoded when `decode` (once ${name} is expanded), else only those
// without ${ are checked.
core::StatusOr<WrapSpec> ReadWrap(const Json& v, bool decode) {
  const std::string usage =
      "must be {\"wrapKeyMaterial\": {\"publicKey\": BASE64, \"material\": BASE64, \"algorithm\": "
      "\"RSAES_OAEP_SHA_256\" or \"RSAES_OAEP_SHA_1\"}} and nothing else";
  const Json& spec = v["wrapKeyMaterial"];
  if (v.MemberCount() != 1 || !spec.IsObject() || spec.MemberCount() != 3) return core::InvalidArgument(usage);
  for (const char* member : {"publicKey", "material", "algorithm"}) {
    if (!spec.HasMember(member) || !spec[member].IsString() || spec[member].GetStringLength() == 0) {
      return core::InvalidArgument(usage);
    }
  }
  WrapSpec wrap;
  const std::string algorithm = spec["algorithm"].GetString();
  if (algorithm == "RSAES_OAEP_SHA_256") {
    wrap.hash = crypto::OaepHash::kSha256;
  } else if (algorithm == "RSAES_OAEP_SHA_1") {
    wrap.hash = crypto::OaepHash::kSha1;
  } else {
    return core::InvalidArgument(usage + "; got algorithm \"" + algorithm + "\"");
  }
  for (auto [member, out] : {std::pair{"publicKey", &wrap.public_key}, std::pair{"material", &wrap.material}}) {
    const std::string_view text(spec[member].GetString(), spec[member].GetStringLength());
    if (!decode && text.find("${") != std::string_view::npos) continue;
    if (!core::Base64Decode(text, out)) {
      return core::InvalidArgument(std::string(member) + " is not base64 (standard alphabet, with padding)");
    }
  }
  return wrap;
}

class Parser {
 public:
  Parser(std::string file, const std::vector<std::string>& include_dirs)
      : file_(std::move(file)), include_dirs_(include_dirs) {}

  core::StatusOr<Scenario> Parse(std::string_view text) {
    if (core::Status checked = core::CheckJsonText(text); !checked.ok()) {
      return Error("", "not valid JSON: " + checked.message());
    }
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError()) {
      return Error("", std::string("not valid JSON at ") + Where(text, doc.GetErrorOffset()) + ": " +
                           rapidjson::GetParseError_En(doc.GetParseError()));
    }
    if (!doc.IsObject()) return Error("", "the top level must be a JSON object");
    static const std::set<std::string> kMembers = {"title", "observe", "setup", "steps", "server"};
    for (const auto& m : doc.GetObject()) {
      if (!kMembers.count(m.name.GetString())) {
        return Error("", std::string("unknown member \"") + m.name.GetString() +
                             "\" (expected title, observe, setup, steps, server)");
      }
    }
    Scenario s;
    s.file = file_;
    if (!doc.HasMember("title") || !doc["title"].IsString() || doc["title"].GetStringLength() == 0) {
      return Error("", "\"title\" must be a non-empty string");
    }
    s.title = doc["title"].GetString();
    if (doc.HasMember("observe")) {
      if (!doc["observe"].IsString()) return Error("", "\"observe\" must be a string");
      s.observe = doc["observe"].GetString();
    }
    if (doc.HasMember("server")) {
      const Json& server = doc["server"];
      if (!server.IsObject()) return Error("server", "must be an object");
      for (const auto& m : server.GetObject()) {
        if (std::string(m.name.GetString()) != "grantDelaySeconds") {
          return Error("server", std::string("unknown member \"") + m.name.GetString() +
                                     "\" (only grantDelaySeconds)");
        }
        if (!m.value.IsInt64() || m.value.GetInt64() < 0) {
          return Error("server", "grantDelaySeconds must be a whole number, 0 or more");
        }
        s.grant_delay_seconds = m.value.GetInt64();
      }
    }
    if (doc.HasMember("setup")) {
      ASSIGN_OR_RETURN(s.setup, Steps(doc["setup"], "setup", doc.GetAllocator()));
    }
    if (!doc.HasMember("steps")) return Error("", "\"steps\" is missing");
    ASSIGN_OR_RETURN(s.steps, Steps(doc["steps"], "steps", doc.GetAllocator()));
    if (s.steps.empty()) return Error("steps", "must hold at least one step");
    return s;
  }

 private:
  core::Status Error(const std::string& where, const std::string& problem) const {
    return core::InvalidArgument(file_ + ": " + (where.empty() ? "" : where + ": ") + problem);
  }

  core::StatusOr<std::vector<Step>> Steps(Json& list, const std::string& name, Allocator& alloc) {
    if (!list.IsArray()) return Error(name, "must be an array of steps");
    std::vector<Step> steps;
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      ASSIGN_OR_RETURN(Step step, ParseStep(list[i], name + "[" + std::to_string(i) + "]", alloc));
      steps.push_back(std::move(step));
    }
    return steps;
  }

  core::StatusOr<Step> ParseStep(Json& v, const std::string& where, Allocator& alloc) {
    if (!v.IsObject()) return Error(where, "a step must be an object");
    Step step;
    if (v.HasMember("note")) {
      if (!v["note"].IsString()) return Error(where, "\"note\" must be a string");
      step.note = v["note"].GetString();
    }
    if (v.HasMember("clock")) {
      for (const auto& m : v.GetObject()) {
        std::string member = m.name.GetString();
        if (member != "clock" && member != "note") {
          return Error(where, "a clock step takes only \"clock\" and \"note\", not \"" + member + "\"");
        }
      }
      const Json& clock = v["clock"];
      if (!clock.IsObject() || clock.MemberCount() != 1 || !clock.HasMember("advanceSeconds") ||
          !clock["advanceSeconds"].IsInt64() || clock["advanceSeconds"].GetInt64() < 0) {
        return Error(where, "\"clock\" must be {\"advanceSeconds\": N} with N a whole number, 0 or more");
      }
      step.advance_seconds = clock["advanceSeconds"].GetInt64();
      return step;
    }
    static const std::set<std::string> kMembers = {"as", "call", "params", "save", "expect", "note", "region"};
    for (const auto& m : v.GetObject()) {
      if (!kMembers.count(m.name.GetString())) {
        return Error(where, std::string("unknown member \"") + m.name.GetString() +
                                "\" (expected as, call, params, save, expect, note, region; or clock)");
      }
    }
    if (v.HasMember("as")) {
      if (!v["as"].IsString() || v["as"].GetStringLength() == 0) return Error(where, "\"as\" must be a principal name");
      step.as = v["as"].GetString();
    }
    if (v.HasMember("region")) {
      if (!v["region"].IsString() || !core::IsRegionName(v["region"].GetString())) {
        return Error(where, "\"region\" must be an AWS Region name such as us-west-2");
      }
      step.region = v["region"].GetString();
    }
    if (!v.HasMember("call") || !v["call"].IsString()) {
      return Error(where, "\"call\" is missing (\"service:Operation\", e.g. \"kms:CreateKey\")");
    }
    const std::string call = v["call"].GetString();
    const size_t colon = call.find(':');
    step.service = call.substr(0, colon == std::string::npos ? 0 : colon);
    step.operation = colon == std::string::npos ? "" : call.substr(colon + 1);
    if ((step.service != "kms" && step.service != "dynamodb" && step.service != "dynamodbstreams" &&
         step.service != "sts") ||
        step.operation.empty() ||
        !std::isupper(static_cast<unsigned char>(step.operation[0]))) {
      return Error(where, "\"call\" must be kms:, dynamodb:, dynamodbstreams: or sts: and an operation, e.g. \"kms:CreateKey\"; got \"" +
                              call + "\"");
    }
    if (v.HasMember("params")) {
      Json& params = v["params"];
      if (!params.IsObject()) return Error(where, "\"params\" must be an object (the request body)");
      RETURN_IF_ERROR(Resolve(params, where + ".params", alloc));
      if (step.service == "sts") {
        for (const auto& m : params.GetObject()) {
          if (!m.value.IsString()) return Error(where, "sts params are form fields: string values only");
        }
      }
      step.params_json = ToJson(params);
    } else {
      step.params_json = "{}";
    }
    for (const std::string& name : References(step.params_json)) {
      RETURN_IF_ERROR(CheckServerTime(name, where, &step));
      if (!IsServerTime(name) && !saved_.count(name)) {
        return Error(where, "uses ${" + name + "}, which no earlier step saves");
      }
    }
    if (v.HasMember("expect")) RETURN_IF_ERROR(ParseExpect(v["expect"], where, &step.expect));
    std::vector<std::string> texts = {step.expect.message, step.expect.determining};
    for (const auto& [path, value] : step.expect.values) texts.push_back(value);
    for (const std::string& text : texts) {
      for (const std::string& name : References(text)) {
        RETURN_IF_ERROR(CheckServerTime(name, where, &step));
        if (!IsServerTime(name) && !saved_.count(name)) {
          return Error(where, "expects ${" + name + "}, which no step before it saves");
        }
      }
    }
    if (v.HasMember("save")) {
      const Json& save = v["save"];
      if (!save.IsObject()) return Error(where, "\"save\" must be {\"name\": \"Dotted.Path\"}");
      if (step.service == "sts") return Error(where, "\"save\" is not supported for sts calls");
      for (const auto& m : save.GetObject()) {
        if (!m.value.IsString() || m.value.GetStringLength() == 0) {
          return Error(where, std::string("save \"") + m.name.GetString() + "\" needs a dotted path string");
        }
        if (IsServerTime(m.name.GetString())) {
          return Error(where, std::string("cannot save as \"") + m.name.GetString() + "\": " + ServerTimeUsage());
        }
        step.save.emplace_back(m.name.GetString(), m.value.GetString());
        saved_.insert(m.name.GetString());
      }
    }
    return step;
  }

  // "success" | {"values": {PATH: VALUE}} | {"error": TYPE, "message": ..., "determining": ...}
  core::Status ParseExpect(const Json& e, const std::string& where, Expectation* out) const {
    if (e.IsString() && std::string(e.GetString()) == "success") return core::Status();
    const std::string usage =
        "\"expect\" must be \"success\", {\"values\": {\"Dotted.Path\": \"value\"}} or {\"error\": TYPE, "
        "\"message\": ..., \"determining\": ...}";
    if (!e.IsObject()) return Error(where, usage);
    if (e.HasMember("values")) {
      if (e.MemberCount() != 1 || !e["values"].IsObject() || e["values"].MemberCount() == 0) return Error(where, usage);
      for (const auto& m : e["values"].GetObject()) {
        if (!m.value.IsString()) {
          return Error(where, std::string("expect.values.") + m.name.GetString() + " must be a string");
        }
        out->values.emplace_back(m.name.GetString(), m.value.GetString());
      }
      return core::Status();
    }
    if (!e.HasMember("error") || !e["error"].IsString() || e["error"].GetStringLength() == 0) {
      return Error(where, usage);
    }
    out->success = false;
    for (const auto& m : e.GetObject()) {
      const std::string member = m.name.GetString();
      if (!m.value.IsString()) return Error(where, "expect." + member + " must be a string");
      if (member == "error") {
        out->error = m.value.GetString();
      } else if (member == "message") {
        out->message = m.value.GetString();
      } else if (member == "determining") {
        out->determining = m.value.GetString();
      } else {
        return Error(where, "unknown member expect." + member + " (expected error, message, determining)");
      }
    }
    // An empty "message" says on purpose that the error has none (AWS sends some so).
    if (!e.HasMember("message") && out->determining.empty()) {
      return Error(where, "an expected error needs a \"message\" or \"determining\" fragment as well");
    }
    return core::Status();
  }

  // A serverTime reference `name` must be well formed; it marks `step` as reading the clock.
  core::Status CheckServerTime(const std::string& name, const std::string& where, Step* step) const {
    if (!IsServerTime(name)) return core::Status();
    if (!ServerTimeOffset(name)) return Error(where, "${" + name + "}: " + ServerTimeUsage());
    step->uses_server_time = true;
    return core::Status();
  }

  // Replaces {"file": PATH} objects by the file's text and inline objects under
  // "Policy" by their JSON text, at any depth; checks wrapKeyMaterial objects.
  core::Status Resolve(Json& v, const std::string& where, Allocator& alloc) {
    if (v.IsObject() && v.MemberCount() == 1 && v.HasMember("file") && v["file"].IsString()) {
      ASSIGN_OR_RETURN(std::string text, ReadInclude(v["file"].GetString(), where));
      v.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);
      return core::Status();
    }
    if (IsWrap(v)) {
      core::StatusOr<WrapSpec> wrap = ReadWrap(v, false);
      return wrap.ok() ? core::Status() : Error(where, "wrapKeyMaterial: " + wrap.status().message());
    }
    if (v.IsObject()) {
      for (auto& m : v.GetObject()) {
        RETURN_IF_ERROR(Resolve(m.value, where + "." + m.name.GetString(), alloc));
        if (std::string(m.name.GetString()) == "Policy" && m.value.IsObject()) {
          std::string text = ToJson(m.value);
          m.value.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);
        }
      }
    } else if (v.IsArray()) {
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        RETURN_IF_ERROR(Resolve(v[i], where + "[" + std::to_string(i) + "]", alloc));
      }
    }
    return core::Status();
  }

  core::StatusOr<std::string> ReadInclude(const std::string& path, const std::string& where) const {
    std::vector<std::string> tried;
    for (const std::string& dir : include_dirs_) {
      const std::filesystem::path candidate = std::filesystem::path(dir) / path;
      core::StatusOr<std::string> text = core::ReadTextFile(candidate.string());
      if (text.ok()) return text;
      if (text.status().code() != core::Code::kNotFound) return Error(where, text.status().message());
      tried.push_back(candidate.string());
    }
    std::string list;
    for (const std::string& t : tried) list += (list.empty() ? "" : ", ") + t;
    return Error(where, "cannot read included file \"" + path + "\" (tried " + list + ")");
  }

  std::string file_;
  const std::vector<std::string>& include_dirs_;
  std::set<std::string> saved_;  // names saved by the steps parsed so far
};

// Replaces ${name} in every string of `v` (serverTime references by `server_seconds`
// plus the offset; with `numbers`, a string that is exactly one such reference by a
// JSON number); `problem` gets the first failure.
void ExpandStrings(Json& v, const SavedValues& saved, std::optional<int64_t> server_seconds, bool numbers,
                   Allocator& alloc, std::string* problem) {
  if (v.IsString()) {
    std::string text(v.GetString(), v.GetStringLength());
    if (text.find("${") == std::string::npos) return;
    std::string out;
    size_t pos = 0;
    for (size_t start; (start = text.find("${", pos)) != std::string::npos;) {
      size_t end = text.find('}', start + 2);
      if (end == std::string::npos) break;
      const std::string name = text.substr(start + 2, end - start - 2);
      std::string value;
      if (IsServerTime(name)) {
        const std::optional<int64_t> offset = ServerTimeOffset(name);
        if (!offset || !server_seconds) {
          if (problem->empty()) *problem = offset ? "the server time is not known" : "${" + name + "}: " + ServerTimeUsage();
          return;
        }
        if (numbers && start == 0 && end + 1 == text.size()) {
          v.SetInt64(*server_seconds + *offset);
          return;
        }
        value = std::to_string(*server_seconds + *offset);
      } else if (auto it = saved.find(name); it != saved.end()) {
        value = it->second;
      } else {
        if (problem->empty()) *problem = "no saved value ${" + name + "} (did the step that saves it fail?)";
        return;
      }
      out += text.substr(pos, start - pos) + value;
      pos = end + 1;
    }
    out += text.substr(pos);
    v.SetString(out.c_str(), static_cast<rapidjson::SizeType>(out.size()), alloc);
  } else if (v.IsObject()) {
    for (auto& m : v.GetObject()) ExpandStrings(m.value, saved, server_seconds, numbers, alloc, problem);
  } else if (v.IsArray()) {
    for (auto& item : v.GetArray()) ExpandStrings(item, saved, server_seconds, numbers, alloc, problem);
  }
}

// Replaces every wrapKeyMaterial object in `v` (at `where`) by the base64 of the wrapped material.
core::Status WrapKeyMaterial(Json& v, const std::string& where, Allocator& alloc) {
  if (IsWrap(v)) {
    core::StatusOr<std::string> wrapped = [&]() -> core::StatusOr<std::string> {
      ASSIGN_OR_RETURN(WrapSpec wrap, ReadWrap(v, true));
      return crypto::RsaOaepEncrypt(wrap.public_key, wrap.hash, wrap.material);
    }();
    if (!wrapped.ok()) return core::InvalidArgument(where + ": wrapKeyMaterial: " + wrapped.status().message());
    const std::string text = core::Base64Encode(*wrapped);
    v.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);
  } else if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      RETURN_IF_ERROR(WrapKeyMaterial(m.value, where + (where.empty() ? "" : ".") + m.name.GetString(), alloc));
    }
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      RETURN_IF_ERROR(WrapKeyMaterial(v[i], where + "[" + std::to_string(i) + "]", alloc));
    }
  }
  return core::Status();
}
}  // namespace

core::StatusOr<Scenario> ParseScenario(std::string_view text, const std::string& file,
                                       const std::vector<std::string>& include_dirs) {
  return Parser(file, include_dirs).Parse(text);
}

core::StatusOr<std::string> ExpandParams(const std::string& params_json, const SavedValues& saved,
                                         std::optional<int64_t> server_seconds) {
  rapidjson::Document doc;
  doc.Parse(params_json.c_str(), params_json.size());
  if (doc.HasParseError()) return core::InvalidArgument("params are not JSON");
  std::string problem;
  ExpandStrings(doc, saved, server_seconds, true, doc.GetAllocator(), &problem);
  if (!problem.empty()) return core::NotFound(problem);
  RETURN_IF_ERROR(WrapKeyMaterial(doc, "", doc.GetAllocator()));
  return ToJson(doc);
}

core::StatusOr<std::string> ExpandText(const std::string& text, const SavedValues& saved,
                                       std::optional<int64_t> server_seconds) {
  rapidjson::Document doc;
  doc.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), doc.GetAllocator());
  std::string problem;
  ExpandStrings(doc, saved, server_seconds, false, doc.GetAllocator(), &problem);
  if (!problem.empty()) return core::NotFound(problem);
  return std::string(doc.GetString(), doc.GetStringLength());
}

std::optional<std::string> LookupPath(const std::string& json, const std::string& path) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError()) return std::nullopt;
  // "A[0].B" and "A.0.B" both name the first element of A.
  std::string normalized;
  for (char c : path) {
    if (c == '[') {
      normalized.push_back('.');
    } else if (c != ']') {
      normalized.push_back(c);
    }
  }
  const Json* v = &doc;
  std::stringstream parts(normalized);
  for (std::string part; std::getline(parts, part, '.');) {
    if (v->IsObject() && v->HasMember(part.c_str())) {
      v = &(*v)[part.c_str()];
    } else if (v->IsArray() && !part.empty() && part.size() < 9 &&
               part.find_first_not_of("0123456789") == std::string::npos &&
               std::stoul(part) < v->Size()) {
      v = &(*v)[static_cast<rapidjson::SizeType>(std::stoul(part))];
    } else {
      return std::nullopt;
    }
  }
  if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
  return ToJson(*v);
}

}  // namespace kmslab::cli
