#include "bridge/core/templates/template_ambiguity.h"
#include "bridge/core/templates/absl_string_view.h"

#include <bitset>
#include <deque>
#include <functional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pipebridge::core::templates {
namespace {

using CharSet = std::bitset<256>;

struct Nfa {
  struct Edge {
    CharSet chars;
    int to;
  };
  struct State {
    std::vector<Edge> edges;
    std::vector<int> eps;
  };
  std::vector<State> states;
  int start = 0;
  int accept = 0;
};

class NfaBuilder {
 public:
  NfaBuilder() { nfa_.states.emplace_back(); }

  int NewState() {
    nfa_.states.emplace_back();
    return static_cast<int>(nfa_.states.size()) - 1;
  }
  void Char(const CharSet& set) {
    int n = NewState();
    nfa_.states[cur_].edges.push_back({set, n});
    cur_ = n;
  }
  void Literal(std::string_view s, bool ignore_case = false) {
    for (char c : s) {
      CharSet set;
      unsigned char u = static_cast<unsigned char>(c);
      set.set(u);
      if (ignore_case) {
        set.set(static_cast<unsigned char>(absl::ascii_tolower(u)));
        set.set(static_cast<unsigned char>(absl::ascii_toupper(u)));
      }
      Char(set);
    }
  }
  // `set` repeated min..(unbounded when max < 0) times.
  void Repeat(const CharSet& set, int min, int max) {
    for (int i = 0; i < min; ++i) Char(set);
    if (max < 0) {
      int loop = NewState();
      nfa_.states[cur_].eps.push_back(loop);
      nfa_.states[loop].edges.push_back({set, loop});
      cur_ = loop;
    } else {
      for (int i = min; i < max; ++i) {
        int from = cur_;
        Char(set);
        nfa_.states[from].eps.push_back(cur_);
      }
    }
  }
  void Alternatives(const std::vector<std::function<void(NfaBuilder&)>>& alts) {
    const int from = cur_;
    const int end = NewState();
    for (const auto& alt : alts) {
      cur_ = from;
      alt(*this);
      nfa_.states[cur_].eps.push_back(end);
    }
    cur_ = end;
  }
  Nfa Finish() {
    nfa_.accept = cur_;
    return std::move(nfa_);
  }

 private:
  Nfa nfa_;
  int cur_ = 0;
};

CharSet Range(char a, char b) {
  CharSet s;
  for (int c = static_cast<unsigned char>(a); c <= static_cast<unsigned char>(b); ++c) s.set(c);
  return s;
}

CharSet NonAscii() {
  CharSet s;
  for (int c = 0x80; c < 256; ++c) s.set(c);
  return s;
}

void AddKey(NfaBuilder& b, const TemplateKey& key, bool path_mode) {
  const CharSet digits = Range('0', '9');
  CharSet any;
  any.set();
  any.reset(0);
  if (path_mode) {
    any.reset('/');
    any.reset('\\');
  }
  const KeySettings& s = key.settings();
  switch (key.type()) {
    case KeyType::kString: {
      if (!s.choices.empty()) {
        std::vector<std::function<void(NfaBuilder&)>> alts;
        for (const std::string& c : key.ChoiceTexts()) alts.push_back([c](NfaBuilder& n) { n.Literal(c, true); });
        b.Alternatives(alts);
        return;
      }
      CharSet set = any;
      if (s.filter_by == "alphanumeric") set = Range('a', 'z') | Range('A', 'Z') | digits | NonAscii();
      if (s.filter_by == "alpha") set = Range('a', 'z') | Range('A', 'Z') | NonAscii();
      if (s.filter_by == "integer") set = digits;
      if (s.length) {
        b.Repeat(set, *s.length, *s.length);
      } else {
        b.Repeat(set, 1, -1);
      }
      return;
    }
    case KeyType::kInteger: {
      if (!s.choices.empty()) {
        std::vector<std::function<void(NfaBuilder&)>> alts;
        for (const auto& c : s.choices) {
          auto text = key.ToText(c.first);
          if (text.ok()) alts.push_back([t = *text](NfaBuilder& n) { n.Literal(t); });
        }
        b.Alternatives(alts);
        return;
      }
      CharSet set = digits;
      if (!key.zero_padded() && key.min_width() > 0) set.set(' ');
      b.Repeat(set, key.strict_matching() ? std::max(1, key.min_width()) : 1, -1);
      return;
    }
    case KeyType::kSequence: {
      std::vector<std::function<void(NfaBuilder&)>> alts;
      alts.push_back([digits](NfaBuilder& n) { n.Repeat(digits, 1, -1); });
      for (const std::string& spec : key.frame_specs()) alts.push_back([spec](NfaBuilder& n) { n.Literal(spec); });
      alts.push_back([digits](NfaBuilder& n) {
        n.Literal("[");
        n.Repeat(digits, 1, -1);
        n.Literal("-");
        n.Repeat(digits, 1, -1);
        n.Literal("]");
      });
      b.Alternatives(alts);
      return;
    }
    case KeyType::kTimestamp:
      for (const auto& item : key.timestamp_format()->items()) {
        if (item.directive == 0) {
          b.Literal(item.literal);
        } else {
          b.Repeat(digits, item.width, item.width);
        }
      }
      return;
  }
}

Nfa BuildNfa(const Template& t, const CompiledVariant& v) {
  NfaBuilder b;
  const bool path_mode = t.kind() == TemplateKind::kPath;
  // Root and static text match paths ignoring case (case_folding.h), so they do here too.
  if (path_mode) b.Literal(t.root_path() == "/" ? "/" : t.root_path() + "/", /*ignore_case=*/true);
  for (const VariantToken& tok : v.tokens) {
    if (tok.is_key) {
      AddKey(b, *tok.key, path_mode);
    } else {
      b.Literal(tok.text, /*ignore_case=*/true);
    }
  }
  return b.Finish();
}

char Witness(const CharSet& set) {
  static constexpr std::string_view kPreferred =
      "abcdefghijklmnopqrstuvwxyz123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0_-.";
  for (char c : kPreferred) {
    if (set.test(static_cast<unsigned char>(c))) return c;
  }
  for (int c = 1; c < 256; ++c) {
    if (set.test(c)) return static_cast<char>(c);
  }
  return '?';
}

// Breadth-first search of the product automaton; true and a shortest common string
// when the two languages intersect.
bool Intersect(const Nfa& a, const Nfa& b, std::string* example) {
  const size_t nb = b.states.size();
  const size_t total = a.states.size() * nb;
  struct Parent {
    int prev = -1;
    char c = 0;  // 0: epsilon move
  };
  std::vector<Parent> parent(total);
  std::vector<bool> seen(total, false);
  std::deque<int> queue;
  const int start = static_cast<int>(a.start * nb + b.start);
  const int goal = static_cast<int>(a.accept * nb + b.accept);
  seen[start] = true;
  queue.push_back(start);
  auto visit = [&](int from, int to, char c) {
    if (seen[to]) return;
    seen[to] = true;
    parent[to] = {from, c};
    queue.push_back(to);
  };
  while (!queue.empty()) {
    const int cur = queue.front();
    queue.pop_front();
    if (cur == goal) {
      std::string s;
      for (int p = cur; p != start; p = parent[p].prev) {
        if (parent[p].c != 0) s += parent[p].c;
      }
      *example = std::string(s.rbegin(), s.rend());
      return true;
    }
    const int sa = cur / static_cast<int>(nb);
    const int sb = cur % static_cast<int>(nb);
    for (int e : a.states[sa].eps) visit(cur, static_cast<int>(e * nb + sb), 0);
    for (int e : b.states[sb].eps) visit(cur, static_cast<int>(sa * nb + e), 0);
    for (const auto& ea : a.states[sa].edges) {
      for (const auto& eb : b.states[sb].edges) {
        CharSet both = ea.chars & eb.chars;
        if (both.any()) visit(cur, static_cast<int>(ea.to * nb + eb.to), Witness(both));
      }
    }
  }
  return false;
}

int Slashes(std::string_view s) {
  int n = 0;
  for (char c : s) n += c == '/';
  return n;
}

}  // namespace

