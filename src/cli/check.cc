#include "cli/check.h"

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "core/text_file.h"
#include "cli/scenario.h"
#include "cli/stack.h"
#include "core/clock.h"
#include "core/strings.h"
#include "http/sigv4.h"
#include "iam/directory.h"
#include "kms/denial_log.h"

namespace kmslab::cli {

namespace {
int UsageError(const std::string& message) {
  std::cerr << "kmslab check: " << message << "\n";
  return 2;
}

// --- the wire: one request, one answer, whatever carries them ---------------

struct Exchange {
  std::string method = "POST";
  std::string path = "/";  // may carry a query for GETs
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Answer {
  int status = 0;  // 0: nothing came back (see failure)
  std::string body;
  std::string request_id;
  std::string failure;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Empty state for `scenario`; an error stops the whole run.
  virtual core::Status Begin(const Scenario& scenario) = 0;
  virtual void End() = 0;
  virtual Answer Send(const Exchange& exchange) = 0;
  // kmslab's explanation of the denial with `request_id` (text to match fragments against).
  virtual core::StatusOr<std::string> Explanation(const std::string& request_id) = 0;
  // The Host header value requests are signed with.
  virtual std::string Host() const = 0;
};

// A fresh Stack over a temporary data directory per scenario; requests go
// through its router.
class InProcess : public Transport {
 public:
  explicit InProcess(std::string fixtures_dir) : fixtures_dir_(std::move(fixtures_dir)) {}
  ~InProcess() override { End(); }

  core::Status Begin(const Scenario& scenario) override {
    std::string pattern = (std::filesystem::temp_directory_path() / "kmslab-check-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return core::Internal("cannot create a temporary directory");
    data_dir_ = pattern;
    StackOptions options;
    options.data_dir = data_dir_;
    options.fixtures_dir = fixtures_dir_;
    options.grant_delay_seconds = scenario.grant_delay_seconds;
    auto stack = Stack::Open(options);
    if (!stack.ok()) return stack.status();
    stack_ = std::move(stack).value();
    return core::Status();
  }

  void End() override {
    stack_.reset();
    if (!data_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(data_dir_, ec);
      data_dir_.clear();
    }
  }

  Answer Send(const Exchange& exchange) override {
    http::HeaderViews headers;
    for (const auto& [name, value] : exchange.headers) headers.emplace_back(name, value);
    http::HttpRequest request{exchange.method, exchange.path, {}, headers, exchange.body, "127.0.0.1"};
    // The server echoes every denial to stderr; here the runner reports them.
    std::stringstream quiet;
    std::streambuf* saved = std::cerr.rdbuf(quiet.rdbuf());
    http::HttpResponse response = stack_->router->Handle(request);
    std::cerr.rdbuf(saved);
    return {response.status, std::move(response.body), std::move(response.request_id), ""};
  }

  core::StatusOr<std::string> Explanation(const std::string& request_id) override {
    auto denial = kms::DenialLog::Find(data_dir_ + "/denials.jsonl", request_id);
    if (!denial) return core::NotFound("no denial with request id " + request_id + " in the denial log");
    return denial->explanation;
  }

  std::string Host() const override { return "localhost"; }

 private:
  std::string fixtures_dir_;
  std::string data_dir_;
  std::unique_ptr<Stack> stack_;
};

// A running server at http://HOST:PORT, reset before each scenario.
class OverHttp : public Transport {
 public:
  OverHttp(std::string host, int port, std::string admin_token)
      : host_(std::move(host)), port_(port), admin_token_(std::move(admin_token)), client_(host_, port_) {
    client_.set_connection_timeout(5);
    client_.set_read_timeout(60);
  }

  core::Status Begin(const Scenario& scenario) override {
    if (scenario.grant_delay_seconds > 0) {
      std::cout << "  note: this scenario needs a server started with --grant-delay "
                << scenario.grant_delay_seconds << "\n";
    }
    Exchange reset{"POST", "/_kmslab/reset", {{"Content-Type", "application/json"}}, "{}"};
    Answer answer = Send(reset);
    if (answer.status == 0) return core::Status(core::Code::kUnavailable, answer.failure);
    if (answer.status == 404) {
      return core::FailedPrecondition("the server at " + Host() +
                                      " is too old: it has no POST /_kmslab/reset, which --endpoint needs to start "
                                      "each scenario on empty state");
    }
    if (answer.status < 200 || answer.status > 299) {
      return core::FailedPrecondition("POST /_kmslab/reset answered " + std::to_string(answer.status) + ": " +
                                      answer.body);
    }
    return core::Status();
  }

