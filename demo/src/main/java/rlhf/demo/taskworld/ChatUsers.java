package rlhf.demo.taskworld;

import java.util.Random;

import rlhf.feedback.v1.Split;
import rlhf.wire.UserSplits;

/**
 * Simulated chat users: each has an id and contributes at most {@link #MAX_PROMPTS_PER_USER} prompts (the
 * InstructGPT cap); the id decides the user's split by the contract's stable hash ({@link UserSplits}).
 */
public final class ChatUsers {

    /** InstructGPT capped each user at 200 prompts so that no one dominates the data. */
    public static final int MAX_PROMPTS_PER_USER = 200;
    public static final double VALIDATION_FRACTION = 0.1;
    public static final double TEST_FRACTION = 0.1;

    private final String prefix;
    private final Random random;
    private int userNumber;
    private int quota;
    private String current;

    /** @param prefix distinguishes user populations, e.g. {@code "user"} for training, {@code "eval-user"} */
    public ChatUsers(String prefix, long seed) {
        this.prefix = prefix;
        this.random = new Random(seed);
    }

    /** The user who writes the next prompt: the current one until their quota (1..200, mean ~40) is used. */
    public String nextPromptAuthor() {
        if (quota == 0) {
            userNumber++;
            current = String.format("%s-%05d", prefix, userNumber);
            // Geometric with mean 40, capped: most users write a few prompts, some write many.
            quota = Math.min(MAX_PROMPTS_PER_USER, 1 + (int) (Math.log(1 - random.nextDouble()) / Math.log(1 - 1.0 / 40)));
        }
        quota--;
        return current;
    }

    /** Users created so far. */
    public int users() {
        return userNumber;
    }

    public static Split splitOf(String userId) {
        return UserSplits.splitOf(userId, VALIDATION_FRACTION, TEST_FRACTION);
    }

    /** The split's name in data files: train, validation, test. */
    public static String splitName(Split split) {
        return switch (split) {
            case SPLIT_TRAIN -> "train";
            case SPLIT_VALIDATION -> "validation";
            case SPLIT_TEST -> "test";
            default -> throw new IllegalArgumentException("split: " + split);
        };
    }
}
