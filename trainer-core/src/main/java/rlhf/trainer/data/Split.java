package rlhf.trainer.data;

import java.util.Locale;

import rlhf.wire.UserSplits;

/** The user-id split of a record: training data, or held out for model selection (validation) or reporting (test). */
public enum Split {
    TRAIN, VALIDATION, TEST;

    /** Fractions of users in validation and test when a record names its user but not its split (the contract's). */
    private static final double VALIDATION_FRACTION = 0.1;
    private static final double TEST_FRACTION = 0.1;

    /** {@code "train"}, {@code "validation"} or {@code "test"} (case-insensitive). */
    public static Split parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("split must be train, validation or test, got '" + name + "'");
        }
    }

    /** The split of a user by the contract's rule ({@link UserSplits}: SHA-256 of the id, 80/10/10). */
    public static Split ofUser(String userId) {
        return switch (UserSplits.splitOf(userId, VALIDATION_FRACTION, TEST_FRACTION)) {
            case SPLIT_VALIDATION -> VALIDATION;
            case SPLIT_TEST -> TEST;
            default -> TRAIN;
        };
    }

    /** Whether the record is held out from training (validation or test). */
    public boolean heldOut() {
        return this != TRAIN;
    }
}
