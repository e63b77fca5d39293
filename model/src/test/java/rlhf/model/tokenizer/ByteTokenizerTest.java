package rlhf.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ByteTokenizerTest {
    private final ByteTokenizer tokenizer = new ByteTokenizer();

    @Test
    void chineseTextRoundTripsThroughUtf8Bytes() {
        String text = "你好，世界！RLHF 训练 🙂";
        int[] ids = tokenizer.encode(text);
        assertThat(ids).hasSize(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(java.util.Arrays.stream(ids).allMatch(id -> id >= 0 && id < 256)).isTrue();
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
        assertThat(tokenizer.encode("你")).containsExactly(0xE4, 0xBD, 0xA0);
    }

    @Test
    void specialTokensComeOnlyFromIdsNeverFromText() {
        assertThat(tokenizer.encode("<|endoftext|>")).hasSize(13).doesNotContain(ByteTokenizer.END_OF_TEXT);
        assertThat(tokenizer.decode(new int[] {'h', 'i', ByteTokenizer.END_OF_TEXT})).isEqualTo("hi<|endoftext|>");
        assertThat(tokenizer.decodeText(new int[] {ByteTokenizer.USER, 'h', 'i', ByteTokenizer.END_OF_TEXT})).isEqualTo("hi");
        assertThat(tokenizer.vocabSize()).isEqualTo(260);
    }

    @Test
    void invalidUtf8DecodesToReplacementCharacters() {
        assertThat(tokenizer.decode(new int[] {0xE4, 0xBD})).isEqualTo("\uFFFD");
    }

    @Test
    void chatTemplateRendersRoleTokensAndParsesThemBack() {
        List<ChatMessage> chat = List.of(ChatMessage.system("简洁"), ChatMessage.user("What is 2 plus 3?"),
                ChatMessage.assistant("5."));
        int[] ids = tokenizer.chatTemplate().render(chat, false);
        assertThat(ids[0]).isEqualTo(ByteTokenizer.SYSTEM);
        assertThat(tokenizer.decode(ids)).isEqualTo(
                "<|system|>简洁<|endoftext|><|user|>What is 2 plus 3?<|endoftext|><|assistant|>5.<|endoftext|>");
        assertThat(tokenizer.chatTemplate().parse(ids)).isEqualTo(chat);

        int[] prompt = tokenizer.chatTemplate().render(chat.subList(0, 2), true);
        assertThat(prompt[prompt.length - 1]).isEqualTo(ByteTokenizer.ASSISTANT);
        int[] withPartialAnswer = java.util.Arrays.copyOf(prompt, prompt.length + 1);
        withPartialAnswer[prompt.length] = '5';
        assertThat(tokenizer.chatTemplate().parse(withPartialAnswer)).last().isEqualTo(ChatMessage.assistant("5"));
    }

    @Test
    void serialisedFormReadsBack() {
        assertThat(Tokenizers.fromJson(tokenizer.toJson())).isInstanceOf(ByteTokenizer.class);
    }
}
