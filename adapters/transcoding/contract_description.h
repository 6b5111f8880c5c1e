// The rpc.discover document: the services a server serves, their methods and streaming
// kinds, and a JSON Schema of the ProtoJSON form of every message they reach, with the
// contract's comments as descriptions. docs/protocol.md shows its shape.
#pragma once

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"

namespace pipebridge::transcoding {

// Compact JSON on one line (it travels in newline-delimited JSON-RPC), or pretty-printed
// with `indent` spaces; deterministic for the same services.
std::string DescribeContract(const std::vector<const google::protobuf::ServiceDescriptor*>& services,
                             int protocol_version, int indent = -1);

}  // namespace pipebridge::transcoding
