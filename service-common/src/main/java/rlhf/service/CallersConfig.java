package rlhf.service;

import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may call this service's gRPC methods. Off by default: the model services' read-only calls (Generate, Score,
 * BestOfN, ListModels) are open, as the model store they serve from is. {@code rlhf.callers.required=true} makes every
 * gRPC call (health checks and reflection aside) carry {@code authorization: Bearer <token>} with one of the tokens
 * {@code rlhf.callers.tokens.<caller name>} (from a Kubernetes Secret through the environment, e.g.
 * {@code RLHF_CALLERS_TOKENS_GATEWAY}); {@code rlhf.callers.outgoing-token} is the token this service sends on its own
 * outgoing gRPC calls (the policy-service's rollout scoring, the gateway's chat). Services with their own admin keys
 * (the trainer's {@code rlhf.trainer.keys}, the gateway's {@code rlhf.gateway.keys}) check those in addition.
 */
@ConfigMapping(prefix = "rlhf.callers")
public interface CallersConfig {

    /** Whether every gRPC call needs a caller token. */
    @WithDefault("false")
    boolean required();

    /** Caller tokens by caller name (at least 16 characters each); never logged — callers are known by name. */
    Map<String, String> tokens();

    /** The bearer token sent on this service's outgoing gRPC calls, when the services it calls require one. */
    Optional<String> outgoingToken();
}