  void End() override {}

  Answer Send(const Exchange& exchange) override {
    httplib::Request request;
    request.method = exchange.method;
    request.path = exchange.path;
    request.body = exchange.body;
    for (const auto& [name, value] : exchange.headers) request.headers.emplace(name, value);
    if (!admin_token_.empty() && exchange.path.starts_with("/_kmslab/")) {
      request.headers.emplace("X-Kmslab-Admin-Token", admin_token_);
    }
    httplib::Response response;
    httplib::Error error = httplib::Error::Success;
    if (!client_.send(request, response, error)) {
      return {0, "", "", "cannot reach " + Host() + ": " + httplib::to_string(error)};
    }
    return {response.status, response.body, response.get_header_value("x-amzn-RequestId"), ""};
  }

  // GET /_kmslab/trail?requestId=ID: the explanation and determining
  // statements of the event's kmslabDecision.
  core::StatusOr<std::string> Explanation(const std::string& request_id) override {
    Answer answer = Send({"GET", "/_kmslab/trail?requestId=" + request_id, {}, ""});
    if (answer.status != 200) {
      return core::NotFound("GET /_kmslab/trail?requestId=" + request_id + " answered " +
                            (answer.status ? std::to_string(answer.status) + " " + answer.body : answer.failure));
    }
    rapidjson::Document doc;
    doc.Parse(answer.body.data(), answer.body.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("events") || !doc["events"].IsArray()) {
      return core::NotFound("GET /_kmslab/trail answered no {\"events\": [...]}");
    }
    std::string text;
    for (const auto& event : doc["events"].GetArray()) {
      if (!event.IsObject() || !event.HasMember("kmslabDecision")) continue;
      const auto& decision = event["kmslabDecision"];
      if (decision.HasMember("explanation") && decision["explanation"].IsString()) {
        text += decision["explanation"].GetString();
        text += "\n";
      }
      if (decision.HasMember("determining")) {
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
        decision["determining"].Accept(writer);
        text += std::string("determining: ") + buffer.GetString() + "\n";
      }
    }
    if (text.empty()) return core::NotFound("the trail has no kmslabDecision for request " + request_id);
    return text;
  }

  std::string Host() const override { return host_ + ":" + std::to_string(port_); }

