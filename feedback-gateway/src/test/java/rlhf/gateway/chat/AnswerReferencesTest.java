package rlhf.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.service.InvalidInputException;

class AnswerReferencesTest {

    private static final String KEY = "k".repeat(32);
    private static final ModelRef V3 = ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).setVersion(3).build();
    private final AnswerReferences references = new AnswerReferences(Optional.of(KEY));
    private final AnswerReferences.Served served = new AnswerReferences.Served("conv-1", "user-1", 1, V3, "abc", "12.");

    @Test
    void aReferenceVerifiesForExactlyWhatWasServed() {
        String ref = references.sign(served);
        assertThat(ref).startsWith("r1.").hasSizeLessThan(64);
        assertThatCode(() -> references.verify(ref, served, "answers[1].reference")).doesNotThrowAnyException();
        assertThat(new AnswerReferences(Optional.of(KEY)).sign(served)).as("same key: same reference").isEqualTo(ref);
    }

    @Test
    void changingAnyServedFieldOrTheKeyBreaksTheReference() {
        String ref = references.sign(served);
        ModelRef v4 = V3.toBuilder().setVersion(4).build();
        ModelRef sft = V3.toBuilder().setKind(ModelKind.MODEL_KIND_SFT).build();
        for (AnswerReferences.Served changed : new AnswerReferences.Served[] {
            new AnswerReferences.Served("conv-2", "user-1", 1, V3, "abc", "12."),
            new AnswerReferences.Served("conv-1", "user-2", 1, V3, "abc", "12."),
            new AnswerReferences.Served("conv-1", "user-1", 0, V3, "abc", "12."),
            new AnswerReferences.Served("conv-1", "user-1", 1, v4, "abc", "12."),
            new AnswerReferences.Served("conv-1", "user-1", 1, sft, "abc", "12."),
            new AnswerReferences.Served("conv-1", "user-1", 1, V3, "abd", "12."),
            new AnswerReferences.Served("conv-1", "user-1", 1, V3, "abc", "13.")}) {
            assertThatThrownBy(() -> references.verify(ref, changed, "answers[1].reference")).as("%s", changed)
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not match");
        }
        String otherKey = new AnswerReferences(Optional.of("x".repeat(32))).sign(served);
        assertThatThrownBy(() -> references.verify(otherKey, served, "f")).hasMessageContaining("forged");
        // Field boundaries are length-prefixed: moving a character between two fields changes the reference.
        assertThat(references.sign(new AnswerReferences.Served("conv-1u", "ser-1", 1, V3, "abc", "12.")))
                .isNotEqualTo(ref);
    }

    @Test
    void malformedReferencesNameTheField() {
        for (String bad : new String[] {"", "r2.abc", "r1.!!!", "r1." + "A".repeat(200)}) {
            assertThatThrownBy(() -> references.verify(bad, served, "answers[0].reference"))
                    .isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("answers[0].reference"));
        }
    }
}
