package rlhf.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class BearerTokensTest {

    private final BearerTokens tokens = new BearerTokens(Map.of("ops", "ops-token-0123456789", "ci", "ci-token-0123456789"));

    @Test
    void theHeaderNamesTheKeyWhoseTokenItCarries() {
        assertThat(tokens.keyName("Bearer ops-token-0123456789")).isEqualTo("ops");
        assertThat(tokens.keyName("bearer ci-token-0123456789 ")).isEqualTo("ci");
    }

    @Test
    void missingMalformedAndUnknownTokensAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> tokens.keyName(null)).isInstanceOf(BearerTokens.Refused.class)
                .hasMessage("required: Bearer <token>");
        assertThatThrownBy(() -> tokens.keyName(" ")).hasMessage("required: Bearer <token>");
        assertThatThrownBy(() -> tokens.keyName("Basic b3BzOnRva2Vu")).hasMessage("not a bearer token");
        assertThatThrownBy(() -> tokens.keyName("Bearer ops-token-012345678")).hasMessage("unknown token");
        assertThatThrownBy(() -> tokens.keyName("Bearer ")).hasMessage("unknown token");
        assertThat(new BearerTokens(Map.of()).isEmpty()).isTrue();
    }

    @Test
    void messagesUseTheServicesNounForItsTokens() {
        BearerTokens keys = new BearerTokens(Map.of("chat", "chat-key-0123456789"), "API key");
        assertThatThrownBy(() -> keys.keyName(null)).hasMessage("required: Bearer <API key>");
        assertThatThrownBy(() -> keys.keyName("Bearer nope")).hasMessage("unknown API key");
    }
}
