package rlhf.demo.taskworld;

/** The task world's prompt categories (names from InstructGPT's use-case table) and their share of prompts. */
public enum Category {
    CLOSED_QA("closed_qa", 0.25),
    CLASSIFICATION("classification", 0.15),
    REWRITE("rewrite", 0.15),
    EXTRACT("extract", 0.10),
    BRAINSTORMING("brainstorming", 0.15),
    CHAT("chat", 0.10),
    HARMFUL("harmful", 0.10);

    private final String id;
    private final double share;

    Category(String id, double share) {
        this.id = id;
        this.share = share;
    }

    /** The spec's name, e.g. {@code closed_qa}; used in data files. */
    public String id() {
        return id;
    }

    /** Share of prompts of this category in every generated data set. */
    public double share() {
        return share;
    }

    public static Category byId(String id) {
        for (Category c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("category: unknown '" + id + "'");
    }
}
