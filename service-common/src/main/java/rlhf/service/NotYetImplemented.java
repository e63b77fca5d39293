package rlhf.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The one way an RPC of the contract that a later issue builds answers today: UNIMPLEMENTED with a description
 * saying what is missing, so that nothing pretends to work.
 */
public final class NotYetImplemented {

    private NotYetImplemented() {
    }

    /**
     * @param rpc   the full method name, e.g. {@code rlhf.policy.v1.PolicyService/Generate}
     * @param what  what will serve it, e.g. {@code "the PPO issue: policy generation"}
     */
    public static StatusRuntimeException rpc(String rpc, String what) {
        return Status.UNIMPLEMENTED
                .withDescription(rpc + " is not implemented yet: it arrives with " + what + ".")
                .asRuntimeException();
    }
}
