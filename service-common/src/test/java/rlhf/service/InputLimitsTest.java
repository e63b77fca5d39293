package rlhf.service;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InputLimitsTest {

    @Test
    void aViolationNamesTheFieldTheSizeTheLimitAndItsKey() {
        assertThatThrownBy(() -> InputLimits.checkChars("prompt.text", "x".repeat(12), 10, "rlhf.policy.max-prompt-chars"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> org.assertj.core.api.Assertions
                        .assertThat(e.field()).isEqualTo("prompt.text"))
                .hasMessage("prompt.text: 12 characters > max 10 (rlhf.policy.max-prompt-chars)");
        assertThatThrownBy(() -> InputLimits.checkCount("sampling.stop", 10_000, "sequences", 16,
                "rlhf.policy.max-stop-sequences"))
                .hasMessage("sampling.stop: 10000 sequences > max 16 (rlhf.policy.max-stop-sequences)");
    }

    @Test
    void theLimitItselfIsAllowed() {
        assertThatCode(() -> InputLimits.checkChars("answer", "x".repeat(10), 10, "k")).doesNotThrowAnyException();
        assertThatCode(() -> InputLimits.checkCount("items", 16, "items", 16, "k")).doesNotThrowAnyException();
    }
}