 private:
  std::string host_;
  int port_;
  std::string admin_token_;
  httplib::Client client_;
};

// --- requests as a client builds them -------------------------------------

struct Credentials {
  std::string access_key_id;
  std::string secret;
  std::string session_token;
};

// The text of the first <name> element of an XML body, entities decoded; "" if none.
std::string XmlText(const std::string& xml, const std::string& name) {
  const size_t start = xml.find("<" + name + ">");
  if (start == std::string::npos) return "";
  const size_t from = start + name.size() + 2;
  const size_t end = xml.find("</" + name + ">", from);
  if (end == std::string::npos) return "";
  std::string text = xml.substr(from, end - from), out;
  static const std::pair<const char*, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  for (size_t i = 0; i < text.size(); ++i) {
    bool decoded = false;
    for (const auto& [entity, c] : kEntities) {
      if (text.compare(i, std::char_traits<char>::length(entity), entity) == 0) {
        out.push_back(c);
        i += std::char_traits<char>::length(entity) - 1;
        decoded = true;
        break;
      }
    }
    if (!decoded) out.push_back(text[i]);
  }
  return out;
}

// A POST / to `service` signed with SigV4 as `who`, with the headers an SDK sends.
Exchange SignedPost(const Credentials& who, const std::string& service, const std::string& target,
                    const std::string& content_type, std::string body, const std::string& host,
                    http::SigningKeyCache& signing_keys, const std::string& region = "us-east-1") {
  const std::string amz_date = core::FormatAmzDate(core::SystemClock().NowMillis());
  Exchange exchange;
  exchange.body = std::move(body);
  exchange.headers = {{"Content-Type", content_type}, {"Host", host}, {"X-Amz-Date", amz_date}};
  std::vector<std::string> signed_headers = {"content-type", "host", "x-amz-date"};
  if (!who.session_token.empty()) {
    exchange.headers.emplace_back("X-Amz-Security-Token", who.session_token);
    signed_headers.push_back("x-amz-security-token");
  }
  if (!target.empty()) {
    exchange.headers.emplace_back("X-Amz-Target", target);
    signed_headers.push_back("x-amz-target");
  }
  http::HeaderViews views;
  for (const auto& [name, value] : exchange.headers) views.emplace_back(name, value);
  const http::QueryParams no_query;
  http::SignableRequest signable{"POST", "/", no_query, views, exchange.body};
  http::SigV4Authorization auth{who.access_key_id, amz_date.substr(0, 8), region, service, signed_headers, ""};
  const std::string signature = http::ComputeSignature(signable, auth, amz_date, who.secret, signing_keys);
  exchange.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + who.access_key_id + "/" +
                                                     auth.date + "/" + region + "/" + service +
                                                     "/aws4_request, SignedHeaders=" +
                                                     core::Join(signed_headers, ";") + ", Signature=" + signature);
  return exchange;
}

// What a call came back with.
struct Reply {
  bool success = false;
  std::string type;     // error type, after any '#'
  std::string message;  // error message
  std::string body;
  std::string request_id;
};

Reply Interpret(const std::string& service, const Answer& answer) {
  Reply reply{answer.status == 200, "", "", answer.body, answer.request_id};
  if (reply.success) return reply;
  if (service == "sts") {
    reply.type = XmlText(answer.body, "Code");
    reply.message = XmlText(answer.body, "Message");
    return reply;
  }
  rapidjson::Document doc;
  doc.Parse(answer.body.data(), answer.body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    if (doc.HasMember("__type") && doc["__type"].IsString()) reply.type = doc["__type"].GetString();
    for (const char* name : {"message", "Message"}) {
      if (doc.HasMember(name) && doc[name].IsString()) reply.message = doc[name].GetString();
    }
  }
  if (size_t hash = reply.type.find('#'); hash != std::string::npos) reply.type = reply.type.substr(hash + 1);
  if (reply.type.empty()) reply.type = "HTTP " + std::to_string(answer.status);
  return reply;
}

// The request id kmslab logged the denial under: a DynamoDB error wrapping a
// KMS call names the KMS request ("Request ID: <uuid>;").
std::string DenialRequestId(const Reply& reply) {
  constexpr std::string_view kMarker = "Request ID: ";
  const size_t at = reply.message.find(kMarker);
  if (at != std::string::npos) {
    const std::string id = reply.message.substr(at + kMarker.size(), 36);
    if (core::IsLowerUuid(id)) return id;
  }
  return reply.request_id;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string Indented(const std::string& text, const std::string& prefix) {
  std::string out;
  for (const std::string& line : core::Split(text, '\n'))
    if (!line.empty()) out += prefix + line + "\n";
  return out;
}

// `text` in lines of at most `width` characters (words kept whole), each after `prefix`.
std::string Wrapped(const std::string& text, const std::string& prefix, size_t width) {
  std::string out, line;
  std::stringstream words(text);
  for (std::string word; words >> word;) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += prefix + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += prefix + line + "\n";
  return out;
}

// --- running scenarios ------------------------------------------------------

class Runner {
 public:
  Runner(Transport* transport, const iam::Directory* directory) : transport_(transport), directory_(directory) {}

  // Runs one scenario, printing as it goes; true when every step met its expectation.
  // A transport that cannot start the scenario stops everything: `*fatal` is set.
  bool Run(const Scenario& scenario, bool* fatal) {
    std::cout << "\n== " << scenario.file << ": " << scenario.title << "\n";
    if (!scenario.observe.empty()) std::cout << Wrapped(scenario.observe, "   | ", 96);
    if (core::Status begun = transport_->Begin(scenario); !begun.ok()) {
      std::cout << "  cannot start: " << begun.message() << "\n";
      *fatal = true;
      return false;
    }
    sessions_.clear();
    saved_.clear();
    bool setup_ok = true;
    for (size_t i = 0; i < scenario.setup.size() && setup_ok; ++i) {
      setup_ok = RunStep(scenario.setup[i], "setup ");
      if (!setup_ok) std::cout << "  FAIL: setup failed at setup[" << i << "]; the steps did not run\n";
    }
    int met = 0;
    if (setup_ok) {
      for (const Step& step : scenario.steps) met += RunStep(step, "") ? 1 : 0;
      const int total = static_cast<int>(scenario.steps.size());
      std::cout << (met == total ? "  PASS: " : "  FAIL: ") << met << " of " << total
                << " steps met their expectation\n";
    }
    transport_->End();
    return setup_ok && met == static_cast<int>(scenario.steps.size());
  }

 private:
  bool RunStep(const Step& step, const std::string& label) {
    if (step.advance_seconds) return RunClock(step, label);
    const std::string who = label + step.as + " " + step.Call() + (step.note.empty() ? "" : " (" + step.note + ")");
    auto fail = [&](const std::string& got) {
      std::cout << "  ✗ " << who << "\n      expected: " << Expected(step.expect) << "\n      got:      " << got
                << "\n";
      return false;
    };
    auto credentials = CredentialsOf(step.as);
    if (!credentials.ok()) return fail("no credentials: " + credentials.status().message());
    std::optional<int64_t> server_seconds;
    if (step.uses_server_time) {
      auto now = ServerSeconds();
      if (!now.ok()) return fail(now.status().message());
      server_seconds = *now;
    }
    auto body = ExpandParams(step.params_json, saved_, server_seconds);
    if (!body.ok()) return fail(body.status().message());
    Answer answer = transport_->Send(Build(*credentials, step.service, step.operation, *body, step.region));
    if (answer.status == 0) return fail(answer.failure);
    Reply reply = Interpret(step.service, answer);
    const std::string outcome = reply.success ? "success" : reply.type + ": " + reply.message;

    if (step.expect.success != reply.success) return fail(outcome);
    if (!reply.success) {
      auto message = ExpandText(step.expect.message, saved_, server_seconds);
      auto determining = ExpandText(step.expect.determining, saved_, server_seconds);
      if (!message.ok() || !determining.ok()) return fail(outcome + " (" + (message.ok() ? determining : message).status().message() + ")");
      if (reply.type != step.expect.error || reply.message.find(*message) == std::string::npos) return fail(outcome);
      if (!determining->empty()) {
        auto explanation = transport_->Explanation(DenialRequestId(reply));
        if (!explanation.ok()) return fail(outcome + "\n      (no explanation: " + explanation.status().message() + ")");
        if (explanation->find(*determining) == std::string::npos) {
          std::string text = Indented(*explanation, "        ");
          if (!text.empty()) text.pop_back();
          return fail(outcome + "\n      explanation:\n" + text);
        }
      }
    }
    for (const auto& [path, want] : step.expect.values) {
      auto expanded = ExpandText(want, saved_, server_seconds);
      if (!expanded.ok()) return fail(expanded.status().message());
      auto value = LookupPath(reply.body, path);
      if (value != *expanded) return fail(path + " = " + value.value_or("(absent)") + " in " + reply.body);
    }
    for (const auto& [name, path] : step.save) {
      auto value = LookupPath(reply.body, path);
      if (!value) return fail("success, but nothing at " + path + " to save as " + name + ": " + reply.body);
      saved_[name] = *value;
    }
    std::cout << "  ✓ " << who << " → " << outcome << "\n";
    return true;
  }

  bool RunClock(const Step& step, const std::string& label) {
    const std::string what = label + "clock +" + std::to_string(*step.advance_seconds) + " s" +
                             (step.note.empty() ? "" : " (" + step.note + ")");
    Exchange exchange{"POST", "/_kmslab/clock", {{"Content-Type", "application/json"}, {"Host", transport_->Host()}},
                      "{\"advanceSeconds\":" + std::to_string(*step.advance_seconds) + "}"};
    Answer answer = transport_->Send(exchange);
    if (answer.status != 200) {
      std::cout << "  ✗ " << what << "\n      got: "
                << (answer.status ? std::to_string(answer.status) + " " + answer.body : answer.failure) << "\n";
      return false;
    }
    std::cout << "  ✓ " << what << " → server clock " << LookupPath(answer.body, "now").value_or("?") << "\n";
    return true;
  }

  // The server clock in whole epoch seconds (GET /_kmslab/clock), for ${serverTime...}.
  core::StatusOr<int64_t> ServerSeconds() {
    Answer answer = transport_->Send({"GET", "/_kmslab/clock", {{"Host", transport_->Host()}}, ""});
    if (answer.status != 200) {
      return core::Status(core::Code::kUnavailable,
                          "cannot read the server clock: GET /_kmslab/clock answered " +
                              (answer.status ? std::to_string(answer.status) + " " + answer.body : answer.failure));
    }
    rapidjson::Document doc;
    doc.Parse(answer.body.data(), answer.body.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("epochMillis") || !doc["epochMillis"].IsInt64() ||
        doc["epochMillis"].GetInt64() < 0) {
      return core::Status(core::Code::kUnavailable, "GET /_kmslab/clock answered no epochMillis: " + answer.body);
    }
    return doc["epochMillis"].GetInt64() / 1000;
  }

  static std::string Expected(const Expectation& e) {
    if (e.success) {
      std::string text = "success";
      for (const auto& [path, value] : e.values) text += ", " + path + " = " + value;
      return text;
    }
    std::string text = e.error;
    if (!e.message.empty()) text += " with a message containing " + Quoted(e.message);
    if (!e.determining.empty()) text += ", explained by " + Quoted(e.determining);
    return text;
  }

  Exchange Build(const Credentials& who, const std::string& service, const std::string& operation,
                 const std::string& body_json, const std::string& region) {
    if (service == "kms") {
      return SignedPost(who, service, "TrentService." + operation, "application/x-amz-json-1.1", body_json,
                        transport_->Host(), signing_keys_, region);
    }
    if (service == "dynamodb") {
      return SignedPost(who, service, "DynamoDB_20120810." + operation, "application/x-amz-json-1.0", body_json,
                        transport_->Host(), signing_keys_, region);
    }
    if (service == "dynamodbstreams") {  // signed as dynamodb, as the SDKs do
      return SignedPost(who, "dynamodb", "DynamoDBStreams_20120810." + operation, "application/x-amz-json-1.0",
                        body_json, transport_->Host(), signing_keys_);
    }
    std::string form = "Action=" + http::UriEncode(operation) + "&Version=2011-06-15";
    rapidjson::Document params;
    params.Parse(body_json.data(), body_json.size());
    if (!params.HasParseError() && params.IsObject()) {
      // Strings (the parser allows only these); a value that was exactly ${serverTime...} is a number by now.
      for (const auto& m : params.GetObject()) {
        if (!m.value.IsString() && !m.value.IsInt64()) continue;
        const std::string value = m.value.IsInt64() ? std::to_string(m.value.GetInt64()) : m.value.GetString();
        form += "&" + http::UriEncode(m.name.GetString()) + "=" + http::UriEncode(value);
      }
    }
    return SignedPost(who, "sts", "", "application/x-www-form-urlencoded; charset=utf-8", form, transport_->Host(),
                      signing_keys_);
  }

  // A fixture principal's access key; for a role, a session assumed (once per
  // scenario) by the account's root, or else by user admin.
  core::StatusOr<Credentials> CredentialsOf(const std::string& name) {
    iam::IdentityPtr identity = directory_->FindPrincipal(name);
    if (!identity) return core::NotFound("no fixture principal " + Quoted(name));
    if (identity->role_arn.empty()) {
      auto key = directory_->LongTermKeyOf(name);
      if (!key) return core::NotFound(name + " has no access key in the fixtures");
      return Credentials{key->access_key_id, key->secret, ""};
    }
    if (auto it = sessions_.find(identity->role_arn); it != sessions_.end()) return it->second;
    std::string problem;
    for (const std::string& assumer : {"root@" + identity->account, std::string("admin")}) {
      auto key = directory_->LongTermKeyOf(assumer);
      if (!key) continue;
      const std::string form = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + http::UriEncode(identity->role_arn) +
                               "&RoleSessionName=kmslab-check";
      Answer answer = transport_->Send(SignedPost({key->access_key_id, key->secret, ""}, "sts", "",
                                                  "application/x-www-form-urlencoded; charset=utf-8", form,
                                                  transport_->Host(), signing_keys_));
      Credentials session{XmlText(answer.body, "AccessKeyId"), XmlText(answer.body, "SecretAccessKey"),
                          XmlText(answer.body, "SessionToken")};
      if (answer.status == 200 && !session.access_key_id.empty()) {
        sessions_[identity->role_arn] = session;
        return session;
      }
      problem += " " + assumer + ": " + (answer.status ? XmlText(answer.body, "Message") : answer.failure) + ";";
    }
    return core::Status(core::Code::kPermissionDenied, "cannot assume " + identity->role_arn + ":" + problem);
  }

  Transport* transport_;
  const iam::Directory* directory_;
  http::SigningKeyCache signing_keys_;
  std::map<std::string, Credentials> sessions_;  // by role ARN
  SavedValues saved_;
};

// Every scenario file a PATH names, in order: a file itself, a directory's *.json sorted.
core::StatusOr<std::vector<std::string>> ScenarioFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : std::filesystem::directory_iterator(path, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".json") found.push_back(entry.path().string());
      if (ec) return core::InvalidArgument("cannot list " + path + ": " + ec.message());
      if (found.empty()) return core::InvalidArgument(path + " holds no *.json scenario files");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::is_regular_file(path, ec)) {
      files.push_back(path);
    } else {
      return core::InvalidArgument("no such file or directory: " + path);
    }
  }
  return files;
}

}  // namespace

