package rlhf.demo.taskworld;

/** How a prompt is presented (spec: prompt kinds of seed 000). */
public enum PromptKind {
    /** The template alone. */
    PLAIN("plain"),
    /** One or two solved examples of the same category as {@code Q: … A: …} lines, then {@code Q: {prompt} A:}. */
    FEW_SHOT("few_shot"),
    /** Arrived from a chat user through the gateway. */
    USER_BASED("user_based");

    private final String id;

    PromptKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
