package rlhf.demo.soak;

/** The kinds of load a soak mixes, each with the call it makes. */
public enum LoadKind {
    CHAT("chat", "POST /v1/chat at the gateway (policy-service Generate behind it)"),
    COMPARISON("comparison", "POST /v1/comparisons at the gateway (appended to rlhf.comparisons)"),
    GENERATE("generate", "gRPC PolicyService.Generate"),
    SCORE("score", "gRPC RewardService.Score"),
    PPO_ITERATION("ppo iteration", "one iteration of the trainer's PPO job: rollouts over Kafka, learning, publication");

    private final String label;
    private final String call;

    LoadKind(String label, String call) {
        this.label = label;
        this.call = call;
    }

    /** Short name, as the report's tables show it. */
    public String label() {
        return label;
    }

    /** What one call of this kind is. */
    public String call() {
        return call;
    }
}