int Check(const CheckOptions& options) {
  const std::string& fixtures = options.fixtures_dir;
  auto files = ScenarioFiles(options.paths);
  if (!files.ok()) return UsageError(files.status().message());
  // Includes resolve against the repository (the fixtures' parent) and the scenario's own directory.
  const std::string repository =
      std::filesystem::absolute(fixtures).lexically_normal().parent_path().string();
  std::vector<Scenario> scenarios;
  bool bad_file = false;
  for (const std::string& file : *files) {
    core::StatusOr<std::string> text = core::ReadTextFile(file);
    if (!text.ok()) {
      std::cerr << "kmslab check: " << text.status().message() << "\n";
      bad_file = true;
      continue;
    }
    auto parsed = ParseScenario(*text, file,
                                {repository, std::filesystem::path(file).parent_path().string()});
    if (!parsed.ok()) {
      std::cerr << "kmslab check: " << parsed.status().message() << "\n";
      bad_file = true;
      continue;
    }
    scenarios.push_back(std::move(parsed).value());
  }
  if (bad_file) return 2;

  auto directory = iam::Directory::Load(fixtures);
  if (!directory.ok()) return UsageError(directory.status().message());

  std::unique_ptr<Transport> transport;
  if (options.endpoint) {
    transport = std::make_unique<OverHttp>(options.endpoint->host, options.endpoint->port, options.admin_token);
  } else {
    transport = std::make_unique<InProcess>(fixtures);
  }

  Runner runner(transport.get(), directory->get());
  int passed = 0, failed = 0;
  std::vector<std::string> failures;
  for (const Scenario& scenario : scenarios) {
    bool fatal = false;
    if (runner.Run(scenario, &fatal)) {
      ++passed;
    } else {
      ++failed;
      failures.push_back(scenario.file);
    }
    if (fatal) {
      std::cerr << "kmslab check: stopped: cannot start " << scenario.file << " (see above)\n";
      return 2;
    }
  }
  std::cout << "\nkmslab check: " << scenarios.size() << " scenario(s), " << passed << " passed, " << failed
            << " failed\n";
  for (const std::string& file : failures) std::cout << "  failed: " << file << "\n";
  return failed == 0 ? 0 : 1;
}

}  // namespace kmslab::cli
