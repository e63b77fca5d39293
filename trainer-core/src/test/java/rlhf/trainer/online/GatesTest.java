package rlhf.trainer.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class GatesTest {

    private final RewardModelGate rmGate = new RewardModelGate(new RewardModelGate.Settings(0.02, 0.05, 0.9));
    private final RewardModelGate.Measured champion = new RewardModelGate.Measured("reward/v1", 0.853, 0.041, 0.95);

    @Test
    void aRewardModelWithinEpsilonOfTheChampionAndCalibratedIsPromoted() {
        // 0.853 - 0.834 = 0.019 <= 0.02
        GateDecision d = rmGate.judge(Optional.of(champion), new RewardModelGate.Measured("reward/v2", 0.834, 0.05, 0.9));
        assertThat(d.promote()).isTrue();
        assertThat(d.summary()).startsWith("promoted: ").contains("drop 0.019");
    }

    @Test
    void aFlippedWeekFailsOnAccuracyAndEachFailedRuleIsAReason() {
        // A week of flipped labels: validation accuracy collapses, calibration and the regression set go with it.
        GateDecision d = rmGate.judge(Optional.of(champion), new RewardModelGate.Measured("reward/v2", 0.52, 0.21, 0.4));
        assertThat(d.promote()).isFalse();
        assertThat(d.reasons()).containsExactly(
                "reward/v2 failed: validation accuracy 0.520 vs reward/v1's 0.853 (drop 0.333, allowed 0.020)",
                "reward/v2 failed: validation ECE 0.210 (bound 0.050)",
                "reward/v2 failed: regression set accuracy 0.400 (needs 0.900)");
        assertThat(d.summary()).startsWith("kept the champion: ");
    }

    @Test
    void eachRuleAloneCanKeepTheChampion() {
        assertThat(rmGate.judge(Optional.of(champion), new RewardModelGate.Measured("c", 0.832, 0.04, 0.95)).promote())
                .as("drop 0.021 > 0.02").isFalse();
        assertThat(rmGate.judge(Optional.of(champion), new RewardModelGate.Measured("c", 0.86, 0.051, 0.95)).promote())
                .as("ECE").isFalse();
        assertThat(rmGate.judge(Optional.of(champion), new RewardModelGate.Measured("c", 0.86, 0.04, 0.89)).promote())
                .as("regression").isFalse();
        assertThat(rmGate.judge(Optional.empty(), new RewardModelGate.Measured("c", 0.60, 0.04, 0.95)).promote())
                .as("no champion: only the absolute bounds").isTrue();
    }

    @Test
    void aPolicyNeedsASmallStepAndAWinRateUnderEveryJudge() {
        PolicyGate gate = new PolicyGate(new PolicyGate.Settings(2.0, 0.5, 20));
        // (30 + 50/2) / 100 = 0.55
        PolicyGate.Judged byRm = new PolicyGate.Judged("reward/v2", 30, 50, 20);
        assertThat(byRm.winRate()).isCloseTo(0.55, within(1e-12));
        assertThat(gate.judge("policy/v40", 1.2, List.of(byRm)).promote()).isTrue();

        // The held-out human comparisons disagree: (10 + 40/2) / 70 = 0.4286 < 0.5
        PolicyGate.Judged byHumans = new PolicyGate.Judged("human comparisons", 10, 40, 20);
        GateDecision d = gate.judge("policy/v40", 1.2, List.of(byRm, byHumans));
        assertThat(d.promote()).isFalse();
        assertThat(d.reasons()).containsExactly(
                "policy/v40 failed: win rate by human comparisons 0.429 (10 / 40 / 20; needs 0.500 and 20 decided)");

        assertThat(gate.judge("p", 2.5, List.of(byRm)).reasons()).containsExactly(
                "p failed: KL to the previous policy 2.500 nats (bound 2.000)");
        // All ties: win rate 0.5 but nothing decided
        assertThat(gate.judge("p", 0.1, List.of(new PolicyGate.Judged("rm", 5, 90, 5))).promote()).isFalse();
    }

    @Test
    void theDecidedShareMustBeShownBetterThanEven() {
        PolicyGate gate = new PolicyGate(new PolicyGate.Settings(2.0, 0.5, 20, 0.5));
        // 30 wins, 20 losses: p = 0.6, n = 50, Wilson (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n):
        // centre 0.638416 / 1.076832 = 0.59287, half 1.96 · 0.0720011 / 1.076832 = 0.13105 → [0.46182, 0.72392]
        PolicyGate.Judged close = new PolicyGate.Judged("reward/v2", 30, 50, 20);
        assertThat(close.decidedInterval()[0]).isCloseTo(0.46182, within(1e-4));
        assertThat(close.decidedInterval()[1]).isCloseTo(0.72392, within(1e-4));
        GateDecision refused = gate.judge("policy/v40", 0.5, List.of(close));
        assertThat(refused.promote()).as("win rate 0.55 passes, the lower bound 0.462 does not").isFalse();
        assertThat(refused.reasons()).singleElement().asString().contains("decided share 0.600 [0.462, 0.724]");
        // 60 wins, 20 losses: p = 0.75, n = 80 → lower bound 0.738545 − 0.093394 = 0.64515
        PolicyGate.Judged clear = new PolicyGate.Judged("reward/v2", 60, 20, 20);
        assertThat(clear.decidedInterval()[0]).isCloseTo(0.64515, within(1e-4));
        assertThat(gate.judge("policy/v40", 0.5, List.of(clear)).promote()).isTrue();
    }
}
