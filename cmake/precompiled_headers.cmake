# Precompiled headers (option PIPEBRIDGE_PCH): the third-party headers that most files of a layer
# include are compiled once, by an owner target per kind, and every target of that layer reuses
# the result (REUSE_FROM) instead of parsing them again in each file (2-5 s of a typical file's
# 6-12 s; Boost.Asio, protobuf and grpcpp headers are the slowest to parse).
#
# Only third-party headers, so a file that forgets one of ours still fails to compile; a file
# that forgets a third-party include fails in a PIPEBRIDGE_PCH=OFF build. Each layer's kind holds
# only what that layer may include (the core's has no protobuf, gRPC or Beast).
#
# A precompiled header serves only files compiled with the flags and macros it was made with, so
# an owner links the same libraries as its users (that is where their flags come from) and its
# users' directory decides the optimisation level (tests/ compiles at -Og). GCC silently parses
# the headers again when a precompiled header does not fit; CMake passes -Winvalid-pch with
# every use, which PIPEBRIDGE_WERROR turns into an error, so such a mismatch is visible.

set(PIPEBRIDGE_PCH_SOURCE ${PROJECT_BINARY_DIR}/precompiled_headers.cc)
file(CONFIGURE OUTPUT ${PIPEBRIDGE_PCH_SOURCE}
     CONTENT "// Compiled only for its target's precompiled header.\n")

# What goes in is measured, not guessed: a header in a precompiled header costs every file that
# uses it some template instantiation and code generation at the end of the file, whether the
# file needs the header or not (nlohmann's json.hpp added ~1.5 s to a generated .grpc.pb.cc,
# more than its parsing saved). So each kind holds only what most files of its layer include.
#
# The C++ standard library and Abseil headers used all over the project.
set(PIPEBRIDGE_PCH_BASE_HEADERS <algorithm> <atomic> <chrono> <cstdint> <functional> <map>
    <memory> <mutex> <optional> <string> <string_view> <utility> <vector>
    <absl/status/status.h> <absl/status/statusor.h> <absl/strings/str_cat.h>
    <absl/strings/string_view.h> <absl/time/time.h>)
# The core: its values are nlohmann JSON.
set(PIPEBRIDGE_PCH_CORE_HEADERS ${PIPEBRIDGE_PCH_BASE_HEADERS} <nlohmann/json.hpp>)
# protobuf's runtime as generated code and descriptor-driven code include it, and the
# well-known types the contract uses.
set(PIPEBRIDGE_PCH_RPC_HEADERS ${PIPEBRIDGE_PCH_BASE_HEADERS}
    <google/protobuf/arena.h> <google/protobuf/descriptor.h>
    <google/protobuf/generated_message_reflection.h> <google/protobuf/io/coded_stream.h>
    <google/protobuf/message.h> <google/protobuf/repeated_field.h>
    <google/protobuf/struct.pb.h> <google/protobuf/timestamp.pb.h>)
# grpcpp too, for the generated code and the gRPC adapter only.
set(PIPEBRIDGE_PCH_GRPC_HEADERS ${PIPEBRIDGE_PCH_RPC_HEADERS} <grpcpp/grpcpp.h>)

# pipebridge_add_pch(<kind> LINK <libraries...> HEADERS <headers...>) makes the owner target
# pipebridge_pch_<kind>, compiled with the flags linking <libraries> gives.
function(pipebridge_add_pch kind)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "LINK;HEADERS")
  if(NOT PIPEBRIDGE_PCH)
    return()
  endif()
  add_library(pipebridge_pch_${kind} OBJECT ${PIPEBRIDGE_PCH_SOURCE})
  target_link_libraries(pipebridge_pch_${kind} PRIVATE ${arg_LINK})
  target_precompile_headers(pipebridge_pch_${kind} PRIVATE ${arg_HEADERS})
  pipebridge_set_target_defaults(pipebridge_pch_${kind})
endfunction()

# Gives `target` the precompiled headers of `kind`.
function(pipebridge_use_pch target kind)
  if(PIPEBRIDGE_PCH)
    target_precompile_headers(${target} REUSE_FROM pipebridge_pch_${kind})
  endif()
endfunction()
