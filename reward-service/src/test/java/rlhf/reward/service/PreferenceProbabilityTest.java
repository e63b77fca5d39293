package rlhf.reward.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PreferenceProbabilityTest {

    @Test
    void equalRewardsAreACoinFlip() {
        assertThat(PreferenceProbability.of(0.3, 0.3)).isEqualTo(0.5);
    }

    @Test
    void aLogOddsOfLn3IsThreeToOne() {
        assertThat(PreferenceProbability.of(Math.log(3), 0)).isCloseTo(0.75, within(1e-15));
        assertThat(PreferenceProbability.of(0, Math.log(3))).isCloseTo(0.25, within(1e-15));
    }

    @Test
    void extremeDifferencesSaturateWithoutOverflow() {
        assertThat(PreferenceProbability.of(1000, -1000)).isEqualTo(1.0);
        assertThat(PreferenceProbability.of(-1000, 1000)).isEqualTo(0.0);
        assertThat(PreferenceProbability.of(-800, 0)).isNotNaN();
    }
}