std::vector<AmbiguityWarning> FindAmbiguities(const std::vector<const Template*>& templates) {
  struct Compiled {
    const Template* t;
    std::vector<Nfa> nfas;
    std::vector<int> slashes;  // total '/' per variant, root included
  };
  std::vector<Compiled> compiled;
  for (const Template* t : templates) {
    Compiled c{t, {}, {}};
    const int root_slashes = t->kind() == TemplateKind::kPath ? Slashes(t->root_path()) + 1 : 0;
    for (const CompiledVariant& v : t->variants()) {
      c.nfas.push_back(BuildNfa(*t, v));
      c.slashes.push_back(root_slashes + v.slash_count);
    }
    compiled.push_back(std::move(c));
  }
  std::vector<AmbiguityWarning> warnings;
  for (size_t i = 0; i < compiled.size(); ++i) {
    for (size_t j = i + 1; j < compiled.size(); ++j) {
      const Compiled& x = compiled[i];
      const Compiled& y = compiled[j];
      if (x.t->kind() != y.t->kind()) continue;
      std::string example;
      bool found = false;
      for (size_t vi = 0; vi < x.nfas.size() && !found; ++vi) {
        for (size_t vj = 0; vj < y.nfas.size() && !found; ++vj) {
          if (x.t->kind() == TemplateKind::kPath && x.slashes[vi] != y.slashes[vj]) continue;
          found = Intersect(x.nfas[vi], y.nfas[vj], &example);
        }
      }
      if (!found) continue;
      nlohmann::json fx, fy;
      size_t ix = 0, iy = 0;
      const bool confirmed = x.t->TryParse(example, &fx, &ix) && y.t->TryParse(example, &fy, &iy);
      AmbiguityWarning w;
      w.template_a = x.t->name();
      w.template_b = y.t->name();
      if (confirmed) {
        w.example_path = example;
        w.message = Cat("templates '", w.template_a, "' and '", w.template_b,
                                 "' both match ", x.t->kind() == TemplateKind::kPath ? "paths" : "strings", " such as \"", example, "\"");
      } else {
        w.message = Cat("templates '", w.template_a, "' and '", w.template_b,
                                 "' may match the same ", x.t->kind() == TemplateKind::kPath ? "paths" : "strings", " (no example confirmed)");
      }
      warnings.push_back(std::move(w));
    }
  }
  return warnings;
}

}  // namespace pipebridge::core::templates
