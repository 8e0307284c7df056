// The C++ judges' side of precis.judge: the template data both languages render
// (data/judge/templates.json, embedded in the library) and two hooks that let the Python tests
// hold the C++ judges against the Python ones message for message (test_judge_cpp.py).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstddef>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "precis/judge/judges.hpp"
#include "precis/judge/templates.hpp"

namespace py = pybind11;
namespace pj = precis::judge;

namespace {

py::list messages_list(const std::vector<pj::chat_message>& messages) {
  py::list out;
  for (const auto& m : messages) {
    py::dict d;
    d["role"] = m.role;
    d["content"] = m.content;
    out.append(d);
  }
  return out;
}

// A scripted reply: the text, or {"text", "logprobs": OpenAI's choices[0].logprobs.content}.
pj::chat_reply reply_of(const py::handle& item) {
  pj::chat_reply reply;
  reply.finish_reason = "stop";
  if (py::isinstance<py::str>(item)) {
    reply.text = py::str(item);
    return reply;
  }
  const auto d = item.cast<py::dict>();
  reply.text = py::str(d["text"]);
  if (d.contains("logprobs")) {
    for (const auto& entry : d["logprobs"]) {
      pj::token_logprob t{py::str(entry["token"]), entry["logprob"].cast<double>(), {}};
      if (entry.contains("top_logprobs")) {
        for (const auto& alt : entry["top_logprobs"]) {
          t.top_logprobs.push_back({py::str(alt["token"]), alt["logprob"].cast<double>()});
        }
      }
      reply.logprobs.push_back(std::move(t));
    }
  }
  return reply;
}

// Judges `text` against `given` with the GIL released: a string is shown as it is (as in
// Python), anything else is read as sources and formatted by the judge.
template <class Judge>
auto judge_against(const Judge& judge, const std::string& text, const py::object& given,
                   const char* field) {
  if (py::isinstance<py::str>(given)) {
    const auto shown = precis_python::utf8_of(given, field);
    py::gil_scoped_release release;
    return judge.judge(text, shown);
  }
  const auto sources = precis_python::sources_of(given, field);
  py::gil_scoped_release release;
  return judge.judge(text, std::span<const precis::source_doc>(sources));
}

// Runs a C++ judge with a model that answers `replies` in order (the last again when they run
// out; a reply "!raise" throws) and returns every request and the result.
py::dict replay(const std::string& kind, const py::dict& inputs, const py::list& replies,
                std::size_t samples, std::size_t max_repairs, std::optional<std::int64_t> seed,
                bool logprobs) {
  struct script {
    std::mutex mutex;
    std::vector<pj::chat_reply> replies;
    std::size_t next = 0;
    std::vector<pj::chat_request> requests;
  };
  auto s = std::make_shared<script>();
  for (const auto& item : replies) s->replies.push_back(reply_of(item));
  const pj::chat_function model = [s](const pj::chat_request& request) {
    const std::lock_guard<std::mutex> lock(s->mutex);
    s->requests.push_back(request);
    const auto& reply = s->replies.at(std::min(s->next, s->replies.size() - 1));
    ++s->next;
    if (reply.text == "!raise") throw std::runtime_error("scripted failure");
    return reply;
  };
  pj::judge_options options;
  options.samples = samples;
  options.max_repairs = max_repairs;
  options.seed = seed;
  options.logprobs = logprobs;
  py::dict result;
  if (kind == "citation") {
    const pj::citation_support_judge judge(model, options);
    const auto claim = precis_python::utf8_of(inputs["claim"], "claim");
    const auto r = judge_against(judge, claim, inputs["evidence"], "evidence");
    result["score"] = r.score;
    result["verdict"] = std::string(pj::support_verdict_name(r.verdict));
    result["rationale"] = r.rationale;
    result["spread"] = r.spread;
    result["weighted"] = r.weighted;
    result["error"] = r.error.empty() ? py::object(py::none()) : py::object(py::str(r.error));
    result["calls"] = r.usage.calls;
    result["repairs"] = r.usage.repairs;
  } else if (kind.rfind("rubric:", 0) == 0) {
    const pj::rubric_judge judge(kind.substr(7), model, options);
    const auto summary = precis_python::utf8_of(inputs["summary"], "summary");
    const py::object given = inputs.contains("source") ? py::object(inputs["source"]) : py::none();
    const auto r = judge_against(judge, summary, given, "source");
    result["score"] = r.score;
    result["rating"] = r.rating;
    result["spread"] = r.spread;
    result["ratings"] = r.ratings;
    result["weighted"] = r.weighted;
    result["error"] = r.error.empty() ? py::object(py::none()) : py::object(py::str(r.error));
    result["calls"] = r.usage.calls;
    result["repairs"] = r.usage.repairs;
  } else {
    precis::raise("invalid_argument", "unknown judge kind '" + kind + "'");
  }
  py::list requests;
  for (const auto& q : s->requests) {
    py::dict d;
    d["messages"] = messages_list(q.messages);
    d["temperature"] = q.temperature;
    d["max_tokens"] = q.max_tokens;
    d["seed"] = q.seed ? py::object(py::int_(*q.seed)) : py::object(py::none());
    d["schema"] = q.schema;
    d["template"] = q.template_tag;
    d["sample"] = q.sample;
    d["logprobs"] = q.logprobs;
    d["top_logprobs"] = q.top_logprobs;
    requests.append(d);
  }
  py::dict out;
  out["requests"] = requests;
  out["result"] = result;
  return out;
}

}  // namespace

namespace precis_python {

void bind_judge(py::module_& m) {
  m.def(
      "judge_templates_json", [] { return std::string(pj::builtin_templates_json()); },
      "data/judge/templates.json as embedded in the C++ library (what precis.judge.templates "
      "reads)");
  m.def(
      "judge_render",
      [](const std::string& name, const std::string& version, const std::string& system,
         const std::string& user, const py::dict& values) {
        pj::template_values v;
        for (const auto& [key, value] : values) {
          const std::string k = py::str(key);
          v[k] = utf8_of(value, k);
        }
        const pj::prompt_template t{name, version, system, user, "{}", ""};
        return messages_list(t.render(v));
      },
      py::arg("name"), py::arg("version"), py::arg("system"), py::arg("user"), py::arg("values"),
      "Renders a template with the C++ renderer (test hook).");
  m.def("judge_replay", &replay, py::arg("kind"), py::arg("inputs"), py::arg("replies"),
        py::arg("samples") = 1, py::arg("max_repairs") = 2, py::arg("seed") = 0,
        py::arg("logprobs") = false,
        "Runs a C++ judge against scripted replies; its requests and result (test hook).");
}

}  // namespace precis_python
