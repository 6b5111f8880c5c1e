// Early-return helpers for absl::Status / absl::StatusOr (Abseil 20220623 has none).
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PB_STATUS_CONCAT_INNER_(a, b) a##b
#define PB_STATUS_CONCAT_(a, b) PB_STATUS_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the enclosing function when it is not OK.
#define PB_RETURN_IF_ERROR(expr)                          \
  do {                                                    \
    ::absl::Status pb_status_ = (expr);                   \
    if (!pb_status_.ok()) return pb_status_;              \
  } while (false)

// `PB_ASSIGN_OR_RETURN(auto x, MakeX());` assigns the value of a StatusOr or
// returns its status from the enclosing function.
#define PB_ASSIGN_OR_RETURN(lhs, expr) \
  PB_ASSIGN_OR_RETURN_IMPL_(PB_STATUS_CONCAT_(pb_statusor_, __LINE__), lhs, expr)
#define PB_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                              \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
