#include "ddb/decimal_sum.h"

#include <algorithm>
#include <cstddef>

#include "ddb/attribute_value.h"

namespace kmslab::ddb {

namespace {

// A plain decimal as sign and digits with `scale` of them after the point.
struct Decimal {
  bool negative = false;
  std::string digits;  // most significant first
  size_t scale = 0;
};

Decimal Split(std::string_view n) {
  const std::string plain = NormalizeNumber(n);
  Decimal d;
  std::string_view s = plain;
  if (!s.empty() && s[0] == '-') {
    d.negative = true;
    s.remove_prefix(1);
  }
  const size_t point = s.find('.');
  if (point == std::string_view::npos) {
    d.digits = std::string(s);
  } else {
    d.digits = std::string(s.substr(0, point)) + std::string(s.substr(point + 1));
    d.scale = s.size() - point - 1;
  }
  return d;
}

// Pads both to the same scale and the same number of digits.
void Align(Decimal& a, Decimal& b) {
  const size_t scale = std::max(a.scale, b.scale);
  a.digits.append(scale - a.scale, '0');
  b.digits.append(scale - b.scale, '0');
  a.scale = b.scale = scale;
  const size_t width = std::max(a.digits.size(), b.digits.size()) + 1;  // room for a carry
  a.digits.insert(0, width - a.digits.size(), '0');
  b.digits.insert(0, width - b.digits.size(), '0');
}

// |x| + |y| or |x| - |y| (requires |x| >= |y|), digit strings of equal length.
std::string AddMagnitudes(const std::string& x, const std::string& y, bool subtract) {
  std::string out(x.size(), '0');
  int carry = 0;
  for (size_t i = x.size(); i-- > 0;) {
    int v = (x[i] - '0') + (subtract ? -(y[i] - '0') : (y[i] - '0')) + carry;
    carry = v < 0 ? -1 : v / 10;
    out[i] = static_cast<char>('0' + (v + 10) % 10);
  }
  return out;
}

}  // namespace

std::string SumNumbers(std::string_view a, std::string_view b, bool subtract) {
  Decimal x = Split(a), y = Split(b);
  if (subtract) y.negative = !y.negative;
  Align(x, y);
  Decimal r;
  r.scale = x.scale;
  if (x.negative == y.negative) {
    r.negative = x.negative;
    r.digits = AddMagnitudes(x.digits, y.digits, false);
  } else if (x.digits >= y.digits) {  // equal lengths: text order is numeric order
    r.negative = x.negative;
    r.digits = AddMagnitudes(x.digits, y.digits, true);
  } else {
    r.negative = y.negative;
    r.digits = AddMagnitudes(y.digits, x.digits, true);
  }
  std::string text = r.negative ? "-" : "";
  text += r.digits.substr(0, r.digits.size() - r.scale);
  if (r.scale > 0) text += "." + r.digits.substr(r.digits.size() - r.scale);
  return NormalizeNumber(text);
}

}  // namespace kmslab::ddb
