// Exact decimal addition of DynamoDB numbers (never through floating point),
// for UpdateExpression's `+`, `-` and ADD. Pure: thread-safe.
#ifndef KMSLAB_DDB_DECIMAL_SUM_H_
#define KMSLAB_DDB_DECIMAL_SUM_H_

#include <string>
#include <string_view>

namespace kmslab::ddb {

// a + b (a - b when `subtract`), normalized as NormalizeNumber does
// ("100" + "-88.3" -> "11.7"). Precondition: both are valid DynamoDB numbers
// (at most 38 significant digits, magnitude within DynamoDB's range), which
// bounds the work; the result may need range / digit validation.
std::string SumNumbers(std::string_view a, std::string_view b, bool subtract);

}  // namespace kmslab::ddb

#endif  // KMSLAB_DDB_DECIMAL_SUM_H_
