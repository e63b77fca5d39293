package rlhf.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import rlhf.feedback.v1.Split;

class UserSplitsTest {

    @Test
    void positionIsTheTopBitsOfSha256() {
        // SHA-256("abc") = ba7816bf8f01cfea…; 0xba7816bf8f01cfea >>> 11, scaled by 2^-53.
        double expected = (0xba7816bf8f01cfeaL >>> 11) * 0x1.0p-53;
        assertThat(UserSplits.position("abc")).isEqualTo(expected);
        assertThat(expected).isBetween(0.728, 0.729);
    }

    @Test
    void stableAndProportional() {
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        for (int i = 0; i < 20_000; i++) {
            String user = "user-" + i;
            Split split = UserSplits.splitOf(user, 0.1, 0.1);
            assertThat(UserSplits.splitOf(user, 0.1, 0.1)).isEqualTo(split);
            counts.merge(split, 1, Integer::sum);
        }
        // 20,000 users: each share within ~4 standard deviations of its expectation.
        assertThat(counts.get(Split.SPLIT_TRAIN)).isBetween(15_780, 16_220);
        assertThat(counts.get(Split.SPLIT_VALIDATION)).isBetween(1_830, 2_170);
        assertThat(counts.get(Split.SPLIT_TEST)).isBetween(1_830, 2_170);
    }

    @Test
    void rejectsEmptyIdsAndImpossibleFractions() {
        assertThatThrownBy(() -> UserSplits.position(" ")).hasMessageContaining("user_id");
        assertThatThrownBy(() -> UserSplits.splitOf("u", 0.6, 0.5)).hasMessageContaining("fractions");
    }
}
