package rlhf.reward.grpc;

import io.grpc.Context;
import rlhf.reward.service.CallLifetime;

/** A call's {@link io.grpc.Context} (see {@link rlhf.service.CallLifetimeInterceptor}) as the service's {@link CallLifetime}. */
record GrpcCallLifetime(Context context) implements CallLifetime {

    @Override
    public boolean givenUp() {
        return context.isCancelled() || context.getDeadline() != null && context.getDeadline().isExpired();
    }

    /** Also runs when the call ends normally; by then nothing is left to withdraw. */
    @Override
    public void onGiveUp(Runnable action) {
        context.addListener(c -> action.run(), Runnable::run);
    }
}
