package rlhf.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import rlhf.feedback.v1.Split;

/**
 * The contract's rule for data splits: a stable hash of the user id decides train / validation / test, so one
 * user's prompts never straddle splits (InstructGPT split by user id for the same reason). Every party that
 * needs a split (the gateway, offline data generators, evaluation) computes it here, and gets the same answer
 * on every machine and JVM.
 */
public final class UserSplits {

    private UserSplits() {
    }

    /**
     * Position of the user in [0, 1): the first 8 bytes of SHA-256(UTF-8 user id) as an unsigned fraction.
     */
    public static double position(String userId) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user_id: must not be empty");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
            long top = 0;
            for (int i = 0; i < 8; i++) {
                top = (top << 8) | (digest[i] & 0xff);
            }
            return (top >>> 11) * 0x1.0p-53; // 53 high bits → a double in [0, 1)
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    /**
     * The user's split: the last {@code testFraction} of [0, 1) is test, the {@code validationFraction} before it
     * validation, the rest train.
     */
    public static Split splitOf(String userId, double validationFraction, double testFraction) {
        if (validationFraction < 0 || testFraction < 0 || validationFraction + testFraction >= 1) {
            throw new IllegalArgumentException("fractions must be >= 0 and leave room for train: validation="
                    + validationFraction + ", test=" + testFraction);
        }
        double p = position(userId);
        if (p >= 1 - testFraction) {
            return Split.SPLIT_TEST;
        }
        return p >= 1 - testFraction - validationFraction ? Split.SPLIT_VALIDATION : Split.SPLIT_TRAIN;
    }
}
