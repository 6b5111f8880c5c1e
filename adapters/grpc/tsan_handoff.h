// Tells ThreadSanitizer about an ordering that gRPC guarantees inside its own library.
//
// gRPC calls a reactor's OnCancel only after the method handler that created the reactor has
// returned it (ServerCallbackCall::on_cancel_conditions_remaining_: one decrement in
// SetupReactor, after the handler, one in the CompletionOp that sees the cancellation), and it
// can only call the reactor through the pointer the handler returned. But the second decrement
// and the hand-off to the thread that runs OnCancel happen in Debian's libgrpc++, which is not
// built with TSan, so TSan sees the reactor's constructor on one gRPC thread and OnCancel on
// another with nothing between them, and reports every member OnCancel touches (the
// CallContext's mutex, its cancelled flag and callback vector, the callback mutex).
// A release where the handler hands the reactor over and an acquire at the top of OnCancel
// state exactly that edge, no wider than it: unlike a suppression, a race between OnCancel and
// anything else is still reported. Outside the tsan preset both compile to nothing.
#pragma once

#ifdef PIPEBRIDGE_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace pipebridge::grpc_adapter {

// Call as the handler's last act on `reactor`, before returning it to gRPC.
inline void TsanReleaseToGrpc([[maybe_unused]] void* reactor) {
#ifdef PIPEBRIDGE_TSAN
  __tsan_release(reactor);
#endif
}

// Call first in OnCancel.
inline void TsanAcquireFromGrpc([[maybe_unused]] void* reactor) {
#ifdef PIPEBRIDGE_TSAN
  __tsan_acquire(reactor);
#endif
}

}  // namespace pipebridge::grpc_adapter
