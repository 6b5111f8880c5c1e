// Early-return helpers for absl::Status / absl::StatusOr (Abseil 20220623 has none).
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PB_STATUS_CONCAT_INNER_(a, b) a##b
#define PB_STATUS_CONCAT_(a, b) PB_STATUS_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the enclosing function when it is not OK.
// The variable is named per line, so a PB_RETURN_IF_ERROR inside a lambda passed to another
// does not shadow the outer one (-Wshadow).
#define PB_RETURN_IF_ERROR(expr) \
  PB_RETURN_IF_ERROR_IMPL_(PB_STATUS_CONCAT_(pb_status_, __LINE__), expr)
#define PB_RETURN_IF_ERROR_IMPL_(status, expr) \
  do {                                         \
    ::absl::Status status = (expr);            \
    if (!status.ok()) return status;           \
  } while (false)

// `PB_ASSIGN_OR_RETURN(auto x, MakeX());` assigns the value of a StatusOr or
// returns its status from the enclosing function.
#define PB_ASSIGN_OR_RETURN(lhs, expr) \
  PB_ASSIGN_OR_RETURN_IMPL_(PB_STATUS_CONCAT_(pb_statusor_, __LINE__), lhs, expr)
#define PB_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                              \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
