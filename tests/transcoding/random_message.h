// Deterministic pseudo-random messages over descriptors, for comparing the codec with util.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"

namespace pipebridge::transcoding::testing {

struct RandomMessageOptions {
  // Allow values whose util JSON does not read back as the same message: NaN and infinities in
  // google.protobuf.Value, and Values with no kind set (util prints nothing for them).
  bool allow_lossy_values = false;
  // Deepest message nesting filled (deeper message fields stay unset).
  int max_depth = 4;
};

class RandomMessageFiller {
 public:
  RandomMessageFiller(uint64_t seed, RandomMessageOptions options = {})
      : rng_(seed), options_(options) {}

  // Fills every field kind: scalars at their extremes, unicode strings, repeated, maps, oneofs,
  // nested messages and the well-known types with their JSON forms.
  void Fill(google::protobuf::Message* message) { FillMessage(message, 0); }

  std::string RandomString();
  void FillValue(google::protobuf::Value* value, int depth);

 private:
  void FillMessage(google::protobuf::Message* message, int depth);
  bool FillWellKnown(google::protobuf::Message* message, int depth);
  void FillField(google::protobuf::Message* message, const google::protobuf::FieldDescriptor* f,
                 int depth);
  void FillScalar(google::protobuf::Message* message, const google::protobuf::FieldDescriptor* f,
                  bool add);
  int64_t RandomInt64();
  uint64_t RandomUint64();
  int32_t RandomInt32();
  uint32_t RandomUint32();
  double RandomDouble(bool allow_special);
  float RandomFloat();
  std::string RandomBytes();
  std::string RandomFieldPath();
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  std::mt19937_64 rng_;
  RandomMessageOptions options_;
};

}  // namespace pipebridge::transcoding::testing
